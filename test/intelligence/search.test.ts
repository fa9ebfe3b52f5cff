import { describe, expect, it } from 'vitest';
import { HOLD_JOBS, inProcessEmulator, type InProcessEmulator } from '../support/client.js';

interface Hit {
  id: string;
  node_id: string;
  name: string;
  relevance_score: number;
  content_snippet: string | null;
  match_source: string;
  version: string;
  page: number;
  node?: { id: string; ai: { state: string } };
  text?: unknown;
}

const DOCS: Record<string, string> = {
  'contract.txt': 'The maintenance agreement renews every twelve months. Either party may end it with a termination notice of ninety days.',
  'notes.md': '# Orchard notes\n\nThe pruning schedule starts in March. The irrigation budget is reviewed every quarter.',
  'invoice.txt': 'Invoice for the harbor sorter maintenance visit, payable within thirty days.',
};

async function seed(emu: InProcessEmulator, token: string, wsId: string, prefix = ''): Promise<Record<string, string>> {
  const ids: Record<string, string> = {};
  for (const [name, text] of Object.entries(DOCS)) ids[name] = await emu.upload(token, wsId, name, `${prefix}${text}`);
  return ids;
}

async function search(emu: InProcessEmulator, token: string, wsId: string, query: Record<string, string>) {
  const r = await emu.call('GET', `/current/workspace/${wsId}/storage/search/?${new URLSearchParams(query).toString()}`, { token });
  if (r.status !== 200) throw new Error(r.text);
  return r.body as { results: Hit[]; pagination: { total: number; limit: number; offset: number; has_more: boolean } };
}

