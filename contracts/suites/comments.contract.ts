/**
 * Comments on files (official client 96b1551 / 41dde01 src/api/comment.rs; agent guide REFERENCE
 * "Comments & Annotations"): add with anchoring, threads, edit, delete, bulk delete, reactions,
 * mentions, per-entity and per-node lists, the unified find's comments bucket, and refusals across
 * tenants (two personas).
 */
import { describe, expect } from 'vitest';
import { uploaded } from '../files.js';
import { contract, setupContract } from '../harness.js';
import { expectApiError } from '../expect.js';
import { addWorkspaceMember, createWorkspace } from '../tenants.js';
import type { ApiClient } from '../client.js';

const c = setupContract(import.meta.url);

async function tenant() {
  const { api, persona } = await c.signedIn({ accountType: 'human' });
  const org = await c.createOrg(api);
  const ws = await createWorkspace(api, org.id);
  const file = await uploaded(api, ws.id, 'draft.txt', 'a draft to review');
  return { api, persona, org, ws, file };
}

interface CommentJson {
  id: string;
  node_id: string;
  parent_id: string | null;
  body: string;
  display_text: string;
  reference: Record<string, unknown> | null;
  mentions: { user_id: string; name: string }[];
  reactions: { emoji: string; count: number; user_ids: string[] }[];
  my_reaction: string | null;
  reply_count: number;
  user_id: string;
  edited: boolean;
}

/** The V2 and April clients send comment bodies as JSON (src/api/comment.rs `post_json`). */
const pj = (api: ApiClient, path: string, json: Record<string, unknown>) => api.post(path, undefined, { json });

const commentOf = (body: Record<string, unknown>) => body.comment as CommentJson;

