/**
 * Assets of orgs and workspaces, and the asset types of every entity type (official client
 * 96b1551 / 41dde01 src/api/asset.rs, org.rs; commands/asset.rs): types, list, upload (multipart,
 * a `file` part, as the client's user upload sends it), read, replace, delete, refusals of images
 * that are not images, and another tenant refused on every route (two personas). Both dialects.
 * The uploads and reads of orgs and workspaces are beyond the catalogue (emulator-only tests).
 */
import { describe, expect } from 'vitest';
import { makePng } from '../../emulator/assets/png.js';
import { contract, setupContract } from '../harness.js';
import { expectApiError } from '../expect.js';
import { addOrgMember, addWorkspaceMember, createShare, createWorkspace } from '../tenants.js';
import type { ApiClient } from '../client.js';

const c = setupContract(import.meta.url);

/** The upload as the official client sends it (src/api/user.rs upload_user_asset: one part `file`, a file name). */
function uploadAsset(api: ApiClient, path: string, bytes: Uint8Array | string, fileName = 'asset.png') {
  const form = new FormData();
  form.append('file', new Blob([typeof bytes === 'string' ? bytes : Buffer.from(bytes)]), fileName);
  return api.post(path, undefined, { raw: { body: form } });
}

async function tenant() {
  const { api, persona } = await c.signedIn({ accountType: 'human' });
  const org = await c.createOrg(api);
  const ws = await createWorkspace(api, org.id);
  return { api, persona, org, ws };
}

interface AssetJson {
  name: string;
  entity_type: string;
  entity_id: string;
  mimetype: string;
  size: number;
  width: number;
  height: number;
  updated: string;
}

describe('asset types', () => {
  contract.unverified('each entity type lists its asset types with the images they accept', async () => {
    const { api } = await c.signedIn();
    const names: Record<string, string[]> = {};
    for (const entity of ['user', 'org', 'workspace', 'share']) {
      const res = await api.get(`/current/${entity}/assets/`);
      expect(res.status, res.text).toBe(200);
      const types = res.body.asset_types as { name: string; mimetypes: string[]; max_size: number }[];
      expect(types.length).toBeGreaterThan(0);
      for (const t of types) expect(t.mimetypes).toContain('image/png');
      names[entity] = types.map((t) => t.name);
    }
    expect(names.org).toContain('logo');
    expect(names.user).toContain('profile_pic');
    expectApiError(await c.api().get('/current/org/assets/'), 401, 1650);
  });
});

describe('org assets', () => {
  contract.emulatorOnly('the owner uploads a logo; members list and read it; a second upload replaces it; delete removes it', async () => {
    const t = await tenant();
    const member = await c.signedIn();
    await addOrgMember(t.api, t.org.id, member.persona.userId, 'member');
    const base = `/current/org/${t.org.id}/assets/`;
    const logo = makePng(64, 64);
    const up = await uploadAsset(t.api, `${base}logo/`, logo, 'logo.png');
    expect(up.status, up.text).toBe(200);
    expect(up.body.asset).toMatchObject({
      name: 'logo',
      entity_type: 'org',
      entity_id: t.org.id,
      mimetype: 'image/png',
      size: logo.length,
      width: 64,
      height: 64,
    });
    const listed = await member.api.get(base);
    expect(listed.status, listed.text).toBe(200);
    expect((listed.body.assets as AssetJson[]).map((a) => [a.name, a.width])).toEqual([['logo', 64]]);
    const read = await member.api.get(`${base}logo/read/`);
    expect([read.status, read.headers.get('content-type')]).toEqual([200, 'image/png']);
    expect(Buffer.compare(read.bytes, logo)).toBe(0);
    const wider = makePng(256, 128, (x) => [x, 0, 0]);
    expect((await uploadAsset(t.api, `${base}logo/`, wider)).body.asset).toMatchObject({ width: 256, height: 128 });
    expect(Buffer.compare((await t.api.get(`${base}logo/read/`)).bytes, wider)).toBe(0);
    const gone = await t.api.delete(`${base}logo/`);
    expect(gone.status, gone.text).toBe(200);
    expect((await t.api.get(base)).body.assets).toEqual([]);
    expectApiError(await t.api.get(`${base}logo/read/`), 404, 1609);
  });

  contract.emulatorOnly('what is not a PNG, JPEG, GIF or WebP image, or is out of bounds, is refused on `file`', async () => {
    const t = await tenant();
    const base = `/current/org/${t.org.id}/assets/`;
    const text = await uploadAsset(t.api, `${base}logo/`, 'plain text pretending', 'logo.png');
    expectApiError(text, 400, 1605);
    expect(text.body.error?.params?.[0]?.name).toBe('file');
    expectApiError(await uploadAsset(t.api, `${base}logo/`, makePng(8, 8)), 400, 1605);
    expectApiError(await uploadAsset(t.api, `${base}no_such_asset/`, makePng(64, 64)), 400, 1605);
    expectApiError(await t.api.post(`${base}logo/`, { file: 'not a part' }), 400, 1605);
    expect((await t.api.get(base)).body.assets).toEqual([]);
  });

  contract.unverified('delete: members are refused 403/1680, another tenant 404/1609, an asset never set 404/1609', async () => {
    const t = await tenant();
    const member = await c.signedIn();
    const other = await tenant();
    await addOrgMember(t.api, t.org.id, member.persona.userId, 'member');
    const base = `/current/org/${t.org.id}/assets/`;
    expectApiError(await member.api.delete(`${base}logo/`), 403, 1680);
    expectApiError(await other.api.delete(`${base}logo/`), 404, 1609);
    expectApiError(await other.api.get(base), 404, 1609);
    expectApiError(await t.api.delete(`${base}logo/`), 404, 1609);
    expect((await t.api.get(base)).body.assets).toEqual([]);
  });

  contract.emulatorOnly('another tenant can neither replace, read nor list an org logo; a member cannot replace it', async () => {
    const t = await tenant();
    const other = await tenant();
    const member = await c.signedIn();
    await addOrgMember(t.api, t.org.id, member.persona.userId, 'member');
    const base = `/current/org/${t.org.id}/assets/`;
    await uploadAsset(t.api, `${base}logo/`, makePng(32, 32));
    expectApiError(await uploadAsset(other.api, `${base}logo/`, makePng(40, 40)), 404, 1609);
    expectApiError(await uploadAsset(member.api, `${base}logo/`, makePng(40, 40)), 403, 1680);
    expectApiError(await other.api.get(`${base}logo/read/`), 404, 1609);
    expectApiError(await other.api.get(base), 404, 1609);
    expect((await t.api.get(base)).body.assets).toMatchObject([{ width: 32 }]);
  });
});

