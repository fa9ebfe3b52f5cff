/**
 * The live rehearsal: the live target pointed at a locally started emulator, reached exactly as the
 * live API would be (two API keys made beforehand, no control plane), so the whole live path runs
 * here even though the real service is out of reach. `npm run contracts:live` is run as a user
 * would run it (dist/scripts/contracts-live.js), in a child process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LedgerData } from '../../contracts/live-budget.js';
import { coverageFileName } from '../../contracts/coverage-file.js';
import { spawnEmulator, stopChild } from '../../contracts/target.js';
import { fromPackageRoot } from '../../emulator/paths.js';

const REHEARSAL_CONFIG = 'test/harness/fixtures/vitest.rehearsal.config.ts';

interface Persona {
  user_id: string;
  api_key: string;
}

interface JournalEntry {
  seq: number;
  method: string;
  path: string;
  status: number;
}

let emulator: { url: string; child: ChildProcess };
let agent: Persona;
let human: Persona;

async function makePersona(accountType: 'agent' | 'human'): Promise<Persona> {
  const res = await fetch(`${emulator.url}/_emulator/users/`, {
    method: 'POST',
    headers: { 'x-fastio-emulator-client': '1' },
    body: new URLSearchParams({ account_type: accountType }),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as Persona;
}

async function journal(since: number): Promise<JournalEntry[]> {
  const res = await fetch(`${emulator.url}/_emulator/requests?include_control=true&limit=1000&since=${since}`);
  return ((await res.json()) as { requests: JournalEntry[] }).requests;
}

/** The journal position after this very query (its own entry is the next sequence number). */
async function lastSeq(): Promise<number> {
  return ((await journal(0))[0]?.seq ?? 0) + 1;
}

/** Environment of a live run: nothing inherited that could point it at the real service. */
function liveEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('FASTIO_')) delete env[k];
  return { ...env, ...extra };
}

function runLive(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fromPackageRoot('dist', 'scripts', 'contracts-live.js'), ...args], { cwd: fromPackageRoot(), env });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (output += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (output += d));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, output }));
  });
}

function ledgerOf(resultsDir: string): LedgerData {
  const files = readdirSync(join(resultsDir, 'live')).filter((f) => f.endsWith('.json'));
  expect(files).toHaveLength(1);
  return JSON.parse(readFileSync(join(resultsDir, 'live', files[0]!), 'utf8')) as LedgerData;
}

async function expectClosedOnTheEmulator(ledger: LedgerData): Promise<void> {
  const keys = [agent.api_key, human.api_key];
  for (const org of ledger.resources.filter((r) => r.kind === 'org')) {
    expect(org.state, `${org.id} ${org.domain}`).toBe('closed');
    expect(org.domain!.startsWith(ledger.prefix)).toBe(true);
    const res = await fetch(`${emulator.url}/current/org/${org.id}/details/`, { headers: { authorization: `Bearer ${keys[org.persona ?? 0]}` } });
    expect(res.status, `org ${org.id} should be closed`).toBe(404);
  }
}

beforeAll(async () => {
  emulator = await spawnEmulator();
  agent = await makePersona('agent');
  human = await makePersona('human');
}, 30_000);

afterAll(async () => {
  if (emulator) await stopChild(emulator.child);
});

