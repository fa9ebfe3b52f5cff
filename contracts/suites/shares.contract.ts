/**
 * Shares in a workspace (issue 17, item 1): create in both dialects' forms, details, public
 * details, update, archive/unarchive, delete, the lists and the name check; events by share_id;
 * and the refusals a caller outside the share gets (401/115069, nothing of the share in the body).
 */
import { describe, expect } from 'vitest';
import type { ApiClient, ApiResponse, Form } from '../client.js';
import { contract, setupContract } from '../harness.js';
import { expectApiError } from '../expect.js';
import { addOrgMember, addWorkspaceMember, ownerWithWorkspace } from '../tenants.js';

const c = setupContract(import.meta.url);

interface ShareJson {
  id: string;
  custom_name: string;
  title: string;
  share_type: string;
  access_options: string;
  workspace_id: string;
  org_id: string;
  archived: boolean;
  password_protected: boolean;
  permissions?: string;
  web_url: string;
  share_category: string;
  storage_mode: string;
  [k: string]: unknown;
}

const shareTenant = () => ownerWithWorkspace(c);

/** The create form both dialects accept (V2 requires `intelligence`, April ignores nothing of it). */
function createForm(fields: Form = {}): Form {
  return { title: 'Quarterly report', intelligence: 'false', ...fields };
}

async function createShare(api: ApiClient, workspaceId: string, fields: Form = {}): Promise<ShareJson> {
  const res = await api.post(`/current/workspace/${workspaceId}/create/share/`, createForm(fields));
  expect(res.status, res.text).toBe(200);
  return res.body.share as ShareJson;
}

function expectNothingOf(res: ApiResponse, secrets: string[]): void {
  const { resource: _echo, ...rest } = res.body.error ?? {};
  const said = JSON.stringify(rest);
  for (const s of secrets) expect(said).not.toContain(s);
}

