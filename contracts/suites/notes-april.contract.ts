/**
 * The April note routes (official client 41dde01 src/api/workspace.rs create_note, update_note,
 * read_note with JSON bodies; src/api/storage.rs read_content): `notes/` GET and POST,
 * `notes/update/`, and `content/` for notes and text files. April only: V2 spells them
 * createnote/readnote/updatenote (storage-v2.contract.ts).
 */
import { describe, expect } from 'vitest';
import { uploaded, type NodeJson } from '../files.js';
import { contract, setupContract } from '../harness.js';
import { expectApiError } from '../expect.js';
import { createOrg, createWorkspace } from '../tenants.js';

const c = setupContract(import.meta.url, { dialects: ['2026-04'] });

async function storageTenant() {
  const { api } = await c.signedIn();
  const org = await createOrg(api);
  const ws = await createWorkspace(api, org.id, { intelligence: false });
  return { api, org, ws, base: `/current/workspace/${ws.id}/storage` };
}

describe('April notes', () => {
  contract.unverified('notes/ creates from JSON, reads back, notes/update/ renames and rewrites keeping a version', async () => {
    const { api, base } = await storageTenant();
    const created = await api.post(`${base}/root/notes/`, undefined, { json: { name: 'plan.md', content: '# Plan\n\nFirst.' } });
    expect(created.status, created.text).toBe(200);
    const note = created.body.node as NodeJson & { version: string };
    expect(note).toMatchObject({ name: 'plan.md', type: 'note', parent: 'root' });

    const read = await api.get(`${base}/${note.id}/notes/`);
    expect(read.status, read.text).toBe(200);
    expect(read.body).toMatchObject({ content: '# Plan\n\nFirst.', note: { id: note.id, name: 'plan.md' } });

    const updated = await api.post(`${base}/${note.id}/notes/update/`, undefined, { json: { name: 'roadmap.md', content: '# Roadmap' } });
    expect(updated.status, updated.text).toBe(200);
    expect(updated.body.node).toMatchObject({ id: note.id, name: 'roadmap.md' });
    expect((updated.body.node as { version: string }).version).not.toBe(note.version);
    expect((await api.get(`${base}/${note.id}/notes/`)).body.content).toBe('# Roadmap');
    // the earlier content is a kept version
    expect((await api.get(`${base}/${note.id}/notes/`, { query: { version_id: note.version } })).body.content).toBe('# Plan\n\nFirst.');

    const empty = await api.post(`${base}/root/notes/`, undefined, { json: { name: 'blank.md' } });
    expect(empty.status, empty.text).toBe(200);
    expect((await api.get(`${base}/${(empty.body.node as NodeJson).id}/notes/`)).body.content).toBe('');
    expectApiError(await api.post(`${base}/root/notes/`, undefined, { json: { name: 'plan.txt' } }), 400, 1605);
    expectApiError(await api.post(`${base}/${note.id}/notes/update/`, undefined, { json: {} }), 400, 1605);
  });

  contract.unverified('content/ answers a note’s or a text file’s content; a binary file, a folder, a file as a note are 400/1605', async () => {
    const { api, ws, base } = await storageTenant();
    const note = (await api.post(`${base}/root/notes/`, undefined, { json: { name: 'n.md', content: 'note text' } })).body.node as NodeJson;
    const n = await api.get(`${base}/${note.id}/content/`);
    expect(n.status, n.text).toBe(200);
    expect(n.body).toMatchObject({ content: 'note text', node: { id: note.id } });
    const file = await uploaded(api, ws.id, 'readme.txt', 'plain words\n');
    expect((await api.get(`${base}/${file}/content/`)).body).toMatchObject({ content: 'plain words\n', node: { id: file, name: 'readme.txt' } });
    const bin = await uploaded(api, ws.id, 'blob.bin', new Uint8Array([0xff, 0xfe, 0x00, 0x80, 0xc3]));
    expectApiError(await api.get(`${base}/${bin}/content/`), 400, 1605);
    const folder = (await api.post(`${base}/root/createfolder/`, { name: 'F' })).body.node as NodeJson;
    expectApiError(await api.get(`${base}/${folder.id}/content/`), 400, 1605);
    expectApiError(await api.get(`${base}/${file}/notes/`), 400, 1605);
  });

  contract.unverified("another tenant's notes/, notes/update/ and content/ answer 401/10545 and change nothing", async () => {
    const a = await storageTenant();
    const b = await storageTenant();
    const note = (await a.api.post(`${a.base}/root/notes/`, undefined, { json: { name: 'secret.md', content: 'alpha' } })).body.node as NodeJson;
    expectApiError(await b.api.get(`${a.base}/${note.id}/notes/`), 401, 10545);
    expectApiError(await b.api.get(`${a.base}/${note.id}/content/`), 401, 10545);
    expectApiError(await b.api.post(`${a.base}/${note.id}/notes/update/`, undefined, { json: { content: 'hijacked' } }), 401, 10545);
    expectApiError(await b.api.post(`${a.base}/root/notes/`, undefined, { json: { name: 'intrusion.md' } }), 401, 10545);
    expect((await a.api.get(`${a.base}/${note.id}/notes/`)).body.content).toBe('alpha');
  });
});
