/**
 * Upload routes beyond open/chunk/complete (issue 18, item 4; official client src/api/upload.rs at
 * 96b1551 and 41dde01): limits, extensions (April /upload/extensions/, V2
 * /upload/limits/extensions/), hash algorithms (V2), the caller's session list and cancel-all, one
 * session's chunks (read, delete), the single-call stream, the batch with partial success, and a
 * removed member's open session. Each group has a second tenant that is refused.
 */
import { createHash } from 'node:crypto';
import { describe, expect } from 'vitest';
import { uploadChunk, waitFor } from '../files.js';
import { contract, setupContract } from '../harness.js';
import { expectApiError } from '../expect.js';
import type { ApiClient } from '../client.js';
import { addWorkspaceMember, createOrg, createWorkspace } from '../tenants.js';

const c = setupContract(import.meta.url);

async function uploader() {
  const { api, persona } = await c.signedIn();
  const org = await createOrg(api);
  const ws = await createWorkspace(api, org.id, { intelligence: false });
  return { api, persona, org, ws };
}

interface SessionJson {
  id: string;
  status: string;
  size: number;
  new_file_id: string | null;
  chunks: Record<string, number>;
}

async function openSession(api: ApiClient, workspaceId: string, size: number, fields: Record<string, string> = {}): Promise<string> {
  const res = await api.post('/current/upload/', {
    name: 'session.bin',
    size: String(size),
    action: 'create',
    instance_id: workspaceId,
    folder_id: 'root',
    profile_type: 'workspace',
    ...fields,
  });
  expect(res.status, res.text).toBe(200);
  return res.body.id as string;
}

const session = async (api: ApiClient, id: string) => (await api.get(`/current/upload/${id}/details/`)).body.session as SessionJson;

describe('limits, extensions and hash algorithms', () => {
  contract.unverified("limits: the plan's numbers; with action=create the target org's use; another tenant's workspace is refused", async () => {
    const a = await uploader();
    const b = await uploader();
    const plain = await a.api.get('/current/upload/limits/');
    expect(plain.status, plain.text).toBe(200);
    expect(plain.body.limits).toMatchObject({ chunk_size: 4 * 1024 * 1024, single_call_max_size: 4 * 1024 * 1024, batch_max_files: 200 });
    const plan = (await a.api.get(`/current/org/${a.org.id}/billing/details/`)).body.plan as { max_file_bytes: number };
    const inWs = await a.api.get('/current/upload/limits/', { query: { action: 'create', instance_id: a.ws.id, folder_id: 'root' } });
    expect(inWs.status, inWs.text).toBe(200);
    expect(inWs.body.limits).toMatchObject({ org: a.org.id, max_file_size: plan.max_file_bytes, storage_used: 0 });
    expectApiError(await a.api.get('/current/upload/limits/', { query: { action: 'create' } }), 400, 1605);
    expectApiError(await a.api.get('/current/upload/limits/', { query: { action: 'create', instance_id: b.ws.id } }), 401, 10545);
    expectApiError(await a.api.get('/current/upload/limits/', { query: { action: 'sideways' } }), 400, 1605);
  });

  contract.unverified('restricted extensions at the path of the running dialect; the other path is not served', async () => {
    const { api } = await uploader();
    const [mine, other] =
      c.target.dialect === 'v2'
        ? ['/current/upload/limits/extensions/', '/current/upload/extensions/']
        : ['/current/upload/extensions/', '/current/upload/limits/extensions/'];
    const res = await api.get(mine);
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ restricted_extensions: [] });
    expect(typeof res.body.plan).toBe('string');
    expectApiError(await api.get(mine, { query: { plan: 'no-such-plan' } }), 404, 1609);
    expect((await api.get(other)).status).toBeGreaterThanOrEqual(400);
  });

  contract.unverified('hash algorithms (V2): algos[] names sha256; a chunk whose hash differs is refused 400/1605', async () => {
    const { api, ws } = await uploader();
    const algos = await api.get('/current/upload/algos/');
    if (c.target.dialect === 'v2') {
      expect(algos.status, algos.text).toBe(200);
      expect(algos.body.algos).toEqual(expect.arrayContaining(['md5', 'sha1', 'sha256']));
    } else expect(algos.status).toBeGreaterThanOrEqual(400);
    const id = await openSession(api, ws.id, 5);
    const form = new FormData();
    form.append('chunk', new Blob([new TextEncoder().encode('hello')]), 'chunk.bin');
    const wrong = await api.request('POST', `/current/upload/${id}/chunk/`, {
      query: { order: 1, size: 5, hash: 'ab'.repeat(32), hash_algo: 'sha256' },
      raw: { body: form },
    });
    expectApiError(wrong, 400, 1605);
    const right = createHash('sha256').update('hello').digest('hex');
    const form2 = new FormData();
    form2.append('chunk', new Blob([new TextEncoder().encode('hello')]), 'chunk.bin');
    const ok = await api.request('POST', `/current/upload/${id}/chunk/`, {
      query: { order: 1, size: 5, hash: right, hash_algo: 'sha256' },
      raw: { body: form2 },
    });
    expect(ok.status, ok.text).toBe(200);
  });
});

