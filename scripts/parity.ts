/**
 * The parity report: for every route the emulator serves, its status, the contract tests that
 * cover it, whether a live run validated it, its CHOICEs and known divergences; a score per area.
 *
 *   node dist/scripts/parity.js [--run] [--check] [--out DIR]
 *
 * Inputs: the route table (an emulator built in this process, `routes` of buildEmulator) and the
 * records the contract harness writes per file, target and dialect
 * (test-results/contract-coverage/<target>-<dialect>-<file>.json). Each recorded request is mapped
 * to its route template with the emulator's own Router, over the routes of the dialect the test ran
 * under, so the report says per dialect which routes are contract-tested.
 *
 * - `--run` first runs the in-process contract projects of both dialects (vitest) so the records
 *   are fresh; the report is written even when a contract test fails (it says so), and the exit
 *   code is then 1.
 * - `--check` writes nothing: it fails (exit 1) when a route served in a dialect has no contract
 *   test run under that dialect, a contract test has no marker, a contract file imports `test`/`it`
 *   from vitest, a contract file's in-process record of a dialect is missing or older than the
 *   file, a served API route is in no dialect of the catalogue (invented, unless emulatorOnly), or
 *   parity.json / the README's coverage table no longer match the route table and the catalogue
 *   (stale). `npm test` runs it after the suites.
 *
 * The catalogue (emulator/catalogue/routes.json) is the denominator: coverage per dialect and area
 * is served / documented (emulator/catalogue/coverage.ts), never served / served.
 *
 * Writes PARITY.md, parity.json and the README's coverage block at the package root (or --out).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { coverageFileName, type CoverageRecord, type Marker } from '../contracts/coverage-file.js';
import { Router, servesDialect, type AnyRoute, type Area, type ParityStatus } from '../emulator/http/route.js';
import { DIALECT_PLAN_FILES } from '../emulator/billing/plans.js';
import { fromPackageRoot } from '../emulator/paths.js';
import { buildEmulator } from '../emulator/server.js';
import { VERSION } from '../emulator/version.js';
import { Catalogue, DEFAULT_DIALECT, DIALECTS, type Dialect } from '../emulator/catalogue/index.js';
import { catalogueCoverage, type CatalogueCoverage } from '../emulator/catalogue/coverage.js';
import { API_AREAS, renderMarkdown, withReadmeCoverage } from './parity-render.js';

export {
  API_AREAS,
  COVERAGE_END,
  COVERAGE_START,
  renderCoverageTable,
  renderDialectSections,
  renderMarkdown,
  renderReadmeCoverage,
  withReadmeCoverage,
} from './parity-render.js';

const TARGETS = ['inprocess', 'http'] as const;
/** Every contract file must have a fresh record of this target in every dialect (the in-process projects run both). */
const REQUIRED_TARGET = 'inprocess';

type CoverageFile = CoverageRecord;

export interface CoveringTest {
  file: string;
  test: string;
  marker: Marker['kind'] | 'none';
  liveValidated: string | null;
  targets: string[];
  /** the dialects the test ran under (passed, failed or skipped) and reached the route */
  dialects: Dialect[];
  outcomes: string[];
}

export interface ParityRoute {
  method: string;
  path: string;
  area: Area;
  summary: string;
  status: ParityStatus;
  emulatorOnly: boolean;
  /** the dialects that serve the route */
  dialects: Dialect[];
  /** the dialects under which a contract test reached it */
  testedIn: Dialect[];
  tests: CoveringTest[];
  /** the latest live-validated date among the covering tests, else how it stands */
  validation: 'live-validated' | 'unverified' | 'emulator-only' | 'untested';
  liveValidated: string | null;
  /** covering tests that also run on the live target (not emulator-only) */
  liveRunnableTests: number;
  choices: string[];
  divergences: { path: string; reason: string; from: string }[];
  snapshots: { file: string; test: string; name: string; outcome: string; recorded: string | null }[];
  source: string | null;
}

export interface AreaScore {
  area: Area;
  routes: number;
  implemented: number;
  partial: number;
  notImplemented: number;
  contractTested: number;
  liveValidated: number;
  /**
   * (implemented + partial / 2) / routes in percent, counting only contract-tested routes: a
   * status no test exercises is a claim, not parity. null when the area has no routes yet.
   */
  score: number | null;
}

