/**
 * The official client's `import` commands against the emulator (issue 20 item 5), with the
 * emulator's own provider: the drive is set through the control plane, an identity provisioned,
 * a source created and imported (the files appear in the workspace), a file changed in the
 * workspace is written back, a conflict (both sides changed) resolved, pushes cancelled and
 * retried, jobs listed and cancelled, the source paused, disconnected and deleted, the identity
 * revoked. A live provider answers 501 naming it; another tenant's client is refused.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { OfficialCli } from './cli.js';

type Json = Record<string, unknown>;

export interface ImportsScenarioDeps {
  cli: OfficialCli;
  tmp: string;
  tenant: () => Promise<{ token: string; wsId: string }>;
  settle: () => Promise<void>;
  /** the emulator's base URL and the control plane's client header */
  url: string;
  control: Record<string, string>;
}

export async function importsScenario({ cli, tmp, tenant, settle, url, control }: ImportsScenarioDeps): Promise<void> {
  const { token, wsId } = await tenant();
  const t = { token };
  const ws = ['--workspace', wsId];
  const drive = `/cli-drive-${Date.now().toString(36)}`;
  const setTree = async (files: Record<string, string>) => {
    const res = await fetch(`${url}/_emulator/imports/tree`, {
      method: 'POST',
      headers: { ...control, 'content-type': 'application/json' },
      body: JSON.stringify({ path: drive, files: Object.entries(files).map(([path, content]) => ({ path, content })) }),
    });
    expect(res.status).toBe(200);
  };
  const remote = async () => {
    const res = (await (await fetch(`${url}/_emulator/imports/tree?path=${encodeURIComponent(drive)}`, { headers: control })).json()) as { files: Json[] };
    return Object.fromEntries(res.files.map((f) => [f.relative_path, Buffer.from(f.content_base64 as string, 'base64').toString()]));
  };
  await setTree({ 'notes.txt': 'remote notes', 'plans/q1.md': '# Q1' });

  const providers = (await cli.ok('import list-providers', ws, t)).providers as Json[];
  expect(providers.map((p) => p.provider)).toContain('emulator');
  const live = await cli.run('import provision-identity', [...ws, '--provider', 'google_drive'], t);
  expect(live.code).not.toBe(0);
  expect(`${live.stdout}${live.stderr}`).toMatch(/google_drive/);
  const identity = (await cli.ok('import provision-identity', [...ws, '--provider', 'emulator'], t)).identity as Json;
  const iid = identity.id as string;
  expect(((await cli.ok('import list-identities', [...ws, '--limit', '10'], t)).identities as Json[]).map((i) => i.id)).toEqual([iid]);
  expect((await cli.ok('import identity-details', [...ws, '--identity-id', iid], t)).identity).toMatchObject({ provider: 'emulator', status: 'active' });
  const folders = (await cli.ok('import discover', [...ws, '--identity-id', iid], t)).folders as Json[];
  expect(folders.map((f) => f.path)).toContain(drive);

  const created = await cli.ok(
    'import create-source',
    [...ws, '--identity-id', iid, '--remote-path', drive, '--remote-name', 'From the drive', '--sync-interval', '600', '--access-mode', 'read_write'],
    t,
  );
  const source = created.source as Json;
  const sid = source.id as string;
  const firstJob = (created.job as Json).id as string;
  await settle();
  expect((await cli.ok('import job-details', [sid, '--job-id', firstJob], t)).job).toMatchObject({ status: 'completed', files_imported: 2 });
  expect((await cli.ok('import source-details', [sid], t)).source).toMatchObject({ status: 'synced', file_count: 2, remote_name: 'From the drive' });
  expect(((await cli.ok('import list-sources', [...ws, '--status', 'synced'], t)).sources as Json[]).map((s) => s.id)).toEqual([sid]);
  const listed = (await cli.ok('files list', [...ws, '--folder', source.folder_id as string], t)).nodes as Json[];
  expect(listed.map((n) => n.name).sort()).toEqual(['notes.txt', 'plans']);
  const notes = listed.find((n) => n.name === 'notes.txt')!.id as string;

  // a change in the workspace is written back
  const edited = join(tmp, 'notes.txt');
  writeFileSync(edited, 'edited with the client\n');
  expect((await cli.ok('upload file', [...ws, '--folder', source.folder_id as string, edited], t)).new_file_id).toBe(notes);
  await settle();
  expect((await remote())['notes.txt']).toBe('edited with the client\n');
  const done = (await cli.ok('import list-writebacks', [sid, '--status', 'completed'], t)).writebacks as Json[];
  expect((await cli.ok('import writeback-details', [sid, '--writeback-id', done[0]!.id as string], t)).writeback).toMatchObject({
    status: 'completed',
    node_id: notes,
  });

  // both sides change: a conflict, resolved keep_remote
  await setTree({ 'notes.txt': 'changed on the drive', 'plans/q1.md': '# Q1' });
  writeFileSync(edited, 'changed in the workspace\n');
  await cli.ok('upload file', [...ws, '--folder', source.folder_id as string, edited], t);
  await settle();
  const conflict = ((await cli.ok('import list-writebacks', [sid, '--status', 'conflict'], t)).writebacks as Json[])[0]!;
  expect(conflict).toMatchObject({ node_id: notes, status: 'conflict' });
  expect((await cli.ok('import resolve-conflict', [sid, '--writeback-id', conflict.id as string, '--resolution', 'keep_remote'], t)).writeback).toMatchObject({
    resolution: 'keep_remote',
  });

  // jobs: a refresh, cancelled (jobs start 2 s after they are queued)
  const refresh = (await cli.ok('import refresh', [sid], t)).job as Json;
  expect((await cli.ok('import cancel-job', [sid, '--job-id', refresh.id as string], t)).job).toMatchObject({ status: 'cancelled' });
  expect(((await cli.ok('import list-jobs', [sid, '--limit', '5'], t)).jobs as Json[]).map((j) => j.id)).toEqual([refresh.id, firstJob]);

  // a paused source holds its write-backs: push, cancel, retry, then resume writes it
  expect((await cli.ok('import update-source', [sid, '--status', 'paused', '--sync-interval', '900'], t)).source).toMatchObject({
    status: 'paused',
    sync_interval: 900,
  });
  const pushed = (await cli.ok('import push-writeback', [sid, '--node-id', notes], t)).writeback as Json;
  expect((await cli.ok('import cancel-writeback', [sid, '--writeback-id', pushed.id as string], t)).writeback).toMatchObject({ status: 'cancelled' });
  expect((await cli.ok('import retry-writeback', [sid, '--writeback-id', pushed.id as string], t)).writeback).toMatchObject({ status: 'pending' });
  expect((await cli.ok('import update-source', [sid, '--status', 'synced'], t)).source).toMatchObject({ status: 'synced' });
  await settle();
  expect((await cli.ok('import writeback-details', [sid, '--writeback-id', pushed.id as string], t)).writeback).toMatchObject({ status: 'completed' });
  expect((await remote())['notes.txt']).toBe('changed on the drive');

  // another tenant's client is refused
  const other = await tenant();
  const refused = await cli.run('import source-details', [sid], { token: other.token });
  expect(refused.code).not.toBe(0);
  expect(`${refused.stdout}${refused.stderr}`).toMatch(/10545|not a member/i);

  expect((await cli.ok('import disconnect', [sid, '--action', 'keep'], t)).source).toMatchObject({ status: 'disconnected' });
  expect(await cli.ok('import delete-source', [sid], t)).toMatchObject({ source_id: sid, deleted: true });
  expect((await cli.ok('import revoke-identity', [...ws, '--identity-id', iid], t)).identity).toMatchObject({ status: 'revoked' });
}
