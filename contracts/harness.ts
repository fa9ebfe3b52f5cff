/**
 * What a contract file uses: one target per file (fresh state, no test leans on another file),
 * personas, snapshots, org helpers, and the marker every test carries.
 *
 * Markers (LocalStack's habit): `liveValidated(date, ...)` the behaviour was checked against the
 * live API on that date; `emulatorOnly(...)` it tests the emulator's own powers (control plane,
 * clock) and is skipped on the live target; `unverified(...)` it states what the project believes
 * the live API does, not yet checked against it. A test defined with plain `test`/`it` in a
 * contract file fails (contracts/setup.ts) and is reported by the parity check.
 *
 * Each request a test makes is recorded with the test's marker and its snapshot outcomes, so the
 * parity report can say which routes which tests cover, per target and dialect (written under
 * test-results/contract-coverage/<target>-<dialect>-<file>.json, see `coverageFileName`).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, inject, test, type RunnerTestFile as File, type RunnerTestSuite as Suite, type TestContext } from 'vitest';
import { fromPackageRoot, type Dialect } from '../emulator/index.js';
import type { ApiClient, ApiResponse, Form } from './client.js';
import { unmarkedRecord, writeCoverageRecord, type Marker, type TestRecord } from './coverage-file.js';
import { LIVE_ENV } from './live-env.js';
import { NO_PLAN, V2_SET_UP_PLAN } from './set-up-plans.js';
import type { LiveRunInfo } from './live.js';
import { Normaliser, SnapshotBook, type SnapshotOptions, type SnapshotRecord, type SnapshotResponse } from './snapshot.js';
import {
  CAPABILITY_REASONS,
  CapabilityMissing,
  createTarget,
  targetDialect,
  targetKindFromEnv,
  type Capability,
  type Persona,
  type PersonaOptions,
  type Target,
  type TargetHooks,
} from './target.js';

declare module 'vitest' {
  interface TaskMeta {
    /** the contract marker, set by `contract.*` (reporters and the marker check read it) */
    contract?: Marker;
    /** on a file task: its tests defined without a marker (the marker check records them) */
    unmarkedContractTests?: { name: string; fullName: string }[];
    /** on a file task: setupContract ran, so the file's harness writes its coverage */
    contractSetUp?: boolean;
  }
  interface ProvidedContext {
    /** the live run's settings (vitest.live.config.ts's global setup) */
    fastioLiveRun?: LiveRunInfo;
  }
}

export { coverageFileName, resultsDir, type Marker, type TestRecord } from './coverage-file.js';

const kind = targetKindFromEnv();
/** the dialect this run's target speaks (each contract project sets FASTIO_CONTRACT_DIALECT) */
const dialect = targetDialect(kind);

function snapshotsDir(): string {
  return process.env.FASTIO_SNAPSHOT_DIR || fromPackageRoot('contracts', 'snapshots');
}

/** A prefix unique to this run (the live run's comes from its global setup, shared by every file). */
function makeRunPrefix(): string {
  return `ct${Date.now().toString(36).slice(-5)}${Math.random().toString(36).slice(2, 5)}`;
}

/**
 * One contract file's state: its target, the records of its tests, and the names it has made.
 * Made by `setupContract`; nothing of it lives at module level, so tests that run concurrently
 * (`test.concurrent`, `{ concurrent: true }`) share only what a file shares.
 */
class ContractFile {
  target: Target | undefined;
  readonly records: TestRecord[] = [];
  /** values made by `unique()`: normalised wherever they appear in a snapshot */
  readonly uniques: string[] = [];
  /** per file, so two files of one live run never make the same name */
  private readonly tag = Math.random().toString(36).slice(2, 5);
  private counter = 0;
  book: SnapshotBook | undefined;

  constructor(
    readonly file: string,
    /** the live run's prefix comes from its global setup, shared by every file */
    private readonly runPrefix: string,
    /** the dialects the file's tests cover unless a test says otherwise (undefined: all) */
    readonly dialects?: readonly Dialect[],
  ) {}

