/**
 * URL imports (`web_upload`, issue 18 item 5) against a file server on 127.0.0.1 that the test
 * runs: the state machine to stored, same-origin redirects followed, another origin refused, a
 * non-2xx and an oversized body ending fetch_failed, hosts off loopback refused unless
 * `webUploadHosts` lists them (the job is held, so nothing reaches the network), and cancel.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromPackageRoot } from '../../emulator/index.js';
import { isLoopbackHost } from '../../emulator/storage/web-upload.js';
import { HOLD_JOBS, inProcessEmulator } from '../support/client.js';

let server: Server;
let other: Server;
let base = '';
let otherBase = '';
const served: string[] = [];
let otherHits = 0;

function listen(s: Server): Promise<string> {
  return new Promise((resolve) => s.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(s.address() as AddressInfo).port}`)));
}

beforeAll(async () => {
  server = createServer((req, res) => {
    served.push(req.url ?? '');
    if (req.url === '/files/report.txt') return void res.end('quarterly report\n');
    if (req.url === '/hop') return void res.writeHead(302, { location: '/files/report.txt' }).end();
    if (req.url === '/away') return void res.writeHead(302, { location: `${otherBase}/files/report.txt` }).end();
    if (req.url === '/big.bin') return void res.end(Buffer.alloc(1500, 7));
    res.writeHead(404).end('missing');
  });
  other = createServer((_req, res) => {
    otherHits++;
    res.end('should not be fetched');
  });
  base = await listen(server);
  otherBase = await listen(other);
});
afterAll(() => {
  server.close();
  other.close();
});

type Json = Record<string, unknown>;

async function importer(options = {}) {
  const emu = await inProcessEmulator(options);
  const { user, ws } = await emu.tenant({ intelligence: false });
  const start = (source_url: string, extra: Record<string, string> = {}) =>
    emu.call('POST', '/current/web_upload/', {
      token: user.token,
      form: { source_url, profile_id: ws.id, profile_type: 'workspace', folder_id: 'root', ...extra },
    });
  const details = async (id: string) => (await emu.ok('GET', `/current/web_upload/${id}/details/`, { token: user.token })).web_upload as Json;
  const finished = async (source: string, extra?: Record<string, string>) => {
    const r = await start(source, extra);
    expect(r.status, r.text).toBe(200);
    await emu.settle();
    return details(r.body.id as string);
  };
  return { emu, user, ws, start, details, finished };
}

describe('web_upload', () => {
  it('fetches from loopback and stores the file: queued -> downloading -> uploading -> complete', async () => {
    const { emu, user, ws, start, details } = await importer();
    const r = await start(`${base}/files/report.txt`);
    expect(r.status, r.text).toBe(200);
    expect(r.body.web_upload).toMatchObject({ status: 'queued', name: 'report.txt', source_url: `${base}/files/report.txt` });
    await emu.settle();
    const done = await details(r.body.id as string);
    expect(done).toMatchObject({ status: 'complete', size: 17, status_message: null });
    const read = await emu.download(`/current/workspace/${ws.id}/storage/${done.new_file_id as string}/read/`, user.token);
    expect(read.text).toBe('quarterly report\n');
    expect(emu.emulator.db.events.toArray().map((e) => e.event)).toEqual(expect.arrayContaining(['web_upload_created', 'workspace_storage_file_added']));
  });

  it('follows a redirect within the origin, refuses one to another origin, and ends failed on a 404', async () => {
    const { finished } = await importer();
    expect(await finished(`${base}/hop`, { file_name: 'hopped.txt' })).toMatchObject({ status: 'complete', name: 'hopped.txt' });
    const away = await finished(`${base}/away`);
    expect(away).toMatchObject({ status: 'failed', new_file_id: null });
    expect(away.status_message).toMatch(/another host/);
    expect(otherHits).toBe(0);
    const missing = await finished(`${base}/nothing-here`);
    expect(missing).toMatchObject({ status: 'failed', status_message: 'the source answered HTTP 404' });
  });

  it("a body past the plan's file size ends failed", async () => {
    const catalog = JSON.parse(readFileSync(fromPackageRoot('fixtures', 'plans.json'), 'utf8')) as { plans: Record<string, unknown>[] };
    const plansFile = join(mkdtempSync(join(tmpdir(), 'fastio-web-')), 'plans.json');
    writeFileSync(plansFile, JSON.stringify({ ...catalog, plans: catalog.plans.map((p) => (p.id === 'free' ? { ...p, max_file_bytes: 1000 } : p)) }));
    const { finished } = await importer({ plansFile });
    const big = await finished(`${base}/big.bin`);
    expect(big).toMatchObject({ status: 'failed' });
    expect(big.status_message).toMatch(/1000/);
  });

  it('refuses a host off loopback with 400/1605 unless webUploadHosts allows it; nothing is fetched', async () => {
    const { start } = await importer();
    const refused = await start('https://example.com/a.txt');
    expect([refused.status, refused.body.error?.code]).toEqual([400, 1605]);
    expect(refused.body.error?.text).toMatch(/--web-upload-hosts example\.com/);
    expect((await start('ftp://127.0.0.1/a.txt')).status).toBe(400);
    expect((await start('http://user:pw@127.0.0.1/a.txt')).status).toBe(400);
    const allowed = await importer({ ...HOLD_JOBS, webUploadHosts: ['example.com'] });
    const queued = await allowed.start('https://example.com/a.txt');
    expect(queued.status, queued.text).toBe(200);
    expect(queued.body.web_upload).toMatchObject({ status: 'queued' });
    // Canceled before its (held) fetch runs: it shows canceled, nothing was reached; a second cancel is 409.
    const id = queued.body.id as string;
    // (unit tests speak April: the cancel is DELETE /web_upload/{id}/; V2's ?id= form is in the contract suite)
    const canceled = await allowed.emu.call('DELETE', `/current/web_upload/${id}/`, { token: allowed.user.token });
    expect(canceled.status, canceled.text).toBe(200);
    expect(canceled.body.web_upload).toMatchObject({ status: 'canceled' });
    await allowed.emu.settle();
    expect(await allowed.details(id)).toMatchObject({ status: 'canceled', new_file_id: null });
    expect((await allowed.emu.call('DELETE', `/current/web_upload/${id}/`, { token: allowed.user.token })).status).toBe(409);
    const list = await allowed.emu.ok('GET', '/current/web_upload/list/', { token: allowed.user.token, query: { status: 'canceled' } });
    expect((list.web_uploads as Json[]).map((u) => u.id)).toEqual([id]);
    expect((await allowed.emu.call('GET', '/current/web_upload/list/', { token: allowed.user.token, query: { status: 'stored' } })).status).toBe(400);
  });

  it('loopback is 127.0.0.0/8, ::1 and localhost', () => {
    for (const h of ['127.0.0.1', '127.8.9.1', '[::1]', 'localhost', 'LOCALHOST', 'a.localhost']) expect(isLoopbackHost(h), h).toBe(true);
    for (const h of ['128.0.0.1', '10.0.0.1', '::2', 'example.com', '127.0.0.1.nip.io', '0.0.0.0']) expect(isLoopbackHost(h), h).toBe(false);
  });
});
