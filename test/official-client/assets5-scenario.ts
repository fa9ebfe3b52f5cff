/**
 * The official client's asset commands against the emulator (issues 17, 19 item 5, 20 item 7):
 * `asset types/list/remove` for orgs, workspaces and shares, `org asset types/list/delete`,
 * `user asset types/list/read`. The client cannot upload (its `asset upload` refuses locally, and
 * its user uploads stop at the me lookup, commands.ts), so the images are uploaded over HTTP as
 * its user upload would send them (a multipart part `file`). Another tenant's client is refused.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { makePng } from '../../emulator/assets/png.js';
import type { OfficialCli } from './cli.js';

type Json = Record<string, unknown>;

export interface AssetsScenarioDeps {
  cli: OfficialCli;
  tmp: string;
  url: string;
  tenant: () => Promise<{ token: string; orgId: string; wsId: string; p: { user_id: string } }>;
}

async function upload(url: string, token: string, path: string, bytes: Buffer): Promise<Json> {
  const form = new FormData();
  form.append('file', new Blob([bytes]), 'asset.png');
  const res = await fetch(`${url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
  const body = (await res.json()) as Json;
  expect(res.status, JSON.stringify(body)).toBe(200);
  return body.asset as Json;
}

const names = (j: Json) => (j.assets as Json[]).map((a) => a.name as string);

export async function assetsScenario({ cli, tmp, url, tenant }: AssetsScenarioDeps): Promise<void> {
  const a = await tenant();
  const b = await tenant();
  const t = { token: a.token };
  const shareRes = await fetch(`${url}/current/workspace/${a.wsId}/create/share/`, {
    method: 'POST',
    headers: { authorization: `Bearer ${a.token}` },
    body: new URLSearchParams({ title: 'Asset share', intelligence: 'false' }),
  });
  const shareId = (((await shareRes.json()) as Json).share as Json).id as string;

  // types, per entity type
  for (const entity of ['org', 'workspace', 'share']) {
    const types = (await cli.ok('asset types', ['--entity-type', entity], t)).asset_types as Json[];
    expect(types.map((x) => x.name)).toContain('logo');
  }
  expect(((await cli.ok('org asset types', [], t)).asset_types as Json[]).map((x) => x.name)).toEqual(['logo', 'banner']);
  expect(((await cli.ok('user asset types', [], t)).asset_types as Json[]).map((x) => x.name)).toContain('profile_pic');

  // org: a logo, listed by both groups, removed by `asset remove`; a banner deleted by `org asset delete`
  await upload(url, a.token, `/current/org/${a.orgId}/assets/logo/`, makePng(64, 64));
  await upload(url, a.token, `/current/org/${a.orgId}/assets/banner/`, makePng(400, 100));
  expect(names(await cli.ok('org asset list', [a.orgId], t))).toEqual(['logo', 'banner']);
  expect(names(await cli.ok('asset list', ['--entity-type', 'org', '--entity-id', a.orgId], t))).toEqual(['logo', 'banner']);
  expect(await cli.ok('asset remove', ['logo', '--entity-type', 'org', '--entity-id', a.orgId], t)).toMatchObject({ status: 'removed', asset_type: 'logo' });
  await cli.ok('org asset delete', [a.orgId, 'banner'], t);
  expect(names(await cli.ok('org asset list', [a.orgId], t))).toEqual([]);

  // workspace and share
  await upload(url, a.token, `/current/workspace/${a.wsId}/assets/banner/`, makePng(300, 80));
  expect(names(await cli.ok('asset list', ['--entity-type', 'workspace', '--entity-id', a.wsId], t))).toEqual(['banner']);
  await upload(url, a.token, `/current/share/${shareId}/assets/background/`, makePng(640, 360));
  expect(names(await cli.ok('asset list', ['--entity-type', 'share', '--entity-id', shareId], t))).toEqual(['background']);
  await cli.ok('asset remove', ['background', '--entity-type', 'share', '--entity-id', shareId], t);
  expect(names(await cli.ok('asset list', ['--entity-type', 'share', '--entity-id', shareId], t))).toEqual([]);

  // the user's profile picture: listed and read back byte for byte
  const pic = makePng(96, 96, (x, y) => [x, y, 160]);
  await upload(url, a.token, `/current/user/${a.p.user_id}/assets/profile_pic/`, pic);
  expect(names(await cli.ok('user asset list', [a.p.user_id], t))).toEqual(['profile_pic']);
  const out = join(tmp, `avatar-${a.p.user_id}.png`);
  expect(await cli.ok('user asset read', ['--user-id', a.p.user_id, '--asset-type', 'profile_pic', '--output', out], t)).toMatchObject({
    status: 'downloaded',
    bytes: pic.length,
  });
  expect(Buffer.compare(readFileSync(out), pic)).toBe(0);

  // another tenant's client: no org of theirs (404), not in the workspace (401), no such user to them (404)
  const other = { token: b.token };
  const status = async (command: string, args: string[]) => /HTTP (\d{3})/.exec((await cli.run(command, args, other)).stderr)?.[1];
  expect(await status('org asset list', [a.orgId])).toBe('404');
  expect(await status('asset list', ['--entity-type', 'workspace', '--entity-id', a.wsId])).toBe('401');
  expect(await status('asset remove', ['banner', '--entity-type', 'workspace', '--entity-id', a.wsId])).toBe('401');
  expect(await status('user asset list', [a.p.user_id])).toBe('404');
  expect(await status('user asset read', ['--user-id', a.p.user_id, '--asset-type', 'profile_pic', '--output', `${out}.stolen`])).toBe('404');
  expect(names(await cli.ok('asset list', ['--entity-type', 'workspace', '--entity-id', a.wsId], t))).toEqual(['banner']);
}