describe('comments on workspace files', () => {
  contract.unverified('add with a page reference, reply (flattened onto the thread), details and the per-node list', async () => {
    const { api, persona, ws, file } = await tenant();
    const base = `/current/comments/workspace/${ws.id}/${file}/`;
    const added = await pj(api, base, { body: 'Check page three', reference: { type: 'page', page: 3 }, properties: { k: 'v' } });
    expect(added.status, added.text).toBe(200);
    const top = commentOf(added.body);
    expect(top).toMatchObject({ node_id: file, parent_id: null, body: 'Check page three', reference: { type: 'page', page: 3 }, user_id: persona.userId });
    expect(top.id).toMatch(/^[0-9a-z]{29,30}$/);
    expect((added.body._context as { anchor_formats: unknown[] }).anchor_formats.length).toBeGreaterThan(0);

    const reply = commentOf((await pj(api, base, { body: 'Done', parent_id: top.id })).body);
    expect(reply.parent_id).toBe(top.id);
    const nested = commentOf((await pj(api, base, { body: 'Thanks', parent_id: reply.id })).body);
    expect(nested.parent_id).toBe(top.id);

    const details = await api.get(`/current/comments/${top.id}/details/`);
    expect(details.status, details.text).toBe(200);
    expect(commentOf(details.body).reply_count).toBe(2);

    const list = await api.get(base, { query: { limit: 2 } });
    expect(list.status, list.text).toBe(200);
    expect((list.body.comments as CommentJson[]).map((x) => x.id)).toEqual([top.id, reply.id]);
    expect(list.body.pagination).toMatchObject({ total: 3, limit: 2, offset: 0, has_more: true });
    const desc = await api.get(base, { query: { sort: 'desc' } });
    expect((desc.body.comments as CommentJson[])[0]!.id).toBe(nested.id);
  });

  contract.unverified('refuses bad input: empty body, over 8,192 characters, a bad page anchor, a parent on another file, an unknown entity type', async () => {
    const { api, ws, file } = await tenant();
    const other = await uploaded(api, ws.id, 'other.txt', 'other');
    const base = `/current/comments/workspace/${ws.id}/${file}/`;
    expectApiError(await pj(api, base, { body: '   ' }), 400, 1605);
    expectApiError(await pj(api, base, { body: 'x'.repeat(8193) }), 400, 1605);
    expectApiError(await pj(api, base, { body: 'x'.repeat(501) }), 400, 1605);
    expectApiError(await pj(api, base, { body: 'hi', reference: { type: 'page', page: 0 } }), 400, 1605);
    const onOther = commentOf((await pj(api, `/current/comments/workspace/${ws.id}/${other}/`, { body: 'elsewhere' })).body);
    expectApiError(await pj(api, base, { body: 'hi', parent_id: onOther.id }), 400, 1605);
    expectApiError(await api.get(`/current/comments/folder/${ws.id}/`), 400, 1605);
    expect((await api.get(`/current/comments/workspace/${ws.id}/${file}/`)).body.pagination).toMatchObject({ total: 0 });
  });

  contract.unverified('reactions: one per user, a new one replaces it, DELETE removes it', async () => {
    const { api, ws, file } = await tenant();
    const top = commentOf((await pj(api, `/current/comments/workspace/${ws.id}/${file}/`, { body: 'react to me' })).body);
    await pj(api, `/current/comments/${top.id}/reactions/`, { emoji: '👍' });
    const changed = commentOf((await pj(api, `/current/comments/${top.id}/reactions/`, { emoji: '🎉' })).body);
    expect(changed.reactions).toEqual([expect.objectContaining({ emoji: '🎉', count: 1 })]);
    expect(changed.my_reaction).toBe('🎉');
    const removed = await api.delete(`/current/comments/${top.id}/reactions/`);
    expect(removed.status, removed.text).toBe(200);
    expect(commentOf(removed.body)).toMatchObject({ reactions: [], my_reaction: null });
  });

  contract.unverified('mentions of members are kept, of strangers are text only; the workspace list spans its files', async () => {
    const { api, persona, ws, file } = await tenant();
    const { persona: member } = await c.signedIn({ accountType: 'human' });
    const { persona: stranger } = await c.signedIn({ accountType: 'human' });
    await addWorkspaceMember(api, ws.id, member.email, 'member');
    const body = `Hi @[user:${member.userId}:Pat Member] and @[user:${stranger.userId}:Sam Stranger]`;
    const made = commentOf((await pj(api, `/current/comments/workspace/${ws.id}/${file}/`, { body })).body);
    expect(made.mentions).toEqual([{ user_id: member.userId, name: 'Pat Member' }]);
    expect(made.display_text).toBe('Hi @Pat Member and @Sam Stranger');
    const second = await uploaded(api, ws.id, 'second.txt', 'two');
    await pj(api, `/current/comments/workspace/${ws.id}/${second}/`, { body: 'on the second file' });
    const all = await api.get(`/current/comments/workspace/${ws.id}/`);
    expect(all.status, all.text).toBe(200);
    expect((all.body.comments as CommentJson[]).map((x) => x.node_id).sort()).toEqual([file, second].sort());
    expect(persona.userId).toBe(made.user_id);
  });

  contract.unverified("delete: the author or an admin; a member may not delete another's; a top comment takes its replies", async () => {
    const { api, ws, file } = await tenant();
    const { api: memberApi, persona: member } = await c.signedIn({ accountType: 'human' });
    await addWorkspaceMember(api, ws.id, member.email, 'member');
    const base = `/current/comments/workspace/${ws.id}/${file}/`;
    const top = commentOf((await pj(api, base, { body: 'owner says' })).body);
    const reply = commentOf((await pj(memberApi, base, { body: 'member replies', parent_id: top.id })).body);
    expectApiError(await memberApi.delete(`/current/comments/${top.id}/delete/`), 403, 1680);
    const gone = await api.delete(`/current/comments/${top.id}/delete/`);
    expect(gone.status, gone.text).toBe(200);
    expect((gone.body.deleted_ids as string[]).sort()).toEqual([top.id, reply.id].sort());
    expectApiError(await api.get(`/current/comments/${reply.id}/details/`), 404, 1609);
  });

  contract.unverified("bulk delete: deletes what the caller may, lists the rest as failed; another tenant's id fails as not found", async () => {
    const a = await tenant();
    const b = await tenant();
    const mine = commentOf((await pj(a.api, `/current/comments/workspace/${a.ws.id}/${a.file}/`, { body: 'one' })).body);
    const theirs = commentOf((await pj(b.api, `/current/comments/workspace/${b.ws.id}/${b.file}/`, { body: 'secret' })).body);
    const res = await pj(a.api, '/current/comments/bulk/delete/', { comment_ids: [mine.id, theirs.id] });
    expect(res.status, res.text).toBe(200);
    expect(res.body.deleted).toEqual([mine.id]);
    expect(res.body.failed).toEqual([{ comment_id: theirs.id, code: 1609, text: 'The comment was not found.' }]);
    expect(JSON.stringify(res.body)).not.toContain('secret');
    expect((await b.api.get(`/current/comments/${theirs.id}/details/`)).status).toBe(200);
    expectApiError(await pj(a.api, '/current/comments/bulk/delete/', { comment_ids: [] }), 400, 1605);
    // not recursive (the client: "not recursive"): a top comment's reply stays
    const top = commentOf((await pj(a.api, `/current/comments/workspace/${a.ws.id}/${a.file}/`, { body: 'top' })).body);
    const reply = commentOf((await pj(a.api, `/current/comments/workspace/${a.ws.id}/${a.file}/`, { body: 'reply', parent_id: top.id })).body);
    expect((await pj(a.api, '/current/comments/bulk/delete/', { comment_ids: top.id })).body).toMatchObject({ deleted: [top.id], failed: [] });
    expect((await a.api.get(`/current/comments/${reply.id}/details/`)).status).toBe(200);
  });

  contract.unverified('another tenant: its workspace, its comment ids and its nodes are refused and nothing changes', async () => {
    const a = await tenant();
    const b = await tenant();
    const theirs = commentOf((await pj(b.api, `/current/comments/workspace/${b.ws.id}/${b.file}/`, { body: 'private words' })).body);
    expectApiError(await a.api.get(`/current/comments/workspace/${b.ws.id}/`), 401, 10545);
    expectApiError(await a.api.get(`/current/comments/workspace/${b.ws.id}/${b.file}/`), 401, 10545);
    expectApiError(await pj(a.api, `/current/comments/workspace/${b.ws.id}/${b.file}/`, { body: 'intrusion' }), 401, 10545);
    expectApiError(await a.api.get(`/current/comments/${theirs.id}/details/`), 401, 10545);
    expectApiError(await pj(a.api, `/current/comments/${theirs.id}/reactions/`, { emoji: '👎' }), 401, 10545);
    expectApiError(await a.api.delete(`/current/comments/${theirs.id}/delete/`), 401, 10545);
    // B's file id under A's own workspace: the node is not A's
    expectApiError(await pj(a.api, `/current/comments/workspace/${a.ws.id}/${b.file}/`, { body: 'x' }), 401, 115069);
    const still = commentOf((await b.api.get(`/current/comments/${theirs.id}/details/`)).body);
    expect(still).toMatchObject({ body: 'private words', reactions: [] });
  });

  contract.unverified('a guest reads comments and may not post', async () => {
    const { api, ws, file } = await tenant();
    const { api: guestApi, persona: guest } = await c.signedIn({ accountType: 'human' });
    await addWorkspaceMember(api, ws.id, guest.email, 'guest');
    await pj(api, `/current/comments/workspace/${ws.id}/${file}/`, { body: 'for everyone' });
    expect((await guestApi.get(`/current/comments/workspace/${ws.id}/${file}/`)).body.pagination).toMatchObject({ total: 1 });
    expectApiError(await pj(guestApi, `/current/comments/workspace/${ws.id}/${file}/`, { body: 'guest' }), 403, 1680);
  });
});

