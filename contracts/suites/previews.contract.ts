/**
 * Previews and image transforms (issue 18 item 6; official client 96b1551 src/api/preview.rs, the
 * `preview` commands, mcp sanitize_preview_response), workspace and share twins, both dialects:
 * preauthorize answers `{downloadToken, path, primaryFilename}` and the tokenised `path` serves the
 * preview without a bearer; `transform/image/requestread/` answers a token and the read URL the
 * client builds applies crop, rotate, resize and format. What cannot be rendered answers 501
 * naming the preview type; another tenant is refused on every route.
 */
import { describe, expect } from 'vitest';
import { imageSize } from 'image-size';
import { uploaded } from '../files.js';
import { contract, setupContract } from '../harness.js';
import { expectApiError } from '../expect.js';
import { createOrg, createShare, createWorkspace } from '../tenants.js';

const c = setupContract(import.meta.url);

/** A PNG of w x h (a solid colour), made with jimp (imported here only, as the emulator does). */
async function png(w: number, h: number): Promise<Uint8Array> {
  const { Jimp } = await import('jimp');
  return new Uint8Array(await new Jimp({ width: w, height: h, color: 0x3366ccff }).getBuffer('image/png'));
}

async function storageTenant() {
  const { api } = await c.signedIn();
  const org = await createOrg(api);
  const ws = await createWorkspace(api, org.id, { intelligence: false });
  return { api, org, ws, base: `/current/workspace/${ws.id}/storage` };
}

const size = (b: Uint8Array) => {
  const d = imageSize(b);
  return [d.width, d.height, d.type];
};

