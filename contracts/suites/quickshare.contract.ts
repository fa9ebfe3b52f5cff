/**
 * QuickShare (April dialect; V2 replaced it by fileshares): one link per workspace file, made by
 * POST (or by GET when the file has none), listed per workspace, removed by DELETE, and read by
 * anyone with its id through quickshare details. PARITY: 41dde01 src/api/storage.rs, workspace.rs,
 * share.rs and download.rs (quickshare); the agent guide's "30-day expiration".
 */
import { describe, expect } from 'vitest';
import type { ApiClient, ApiResponse } from '../client.js';
import { Control } from '../control.js';
import { uploaded } from '../files.js';
import { contract, setupContract } from '../harness.js';
import { expectApiError } from '../expect.js';
import { addWorkspaceMember, createWorkspace } from '../tenants.js';

const c = setupContract(import.meta.url, { dialects: ['2026-04'] });

interface QuickshareJson {
  id: string;
  node_id: string;
  workspace_id: string;
  expires: string;
  created: string;
  file: { id: string; name: string };
}

async function tenant() {
  const { api, persona } = await c.signedIn();
  const org = await c.createOrg(api);
  const ws = await createWorkspace(api, org.id);
  const fileId = await uploaded(api, ws.id, 'handoff.log', 'debug log line');
  return { api, persona, org, ws, fileId, path: `/current/workspace/${ws.id}/storage/${fileId}/quickshare/` };
}

function quickshareOf(res: ApiResponse): QuickshareJson {
  expect(res.status, res.text).toBe(200);
  return res.body.quickshare as QuickshareJson;
}

const list = async (api: ApiClient, workspaceId: string) =>
  ((await api.get(`/current/workspace/${workspaceId}/quickshares/`)).body.quickshares as QuickshareJson[]).map((q) => q.id);

describe('quickshare', () => {
  contract.unverified('POST makes one per file (30 days), GET answers it, the workspace lists it, anyone reads its details, DELETE removes it', async () => {
    const { api, ws, fileId, path } = await tenant();
    const made = quickshareOf(await api.post(path, undefined, { json: {} }));
    expect(made).toMatchObject({ node_id: fileId, workspace_id: ws.id, file: { id: fileId, name: 'handoff.log' } });
    expect(made.id).toMatch(/^qs-/);
    const at = (t: string) => Date.parse(t.replace(' UTC', 'Z').replace(' ', 'T'));
    expect((at(made.expires) - at(made.created)) / 86_400_000).toBe(30);
    expect(quickshareOf(await api.get(path)).id).toBe(made.id);
    // A second POST sets the expiry of the same one.
    const again = quickshareOf(await api.post(path, undefined, { json: { expires_at: '2099-01-01 00:00:00' } }));
    expect(again).toMatchObject({ id: made.id, expires: '2099-01-01 00:00:00 UTC' });
    expect(await list(api, ws.id)).toEqual([made.id]);
    const anon = await c.api().get(`/current/quickshare/${made.id}/details/`);
    expect(quickshareOf(anon)).toMatchObject({ id: made.id, file: { name: 'handoff.log' } });
    expect((await api.delete(path)).status).toBe(200);
    expectApiError(await c.api().get(`/current/quickshare/${made.id}/details/`), 404, 1609);
    expectApiError(await api.delete(path), 404, 1609);
    expect(await list(api, ws.id)).toEqual([]);
  });

  contract.unverified(
    'GET makes one when the file has none; folders and past expiries are refused (400/1605); guests read but do not make (404/1609 while there is none)',
    async () => {
      const { api, ws, path } = await tenant();
      const guest = await c.signedIn();
      await addWorkspaceMember(api, ws.id, guest.persona.userId, 'guest');
      expectApiError(await guest.api.get(path), 404, 1609);
      const made = quickshareOf(await api.get(path));
      expect(quickshareOf(await guest.api.get(path)).id).toBe(made.id);
      expectApiError(await guest.api.delete(path), 403, 1680);
      const folder = (await api.post(`/current/workspace/${ws.id}/storage/root/createfolder/`, { name: 'logs' })).body.node as { id: string };
      expectApiError(await api.post(`/current/workspace/${ws.id}/storage/${folder.id}/quickshare/`, undefined, { json: {} }), 400, 1605);
      expectApiError(await api.post(path, undefined, { json: { expires_at: '2001-01-01 00:00:00' } }), 400, 1605);
    },
  );

  contract.emulatorOnly('past its expiry the details answer 404/1609', async () => {
    const { api, path } = await tenant();
    const made = quickshareOf(await api.post(path, undefined, { json: { expires: '60' } }));
    expect((await c.api().get(`/current/quickshare/${made.id}/details/`)).status).toBe(200);
    await new Control(c.api()).advanceClock(61);
    expectApiError(await c.api().get(`/current/quickshare/${made.id}/details/`), 404, 1609);
  });

  contract.unverified(
    "another tenant gets 401/10545 on every route of A's workspace and cannot bind A's file from its own; A's QuickShare is unchanged",
    async () => {
      const a = await tenant();
      const b = await tenant();
      const made = quickshareOf(await a.api.post(a.path, undefined, { json: {} }));
      const refusals: ApiResponse[] = [
        await b.api.get(a.path),
        await b.api.post(a.path, undefined, { json: { expires: '60' } }),
        await b.api.delete(a.path),
        await b.api.get(`/current/workspace/${a.ws.id}/quickshares/`),
      ];
      for (const res of refusals) {
        expectApiError(res, 401, 10545);
        const { resource: _echo, ...said } = res.body.error ?? {};
        for (const secret of [made.id, 'handoff.log', a.org.id, a.persona.email]) expect(JSON.stringify(said)).not.toContain(secret);
      }
      expectApiError(await b.api.post(`/current/workspace/${b.ws.id}/storage/${a.fileId}/quickshare/`, undefined, { json: {} }), 400, 1605);
      expect(await list(b.api, b.ws.id)).toEqual([]);
      expect(quickshareOf(await a.api.get(a.path))).toEqual(made);
    },
  );
});
