/**
 * A fileshare's preview read and realtime token (V2; official client 96b1551 src/api/fileshare.rs
 * storage_preview_path, websocket_auth): the bound image's thumbnail streamed to anyone the tier
 * lets view, the link password asked as for its other reads; the WebSocket token minted for the
 * workspace's members only.
 */
import { describe, expect } from 'vitest';
import { imageSize } from 'image-size';
import { uploaded } from '../files.js';
import { contract, setupContract } from '../harness.js';
import { expectApiError } from '../expect.js';
import { createWorkspace } from '../tenants.js';

const c = setupContract(import.meta.url, { dialects: ['v2'] });

async function png(w: number, h: number): Promise<Uint8Array> {
  const { Jimp } = await import('jimp');
  return new Uint8Array(await new Jimp({ width: w, height: h, color: 0x22aa44ff }).getBuffer('image/png'));
}

async function tenant() {
  const { api } = await c.signedIn();
  const org = await c.createOrg(api);
  const ws = await createWorkspace(api, org.id, { intelligence: false });
  const fileId = await uploaded(api, ws.id, 'poster.png', await png(640, 320));
  return { api, org, ws, fileId };
}

async function fileshare(api: Awaited<ReturnType<typeof tenant>>['api'], wsId: string, fields: Record<string, string>) {
  const res = await api.post(`/current/workspace/${wsId}/create/fileshare/`, fields);
  expect(res.status, res.text).toBe(200);
  return (res.body.fileshare as { id: string }).id;
}

describe('fileshare preview', () => {
  contract.unverified('anyone with the link gets the thumbnail of the bound image; a password-protected one asks for it (401/1650)', async () => {
    const { api, ws, fileId } = await tenant();
    const open = await fileshare(api, ws.id, { node: fileId });
    const res = await c.api().get(`/current/fileshare/${open}/storage/preview/thumbnail/read/`);
    expect(res.status, res.text).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^image\//);
    const { width = 0, height = 0 } = imageSize(new Uint8Array(res.bytes));
    expect([width, height]).toEqual([256, 128]);
    expectApiError(await c.api().get(`/current/fileshare/${open}/storage/preview/poster/read/`), 400, 1605);

    const locked = await fileshare(api, ws.id, { node: fileId, password: 'open sesame 42' });
    expectApiError(await c.api().get(`/current/fileshare/${locked}/storage/preview/thumbnail/read/`), 401, 1650);
    const withPw = await c.api().get(`/current/fileshare/${locked}/storage/preview/thumbnail/read/`, { headers: { 'x-ve-password': 'open sesame 42' } });
    expect(withPw.status, withPw.text).toBe(200);
  });

  contract.unverified(
    "a named-people fileshare's preview refuses another tenant's user (401/115069); a view grant gets thumbnails but not bin (403/1700)",
    async () => {
      const a = await tenant();
      const b = await tenant();
      const named = await fileshare(a.api, a.ws.id, { node: a.fileId, access_option: 'named_people' });
      expectApiError(await b.api.get(`/current/fileshare/${named}/storage/preview/thumbnail/read/`), 401, 115069);
      expect((await a.api.get(`/current/fileshare/${named}/storage/preview/thumbnail/read/`)).status).toBe(200);
      // a view grant sees the rendered thumbnail, not the file itself through bin
      const viewer = await c.signedIn();
      expect((await a.api.post(`/current/fileshare/${named}/grants/`, { user: viewer.persona.userId, capability: 'view' })).status).toBe(200);
      expect((await viewer.api.get(`/current/fileshare/${named}/storage/preview/thumbnail/read/`)).status).toBe(200);
      expectApiError(await viewer.api.get(`/current/fileshare/${named}/storage/preview/bin/read/`), 403, 1700);
      expectApiError(await viewer.api.get(`/current/fileshare/${named}/storage/read/`), 403, 1700);
    },
  );
});

describe('fileshare websocket auth', () => {
  contract.unverified('a workspace member gets a short-lived token; another tenant is refused', async () => {
    const a = await tenant();
    const b = await tenant();
    const fs = await fileshare(a.api, a.ws.id, { node: a.fileId, access_option: 'named_people' });
    const res = await a.api.get(`/current/websocket/auth/${fs}`);
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ result: true, token: expect.any(String), expires: expect.any(String) });
    const slash = await a.api.get(`/current/websocket/auth/${fs}/`);
    expect(slash.status).toBe(200);
    expect(slash.body.token).not.toBe('');
    expectApiError(await b.api.get(`/current/websocket/auth/${fs}/`), 401, 115069);
    expectApiError(await c.api().get(`/current/websocket/auth/${fs}/`), 401, 1650);
  });
});