describe('live rehearsal', () => {
  it('runs the live contract path against an emulator: emulator-only tests skipped, no control-plane request, every org closed', async () => {
    const results = mkdtempSync(join(tmpdir(), 'rehearsal-'));
    const since = await lastSeq();
    const run = await runLive(
      ['--config', REHEARSAL_CONFIG, '--reporter=json', `--outputFile=${join(results, 'report.json')}`, 'suites/', 'orgs-closed'],
      liveEnv({
        FASTIO_LIVE_BASE_URL: emulator.url,
        FASTIO_LIVE_API_KEY: agent.api_key,
        FASTIO_LIVE_API_KEY_2: human.api_key,
        FASTIO_CONTRACT_RESULTS_DIR: results,
      }),
    );
    expect(run.code, run.output).toBe(0);

    const report = JSON.parse(readFileSync(join(results, 'report.json'), 'utf8')) as {
      testResults: { name: string; assertionResults: { title: string; status: string; meta?: { contract?: { kind: string } } }[] }[];
    };
    const tests = report.testResults.flatMap((f) => f.assertionResults.map((t) => ({ ...t, file: f.name })));
    const emulatorOnly = tests.filter((t) => t.meta?.contract?.kind === 'emulator-only');
    expect(emulatorOnly.length).toBeGreaterThanOrEqual(10);
    expect(emulatorOnly.every((t) => t.status === 'skipped')).toBe(true);
    const live = tests.filter((t) => t.meta?.contract?.kind !== 'emulator-only');
    expect(live.filter((t) => t.status === 'passed').length).toBeGreaterThanOrEqual(10);
    expect(live.filter((t) => t.status === 'failed')).toEqual([]);
    expect(report.testResults.map((f) => f.name).some((n) => n.endsWith('orgs-closed.contract.ts'))).toBe(true);

    // Tests that need sign-in were skipped with their reason (the coverage record keeps it).
    const auth = JSON.parse(readFileSync(join(results, 'contract-coverage', coverageFileName('live', 'v2', 'auth.contract')), 'utf8')) as {
      tests: { name: string; outcome: string; skipReason?: string }[];
    };
    const signIn = auth.tests.find((t) => t.name.startsWith('Basic sign-in'))!;
    expect(signIn.outcome).toBe('skipped');
    expect(signIn.skipReason).toContain("lacks 'sign-in'");

    const requests = await journal(since);
    expect(requests.filter((r) => r.path.startsWith('/current/')).length).toBeGreaterThan(20);
    expect(requests.filter((r) => r.path.startsWith('/_emulator'))).toEqual([]);

    const ledger = ledgerOf(results);
    expect(ledger.resources.filter((r) => r.kind === 'org').length).toBeGreaterThanOrEqual(1);
    expect(ledger.resources.every((r) => r.state === 'closed')).toBe(true);
    await expectClosedOnTheEmulator(ledger);
    expect(run.output).toMatch(/orgs created, \d+ closed/);
  }, 120_000);

  it('the credit budget stops a run before the request that would pass it; orgs of failed tests are closed', async () => {
    // The budget files spend credits on April chats (/ai/chat/). Under V2 a new org must first buy
    // a plan, which the live path never pays for (its tests skip as lacking 'paid-subscription'),
    // so this test drives an emulator of its own that speaks April.
    const v2 = { emulator, agent, human };
    emulator = await spawnEmulator(['--api-dialect', '2026-04']);
    try {
      agent = await makePersona('agent');
      human = await makePersona('human');
      await budgetRun();
    } finally {
      await stopChild(emulator.child);
      ({ emulator, agent, human } = v2);
    }
  }, 120_000);

  async function budgetRun(): Promise<void> {
    const results = mkdtempSync(join(tmpdir(), 'rehearsal-budget-'));
    const since = await lastSeq();
    const run = await runLive(
      ['--config', REHEARSAL_CONFIG, 'budget-'],
      liveEnv({
        FASTIO_LIVE_BASE_URL: emulator.url,
        FASTIO_LIVE_API_KEY: agent.api_key,
        FASTIO_LIVE_API_KEY_2: human.api_key,
        FASTIO_LIVE_MAX_CREDITS: '30',
        FASTIO_CONTRACT_RESULTS_DIR: results,
      }),
    );
    expect(run.code, run.output).not.toBe(0);
    expect(run.output).toContain('credit budget reached');
    expect(run.output).toContain('FASTIO_LIVE_MAX_CREDITS=30');

    const requests = await journal(since);
    // Each file asks for one chat (25 credits estimated); only the first fits in 30.
    expect(requests.filter((r) => r.path.includes('/ai/chat/'))).toHaveLength(1);
    expect(requests.filter((r) => r.path.startsWith('/_emulator'))).toEqual([]);

    const ledger = ledgerOf(results);
    expect(ledger.spent).toBe(25);
    expect(ledger.stopped).toContain('may cost 25 credits');
    expect(ledger.resources.filter((r) => r.kind === 'org').length).toBeGreaterThanOrEqual(1);
    await expectClosedOnTheEmulator(ledger);
  }

  it('refuses to start without credentials, naming the missing variable', async () => {
    const none = await runLive([], liveEnv({ FASTIO_LIVE_BASE_URL: emulator.url }));
    expect(none.code).toBe(2);
    expect(none.output).toContain('FASTIO_LIVE_API_KEY is not set');
    expect(none.output).toContain('FASTIO_LIVE_API_KEY_2 is not set');
    const one = await runLive([], liveEnv({ FASTIO_LIVE_BASE_URL: emulator.url, FASTIO_LIVE_API_KEY: agent.api_key }));
    expect(one.code).toBe(2);
    expect(one.output).toContain('FASTIO_LIVE_API_KEY_2 is not set');
    expect(one.output).not.toContain('FASTIO_LIVE_API_KEY is not set');
  }, 60_000);
});