describe('comments, V2 only', () => {
  contract.unverified(
    'edit (author only), attachments: inline on add, attach (idempotent, atomic), detach',
    async () => {
      const { api, ws, file } = await tenant();
      const { api: memberApi, persona: member } = await c.signedIn({ accountType: 'human' });
      await addWorkspaceMember(api, ws.id, member.email, 'member');
      const spec = await uploaded(api, ws.id, 'spec.txt', 'spec');
      const extra = await uploaded(api, ws.id, 'extra.txt', 'extra');
      const made = commentOf((await pj(api, `/current/comments/workspace/${ws.id}/${file}/`, { body: 'see spec', target_id: spec })).body);
      const edited = await pj(api, `/current/comments/${made.id}/update/`, { body: 'see the spec' });
      expect(edited.status, edited.text).toBe(200);
      expect(commentOf(edited.body)).toMatchObject({ body: 'see the spec', edited: true });
      expectApiError(await pj(memberApi, `/current/comments/${made.id}/update/`, { body: 'hijack' }), 403, 1680);

      const listed = await api.get(`/current/comments/${made.id}/attachments/`);
      expect((listed.body.attachments as { target_id: string; name: string }[]).map((a) => a.name)).toEqual(['spec.txt']);
      const b = await tenant();
      expectApiError(await pj(api, `/current/comments/${made.id}/attachments/`, { target_ids: [extra, b.file] }), 401, 115069);
      expect((await api.get(`/current/comments/${made.id}/attachments/`)).body.attachments).toHaveLength(1);
      const attached = await pj(api, `/current/comments/${made.id}/attachments/`, { target_ids: [spec, extra] });
      expect((attached.body.attachments as { target_id: string }[]).map((a) => a.target_id)).toEqual([spec, extra]);
      const detached = await pj(api, `/current/comments/${made.id}/attachments/detach/`, { target_id: spec });
      expect(detached.body).toMatchObject({ removed: true, attachments: [expect.objectContaining({ target_id: extra })] });
      expect((await pj(api, `/current/comments/${made.id}/attachments/detach/`, { target_id: spec })).body.removed).toBe(false);
    },
    { dialects: ['v2'] },
  );

  contract.unverified(
    'the unified find answers matching comments in its comments bucket, paginated on its own',
    async () => {
      const { api, ws, file } = await tenant();
      for (const n of ['one', 'two', 'three']) await pj(api, `/current/comments/workspace/${ws.id}/${file}/`, { body: `harbor review ${n}` });
      await pj(api, `/current/comments/workspace/${ws.id}/${file}/`, { body: 'unrelated' });
      const res = await api.get(`/current/workspace/${ws.id}/search/`, { query: { search: 'harbor review', comments_limit: 2 } });
      expect(res.status, res.text).toBe(200);
      const bucket = (res.body.buckets as Record<string, { items: CommentJson[]; total: number; has_more: boolean }>).comments!;
      expect(bucket).toMatchObject({ total: 3, has_more: true });
      expect(bucket.items.map((i) => i.body)).toEqual(['harbor review three', 'harbor review two']);
      const b = await tenant();
      await pj(b.api, `/current/comments/workspace/${b.ws.id}/${b.file}/`, { body: 'harbor review secret' });
      const again = await api.get(`/current/workspace/${ws.id}/search/`, { query: { search: 'harbor review', comments_offset: 2 } });
      const rest = (again.body.buckets as Record<string, { items: CommentJson[]; total: number }>).comments!;
      expect(rest.total).toBe(3);
      expect(rest.items.map((i) => i.body)).toEqual(['harbor review one']);
    },
    { dialects: ['v2'] },
  );
});