describe('sessions as a set', () => {
  contract.unverified("the list holds the caller's sessions only; chunk status and delete; cancel-all ends the open ones", async () => {
    const a = await uploader();
    const b = await uploader();
    const first = await openSession(a.api, a.ws.id, 10);
    const second = await openSession(a.api, a.ws.id, 3);
    const theirs = await openSession(b.api, b.ws.id, 4);
    expect((await uploadChunk(a.api, first, 1, 'hello')).status).toBe(200);
    expect((await uploadChunk(a.api, first, 2, 'world')).status).toBe(200);

    const list = await a.api.get('/current/upload/details/');
    expect(list.status, list.text).toBe(200);
    const ids = (list.body.sessions as SessionJson[]).map((s) => s.id);
    expect(ids).toEqual(expect.arrayContaining([first, second]));
    expect(ids).not.toContain(theirs);
    expect(list.body.results).toBe(ids.length);

    const chunks = await a.api.get(`/current/upload/${first}/chunk/`);
    expect(chunks.status, chunks.text).toBe(200);
    expect(chunks.body).toMatchObject({ id: first, size: 10, received: 10, chunks: { '1': 5, '2': 5 } });
    expectApiError(await b.api.get(`/current/upload/${first}/chunk/`), 404, 1609);
    expectApiError(await b.api.delete(`/current/upload/${first}/chunk/`, { query: { order: 1 } }), 404, 1609);

    const deleted = await a.api.delete(`/current/upload/${first}/chunk/`, { query: { order: 2 } });
    expect(deleted.status, deleted.text).toBe(200);
    expect((await session(a.api, first)).chunks).toEqual({ '1': 5 });
    expectApiError(await a.api.delete(`/current/upload/${first}/chunk/`, { query: { order: 2 } }), 404, 1609);
    expectApiError(await a.api.delete(`/current/upload/${first}/chunk/`), 400, 1605);

    // Cancel-all ends this caller's open sessions, not the other tenant's.
    const cancelled = await a.api.delete('/current/upload/');
    expect(cancelled.status, cancelled.text).toBe(200);
    expect(cancelled.body.cancelled).toBeGreaterThanOrEqual(2);
    expectApiError(await a.api.get(`/current/upload/${first}/details/`), 404, 1609);
    expectApiError(await a.api.get(`/current/upload/${second}/details/`), 404, 1609);
    expect((await session(b.api, theirs)).status).toBe('ready');
  });

  contract.unverified("a removed member's open session stops: the next chunk and complete are refused", async () => {
    const { api, ws } = await uploader();
    const member = await c.signedIn();
    await addWorkspaceMember(api, ws.id, member.persona.userId, 'member');
    const id = await openSession(member.api, ws.id, 10);
    expect((await uploadChunk(member.api, id, 1, 'hello')).status).toBe(200);
    expect((await api.delete(`/current/workspace/${ws.id}/members/${member.persona.userId}/`)).status).toBe(200);
    const refused = await uploadChunk(member.api, id, 2, 'world');
    expect(refused.status).toBeGreaterThanOrEqual(401);
    expect(refused.status).toBeLessThan(404);
    const done = await member.api.post(`/current/upload/${id}/complete/`);
    expect(done.status).toBeGreaterThanOrEqual(401);
    expect(done.status).toBeLessThan(404);
    expect((await session(member.api, id)).status).toBe('uploading');
  });
});