/** Per dialect: the routes it serves and how many a contract test reached under it. */
export interface DialectTesting {
  dialect: Dialect;
  /** API routes served in the dialect (control plane apart) */
  routes: number;
  contractTested: number;
  controlRoutes: number;
  controlTested: number;
  /** the target/dialect runs whose records were read (`inprocess`, `http`) */
  targets: string[];
  /** served in this dialect but no test run under it reaches them */
  untested: { method: string; path: string; area: Area }[];
  /** the CHOICEs of the routes this dialect serves, and of its plan catalog */
  choices: { route: string | null; choices: string[]; onlyHere: boolean }[];
}

export interface ParityReport {
  generated: string;
  version: string;
  targets: string[];
  /** per dialect: served, contract-tested, CHOICEs */
  dialects: DialectTesting[];
  routes: ParityRoute[];
  areas: AreaScore[];
  control: AreaScore;
  markers: Record<Marker['kind'] | 'none', number>;
  snapshots: Record<string, number>;
  /** requests the suites made to paths the emulator does not serve (unknown-route tests, guide paths) */
  unservedRequests: number;
  problems: string[];
  /** the emulator against the documented API (emulator/catalogue/routes.json), per dialect and area */
  catalogue?: CatalogueCoverage;
}

export interface CoverageInput {
  suitesDir: string;
  coverageDir: string;
  /** the dialects whose records are read (default: all) */
  dialects?: readonly Dialect[];
}

function contractFiles(suitesDir: string): string[] {
  if (!existsSync(suitesDir)) return [];
  return readdirSync(suitesDir)
    .filter((f) => f.endsWith('.contract.ts'))
    .sort();
}

