/**
 * Global set-up of the live run (vitest.live.config.ts): checks the credentials, names the run,
 * identifies the two personas, and provides all of it to the test files. At the end it closes
 * anything the run created that a file did not close (a crashed worker, a failed close), and
 * prints what the run spent.
 */
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { fromPackageRoot } from '../emulator/paths.js';
import { ApiClient } from './client.js';
import { RunLedger } from './live-budget.js';
import { LIVE_ENV, liveSettingsMessage, readLiveSettings } from './live-env.js';
import { closeResources, LiveTransport, type LivePersonaInfo, type LiveRunInfo } from './live.js';

function say(message: string): void {
  process.stderr.write(`[contracts:live] ${message}\n`);
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const read = readLiveSettings(process.env);
  if (!read.ok) throw new Error(liveSettingsMessage(read.problems));
  const { baseUrl, apiKeys, maxCredits } = read.settings;

  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '');
  const prefix = `ct${Date.now().toString(36).slice(-6)}${Math.random().toString(36).slice(2, 4)}`;
  const runId = `${stamp}-${prefix}`;
  const resultsDir = process.env.FASTIO_CONTRACT_RESULTS_DIR || fromPackageRoot('test-results');
  const ledgerFile = join(resultsDir, 'live', `${runId}.json`);
  const ledger = RunLedger.create(ledgerFile, { runId, prefix, startedAt: new Date().toISOString(), baseUrl, maxCredits });
  const transport = new LiveTransport({ baseUrl, ledger, file: 'global-setup', prefix, apiKeys });

  const personas: LivePersonaInfo[] = [];
  for (const [i, key] of apiKeys.entries()) {
    const name = i === 0 ? LIVE_ENV.apiKey : LIVE_ENV.apiKey2;
    const res = await new ApiClient(baseUrl, transport.fetch, key).get('/current/user/details/');
    if (res.status !== 200) throw new Error(`${name} is refused by ${baseUrl}: ${res.status} ${res.text.slice(0, 300)}`);
    const user = (res.body as { user?: { id?: string; email_address?: string; account_type?: string } }).user ?? {};
    if (!user.id) throw new Error(`${name}: the answer to GET /current/user/details/ names no user id: ${res.text.slice(0, 300)}`);
    personas.push({ userId: user.id, email: user.email_address ?? '', accountType: user.account_type === 'human' ? 'human' : 'agent' });
  }
  if (personas[0]!.userId === personas[1]!.userId) {
    throw new Error(`${LIVE_ENV.apiKey} and ${LIVE_ENV.apiKey2} belong to the same account (${personas[0]!.userId}); the personas must be independent`);
  }

  const info: LiveRunInfo = { ledgerFile, prefix, baseUrl, apiKeys: [apiKeys[0], apiKeys[1]], personas };
  project.provide('fastioLiveRun', info);
  say(`run ${runId} against ${baseUrl}; org domains start with "${prefix}"; credit budget ${maxCredits}; ledger ${ledgerFile}`);

  return async () => {
    const left = ledger.open();
    const failures = left.length > 0 ? await closeResources(left, ledger, baseUrl, apiKeys, transport.cleanupFetch) : [];
    const done = ledger.snapshot;
    const orgs = done.resources.filter((r) => r.kind === 'org');
    say(
      `${done.requests} requests; about ${done.spent} of ${maxCredits} credits estimated spent; ` +
        `${orgs.length} orgs created, ${orgs.filter((o) => o.state === 'closed').length} closed` +
        (done.stopped ? `; stopped: ${done.stopped}` : ''),
    );
    if (failures.length > 0) throw new Error(`the live run could not close what it created:\n  ${failures.join('\n  ')}`);
  };
}
