/**
 * Plan limits on the upload routes beyond a single call (issue 18, item 4): a stream and a batch
 * file past the plan's file size or storage answer 402/1685 (the stream refused whole, the batch
 * as one error entry), and `GET /upload/limits/` states the same numbers that are enforced.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromPackageRoot } from '../../emulator/index.js';
import { HOLD_JOBS, inProcessEmulator } from '../support/client.js';

const catalog = JSON.parse(readFileSync(fromPackageRoot('fixtures', 'plans.json'), 'utf8')) as { plans: Record<string, unknown>[] };
const dir = mkdtempSync(join(tmpdir(), 'fastio-upload-limits-'));
const plansFile = join(dir, 'plans.json');
writeFileSync(
  plansFile,
  JSON.stringify({ ...catalog, plans: catalog.plans.map((p) => (p.id === 'free' ? { ...p, storage_bytes: 2500, max_file_bytes: 1000 } : p)) }),
);

describe('plan limits on streams and batches', () => {
  it('limits/ states the plan numbers the uploads enforce', async () => {
    const emu = await inProcessEmulator({ ...HOLD_JOBS, plansFile });
    const { user, ws } = await emu.tenant({ intelligence: false });
    await emu.upload(user.token, ws.id, 'a.bin', new Uint8Array(700));
    const limits = await emu.ok('GET', '/current/upload/limits/', { token: user.token, query: { action: 'create', instance_id: ws.id } });
    expect(limits.limits).toMatchObject({ plan: 'free', max_file_size: 1000, storage: 2500, storage_used: 700, storage_available: 1800 });
  });

  it('a stream past the file size answers 402/1685 and the session stays ready; within it, it is stored', async () => {
    const emu = await inProcessEmulator({ ...HOLD_JOBS, plansFile });
    const { user, ws } = await emu.tenant({ intelligence: false });
    const opened = await emu.ok('POST', '/current/upload/', { token: user.token, form: { name: 's.bin', stream: 'true', instance_id: ws.id } });
    const id = opened.id as string;
    const big = await emu.rawRequest('POST', `/current/upload/${id}/stream/`, user.token, Buffer.alloc(1001), 'application/octet-stream');
    expect([big.status, big.body.error?.code]).toEqual([402, 1685]);
    expect(((await emu.ok('GET', `/current/upload/${id}/details/`, { token: user.token })).session as { status: string }).status).toBe('ready');
    const ok = await emu.rawRequest('POST', `/current/upload/${id}/stream/`, user.token, Buffer.alloc(900, 1), 'application/octet-stream');
    expect(ok.status, ok.text).toBe(200);
    await emu.settle();
    const done = (await emu.ok('GET', `/current/upload/${id}/details/`, { token: user.token })).session as { status: string; new_file_id: string };
    expect(done.status).toBe('stored');
    expect((await emu.node(user.token, ws.id, done.new_file_id)).size).toBe(900);
    // A stream session opened with a max_size past the plan's file size is refused up front.
    const tooBig = await emu.call('POST', '/current/upload/', {
      token: user.token,
      form: { name: 't.bin', stream: 'true', instance_id: ws.id, max_size: '5000' },
    });
    expect([tooBig.status, tooBig.body.error?.code]).toEqual([402, 1685]);
  });

  it('a batch stores what fits and answers 402/1685 entries for the rest', async () => {
    const emu = await inProcessEmulator({ ...HOLD_JOBS, plansFile });
    const { user, ws } = await emu.tenant({ intelligence: false });
    const form = new FormData();
    form.append('instance_id', ws.id);
    form.append('manifest', JSON.stringify([0, 1, 2, 3].map((index) => ({ index, filename: `f${index}.bin` }))));
    const sizes = [900, 1001, 900, 900];
    sizes.forEach((size, i) => form.append(`file_${i}`, new Blob([new Uint8Array(size)]), `f${i}.bin`));
    const res = await emu.call('POST', '/current/upload/batch/', { token: user.token, raw: { body: form } });
    expect(res.status, res.text).toBe(200);
    const results = res.body.results as { status: string; error_code: number | null }[];
    // 900 + 900 fit in 2500; the 1001-byte file is past the file size, the fourth past the storage.
    expect(results.map((r) => [r.status, r.error_code])).toEqual([
      ['ok', null],
      ['error', 1685],
      ['ok', null],
      ['error', 1685],
    ]);
    expect(res.body).toMatchObject({ count_total: 4, count_succeeded: 2, count_errored: 2 });
    expect(emu.emulator.db.nodes.toArray().filter((n) => n.workspaceId === ws.id && n.type === 'file')).toHaveLength(2);
  });
});
