/**
 * Share leftovers of issue 17, both dialects: a chunked upload session opened through a share by
 * a member of the share alone (no workspace role) completes and is stored in the share; its
 * write right is checked again by the share's rule, so a member removed from the share meanwhile
 * cannot go on; another tenant cannot touch the session. Writes through a share record their
 * workspace events with the share's `share_id` (CHOICE, events/through-share.ts); writes made in
 * the workspace itself do not.
 */
import { describe, expect } from 'vitest';
import type { ApiClient } from '../client.js';
import { uploadChunk, uploaded, waitFor, type NodeJson } from '../files.js';
import { contract, setupContract } from '../harness.js';
import { expectApiError } from '../expect.js';
import { createShare, ownerWithWorkspace } from '../tenants.js';

const c = setupContract(import.meta.url);

async function openSession(api: ApiClient, shareId: string, name: string, size: number) {
  const r = await api.post('/current/upload/', { name, size, action: 'create', instance_id: shareId, folder_id: 'root', profile_type: 'share' });
  expect(r.status, r.text).toBe(200);
  return r.body.id as string;
}

const session = async (api: ApiClient, id: string) =>
  (await api.get(`/current/upload/${id}/details/`)).body.session as { status: string; new_file_id: string | null; error?: string | null };

async function shareList(api: ApiClient, shareId: string): Promise<NodeJson[]> {
  const r = await api.get(`/current/share/${shareId}/storage/root/list/`);
  expect(r.status, r.text).toBe(200);
  return r.body.nodes as NodeJson[];
}

describe('chunked uploads through a share', () => {
  contract.unverified('a member of the share alone opens, fills and completes a session; the file is stored in the share', async () => {
    const { api, ws } = await ownerWithWorkspace(c);
    const share = await createShare(api, ws.id, { share_type: 'exchange' });
    const member = await c.signedIn();
    expect((await api.post(`/current/share/${share.id}/members/${member.persona.userId}/`, { permissions: 'member' })).status).toBe(200);
    // No workspace role: the workspace itself is closed to this member.
    expect((await member.api.get(`/current/workspace/${ws.id}/storage/root/list/`)).status).toBeGreaterThanOrEqual(400);

    const parts = ['First part of the delivery. ', 'Second part.'];
    const id = await openSession(member.api, share.id, 'delivery.txt', parts.join('').length);
    for (const [i, part] of parts.entries()) {
      const r = await uploadChunk(member.api, id, i + 1, part);
      expect(r.status, r.text).toBe(200);
    }
    const completed = await member.api.post(`/current/upload/${id}/complete/`);
    expect(completed.status, completed.text).toBe(200);
    const done = await waitFor(
      member.api,
      // The session's changes are announced on the uploader's own activity key.
      member.persona.userId,
      () => session(member.api, id),
      (s) => ['stored', 'assembly_failed', 'store_failed'].includes(s.status),
      'the share upload session',
    );
    expect(done.status, JSON.stringify(done)).toBe('stored');
    const listed = await shareList(member.api, share.id);
    expect(listed.map((n) => n.name)).toContain('delivery.txt');
    expect(listed.find((n) => n.name === 'delivery.txt')!.id).toBe(done.new_file_id);
  });

  contract.unverified('a member removed from the share meanwhile cannot add the next chunk; another tenant reaches no session', async () => {
    const { api, ws } = await ownerWithWorkspace(c);
    const share = await createShare(api, ws.id, { share_type: 'exchange' });
    const member = await c.signedIn();
    const stranger = await c.signedIn();
    expect((await api.post(`/current/share/${share.id}/members/${member.persona.userId}/`, { permissions: 'member' })).status).toBe(200);
    const id = await openSession(member.api, share.id, 'halfway.txt', 8);
    expect((await uploadChunk(member.api, id, 1, 'half')).status).toBe(200);
    // Another tenant: the session is as good as absent.
    expectApiError(await stranger.api.get(`/current/upload/${id}/details/`), 404, 1609);
    expect((await uploadChunk(stranger.api, id, 2, 'way!')).status).toBe(404);

    expect((await api.delete(`/current/share/${share.id}/members/${member.persona.userId}/`)).status).toBe(200);
    const next = await uploadChunk(member.api, id, 2, 'way!');
    expect(next.status).toBeGreaterThanOrEqual(400);
    expect(next.status).toBeLessThan(500);
    expect((await shareList(api, share.id)).map((n) => n.name)).not.toContain('halfway.txt');
  });
});