/** A contract file may not define tests with vitest's own `test`/`it`: markers come from `contract.*`. */
export function staticMarkerProblems(file: string, source: string): string[] {
  const problems: string[] = [];
  for (const m of source.matchAll(/import\s+(type\s+)?\{([^}]*)\}\s+from\s+['"]vitest['"]/g)) {
    if (m[1]) continue;
    const names = m[2]!
      .split(',')
      .map((n) =>
        n
          .trim()
          .split(/\s+as\s+/)[0]!
          .trim(),
      )
      .filter(Boolean);
    const bad = names.filter((n) => ['test', 'it', 'bench'].includes(n));
    if (bad.length > 0)
      problems.push(`${file} imports ${bad.join(', ')} from vitest: define contract tests with contract.unverified / emulatorOnly / liveValidated`);
  }
  if (/import\s+\*\s+as\s+\w+\s+from\s+['"]vitest['"]/.test(source))
    problems.push(`${file} imports vitest as a namespace: import only what you use (not test/it)`);
  return problems;
}

/** Read the coverage records of every contract file, with the problems found on the way. */
export function readCoverage(input: CoverageInput): { files: CoverageFile[]; problems: string[]; contractFiles: string[] } {
  const problems: string[] = [];
  const files: CoverageFile[] = [];
  const sources = contractFiles(input.suitesDir);
  for (const source of sources) {
    const sourcePath = join(input.suitesDir, source);
    const name = source.replace(/\.ts$/, '');
    problems.push(...staticMarkerProblems(`contracts/suites/${source}`, readFileSync(sourcePath, 'utf8')));
    for (const target of TARGETS) {
      for (const dialect of input.dialects ?? DIALECTS) {
        const path = join(input.coverageDir, coverageFileName(target, dialect, name));
        const required = target === REQUIRED_TARGET;
        if (!existsSync(path)) {
          if (required) problems.push(`no contract record for ${source} (${target}, ${dialect}): run the contract suites first (npm test or npm run parity)`);
          continue;
        }
        if (statSync(path).mtimeMs < statSync(sourcePath).mtimeMs) {
          if (required) problems.push(`the ${target} ${dialect} record of ${source} is older than the file: run the contract suites again`);
          continue;
        }
        const record = JSON.parse(readFileSync(path, 'utf8')) as CoverageFile;
        files.push({ ...record, dialect: record.dialect ?? dialect });
      }
    }
  }
  return { files, problems, contractFiles: sources };
}

/** The `choices` of each dialect's plan catalog (DIALECT_PLAN_FILES under fixtures/). */
export function planCatalogChoices(): Record<Dialect, string[]> {
  const out = {} as Record<Dialect, string[]>;
  for (const d of DIALECTS) {
    const data = JSON.parse(readFileSync(fromPackageRoot('fixtures', DIALECT_PLAN_FILES[d]), 'utf8')) as { choices?: string[] };
    out[d] = data.choices ?? [];
  }
  return out;
}

export function buildReport(
  routes: readonly AnyRoute[],
  coverage: CoverageFile[],
  inputProblems: string[] = [],
  catalogue?: Catalogue,
  planChoices: Partial<Record<Dialect, string[]>> = {},
): ParityReport {
  // A request is mapped over the routes of the dialect its test ran under (records without one:
  // the default dialect), so a route of one dialect is never credited to a test of the other.
  const routers = new Map<Dialect, Router>();
  for (const d of DIALECTS) {
    const router = new Router();
    for (const r of routes) if (servesDialect(r, d)) router.add(r);
    routers.set(d, router);
  }
  const key = (r: { method: string; path: string }) => `${r.method} ${r.path}`;
  const byRoute = new Map<string, ParityRoute>();
  for (const r of routes) {
    byRoute.set(key(r), {
      method: r.method,
      path: r.path,
      area: r.area,
      summary: r.summary,
      status: r.parity.status,
      emulatorOnly: r.emulatorOnly,
      dialects: DIALECTS.filter((d) => servesDialect(r, d)),
      testedIn: [],
      tests: [],
      validation: 'untested',
      liveValidated: null,
      liveRunnableTests: 0,
      choices: r.parity.choices ?? [],
      divergences: (r.parity.divergences ?? []).map((d) => ({ ...d, from: 'route table' })),
      snapshots: [],
      source: r.parity.source ?? null,
    });
  }

  const problems = [...inputProblems];
  const markers: ParityReport['markers'] = { 'live-validated': 0, unverified: 0, 'emulator-only': 0, none: 0 };
  const snapshots: Record<string, number> = {};
  const counted = new Set<string>();
  let unserved = 0;
  const targets = new Set<string>();
  const runs = new Map<Dialect, Set<string>>(DIALECTS.map((d) => [d, new Set<string>()]));

  for (const cov of coverage) {
    targets.add(cov.target);
    for (const t of cov.tests) {
      const dialect = t.dialect ?? cov.dialect ?? DEFAULT_DIALECT;
      const router = routers.get(dialect)!;
      runs.get(dialect)!.add(cov.target);
      const testId = `${cov.file} > ${t.fullName}`;
      const markerKind = t.marker?.kind ?? 'none';
      if (!counted.has(testId)) {
        counted.add(testId);
        markers[markerKind]++;
        if (!t.marker) problems.push(`${cov.file}: "${t.fullName}" has no contract marker (defined with test/it)`);
        for (const s of t.snapshots ?? []) snapshots[s.outcome] = (snapshots[s.outcome] ?? 0) + 1;
      }
      const seen = new Set<string>();
      for (const [method, path] of t.requests) {
        const m = router.match(method, path);
        if (m.kind !== 'route') {
          unserved++;
          continue;
        }
        const rk = key(m.route);
        if (seen.has(rk)) continue;
        seen.add(rk);
        const route = byRoute.get(rk)!;
        let entry = route.tests.find((x) => x.file === cov.file && x.test === t.fullName);
        if (!entry) {
          entry = {
            file: cov.file,
            test: t.fullName,
            marker: markerKind,
            liveValidated: t.marker?.kind === 'live-validated' ? t.marker.date : null,
            targets: [],
            dialects: [],
            outcomes: [],
          };
          route.tests.push(entry);
        }
        if (!entry.targets.includes(cov.target)) entry.targets.push(cov.target);
        if (!entry.dialects.includes(dialect)) entry.dialects.push(dialect);
        if (!route.testedIn.includes(dialect)) route.testedIn.push(dialect);
        if (!entry.outcomes.includes(t.outcome)) entry.outcomes.push(t.outcome);
      }
      for (const s of t.snapshots ?? []) {
        const [method, ...rest] = s.request.split(' ');
        const m = router.match(method!, rest.join(' ').replace(/<[^>]+>/g, 'x'));
        if (m.kind !== 'route') continue;
        const route = byRoute.get(key(m.route))!;
        if (!route.snapshots.some((x) => x.file === cov.file && x.test === t.fullName && x.name === s.name)) {
          route.snapshots.push({ file: cov.file, test: t.fullName, name: s.name, outcome: s.outcome, recorded: s.recorded ?? null });
        }
        for (const d of s.divergences) {
          if (!route.divergences.some((x) => x.path === d.path && x.reason === d.reason))
            route.divergences.push({ ...d, from: `${cov.file} snapshot "${s.name}"` });
        }
      }
    }
  }

  for (const route of byRoute.values()) {
    const dates = route.tests.map((t) => t.liveValidated).filter((d): d is string => d !== null);
    route.liveValidated = dates.sort().at(-1) ?? null;
    route.liveRunnableTests = route.tests.filter((t) => t.marker !== 'emulator-only').length;
    if (route.tests.length === 0) route.validation = 'untested';
    else if (route.liveValidated) route.validation = 'live-validated';
    else if (route.emulatorOnly) route.validation = 'emulator-only';
    else route.validation = 'unverified';
    route.tests.sort((a, b) => a.file.localeCompare(b.file) || a.test.localeCompare(b.test));
    for (const t of route.tests) t.dialects.sort();
    route.testedIn.sort();
  }

  const all = [...byRoute.values()];
  const score = (area: Area): AreaScore => {
    const rs = all.filter((r) => r.area === area);
    const implemented = rs.filter((r) => r.status === 'implemented').length;
    const partial = rs.filter((r) => r.status === 'partial').length;
    const tested = rs.filter((r) => r.tests.length > 0);
    const earned = tested.filter((r) => r.status === 'implemented').length + tested.filter((r) => r.status === 'partial').length / 2;
    return {
      area,
      routes: rs.length,
      implemented,
      partial,
      notImplemented: rs.filter((r) => r.status === 'not-implemented').length,
      contractTested: rs.filter((r) => r.tests.length > 0).length,
      liveValidated: rs.filter((r) => r.liveValidated !== null).length,
      score: rs.length === 0 ? null : Math.round((100 * earned) / rs.length),
    };
  };

  const dialects = DIALECTS.map((dialect): DialectTesting => {
    const served = all.filter((r) => r.dialects.includes(dialect));
    const api = served.filter((r) => r.area !== 'control');
    const control = served.filter((r) => r.area === 'control');
    const testedHere = (r: ParityRoute) => r.testedIn.includes(dialect);
    const routeChoices = served
      .filter((r) => r.choices.length > 0)
      .map((r) => ({ route: `${r.method} ${r.path}`, choices: r.choices, onlyHere: r.dialects.length === 1 }));
    const plans = planChoices[dialect] ?? [];
    return {
      dialect,
      routes: api.length,
      contractTested: api.filter(testedHere).length,
      controlRoutes: control.length,
      controlTested: control.filter(testedHere).length,
      targets: [...runs.get(dialect)!].sort(),
      untested: served.filter((r) => !testedHere(r)).map((r) => ({ method: r.method, path: r.path, area: r.area })),
      choices: [...(plans.length > 0 ? [{ route: null, choices: plans, onlyHere: false }] : []), ...routeChoices],
    };
  });

  return {
    generated: new Date().toISOString().slice(0, 10),
    version: VERSION,
    targets: [...targets].sort(),
    dialects,
    routes: all,
    areas: API_AREAS.map(score),
    control: score('control'),
    markers,
    snapshots,
    unservedRequests: unserved,
    problems,
    ...(catalogue ? { catalogue: catalogueCoverage(catalogue, routes) } : {}),
  };
}

/**
 * What `--check` fails on: served routes without a contract test, the input problems, and served
 * API routes that the catalogue does not document (invented; mark them emulatorOnly if they are).
 */
export function checkProblems(report: ParityReport): string[] {
  const uncovered = report.routes.filter((r) => r.tests.length === 0).map((r) => `no contract test covers ${r.method} ${r.path} (${r.area})`);
  // A route some test reaches, but not under every dialect that serves it (and whose records were read).
  const ranDialects = new Set(report.dialects.filter((d) => d.targets.length > 0).map((d) => d.dialect));
  for (const r of report.routes) {
    if (r.tests.length === 0) continue;
    for (const d of r.dialects)
      if (ranDialects.has(d) && !r.testedIn.includes(d))
        uncovered.push(`no contract test covers ${r.method} ${r.path} (${r.area}) under the ${d} dialect (it is served there)`);
  }
  const invented = (report.catalogue?.invented ?? []).map(
    (r) => `${r.method} ${r.path} (${r.area}) is served but no dialect of the catalogue documents it: mark it emulatorOnly or fix the catalogue`,
  );
  return [...report.problems, ...uncovered, ...invented];
}

/**
 * The written report is stale when its served routes or its catalogue coverage differ from what
 * the route table and the catalogue give now, or when the README's coverage block does.
 */
export async function staleProblems(report: ParityReport, outDir: string, readme: string | undefined): Promise<string[]> {
  const problems: string[] = [];
  const fix = 'run npm run parity and commit PARITY.md, parity.json and README.md';
  const jsonPath = join(outDir, 'parity.json');
  if (!existsSync(jsonPath)) return [`parity.json is missing: ${fix}`];
  const written = JSON.parse(readFileSync(jsonPath, 'utf8')) as Partial<ParityReport>;
  const routeKeys = (rs: readonly { method: string; path: string; status: string }[] | undefined) =>
    JSON.stringify((rs ?? []).map((r) => `${r.method} ${r.path} ${r.status}`));
  if (routeKeys(written.routes) !== routeKeys(report.routes)) problems.push(`parity.json lists other routes than the route table: ${fix}`);
  if (JSON.stringify(written.catalogue) !== JSON.stringify(report.catalogue)) problems.push(`parity.json's catalogue coverage is stale: ${fix}`);
  if (readme !== undefined && report.catalogue) {
    const updated = await withReadmeCoverage(readme, report.catalogue, join(outDir, 'README.md'));
    if (updated === undefined) problems.push('README.md has no coverage markers (COVERAGE_START / COVERAGE_END in scripts/parity.ts)');
    else if (updated !== readme) problems.push(`README.md's coverage table is stale: ${fix}`);
  }
  return problems;
}

function runContracts(): number {
  const vitest = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');
  // Both dialects: the report says per dialect which routes are contract-tested.
  const projects = ['contracts:inprocess', 'contracts:inprocess:2026-04'].flatMap((p) => ['--project', p]);
  const r = spawnSync(process.execPath, [vitest, 'run', ...projects], { cwd: fromPackageRoot(), stdio: 'inherit' });
  return r.status ?? 1;
}

async function main(argv: string[]): Promise<number> {
  const check = argv.includes('--check');
  const outIndex = argv.indexOf('--out');
  const outDir = outIndex >= 0 ? argv[outIndex + 1]! : fromPackageRoot();
  const resultsDir = process.env.FASTIO_CONTRACT_RESULTS_DIR || fromPackageRoot('test-results');
  let status = 0;
  if (argv.includes('--run')) status = runContracts();

  const { routes } = await buildEmulator({ port: 0 });
  const coverage = readCoverage({ suitesDir: fromPackageRoot('contracts', 'suites'), coverageDir: join(resultsDir, 'contract-coverage') });
  const report = buildReport(routes, coverage.files, coverage.problems, Catalogue.load(), planCatalogChoices());
  const readmePath = join(outDir, 'README.md');
  const readme = existsSync(readmePath) ? readFileSync(readmePath, 'utf8') : undefined;

  if (check) {
    const problems = [...checkProblems(report), ...(await staleProblems(report, outDir, readme))];
    if (problems.length > 0) {
      process.stderr.write(`parity check failed:\n${problems.map((p) => `  - ${p}`).join('\n')}\n`);
      return 1;
    }
    const cov = report.catalogue!.dialects.map((d) => `${d.dialect} ${d.total.served}/${d.total.documented}`).join(', ');
    process.stdout.write(
      `parity check: all ${report.routes.length} routes have a contract test; every contract test has a marker; every served API route is catalogued; the report is current (served/documented: ${cov})\n`,
    );
    return status;
  }

  writeFileSync(join(outDir, 'parity.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(outDir, 'PARITY.md'), renderMarkdown(report));
  const updated = readme !== undefined ? await withReadmeCoverage(readme, report.catalogue!, readmePath) : undefined;
  if (updated !== undefined && updated !== readme) writeFileSync(readmePath, updated);
  const problems = checkProblems(report);
  process.stdout.write(
    `wrote PARITY.md and parity.json: ${report.routes.length} routes, ${report.routes.filter((r) => r.tests.length > 0).length} contract-tested` +
      (problems.length > 0 ? `; ${problems.length} problems (see PARITY.md)` : '') +
      '\n',
  );
  return status;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
