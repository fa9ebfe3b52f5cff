/**
 * Regenerate the committed scenarios in fixtures/scenarios/ (`npm run fixtures`). A unit test
 * checks the committed files equal a fresh generation, so run this after changing the generator
 * or anything it records.
 */
import { scenariosFor } from '../fixtures/scenarios.js';
import { generateScenarioFile, scenarioPath } from '../emulator/scenarios.js';
import { DIALECTS } from '../emulator/catalogue/index.js';

// Each dialect's scenarios: fixtures/scenarios/ (2026-04) and fixtures/scenarios/v2/.
for (const dialect of DIALECTS) {
  for (const def of Object.values(scenariosFor(dialect))) {
    if (!def.committed) continue;
    await generateScenarioFile(def.name, scenarioPath(def.name, dialect), undefined, dialect);
    console.log(`wrote ${scenarioPath(def.name, dialect)}`);
  }
}
