import { describe, expect, it } from 'vitest';
import { HOLD_JOBS, inProcessEmulator, type Answer } from '../support/client.js';

/** Hostile input on the storage and intelligence routes: the live envelope and a 4xx, never a 5xx. */
describe('hostile input on storage and intelligence routes', async () => {
  const emu = await inProcessEmulator(HOLD_JOBS);
  const { user, ws } = await emu.tenant({ intelligence: true });
  const other = await emu.tenant({ intelligence: true });
  const fileId = await emu.upload(user.token, ws.id, 'ok.txt', 'a readable file about orchards');
  const foreignId = await emu.upload(other.user.token, other.ws.id, 'theirs.txt', 'not yours');
  await emu.settle();
  const base = `/current/workspace/${ws.id}/storage`;

  function expect4xx(r: Answer, status: number, code: number, param?: string) {
    expect(r.status, r.text).toBe(status);
    expect(r.body.result).toBe(false);
    expect(r.body.error?.code, r.text).toBe(code);
    if (param) expect((r.body.error as { params?: { name: string }[] }).params?.map((p) => p.name)).toContain(param);
  }

  it('refuses broken multipart bodies with 400', async () => {
    const boundary = '----broken';
    const truncated = `--${boundary}\r\nContent-Disposition: form-data; name="instance_id"\r\n\r\n${ws.id}\r\n--${boundary}\r\nContent-Disposition: form-data; name="chunk"; filename="a.txt"\r\n\r\nhalf a file`;
    expect4xx(await emu.rawRequest('POST', '/current/upload/', user.token, truncated, `multipart/form-data; boundary=${boundary}`), 400, 1605);
    expect4xx(await emu.rawRequest('POST', '/current/upload/', user.token, 'not multipart at all', 'multipart/form-data'), 400, 1605);
    expect4xx(await emu.rawRequest('POST', '/current/upload/', user.token, '{"instance_id": ', 'application/json'), 400, 1605);
  });

  it('refuses names that traverse paths, hold NUL or control characters, or are too long', async () => {
    const names = ['../../etc/passwd', 'a/b.txt', 'a\\b.txt', '..', '.', 'x'.repeat(256), 'nul\u0000name.txt', 'bell\u0007.txt', '   '];
    for (const name of names) {
      expect4xx(await emu.multipart('/current/upload/', user.token, { name, instance_id: ws.id }, { name: 'safe.txt', data: 'x' }), 400, 1605, 'name');
      expect4xx(await emu.call('POST', `${base}/root/createfolder/`, { token: user.token, form: { name } }), 400, 1605, 'name');
    }
    // Without `name`, the file part's own name is used: the multipart parser keeps only its last
    // path segment, and the same rules apply to what is left.
    const fromPart = await emu.multipart('/current/upload/', user.token, { instance_id: ws.id }, { name: '../escape.txt', data: 'x' });
    expect(fromPart.status, fromPart.text).toBe(200);
    expect(emu.emulator.db.nodes.get(fromPart.body.new_file_id as string)?.name).toBe('escape.txt');
    expect4xx(await emu.multipart('/current/upload/', user.token, { instance_id: ws.id }, { name: '..', data: 'x' }), 400, 1605, 'name');
    expect4xx(await emu.call('POST', `${base}/root/createnote/`, { token: user.token, form: { name: '../x.md', content: 'x' } }), 400, 1605, 'name');
    expect(emu.emulator.db.nodes.toArray().every((n) => !n.name.includes('/') && !n.name.includes('\u0000'))).toBe(true);
  });

  it("refuses malformed ids with 400, unknown ids with 404/1609, and another tenant's node with 401/115069", async () => {
    for (const bad of ['xyz', '..%2F..%2Fetc', '2' + 'a'.repeat(40), '5abc']) {
      expect4xx(await emu.call('GET', `${base}/${bad}/details/`, { token: user.token }), 400, 1605, 'node_id');
    }
    expect4xx(await emu.call('GET', '/current/upload/not-an-id/details/', { token: user.token }), 400, 1605, 'upload_id');
    expect4xx(await emu.call('GET', `${base}/2${'0'.repeat(28)}/details/`, { token: user.token }), 404, 1609);
    for (const path of ['details', 'requestread', 'read', 'list']) {
      const r = await emu.call(path === 'read' ? 'GET' : 'GET', `${base}/${foreignId}/${path}/`, { token: user.token });
      expect4xx(r, 401, 115069);
      expect(r.text).not.toContain('theirs.txt');
    }
    expect4xx(await emu.call('DELETE', `${base}/${foreignId}/delete/`, { token: user.token }), 401, 115069);
    expect4xx(await emu.call('GET', `${base}/root/details/`, { token: user.token }), 400, 1605, 'node_id');
    expect4xx(await emu.call('GET', `${base}/${fileId}/list/`, { token: user.token }), 400, 1605, 'node_id');
    expect4xx(await emu.call('POST', `${base}/${fileId}/createfolder/`, { token: user.token, form: { name: 'inside-a-file' } }), 400, 1605, 'node_id');
    expect4xx(await emu.call('POST', `${base}/trash/createfolder/`, { token: user.token, form: { name: 'x' } }), 400, 1605, 'node_id');
    // A hyphenated display id is the same id.
    const display = fileId
      .replace(/(.{5})/g, '$1-')
      .replace(/-$/, '')
      .toUpperCase();
    expect((await emu.call('GET', `${base}/${display}/details/`, { token: user.token })).status).toBe(200);
  });

  it('refuses wrong types on upload fields, chunk orders and scopes', async () => {
    expect4xx(await emu.call('POST', '/current/upload/', { token: user.token, form: { name: 'x.bin', size: 'abc', instance_id: ws.id } }), 400, 1605, 'size');
    expect4xx(await emu.call('POST', '/current/upload/', { token: user.token, form: { name: 'x.bin', size: '-1', instance_id: ws.id } }), 400, 1605, 'size');
    expect4xx(await emu.call('POST', '/current/upload/', { token: user.token, form: { name: 'x.bin', size: '10' } }), 400, 1605, 'instance_id');
    expect4xx(
      await emu.call('POST', '/current/upload/', { token: user.token, form: { name: 'x.bin', size: '10', instance_id: ws.id, folder_id: fileId } }),
      400,
      1605,
      'folder_id',
    );
    expect4xx(
      await emu.call('POST', '/current/upload/', { token: user.token, form: { name: 'x.bin', size: '10', instance_id: ws.id, action: 'explode' } }),
      400,
      1605,
      'action',
    );
    const session = (await emu.ok('POST', '/current/upload/', { token: user.token, form: { name: 'x.bin', size: '10', instance_id: ws.id } })).id as string;
    expect4xx(await emu.multipart(`/current/upload/${session}/chunk/?order=abc`, user.token, {}, { name: 'c', data: 'x' }), 400, 1605, 'order');
    expect4xx(await emu.multipart(`/current/upload/${session}/chunk/?order=1`, user.token, {}, undefined), 400, 1605, 'chunk');
    const search = `/current/workspace/${ws.id}/storage/search/`;
    expect4xx(await emu.call('GET', `${search}?search=a`, { token: user.token }), 400, 1605, 'search');
    expect4xx(await emu.call('GET', `${search}?search=${'q'.repeat(1001)}`, { token: user.token }), 400, 1605, 'search');
    expect4xx(await emu.call('GET', `${search}?search=orchard&search=again`, { token: user.token }), 400, 1605, 'search');
    expect4xx(await emu.call('GET', `${search}?search=orchard&limit=0`, { token: user.token }), 400, 1605, 'limit');
    expect4xx(await emu.call('GET', `${search}?search=orchard&files_scope=garbage`, { token: user.token }), 400, 1605, 'files_scope');
    expect4xx(await emu.call('GET', `${search}?search=orchard&folders_scope=root:11`, { token: user.token }), 400, 1605, 'folders_scope');
    expect4xx(await emu.call('GET', `${search}?search=orchard&files_scope=${foreignId}:`, { token: user.token }), 401, 115069);
    expect4xx(await emu.call('GET', `${search}?search=orchard&folders_scope=${fileId}:1`, { token: user.token }), 400, 1605, 'folders_scope');
    const chat = `/current/workspace/${ws.id}/ai/chat/`;
    expect4xx(await emu.call('POST', chat, { token: user.token, form: { type: 'chat_with_files', question: 'q'.repeat(12_769) } }), 400, 1605, 'question');
    expect4xx(await emu.call('POST', chat, { token: user.token, form: { type: 'shout', question: 'orchards?' } }), 400, 1605, 'type');
    expect4xx(await emu.call('POST', chat, { token: user.token, form: { type: 'chat_with_files', question: 'nul\u0000byte' } }), 400, 1605, 'question');
    expect4xx(await emu.call('GET', `${chat}not-a-chat/details/`, { token: user.token }), 400, 1605, 'chat_id');
    expect4xx(await emu.call('GET', `${chat}9${'0'.repeat(28)}/details/`, { token: user.token }), 404, 1609);
  });

  it('never answered with a 5xx', () => {
    const entries = emu.journal.list({ limit: 1000 });
    expect(entries.length).toBeGreaterThan(50);
    for (const e of entries) expect(e.status, `${e.method} ${e.path}`).toBeLessThan(500);
  });
});
