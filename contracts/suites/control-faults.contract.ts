/**
 * Fault injection through the control plane (emulator only): rules answer an error in the live
 * envelope or delay matching requests, per method, path glob and org, for a number of hits.
 */
import { describe, expect } from 'vitest';
import type { ApiClient } from '../client.js';
import { contract, setupContract } from '../harness.js';

const c = setupContract(import.meta.url);

interface Fault {
  id: string;
  method: string | null;
  path: string | null;
  org_id: string | null;
  status: number | null;
  code: number | null;
  times: number | null;
  hits: number;
  remaining: number | null;
  active: boolean;
}

const WS = { perm_join: 'Member or above', perm_member_manage: 'Member or above', intelligence: 'false' };

/** Add a rule and remove it when the body ends, whatever happens. */
async function withFault(fields: Record<string, string | number>, body: (fault: Fault) => Promise<void>): Promise<void> {
  const control = c.api();
  const added = await control.post('/_emulator/faults', undefined, { json: fields });
  expect(added.status, added.text).toBe(200);
  const fault = added.body.fault as Fault;
  try {
    await body(fault);
  } finally {
    await control.delete(`/_emulator/faults/${fault.id}`);
  }
}

async function workspace(api: ApiClient, orgId: string, folder: string): Promise<string> {
  const res = await api.post(`/current/org/${orgId}/create/workspace/`, { ...WS, folder_name: folder, name: `Workspace ${folder}` });
  expect(res.status, res.text).toBe(200);
  return (res.body.workspace as { id: string }).id;
}

