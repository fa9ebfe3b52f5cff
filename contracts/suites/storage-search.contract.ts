/**
 * V2's searches of a workspace: `/storage/search/` in the two shapes the official client reads
 * (96b1551 src/api/storage.rs:654-702: a `files` map keyed by node id with intelligence off,
 * `results[]` with it on) and the unified `/search/` with its buckets (src/api/search.rs).
 */
import { describe, expect } from 'vitest';
import { aiSettled, uploaded } from '../files.js';
import { contract, setupContract } from '../harness.js';
import { expectApiError } from '../expect.js';
import { createWorkspace } from '../tenants.js';

const c = setupContract(import.meta.url, { dialects: ['v2'] });

async function tenant(intelligence: boolean) {
  const { api, persona } = await c.signedIn({ accountType: 'human' });
  const org = await c.createOrg(api);
  const ws = await createWorkspace(api, org.id, { intelligence });
  return { api, persona, org, ws };
}

interface Bucket {
  items: { id: string; name: string }[];
  status: string;
  total: number;
  has_more: boolean;
  offset: number;
  limit: number;
}

describe('storage search', () => {
  contract.unverified('with intelligence off: names only, answered as a files map keyed by node id', async () => {
    const { api, ws } = await tenant(false);
    const report = await uploaded(api, ws.id, 'harbor-report.txt', 'nothing about the query here');
    const invoice = await uploaded(api, ws.id, 'harbor-invoice.txt', 'nothing either');
    await uploaded(api, ws.id, 'orchard.txt', 'The harbor is mentioned only in the content.');
    const res = await api.get(`/current/workspace/${ws.id}/storage/search/`, { query: { search: 'harbor' } });
    expect(res.status, res.text).toBe(200);
    expect(res.body.results).toBeUndefined();
    const files = res.body.files as Record<string, { name: string; match_source: string; content_snippet: string | null }>;
    expect(Object.keys(files).sort()).toEqual([report, invoice].sort());
    expect(files[report]).toMatchObject({ name: 'harbor-report.txt', match_source: 'keyword', content_snippet: null });
    expect(res.body.pagination).toMatchObject({ total: 2, has_more: false });
  });

  contract.unverified(
    'with intelligence on: results[] over the content of ready files',
    async () => {
      const { api, ws } = await tenant(true);
      const id = await uploaded(api, ws.id, 'contract.txt', 'Either party may end the agreement with a termination notice of ninety days.');
      expect((await aiSettled(api, ws.id, id)).ai.state).toBe('ready');
      const res = await api.get(`/current/workspace/${ws.id}/storage/search/`, { query: { search: 'termination notice' } });
      expect(res.status, res.text).toBe(200);
      expect(res.body.files).toBeUndefined();
      const results = res.body.results as { id: string; node_id: string; content_snippet: string }[];
      expect(results.map((r) => r.id)).toEqual([id]);
      expect(results[0]!.content_snippet).toContain('termination notice');
    },
    { requires: ['account-type'], timeout: 60_000 },
  );
});

describe('unified search', () => {
  contract.unverified('answers buckets: files (paginated on its own), metadata and comments (empty until those areas exist)', async () => {
    const { api, ws } = await tenant(false);
    const ids = [];
    for (const n of ['one', 'two', 'three']) ids.push(await uploaded(api, ws.id, `budget-${n}.txt`, n));
    await uploaded(api, ws.id, 'unrelated.txt', 'budget inside only');
    const res = await api.get(`/current/workspace/${ws.id}/search/`, { query: { search: 'budget', files_limit: 2 } });
    expect(res.status, res.text).toBe(200);
    const buckets = res.body.buckets as Record<string, Bucket>;
    expect(Object.keys(buckets).sort()).toEqual(['comments', 'files', 'metadata']);
    expect(buckets.files).toMatchObject({ status: 'ok', total: 3, has_more: true, offset: 0, limit: 2 });
    expect(buckets.files!.items).toHaveLength(2);
    const rest = (await api.get(`/current/workspace/${ws.id}/search/`, { query: { search: 'budget', files_limit: 2, files_offset: 2 } })).body
      .buckets as Record<string, Bucket>;
    expect(rest.files).toMatchObject({ total: 3, has_more: false, offset: 2 });
    expect([...buckets.files!.items, ...rest.files!.items].map((i) => i.id).sort()).toEqual([...ids].sort());
    for (const name of ['metadata', 'comments']) expect(buckets[name]).toMatchObject({ items: [], status: 'ok', total: 0, has_more: false });

    expectApiError(await api.get(`/current/workspace/${ws.id}/search/`, { query: { search: '' } }), 400, 1605);
    expectApiError(await api.get(`/current/workspace/${ws.id}/search/`, { query: { search: 'x'.repeat(1025) } }), 400, 1605);
    expectApiError(await api.get(`/current/workspace/${ws.id}/search/`, { query: { search: 'budget', files_limit: 0 } }), 400, 1605);
  });

  contract.unverified("neither search reaches another tenant's workspace (401/10545), and hits name only the caller's nodes", async () => {
    const a = await tenant(false);
    const b = await tenant(false);
    const theirs = await uploaded(b.api, b.ws.id, 'budget-secret.txt', 'tenant b');
    const mine = await uploaded(a.api, a.ws.id, 'budget-mine.txt', 'tenant a');
    for (const path of ['storage/search', 'search']) {
      const res = await a.api.get(`/current/workspace/${b.ws.id}/${path}/`, { query: { search: 'budget' } });
      expectApiError(res, 401, 10545);
      expect(res.text).not.toContain('secret');
    }
    const storage = await a.api.get(`/current/workspace/${a.ws.id}/storage/search/`, { query: { search: 'budget' } });
    expect(Object.keys(storage.body.files as object)).toEqual([mine]);
    const unified = (await a.api.get(`/current/workspace/${a.ws.id}/search/`, { query: { search: 'budget' } })).body.buckets as Record<string, Bucket>;
    expect(unified.files!.items.map((i) => i.id)).toEqual([mine]);
    expect(JSON.stringify(unified)).not.toContain(theirs);
  });
});