describe('stream', () => {
  contract.unverified('a stream=true session takes the whole body in one call and stores it without complete/', async () => {
    const { api, ws } = await uploader();
    const opened = await api.post('/current/upload/', {
      name: 'streamed.txt',
      stream: 'true',
      action: 'create',
      instance_id: ws.id,
      folder_id: 'root',
      profile_type: 'workspace',
      max_size: '100',
    });
    expect(opened.status, opened.text).toBe(200);
    const id = opened.body.id as string;
    const bytes = new TextEncoder().encode('streamed in one call');
    const hash = createHash('sha256').update(bytes).digest('hex');
    const sent = await api.request('POST', `/current/upload/${id}/stream/`, {
      query: { hash, hash_algo: 'sha256' },
      raw: { body: bytes, contentType: 'application/octet-stream' },
    });
    expect(sent.status, sent.text).toBe(200);
    const done = await waitFor(
      api,
      ws.id,
      () => session(api, id),
      (s) => ['stored', 'assembly_failed', 'store_failed'].includes(s.status),
      'the stream',
    );
    expect(done.status).toBe('stored');
    const read = await api.get(`/current/workspace/${ws.id}/storage/${done.new_file_id!}/read/`);
    expect(read.text).toBe('streamed in one call');
    expectApiError(await api.request('POST', `/current/upload/${id}/stream/`, { raw: { body: bytes, contentType: 'application/octet-stream' } }), 409, 1660);
  });

  contract.unverified('a stream past max_size, or to a chunked session, is refused; another user cannot stream into a session', async () => {
    const { api, ws } = await uploader();
    const other = await uploader();
    const opened = await api.post('/current/upload/', { name: 's.bin', stream: 'true', instance_id: ws.id, max_size: '4' });
    const id = opened.body.id as string;
    const body = { body: new TextEncoder().encode('too long'), contentType: 'application/octet-stream' };
    expectApiError(await api.request('POST', `/current/upload/${id}/stream/`, { raw: body }), 400, 1605);
    expectApiError(await other.api.request('POST', `/current/upload/${id}/stream/`, { raw: body }), 404, 1609);
    expect((await session(api, id)).status).toBe('ready');
    const chunked = await openSession(api, ws.id, 8);
    expectApiError(await api.request('POST', `/current/upload/${chunked}/stream/`, { raw: body }), 400, 1605);
  });
});

describe('batch', () => {
  function batchForm(workspaceId: string, manifest: unknown, files: Record<string, string>): FormData {
    const form = new FormData();
    form.append('instance_id', workspaceId);
    form.append('folder_id', 'root');
    form.append('manifest', JSON.stringify(manifest));
    for (const [field, text] of Object.entries(files)) form.append(field, new Blob([new TextEncoder().encode(text)]), field);
    return form;
  }

  contract.unverified('partial success: good files are stored, a bad hash and a bad name are error entries; HTTP 200', async () => {
    const { api, ws } = await uploader();
    const manifest = [
      { index: 0, filename: 'a.txt' },
      { index: 1, filename: 'b.txt', relative_path: 'docs/2026/' },
      { index: 2, filename: 'c.txt', hash: '00'.repeat(32), hash_algo: 'sha256' },
      { index: 3, filename: '..' },
    ];
    const res = await api.request('POST', '/current/upload/batch/', {
      raw: { body: batchForm(ws.id, manifest, { file_0: 'alpha', file_1: 'beta', file_2: 'gamma', file_3: 'delta' }) },
    });
    expect(res.status, res.text).toBe(200);
    const top = (res.body.response as Record<string, unknown> | undefined) ?? res.body;
    expect(top).toMatchObject({ count_total: 4, count_succeeded: 2, count_errored: 2 });
    const results = top.results as { index: number; status: string; node_id: string | null; error_code: number | null }[];
    expect(results.map((r) => r.status)).toEqual(['ok', 'ok', 'error', 'error']);
    expect(results[2]!.error_code).toBe(1605);
    const b = await api.get(`/current/workspace/${ws.id}/storage/${results[1]!.node_id!}/details/`);
    const docs = await api.get(`/current/workspace/${ws.id}/storage/${(b.body.node as { parent: string }).parent}/details/`);
    expect((docs.body.node as { name: string }).name).toBe('2026');
    expect((await api.get(`/current/workspace/${ws.id}/storage/${results[0]!.node_id!}/read/`)).text).toBe('alpha');
  });

  contract.unverified("a bad manifest refuses the whole batch; another tenant's workspace is refused 401/10545", async () => {
    const a = await uploader();
    const b = await uploader();
    const send = (api: ApiClient, wsId: string, manifest: unknown, files: Record<string, string>) =>
      api.request('POST', '/current/upload/batch/', { raw: { body: batchForm(wsId, manifest, files) } });
    expectApiError(await send(a.api, a.ws.id, { not: 'an array' }, { file_0: 'x' }), 400, 1605);
    expectApiError(
      await send(
        a.api,
        a.ws.id,
        [
          { index: 0, filename: 'a' },
          { index: 0, filename: 'b' },
        ],
        { file_0: 'x' },
      ),
      400,
      1605,
    );
    expectApiError(await send(a.api, b.ws.id, [{ index: 0, filename: 'intrude.txt' }], { file_0: 'x' }), 401, 10545);
    expect(((await b.api.get(`/current/workspace/${b.ws.id}/storage/root/list/`)).body.nodes as unknown[]).length).toBe(0);
  });
});
