/**
 * `--seed` takes a state file or a scenario name. Named scenarios live in fixtures/scenarios/;
 * `large` (not shipped) is generated the first time it is asked for, into a cache folder outside
 * the package (`scenarioCacheDir()`), so an installed package never writes into node_modules. Seeds are templates: their times are
 * shifted so the seed's `savedAt` becomes now (credits used this period, tokens not yet expired).
 */
import { existsSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { ConfigError } from './config.js';
import { didYouMean } from './did-you-mean.js';
import { fromPackageRoot } from './paths.js';
import { readStateFile } from './store/persistence.js';
import { VERSION } from './version.js';
import { shiftTimes } from './store/time-shift.js';
import type { StateFile } from './store/db.js';
import type { Dialect } from './catalogue/index.js';

export interface SeedPersona {
  role: string;
  tenant: string | null;
  email: string;
  password: string;
  api_key: string;
  account_type: string;
  user_id: string;
}

export interface LoadedSeed {
  file: string;
  state: StateFile;
  scenario?: { name: string; description: string; tenants: number } | undefined;
  personas: SeedPersona[];
}

/** A scenario's file: fixtures/scenarios/NAME.json (2026-04), fixtures/scenarios/v2/NAME.json (v2). */
export function scenarioPath(name: string, dialect: Dialect = '2026-04'): string {
  return dialect === 'v2' ? fromPackageRoot('fixtures', 'scenarios', 'v2', `${name}.json`) : fromPackageRoot('fixtures', 'scenarios', `${name}.json`);
}

/**
 * Where generated scenarios are kept. CHOICE: `$FASTIO_EMULATOR_CACHE_DIR`, else the XDG cache
 * (`$XDG_CACHE_HOME/fastio-emulator`, `~/.cache/fastio-emulator`), else the system temp folder
 * when there is no home; never inside the package (read-only or shared in node_modules, and
 * `npm ci` would throw the work away).
 */
export function scenarioCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const own = env.FASTIO_EMULATOR_CACHE_DIR;
  if (own && isAbsolute(own)) return own;
  const xdg = env.XDG_CACHE_HOME;
  if (xdg && isAbsolute(xdg)) return join(xdg, 'fastio-emulator');
  let home = '';
  try {
    home = homedir();
  } catch {
    // no home folder (some containers): the temp folder below
  }
  return home ? join(home, '.cache', 'fastio-emulator') : join(tmpdir(), 'fastio-emulator');
}

/** A generated scenario's file: named by the package version (a newer generator may differ) and the dialect. */
export function generatedScenarioPath(name: string, dialect: Dialect = '2026-04', env: NodeJS.ProcessEnv = process.env): string {
  return join(scenarioCacheDir(env), 'scenarios', `${name}-${dialect === 'v2' ? 'v2-' : ''}${VERSION}.json`);
}

/** Is this `--seed` value a scenario name rather than a path? */
export function isScenarioName(ref: string): boolean {
  return /^[a-z][a-z0-9-]*$/.test(ref) && !existsSync(ref);
}

/** Make a scenario file (the generator and faker load only here, never at ordinary start-up). */
export async function generateScenarioFile(
  name: string,
  out: string,
  onProgress?: (done: number, total: number) => void,
  dialect: Dialect = '2026-04',
): Promise<void> {
  const { scenariosFor } = await import('../fixtures/scenarios.js');
  const SCENARIOS = scenariosFor(dialect);
  const def = SCENARIOS[name];
  if (!def) throw new Error(`unknown scenario "${name}" (known: ${Object.keys(SCENARIOS).join(', ')})`);
  const { generateScenario, serializeScenario } = await import('../fixtures/generate.js');
  const file = await generateScenario({ ...def, ...(onProgress ? { onProgress } : {}) });
  await mkdir(dirname(out), { recursive: true });
  // Written beside, then renamed: two emulators starting at once never read half a file.
  const partial = `${out}.${process.pid}.partial`;
  await writeFile(partial, serializeScenario(file));
  await rename(partial, out);
}

/** `--seed`: a file, or a scenario of the running dialect (fixtures/scenarios/, or its v2/ folder). */
export async function loadSeed(ref: string, now: number, log: (msg: string) => void = () => {}, dialect: Dialect = '2026-04'): Promise<LoadedSeed> {
  let file = ref;
  if (isScenarioName(ref)) {
    file = scenarioPath(ref, dialect);
    if (!existsSync(file)) file = generatedScenarioPath(ref, dialect);
    if (!existsSync(file)) {
      const { scenariosFor } = await import('../fixtures/scenarios.js');
      const SCENARIOS = scenariosFor(dialect);
      if (!SCENARIOS[ref]) {
        const guess = didYouMean(ref, Object.keys(SCENARIOS));
        throw new ConfigError(
          `--seed ${ref}: no such file, and no scenario of that name${guess ? ` (did you mean ${guess}?)` : ''}; known scenarios: ${Object.keys(SCENARIOS).join(', ')}`,
        );
      }
      log(`generating the ${ref} scenario into ${file} (first use)`);
      await generateScenarioFile(ref, file, undefined, dialect);
    }
  }
  const raw = await readStateFile(file);
  const extra = raw as StateFile & { scenario?: LoadedSeed['scenario']; personas?: SeedPersona[] };
  return { file, state: shiftTimes(raw, now), scenario: extra.scenario, personas: Array.isArray(extra.personas) ? extra.personas : [] };
}
