/**
 * Comments on the files of a share, and what comments leave behind: the audit events the agent
 * guide names (REFERENCE "Common Event Names: Comments", subcategory `comments`) and the
 * `comments:{node_id}` activity key. Both dialects; two personas for the refusals.
 */
import { describe, expect } from 'vitest';
import { uploaded } from '../files.js';
import { contract, setupContract } from '../harness.js';
import { expectApiError } from '../expect.js';
import { addWorkspaceMember, createShare, ownerWithWorkspace } from '../tenants.js';
import type { ApiClient } from '../client.js';

const c = setupContract(import.meta.url);

const pj = (api: ApiClient, path: string, json: Record<string, unknown>) => api.post(path, undefined, { json });
const idOf = (body: Record<string, unknown>) => (body.comment as { id: string }).id;

/** An owner with a shared-folder share holding one file, and the file outside the share. */
async function sharedFolder(fields: Record<string, string> = {}) {
  const owner = await ownerWithWorkspace(c);
  const share = await createShare(owner.api, owner.ws.id, { storage_mode: 'workspace_folder', create_folder: 'true', folder_name: 'Review', ...fields });
  const folderId = share.folder_node_id as string;
  expect(typeof folderId).toBe('string');
  const inside = await uploaded(owner.api, owner.ws.id, 'cut.txt', 'the first cut', { folder_id: folderId });
  const outside = await uploaded(owner.api, owner.ws.id, 'private.txt', 'not shared');
  return { ...owner, share, inside, outside };
}

describe('comments on share files', () => {
  contract.unverified('a share member comments on a file of the share; a file outside the share is refused', async () => {
    const t = await sharedFolder();
    const guest = await c.signedIn();
    expect((await t.api.post(`/current/share/${t.share.id}/members/${guest.persona.userId}/`, { permissions: 'guest' })).status).toBe(200);
    const base = `/current/comments/share/${t.share.id}/${t.inside}/`;
    const made = await pj(guest.api, base, { body: 'Looks good', reference: { type: 'timestamp', timestamp: 12.5 } });
    expect(made.status, made.text).toBe(200);
    expect(made.body.comment).toMatchObject({ entity_type: 'share', entity_id: t.share.id, node_id: t.inside, user_id: guest.persona.userId });
    const listed = await t.api.get(`/current/comments/share/${t.share.id}/`);
    expect(listed.status, listed.text).toBe(200);
    expect((listed.body.comments as { id: string }[]).map((x) => x.id)).toEqual([idOf(made.body)]);
    expectApiError(await pj(guest.api, `/current/comments/share/${t.share.id}/${t.outside}/`, { body: 'peek' }), 401, 115069);
    // the share's comments are not the workspace's
    expect((await t.api.get(`/current/comments/workspace/${t.ws.id}/`)).body.comments).toEqual([]);
  });

  contract.unverified('with comments disabled only the share admins comment; a stranger is refused as not shared', async () => {
    const t = await sharedFolder({ comments_enabled: 'false' });
    const guest = await c.signedIn();
    const stranger = await c.signedIn();
    await t.api.post(`/current/share/${t.share.id}/members/${guest.persona.userId}/`, { permissions: 'guest' });
    const base = `/current/comments/share/${t.share.id}/${t.inside}/`;
    expectApiError(await pj(guest.api, base, { body: 'hello' }), 403, 1680);
    expectApiError(await guest.api.get(base), 403, 1680);
    expect((await pj(t.api, base, { body: 'owner note' })).status).toBe(200);
    expectApiError(await stranger.api.get(`/current/comments/share/${t.share.id}/`), 401, 115069);
    expectApiError(await pj(stranger.api, base, { body: 'intrusion' }), 401, 115069);
    expectApiError(await stranger.api.get(`/current/comments/share/1234567890123456789/`), 404, 1609);
  });
});

describe('comment events and activity', () => {
  contract.unverified('add, reply, mention, react, update (V2) and delete are audit events of subcategory comments', async () => {
    const t = await ownerWithWorkspace(c);
    const member = await c.signedIn();
    await addWorkspaceMember(t.api, t.ws.id, member.persona.email, 'member');
    const file = await uploaded(t.api, t.ws.id, 'plan.txt', 'the plan');
    const base = `/current/comments/workspace/${t.ws.id}/${file}/`;
    const top = idOf((await pj(t.api, base, { body: `Please check @[user:${member.persona.userId}:Pat]` })).body);
    const reply = idOf((await pj(member.api, base, { body: 'Checked', parent_id: top })).body);
    await pj(member.api, `/current/comments/${top}/reactions/`, { emoji: '👍' });
    if (c.target.dialect === 'v2') await pj(t.api, `/current/comments/${top}/update/`, { body: 'Please check again' });
    expect((await t.api.delete(`/current/comments/${reply}/delete/`)).status).toBe(200);
    const res = await t.api.get('/current/events/search/', { query: { workspace_id: t.ws.id, subcategory: 'comments', limit: 50 } });
    expect(res.status, res.text).toBe(200);
    const events = res.body.events as { event: string; object_id: string; subcategory: string }[];
    const names = events.map((e) => e.event).sort();
    const expected = ['comment_created', 'comment_deleted', 'comment_mentioned', 'comment_reaction', 'comment_replied'];
    if (c.target.dialect === 'v2') expected.push('comment_updated');
    expect(names).toEqual(expected.sort());
    expect(events.every((e) => e.subcategory === 'comments')).toBe(true);
  });

  contract.unverified('a comment touches comments:{node_id} on the workspace; another tenant may not poll it', async () => {
    const t = await ownerWithWorkspace(c);
    const other = await ownerWithWorkspace(c);
    const file = await uploaded(t.api, t.ws.id, 'notes.txt', 'notes');
    const first = await t.api.get(`/current/activity/poll/${t.ws.id}/`, { query: { wait: 0 } });
    const lastactivity = first.body.lastactivity as string;
    await pj(t.api, `/current/comments/workspace/${t.ws.id}/${file}/`, { body: 'new note' });
    const after = await t.api.get(`/current/activity/poll/${t.ws.id}/`, { query: { wait: 0, lastactivity, updated: 1 } });
    expect(after.status, after.text).toBe(200);
    expect(after.body.activity).toContain(`comments:${file}`);
    expect((await other.api.get(`/current/activity/poll/${t.ws.id}/`, { query: { wait: 0 } })).status).toBe(401);
  });
});
