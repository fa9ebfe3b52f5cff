import { describe, expect, it } from 'vitest';
import { RequestJournal, type JournalEntry } from '../../emulator/control/journal.js';
import { inProcessEmulator } from '../support/client.js';

type Entry = Omit<JournalEntry, 'seq'>;

function entry(over: Partial<Entry>): Entry {
  return {
    requestId: 'r',
    method: 'GET',
    path: '/current/x/',
    status: 200,
    latencyMs: 1,
    userId: null,
    orgId: null,
    workspaceId: null,
    faults: [],
    time: 0,
    ...over,
  };
}

describe('request journal', () => {
  it('filters by status class, workspace, fault, and leaves the control plane out unless asked', () => {
    const j = new RequestJournal(10);
    j.record(entry({ status: 200, orgId: 'o1', workspaceId: 'w1' }));
    j.record(entry({ status: 404 }));
    j.record(entry({ status: 409, faults: ['fault_1'] }));
    j.record(entry({ status: 503, faults: ['fault_2'] }));
    j.record(entry({ path: '/_emulator/health' }));
    expect(j.list({ status: '4xx' }).map((e) => e.status)).toEqual([409, 404]);
    expect(j.list({ status: 503 }).map((e) => e.status)).toEqual([503]);
    expect(j.list({ workspaceId: 'w1' }).map((e) => e.orgId)).toEqual(['o1']);
    expect(j.list({ faulted: true }).map((e) => e.faults)).toEqual([['fault_2'], ['fault_1']]);
    expect(j.list({ faulted: false })).toHaveLength(2);
    expect(j.list()).toHaveLength(4);
    expect(j.list({ includeControl: true })).toHaveLength(5);
  });

  it('keeps the newest entries in its ring and tells listeners of each', () => {
    const j = new RequestJournal(3);
    const heard: number[] = [];
    const stop = j.onRecord((e) => heard.push(e.seq));
    for (let i = 0; i < 5; i++) j.record(entry({ status: 200 + i }));
    stop();
    j.record(entry({}));
    expect(heard).toEqual([1, 2, 3, 4, 5]);
    expect(j.list().map((e) => e.status)).toEqual([200, 204, 203]);
    expect(j.list({ since: 4 }).map((e) => e.seq)).toEqual([6, 5]);
    expect(j.lastSeq).toBe(6);
  });

  it('records method, path, status, latency, caller, org and workspace of real requests', async () => {
    const emu = await inProcessEmulator();
    const t = await emu.tenant({ label: 'jrnl' });
    await emu.ok('GET', `/current/workspace/${t.ws.id}/details/`, { token: t.user.token });
    await emu.call('GET', `/current/org/${t.org.id}/details/`, { token: 'not-a-token' });
    const ws = (await emu.ok('GET', `/_emulator/requests?workspace_id=${t.ws.id}`)).requests as Record<string, unknown>[];
    expect(ws[0]).toMatchObject({
      method: 'GET',
      path: `/current/workspace/${t.ws.id}/details/`,
      status: 200,
      userId: t.user.id,
      orgId: t.org.id,
      workspaceId: t.ws.id,
      faults: [],
    });
    expect(typeof ws[0]!.latencyMs).toBe('number');
    expect(Date.parse(ws[0]!.time as string)).toBeGreaterThan(0);
    const byOrg = (await emu.ok('GET', `/_emulator/requests?org_id=${t.org.id}&method=get`)).requests as { path: string }[];
    expect(byOrg.map((e) => e.path)).toEqual([`/current/workspace/${t.ws.id}/details/`]);
    const unauthorised = (await emu.ok('GET', '/_emulator/requests?status=4xx')).requests as { status: number; userId: string | null }[];
    expect(unauthorised[0]).toMatchObject({ status: 401, userId: null });
    expect((await emu.call('GET', '/_emulator/requests?status=6xx')).status).toBe(400);
  });
});
