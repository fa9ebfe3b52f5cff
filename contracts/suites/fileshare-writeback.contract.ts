/**
 * Fileshare write-back and fileshare activity (V2, issue 17): a holder of `edit` replaces the bound
 * file's content with a new version through `POST /current/upload/` (`instance_id` the fileshare,
 * `action=update`, `file_id` the bound file, optional `if_version_id`), single call or session;
 * the fileshare is an entity of `GET /current/activity/poll/{id}/` for its managers. April has no
 * fileshares. PARITY: 96b1551 src/api/upload.rs (writeback_form_fields,
 * create_fileshare_writeback_session, single_shot_fileshare_writeback) and
 * src/bin/fastio/commands/fileshare.rs (upload_writeback, Activity).
 */
import { describe, expect } from 'vitest';
import type { ApiClient } from '../client.js';
import { uploadChunk, uploaded } from '../files.js';
import { createFileshare, fileshareTenant, writeBack } from '../fileshares.js';
import { contract, setupContract } from '../harness.js';
import { expectApiError } from '../expect.js';

const c = setupContract(import.meta.url);
const V2 = { dialects: ['v2'] } as const;

interface SessionJson {
  id: string;
  status: string;
  status_message: string | null;
  new_file_id: string | null;
}

const tenant = () => fileshareTenant(c, 'Quarterly report, first draft.');
const fileshare = async (api: ApiClient, workspaceId: string, fields: Record<string, string>) => (await createFileshare(api, workspaceId, fields)).id;

async function readThrough(api: ApiClient, fileshareId: string): Promise<string> {
  const res = await api.get(`/current/fileshare/${fileshareId}/storage/read/`);
  expect(res.status, res.text).toBe(200);
  return res.text;
}

async function versionIds(api: ApiClient, fileshareId: string): Promise<string[]> {
  const res = await api.get(`/current/fileshare/${fileshareId}/storage/versions/`);
  expect(res.status, res.text).toBe(200);
  return (res.body.versions as { id: string }[]).map((v) => v.id);
}

/** A session's details until it is finished, each read held until it changes (`wait`). */
async function finished(api: ApiClient, uploadId: string): Promise<SessionJson> {
  for (let round = 0; round < 50; round++) {
    const res = await api.get(`/current/upload/${uploadId}/details/`, { query: { wait: 10 } });
    expect(res.status, res.text).toBe(200);
    const s = res.body.session as SessionJson;
    if (['stored', 'assembly_failed', 'store_failed'].includes(s.status)) return s;
  }
  throw new Error(`session ${uploadId} did not finish`);
}

async function cursorOf(api: ApiClient, entityId: string): Promise<string> {
  const res = await api.get(`/current/activity/poll/${entityId}/`);
  expect(res.status, res.text).toBe(200);
  return res.body.lastactivity as string;
}

async function keysSince(api: ApiClient, entityId: string, lastactivity: string): Promise<string[]> {
  const res = await api.get(`/current/activity/poll/${entityId}/`, { query: { lastactivity } });
  expect(res.status, res.text).toBe(200);
  return res.body.activity as string[];
}