  /** See `uniqueName`. */
  unique(label: string, scope: TestScope | undefined): string {
    const clean =
      label
        .toLowerCase()
        .replace(/[^a-z0-9-]+/g, '-')
        .replace(/^-+|-+$/g, '') || 'x';
    const value = `${`${this.runPrefix}${this.tag}-${clean}`.slice(0, 55).replace(/-+$/, '')}-${(this.counter++).toString(36)}`;
    this.uniques.push(value);
    scope?.normaliser.addLiteral(value);
    return value;
  }
}

/** What belongs to one running test: its record (requests, snapshots) and its normaliser. */
interface TestScope {
  file: ContractFile;
  record: TestRecord;
  normaliser: Normaliser;
}

/**
 * The test the running code belongs to. Not state: an AsyncLocalStorage holds nothing itself; each
 * test runs its body inside `run(scope, ...)`, and every request, snapshot and name made in that
 * body (awaits included) sees that test's scope, however many tests run at once.
 */
const testScope = new AsyncLocalStorage<TestScope>();

/**
 * A value unique to this run, starting with the run prefix: lower-case letters, digits and
 * hyphens, at most 63 characters, so it serves as an org domain or a folder name. On the live
 * target only org domains with the run prefix are accepted: helpers that make orgs use this.
 * Inside a contract test (the file comes from the test's scope); at collection time use `c.unique`.
 */
export function uniqueName(label: string): string {
  const scope = testScope.getStore();
  if (!scope) throw new Error("uniqueName is used inside a contract test (at collection time, use the contract's unique())");
  return scope.file.unique(label, scope);
}

/** The requests the running contract test has made so far (method, path, status). */
export function recordedRequests(): readonly [method: string, path: string, status: number][] {
  const scope = testScope.getStore();
  if (!scope) throw new Error('recordedRequests is used inside a contract test');
  return scope.record.requests;
}

/** The target of the running contract test (undefined outside one, or before the file's target is up). */
export function currentTarget(): Target | undefined {
  return testScope.getStore()?.file.target;
}

export { NO_PLAN, V2_SET_UP_PLAN } from './set-up-plans.js';

/**
 * Under V2 a new org is upgrade-only (402/1688 on resource calls) until it has a plan: the set-up
 * helpers (`createOrg` here and in tenants.ts) subscribe it, to `fields.billing_plan` or
 * V2_SET_UP_PLAN, unless the fields say `billing_plan: 'none'`. Under 2026-04 the fields go to
 * org create as they are.
 *
 * Answers the fields to send to org create, and the plan to subscribe to afterwards (if any).
 */
export function planForNewOrg(target: Pick<Target, 'dialect'> | undefined, fields: Form): { createFields: Form; subscribeTo: string | undefined } {
  const { billing_plan: requested, ...rest } = fields;
  if (requested === NO_PLAN) return { createFields: rest, subscribeTo: undefined };
  if (target?.dialect !== 'v2') return { createFields: fields, subscribeTo: undefined };
  return { createFields: rest, subscribeTo: typeof requested === 'string' ? requested : V2_SET_UP_PLAN };
}

/**
 * Give a new org the plan `planForNewOrg` chose: `POST /org/{id}/billing/`, which must answer 200.
 * On the live target a subscription costs money, which a contract run never spends: an org that
 * answered `subscriber: false` when made (upgrade-only) skips the test as lacking
 * 'paid-subscription' (the org is closed with the file's others); one that is usable as made (an
 * API that does not gate new orgs) is used as it is. A test that needs only an unsubscribed org
 * passes `billing_plan: 'none'`.
 */
