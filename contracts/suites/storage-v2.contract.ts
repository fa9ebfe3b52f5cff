/**
 * Storage as V2 has it (official client 96b1551, agent guide v2.6): notes read and updated as
 * notes, same-name uploads that keep the old content as a version, restore-version, upload
 * `action=update`, addfile, and the workspace-create rules. Searches are in storage-search.contract.ts.
 */
import { describe, expect } from 'vitest';
import type { ApiClient, ApiResponse } from '../client.js';
import { nodeDetails, uploadChunk, uploadFile, uploaded, waitFor, type NodeJson } from '../files.js';
import { contract, setupContract } from '../harness.js';
import { expectApiError } from '../expect.js';
import { createWorkspace, WORKSPACE_DEFAULTS } from '../tenants.js';

const c = setupContract(import.meta.url);

/** A signed-in owner of a fresh org and workspace (no intelligence: storage only). */
async function storageTenant() {
  const { api, persona } = await c.signedIn();
  const org = await c.createOrg(api);
  const ws = await createWorkspace(api, org.id, { intelligence: false });
  return { api, persona, org, ws, base: `/current/workspace/${ws.id}/storage` };
}

/** PARITY: 400/1605 "Node is not a note" (official client view.rs) carrying the guide's 153548 (SKILL.md v2.6). */
function expectNotANote(res: ApiResponse): void {
  expectApiError(res, 400, 1605);
  expect(res.body.error!.text).toMatch(/not a note/i);
  expect(res.body.error!.params!.map((p) => [p.name, p.code])).toEqual([['node_id', 153548]]);
}

async function readText(api: ApiClient, base: string, nodeId: string, versionId?: string): Promise<string> {
  const res = await api.get(`${base}/${nodeId}/read/`, versionId ? { query: { version_id: versionId } } : {});
  expect(res.status, res.text).toBe(200);
  return res.text;
}

describe('notes', () => {
  contract.unverified(
    'readnote answers {content, note}; updatenote writes a new version (the old one stays readable), renames, and guards with if_version_id',
    async () => {
      const { api, base } = await storageTenant();
      const created = await api.post(`${base}/root/createnote/`, { name: 'plan.md', content: '# Plan\n\nFirst draft.' });
      expect(created.status, created.text).toBe(200);
      const note = created.body.node as NodeJson;
      const read = await api.get(`${base}/${note.id}/readnote/`);
      expect(read.status, read.text).toBe(200);
      expect(read.body).toMatchObject({ content: '# Plan\n\nFirst draft.', note: { id: note.id, type: 'note', name: 'plan.md', version: note.version } });

      const updated = await api.post(`${base}/${note.id}/updatenote/`, { content: '# Plan\n\nSecond draft.', if_version_id: note.version });
      expect(updated.status, updated.text).toBe(200);
      const v2 = updated.body.node as NodeJson;
      expect(v2).toMatchObject({ id: note.id, type: 'note', name: 'plan.md' });
      expect(v2.version).not.toBe(note.version);
      expect((await api.get(`${base}/${note.id}/readnote/`)).body.content).toBe('# Plan\n\nSecond draft.');
      expect((await api.get(`${base}/${note.id}/readnote/`, { query: { version_id: note.version } })).body.content).toBe('# Plan\n\nFirst draft.');

      // A stale precondition is a conflict and changes nothing.
      expectApiError(await api.post(`${base}/${note.id}/updatenote/`, { content: 'lost write', if_version_id: note.version }), 409, 1660);
      expect((await api.get(`${base}/${note.id}/readnote/`)).body.content).toBe('# Plan\n\nSecond draft.');

      const renamed = await api.post(`${base}/${note.id}/updatenote/`, { name: 'roadmap.md' });
      expect(renamed.status, renamed.text).toBe(200);
      expect(renamed.body.node).toMatchObject({ id: note.id, name: 'roadmap.md', version: v2.version });
      expectApiError(await api.post(`${base}/${note.id}/updatenote/`, {}), 400, 1605);
      expectApiError(await api.post(`${base}/${note.id}/updatenote/`, { name: 'roadmap.txt' }), 400, 1605);
    },
    { dialects: ['v2'] },
  );

  contract.unverified(
    'a .md uploaded as a file is not a note: readnote and updatenote answer 400/1605 "Node is not a note" with 153548; a version of another note is 400/1605',
    async () => {
      const { api, ws, base } = await storageTenant();
      const file = await uploaded(api, ws.id, 'readme.md', '# Read me');
      // The client's `view` falls back to read/ on exactly this: 400, 1605, "not a note" (commands/view.rs).
      for (const res of [await api.get(`${base}/${file}/readnote/`), await api.post(`${base}/${file}/updatenote/`, { content: '# Changed' })]) {
        expectNotANote(res);
      }
      expect((await nodeDetails(api, ws.id, file)).type).toBe('file');
      expect(await readText(api, base, file)).toBe('# Read me');

      const a = (await api.post(`${base}/root/createnote/`, { name: 'a.md', content: 'a' })).body.node as NodeJson;
      const b = (await api.post(`${base}/root/createnote/`, { name: 'b.md', content: 'b' })).body.node as NodeJson;
      expectApiError(await api.get(`${base}/${a.id}/readnote/`, { query: { version_id: b.version } }), 400, 1605);
      const folder = (await api.post(`${base}/root/createfolder/`, { name: 'Docs' })).body.node as NodeJson;
      expectNotANote(await api.get(`${base}/${folder.id}/readnote/`));
    },
    { dialects: ['v2'] },
  );
});