describe('workspace previews', () => {
  contract.unverified('thumbnail preauthorize answers a tokenised path that serves a PNG within 256px without a bearer', async () => {
    const { api, ws, base } = await storageTenant();
    const id = await uploaded(api, ws.id, 'photo.png', await png(600, 300));
    const res = await api.get(`${base}/${id}/preview/thumbnail/preauthorize/`);
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ result: true, downloadToken: expect.any(String), path: expect.any(String), primaryFilename: expect.any(String) });
    const path = res.body.path as string;
    expect(path).toContain(`/storage/${id}/preview/thumbnail/read/`);
    const read = await c.api().get(path);
    expect(read.status, read.text).toBe(200);
    expect(read.headers.get('content-type')).toMatch(/^image\//);
    const { width: w = 0, height: h = 1 } = imageSize(new Uint8Array(read.bytes));
    expect(Math.max(w, h)).toBeLessThanOrEqual(256);
    expect(w / h).toBeCloseTo(2, 1);
    // a forged token opens nothing
    expectApiError(await c.api().get(path.replace(/\/read\/[^/]+\//, '/read/not-a-token/')), 401, 1650);
  });

  contract.emulatorOnly('video, audio, spreadsheet and PDF-of-image previews answer 501/1501 naming the type; bad image bytes 409/1660', async () => {
    const { api, ws, base } = await storageTenant();
    const id = await uploaded(api, ws.id, 'photo.png', await png(10, 10));
    for (const type of ['hlsstream', 'mp4', 'audio', 'spreadsheet', 'pdf']) {
      const r = await api.get(`${base}/${id}/preview/${type}/preauthorize/`);
      expectApiError(r, 501, 1501);
      expect(r.body.error?.text).toContain(type);
    }
    const bad = await uploaded(api, ws.id, 'fake.png', 'not an image');
    expectApiError(await api.get(`${base}/${bad}/preview/thumbnail/preauthorize/`), 409, 1660);
  });

  contract.unverified('an unknown preview type and a folder are refused (400/1605)', async () => {
    const { api, ws, base } = await storageTenant();
    const id = await uploaded(api, ws.id, 'photo.png', await png(10, 10));
    expectApiError(await api.get(`${base}/${id}/preview/poster/preauthorize/`), 400, 1605);
    const folder = (await api.post(`${base}/root/createfolder/`, { name: 'Pics' })).body.node as { id: string };
    expectApiError(await api.get(`${base}/${folder.id}/preview/thumbnail/preauthorize/`), 400, 1605);
  });

  contract.unverified("another tenant's preauthorize and requestread answer 401/10545", async () => {
    const a = await storageTenant();
    const b = await storageTenant();
    const id = await uploaded(a.api, a.ws.id, 'photo.png', await png(10, 10));
    expectApiError(await b.api.get(`${a.base}/${id}/preview/thumbnail/preauthorize/`), 401, 10545);
    expectApiError(await b.api.get(`${a.base}/${id}/transform/image/requestread/`), 401, 10545);
  });
});

describe('workspace image transforms', () => {
  contract.unverified('requestread answers a token; the read URL resizes, crops, rotates and converts', async () => {
    const { api, ws, base } = await storageTenant();
    const id = await uploaded(api, ws.id, 'photo.png', await png(200, 100));
    const t = await api.get(`${base}/${id}/transform/image/requestread/`);
    expect(t.status, t.text).toBe(200);
    const token = t.body.token as string;
    expect(token).toEqual(expect.any(String));
    const read = (query: Record<string, string | number>) => c.api().get(`${base}/${id}/transform/image/read/`, { query: { token, ...query } });
    const jpg = await read({ 'output-format': 'jpg', width: 100 });
    expect(jpg.status, jpg.text).toBe(200);
    expect(size(new Uint8Array(jpg.bytes))).toEqual([100, 50, 'jpg']);
    const cropped = await read({ cropwidth: 30, cropheight: 20, cropx: 5, cropy: 5, rotate: 90, 'output-format': 'png' });
    expect(cropped.status, cropped.text).toBe(200);
    expect(size(new Uint8Array(cropped.bytes))).toEqual([20, 30, 'png']);
  });

  contract.unverified('a transform name other than image, webp, a zero width or a partial crop answer 400/1605', async () => {
    const { api, ws, base } = await storageTenant();
    const id = await uploaded(api, ws.id, 'photo.png', await png(20, 20));
    expectApiError(await api.get(`${base}/${id}/transform/video/requestread/`), 400, 1605);
    const token = (await api.get(`${base}/${id}/transform/image/requestread/`)).body.token as string;
    for (const query of [{ 'output-format': 'webp' }, { width: 0 }, { cropwidth: 5 }, { rotate: 45 }]) {
      expectApiError(await c.api().get(`${base}/${id}/transform/image/read/`, { query: { token, ...query } }), 400, 1605);
    }
  });
});

describe('share previews and transforms', () => {
  contract.unverified("a share's file previews and transforms through the share; another tenant is refused", async () => {
    const { api, ws } = await storageTenant();
    const share = await createShare(api, ws.id, { share_type: 'exchange' });
    const id = await uploaded(api, share.id, 'shared.png', await png(300, 150), { profile_type: 'share' });
    const pre = await api.get(`/current/share/${share.id}/storage/${id}/preview/thumbnail/preauthorize/`);
    expect(pre.status, pre.text).toBe(200);
    expect(pre.body.path as string).toContain(`/current/share/${share.id}/storage/${id}/preview/thumbnail/read/`);
    const read = await c.api().get(pre.body.path as string);
    expect(read.status, read.text).toBe(200);
    expect(Math.max(...(size(new Uint8Array(read.bytes)).slice(0, 2) as number[]))).toBeLessThanOrEqual(256);

    const token = (await api.get(`/current/share/${share.id}/storage/${id}/transform/image/requestread/`)).body.token as string;
    const t = await c.api().get(`/current/share/${share.id}/storage/${id}/transform/image/read/`, { query: { token, height: 50 } });
    expect(t.status, t.text).toBe(200);
    expect(size(new Uint8Array(t.bytes))).toEqual([100, 50, 'png']);

    const other = await storageTenant();
    expectApiError(await other.api.get(`/current/share/${share.id}/storage/${id}/preview/thumbnail/preauthorize/`), 401, 115069);
    expectApiError(await other.api.get(`/current/share/${share.id}/storage/${id}/transform/image/requestread/`), 401, 115069);
    expectApiError(await other.api.get(`/current/share/${share.id}/storage/${id}/transform/image/read/`, { query: { width: 5 } }), 401, 115069);
    // the share's preview token does not open another share's path (the file is not that share's)
    const otherShare = await createShare(api, ws.id, { share_type: 'exchange' });
    expectApiError(await c.api().get((pre.body.path as string).replace(share.id, otherShare.id)), 401, 115069);
  });
});

describe('share previews for a visitor', () => {
  contract.unverified("a guest token previews its share's image and transforms it; another share's file stays refused", async () => {
    const { api, ws } = await storageTenant();
    const share = await createShare(api, ws.id, { share_type: 'send', access_options: 'Anyone with the link' });
    const other = await createShare(api, ws.id, { share_type: 'send', access_options: 'Anyone with the link', title: 'Other' });
    const id = await uploaded(api, share.id, 'open.png', await png(120, 60), { profile_type: 'share' });
    const hidden = await uploaded(api, other.id, 'hidden.png', await png(10, 10), { profile_type: 'share' });
    const token = (await c.api().post(`/current/share/${share.id}/auth/guest/`)).body.auth_token as string;
    const visitor = c.api().as(token);
    const pre = await visitor.get(`/current/share/${share.id}/storage/${id}/preview/image/preauthorize/`);
    expect(pre.status, pre.text).toBe(200);
    const read = await c.api().get(pre.body.path as string);
    expect(read.status, read.text).toBe(200);
    expect(size(new Uint8Array(read.bytes))).toEqual([120, 60, 'png']);
    const t = (await visitor.get(`/current/share/${share.id}/storage/${id}/transform/image/requestread/`)).body.token as string;
    const small = await c.api().get(`/current/share/${share.id}/storage/${id}/transform/image/read/`, { query: { token: t, size: 'IconTiny' } });
    expect(small.status, small.text).toBe(200);
    expect(size(new Uint8Array(small.bytes))).toEqual([32, 16, 'png']);
    expectApiError(await visitor.get(`/current/share/${share.id}/storage/${hidden}/preview/image/preauthorize/`), 401, 115069);
    expectApiError(await visitor.get(`/current/share/${other.id}/storage/${hidden}/preview/image/preauthorize/`), 401, 115069);
  });
});
