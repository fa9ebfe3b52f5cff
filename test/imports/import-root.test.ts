/**
 * `--import-root <dir>`: a local folder is the emulator import provider's drive. Its files are
 * imported, a file added on disk comes in with the next refresh, and a write-back lands in the
 * folder; a write-back's path cannot leave it.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HOLD_JOBS, inProcessEmulator } from '../support/client.js';
import { RemoteDrive } from '../../emulator/imports/remote.js';
import { Db } from '../../emulator/store/db.js';
import { ApiError } from '../../emulator/http/errors.js';

type Json = Record<string, unknown>;
const root = mkdtempSync(join(tmpdir(), 'fastio-import-root-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('an import root folder as the drive', () => {
  it('imports its files, takes new ones on refresh and receives write-backs', async () => {
    mkdirSync(join(root, 'proj', 'sub'), { recursive: true });
    writeFileSync(join(root, 'proj', 'a.txt'), 'from disk');
    writeFileSync(join(root, 'proj', 'sub', 'b.txt'), 'deeper');
    const emu = await inProcessEmulator({ ...HOLD_JOBS, importRoot: root });
    const t = await emu.tenant({ label: 'root' });
    const token = t.user.token;
    const identity = (await emu.ok('POST', `/current/imports/workspace/${t.ws.id}/identities/provision/`, { token, json: { provider: 'emulator' } }))
      .identity as Json;
    const found = await emu.ok('POST', `/current/imports/workspace/${t.ws.id}/sources/discover/`, { token, json: { identity_id: identity.id } });
    expect(found.folders).toEqual(expect.arrayContaining([expect.objectContaining({ path: '/proj', file_count: 2 })]));
    const { source } = (await emu.ok('POST', `/current/imports/workspace/${t.ws.id}/sources/create/`, {
      token,
      json: { identity_id: identity.id, remote_path: 'proj/', access_mode: 'readwrite' },
    })) as { source: Json };
    expect(source).toMatchObject({ remote_path: '/proj', access_mode: 'read_write' });
    await emu.settle();
    const folder = source.folder_id as string;
    const names = ((await emu.ok('GET', `/current/workspace/${t.ws.id}/storage/${folder}/list/`, { token })).nodes as Json[]).map((n) => n.name).sort();
    expect(names).toEqual(['a.txt', 'sub']);

    writeFileSync(join(root, 'proj', 'c.txt'), 'new on disk');
    const { job } = (await emu.ok('POST', `/current/imports/details/${source.id as string}/refresh/`, { token })) as { job: Json };
    await emu.settle();
    expect((await emu.ok('GET', `/current/imports/details/${source.id as string}/jobs/${job.id as string}/`, { token })).job).toMatchObject({
      files_imported: 1,
      files_skipped: 2,
    });

    await emu.upload(token, t.ws.id, 'a.txt', 'edited in the workspace', { folder_id: folder });
    await emu.settle();
    expect(readFileSync(join(root, 'proj', 'a.txt'), 'utf8')).toBe('edited in the workspace');
  });

  it('refuses remote paths with dot segments and writes nothing outside the root', () => {
    let now = 0;
    const drive = new RemoteDrive(new Db(), () => ++now, root);
    expect(() => drive.replaceTree('/x', [{ path: '../escape.txt', bytes: Buffer.from('no') }])).toThrow(ApiError);
    drive.put('/inside/ok.txt', Buffer.from('yes'));
    expect(readFileSync(join(root, 'inside', 'ok.txt'), 'utf8')).toBe('yes');
    expect(drive.get('/inside/ok.txt')).toMatchObject({ rev: 1, size: 3 });
  });
});
