/**
 * URL imports (`web_upload`, issue 18 item 5; official client src/api/upload.rs web_import,
 * web_import_status, web_list, web_cancel at 96b1551 and 41dde01). The emulator fetches from
 * loopback only (by default), so the file server is this test's, on 127.0.0.1: those tests are
 * emulator-only (the live API cannot reach it). The refusals hold on any target.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { waitFor } from '../files.js';
import { contract, setupContract } from '../harness.js';
import { expectApiError } from '../expect.js';
import type { ApiClient } from '../client.js';
import { createOrg, createWorkspace } from '../tenants.js';

const c = setupContract(import.meta.url);

let server: Server;
let base = '';
/** requests to /slow.txt wait until the test lets them go */
let releaseSlow: () => void = () => {};
beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/minutes.txt') return void res.end('minutes of the harbor meeting\n');
    if (req.url === '/slow.txt') {
      res.write('partial');
      releaseSlow = () => res.end(' and the rest');
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => void server.close());

type Json = Record<string, unknown>;

async function importer() {
  const { api, persona } = await c.signedIn();
  const org = await createOrg(api);
  const ws = await createWorkspace(api, org.id, { intelligence: false });
  return { api, persona, org, ws };
}

const start = (api: ApiClient, workspaceId: string, source_url: string, extra: Record<string, string> = {}) =>
  api.post('/current/web_upload/', { source_url, profile_id: workspaceId, profile_type: 'workspace', folder_id: 'root', ...extra });
const details = async (api: ApiClient, id: string) => (await api.get(`/current/web_upload/${id}/details/`)).body.web_upload as Json;
const listPath = () => (c.target.dialect === 'v2' ? '/current/web_upload/' : '/current/web_upload/list/');
const cancel = (api: ApiClient, id: string) =>
  c.target.dialect === 'v2' ? api.delete('/current/web_upload/', { query: { id } }) : api.delete(`/current/web_upload/${id}/`);

describe('web_upload', () => {
  contract.emulatorOnly('an import from loopback is fetched and stored; details, the list and the file agree', async () => {
    const { api, ws } = await importer();
    const r = await start(api, ws.id, `${base}/minutes.txt`, { file_name: 'minutes.txt' });
    expect(r.status, r.text).toBe(200);
    const id = r.body.id as string;
    expect(r.body.web_upload).toMatchObject({ id, status: 'queued', name: 'minutes.txt', instance_id: ws.id, folder_id: 'root' });
    const done = await waitFor(
      api,
      ws.id,
      () => details(api, id),
      (d) => ['complete', 'failed'].includes(d.status as string),
      'the import',
    );
    expect(done).toMatchObject({ status: 'complete', size: 30 });
    expect((await api.get(`/current/workspace/${ws.id}/storage/${done.new_file_id as string}/read/`)).text).toBe('minutes of the harbor meeting\n');
    const list = await api.get(listPath());
    expect(list.status, list.text).toBe(200);
    expect((list.body.web_uploads as Json[]).map((u) => u.id)).toEqual([id]);
    expect(list.body.results).toBe(1);
    expect(((await api.get(listPath(), { query: { status: 'failed' } })).body.web_uploads as Json[]).length).toBe(0);
    // An import that has ended cannot be canceled; the file stays.
    expectApiError(await cancel(api, id), 409, 1660);
    expect((await api.get(`/current/workspace/${ws.id}/storage/${done.new_file_id as string}/details/`)).status).toBe(200);
  });

  contract.emulatorOnly('a source that answers 404 ends fetch_failed with status_message', async () => {
    const { api, ws } = await importer();
    const id = (await start(api, ws.id, `${base}/gone.txt`)).body.id as string;
    const done = await waitFor(
      api,
      ws.id,
      () => details(api, id),
      (d) => ['complete', 'failed'].includes(d.status as string),
      'the import',
    );
    expect(done).toMatchObject({ status: 'failed', status_message: 'the source answered HTTP 404', new_file_id: null });
  });

  contract.emulatorOnly('an import still downloading can be canceled: it stops, shows canceled, and stores nothing', async () => {
    const { api, ws } = await importer();
    const id = (await start(api, ws.id, `${base}/slow.txt`)).body.id as string;
    await waitFor(
      api,
      ws.id,
      () => details(api, id),
      (d) => d.status === 'downloading',
      'the download to start',
    );
    const canceled = await cancel(api, id);
    expect(canceled.status, canceled.text).toBe(200);
    expect(canceled.body.web_upload).toMatchObject({ id, status: 'canceled' });
    releaseSlow();
    expect(await details(api, id)).toMatchObject({ status: 'canceled', new_file_id: null });
    expect(((await api.get(listPath(), { query: { status: 'canceled' } })).body.web_uploads as Json[]).map((u) => u.id)).toEqual([id]);
    expect(((await api.get(`/current/workspace/${ws.id}/storage/root/list/`)).body.nodes as unknown[]).length).toBe(0);
    expectApiError(await api.get(listPath(), { query: { status: 'stored' } }), 400, 1605);
  });

  contract.unverified('a bad source_url, another tenant, and another user are refused', async () => {
    const a = await importer();
    const b = await importer();
    expectApiError(await start(a.api, a.ws.id, 'not a url'), 400, 1605);
    expectApiError(await start(a.api, a.ws.id, 'file:///etc/passwd'), 400, 1605);
    expectApiError(await a.api.post('/current/web_upload/', { profile_id: a.ws.id }), 400, 1605);
    expectApiError(await start(a.api, b.ws.id, `${base}/minutes.txt`), 401, 10545);
    expectApiError(await a.api.get('/current/web_upload/5abcdefghijklmnopqrstuvwxyz12/details/'), 404, 1609);
    expectApiError(await cancel(a.api, '5abcdefghijklmnopqrstuvwxyz12'), 404, 1609);
    expect(((await b.api.get(listPath())).body.web_uploads as Json[]).length).toBe(0);
  });

  contract.emulatorOnly("a host off loopback is refused at once (400/1605 naming --web-upload-hosts); another user's import is as absent", async () => {
    const a = await importer();
    const b = await importer();
    const refused = await start(a.api, a.ws.id, 'https://example.com/a.txt');
    expectApiError(refused, 400, 1605);
    expect(refused.body.error!.text).toMatch(/--web-upload-hosts/);
    const id = (await start(a.api, a.ws.id, `${base}/minutes.txt`)).body.id as string;
    expectApiError(await b.api.get(`/current/web_upload/${id}/details/`), 404, 1609);
    expectApiError(await cancel(b.api, id), 404, 1609);
    expect(((await b.api.get(listPath())).body.web_uploads as Json[]).length).toBe(0);
  });
});