export async function subscribeNewOrg(
  target: Pick<Target, 'kind'> | undefined,
  api: ApiClient,
  orgId: string,
  created: ApiResponse,
  plan: string | undefined,
): Promise<string | undefined> {
  if (plan === undefined) return undefined;
  if (target?.kind === 'live') {
    const org = (created.body as { org?: { subscriber?: unknown } }).org;
    if (org?.subscriber === false) throw new CapabilityMissing('paid-subscription', CAPABILITY_REASONS['paid-subscription']);
    return undefined;
  }
  const res = await api.post(`/current/org/${orgId}/billing/`, { billing_plan: plan });
  if (res.status !== 200) throw new Error(`cannot subscribe org ${orgId} to ${plan}: ${res.status} ${res.text}`);
  return String((res.body as { billing_plan?: unknown }).billing_plan ?? plan);
}

export interface OrgCreated {
  id: string;
  domain: string;
  response: ApiResponse;
}

export interface Contract {
  /** the file's target (available inside tests) */
  readonly target: Target;
  /** a client without a token */
  api(): ApiClient;
  /** a fresh persona (on the live target: persona 1, then persona 2, per test) */
  persona(opts?: PersonaOptions): Promise<Persona>;
  /** a signed-in client for a fresh persona, with the persona */
  signedIn(opts?: PersonaOptions): Promise<{ api: ApiClient; persona: Persona }>;
  /** a value unique to this run, starting with the run prefix: lower-case, usable as an org domain */
  unique(prefix: string): string;
  /** an org domain with the run prefix (the live target refuses orgs without it) */
  orgDomain(label?: string): string;
  /**
   * create an org (domain with the run prefix unless given); the live target closes it when the
   * file ends. Under V2 it is subscribed to a plan (see `planForNewOrg`; `billing_plan: 'none'`
   * leaves it upgrade-only).
   */
  createOrg(api: ApiClient, fields?: Form): Promise<OrgCreated>;
  snapshot: {
    /**
     * Compare this answer with the live recording (emulator targets), or record it (live run with
     * --update-snapshots). Without a recording it asserts nothing and reports `no-live-snapshot`.
     */
    match(name: string, response: ApiResponse<unknown>, options?: SnapshotOptions): SnapshotRecord;
  };
}

export interface ContractOptions {
  emulatorFlags?: TargetHooks['emulatorFlags'];
  /** the dialects every test of this file covers (default: all); a test's own `dialects` narrows it */
  dialects?: readonly Dialect[];
  /** divergences known for every snapshot of this file: JSON path -> reason */
  divergences?: Record<string, string>;
}

function fileNameOf(fileUrlOrPath: string): string {
  const path = fileUrlOrPath.startsWith('file:') ? new URL(fileUrlOrPath).pathname : fileUrlOrPath;
  return basename(path).replace(/\.ts$/, '');
}

