import { describe, expect, it } from 'vitest';
import { Jimp } from 'jimp';
import { imageSize } from 'image-size';
import { inProcessEmulator } from '../support/client.js';
import { RenderCache, renderCacheOf } from '../../emulator/storage/previews.js';

/** A PNG of `w`x`h`: left half red, right half blue (so a crop or rotation is visible in the pixels). */
async function png(w: number, h: number): Promise<Buffer> {
  const img = new Jimp({ width: w, height: h, color: 0xff0000ff });
  for (let x = Math.floor(w / 2); x < w; x++) for (let y = 0; y < h; y++) img.setPixelColor(0x0000ffff, x, y);
  return img.getBuffer('image/png');
}

const dims = (b: Uint8Array) => {
  const d = imageSize(b);
  return { width: d.width, height: d.height, type: d.type };
};

describe.each(['v2', '2026-04'] as const)('previews and transforms (%s)', (apiDialect) => {
  it('renders a thumbnail and an image preview through the tokenised path, cached per version, charged as bandwidth', async () => {
    const emu = await inProcessEmulator({ apiDialect });
    const { user, org, ws } = await emu.tenant();
    const id = await emu.upload(user.token, ws.id, 'wide.png', await png(800, 400));
    const pre = await emu.ok('GET', `/current/workspace/${ws.id}/storage/${id}/preview/thumbnail/preauthorize/`, { token: user.token });
    expect(pre).toMatchObject({ result: true, downloadToken: expect.any(String), primaryFilename: 'thumbnail.png' });
    expect(pre.path).toBe(`/current/workspace/${ws.id}/storage/${id}/preview/thumbnail/read/${pre.downloadToken as string}/file/thumbnail.png`);
    const before = emu.credits(org.id, 'bandwidth');
    const res = await emu.download(pre.path as string);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('image/png');
    expect(dims(res.bytes)).toEqual({ width: 256, height: 128, type: 'png' });
    expect(emu.credits(org.id, 'bandwidth')).toBeGreaterThan(before);
    const rows = emu.ledger(org.id, 'bandwidth');
    expect(rows.at(-1)!.units).toBe(res.bytes.length);

    const image = await emu.ok('GET', `/current/workspace/${ws.id}/storage/${id}/preview/image/preauthorize/`, { token: user.token });
    const big = await emu.download(image.path as string);
    // never enlarged
    expect(dims(big.bytes)).toEqual({ width: 800, height: 400, type: 'png' });

    // bin is the file itself
    const bin = await emu.ok('GET', `/current/workspace/${ws.id}/storage/${id}/preview/bin/preauthorize/`, { token: user.token });
    expect(bin.primaryFilename).toBe('wide.png');
    expect((await emu.download(bin.path as string)).bytes.length).toBe((await png(800, 400)).length);
  });

  it('answers 501 naming the preview type for what cannot be rendered offline, 409 for bad bytes, and refuses huge images from their header', async () => {
    const emu = await inProcessEmulator({ apiDialect });
    const { user, ws } = await emu.tenant();
    const id = await emu.upload(user.token, ws.id, 'wide.png', await png(20, 10));
    for (const type of ['hlsstream', 'mp4', 'audio', 'spreadsheet', 'pdf']) {
      const r = await emu.call('GET', `/current/workspace/${ws.id}/storage/${id}/preview/${type}/preauthorize/`, { token: user.token });
      expect([r.status, r.body.error?.code], r.text).toEqual([501, 1501]);
      expect(r.body.error?.text).toContain(`"${type}" preview`);
    }
    const bad = await emu.upload(user.token, ws.id, 'broken.png', 'this is not a png at all');
    const r = await emu.call('GET', `/current/workspace/${ws.id}/storage/${bad}/preview/thumbnail/preauthorize/`, { token: user.token });
    expect([r.status, r.body.error?.code], r.text).toEqual([409, 1660]);

    // A PNG whose header claims 60000x60000 pixels: refused before jimp would allocate 14 GB.
    const huge = await png(4, 4);
    huge.writeUInt32BE(60000, 16);
    huge.writeUInt32BE(60000, 20);
    const hugeId = await emu.upload(user.token, ws.id, 'huge.png', huge);
    const started = Date.now();
    const h = await emu.call('GET', `/current/workspace/${ws.id}/storage/${hugeId}/preview/image/preauthorize/`, { token: user.token });
    expect([h.status, h.body.error?.code], h.text).toEqual([409, 1660]);
    expect(h.body.error?.text).toContain('60000x60000');
    expect(Date.now() - started).toBeLessThan(2000);

    const folder = await emu.call('GET', `/current/workspace/${ws.id}/storage/root/preview/thumbnail/preauthorize/`, { token: user.token });
    expect(folder.status).toBe(400);
    const unknown = await emu.call('GET', `/current/workspace/${ws.id}/storage/${id}/preview/poster/preauthorize/`, { token: user.token });
    expect([unknown.status, unknown.body.error?.code]).toEqual([400, 1605]);
  });

  it('transforms: crop, clockwise rotate, resize and output format as the read URL says; bad params 400; a bad token 401', async () => {
    const emu = await inProcessEmulator({ apiDialect });
    const { user, ws } = await emu.tenant();
    const id = await emu.upload(user.token, ws.id, 'wide.png', await png(200, 100));
    const base = `/current/workspace/${ws.id}/storage/${id}/transform/image`;
    const { token } = await emu.ok('GET', `${base}/requestread/`, { token: user.token });
    expect(token).toEqual(expect.any(String));
    const read = (q: string) => emu.download(`${base}/read/?token=${encodeURIComponent(token as string)}${q}`);

    const jpg = await read('&output-format=jpg&width=50');
    expect(jpg.status, jpg.text).toBe(200);
    expect(dims(jpg.bytes)).toEqual({ width: 50, height: 25, type: 'jpg' });

    // crop the right (blue) half's top-left 40x20, rotate 90 clockwise: 20x40, blue
    const crop = await read('&cropwidth=40&cropheight=20&cropx=110&cropy=1&rotate=90');
    expect(crop.status, crop.text).toBe(200);
    expect(dims(crop.bytes)).toEqual({ width: 20, height: 40, type: 'png' });
    const cropped = await Jimp.fromBuffer(Buffer.from(crop.bytes));
    expect(cropped.getPixelColor(5, 5)).toBe(0x0000ffff);

    // rotate 90 clockwise of the whole image: the red (left) half goes to the top
    const rot = await Jimp.fromBuffer(Buffer.from((await read('&rotate=90')).bytes));
    expect([rot.width, rot.height]).toEqual([100, 200]);
    expect(rot.getPixelColor(50, 10)).toBe(0xff0000ff);

    const icon = await read('&size=IconSmall');
    expect(dims(icon.bytes)).toEqual({ width: 64, height: 32, type: 'png' });

    for (const q of ['&output-format=webp', '&width=0', '&cropwidth=10', '&rotate=45', '&size=Huge', '&cropwidth=50&cropheight=50&cropx=190&cropy=1']) {
      const r = await read(q);
      expect([r.status, r.body.error?.code], `${q}: ${r.text}`).toEqual([400, 1605]);
    }
    const forged = await emu.download(`${base}/read/?token=not-a-token&width=5`);
    expect([forged.status, forged.body.error?.code]).toEqual([401, 1650]);
    const other = await emu.call('GET', `/current/workspace/${ws.id}/storage/${id}/transform/video/requestread/`, { token: user.token });
    expect([other.status, other.body.error?.code]).toEqual([400, 1605]);
  });

  it("refuses another tenant: preauthorize and requestread 401/10545, a token on another tenant's workspace path 401/1650", async () => {
    const emu = await inProcessEmulator({ apiDialect });
    const a = await emu.tenant({ label: 'a' });
    const b = await emu.tenant({ label: 'b' });
    const id = await emu.upload(a.user.token, a.ws.id, 'a.png', await png(10, 10));
    for (const path of [`preview/thumbnail/preauthorize/`, `transform/image/requestread/`]) {
      const r = await emu.call('GET', `/current/workspace/${a.ws.id}/storage/${id}/${path}`, { token: b.user.token });
      expect([r.status, r.body.error?.code]).toEqual([401, 10545]);
    }
    const pre = await emu.ok('GET', `/current/workspace/${a.ws.id}/storage/${id}/preview/thumbnail/preauthorize/`, { token: a.user.token });
    const moved = (pre.path as string).replace(a.ws.id, b.ws.id);
    const r = await emu.download(moved);
    expect([r.status, r.body.error?.code]).toEqual([401, 1650]);
  });

  it('caches one render per (version, type): a second preauthorize renders nothing new, a new version renders again', async () => {
    const emu = await inProcessEmulator({ apiDialect });
    const { user, ws } = await emu.tenant();
    const id = await emu.upload(user.token, ws.id, 'pic.png', await png(300, 300));
    const cache = renderCacheOf(emu.emulator);
    const pre = () => emu.ok('GET', `/current/workspace/${ws.id}/storage/${id}/preview/thumbnail/preauthorize/`, { token: user.token });
    await pre();
    expect(cache.size).toBe(1);
    await pre();
    expect(cache.size).toBe(1);
    // a new version (same name) of another shape: a new render, and the read serves it
    expect(await emu.upload(user.token, ws.id, 'pic.png', await png(600, 150))).toBe(id);
    const again = await pre();
    expect(cache.size).toBe(2);
    expect(dims((await emu.download(again.path as string)).bytes)).toEqual({ width: 256, height: 64, type: 'png' });
  });
});

describe('the render cache', () => {
  it('holds at most 32 MB, the least recently used out first', () => {
    const cache = new RenderCache();
    const item = (n: number) => ({ bytes: Buffer.alloc(n), mimetype: 'image/png', filename: 'x.png' });
    for (let i = 0; i < 4; i++) cache.set(`k${i}`, item(10 * 1024 * 1024));
    // 40 MB offered: k0 went first
    expect(cache.get('k0')).toBeUndefined();
    expect(cache.get('k1')).toBeDefined();
    // k1 was just used: the next one out is k2
    cache.set('k4', item(10 * 1024 * 1024));
    expect(cache.get('k2')).toBeUndefined();
    expect(cache.get('k1')).toBeDefined();
    // a render larger than the budget is not kept
    cache.set('huge', item(33 * 1024 * 1024));
    expect(cache.get('huge')).toBeUndefined();
  });
});
