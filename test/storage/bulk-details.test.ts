import { describe, expect, it } from 'vitest';
import { HOLD_JOBS, inProcessEmulator } from '../support/client.js';

/**
 * The bulk form of node details, as the official client sends it for `fastio files info ID ID...`
 * (src/api/storage.rs `get_bulk_node_details`): ids joined with literal commas in the path segment,
 * an answer with `nodes[]` and per-id `errors[]`.
 */
describe('bulk node details', () => {
  async function twoFiles() {
    const emu = await inProcessEmulator(HOLD_JOBS);
    const { user, ws } = await emu.tenant({ intelligence: false });
    const a = await emu.upload(user.token, ws.id, 'a.txt', 'alpha');
    const b = await emu.upload(user.token, ws.id, 'b.txt', 'bravo');
    return { emu, user, ws, a, b };
  }

  it('answers every resolved node under nodes[], in the multi format', async () => {
    const { emu, user, ws, a, b } = await twoFiles();
    const r = await emu.call('GET', `/current/workspace/${ws.id}/storage/${a},${b}/details/`, { token: user.token });
    expect(r.status, r.text).toBe(200);
    expect(r.body.format).toBe('multi');
    expect(r.body.errors).toEqual([]);
    const nodes = r.body.nodes as { id: string; name: string }[];
    expect(nodes.map((n) => n.name).sort()).toEqual(['a.txt', 'b.txt']);
    expect(new Set(nodes.map((n) => n.id))).toEqual(new Set([a, b]));
  });

  it('deduplicates an id given twice (the client doubles a lone id to get the multi shape)', async () => {
    const { emu, user, ws, a } = await twoFiles();
    const r = await emu.call('GET', `/current/workspace/${ws.id}/storage/${a},${a.toUpperCase()}/details/`, { token: user.token });
    expect(r.status, r.text).toBe(200);
    expect((r.body.nodes as { id: string }[]).map((n) => n.id)).toEqual([a]);
  });

  it('reports unknown, foreign and malformed ids as error rows beside the nodes it found', async () => {
    const { emu, user, ws, a } = await twoFiles();
    const other = await emu.tenant({ intelligence: false });
    const foreign = await emu.upload(other.user.token, other.ws.id, 'theirs.txt', 'not yours');
    const unknown = '2' + '0'.repeat(28);
    const r = await emu.call('GET', `/current/workspace/${ws.id}/storage/${a},${foreign},${unknown},nonsense/details/`, { token: user.token });
    expect(r.status, r.text).toBe(200);
    expect((r.body.nodes as { id: string }[]).map((n) => n.id)).toEqual([a]);
    expect(r.body.errors).toEqual([
      { node_id: foreign, code: 133123, message: expect.any(String) as string },
      { node_id: unknown, code: 133123, message: expect.any(String) as string },
      { node_id: 'nonsense', code: 191878, message: expect.any(String) as string },
    ]);
  });

  it('answers 404 with the same fields when no id resolves, and 400/115519 past 25 ids', async () => {
    const { emu, user, ws, a } = await twoFiles();
    const unknown = '2' + '1'.repeat(28);
    const none = await emu.call('GET', `/current/workspace/${ws.id}/storage/${unknown},${unknown}x/details/`, { token: user.token });
    expect(none.status, none.text).toBe(404);
    expect(none.body).toMatchObject({ result: false, format: 'multi', nodes: [] });
    expect((none.body.errors as unknown[]).length).toBe(2);

    const many = await emu.call('GET', `/current/workspace/${ws.id}/storage/${Array(26).fill(a).join(',')}/details/`, { token: user.token });
    expect(many.status, many.text).toBe(400);
    expect((many.body.error as { code: number }).code).toBe(115519);
  });

  it('keeps the single form as it was: `node`, and a bad id is a 400 on node_id', async () => {
    const { emu, user, ws, a } = await twoFiles();
    const one = await emu.call('GET', `/current/workspace/${ws.id}/storage/${a}/details/`, { token: user.token });
    expect(one.status).toBe(200);
    expect((one.body.node as { id: string }).id).toBe(a);
    expect(one.body.format).toBeUndefined();
    const bad = await emu.call('GET', `/current/workspace/${ws.id}/storage/nonsense/details/`, { token: user.token });
    expect(bad.status).toBe(400);
    expect((bad.body.error as unknown as { params: { name: string; message: string }[] }).params[0]).toMatchObject({
      name: 'node_id',
      message: 'Expected a node id, "root" or "trash".',
    });
  });
});
