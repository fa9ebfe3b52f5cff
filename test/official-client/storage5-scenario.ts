/**
 * The official client's previews, transforms, share links and fileshare preview/ws-token against
 * the emulator (issue 18 items 1 and 6, issue 17): `preview get`/`thumbnail` answer the tokenised
 * path, `preview transform` a read URL whose bytes are the transformed image, `files add-link` a
 * share link node, `fileshare preview` the bound image's thumbnail on disk, `fileshare ws-token`
 * a token written to --token-file. Another tenant's client is refused.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { Jimp } from 'jimp';
import { imageSize } from 'image-size';
import type { OfficialCli } from './cli.js';

type Json = Record<string, unknown>;

export interface Storage5ScenarioDeps {
  cli: OfficialCli;
  tmp: string;
  tenant: () => Promise<{ token: string; orgId: string; wsId: string }>;
}

export async function storage5Scenario({ cli, tmp, tenant }: Storage5ScenarioDeps): Promise<void> {
  const { token, wsId } = await tenant();
  const t = { token };
  const file = join(tmp, `poster-${Date.now()}.png`);
  writeFileSync(file, await new Jimp({ width: 400, height: 200, color: 0xcc3300ff }).getBuffer('image/png'));
  const id = (await cli.ok('upload file', ['--workspace', wsId, file], t)).new_file_id as string;
  const ctx = ['--context-type', 'workspace', '--context-id', wsId];

  // preview get / thumbnail: the tokenised path, fetched without a bearer
  const got = await cli.ok('preview get', [...ctx, '--preview-type', 'image', id], t);
  expect(got).toMatchObject({ path: expect.stringContaining(`/storage/${id}/preview/image/read/`), primaryFilename: 'image.png' });
  const thumb = await cli.ok('preview thumbnail', [...ctx, id], t);
  expect(thumb.path as string).toContain('/preview/thumbnail/read/');
  const origin = new URL(cli.apiBase).origin;
  const thumbBytes = new Uint8Array(await (await fetch(`${origin}${thumb.path as string}`)).arrayBuffer());
  expect(imageSize(thumbBytes)).toMatchObject({ width: 256, height: 128, type: 'png' });

  // preview transform: requestread, then the read URL the client built
  const tr = await cli.ok('preview transform', [...ctx, '--width', '40', '--output-format', 'jpg', '--rotate', '90', id], t);
  expect(tr).toMatchObject({ transform_name: 'image', read_url: expect.stringContaining(`/storage/${id}/transform/image/read/?token=`) });
  const res = await fetch(tr.read_url as string);
  expect(res.status).toBe(200);
  expect(imageSize(new Uint8Array(await res.arrayBuffer()))).toMatchObject({ width: 40, height: 80, type: 'jpg' });

  // files add-link: a share link in a folder
  const share = ((await cli.ok('share create', ['--workspace', wsId, '--intelligence', 'false', 'Linked Share'], t)).share as Json).id as string;
  const folder = ((await cli.ok('files create-folder', ['--workspace', wsId, 'links'], t)).node as Json).id as string;
  const link = (await cli.ok('files add-link', ['--workspace', wsId, folder, share], t)).node as Json;
  expect(link).toMatchObject({ type: 'link', name: 'Linked Share', parent: folder, link: { type: 'share', share } });

  // fileshare preview (anonymous, to disk) and ws-token (to --token-file)
  const fs = ((await cli.ok('fileshare create', ['--workspace', wsId, '--node', id], t)).fileshare as Json).id as string;
  const out = join(tmp, `fs-preview-${Date.now()}.png`);
  await cli.ok('fileshare preview', ['--type', 'thumbnail', '--output', out, fs], { home: tmp });
  expect(imageSize(new Uint8Array(readFileSync(out)))).toMatchObject({ width: 256, height: 128 });
  const tokenFile = join(tmp, `ws-token-${Date.now()}`);
  await cli.ok('fileshare ws-token', ['--token-file', tokenFile, fs], t);
  expect(readFileSync(tokenFile, 'utf8').trim()).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);

  // another tenant's client: refused on the same ids
  const other = await tenant();
  const o = { token: other.token };
  for (const [command, args] of [
    ['preview get', ['--context-type', 'workspace', '--context-id', wsId, '--preview-type', 'thumbnail', id]],
    ['preview transform', ['--context-type', 'workspace', '--context-id', wsId, '--width', '10', id]],
    ['files add-link', ['--workspace', wsId, folder, share]],
  ] as const) {
    const r = await cli.run(command, [...args], o);
    expect(r.code, `${command}: ${r.stdout}`).not.toBe(0);
    expect(r.stderr).toMatch(/HTTP 401/);
  }
}