describe('search', () => {
  it("ranks only this workspace's ready files: two tenants, and two workspaces of one org, with the same names and words", async () => {
    const emu = await inProcessEmulator(HOLD_JOBS);
    const a = await emu.tenant({ intelligence: true });
    const b = await emu.tenant({ intelligence: true });
    const idsA = await seed(emu, a.user.token, a.ws.id, 'Alpha tenant. ');
    const idsB = await seed(emu, b.user.token, b.ws.id, 'Bravo tenant. ');
    const second = (
      await emu.ok('POST', `/current/org/${a.org.id}/create/workspace/`, {
        token: a.user.token,
        form: {
          perm_join: 'Member or above',
          perm_member_manage: 'Member or above',
          folder_name: 'second-ws',
          name: 'Second',
          intelligence: 'true',
        },
      })
    ).workspace as { id: string };
    const idsA2 = await seed(emu, a.user.token, second.id, 'Second workspace. ');
    await emu.settle();
    for (const [token, wsId, own] of [
      [a.user.token, a.ws.id, idsA],
      [b.user.token, b.ws.id, idsB],
      [a.user.token, second.id, idsA2],
    ] as const) {
      for (const q of ['maintenance termination notice', 'tenant', 'pruning schedule', 'invoice harbor', 'workspace']) {
        const { results } = await search(emu, token, wsId, { search: q });
        const allowed = new Set(Object.values(own));
        for (const hit of results) expect(allowed.has(hit.id), `${q} in ${wsId} named ${hit.id}`).toBe(true);
      }
      const { results } = await search(emu, token, wsId, { search: 'termination notice' });
      expect(results[0]!.id).toBe(own['contract.txt']);
    }
  });

  it('answers results with score 0-1, snippet, match_source, node info and pagination; never the passage text', async () => {
    const emu = await inProcessEmulator(HOLD_JOBS);
    const { user, ws } = await emu.tenant({ intelligence: true });
    const ids = await seed(emu, user.token, ws.id);
    await emu.settle();
    const page = await search(emu, user.token, ws.id, { search: 'maintenance' });
    expect(page.results.map((h) => h.id).sort()).toEqual([ids['contract.txt'], ids['invoice.txt']].sort());
    for (const hit of page.results) {
      expect(hit.relevance_score).toBeGreaterThan(0);
      expect(hit.relevance_score).toBeLessThanOrEqual(1);
      expect(['keyword', 'semantic', 'both']).toContain(hit.match_source);
      expect(hit.content_snippet).toMatch(/maintenance/i);
      expect(hit).not.toHaveProperty('text');
      expect(hit.version).toMatch(/^3/);
      expect(hit.node).toBeUndefined();
    }
    expect(page.pagination).toEqual({ total: 2, limit: 100, offset: 0, has_more: false });
    const first = await search(emu, user.token, ws.id, { search: 'maintenance', limit: '1' });
    expect(first.pagination).toEqual({ total: 2, limit: 1, offset: 0, has_more: true });
    const next = await search(emu, user.token, ws.id, { search: 'maintenance', limit: '1', offset: '1' });
    expect([first.results[0]!.id, next.results[0]!.id]).toEqual(page.results.map((h) => h.id));
    const detailed = await search(emu, user.token, ws.id, { search: 'maintenance', details: 'true' });
    expect(detailed.pagination.limit).toBe(10);
    expect(detailed.results[0]!.node).toMatchObject({ id: detailed.results[0]!.id, ai: { state: 'ready' } });
    // A misspelling still finds the spelling in the text (the semantic leg).
    const typo = await search(emu, user.token, ws.id, { search: 'terminaton' });
    expect(typo.results[0]).toMatchObject({ id: ids['contract.txt'], match_source: 'semantic' });
  });

  it('is deterministic: the same state and query give the same order, also after a state import', async () => {
    const emu = await inProcessEmulator(HOLD_JOBS);
    const { user, ws } = await emu.tenant({ intelligence: true });
    for (let i = 0; i < 12; i++)
      await emu.upload(user.token, ws.id, `doc-${i}.txt`, `Report ${i}: the maintenance schedule and the notice period are the same in every copy.`);
    await emu.settle();
    const one = await search(emu, user.token, ws.id, { search: 'maintenance notice' });
    const two = await search(emu, user.token, ws.id, { search: 'maintenance notice' });
    expect(two).toEqual(one);
    expect(one.results.map((h) => h.id)).toEqual([...one.results.map((h) => h.id)].sort());
    const copy = await inProcessEmulator(HOLD_JOBS);
    copy.emulator.importState(JSON.parse(JSON.stringify(emu.emulator.exportState())));
    const three = await search(copy, user.token, ws.id, { search: 'maintenance notice' });
    expect(three).toEqual(one);
  });

  it('restricts to files_scope (version pinned) and folders_scope (by depth); foreign or unknown scope nodes are refused', async () => {
    const emu = await inProcessEmulator(HOLD_JOBS);
    const { user, ws } = await emu.tenant({ intelligence: true });
    const other = await emu.tenant({ intelligence: true });
    const base = `/current/workspace/${ws.id}/storage`;
    const top = (await emu.ok('POST', `${base}/root/createfolder/`, { token: user.token, form: { name: 'top' } })).node as { id: string };
    const deep = (await emu.ok('POST', `${base}/${top.id}/createfolder/`, { token: user.token, form: { name: 'deep' } })).node as { id: string };
    const atRoot = await emu.upload(user.token, ws.id, 'root.txt', 'maintenance at the root');
    const inTop = await emu.upload(user.token, ws.id, 'top.txt', 'maintenance in the top folder', { folder_id: top.id });
    const inDeep = await emu.upload(user.token, ws.id, 'deep.txt', 'maintenance in the deep folder', { folder_id: deep.id });
    const foreign = await emu.upload(other.user.token, other.ws.id, 'x.txt', 'maintenance elsewhere');
    await emu.settle();
    const ids = async (q: Record<string, string>) => (await search(emu, user.token, ws.id, { search: 'maintenance', ...q })).results.map((h) => h.id).sort();
    expect(await ids({ folders_scope: `${top.id}:1` })).toEqual([inTop]);
    expect(await ids({ folders_scope: `${top.id}:2` })).toEqual([inTop, inDeep].sort());
    expect(await ids({ folders_scope: `${top.id}` })).toEqual([inTop, inDeep].sort());
    expect(await ids({ folders_scope: 'root:1' })).toEqual([atRoot]);
    expect(await ids({ files_scope: `${atRoot}:,${inDeep}:` })).toEqual([atRoot, inDeep].sort());
    const version = emu.emulator.db.nodes.get(atRoot)!.versionId!;
    expect(await ids({ files_scope: `${atRoot}:${version}` })).toEqual([atRoot]);
    expect(await ids({ files_scope: `${atRoot}:3${'0'.repeat(28)}` })).toEqual([]);
    expect(await ids({ files_scope: `${atRoot}:`, folders_scope: `${deep.id}:1` })).toEqual([atRoot, inDeep].sort());
    const refused = await emu.call('GET', `${base}/search/?search=maintenance&files_scope=${foreign}:`, { token: user.token });
    expect([refused.status, refused.body.error?.code]).toEqual([401, 115069]);
    const unknown = await emu.call('GET', `${base}/search/?search=maintenance&folders_scope=2${'0'.repeat(28)}:1`, { token: user.token });
    expect([unknown.status, unknown.body.error?.code]).toEqual([404, 1609]);
  });

  it('drops a deleted file at once, lets guests search, and matches names only with intelligence off', async () => {
    const emu = await inProcessEmulator(HOLD_JOBS);
    const { user, ws } = await emu.tenant({ intelligence: true });
    const ids = await seed(emu, user.token, ws.id);
    await emu.settle();
    await emu.ok('DELETE', `/current/workspace/${ws.id}/storage/${ids['contract.txt']!}/delete/`, { token: user.token });
    expect((await search(emu, user.token, ws.id, { search: 'termination notice' })).results).toEqual([]);
    const guest = await emu.persona('human');
    await emu.ok('POST', `/current/workspace/${ws.id}/members/${guest.id}/`, { token: user.token, form: { permissions: 'guest' } });
    expect((await search(emu, guest.token, ws.id, { search: 'pruning' })).results.map((h) => h.id)).toEqual([ids['notes.md']]);

    const off = await emu.tenant({ intelligence: false });
    const offIds = await seed(emu, off.user.token, off.ws.id);
    const byName = await search(emu, off.user.token, off.ws.id, { search: 'invoice' });
    expect(byName.results).toEqual([
      expect.objectContaining({ id: offIds['invoice.txt'], match_source: 'keyword', content_snippet: null, relevance_score: 1 }),
    ]);
    expect((await search(emu, off.user.token, off.ws.id, { search: 'pruning' })).results).toEqual([]);
  });
});
