import { describe, expect } from 'vitest';
import type { ApiResponse } from '../client.js';
import { creditsUsed, fixtureDocument, nodeDetails, spendCreditsDownTo, uploadChunk, uploadFile, uploaded, waitFor, type NodeJson } from '../files.js';
import { contract, setupContract } from '../harness.js';
import { expectApiError } from '../expect.js';
import { createOrg, createWorkspace } from '../tenants.js';

const c = setupContract(import.meta.url);

/** A signed-in owner of a fresh org and workspace (no intelligence: storage only). */
async function storageTenant() {
  const { api, persona } = await c.signedIn();
  const org = await createOrg(api);
  const ws = await createWorkspace(api, org.id, { intelligence: false });
  return { api, persona, org, ws, base: `/current/workspace/${ws.id}/storage` };
}

describe('uploads', () => {
  contract.unverified('a single-call upload stores the file; details, list, requestread and read agree byte for byte', async () => {
    const { api, ws, base } = await storageTenant();
    const pdf = fixtureDocument('three-page.pdf');
    const res = await uploadFile(api, ws.id, 'overview.pdf', pdf);
    expect(res.status, res.text).toBe(200);
    expect(res.body.id).toMatch(/^[0-9a-z]{29,30}$/);
    const nodeId = res.body.new_file_id as string;
    expect(nodeId).toMatch(/^[0-9a-z]{29,30}$/);
    const node = await nodeDetails(api, ws.id, nodeId);
    expect(node).toMatchObject({ id: nodeId, name: 'overview.pdf', type: 'file', parent: 'root', size: pdf.length, mimetype: 'application/pdf' });
    expect(node.version).toMatch(/^[0-9a-z]{29,30}$/);
    const list = await api.get(`${base}/root/list/`);
    expect((list.body.nodes as NodeJson[]).map((n) => n.id)).toEqual([nodeId]);
    const token = await api.get(`${base}/${nodeId}/requestread/`);
    expect(token.status).toBe(200);
    const read = await c.target.fetch(`${c.target.baseUrl}${base}/${nodeId}/read/?token=${encodeURIComponent(token.body.token as string)}`, { method: 'GET' });
    expect(read.status).toBe(200);
    expect(Buffer.from(await read.arrayBuffer()).equals(Buffer.from(pdf))).toBe(true);
  });

  contract.unverified('a chunked session goes ready -> uploading -> stored, then reads back; sessions can be deleted', async () => {
    const { api, ws, base } = await storageTenant();
    const parts = ['Chunk one of the ledger. ', 'Chunk two of the ledger. ', 'Chunk three.'];
    const total = parts.join('');
    const created = await api.post('/current/upload/', {
      name: 'ledger.txt',
      size: total.length,
      action: 'create',
      instance_id: ws.id,
      folder_id: 'root',
      profile_type: 'workspace',
    });
    expect(created.status, created.text).toBe(200);
    const id = created.body.id as string;
    const session = async () =>
      (await api.get(`/current/upload/${id}/details/`)).body.session as { status: string; new_file_id: string | null; chunks: Record<string, number> };
    expect((await session()).status).toBe('ready');
    for (const [i, part] of parts.entries()) expect((await uploadChunk(api, id, i + 1, part)).status).toBe(200);
    expect(await session()).toMatchObject({ status: 'uploading', chunks: { '1': parts[0]!.length, '2': parts[1]!.length, '3': parts[2]!.length } });
    expect((await api.post(`/current/upload/${id}/complete/`)).status).toBe(200);
    const done = await waitFor(api, ws.id, session, (s) => ['stored', 'assembly_failed', 'store_failed'].includes(s.status), 'the upload session');
    expect(done.status).toBe('stored');
    const read = await api.get(`${base}/${done.new_file_id!}/read/`);
    expect(read.text).toBe(total);
    expect((await api.delete(`/current/upload/${id}/`)).status).toBe(200);
    expectApiError(await api.get(`/current/upload/${id}/details/`), 404, 1609);
    expect((await nodeDetails(api, ws.id, done.new_file_id!)).size).toBe(total.length);
  });

  contract.unverified("the plan's file size limit answers 402/1685 when a session opens", async () => {
    const { api, org, ws } = await storageTenant();
    // The org's own plan says its limit (April's free plan: 1 GiB; V2's set-up plan: its own).
    const plan = (await api.get(`/current/org/${org.id}/billing/details/`)).body.plan as { max_file_bytes: number };
    const res = await api.post('/current/upload/', {
      name: 'huge.bin',
      size: plan.max_file_bytes + 1,
      action: 'create',
      instance_id: ws.id,
      folder_id: 'root',
      profile_type: 'workspace',
    });
    expectApiError(res, 402, 1685);
  });
});

