/**
 * Visitors of a share (issue 17, item 2): password and guest authentication hand back a token for
 * one share; the token reads that share as a guest and opens nothing else (another share: 401/115069;
 * any other route: 401/1650). Both dialects.
 */
import { describe, expect } from 'vitest';
import type { ApiClient } from '../client.js';
import { contract, setupContract } from '../harness.js';
import { expectApiError } from '../expect.js';
import { createShare as createShareIn, ownerWithWorkspace } from '../tenants.js';

const c = setupContract(import.meta.url);
const LINK = 'Anyone with the link';

const shareTenant = () => ownerWithWorkspace(c);

/** This file's shares: titled 'Client delivery' unless a test names them. */
const createShare = (api: ApiClient, workspaceId: string, fields: Record<string, string> = {}) =>
  createShareIn(api, workspaceId, { title: 'Client delivery', ...fields });

/** An anonymous client holding a share token as its Bearer. */
function withToken(token: string): ApiClient {
  return c.api().as(token);
}

describe('password authentication', () => {
  contract.unverified('the right password gives a token that reads the share as a guest; a wrong one is 401/1650', async () => {
    const { api, ws } = await shareTenant();
    const share = await createShare(api, ws.id, { access_options: LINK, password: 'open-sesame-42' });
    const anon = c.api();
    expectApiError(await anon.post(`/current/share/${share.id}/auth/password/`, { password: 'wrong' }), 401, 1650);
    expectApiError(await anon.post(`/current/share/${share.id}/auth/password/`, {}), 400, 1605);
    const res = await anon.post(`/current/share/${share.id}/auth/password/`, { password: 'open-sesame-42' });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ expires_in: 3600, share: { id: share.id, password_protected: true } });
    const token = res.body.auth_token as string;
    expect(token).toEqual(expect.any(String));
    expect(JSON.stringify(res.body)).not.toContain('open-sesame-42');
    const details = await withToken(token).get(`/current/share/${share.id}/details/`);
    expect(details.status, details.text).toBe(200);
    expect(details.body.share).toMatchObject({ id: share.id, permissions: 'guest' });
    // By custom name too: the same share.
    expect((await withToken(token).get(`/current/share/${share.custom_name}/details/`)).status).toBe(200);
  });

  contract.unverified('the token opens nothing else: another share 401/115069, account and workspace routes 401/1650, writes 401', async () => {
    const { api, ws } = await shareTenant();
    const share = await createShare(api, ws.id, { access_options: LINK, password: 'open-sesame-42' });
    const other = await createShare(api, ws.id, { title: 'Other delivery', access_options: LINK });
    const token = (await c.api().post(`/current/share/${share.id}/auth/password/`, { password: 'open-sesame-42' })).body.auth_token as string;
    const visitor = withToken(token);
    expectApiError(await visitor.get(`/current/share/${other.id}/details/`), 401, 115069);
    expectApiError(await visitor.get('/current/user/me/details/'), 401, 1650);
    expectApiError(await visitor.get(`/current/workspace/${ws.id}/details/`), 401, 1650);
    expectApiError(await visitor.get(`/current/workspace/${ws.id}/list/shares/`), 401, 1650);
    expectApiError(await visitor.post(`/current/share/${share.id}/update/`, { title: 'Defaced' }), 401, 1650);
    expectApiError(await visitor.get(`/current/share/${share.id}/members/list/`), 401, 1650);
    expectApiError(await visitor.get('/current/shares/all/'), 401, 1650);
    expect((await api.get(`/current/share/${share.id}/details/`)).body.share).toMatchObject({ title: 'Client delivery' });
  });

  contract.unverified('changing or clearing the password ends the tokens made with the old one', async () => {
    const { api, ws } = await shareTenant();
    const share = await createShare(api, ws.id, { access_options: LINK, password: 'first-password' });
    const token = (await c.api().post(`/current/share/${share.id}/auth/password/`, { password: 'first-password' })).body.auth_token as string;
    expect((await withToken(token).get(`/current/share/${share.id}/details/`)).status).toBe(200);
    expect((await api.post(`/current/share/${share.id}/update/`, { password: 'second-password' })).status).toBe(200);
    expectApiError(await withToken(token).get(`/current/share/${share.id}/details/`), 401, 115069);
    expectApiError(await c.api().post(`/current/share/${share.id}/auth/password/`, { password: 'first-password' }), 401, 1650);
    const again = await c.api().post(`/current/share/${share.id}/auth/password/`, { password: 'second-password' });
    expect(again.status, again.text).toBe(200);
    // Archived: no token, and the one made is refused.
    expect((await api.post(`/current/share/${share.id}/archive/`)).status).toBe(200);
    expectApiError(await withToken(again.body.auth_token as string).get(`/current/share/${share.id}/details/`), 401, 115069);
    expectApiError(await c.api().post(`/current/share/${share.id}/auth/password/`, { password: 'second-password' }), 401, 115069);
  });

  contract.unverified('ten wrong passwords for a share in a row answer 429; the right one still waits', async () => {
    const { api, ws } = await shareTenant();
    const share = await createShare(api, ws.id, { access_options: LINK, password: 'right-one-77' });
    for (let i = 0; i < 10; i++) expectApiError(await c.api().post(`/current/share/${share.id}/auth/password/`, { password: `guess-${i}` }), 401, 1650);
    const limited = await c.api().post(`/current/share/${share.id}/auth/password/`, { password: 'right-one-77' });
    expect(limited.status, limited.text).toBe(429);
  });
});

