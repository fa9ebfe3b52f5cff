/**
 * What a contract file uses: one target per file (fresh state, no test leans on another file),
 * personas, and the marker every test carries.
 *
 * Markers (LocalStack's habit): `liveValidated(date, ...)` the behaviour was checked against the
 * live API on that date; `emulatorOnly(...)` it tests the emulator's own powers (control plane,
 * clock) and is skipped on the live target; `unverified(...)` it states what the project believes
 * the live API does, not yet checked against it.
 *
 * Each request a test makes is recorded with the test's marker, so the parity report can say which
 * routes which tests cover (written under test-results/contract-coverage/).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, test, type TestContext } from 'vitest';
import { fromPackageRoot } from '../emulator/index.js';
import type { ApiClient } from './client.js';
import { createTarget, targetKindFromEnv, type Persona, type PersonaOptions, type Target, type TargetHooks } from './target.js';

export type Marker = { kind: 'live-validated'; date: string } | { kind: 'emulator-only' } | { kind: 'unverified' };

interface TestRecord {
  name: string;
  marker: Marker;
  requests: [method: string, path: string, status: number][];
}

const kind = targetKindFromEnv();
const records: TestRecord[] = [];
let current: TestRecord | undefined;
let target: Target | undefined;

export interface Contract {
  /** the file's target (available inside tests) */
  readonly target: Target;
  /** a client without a token */
  api(): ApiClient;
  /** a client with a fresh persona's token */
  persona(opts?: PersonaOptions): Promise<Persona>;
  /** a signed-in client for a fresh persona, with the persona */
  signedIn(opts?: PersonaOptions): Promise<{ api: ApiClient; persona: Persona }>;
  /** a value unique to this run, for domains and names */
  unique(prefix: string): string;
}

let counter = 0;

/** Call once at the top of a contract file. */
export function setupContract(fileUrl: string, options: { emulatorFlags?: TargetHooks['emulatorFlags'] } = {}): Contract {
  beforeAll(async () => {
    target = await createTarget(kind, {
      observer: (method, path, status) => current?.requests.push([method, path, status]),
      ...(options.emulatorFlags ? { emulatorFlags: options.emulatorFlags } : {}),
    });
  }, 30_000);
  afterAll(async () => {
    await target?.close();
    writeCoverage(fileUrl);
  });
  const c: Contract = {
    get target() {
      if (!target) throw new Error('the target is not ready (use it inside a test)');
      return target;
    },
    api: () => c.target.client(),
    persona: (opts) => c.target.persona(opts),
    signedIn: async (opts) => {
      const persona = await c.target.persona(opts);
      return { api: c.target.client(persona.token), persona };
    },
    unique: (prefix) => `${prefix}-${process.pid.toString(36)}${Date.now().toString(36)}${(counter++).toString(36)}`,
  };
  return c;
}

type Body = (ctx: TestContext) => Promise<void> | void;

function run(name: string, marker: Marker, body: Body) {
  return async (ctx: TestContext) => {
    current = { name, marker, requests: [] };
    records.push(current);
    try {
      await body(ctx);
    } finally {
      current = undefined;
    }
  };
}

export const contract = {
  unverified(name: string, body: Body, timeout?: number) {
    test(name, run(name, { kind: 'unverified' }, body), timeout);
  },
  liveValidated(date: string, name: string, body: Body, timeout?: number) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new Error(`live-validated date must be YYYY-MM-DD, got ${date}`);
    test(name, run(name, { kind: 'live-validated', date }, body), timeout);
  },
  emulatorOnly(name: string, body: Body, timeout?: number) {
    test.skipIf(kind === 'live')(name, run(name, { kind: 'emulator-only' }, body), timeout);
  },
};

function writeCoverage(fileUrl: string): void {
  if (records.length === 0) return;
  const dir = fromPackageRoot('test-results', 'contract-coverage');
  mkdirSync(dir, { recursive: true });
  const file = basename(new URL(fileUrl).pathname).replace(/\.ts$/, '');
  writeFileSync(join(dir, `${kind}-${file}.json`), JSON.stringify({ target: kind, file, tests: records }, null, 1));
}
