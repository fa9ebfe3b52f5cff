/**
 * What the control plane shows (emulator only): the request journal's filters, the route table,
 * the OpenAPI document, the dashboard's data and its page.
 */
import { describe, expect } from 'vitest';
import { contract, setupContract } from '../harness.js';

const c = setupContract(import.meta.url);

interface JournalEntry {
  method: string;
  path: string;
  status: number;
  latencyMs: number;
  userId: string | null;
  orgId: string | null;
  workspaceId: string | null;
  faults: string[];
}

describe('control plane: observability', () => {
  contract.emulatorOnly('the journal records caller, org and workspace, and filters by them', async () => {
    const { api, persona } = await c.signedIn();
    const org = await c.createOrg(api);
    const ws = await api.post(`/current/org/${org.id}/create/workspace/`, {
      perm_join: 'Member or above',
      perm_member_manage: 'Member or above',
      intelligence: false,
      folder_name: 'journal',
      name: 'Journal',
    });
    const wsId = (ws.body.workspace as { id: string }).id;
    await api.get(`/current/workspace/${wsId}/details/`);
    await api.get(`/current/workspace/${wsId}/no-such-route/`);
    const control = c.api();
    const byWorkspace = (await control.get('/_emulator/requests', { query: { workspace_id: wsId } })).body.requests as JournalEntry[];
    expect(byWorkspace).toEqual([
      expect.objectContaining({
        method: 'GET',
        path: `/current/workspace/${wsId}/details/`,
        status: 200,
        userId: persona.userId,
        orgId: org.id,
        workspaceId: wsId,
        faults: [],
      }),
    ]);
    expect(byWorkspace[0]!.latencyMs).toBeGreaterThanOrEqual(0);
    const byOrg = (await control.get('/_emulator/requests', { query: { org_id: org.id, method: 'POST' } })).body.requests as JournalEntry[];
    expect(byOrg.map((e) => e.path)).toContain(`/current/org/${org.id}/create/workspace/`);
    expect(byOrg.every((e) => e.method === 'POST' && e.orgId === org.id)).toBe(true);
    // An unknown route is answered before authentication: no caller, found by path and status class.
    const errors = (await control.get('/_emulator/requests', { query: { status: '4xx', path: wsId } })).body.requests as JournalEntry[];
    expect(errors.map((e) => [e.path, e.status])).toEqual([[`/current/workspace/${wsId}/no-such-route/`, 404]]);
  });

  contract.emulatorOnly('the OpenAPI document covers the route table', async () => {
    const control = c.api();
    const table = (await control.get('/_emulator/routes')).body.routes as { method: string; path: string }[];
    const res = await control.get('/_emulator/openapi.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const doc = res.body as unknown as { openapi: string; paths: Record<string, Record<string, { operationId: string }>> };
    expect(doc.openapi).toBe('3.1.0');
    for (const r of table) {
      const path = r.path.replace(/:([A-Za-z_]\w*)/g, '{$1}');
      expect(doc.paths[path]?.[r.method.toLowerCase()], `${r.method} ${r.path}`).toBeDefined();
    }
    const count = Object.values(doc.paths).reduce((n, item) => n + Object.keys(item).length, 0);
    expect(count).toBe(table.length);
  });

  contract.emulatorOnly('the overview shows a new tenant and its workspace', async () => {
    const { api, persona } = await c.signedIn();
    const org = await c.createOrg(api, { name: 'Overview tenant' });
    const control = c.api();
    const doc = (await control.get('/_emulator/overview', { query: { q: org.domain } })).body as {
      hash: string;
      orgs_total: number;
      orgs: { id: string; domain: string; name: string; members: { user_id: string; role: string }[]; credits: { used: number } }[];
    };
    expect(doc.orgs_total).toBe(1);
    expect(doc.orgs[0]).toMatchObject({ id: org.id, domain: org.domain, name: 'Overview tenant', credits: { used: 0 } });
    expect(doc.orgs[0]!.members).toEqual([expect.objectContaining({ user_id: persona.userId, role: 'owner' })]);
    // Long-poll with an out-of-date hash: answers at once with the current document.
    const after = await control.get('/_emulator/overview', { query: { q: org.domain, after: 'stale', wait: 30 } });
    expect(after.body.hash).toBe(doc.hash);
  });

  contract.emulatorOnly('the dashboard page and its assets are served; other paths are not', async () => {
    const control = c.api();
    const page = await control.get('/_emulator/ui');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const script = /src="(\/_emulator\/ui\/[^"]+\.js)"/.exec(page.text)![1]!;
    const js = await control.get(script);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const traversal = await control.get('/_emulator/ui/..%2F..%2Fpackage.json');
    expect(traversal.status).toBe(404);
    expect(traversal.body).toMatchObject({ result: false, error: { code: 1609 } });
  });
});