describe('workspace assets', () => {
  contract.emulatorOnly('admins upload a banner; guests list and read it but may not change it; another tenant is refused 401/10545', async () => {
    const t = await tenant();
    const guest = await c.signedIn();
    const other = await tenant();
    await addWorkspaceMember(t.api, t.ws.id, guest.persona.userId, 'guest');
    const base = `/current/workspace/${t.ws.id}/assets/`;
    const banner = makePng(300, 80);
    const up = await uploadAsset(t.api, `${base}banner/`, banner, 'banner.png');
    expect(up.status, up.text).toBe(200);
    expect(up.body.asset).toMatchObject({ name: 'banner', entity_type: 'workspace', entity_id: t.ws.id, width: 300, height: 80 });
    expect(((await guest.api.get(base)).body.assets as AssetJson[]).map((a) => a.name)).toEqual(['banner']);
    expect(Buffer.compare((await guest.api.get(`${base}banner/read/`)).bytes, banner)).toBe(0);
    expectApiError(await uploadAsset(guest.api, `${base}banner/`, makePng(300, 80)), 403, 1680);
    expectApiError(await uploadAsset(other.api, `${base}banner/`, makePng(300, 80)), 401, 10545);
    expectApiError(await other.api.get(`${base}banner/read/`), 401, 10545);
    expect((await t.api.get(base)).body.assets).toMatchObject([{ width: 300 }]);
  });

  contract.unverified('list and delete: members list; guests may not delete; another tenant is refused 401/10545 on both', async () => {
    const t = await tenant();
    const guest = await c.signedIn();
    const other = await tenant();
    await addWorkspaceMember(t.api, t.ws.id, guest.persona.userId, 'guest');
    const base = `/current/workspace/${t.ws.id}/assets/`;
    const listed = await guest.api.get(base);
    expect(listed.status, listed.text).toBe(200);
    expect(listed.body.assets).toEqual([]);
    expectApiError(await guest.api.delete(`${base}logo/`), 403, 1680);
    expectApiError(await other.api.get(base), 401, 10545);
    expectApiError(await other.api.delete(`${base}logo/`), 401, 10545);
    expectApiError(await t.api.delete(`${base}logo/`), 404, 1609);
  });
});