describe('overwrite and versions', () => {
  contract.unverified(
    'a same-name upload overwrites in place and keeps the old content; restore-version brings it back, keeping the newer one',
    async () => {
      const { api, ws, base } = await storageTenant();
      const id = await uploaded(api, ws.id, 'terms.txt', 'Terms, first edition.');
      const v1 = (await nodeDetails(api, ws.id, id)).version;
      expect(await uploaded(api, ws.id, 'terms.txt', 'Terms, second edition, longer.')).toBe(id);
      const after = await nodeDetails(api, ws.id, id);
      expect(after.version).not.toBe(v1);
      expect(after.size).toBe('Terms, second edition, longer.'.length);
      expect(await readText(api, base, id)).toBe('Terms, second edition, longer.');
      expect(await readText(api, base, id, v1)).toBe('Terms, first edition.');
      expect(((await api.get(`${base}/root/list/`)).body.nodes as NodeJson[]).map((n) => n.id)).toEqual([id]);

      const restored = await api.post(`${base}/${id}/restore-version/`, { version_id: v1 });
      expect(restored.status, restored.text).toBe(200);
      expect(restored.body.node).toMatchObject({ id, version: v1, size: 'Terms, first edition.'.length });
      expect(await readText(api, base, id)).toBe('Terms, first edition.');
      expect(await readText(api, base, id, after.version)).toBe('Terms, second edition, longer.');

      // A version of another file, or no version at all, is refused.
      const other = await uploaded(api, ws.id, 'other.txt', 'other');
      const otherVersion = (await nodeDetails(api, ws.id, other)).version;
      expectApiError(await api.post(`${base}/${id}/restore-version/`, { version_id: otherVersion }), 400, 1605);
      expectApiError(await api.post(`${base}/${id}/restore-version/`, {}), 400, 1605);
      expectApiError(await api.get(`${base}/${id}/read/`, { query: { version_id: otherVersion } }), 404, 1609);
    },
    { dialects: ['v2'] },
  );

  contract.unverified('upload action=update with file_id stores a new version of that file (single call and chunked); name renames it', async () => {
    const { api, ws, base } = await storageTenant();
    const folder = (await api.post(`${base}/root/createfolder/`, { name: 'Reports' })).body.node as NodeJson;
    const id = await uploaded(api, ws.id, 'q1.txt', 'Quarter one, draft.', { folder_id: folder.id });
    const v1 = (await nodeDetails(api, ws.id, id)).version;

    const single = await uploadFile(api, ws.id, 'ignored.txt', 'Quarter one, final.', {
      action: 'update',
      file_id: id,
      name: 'q1-final.txt',
      folder_id: 'root',
    });
    expect(single.status, single.text).toBe(200);
    expect(single.body.new_file_id).toBe(id);
    const renamed = await nodeDetails(api, ws.id, id);
    expect(renamed).toMatchObject({ id, name: 'q1-final.txt', parent: folder.id });
    expect(await readText(api, base, id, v1)).toBe('Quarter one, draft.');

    const body = 'Quarter one, audited.';
    const session = await api.post('/current/upload/', { action: 'update', file_id: id, size: body.length, instance_id: ws.id, profile_type: 'workspace' });
    expect(session.status, session.text).toBe(200);
    const uploadId = session.body.id as string;
    expect((await uploadChunk(api, uploadId, 1, body)).status).toBe(200);
    expect((await api.post(`/current/upload/${uploadId}/complete/`)).status).toBe(200);
    const read = async () => (await api.get(`/current/upload/${uploadId}/details/`)).body.session as { status: string; new_file_id: string | null };
    const done = await waitFor(api, ws.id, read, (s) => ['stored', 'store_failed', 'assembly_failed'].includes(s.status), 'the update session');
    expect(done).toMatchObject({ status: 'stored', new_file_id: id });
    expect(await readText(api, base, id)).toBe(body);
    expect(await nodeDetails(api, ws.id, id)).toMatchObject({ name: 'q1-final.txt', parent: folder.id });

    expectApiError(await uploadFile(api, ws.id, 'x.txt', 'x', { action: 'update' }), 400, 1605);
    expectApiError(await uploadFile(api, ws.id, 'x.txt', 'x', { action: 'update', file_id: folder.id }), 400, 1605);
  });

  contract.unverified(
    'addfile adds a stored upload under a new name; a same name overwrites as a version; hash sources and unfinished uploads are refused',
    async () => {
      const { api, ws, base } = await storageTenant();
      const up = await uploadFile(api, ws.id, 'source.txt', 'Shared bytes.');
      expect(up.status, up.text).toBe(200);
      const folder = (await api.post(`${base}/root/createfolder/`, { name: 'Copies' })).body.node as NodeJson;
      const from = JSON.stringify({ type: 'upload', upload: { id: up.body.id } });
      const added = await api.post(`${base}/${folder.id}/addfile/`, { name: 'copy.txt', from });
      expect(added.status, added.text).toBe(200);
      const copy = added.body.node as NodeJson;
      expect(copy).toMatchObject({ type: 'file', name: 'copy.txt', parent: folder.id, size: 'Shared bytes.'.length });
      expect(copy.id).not.toBe(up.body.new_file_id);
      expect(await readText(api, base, copy.id)).toBe('Shared bytes.');

      const again = await api.post(`${base}/${folder.id}/addfile/`, { name: 'copy.txt', from });
      expect((again.body.node as NodeJson).id).toBe(copy.id);
      expect((again.body.node as NodeJson).version).not.toBe(copy.version);
      expect(await readText(api, base, copy.id, copy.version)).toBe('Shared bytes.');

      const hash = JSON.stringify({ type: 'hash', hash: { hash: 'ab'.repeat(32), hash_type: 'sha256' } });
      expectApiError(await api.post(`${base}/root/addfile/`, { name: 'h.txt', from: hash }), 400, 1605);
      expectApiError(await api.post(`${base}/root/addfile/`, { name: 'h.txt', from: 'not json' }), 400, 1605);
      const open = await api.post('/current/upload/', {
        name: 'later.txt',
        size: 5,
        action: 'create',
        instance_id: ws.id,
        folder_id: 'root',
        profile_type: 'workspace',
      });
      const pending = JSON.stringify({ type: 'upload', upload: { id: open.body.id } });
      expectApiError(await api.post(`${base}/root/addfile/`, { name: 'later.txt', from: pending }), 409, 1660);
    },
  );
});