/** Call once at the top of a contract file. */
export function setupContract(fileUrl: string, options: ContractOptions = {}): Contract {
  // The live run's prefix is known as soon as the file loads, so names made at collection time carry it.
  const liveRun = kind === 'live' ? inject('fastioLiveRun') : undefined;
  const state = new ContractFile(fileNameOf(fileUrl), liveRun?.prefix ?? makeRunPrefix(), options.dialects);
  const file = state.file;
  let fileTask: FileTask | undefined;

  // eslint-disable-next-line no-empty-pattern -- vitest's fixture pattern (see contracts/setup.ts)
  beforeAll(async ({}, suite) => {
    fileTask = fileTaskOf(suite);
    (fileTask as { [FILE_STATE]?: ContractFile })[FILE_STATE] = state;
    fileTask.meta.contractSetUp = true;
    state.target = await createTarget(kind, {
      // Each request is recorded on the test whose body made it (its async scope).
      observer: (method, path, status) => testScope.getStore()?.record.requests.push([method, path, status]),
      file,
      ...(liveRun ? { liveRun } : {}),
      ...(options.emulatorFlags ? { emulatorFlags: options.emulatorFlags } : {}),
    });
  }, 30_000);

  afterAll(async () => {
    try {
      // The live target closes the orgs this file created here, whatever the tests did.
      await state.target?.close();
    } finally {
      try {
        state.book?.flush();
      } finally {
        writeCoverage(file, [...state.records, ...unmarkedRecords(fileTask)]);
      }
    }
  }, 120_000);

  const c: Contract = {
    get target() {
      if (!state.target) throw new Error('the target is not ready (use it inside a test)');
      return state.target;
    },
    api: () => c.target.client(),
    persona: (opts) => c.target.persona(opts),
    signedIn: async (opts) => {
      const persona = await c.target.persona(opts);
      return { api: c.target.client(persona.token), persona };
    },
    unique: (label) => state.unique(label, testScope.getStore()),
    orgDomain: (label = 'org') => c.unique(label),
    createOrg: async (api, fields = {}) => {
      const { createFields, subscribeTo } = planForNewOrg(c.target, fields);
      const domain = typeof createFields.domain === 'string' ? createFields.domain : c.orgDomain();
      const response = await api.post('/current/org/create/', { name: 'Contract test org', ...createFields, domain });
      if (response.status !== 200) throw new Error(`cannot create org ${domain}: ${response.status} ${response.text}`);
      const b = response.body as Record<string, unknown>;
      const org = (b.org ?? {}) as Record<string, unknown>;
      const id = String(b.id ?? b.org_id ?? org.id ?? '');
      if (!id) throw new Error(`the answer to POST /current/org/create/ names no org id: ${response.text}`);
      await subscribeNewOrg(c.target, api, id, response, subscribeTo);
      return { id, domain, response };
    },
    snapshot: {
      match: (name, response, snapshotOptions) => {
        const current = testScope.getStore();
        if (!current) throw new Error('snapshot.match is used inside a contract test');
        state.book ??= new SnapshotBook({
          path: join(snapshotsDir(), `${file}.snapshot.json`),
          file,
          target: kind,
          update: /^(1|true|yes)$/i.test(process.env[LIVE_ENV.updateSnapshots] ?? ''),
          baseUrl: c.target.baseUrl,
          ...(options.divergences ? { fileDivergences: options.divergences } : {}),
        });
        const key = `${current.record.fullName} > ${name}`;
        const result = state.book.match(key, name, response as SnapshotResponse, current.normaliser, snapshotOptions);
        current.record.snapshots.push(result);
        return result;
      },
    },
  };
  return c;
}

/**
 * The file's state rides on vitest's File task, the context every test of the file shares; a
 * symbol key keeps it out of the task's serialised form and out of suites' reach.
 */
const FILE_STATE = Symbol('contract file state');
type FileTask = Readonly<File> & { [FILE_STATE]?: ContractFile };

function fileTaskOf(task: Readonly<Suite | File>): FileTask {
  return ('filepath' in task ? task : task.file) as FileTask;
}

type Body = (ctx: TestContext) => Promise<void> | void;

export interface ContractTestOptions {
  timeout?: number;
  /** run alongside the file's other concurrent tests (`test.concurrent`); the harness keeps each test's records apart */
  concurrent?: boolean;
  /** what the test needs beyond the public API; skipped, with the reason, on a target without it */
  requires?: Capability[];
  /**
   * The API dialects whose behaviour this test states (default: the file's, else all). Under
   * another dialect it is skipped, with the reason: it says nothing about that dialect.
   */
  dialects?: readonly Dialect[];
}