interface EventRow {
  event: string;
  share_id: string | null;
  workspace_id: string | null;
  object_id: string | null;
}

async function events(api: ApiClient, query: Record<string, string>): Promise<EventRow[]> {
  const r = await api.get('/current/events/search/', { query: { limit: '100', ...query } });
  expect(r.status, r.text).toBe(200);
  return r.body.events as EventRow[];
}

describe('events of writes through a share carry its share_id', () => {
  contract.unverified('an upload through the share is found by share_id; a workspace upload has no share_id; the workspace sees both', async () => {
    const { api, ws } = await ownerWithWorkspace(c);
    const share = await createShare(api, ws.id, { share_type: 'exchange' });
    const member = await c.signedIn();
    expect((await api.post(`/current/share/${share.id}/members/${member.persona.userId}/`, { permissions: 'member' })).status).toBe(200);
    const viaShare = await uploaded(member.api, share.id, 'through-share.txt', 'bytes through the share', { profile_type: 'share' });
    const direct = await uploaded(api, ws.id, 'in-workspace.txt', 'bytes in the workspace');

    const inShare = await events(member.api, { share_id: share.id });
    const added = inShare.filter((e) => e.event === 'workspace_storage_file_added');
    expect(added.map((e) => e.object_id)).toEqual([viaShare]);
    expect(added[0]).toMatchObject({ share_id: share.id, workspace_id: ws.id });

    const inWs = await events(api, { workspace_id: ws.id });
    const byNode = (id: string) => inWs.find((e) => e.event === 'workspace_storage_file_added' && e.object_id === id);
    expect(byNode(viaShare)).toMatchObject({ share_id: share.id });
    expect(byNode(direct)).toMatchObject({ share_id: null });
  });

  contract.unverified(
    "a chunked session through the share records its session events with the share_id; another tenant cannot search the share's events",
    async () => {
      const { api, ws } = await ownerWithWorkspace(c);
      const share = await createShare(api, ws.id, { share_type: 'exchange' });
      const stranger = await c.signedIn();
      const id = await openSession(api, share.id, 'session.txt', 4);
      expect((await uploadChunk(api, id, 1, 'abcd')).status).toBe(200);
      const sessionEvents = (await events(api, { workspace_id: ws.id })).filter((e) => e.object_id === id);
      expect(sessionEvents.map((e) => e.event).sort()).toEqual(['upload_chunk_added', 'upload_session_created']);
      for (const e of sessionEvents) expect(e.share_id).toBe(share.id);
      const refused = await stranger.api.get('/current/events/search/', { query: { share_id: share.id } });
      expect(refused.status).toBeGreaterThanOrEqual(400);
      expect(refused.status).toBeLessThan(500);
      expect(refused.text).not.toContain('session.txt');
    },
  );
});

describe("comments on a portal's own files", () => {
  contract.unverified(
    "a share member comments on a file of the portal's tree; the same file is not a workspace comment subject of another share, and another tenant is refused",
    async () => {
      const { api, ws } = await ownerWithWorkspace(c);
      const portal = await createShare(api, ws.id, { share_type: 'exchange' });
      const other = await createShare(api, ws.id, { share_type: 'exchange', title: 'Other portal' });
      const member = await c.signedIn();
      const stranger = await c.signedIn();
      expect((await api.post(`/current/share/${portal.id}/members/${member.persona.userId}/`, { permissions: 'guest' })).status).toBe(200);
      const fileId = await uploaded(member.api, portal.id, 'portal-file.txt', 'held by the portal', { profile_type: 'share' });
      const post = (who: ApiClient, shareId: string) =>
        who.post(`/current/comments/share/${shareId}/${fileId}/`, undefined, { json: { body: 'On the portal file' } });

      const made = await post(member.api, portal.id);
      expect(made.status, made.text).toBe(200);
      expect(made.body.comment).toMatchObject({ entity_type: 'share', entity_id: portal.id, node_id: fileId });
      const listed = await api.get(`/current/comments/share/${portal.id}/`);
      expect((listed.body.comments as { node_id: string }[]).map((x) => x.node_id)).toEqual([fileId]);
      // Not a file of the other portal, and nothing for another tenant.
      expectApiError(await post(api, other.id), 401, 115069);
      expectApiError(await post(stranger.api, portal.id), 401, 115069);
      expect((await stranger.api.get(`/current/comments/share/${portal.id}/${fileId}/`)).text).not.toContain('On the portal file');
    },
  );
});