describe('workspace create rules', () => {
  contract.unverified(
    'V2 requires intelligence on create (400/1605 naming it); with it, the workspace says what was sent',
    async () => {
      const { api } = await c.signedIn();
      const org = await c.createOrg(api);
      const { intelligence: _dropped, ...withoutIntelligence } = WORKSPACE_DEFAULTS;
      const res = await api.post(`/current/org/${org.id}/create/workspace/`, { ...withoutIntelligence, name: 'No flag', folder_name: c.unique('ws') });
      expectApiError(res, 400, 1605);
      expect(res.body.error!.params!.map((p) => `${p.name}:${p.kind}`)).toEqual(['intelligence:missing']);
      const ws = await createWorkspace(api, org.id, { intelligence: false });
      expect(ws).toMatchObject({ intelligence: false });
    },
    { dialects: ['v2'] },
  );

  contract.unverified(
    'April takes a create without intelligence and leaves it off',
    async () => {
      const { api } = await c.signedIn();
      const org = await c.createOrg(api);
      const { intelligence: _dropped, ...withoutIntelligence } = WORKSPACE_DEFAULTS;
      const res = await api.post(`/current/org/${org.id}/create/workspace/`, { ...withoutIntelligence, name: 'No flag', folder_name: c.unique('ws') });
      expect(res.status, res.text).toBe(200);
      expect(res.body.workspace).toMatchObject({ intelligence: false });
    },
    { dialects: ['2026-04'] },
  );
});