describe('control plane: faults', () => {
  contract.emulatorOnly('an injected error answers in the live envelope, for `times` requests', async () => {
    const { api } = await c.signedIn();
    await withFault({ method: 'GET', path: '/current/user/details/', status: 503, code: 1500, times: 2 }, async (fault) => {
      expect(fault).toMatchObject({ method: 'GET', path: '/current/user/details/', status: 503, code: 1500, times: 2, hits: 0, active: true });
      for (let i = 0; i < 2; i++) {
        const res = await api.get('/current/user/details/');
        expect(res.status).toBe(503);
        expect(res.body.result).toBe(false);
        expect(res.body.error).toMatchObject({ code: 1500 });
        expect(typeof res.body.error!.text).toBe('string');
        expect(res.headers.get('x-fastio-emulator-fault')).toBe(fault.id);
      }
      expect((await api.get('/current/user/details/')).status).toBe(200);
      const listed = (await c.api().get('/_emulator/faults')).body.faults as Fault[];
      expect(listed.find((f) => f.id === fault.id)).toMatchObject({ hits: 2, remaining: 0, active: false });
    });
  });

  contract.emulatorOnly('an org rule hits that org on org and workspace routes, and no other tenant', async () => {
    const a = await c.signedIn();
    const b = await c.signedIn();
    const orgA = await c.createOrg(a.api);
    const orgB = await c.createOrg(b.api);
    const wsA = await workspace(a.api, orgA.id, 'faulted');
    const wsB = await workspace(b.api, orgB.id, 'healthy');
    await withFault({ org_id: orgA.id, status: 429 }, async (fault) => {
      const ws = await a.api.get(`/current/workspace/${wsA}/details/`);
      expect(ws.status).toBe(429);
      expect(ws.body.error).toMatchObject({ code: 1671 });
      expect((await a.api.get(`/current/org/${orgA.id}/details/`)).status).toBe(429);
      expect((await b.api.get(`/current/workspace/${wsB}/details/`)).status).toBe(200);
      expect((await b.api.get(`/current/org/${orgB.id}/details/`)).status).toBe(200);
      const journal = (await c.api().get('/_emulator/requests', { query: { faulted: true, org_id: orgA.id } })).body.requests as {
        faults: string[];
        workspaceId: string | null;
      }[];
      expect(journal.map((e) => e.faults)).toEqual([[fault.id], [fault.id]]);
      expect(journal.map((e) => e.workspaceId)).toEqual([null, wsA]);
    });
  });

  contract.emulatorOnly('a path glob with a method: other methods and paths are served', async () => {
    const { api } = await c.signedIn();
    const org = await c.createOrg(api);
    await withFault({ method: 'post', path: '/current/org/:org_id/create/workspace/', status: 500 }, async () => {
      const refused = await api.post(`/current/org/${org.id}/create/workspace/`, { ...WS, folder_name: 'never', name: 'Never made' });
      expect(refused.status).toBe(500);
      expect(refused.body.error).toMatchObject({ code: 1500 });
      expect((await api.get(`/current/org/${org.id}/list/workspaces/`)).body.workspaces).toEqual([]);
      expect((await api.get(`/current/org/${org.id}/details/`)).status).toBe(200);
    });
    // Cleared: the same request goes through.
    expect((await api.post(`/current/org/${org.id}/create/workspace/`, { ...WS, folder_name: 'made', name: 'Made now' })).status).toBe(200);
  });

  contract.emulatorOnly('a delay rule serves the request, marked with the rule', async () => {
    const { api } = await c.signedIn();
    await withFault({ path: '/current/user/details/', delay_ms: 20, jitter_ms: 10 }, async (fault) => {
      const res = await api.get('/current/user/details/');
      expect(res.status).toBe(200);
      expect(res.headers.get('x-fastio-emulator-fault')).toBe(fault.id);
    });
  });

  contract.emulatorOnly('probability 0 never hits; the control plane is never faulted', async () => {
    const { api } = await c.signedIn();
    await withFault({ path: '/current/**', status: 500, probability: 0 }, async () => {
      expect((await api.get('/current/user/details/')).status).toBe(200);
    });
    await withFault({ status: 500 }, async () => {
      expect((await c.api().get('/_emulator/health')).status).toBe(200);
      expect((await c.api().get('/_emulator/faults')).status).toBe(200);
    });
  });

  contract.emulatorOnly('invalid rules answer 400/1605 naming the field', async () => {
    const control = c.api();
    const noEffect = await control.post('/_emulator/faults', { path: '/current/**' });
    expect(noEffect.status).toBe(400);
    expect(noEffect.body.error).toMatchObject({ code: 1605 });
    expect(noEffect.body.error!.params!.map((p) => p.name)).toContain('status');
    const badProbability = await control.post('/_emulator/faults', undefined, { json: { status: 503, probability: 2 } });
    expect(badProbability.status).toBe(400);
    expect(badProbability.body.error!.params!.map((p) => p.name)).toEqual(['probability']);
    const control2 = await control.post('/_emulator/faults', { status: 503, path: '/_emulator/reset' });
    expect(control2.body.error!.params!.map((p) => p.name)).toEqual(['path']);
  });

  contract.emulatorOnly('rules are listed, deleted one by one (404 for an unknown id) or all at once', async () => {
    const control = c.api();
    const one = (await control.post('/_emulator/faults', { status: 500, path: '/current/nothing/one/' })).body.fault as Fault;
    const two = (await control.post('/_emulator/faults', { delay_ms: 1, path: '/current/nothing/two/' })).body.fault as Fault;
    const ids = ((await control.get('/_emulator/faults')).body.faults as Fault[]).map((f) => f.id);
    expect(ids).toEqual(expect.arrayContaining([one.id, two.id]));
    expect((await control.delete(`/_emulator/faults/${one.id}`)).status).toBe(200);
    const again = await control.delete(`/_emulator/faults/${one.id}`);
    expect(again.status).toBe(404);
    expect(again.body.error).toMatchObject({ code: 1609 });
    const cleared = await control.delete('/_emulator/faults');
    expect(cleared.status).toBe(200);
    expect((await control.get('/_emulator/faults')).body.faults).toEqual([]);
  });
});
