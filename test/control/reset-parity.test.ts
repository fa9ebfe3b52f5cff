/**
 * `emulator.reset()` in process and `POST /_emulator/reset` must leave the same state: the route
 * is the instance's reset and nothing more. Two instances on one frozen clock are seeded the same
 * way (tenants, files, a moved clock, fault rules, journal entries); one is reset in process, the
 * other over HTTP; everything an instance owns is then compared.
 */
import { inject } from 'light-my-request';
import { describe, expect, it } from 'vitest';
import { createApp, Emulator, loadConfig } from '../../emulator/index.js';
import { Clock } from '../../emulator/store/clock.js';
import { allRoutes } from '../../emulator/routes.js';
import type { AnyRoute } from '../../emulator/http/route.js';
import { UNIT_TEST_DIALECT } from '../support/client.js';

const T0 = Date.parse('2026-06-01T00:00:00Z');

function instance() {
  const emulator = new Emulator(loadConfig({ port: 0, apiDialect: UNIT_TEST_DIALECT, randomSeed: 'reset-parity', ingestDelayMs: 0 }), undefined, {
    clock: new Clock(() => T0),
  });
  const routes: AnyRoute[] = allRoutes({ routes: () => routes, persistence: () => undefined });
  const app = createApp({ emulator, routes });
  const call = async (method: string, url: string, o: { token?: string; form?: Record<string, string> } = {}) => {
    const res = await inject(app as never, {
      method: method as 'GET',
      url,
      headers: {
        'x-fastio-emulator-client': '1',
        ...(o.token ? { authorization: `Bearer ${o.token}` } : {}),
        ...(o.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      ...(o.form ? { payload: new URLSearchParams(o.form).toString() } : {}),
      remoteAddress: '127.0.0.1',
    });
    return { status: res.statusCode, requestId: String(res.headers['x-request-id']), body: JSON.parse(res.payload) as Record<string, unknown> };
  };
  return { emulator, call };
}

/** The same requests on an instance: a tenant with a workspace and a note, a moved clock, faults. */
async function seed(e: ReturnType<typeof instance>) {
  const p = await e.call('POST', '/_emulator/users/', { form: { account_type: 'human', email: 'reset@parity.test', password: 'password-1234' } });
  const token = p.body.api_key as string;
  const org = (await e.call('POST', '/current/org/create/', { token, form: { domain: 'reset-parity', name: 'Reset parity' } })).body.org as { id: string };
  const ws = (
    await e.call('POST', `/current/org/${org.id}/create/workspace/`, {
      token,
      form: { folder_name: 'reset-ws', name: 'Reset', perm_join: 'Member or above', perm_member_manage: 'Member or above' },
    })
  ).body.workspace as { id: string };
  await e.call('POST', `/current/workspace/${ws.id}/storage/root/createnote/`, { token, form: { name: 'n.md', content: 'hello' } });
  await e.call('POST', '/_emulator/clock/advance', { form: { seconds: '3600' } });
  await e.call('POST', '/_emulator/faults', { form: { path: '/current/never/', status: '503' } });
  expect(e.emulator.faults.size).toBe(1);
  expect(e.emulator.journal.list({ includeControl: true }).length).toBeGreaterThan(4);
}

/** Everything the instance owns that a reset could touch. */
function everything(emulator: Emulator, ignoreRequestId?: string) {
  return {
    state: emulator.exportState(),
    journal: emulator.journal.list({ includeControl: true }).filter((e) => e.requestId !== ignoreRequestId),
    clock: { now: emulator.clock.now(), offset: emulator.clock.offset },
    faults: emulator.faults.list(),
    jobs: emulator.jobs.size,
    activity: emulator.activityHub.cursor,
  };
}

/** Every table's row ids, in order. */
function rowIds(emulator: Emulator): Record<string, unknown[]> {
  const tables = emulator.exportState().tables as Record<string, { id?: unknown }[]>;
  return Object.fromEntries(Object.entries(tables).map(([name, rows]) => [name, rows.map((r) => r.id ?? null)]));
}

describe('reset', () => {
  it('emulator.reset() and POST /_emulator/reset leave the same state, journal, clock and faults', async () => {
    const a = instance();
    const b = instance();
    await seed(a);
    await seed(b);
    // The same seeded state on both (the check that the comparison below compares like with like):
    // the same rows by id. Not byte for byte: API keys, salts and persona passwords come from
    // node:crypto whatever the seed (issue 14).
    expect(rowIds(b.emulator)).toEqual(rowIds(a.emulator));
    expect(Object.values(rowIds(a.emulator)).flat().length).toBeGreaterThan(0);

    a.emulator.reset();
    const res = await b.call('POST', '/_emulator/reset');
    expect(res.status).toBe(200);
    // The reset request itself is journaled after it ran, like any request: left out of the comparison.
    expect(everything(b.emulator, res.requestId)).toEqual(everything(a.emulator));
    expect(a.emulator.exportState().tables.users).toEqual([]);
    expect(a.emulator.journal.list({ includeControl: true })).toEqual([]);
    expect(a.emulator.faults.size).toBe(0);
    // Issue 21: a reset puts the clock back at real time (the moved hour does not outlive the state).
    expect(a.emulator.clock.offset).toBe(0);
  });
});