function run(name: string, marker: Marker, body: Body, opts: ContractTestOptions) {
  return async (ctx: TestContext) => {
    const record: TestRecord = {
      name,
      fullName: ctx.task.fullTestName ?? name,
      marker,
      requires: opts.requires ?? [],
      outcome: 'failed',
      requests: [],
      snapshots: [],
    };
    const file = fileTaskOf(ctx.task.file)[FILE_STATE];
    if (!file) throw new Error(`"${name}" is a contract test in a file that did not call setupContract(import.meta.url)`);
    const target = file.target;
    file.records.push(record);
    if (target) record.dialect = target.dialect;
    const dialects = opts.dialects ?? file.dialects;
    if (target && dialects && !dialects.includes(target.dialect)) {
      record.outcome = 'skipped';
      record.skipReason = `states the ${dialects.join(' and ')} dialect${dialects.length > 1 ? 's' : ''}; the target speaks ${target.dialect}`;
      ctx.skip(record.skipReason);
    }
    const missing = (opts.requires ?? []).filter((cap) => !target?.capabilities.has(cap));
    if (missing.length > 0) {
      record.outcome = 'skipped';
      record.skipReason = `the ${kind} target lacks ${missing.map((m) => `'${m}' (${CAPABILITY_REASONS[m]})`).join(', ')}`;
      ctx.skip(record.skipReason);
    }
    const scope: TestScope = { file, record, normaliser: new Normaliser(file.uniques) };
    target?.beginTest(record.fullName);
    try {
      await testScope.run(scope, () => body(ctx));
      record.outcome = 'passed';
    } catch (err) {
      if (!(err instanceof CapabilityMissing)) throw err;
      record.outcome = 'skipped';
      record.skipReason = `the ${kind} target lacks '${err.capability}': ${err.message} (declare requires: ['${err.capability}'] to skip before the test starts)`;
      ctx.skip(record.skipReason);
    } finally {
      target?.beginTest(null);
    }
  };
}

function define(name: string, marker: Marker, body: Body, optsOrTimeout: ContractTestOptions | number | undefined, skip: boolean) {
  const opts: ContractTestOptions = typeof optsOrTimeout === 'number' ? { timeout: optsOrTimeout } : (optsOrTimeout ?? {});
  const testOptions = { meta: { contract: marker }, ...(opts.timeout !== undefined ? { timeout: opts.timeout } : {}) };
  const define = skip ? test.skip : opts.concurrent ? test.concurrent : test;
  define(name, testOptions, run(name, marker, body, opts));
}

export const contract = {
  unverified(name: string, body: Body, opts?: ContractTestOptions | number) {
    define(name, { kind: 'unverified' }, body, opts, false);
  },
  liveValidated(date: string, name: string, body: Body, opts?: ContractTestOptions | number) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new Error(`live-validated date must be YYYY-MM-DD, got ${date}`);
    define(name, { kind: 'live-validated', date }, body, opts, false);
  },
  emulatorOnly(name: string, body: Body, opts?: ContractTestOptions | number) {
    define(name, { kind: 'emulator-only' }, body, opts, kind === 'live');
  },
};

/**
 * The marker check (contracts/setup.ts runs it before every test of a contract file): a test
 * defined with plain `test`/`it` fails and is recorded without a marker, which the parity check
 * reports too.
 */
export function checkMarker(ctx: TestContext): void {
  if (ctx.task.meta.contract) return;
  const file = fileTaskOf(ctx.task.file);
  (file.meta.unmarkedContractTests ??= []).push({ name: ctx.task.name, fullName: ctx.task.fullTestName ?? ctx.task.name });
  throw new Error(
    `"${ctx.task.name}" has no contract marker: define it with contract.unverified, contract.emulatorOnly or contract.liveValidated (contracts/harness.ts), not with test/it`,
  );
}

function unmarkedRecords(file: FileTask | undefined): TestRecord[] {
  return (file?.meta.unmarkedContractTests ?? []).map(({ name, fullName }) => unmarkedRecord(name, fullName));
}

/**
 * For files that never called setupContract: their (unmarked) tests still reach the coverage file.
 * A file that did call it writes its own (its afterAll runs before this one: hooks unwind in stack order).
 */
export function writeCoverageIfNotSetUp(file: Readonly<Suite | File>): void {
  const task = fileTaskOf(file);
  if (!task.meta.contractSetUp) writeCoverage(fileNameOf(task.filepath), unmarkedRecords(task));
}

function writeCoverage(file: string, records: TestRecord[]): void {
  writeCoverageRecord({ target: kind, dialect, file, tests: records });
}
