/**
 * The official client's `fileshare upload` (write-back) and `fileshare activity` against the
 * emulator (issue 17): an `edit` grant holder who is not a workspace member writes a new version
 * of the bound file (details, then the single-shot `POST /upload/` with the write-back fields);
 * `--if-version` with a stale version is refused as a version conflict and changes nothing; a
 * `view` grant holder and another tenant are refused; a 9 MiB file goes through the chunked
 * write-back (8 MiB chunks). The owner polls the fileshare's activity
 * and finds the write-back (`storage:{node}`) and the grant (`grants`); a recipient may not poll.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { OfficialCli } from './cli.js';

type Json = Record<string, unknown>;

export interface FileshareWritebackDeps {
  cli: OfficialCli;
  tmp: string;
  tenant: () => Promise<{ token: string; wsId: string; p: { user_id: string } }>;
  persona: () => Promise<{ user_id: string; api_key: string }>;
  freshHome: () => string;
}

export async function fileshareWritebackScenario({ cli, tmp, tenant, persona, freshHome }: FileshareWritebackDeps): Promise<void> {
  const { token, wsId } = await tenant();
  const t = { token };
  const stamp = Date.now();
  const file = join(tmp, `wb-${stamp}.txt`);
  writeFileSync(file, 'first edition\n');
  const node = (await cli.ok('upload file', ['--workspace', wsId, file], t)).new_file_id as string;
  const created = (await cli.ok('fileshare create', ['--workspace', wsId, '--node', node, '--access-option', 'named_people'], t)).fileshare as Json;
  const id = created.id as string;
  const start = (await cli.ok('fileshare activity', [id], t)).lastactivity as string;
  expect(typeof start).toBe('string');

  const editor = await persona();
  const viewer = await persona();
  await cli.ok('fileshare grants add', [id, '--user', editor.user_id, '--capability', 'edit'], t);
  await cli.ok('fileshare grants add', [id, '--user', viewer.user_id, '--capability', 'view'], t);
  const v1 = (await cli.ok('fileshare versions', [id], t)).versions as Json[];

  // The editor (no workspace role) writes a new version; the local name differs, the node stays.
  const edit = join(tmp, `wb-edit-${stamp}.txt`);
  writeFileSync(edit, 'second edition, from the recipient\n');
  const wrote = await cli.ok('fileshare upload', ['--yes', id, edit], { token: editor.api_key, home: freshHome() });
  expect(wrote).toMatchObject({ new_file_id: node, session: { status: 'stored' } });
  const out = join(tmp, `wb-out-${stamp}.txt`);
  await cli.ok('fileshare download', [id, '--output', out], t);
  expect(readFileSync(out, 'utf8')).toBe('second edition, from the recipient\n');
  const v2 = (await cli.ok('fileshare versions', [id], t)).versions as Json[];
  expect(v2).toHaveLength(v1.length + 1);

  // --if-version with the version before the write-back: a conflict naming the current one, nothing written.
  writeFileSync(edit, 'a lost update\n');
  const stale = await cli.run('fileshare upload', ['--yes', '--if-version', v1[0]!.id as string, id, edit], { token: editor.api_key, home: freshHome() });
  expect(stale.code).not.toBe(0);
  expect(stale.stderr).toContain(v2[0]!.id as string);
  const fresh = await cli.ok('fileshare upload', ['--yes', '--if-version', v2[0]!.id as string, id, edit], { token: editor.api_key, home: freshHome() });
  expect(fresh).toMatchObject({ session: { status: 'stored' } });
  await cli.ok('fileshare download', [id, '--output', out], t);
  expect(readFileSync(out, 'utf8')).toBe('a lost update\n');

  // A file over the single-call size takes the chunked write-back: the client's 8 MiB chunks, then a poll.
  const large = join(tmp, `wb-large-${stamp}.bin`);
  const bytes = Buffer.alloc(9 * 1024 * 1024 + 17, 7);
  writeFileSync(large, bytes);
  const chunked = await cli.ok('fileshare upload', ['--yes', id, large], { token: editor.api_key, home: freshHome() });
  expect(chunked).toMatchObject({ session: { status: 'stored', new_file_id: node, chunks: { '1': 8 * 1024 * 1024 } } });
  await cli.ok('fileshare download', [id, '--output', out], t);
  expect(readFileSync(out).equals(bytes)).toBe(true);
  writeFileSync(edit, 'a lost update\n');

  // A view grant and another tenant may not write; neither changes the file.
  const byViewer = await cli.run('fileshare upload', ['--yes', id, edit], { token: viewer.api_key, home: freshHome() });
  expect(byViewer.code).not.toBe(0);
  expect(byViewer.stderr).toMatch(/HTTP 403/);
  const other = await tenant();
  const byStranger = await cli.run('fileshare upload', ['--yes', id, edit], { token: other.token, home: freshHome() });
  expect(byStranger.code).not.toBe(0);
  expect(byStranger.stderr).toMatch(/HTTP 401/);
  expect((await cli.ok('fileshare versions', [id], t)).versions as Json[]).toHaveLength(v1.length + 3);

  // The owner's poll since the start: the grants and the bound file's changes.
  const activity = (await cli.ok('fileshare activity', [id, '--lastactivity', start], t)).activity as string[];
  expect(activity).toEqual(expect.arrayContaining(['grants', `storage:${node}`]));
  // Activity is for the workspace's members: a grant holder and another tenant are refused.
  const recipientPoll = await cli.run('fileshare activity', [id], { token: editor.api_key, home: freshHome() });
  expect(recipientPoll.stderr).toMatch(/HTTP 403/);
  const strangerPoll = await cli.run('fileshare activity', [id], { token: other.token, home: freshHome() });
  expect(strangerPoll.stderr).toMatch(/HTTP 401/);
}