describe('tenancy', () => {
  contract.unverified(
    "every new storage route refuses another tenant's workspace (401/10545) and another workspace's node (401/115069), and leaks nothing",
    async () => {
      const v2 = c.target.dialect === 'v2';
      const a = await storageTenant();
      const b = await storageTenant();
      const theirFile = await uploaded(b.api, b.ws.id, 'theirs.txt', 'tenant b secret');
      const theirNote = (await b.api.post(`${b.base}/root/createnote/`, { name: 'secret.md', content: 'tenant b note' })).body.node as NodeJson;
      const theirUpload = await uploadFile(b.api, b.ws.id, 'up.txt', 'tenant b upload');
      const v1 = (await nodeDetails(b.api, b.ws.id, theirFile)).version;
      await uploaded(b.api, b.ws.id, 'theirs.txt', 'tenant b secret, v2');
      const mine = await uploaded(a.api, a.ws.id, 'mine.txt', 'tenant a');
      const from = JSON.stringify({ type: 'upload', upload: { id: theirUpload.body.id } });

      // In their workspace: not a member.
      const foreignWorkspace = [
        a.api.post(`${b.base}/${theirNote.id}/updatenote/`, { content: 'overwritten' }),
        a.api.post(`${b.base}/root/addfile/`, { name: 'x.txt', from }),
        ...(v2 ? [a.api.get(`${b.base}/${theirNote.id}/readnote/`), a.api.post(`${b.base}/${theirFile}/restore-version/`, { version_id: v1 })] : []),
      ];
      for (const res of await Promise.all(foreignWorkspace)) {
        expectApiError(res, 401, 10545);
        expect(res.text).not.toContain('tenant b');
      }
      // Their node ids through my workspace: not shared.
      const foreignNode = [
        a.api.post(`${a.base}/${theirNote.id}/updatenote/`, { content: 'overwritten' }),
        a.api.get(`${a.base}/${theirFile}/read/`, { query: { version_id: v1 } }),
        uploadFile(a.api, a.ws.id, 'x.txt', 'overwrite attempt', { action: 'update', file_id: theirFile }),
        ...(v2 ? [a.api.get(`${a.base}/${theirNote.id}/readnote/`), a.api.post(`${a.base}/${theirFile}/restore-version/`, { version_id: v1 })] : []),
      ];
      for (const res of await Promise.all(foreignNode)) {
        expectApiError(res, 401, 115069);
        expect(res.text).not.toContain('tenant b');
      }
      // Their upload, added to my workspace: as good as absent.
      expectApiError(await a.api.post(`${a.base}/root/addfile/`, { name: 'stolen.txt', from }), 404, 1609);
      if (v2) {
        // Version ids do not cross files, let alone tenants.
        const myVersion = (await nodeDetails(a.api, a.ws.id, mine)).version;
        expectApiError(await a.api.post(`${a.base}/${mine}/restore-version/`, { version_id: v1 }), 400, 1605);
        expectApiError(await b.api.post(`${b.base}/${theirFile}/restore-version/`, { version_id: myVersion }), 400, 1605);
        expect((await b.api.get(`${b.base}/${theirNote.id}/readnote/`)).body.content).toBe('tenant b note');
      }
      expectApiError(await a.api.get(`${a.base}/${mine}/read/`, { query: { version_id: v1 } }), 404, 1609);
      expect(await readText(b.api, b.base, theirFile)).toBe('tenant b secret, v2');
      expect(await readText(b.api, b.base, theirFile, v1)).toBe('tenant b secret');
      expect(((await a.api.get(`${a.base}/root/list/`)).body.nodes as NodeJson[]).map((n) => n.name)).toEqual(['mine.txt']);
    },
  );
});