describe('share lifecycle', () => {
  contract.unverified('create answers the share with its settings; details and the workspace list show it; the creator is owner', async () => {
    const { api, ws, org } = await shareTenant();
    const share = await createShare(api, ws.id, {
      share_type: 'send',
      description: 'Our numbers for the quarter.',
      access_options: 'Anyone with the link',
      download_security: 'medium',
      accent_color: '{"r":10,"g":20,"b":30}',
    });
    expect(share).toMatchObject({
      title: 'Quarterly report',
      share_type: 'send',
      access_options: 'Anyone with the link',
      download_security: 'medium',
      workspace_id: ws.id,
      org_id: org.id,
      archived: false,
      password_protected: false,
      permissions: 'owner',
      storage_mode: 'independent',
      share_category: 'portal',
      accent_color: '{"r":10,"g":20,"b":30}',
    });
    expect(share.id).toMatch(/^[1-9]\d{18}$/);
    expect(share.web_url).toBe(`https://go.fast.io/shared/${share.custom_name}/quarterly-report`);

    const details = await api.get(`/current/share/${share.id}/details/`);
    expect(details.status, details.text).toBe(200);
    expect(details.body.share).toMatchObject({ id: share.id, title: 'Quarterly report', permissions: 'owner' });
    // By custom name too.
    expect((await api.get(`/current/share/${share.custom_name}/details/`)).body.share).toMatchObject({ id: share.id });

    const list = await api.get(`/current/workspace/${ws.id}/list/shares/`);
    expect(list.status, list.text).toBe(200);
    expect((list.body.shares as ShareJson[]).map((s) => s.id)).toEqual([share.id]);
    expect(list.body.pagination).toMatchObject({ total: 1, has_more: false });
    const all = await api.get('/current/shares/all/');
    expect((all.body.shares as ShareJson[]).map((s) => s.id)).toEqual([share.id]);
  });

  contract.unverified(
    'V2 create requires intelligence and defaults share_type to exchange',
    async () => {
      const { api, ws } = await shareTenant();
      const missing = await api.post(`/current/workspace/${ws.id}/create/share/`, { title: 'No intelligence field' });
      expectApiError(missing, 400, 1605);
      expect(missing.body.error!.params!.map((p) => p.name)).toContain('intelligence');
      expect((await createShare(api, ws.id)).share_type).toBe('exchange');
    },
    { dialects: ['v2'] },
  );

  contract.unverified(
    'April create: the client form (title, share_type=send, no intelligence) is enough',
    async () => {
      const { api, ws } = await shareTenant();
      const res = await api.post(`/current/workspace/${ws.id}/create/share/`, { title: 'Deliverables', share_type: 'send' });
      expect(res.status, res.text).toBe(200);
      expect(res.body.share).toMatchObject({ share_type: 'send', intelligence: false });
    },
    { dialects: ['2026-04'] },
  );

  contract.unverified('settings rules: title length, password needs a link share, anonymous uploads need receive/exchange, expiry in the future', async () => {
    const { api, ws } = await shareTenant();
    const base = `/current/workspace/${ws.id}/create/share/`;
    expectApiError(await api.post(base, createForm({ title: 'x' })), 400, 1605);
    expectApiError(await api.post(base, createForm({ share_type: 'superfast' })), 400, 1605);
    expectApiError(await api.post(base, createForm({ password: 'hunter22' })), 400, 1605);
    expectApiError(
      await api.post(base, createForm({ share_type: 'send', access_options: 'Anyone with the link', anonymous_uploads_enabled: 'true' })),
      400,
      1605,
    );
    expectApiError(await api.post(base, createForm({ expires: '2001-01-01 00:00:00' })), 400, 1605);
    expectApiError(await api.post(base, createForm({ storage_mode: 'workspace_folder' })), 400, 1605);
    const ok = await createShare(api, ws.id, { access_options: 'Anyone with the link', password: 'hunter22', expires: '2099-01-01 00:00:00' });
    expect(ok).toMatchObject({ password_protected: true, expires: '2099-01-01 00:00:00 UTC' });
    expect(JSON.stringify(ok)).not.toContain('hunter22');
    // Nothing was created by the refusals.
    expect(((await api.get(`/current/workspace/${ws.id}/list/shares/`)).body.pagination as { total: number }).total).toBe(1);
  });

  contract.unverified('a workspace_folder share is backed by a folder of the workspace', async () => {
    const { api, ws } = await shareTenant();
    const folder = await api.post(`/current/workspace/${ws.id}/storage/root/createfolder/`, { name: 'Outbox' });
    expect(folder.status, folder.text).toBe(200);
    const folderId = (folder.body.node as { id: string }).id;
    const share = await createShare(api, ws.id, { storage_mode: 'workspace_folder', folder_node_id: folderId });
    expect(share).toMatchObject({ storage_mode: 'workspace_folder', share_category: 'shared_folder', folder_node_id: folderId });
    expectApiError(
      await api.post(`/current/workspace/${ws.id}/create/share/`, createForm({ storage_mode: 'workspace_folder', folder_node_id: 'nope' })),
      400,
      1605,
    );
  });

  contract.unverified('update changes only the fields sent, null clears, and an empty update is 400/1605', async () => {
    const { api, ws } = await shareTenant();
    const share = await createShare(api, ws.id, { description: 'Before the change.' });
    const res = await api.post(`/current/share/${share.id}/update/`, {
      title: 'Renamed share',
      description: 'null',
      download_security: 'high',
      display_type: 'list',
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body.share).toMatchObject({
      title: 'Renamed share',
      description: null,
      download_security: 'high',
      download_enabled: false,
      display_type: 'list',
      share_type: share.share_type,
    });
    // April's `name` sets the title too.
    expect((await api.post(`/current/share/${share.id}/update/`, { name: 'Named again' })).body.share).toMatchObject({ title: 'Named again' });
    expectApiError(await api.post(`/current/share/${share.id}/update/`, {}), 400, 1605);
    expectApiError(await api.post(`/current/share/${share.id}/update/`, { password: 'secret' }), 400, 1605);
  });

  contract.unverified('archive and unarchive; an archived share refuses changes; twice is 409/1660', async () => {
    const { api, ws } = await shareTenant();
    const share = await createShare(api, ws.id);
    const archived = await api.post(`/current/share/${share.id}/archive/`);
    expect(archived.status, archived.text).toBe(200);
    expect(archived.body.share).toMatchObject({ archived: true });
    expectApiError(await api.post(`/current/share/${share.id}/archive/`), 409, 1660);
    expectApiError(await api.post(`/current/share/${share.id}/update/`, { title: 'Changed while archived' }), 403, 1680);
    expect((await api.get(`/current/share/${share.id}/details/`)).body.share).toMatchObject({ archived: true });
    expect((await api.post(`/current/share/${share.id}/unarchive/`)).body.share).toMatchObject({ archived: false });
    expectApiError(await api.post(`/current/share/${share.id}/unarchive/`), 409, 1660);
  });

  contract.unverified('delete needs confirm (custom_name or id); a deleted share is 404/1609 and leaves the lists', async () => {
    const { api, ws } = await shareTenant();
    const share = await createShare(api, ws.id);
    expectApiError(await api.delete(`/current/share/${share.id}/delete/`, { form: { confirm: 'wrong' } }), 400, 1605);
    const res = await api.delete(`/current/share/${share.id}/delete/`, { form: { confirm: share.custom_name } });
    expect(res.status, res.text).toBe(200);
    expectApiError(await api.get(`/current/share/${share.id}/details/`), 404, 1609);
    expect((await api.get(`/current/workspace/${ws.id}/list/shares/`)).body.shares).toEqual([]);
    expect((await api.get('/current/shares/all/')).body.shares).toEqual([]);
  });

  contract.unverified('name check: a used custom name is taken, a fresh one available, a malformed one invalid', async () => {
    const { api, ws } = await shareTenant();
    const name = c
      .unique('share-name')
      .replace(/[^a-z0-9-]/g, '')
      .padEnd(12, '0');
    expect((await api.get(`/current/shares/check/name/${name}/`)).body).toMatchObject({ available: true });
    const share = await createShare(api, ws.id, { custom_name: name });
    expect(share.custom_name).toBe(name);
    expect((await api.get(`/current/shares/check/name/${name}/`)).body).toMatchObject({ available: false, reason: 'taken' });
    expect((await api.get('/current/shares/check/name/a!/')).body).toMatchObject({ available: false, reason: 'invalid' });
    expectApiError(await api.post(`/current/workspace/${ws.id}/create/share/`, createForm({ custom_name: name })), 409, 1660);
  });

  contract.unverified('public details: a link share shows its face anonymously; a members-only share is 401/115069', async () => {
    const { api, ws, org } = await shareTenant();
    const open = await createShare(api, ws.id, { access_options: 'Anyone with the link', description: 'For our clients only.' });
    const closed = await createShare(api, ws.id, { title: 'Internal board pack' });
    const anon = c.api();
    const pub = await anon.get(`/current/share/${open.id}/public/details/`);
    expect(pub.status, pub.text).toBe(200);
    expect(pub.body.share).toMatchObject({ id: open.id, title: 'Quarterly report', share_type: open.share_type, password_protected: false });
    const said = JSON.stringify(pub.body);
    for (const secret of [org.id, ws.id, 'workspace_id', 'org_id', 'permissions']) expect(said).not.toContain(secret);
    const refused = await anon.get(`/current/share/${closed.id}/public/details/`);
    expectApiError(refused, 401, 115069);
    expectNothingOf(refused, ['Internal board pack', closed.custom_name, ws.id]);
    // Its own members see the members-only share's face too (the official client's `share public-info`).
    const own = await api.get(`/current/share/${closed.id}/public/details/`);
    expect(own.status, own.text).toBe(200);
    expect(own.body.share).toMatchObject({ id: closed.id, title: 'Internal board pack' });
  });
});

describe('share access', () => {
  contract.unverified('another tenant gets 401/115069 on every share route, learns nothing, and lists nothing of it', async () => {
    const a = await shareTenant();
    const b = await shareTenant();
    const share = await createShare(a.api, a.ws.id, { title: 'Tenant A secrets' });
    const id = share.id;
    const refusals: ApiResponse[] = [
      await b.api.get(`/current/share/${id}/details/`),
      await b.api.get(`/current/share/${share.custom_name}/details/`),
      await b.api.post(`/current/share/${id}/update/`, { title: 'pwned' }),
      await b.api.post(`/current/share/${id}/archive/`),
      await b.api.post(`/current/share/${id}/unarchive/`),
      await b.api.delete(`/current/share/${id}/delete/`, { form: { confirm: id } }),
      await b.api.get('/current/events/search/', { query: { share_id: id } }),
      await b.api.get(`/current/share/${id}/public/details/`),
    ];
    for (const res of refusals) {
      expectApiError(res, 401, 115069);
      expectNothingOf(res, ['Tenant A secrets', share.custom_name, a.ws.id, a.org.id]);
    }
    expectApiError(await b.api.get(`/current/workspace/${a.ws.id}/list/shares/`), 401, 10545);
    expectApiError(await b.api.post(`/current/workspace/${a.ws.id}/create/share/`, createForm()), 401, 10545);
    expect((await b.api.get('/current/shares/all/')).body.shares).toEqual([]);
    expect((await b.api.get('/current/shares/available/')).body.shares).toEqual([]);
    // Unchanged for A.
    expect((await a.api.get(`/current/share/${id}/details/`)).body.share).toMatchObject({ title: 'Tenant A secrets', archived: false });
    expectApiError(await b.api.get('/current/share/1234567890123456789/details/'), 404, 1609);
  });

  contract.unverified('workspace roles carry into shares: members read, guests cannot create, only admins change settings', async () => {
    const { api, ws } = await shareTenant();
    const member = await c.signedIn();
    const guest = await c.signedIn();
    await addWorkspaceMember(api, ws.id, member.persona.userId, 'member');
    await addWorkspaceMember(api, ws.id, guest.persona.userId, 'guest');
    const share = await createShare(api, ws.id);
    expect((await member.api.get(`/current/share/${share.id}/details/`)).body.share).toMatchObject({ permissions: 'member' });
    expect((await guest.api.get(`/current/share/${share.id}/details/`)).body.share).toMatchObject({ permissions: 'guest' });
    expectApiError(await member.api.post(`/current/share/${share.id}/update/`, { title: 'Member edit' }), 403, 1680);
    expectApiError(await guest.api.post(`/current/workspace/${ws.id}/create/share/`, createForm()), 403, 1680);
    // A member creates its own share and owns it.
    expect((await createShare(member.api, ws.id, { title: 'Member share' })).permissions).toBe('owner');
    // Archived: below admin the share is gone (401/115069).
    expect((await api.post(`/current/share/${share.id}/archive/`)).status).toBe(200);
    expectApiError(await member.api.get(`/current/share/${share.id}/details/`), 401, 115069);
  });

  contract.unverified(
    'access_options: org members reach an org-wide share (and see it as available); a registered-account share admits any signed-in user',
    async () => {
      const { api, org, ws } = await shareTenant();
      const orgMember = await c.signedIn();
      const stranger = await c.signedIn();
      await addOrgMember(api, org.id, orgMember.persona.userId, 'member');
      const orgWide = await createShare(api, ws.id, { access_options: 'Members of the Share, Workspace or Org' });
      const registered = await createShare(api, ws.id, { title: 'Registered', access_options: 'Anyone with a registered account' });
      const membersOnly = await createShare(api, ws.id, { title: 'Members only' });
      expect((await orgMember.api.get(`/current/share/${orgWide.id}/details/`)).body.share).toMatchObject({ permissions: 'guest' });
      expect(((await orgMember.api.get('/current/shares/available/')).body.shares as ShareJson[]).map((s) => s.id)).toEqual([orgWide.id]);
      expectApiError(await stranger.api.get(`/current/share/${orgWide.id}/details/`), 401, 115069);
      expect((await stranger.api.get(`/current/share/${registered.id}/details/`)).body.share).toMatchObject({ permissions: 'guest' });
      expectApiError(await orgMember.api.get(`/current/share/${membersOnly.id}/details/`), 401, 115069);
      // Reached through settings only: not listed.
      expect((await stranger.api.get('/current/shares/all/')).body.shares).toEqual([]);
    },
  );
});

describe('share events', () => {
  contract.unverified('every change records an event with share_id; events search by share_id finds them', async () => {
    const { api, ws } = await shareTenant();
    const share = await createShare(api, ws.id);
    await api.post(`/current/share/${share.id}/update/`, { title: 'Second title' });
    await api.post(`/current/share/${share.id}/archive/`);
    await api.post(`/current/share/${share.id}/unarchive/`);
    const res = await api.get('/current/events/search/', { query: { share_id: share.id } });
    expect(res.status, res.text).toBe(200);
    const events = res.body.events as { event: string; share_id: string; workspace_id: string; category: string }[];
    expect(events.map((e) => e.event).sort()).toEqual(['share_archived', 'share_created', 'share_unarchived', 'share_updated']);
    for (const e of events) expect(e).toMatchObject({ share_id: share.id, workspace_id: ws.id, category: 'share' });
    // The workspace's events include them as well.
    const wsEvents = await api.get('/current/events/search/', { query: { workspace_id: ws.id, category: 'share' } });
    expect((wsEvents.body.events as unknown[]).length).toBe(4);
  });
});

describe('the caller own shares (April)', () => {
  contract.unverified(
    "user/me/list/shares lists the shares the caller is a member of, and nothing of another tenant's",
    async () => {
      const a = await shareTenant();
      const b = await shareTenant();
      const mine = await createShare(a.api, a.ws.id, { title: 'Tenant A deliverables' });
      const theirs = await createShare(b.api, b.ws.id, { title: 'Tenant B deliverables' });
      const listA = await a.api.get('/current/user/me/list/shares/');
      expect(listA.status, listA.text).toBe(200);
      expect((listA.body.shares as ShareJson[]).map((s) => s.id)).toEqual([mine.id]);
      const listB = await b.api.get('/current/user/me/list/shares/');
      expect((listB.body.shares as ShareJson[]).map((s) => s.id)).toEqual([theirs.id]);
      expect(listB.text).not.toContain(mine.custom_name);
    },
    { dialects: ['2026-04'] },
  );
});
