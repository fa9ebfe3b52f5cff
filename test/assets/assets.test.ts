/**
 * Assets (emulator/assets/): the image check, replace-on-upload with the blob store, the answers'
 * fields, who may write and read, and the audit events. Both dialects serve the same routes.
 */
import { describe, expect, it } from 'vitest';
import { makePng } from '../../emulator/assets/png.js';
import { inProcessEmulator } from '../support/client.js';

const png = (w: number, h: number, rgb: [number, number, number] = [10, 20, 30]) => makePng(w, h, () => rgb);
const part = (data: Uint8Array | string, name = 'logo.png', field = 'file') => ({ name, data, field });

for (const apiDialect of ['2026-04', 'v2'] as const) {
  describe(`assets (${apiDialect})`, () => {
    it('an org logo: upload, list with its metadata, read the bytes back, replace, delete', async () => {
      const emu = await inProcessEmulator({ apiDialect });
      const { user, org } = await emu.tenant({ label: 'assets' });
      const base = `/current/org/${org.id}/assets/`;
      expect((await emu.ok('GET', base, { token: user.token })).assets).toEqual([]);
      const first = png(64, 32);
      const up = await emu.multipart(`${base}logo/`, user.token, {}, part(first));
      expect(up.status, up.text).toBe(200);
      expect(up.body.asset).toMatchObject({
        name: 'logo',
        entity_type: 'org',
        entity_id: org.id,
        mimetype: 'image/png',
        size: first.length,
        width: 64,
        height: 32,
      });
      const read = await emu.call('GET', `${base}logo/read/`, { token: user.token });
      expect(read.status).toBe(200);
      expect(read.headers.get('content-type')).toMatch(/^image\/png/);
      expect(Buffer.compare(read.bytes, first)).toBe(0);

      const blobsBefore = emu.emulator.db.blobs.size;
      const second = png(128, 128, [200, 0, 0]);
      const again = await emu.multipart(`${base}logo/`, user.token, {}, part(second, 'new.png'));
      expect(again.body.asset).toMatchObject({ width: 128, height: 128, size: second.length, file_name: 'new.png' });
      expect(emu.emulator.db.blobs.size).toBe(blobsBefore);
      const listed = (await emu.ok('GET', base, { token: user.token })).assets as { name: string; width: number }[];
      expect(listed.map((a) => [a.name, a.width])).toEqual([['logo', 128]]);
      expect(Buffer.compare((await emu.call('GET', `${base}logo/read/`, { token: user.token })).bytes, second)).toBe(0);
      // the state document names the blob, never the bytes
      expect(JSON.stringify(emu.emulator.exportState().tables.assets)).not.toContain(second.toString('base64').slice(0, 40));

      const del = await emu.call('DELETE', `${base}logo/`, { token: user.token });
      expect(del.status, del.text).toBe(200);
      expect(del.body.deleted).toBe('logo');
      expect(emu.emulator.db.blobs.size).toBe(blobsBefore - 1);
      expect((await emu.call('GET', `${base}logo/read/`, { token: user.token })).status).toBe(404);
      expect((await emu.call('DELETE', `${base}logo/`, { token: user.token })).body.error?.code).toBe(1609);
    });

    it('refuses what is not an accepted image, an unknown asset name, a missing part and an oversized file with 4xx', async () => {
      const emu = await inProcessEmulator({ apiDialect });
      const { user, org } = await emu.tenant({ label: 'bad' });
      const base = `/current/org/${org.id}/assets/`;
      const text = await emu.multipart(`${base}logo/`, user.token, {}, part('not an image at all', 'logo.png'));
      expect([text.status, text.body.error?.code, text.body.error?.params?.[0]?.name]).toEqual([400, 1605, 'file']);
      const svg = await emu.multipart(`${base}logo/`, user.token, {}, part('<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"></svg>', 'l.svg'));
      expect(svg.status).toBe(400);
      const tiny = await emu.multipart(`${base}logo/`, user.token, {}, part(png(4, 4)));
      expect([tiny.status, tiny.body.error?.text]).toEqual([400, expect.stringMatching(/4x4/)]);
      const unknown = await emu.multipart(`${base}profile_pic/`, user.token, {}, part(png(32, 32)));
      expect([unknown.status, unknown.body.error?.params?.[0]?.name]).toEqual([400, 'asset_name']);
      const none = await emu.multipart(`${base}logo/`, user.token, { note: 'no file' });
      expect([none.status, none.body.error?.code]).toEqual([400, 1605]);
      // a 2 MB logo limit: a noisy image past it
      let seed = 7;
      const next = () => ((seed ^= seed << 13), (seed ^= seed >>> 17), (seed ^= seed << 5), seed & 255);
      const big = makePng(1000, 1000, () => [next(), next(), next()]);
      expect(big.length).toBeGreaterThan(2 * 1024 * 1024);
      const tooBig = await emu.multipart(`${base}logo/`, user.token, {}, part(big));
      expect([tooBig.status, tooBig.body.error?.code]).toEqual([413, 1606]);
      // the part's own content type is not believed: a PNG sent as text/plain is a PNG
      const typed = await emu.call('POST', `${base}banner/`, {
        token: user.token,
        raw: {
          body: (() => {
            const f = new FormData();
            f.append('file', new Blob([png(100, 64)], { type: 'text/plain' }), 'b.txt');
            return f;
          })(),
        },
      });
      expect(typed.body.asset).toMatchObject({ mimetype: 'image/png', name: 'banner' });
      expect(emu.emulator.db.assets.size).toBe(1);
    });

    it('org members read, only owners and admins write; another tenant is refused as the tenancy area refuses', async () => {
      const emu = await inProcessEmulator({ apiDialect });
      const { user: owner, org, ws } = await emu.tenant({ label: 'roles' });
      const member = await emu.persona('human');
      const other = await emu.tenant({ label: 'other' });
      await emu.ok('POST', `/current/org/${org.id}/members/${member.id}/`, { token: owner.token, form: { permissions: 'member' } });
      await emu.multipart(`/current/org/${org.id}/assets/logo/`, owner.token, {}, part(png(32, 32)));
      expect(((await emu.ok('GET', `/current/org/${org.id}/assets/`, { token: member.token })).assets as unknown[]).length).toBe(1);
      const denied = await emu.multipart(`/current/org/${org.id}/assets/logo/`, member.token, {}, part(png(40, 40)));
      expect([denied.status, denied.body.error?.code]).toEqual([403, 1680]);
      expect((await emu.call('DELETE', `/current/org/${org.id}/assets/logo/`, { token: member.token })).status).toBe(403);
      const stranger = await emu.call('GET', `/current/org/${org.id}/assets/logo/read/`, { token: other.user.token });
      expect([stranger.status, stranger.body.error?.code]).toEqual([404, 1609]);
      // workspaces: every member reads, guests too; outsiders 401/10545
      await emu.ok('POST', `/current/workspace/${ws.id}/members/${member.id}/`, { token: owner.token, form: { permissions: 'guest' } });
      await emu.multipart(`/current/workspace/${ws.id}/assets/banner/`, owner.token, {}, part(png(200, 64)));
      expect(((await emu.ok('GET', `/current/workspace/${ws.id}/assets/`, { token: member.token })).assets as unknown[]).length).toBe(1);
      expect((await emu.multipart(`/current/workspace/${ws.id}/assets/banner/`, member.token, {}, part(png(200, 64)))).status).toBe(403);
      const outsider = await emu.multipart(`/current/workspace/${ws.id}/assets/banner/`, other.user.token, {}, part(png(200, 64)));
      expect([outsider.status, outsider.body.error?.code]).toEqual([401, 10545]);
    });

    it('a user writes their own profile picture; users who share an org read it, strangers do not see the user', async () => {
      const emu = await inProcessEmulator({ apiDialect });
      const { user: owner, org } = await emu.tenant({ label: 'people' });
      const colleague = await emu.persona('human');
      const stranger = await emu.persona('human');
      await emu.ok('POST', `/current/org/${org.id}/members/${colleague.id}/`, { token: owner.token, form: { permissions: 'member' } });
      const pic = png(48, 48);
      const up = await emu.multipart(`/current/user/${colleague.id}/assets/profile_pic/`, colleague.token, {}, part(pic, 'me.png'));
      expect(up.status, up.text).toBe(200);
      expect(up.body.asset).toMatchObject({ entity_type: 'user', entity_id: colleague.id, name: 'profile_pic' });
      const seen = await emu.call('GET', `/current/user/${colleague.id}/assets/profile_pic/read/`, { token: owner.token });
      expect(Buffer.compare(seen.bytes, pic)).toBe(0);
      expect((await emu.multipart(`/current/user/${colleague.id}/assets/profile_pic/`, owner.token, {}, part(pic))).status).toBe(403);
      expect((await emu.call('DELETE', `/current/user/${colleague.id}/assets/profile_pic/`, { token: owner.token })).status).toBe(403);
      const hidden = await emu.call('GET', `/current/user/${colleague.id}/assets/`, { token: stranger.token });
      expect([hidden.status, hidden.body.error?.code]).toEqual([404, 1609]);
      const types = (await emu.ok('GET', '/current/user/assets/', { token: stranger.token })).asset_types as { name: string; mimetypes: string[] }[];
      expect(types.map((t) => t.name)).toContain('profile_pic');
      expect(types[0]!.mimetypes).toContain('image/png');

      const events = (
        await emu.ok('GET', '/current/events/search/', { token: colleague.token, query: { user_id: colleague.id, subcategory: 'assets', limit: 50 } })
      ).events as { event: string }[] | undefined;
      expect((events ?? []).map((e) => e.event)).toContain('user_asset_updated');
      expect((await emu.call('DELETE', `/current/user/${colleague.id}/assets/profile_pic/`, { token: colleague.token })).status).toBe(200);
      const names = [...emu.emulator.db.events.values()].filter((e) => e.subcategory === 'assets').map((e) => e.event);
      expect(names).toEqual(['user_asset_updated', 'user_asset_deleted']);
    });
  });
}
