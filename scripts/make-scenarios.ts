/**
 * Regenerate the committed scenarios in fixtures/scenarios/ (`npm run fixtures`). A unit test
 * checks the committed files equal a fresh generation, so run this after changing the generator
 * or anything it records.
 */
import { SCENARIOS } from '../fixtures/scenarios.js';
import { generateScenarioFile, scenarioPath } from '../emulator/scenarios.js';

for (const def of Object.values(SCENARIOS)) {
  if (!def.committed) continue;
  await generateScenarioFile(def.name, scenarioPath(def.name));
  console.log(`wrote ${scenarioPath(def.name)}`);
}