describe('fileshare write-back', () => {
  contract.unverified(
    'an edit grant holder (not a workspace member) writes a new version in one call: same node, session stored, the storage event names the fileshare',
    async () => {
      const { api, ws, fileId } = await tenant();
      const fs = await fileshare(api, ws.id, { node: fileId, access_option: 'named_people' });
      const editor = await c.signedIn();
      expect((await api.post(`/current/fileshare/${fs}/grants/`, { user: editor.persona.userId, capability: 'edit' })).status).toBe(200);
      const before = await versionIds(api, fs);

      const res = await writeBack(editor.api, fs, fileId, 'Quarterly report, edited by the recipient.');
      expect(res.status, res.text).toBe(200);
      expect(res.body).toMatchObject({ result: true, new_file_id: fileId, session: { status: 'stored', new_file_id: fileId } });
      expect(await readThrough(editor.api, fs)).toBe('Quarterly report, edited by the recipient.');
      const after = await versionIds(api, fs);
      expect(after).toHaveLength(before.length + 1);
      expect(after.slice(1)).toEqual(before);
      // The owner's workspace sees the same file, changed.
      expect((await api.get(`/current/workspace/${ws.id}/storage/${fileId}/read/`)).text).toBe('Quarterly report, edited by the recipient.');
      const events = (await api.get('/current/events/search/', { query: { workspace_id: ws.id, limit: 250 } })).body.events as {
        event: string;
        object_id: string;
        data: Record<string, unknown>;
      }[];
      const stored = events.filter((e) => e.object_id === fileId && e.data.via === 'fileshare_writeback');
      expect(stored.map((e) => [e.event, e.data.fileshare])).toEqual([['workspace_storage_file_added', fs]]);
    },
    V2,
  );

  contract.unverified(
    'a chunked write-back (session, chunk, complete, details) stores a new version; a stale if_version_id ends in assembly_failed naming the current version',
    async () => {
      const { api, ws, fileId } = await tenant();
      const fs = await fileshare(api, ws.id, { node: fileId });
      const [v1] = await versionIds(api, fs);
      const content = 'Quarterly report, second draft, sent in one chunk.';
      const open = await api.post('/current/upload/', { name: 'report.txt', size: String(content.length), action: 'update', instance_id: fs, file_id: fileId });
      expect(open.status, open.text).toBe(200);
      const uploadId = open.body.id as string;
      expect((await uploadChunk(api, uploadId, 1, content)).status).toBe(200);
      expect((await api.post(`/current/upload/${uploadId}/complete/`)).status).toBe(200);
      expect(await finished(api, uploadId)).toMatchObject({ status: 'stored', new_file_id: fileId });
      expect(await readThrough(api, fs)).toBe(content);
      const [v2] = await versionIds(api, fs);
      expect(v2).not.toBe(v1);

      // The CAS precondition: the version the caller last saw (v1) is not the current one (v2).
      const stale = await writeBack(api, fs, fileId, 'A lost update.', { if_version_id: v1! });
      expect(stale.status, stale.text).toBe(200);
      expect(stale.body.session).toMatchObject({ status: 'assembly_failed', status_message: `CONFLICT_VERSION_MISMATCH:${v2}` });
      expect(stale.body.new_file_id).toBeUndefined();
      const staleSession = await api.post('/current/upload/', {
        name: 'report.txt',
        size: '5',
        action: 'update',
        instance_id: fs,
        file_id: fileId,
        if_version_id: v1!,
      });
      const staleId = staleSession.body.id as string;
      expect((await uploadChunk(api, staleId, 1, 'stale')).status).toBe(200);
      expect((await api.post(`/current/upload/${staleId}/complete/`)).status).toBe(200);
      expect(await finished(api, staleId)).toMatchObject({ status: 'assembly_failed', status_message: `CONFLICT_VERSION_MISMATCH:${v2}` });
      expect(await readThrough(api, fs)).toBe(content);
      const fresh = await writeBack(api, fs, fileId, 'Quarterly report, final.', { if_version_id: v2! });
      expect(fresh.body.session, fresh.text).toMatchObject({ status: 'stored' });
      expect(await readThrough(api, fs)).toBe('Quarterly report, final.');
    },
    V2,
  );

  contract.unverified(
    'who may write: a view or download grant and a link recipient 403/1700, another tenant 401/115069 on a named-people fileshare; bad input 4xx with the envelope; the file unchanged',
    async () => {
      const a = await tenant();
      const b = await tenant();
      const open = await fileshare(a.api, a.ws.id, { node: a.fileId });
      const named = await fileshare(a.api, a.ws.id, { node: a.fileId, access_option: 'named_people', title: 'Tenant A secret' });
      const viewer = await c.signedIn();
      await a.api.post(`/current/fileshare/${named}/grants/`, { user: viewer.persona.userId, capability: 'view' });
      await a.api.post(`/current/fileshare/${named}/grants/`, { user: b.persona.userId, capability: 'download' });
      expectApiError(await writeBack(viewer.api, named, a.fileId, 'by a viewer'), 403, 1700);
      expectApiError(await writeBack(b.api, named, a.fileId, 'by a downloader'), 403, 1700);
      const stranger = await c.signedIn();
      expectApiError(await writeBack(stranger.api, open, a.fileId, 'by a link recipient'), 403, 1700);
      const refused = await writeBack(stranger.api, named, a.fileId, 'by another tenant');
      expectApiError(refused, 401, 115069);
      for (const secret of ['Tenant A secret', 'report.txt', a.ws.id, a.org.id, a.persona.email])
        expect(JSON.stringify(refused.body.error)).not.toContain(secret);
      // B's own file is not A's fileshare's; B's fileshare does not reach A's file.
      const bShare = await fileshare(b.api, b.ws.id, { node: b.fileId });
      expectApiError(await writeBack(b.api, bShare, a.fileId, 'through my own link'), 404, 1609);
      expectApiError(await writeBack(b.api, b.ws.id, a.fileId, 'through my workspace'), 401, 115069);

      // Bad input from the owner: 400/1605 or 404/1609, never a 5xx.
      const fields = { name: 'report.txt', size: '3', instance_id: open, file_id: a.fileId };
      expectApiError(await a.api.post('/current/upload/', { ...fields, action: 'create' }), 400, 1605);
      expectApiError(await a.api.post('/current/upload/', { name: 'report.txt', size: '3', action: 'update', instance_id: open }), 400, 1605);
      expectApiError(await a.api.post('/current/upload/', { ...fields, action: 'update', if_version_id: 'not a version' }), 400, 1605);
      const folder = await a.api.post(`/current/workspace/${a.ws.id}/storage/root/createfolder/`, { name: 'Elsewhere' });
      const other = await uploaded(a.api, a.ws.id, 'other.txt', 'another file');
      expectApiError(await writeBack(a.api, open, other, 'not the bound file'), 404, 1609);
      expectApiError(await writeBack(a.api, open, (folder.body.node as { id: string }).id, 'a folder'), 404, 1609);
      // if_version_id belongs to write-backs: a workspace upload with it answers 400/1605.
      const [v1] = await versionIds(a.api, open);
      expectApiError(await writeBack(a.api, a.ws.id, a.fileId, 'workspace update', { if_version_id: v1! }), 400, 1605);
      expect((await a.api.delete(`/current/fileshare/${named}/delete/`)).status).toBe(200);
      expectApiError(await writeBack(a.api, named, a.fileId, 'through a deleted link'), 404, 1609);

      expect(await readThrough(a.api, open)).toBe('Quarterly report, first draft.');
      expect(await versionIds(a.api, open)).toEqual([v1]);
    },
    V2,
  );

  contract.unverified(
    "the plan's file-size limit refuses a write-back session 402/1685, as any upload",
    async () => {
      const { api, org, ws, fileId } = await tenant();
      const fs = await fileshare(api, ws.id, { node: fileId });
      const plan = (await api.get(`/current/org/${org.id}/billing/details/`)).body.plan as { max_file_bytes: number };
      const res = await api.post('/current/upload/', {
        name: 'report.txt',
        size: String(plan.max_file_bytes + 1),
        action: 'update',
        instance_id: fs,
        file_id: fileId,
      });
      expectApiError(res, 402, 1685);
    },
    V2,
  );
});

