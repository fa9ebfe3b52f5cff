/**
 * Apps (official client 96b1551 / 41dde01 src/api/apps.rs): the list, one app, the apps of an MCP
 * tool (no sign-in, as the client asks), and a launch in a workspace or share of the caller, with
 * the tenancy refusals for another tenant's workspace and share (two personas).
 */
import { describe, expect } from 'vitest';
import { contract, setupContract } from '../harness.js';
import { expectApiError } from '../expect.js';
import { createShare, ownerWithWorkspace } from '../tenants.js';
import type { ApiClient } from '../client.js';

const c = setupContract(import.meta.url);

interface AppJson {
  id: string;
  name: string;
  tools: string[];
  context_types: string[];
  resource_uri: string;
  mime_type: string;
}

const launch = (api: ApiClient, appId: string, json: Record<string, unknown>) => api.post(`/current/apps/${appId}/launch/`, undefined, { json });

describe('apps', () => {
  contract.unverified('list, details and the apps of a tool answer without a token', async () => {
    const anon = c.api();
    const list = await anon.get('/current/apps/list/');
    expect(list.status, list.text).toBe(200);
    const apps = list.body.apps as AppJson[];
    expect(apps.length).toBeGreaterThan(0);
    for (const a of apps) expect(a).toMatchObject({ resource_uri: `ui://fastio/${a.id}`, mime_type: 'text/html;profile=mcp-app' });
    const first = apps[0]!;
    const details = await anon.get(`/current/apps/${first.id}/details/`);
    expect(details.status, details.text).toBe(200);
    expect(details.body.app).toEqual(first);
    expectApiError(await anon.get('/current/apps/no-such-app/details/'), 404, 1609);

    const tool = first.tools[0]!;
    const forTool = await anon.get(`/current/apps/tool/${tool}/`);
    expect(forTool.status, forTool.text).toBe(200);
    expect((forTool.body.apps as AppJson[]).map((a) => a.id)).toContain(first.id);
    expect((forTool.body.apps as AppJson[]).every((a) => a.tools.includes(tool))).toBe(true);
    expect((await anon.get('/current/apps/tool/auth/')).body.apps).toEqual([]);
    expectApiError(await anon.get('/current/apps/tool/not-a-tool/'), 404, 1609);
  });

  contract.unverified("launch in the caller's workspace and share answers the widget resource; a context type the app lacks is refused", async () => {
    const t = await ownerWithWorkspace(c);
    const share = await createShare(t.api, t.ws.id);
    const res = await launch(t.api, 'file-browser', { context_type: 'workspace', context_id: t.ws.id });
    expect(res.status, res.text).toBe(200);
    expect(res.body.context).toMatchObject({ type: 'workspace', id: t.ws.id });
    const resource = res.body.resource as { uri: string; mime_type: string; html: string };
    expect(resource).toMatchObject({ uri: 'ui://fastio/file-browser', mime_type: 'text/html;profile=mcp-app' });
    expect(resource.html).toContain(`data-context-id="${t.ws.id}"`);
    const inShare = await launch(t.api, 'file-preview', { context_type: 'share', context_id: share.id });
    expect(inShare.status, inShare.text).toBe(200);
    expect(inShare.body.context).toMatchObject({ type: 'share', id: share.id });
    expectApiError(await launch(t.api, 'share-builder', { context_type: 'share', context_id: share.id }), 400, 1605);
    expectApiError(await launch(t.api, 'file-browser', { context_type: 'folder', context_id: t.ws.id }), 400, 1605);
    expectApiError(await launch(t.api, 'no-such-app', { context_type: 'workspace', context_id: t.ws.id }), 404, 1609);
    expect((await c.api().post('/current/apps/file-browser/launch/', undefined, { json: { context_type: 'workspace', context_id: t.ws.id } })).status).toBe(
      401,
    );
  });

  contract.unverified('another tenant may not launch an app in a workspace or share it does not belong to', async () => {
    const a = await ownerWithWorkspace(c);
    const b = await ownerWithWorkspace(c);
    const share = await createShare(a.api, a.ws.id);
    const intoWs = await launch(b.api, 'file-browser', { context_type: 'workspace', context_id: a.ws.id });
    expectApiError(intoWs, 401, 10545);
    expect(intoWs.text).not.toContain(a.ws.name as string);
    expectApiError(await launch(b.api, 'file-preview', { context_type: 'share', context_id: share.id }), 401, 115069);
  });
});
