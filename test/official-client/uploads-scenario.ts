/**
 * The official client's upload commands beyond `upload file` (issue 18 items 4-6): limits,
 * algos, extensions, a session's chunk status and chunk delete, the session list and cancel-all,
 * stream and the manual stream session, a URL import from a file server on 127.0.0.1 that this
 * scenario runs (web-status, web-list, web-cancel on an import held mid-download), and a folder
 * downloaded as a ZIP. Another tenant's client is refused on the same session and import.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { expect } from 'vitest';
import type { OfficialCli } from './cli.js';

type Json = Record<string, unknown>;

export interface UploadsScenarioDeps {
  cli: OfficialCli;
  tmp: string;
  tenant: () => Promise<{ token: string; orgId: string; wsId: string }>;
  settle: () => Promise<void>;
}

export async function uploadsScenario({ cli, tmp, tenant, settle }: UploadsScenarioDeps): Promise<void> {
  const { token, wsId } = await tenant();
  const other = await tenant();
  const t = { token };
  const ws = ['--workspace', wsId];
  const names = async () => ((await cli.ok('files list', ws, t)).nodes as Json[]).map((n) => n.name as string).sort();

  // limits, algos, extensions
  expect((await cli.ok('upload limits', [], t)).limits).toMatchObject({ chunk_size: 4 * 1024 * 1024, batch_max_files: 200 });
  expect((await cli.ok('upload algos', [], t)).algos).toEqual(expect.arrayContaining(['sha256']));
  expect(await cli.ok('upload extensions', [], t)).toMatchObject({ restricted_extensions: [] });

  // a session by hand: chunk status, chunk delete, the list, cancel-all
  const part = join(tmp, 'uploads-part.bin');
  writeFileSync(part, '01234');
  const key = (await cli.ok('upload create-session', [...ws, 'parts.bin', '10'], t)).id as string;
  await cli.ok('upload chunk', [key, '1', part], t);
  await cli.ok('upload chunk', [key, '2', part], t);
  expect(await cli.ok('upload chunk-status', [key], t)).toMatchObject({ id: key, received: 10, chunks: { '1': 5, '2': 5 } });
  expect((await cli.run('upload chunk-status', [key], { token: other.token })).code).not.toBe(0);
  await cli.ok('upload chunk-delete', [key, '2'], t);
  expect((await cli.ok('upload chunk-status', [key], t)).chunks).toEqual({ '1': 5 });
  const sessions = (await cli.ok('upload list-sessions', [], t)).sessions as Json[];
  expect(sessions.map((s) => s.id)).toContain(key);
  expect(((await cli.ok('upload list-sessions', [], { token: other.token })).sessions as Json[]).map((s) => s.id)).not.toContain(key);
  // The client prints its own summary for cancel-all and web-cancel (commands/upload.rs).
  expect(await cli.ok('upload cancel-all', [], t)).toMatchObject({ status: 'all_cancelled' });
  expect((await cli.run('upload status', [key], t)).code).not.toBe(0);

  // streaming: one command, and the manual session + send
  const streamed = join(tmp, 'streamed.txt');
  writeFileSync(streamed, 'sent as one stream\n');
  await cli.ok('upload stream', [...ws, streamed], t);
  const manual = (await cli.ok('upload create-stream-session', [...ws, 'manual-stream.txt'], t)).id as string;
  expect(manual).toMatch(/^5[0-9a-z]{28}$/);
  await cli.ok('upload stream-send', [manual, streamed], t);
  await settle();
  expect(await names()).toEqual(expect.arrayContaining(['manual-stream.txt', 'streamed.txt']));

  // a URL import from loopback, and one canceled while the server holds it
  let release: () => void = () => {};
  const server = createServer((req, res) => {
    if (req.url === '/agenda.txt') return void res.end('agenda for monday\n');
    res.write('partial');
    release = () => res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const imported = await cli.ok('upload url', [...ws, `${base}/agenda.txt`], t);
    const importId = imported.id as string;
    await settle();
    expect((await cli.ok('upload web-status', [importId], t)).web_upload).toMatchObject({ id: importId, status: 'complete', name: 'agenda.txt' });
    expect((await cli.run('upload web-status', [importId], { token: other.token })).code).not.toBe(0);
    expect(await names()).toContain('agenda.txt');
    const held = (await cli.ok('upload url', [...ws, '--name', 'held.txt', `${base}/held`], t)).id as string;
    expect(await cli.ok('upload web-cancel', [held], t)).toMatchObject({ status: 'cancelled', upload_id: held });
    const listed = (await cli.ok('upload web-list', [], t)).web_uploads as Json[];
    expect(listed.map((u) => [u.id, u.status])).toEqual(
      expect.arrayContaining([
        [importId, 'complete'],
        [held, 'canceled'],
      ]),
    );
    expect(((await cli.ok('upload web-list', ['--status', 'canceled'], t)).web_uploads as Json[]).map((u) => u.id)).toEqual([held]);
  } finally {
    release();
    server.close();
  }

  // a folder as a ZIP
  const folder = ((await cli.ok('files create-folder', [...ws, 'zipped'], t)).node as Json).id as string;
  const inside = join(tmp, 'inside.txt');
  writeFileSync(inside, 'inside the zip\n');
  await cli.ok('upload file', [...ws, '--folder', folder, inside], t);
  const out = join(tmp, 'zipped.zip');
  await cli.ok('download folder', [...ws, folder, '--output', out], t);
  expect(existsSync(out)).toBe(true);
  const entries = unzipSync(new Uint8Array(readFileSync(out)));
  expect(Object.keys(entries)).toEqual(['inside.txt']);
  expect(strFromU8(entries['inside.txt']!)).toBe('inside the zip\n');
  expect((await cli.run('download folder', [...ws, folder, '--output', join(tmp, 'theirs.zip')], { token: other.token })).code).not.toBe(0);
}
