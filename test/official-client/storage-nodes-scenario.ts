/**
 * The official client's node operations against the emulator (issue 18): files rename, update,
 * move, copy, delete and restore, versions and version-restore, recent, transfer to another
 * workspace of the org, and file locks through both `files lock` and the `lock` group (acquire,
 * status, heartbeat, release). Another tenant's client is refused on the same node ids.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { OfficialCli } from './cli.js';

type Json = Record<string, unknown>;

export interface StorageNodesScenarioDeps {
  cli: OfficialCli;
  tmp: string;
  tenant: () => Promise<{ token: string; orgId: string; wsId: string }>;
}

const nodesOf = (j: Json) => (j.nodes as Json[]).map((n) => n.name as string).sort();

export async function storageNodesScenario({ cli, tmp, tenant }: StorageNodesScenarioDeps): Promise<void> {
  const { token, orgId, wsId } = await tenant();
  const t = { token };
  const ws = ['--workspace', wsId];
  const folder = async (name: string) => ((await cli.ok('files create-folder', [...ws, name], t)).node as Json).id as string;
  const list = async (parent?: string) => nodesOf(await cli.ok('files list', [...ws, ...(parent ? ['--folder', parent] : [])], t));

  const file = join(tmp, `nodes-${Date.now()}.txt`);
  writeFileSync(file, 'first edition\n');
  const id = (await cli.ok('upload file', [...ws, file], t)).new_file_id as string;
  const docs = await folder('docs');
  const archive = await folder('archive');

  // rename and update (both POST update/)
  expect((await cli.ok('files rename', [...ws, id, 'terms.txt'], t)).node).toMatchObject({ id, name: 'terms.txt' });
  expect((await cli.ok('files update', [...ws, '--name', 'terms-v1.txt', id], t)).node).toMatchObject({ id, name: 'terms-v1.txt' });

  // move, copy
  // The client prints its own summary for move and restore (commands/files.rs move_node, restore_node).
  expect(await cli.ok('files move', [...ws, '--to', docs, id], t)).toMatchObject({ status: 'moved', node_id: id, destination: docs });
  const copy = (await cli.ok('files copy', [...ws, '--to', archive, id], t)).node as Json;
  expect(copy).toMatchObject({ name: 'terms-v1.txt', parent: archive });
  expect(copy.id).not.toBe(id);
  expect(await list(docs)).toEqual(['terms-v1.txt']);
  expect(await list(archive)).toEqual(['terms-v1.txt']);

  // versions: a second edition through the client's upload of the same name, then back
  writeFileSync(join(tmp, 'terms-v1.txt'), 'second edition\n');
  const v1 = ((await cli.ok('files info', [...ws, id], t)).node as Json).version as string;
  expect((await cli.ok('upload file', [...ws, '--folder', docs, join(tmp, 'terms-v1.txt')], t)).new_file_id).toBe(id);
  const versions = (await cli.ok('files versions', [...ws, id], t)).versions as Json[];
  expect(versions.map((v) => [v.version_id, v.current])).toEqual([
    [expect.any(String), true],
    [v1, false],
  ]);
  expect((await cli.ok('files version-restore', [...ws, id, v1], t)).node).toMatchObject({ id, version: v1 });

  // delete and restore
  await cli.ok('files delete', [...ws, copy.id as string], t);
  expect(await list(archive)).toEqual([]);
  expect(await cli.ok('files restore', [...ws, copy.id as string], t)).toMatchObject({ status: 'restored', node_id: copy.id });
  expect(await list(archive)).toEqual(['terms-v1.txt']);

  // recent: every live node of the workspace, filtered by type
  const recent = await cli.ok('files recent', [...ws, '--page-size', '100'], t);
  expect((recent.nodes as Json[]).map((n) => n.id)).toEqual(expect.arrayContaining([id, copy.id, docs, archive]));
  expect(nodesOf(await cli.ok('files recent', [...ws, '--type', 'folder'], t))).toEqual(['archive', 'docs']);

  // locks, through `files lock` and the `lock` group
  const acquired = await cli.ok('files lock acquire', [...ws, '--duration', '120', id], t);
  const lockToken = (acquired.lock_token ?? (acquired.lock as Json).lock_token) as string;
  expect(lockToken).toEqual(expect.any(String));
  expect((await cli.ok('files lock status', [...ws, id], t)).lock).toMatchObject({ locked: true, node_id: id });
  expect((await cli.ok('lock status', ['--context-id', wsId, id], t)).lock).toMatchObject({ locked: true, node_id: id });
  expect((await cli.ok('lock heartbeat', ['--context-id', wsId, '--lock-token', lockToken, id], t)).lock).toMatchObject({ locked: true });
  expect(await cli.ok('files lock release', [...ws, '--lock-token', lockToken, id], t)).toMatchObject({ status: 'released', node_id: id });
  expect((await cli.ok('lock status', ['--context-id', wsId, id], t)).lock).toMatchObject({ locked: false });
  const again = await cli.ok('lock acquire', ['--context-id', wsId, '--client-info', '{"device_name":"ci"}', id], t);
  const token2 = (again.lock_token ?? (again.lock as Json).lock_token) as string;
  await cli.ok('lock release', ['--context-id', wsId, '--lock-token', token2, id], t);

  // Another tenant's client, on its own workspace path, names this tenant's nodes: refused, nothing moves.
  const other = await tenant();
  const o = { token: other.token };
  const ows = ['--workspace', other.wsId];
  for (const [command, args] of [
    ['files rename', [...ows, id, 'stolen.txt']],
    ['files move', [...ows, '--to', 'root', id]],
    ['files copy', [...ows, '--to', 'root', id]],
    ['files versions', [...ows, id]],
    ['files transfer', [...ows, '--to-workspace', other.wsId, docs]],
    ['lock acquire', ['--context-id', other.wsId, id]],
  ] as const) {
    const res = await cli.run(command, [...args], o);
    expect(res.code, `${command}: ${res.stdout}`).not.toBe(0);
    expect(res.stderr).toMatch(/HTTP 401/);
  }
  expect(await list(docs)).toEqual(['terms-v1.txt']);
  expect(nodesOf(await cli.ok('files list', ows, o))).toEqual([]);

  // transfer: the docs folder (with its file) to a second workspace of the org
  const second = ((await cli.ok('workspace create', ['--org', orgId, 'Second Workspace'], t)).workspace as Json).id as string;
  expect((await cli.ok('files transfer', [...ws, '--to-workspace', second, docs], t)).node).toMatchObject({ id: docs, parent: 'root' });
  expect(await list()).toEqual(['archive']);
  expect(nodesOf(await cli.ok('files list', ['--workspace', second], t))).toEqual(['docs']);
}