describe('comments, April only', () => {
  contract.unverified(
    "link to a workflow entity, find linked comments (the caller's only), unlink",
    async () => {
      const { api, ws, file } = await tenant();
      const b = await tenant();
      const made = commentOf((await pj(api, `/current/comments/workspace/${ws.id}/${file}/`, { body: 'about the task' })).body);
      const theirs = commentOf((await pj(b.api, `/current/comments/workspace/${b.ws.id}/${b.file}/`, { body: 'theirs' })).body);
      const linked = await pj(api, `/current/comments/${made.id}/link/`, { entity_type: 'task', entity_id: 'task-42' });
      expect(linked.status, linked.text).toBe(200);
      expect((linked.body.comment as { linked_entity: unknown }).linked_entity).toMatchObject({ entity_type: 'task', entity_id: 'task-42' });
      await pj(b.api, `/current/comments/${theirs.id}/link/`, { entity_type: 'task', entity_id: 'task-42' });
      expectApiError(await pj(api, `/current/comments/${theirs.id}/link/`, { entity_type: 'task', entity_id: 'x' }), 401, 10545);
      const found = await api.get('/current/comments/linked/task/task-42/');
      expect((found.body.comments as CommentJson[]).map((x) => x.id)).toEqual([made.id]);
      expectApiError(await pj(api, `/current/comments/${made.id}/link/`, { entity_type: 'folder', entity_id: 'x' }), 400, 1605);
      await pj(api, `/current/comments/${made.id}/unlink/`, {});
      expect((await api.get('/current/comments/linked/task/task-42/')).body.comments).toEqual([]);
    },
    { dialects: ['2026-04'] },
  );
});