describe('fileshare activity', () => {
  contract.unverified(
    'its managers poll a fileshare: a write-back wakes a held poll with storage:{node}; an update shows fileshare, a grant grants',
    async () => {
      const { api, ws, fileId } = await tenant();
      const fs = await fileshare(api, ws.id, { node: fileId });
      let cursor = await cursorOf(api, fs);
      // Held for up to 30 s; the test's timeout is 10 s, so only the write-back can end it in time.
      const polling = api.get(`/current/activity/poll/${fs}/`, { query: { wait: 30, lastactivity: cursor } });
      expect((await writeBack(api, fs, fileId, 'Quarterly report, second draft.')).status).toBe(200);
      const woken = await polling;
      expect(woken.status, woken.text).toBe(200);
      expect(woken.body.activity).toContain(`storage:${fileId}`);
      cursor = woken.body.lastactivity as string;

      expect((await api.post(`/current/fileshare/${fs}/update/`, { title: 'Renamed link' })).status).toBe(200);
      expect(await keysSince(api, fs, cursor)).toContain('fileshare');
      cursor = await cursorOf(api, fs);
      const recipient = await c.signedIn();
      expect((await api.post(`/current/fileshare/${fs}/grants/`, { user: recipient.persona.userId, capability: 'edit' })).status).toBe(200);
      expect(await keysSince(api, fs, cursor)).toEqual(['grants']);
      // A change of the bound file made in the workspace (not through the link) is heard too.
      cursor = await cursorOf(api, fs);
      await uploaded(api, ws.id, 'report.txt', 'Quarterly report, from the workspace.');
      expect(await keysSince(api, fs, cursor)).toContain(`storage:${fileId}`);
      // Another fileshare's poll does not hear this one's settings.
      const unrelatedFile = await uploaded(api, ws.id, 'other.txt', 'unrelated');
      const unrelated = await fileshare(api, ws.id, { node: unrelatedFile });
      cursor = await cursorOf(api, unrelated);
      expect((await api.post(`/current/fileshare/${fs}/update/`, { title: 'Again' })).status).toBe(200);
      expect(await keysSince(api, unrelated, cursor)).toEqual([]);
    },
    { ...V2, timeout: 10_000 },
  );

  contract.unverified(
    'only its managers: a grant holder 403/1680, another tenant 401/115069 on a named-people fileshare, a deleted or unknown id 404/1609, a bad lastactivity 400/1605',
    async () => {
      const a = await tenant();
      const b = await tenant();
      const fs = await fileshare(a.api, a.ws.id, { node: a.fileId, access_option: 'named_people', title: 'Tenant A secret' });
      const holder = await c.signedIn();
      await a.api.post(`/current/fileshare/${fs}/grants/`, { user: holder.persona.userId, capability: 'edit' });
      expectApiError(await holder.api.get(`/current/activity/poll/${fs}/`), 403, 1680);
      const refused = await b.api.get(`/current/activity/poll/${fs}/`);
      expectApiError(refused, 401, 115069);
      expect(JSON.stringify(refused.body.error)).not.toContain('Tenant A secret');
      expectApiError(await a.api.get(`/current/activity/poll/${fs}/`, { query: { lastactivity: 'yesterday-ish' } }), 400, 1605);
      expectApiError(await a.api.get('/current/activity/poll/4123456789012345678/'), 404, 1609);
      expect((await a.api.get(`/current/activity/poll/${fs}/`)).status).toBe(200);
      expect((await a.api.delete(`/current/fileshare/${fs}/delete/`)).status).toBe(200);
      expectApiError(await a.api.get(`/current/activity/poll/${fs}/`), 404, 1609);
    },
    V2,
  );
});

describe('April: no fileshares', () => {
  contract.unverified(
    "the write-back form and the poll with a QuickShare id answer 404/1609 (April's fileshare-less answer); the file is unchanged",
    async () => {
      const { api, ws, fileId } = await tenant();
      const made = await api.post(`/current/workspace/${ws.id}/storage/${fileId}/quickshare/`, undefined, { json: {} });
      expect(made.status, made.text).toBe(200);
      const qs = (made.body.quickshare as { id: string }).id;
      expectApiError(await writeBack(api, qs, fileId, 'through a quickshare'), 404, 1609);
      expectApiError(await api.get(`/current/activity/poll/${qs}/`), 404, 1609);
      expectApiError(await api.get(`/current/fileshare/${qs}/details/`), 404, 9992);
      expect((await api.get(`/current/workspace/${ws.id}/storage/${fileId}/read/`)).text).toBe('Quarterly report, first draft.');
    },
    { dialects: ['2026-04'] },
  );
});
