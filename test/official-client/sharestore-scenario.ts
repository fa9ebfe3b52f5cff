/**
 * The official client on a share's storage (issue 17 item 3): `share files list`, `files add-file
 * --share`, `download file --share` (requestread, then read/?token= on the
 * share path), `search share`, and `lock ... --context-type share`. Another tenant's client is
 * refused the share's storage.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { OfficialCli } from './cli.js';

type Json = Record<string, unknown>;

export interface SharestoreScenarioDeps {
  cli: OfficialCli;
  tmp: string;
  tenant: () => Promise<{ token: string; wsId: string }>;
  freshHome: () => string;
  settle: () => Promise<void>;
}

export async function sharestoreScenario({ cli, tmp, tenant, freshHome, settle }: SharestoreScenarioDeps): Promise<void> {
  const { token, wsId } = await tenant();
  const t = { token };
  const share = ((await cli.ok('share create', ['--workspace', wsId, '--intelligence', 'false', 'Deliveries'], t)).share as Json).id as string;

  // A file into the share: an upload session of the workspace, added to the share's root.
  const part = join(tmp, `harbor-${Date.now()}.txt`);
  writeFileSync(part, 'Harbor delivery notes\n');
  const uploadId = (await cli.ok('upload create-session', ['--workspace', wsId, 'harbor.txt', '22'], t)).id as string;
  await cli.ok('upload chunk', [uploadId, '1', part], t);
  await cli.ok('upload finalize', [uploadId], t);
  await settle();
  const added = (await cli.ok('files add-file', ['--share', share, '--upload-id', uploadId, 'harbor-delivery.txt'], t)).node as Json;
  expect(added).toMatchObject({ name: 'harbor-delivery.txt', parent: 'root' });
  const id = added.id as string;

  const listed = await cli.ok('share files list', [share], t);
  expect((listed.nodes as Json[]).map((n) => n.id)).toEqual([id]);

  const out = join(tmp, `share-download-${Date.now()}.txt`);
  await cli.ok('download file', ['--share', share, id, '--output', out], t);
  expect(readFileSync(out, 'utf8')).toBe('Harbor delivery notes\n');

  const found = await cli.ok('search share', [share, 'harbor'], t);
  expect(((found.buckets as Record<string, { items: Json[] }>).files!.items ?? []).map((i) => i.id)).toEqual([id]);

  const lock = ['--context-type', 'share', '--context-id', share, id];
  const taken = await cli.ok('lock acquire', lock, t);
  expect(taken).toMatchObject({ lock: { locked: true, node_id: id } });
  expect(await cli.ok('lock status', lock, t)).toMatchObject({ lock: { locked: true } });
  await cli.ok('lock release', [...lock, '--lock-token', taken.lock_token as string], t);

  // Another tenant: refused, nothing of the share in the answer.
  const other = await tenant();
  const refused = await cli.run('share files list', [share], { token: other.token, home: freshHome() });
  expect(refused.code).not.toBe(0);
  expect(refused.stdout + refused.stderr).not.toContain('harbor-delivery');
}