describe('guest authentication', () => {
  contract.unverified('a link share without a password gives a guest token; a password share 401/1650; a members-only share 401/115069', async () => {
    const { api, ws } = await shareTenant();
    const open = await createShare(api, ws.id, { access_options: LINK });
    const locked = await createShare(api, ws.id, { title: 'Locked', access_options: LINK, password: 'secret-99' });
    const members = await createShare(api, ws.id, { title: 'Members only' });
    const res = await c.api().post(`/current/share/${open.id}/auth/guest/`);
    expect(res.status, res.text).toBe(200);
    expect((await withToken(res.body.auth_token as string).get(`/current/share/${open.id}/details/`)).body.share).toMatchObject({ permissions: 'guest' });
    // Another open share of the same workspace: the token is of one share only.
    const sibling = await createShare(api, ws.id, { title: 'Sibling delivery', access_options: LINK });
    expectApiError(await withToken(res.body.auth_token as string).get(`/current/share/${sibling.id}/details/`), 401, 115069);
    expectApiError(await c.api().post(`/current/share/${locked.id}/auth/guest/`), 401, 1650);
    expectApiError(await c.api().post(`/current/share/${members.id}/auth/guest/`), 401, 115069);
    expectApiError(await c.api().post(`/current/share/${open.id}/auth/password/`, { password: 'x' }), 400, 1605);
    expectApiError(await c.api().post('/current/share/1234567890123456789/auth/guest/'), 404, 1609);
  });

  contract.unverified("a token of tenant B's share reads nothing of tenant A's shares, and says nothing of them", async () => {
    const a = await shareTenant();
    const b = await shareTenant();
    const aShare = await createShare(a.api, a.ws.id, { title: 'Tenant A delivery', access_options: LINK, password: 'tenant-a-pass' });
    const bShare = await createShare(b.api, b.ws.id, { access_options: LINK });
    const bToken = (await c.api().post(`/current/share/${bShare.id}/auth/guest/`)).body.auth_token as string;
    for (const ref of [aShare.id, aShare.custom_name]) {
      const res = await withToken(bToken).get(`/current/share/${ref}/details/`);
      expectApiError(res, 401, 115069);
      const { resource: _echo, ...said } = res.body.error ?? {};
      for (const secret of ['Tenant A delivery', a.ws.id, a.org.id]) expect(JSON.stringify(said)).not.toContain(secret);
    }
    // B's own caller with a real key is refused too, as any stranger is.
    expectApiError(await b.api.get(`/current/share/${aShare.id}/details/`), 401, 115069);
  });
});