describe('folders, notes and the trash', () => {
  contract.unverified('createfolder is idempotent, createnote needs .md, delete moves to the trash, purge removes for good', async () => {
    const { api, ws, base } = await storageTenant();
    const folder = (await api.post(`${base}/root/createfolder/`, { name: 'Contracts' })).body.node as NodeJson;
    expect(folder).toMatchObject({ type: 'folder', name: 'Contracts', parent: 'root' });
    expect(((await api.post(`${base}/root/createfolder/`, { name: 'Contracts' })).body.node as NodeJson).id).toBe(folder.id);
    const note = await api.post(`${base}/${folder.id}/createnote/`, { name: 'decisions.md', content: '# Decisions\n\nWe chose the harbor vendor.' });
    expect(note.status, note.text).toBe(200);
    expect(note.body.node).toMatchObject({ type: 'note', parent: folder.id, name: 'decisions.md' });
    expectApiError(await api.post(`${base}/root/createnote/`, { name: 'decisions.txt', content: 'x' }), 400, 1605);
    const fileId = await uploaded(api, ws.id, 'inside.txt', 'inside the folder', { folder_id: folder.id });
    const inFolder = (await api.get(`${base}/${folder.id}/list/`)).body.nodes as NodeJson[];
    expect(inFolder.map((n) => n.name).sort()).toEqual(['decisions.md', 'inside.txt']);

    expectApiError(await api.delete(`${base}/${fileId}/purge/`), 400, 1605);
    expect((await api.delete(`${base}/${folder.id}/delete/`)).status).toBe(200);
    expect((await api.get(`${base}/root/list/`)).body.nodes).toEqual([]);
    expect(((await api.get(`${base}/trash/list/`)).body.nodes as NodeJson[]).map((n) => n.id)).toEqual([folder.id]);
    expect((await nodeDetails(api, ws.id, fileId)).deleted).toBe(true);
    expect((await api.delete(`${base}/${folder.id}/purge/`)).status).toBe(200);
    expectApiError(await api.get(`${base}/${fileId}/details/`), 404, 1609);
  });
});

describe('hostile input', () => {
  contract.unverified("bad names, ids, types and bodies answer 4xx in the live envelope; another tenant's node is 401/115069", async () => {
    const a = await storageTenant();
    const b = await storageTenant();
    const theirs = await uploaded(b.api, b.ws.id, 'theirs.txt', 'tenant b only');
    const responses: ApiResponse[] = [];
    const check = async (res: Promise<ApiResponse>, status: number, code: number) => {
      const r = await res;
      responses.push(r);
      expectApiError(r, status, code);
      return r;
    };
    for (const name of ['../../etc/passwd', 'a/b', '..', 'x'.repeat(256), 'nul\u0000.txt']) {
      await check(uploadFile(a.api, a.ws.id, 'ok.txt', 'x', { name }), 400, 1605);
      await check(a.api.post(`${a.base}/root/createfolder/`, { name }), 400, 1605);
    }
    await check(a.api.get(`${a.base}/not-a-node/details/`), 400, 1605);
    await check(a.api.get('/current/upload/not-an-upload/details/'), 400, 1605);
    await check(a.api.get(`${a.base}/2${'0'.repeat(28)}/details/`), 404, 1609);
    await check(a.api.post('/current/upload/', { name: 'x.bin', size: 'ten', instance_id: a.ws.id }), 400, 1605);
    await check(a.api.request('POST', '/current/upload/', { raw: { body: '--x\r\nbroken', contentType: 'multipart/form-data; boundary=x' } }), 400, 1605);
    await check(a.api.get(`/current/workspace/${a.ws.id}/storage/search/`, { query: { search: 'a' } }), 400, 1605);
    for (const path of ['details', 'requestread', 'read']) {
      const r = await check(a.api.get(`${a.base}/${theirs}/${path}/`), 401, 115069);
      expect(r.text).not.toContain('theirs.txt');
    }
    await check(a.api.delete(`${a.base}/${theirs}/delete/`), 401, 115069);
    await check(uploadFile(a.api, b.ws.id, 'intrude.txt', 'x'), 401, 10545);
    for (const r of responses) expect(r.status).toBeLessThan(500);
    expect((await nodeDetails(b.api, b.ws.id, theirs)).deleted).toBe(false);
  });
});

describe('credits', () => {
  contract.emulatorOnly('a download past the credit budget answers 402/1696 naming used and limit; storage keeps working', async () => {
    const { api, org, ws, base } = await storageTenant();
    // 2 MB cost 0.000424 credits to download: more than the usage route's rounding can leave.
    const nodeId = await uploaded(api, ws.id, 'report.bin', new Uint8Array(2_000_000).fill(42));
    expect((await api.get(`${base}/${nodeId}/read/`)).status).toBe(200);
    await spendCreditsDownTo(c.api(), api, org.id, 0);
    const refused = await api.get(`${base}/${nodeId}/read/`);
    expectApiError(refused, 402, 1696);
    // The plan's allowance: 5000 on April's free plan, the set-up plan's under V2.
    const { limit } = await creditsUsed(api, org.id);
    expect(refused.body.error!.text).toMatch(new RegExp(`of ${limit} credits used`));
    expect((await nodeDetails(api, ws.id, nodeId)).name).toBe('report.bin');
    expect(await uploaded(api, ws.id, 'after.txt', 'uploads still work')).toMatch(/^[0-9a-z]{29,30}$/);
  });

  contract.emulatorOnly('the control plane settles background work: a completed session is stored when settle returns', async () => {
    const { api, ws } = await storageTenant();
    const created = await api.post('/current/upload/', { name: 'x.txt', size: 5, instance_id: ws.id });
    const id = created.body.id as string;
    await uploadChunk(api, id, 1, 'hello');
    await api.post(`/current/upload/${id}/complete/`);
    const settled = await c.api().post('/_emulator/jobs/settle', undefined, { query: { now: true } });
    expect(settled.body).toMatchObject({ result: true, settled: true, pending: 0 });
    expect(((await api.get(`/current/upload/${id}/details/`)).body.session as { status: string }).status).toBe('stored');
  });
});