describe('share assets', () => {
  contract.emulatorOnly('the share owner uploads a logo and a background; share members read them; a stranger can neither read nor replace', async () => {
    const t = await tenant();
    const share = await createShare(t.api, t.ws.id);
    const viewer = await c.signedIn();
    const other = await tenant();
    expect((await t.api.post(`/current/share/${share.id}/members/${viewer.persona.userId}/`, { permissions: 'guest' })).status).toBe(200);
    const base = `/current/share/${share.id}/assets/`;
    const bg = makePng(640, 360, (x, y) => [x % 256, y % 256, 128]);
    const up = await uploadAsset(t.api, `${base}background/`, bg, 'bg.png');
    expect(up.status, up.text).toBe(200);
    expect(up.body.asset).toMatchObject({ name: 'background', entity_type: 'share', entity_id: share.id, width: 640, height: 360 });
    expect(Buffer.compare((await viewer.api.get(`${base}background/read/`)).bytes, bg)).toBe(0);
    expectApiError(await uploadAsset(viewer.api, `${base}logo/`, makePng(64, 64)), 403, 1680);
    const strangerRead = await other.api.get(`${base}background/read/`);
    expectApiError(strangerRead, 401, 115069);
    const strangerWrite = await uploadAsset(other.api, `${base}background/`, makePng(640, 360));
    expectApiError(strangerWrite, 401, 115069);
    expect((await t.api.get(base)).body.assets).toMatchObject([{ name: 'background', width: 640 }]);
  });

  contract.unverified('list and delete: share members list; only share admins delete; another tenant is refused', async () => {
    const t = await tenant();
    const share = await createShare(t.api, t.ws.id);
    const viewer = await c.signedIn();
    const other = await tenant();
    await t.api.post(`/current/share/${share.id}/members/${viewer.persona.userId}/`, { permissions: 'guest' });
    const base = `/current/share/${share.id}/assets/`;
    const listed = await viewer.api.get(base);
    expect(listed.status, listed.text).toBe(200);
    expect(listed.body.assets).toEqual([]);
    expectApiError(await viewer.api.delete(`${base}logo/`), 403, 1680);
    const strangerList = await other.api.get(base);
    expectApiError(strangerList, 401, 115069);
    const strangerDelete = await other.api.delete(`${base}logo/`);
    expectApiError(strangerDelete, 401, 115069);
    expectApiError(await t.api.delete(`${base}logo/`), 404, 1609);
  });
});

describe('user assets', () => {
  contract.unverified('a user uploads their profile picture and reads it back; colleagues read it; a stranger is told no such user', async () => {
    const t = await tenant();
    const colleague = await c.signedIn();
    const stranger = await c.signedIn();
    await addOrgMember(t.api, t.org.id, colleague.persona.userId, 'member');
    const me = t.persona.userId;
    const pic = makePng(96, 96, (x, y) => [x, y, 200]);
    const up = await uploadAsset(t.api, `/current/user/${me}/assets/profile_pic/`, pic, 'me.png');
    expect(up.status, up.text).toBe(200);
    expect(up.body.asset).toMatchObject({ name: 'profile_pic', entity_type: 'user', entity_id: me, width: 96, height: 96, mimetype: 'image/png' });
    const mine = await t.api.get(`/current/user/${me}/assets/profile_pic/read/`);
    expect([mine.status, Buffer.compare(mine.bytes, pic)]).toEqual([200, 0]);
    expect(((await colleague.api.get(`/current/user/${me}/assets/`)).body.assets as AssetJson[]).map((a) => a.name)).toEqual(['profile_pic']);
    expect(Buffer.compare((await colleague.api.get(`/current/user/${me}/assets/profile_pic/read/`)).bytes, pic)).toBe(0);
    expectApiError(await stranger.api.get(`/current/user/${me}/assets/`), 404, 1609);
    expectApiError(await stranger.api.get(`/current/user/${me}/assets/profile_pic/read/`), 404, 1609);
  });

  contract.unverified('only the user changes their assets: another user is refused upload and delete; delete then read is 404/1609', async () => {
    const t = await tenant();
    const colleague = await c.signedIn();
    await addOrgMember(t.api, t.org.id, colleague.persona.userId, 'member');
    const me = t.persona.userId;
    await uploadAsset(t.api, `/current/user/${me}/assets/profile_pic/`, makePng(64, 64));
    expectApiError(await uploadAsset(colleague.api, `/current/user/${me}/assets/profile_pic/`, makePng(64, 64)), 403, 1680);
    expectApiError(await colleague.api.delete(`/current/user/${me}/assets/profile_pic/`), 403, 1680);
    expectApiError(await uploadAsset(t.api, `/current/user/${me}/assets/profile_pic/`, 'GIF89a but not really'), 400, 1605);
    const gone = await t.api.delete(`/current/user/${me}/assets/profile_pic/`);
    expect(gone.status, gone.text).toBe(200);
    expectApiError(await t.api.get(`/current/user/${me}/assets/profile_pic/read/`), 404, 1609);
    expect((await t.api.get(`/current/user/${me}/assets/`)).body.assets).toEqual([]);
  });
});

describe('asset events', () => {
  contract.unverified('uploads and deletes are audit events of subcategory assets', async () => {
    const t = await tenant();
    const me = t.persona.userId;
    await uploadAsset(t.api, `/current/user/${me}/assets/profile_pic/`, makePng(32, 32));
    await t.api.delete(`/current/user/${me}/assets/profile_pic/`);
    const res = await t.api.get('/current/events/search/', { query: { user_id: me, subcategory: 'assets', limit: 50 } });
    expect(res.status, res.text).toBe(200);
    const names = (res.body.events as { event: string; subcategory: string }[]).map((e) => e.event).sort();
    expect(names).toEqual(['user_asset_deleted', 'user_asset_updated']);
  });
});
