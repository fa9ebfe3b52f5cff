/**
 * Output modifiers on every route: `?output=terse|standard|full` and `markdown`.
 * PARITY: agent guide REFERENCE.md "Compact Responses (`output=`)", in the April 2026 guide and in
 * V2 alike; both dialects.
 */
import { describe, expect } from 'vitest';
import type { ApiResponse } from '../client.js';
import { contract, setupContract } from '../harness.js';
import { expectApiError } from '../expect.js';
import { createWorkspace } from '../tenants.js';

const c = setupContract(import.meta.url, { dialects: ['v2', '2026-04'] });

type Row = Record<string, unknown>;

function markdownOf(r: ApiResponse): string {
  expect(r.headers.get('content-type') ?? '', r.text).toMatch(/^text\/markdown; charset=utf-8$/i);
  return r.text;
}

const isScalar = (v: unknown) => v !== null && typeof v !== 'object';

describe('detail levels', () => {
  contract.unverified('full is the answer without output; standard and terse are cumulative subsets; unknown tokens change nothing', async () => {
    const { api } = await c.signedIn({ accountType: 'agent' });
    const org = await c.createOrg(api);
    await createWorkspace(api, org.id, { description: 'A workspace with a description' });
    await createWorkspace(api, org.id);
    const path = `/current/org/${org.id}/list/workspaces/`;

    const plain = await api.get(path);
    expect(plain.status, plain.text).toBe(200);
    const full = await api.get(path, { query: { output: 'full' } });
    expect(full.text).toBe(plain.text);
    expect((await api.get(path, { query: { output: 'sparkles' } })).text).toBe(plain.text);

    const standard = await api.get(path, { query: { output: 'standard' } });
    const terse = await api.get(path, { query: { output: 'TERSE,sparkles' } });
    expect([standard.status, terse.status]).toEqual([200, 200]);
    const rows = (r: ApiResponse) => r.body.workspaces as Row[];
    expect(rows(terse).map((w) => w.id)).toEqual(rows(plain).map((w) => w.id));
    expect(terse.body.pagination).toEqual(plain.body.pagination);
    rows(terse).forEach((t, i) => {
      const s = rows(standard)[i]!;
      const f = rows(plain)[i]!;
      for (const [k, v] of Object.entries(t)) {
        expect(isScalar(v), k).toBe(true);
        expect(s[k], k).toEqual(v);
      }
      for (const [k, v] of Object.entries(s)) expect(f[k], k).toEqual(v);
      expect(t.id).toBe(f.id);
      expect(t.name).toBe(f.name);
    });
    // full carries what standard leaves out (the caller's permission block on each workspace)
    expect(Object.keys(rows(plain)[0]!).length).toBeGreaterThan(Object.keys(rows(terse)[0]!).length);
  });

  contract.unverified('two detail levels at once are 400/1605 naming output and the allowed values', async () => {
    const { api } = await c.signedIn({ accountType: 'agent' });
    const r = await api.get('/current/user/details/', { query: { output: 'terse,standard' } });
    expectApiError(r, 400, 1605);
    const param = r.body.error?.params?.find((p) => p.name === 'output');
    expect(param?.kind).toBe('invalid');
    expect(param?.message).toMatch(/terse, standard, full/);
  });
});

describe('markdown', () => {
  contract.unverified('an answer renders as GFM: bullets for a map, a table for a record list', async () => {
    const { api, persona } = await c.signedIn({ accountType: 'agent' });
    const md = markdownOf(await api.get('/current/user/details/', { query: { output: 'terse,markdown' } }));
    expect(md.startsWith('**Result:** success\n')).toBe(true);
    expect(md).toMatch(/^# user$/m);
    expect(md).toContain(`- **id:** ${persona.userId}`);

    const org = await c.createOrg(api);
    const ws = await createWorkspace(api, org.id);
    const list = markdownOf(await api.get(`/current/org/${org.id}/list/workspaces/`, { query: { output: 'standard,markdown' } }));
    expect(list).toMatch(/^# workspaces$/m);
    const header = list.split('\n').find((l) => l.startsWith('| id |'));
    expect(header, list).toBeDefined();
    expect(list).toMatch(/^\|-+\|/m);
    expect(list).toContain(`| ${ws.id} |`);
  });

  contract.unverified('an error renders as a `# Error` section, a 400 with its params table', async () => {
    const { api } = await c.signedIn({ accountType: 'agent' });
    const r = await api.get('/current/user/details/', { query: { output: 'markdown,terse,full' } });
    expect(r.status).toBe(400);
    const md = markdownOf(r);
    expect(md.startsWith('**Result:** failure\n')).toBe(true);
    expect(md).toMatch(/^# Error$/m);
    expect(md).toContain('- **code:** 1605');
    expect(md).toMatch(/^## params$/m);
    expect(md).toMatch(/^\| name \| kind \| message \| code \| expected_type \|$/m);
    expect(md).toMatch(/^\| output \| invalid \| .+ \|$/m);

    const unauthenticated = await api.get('/current/user/details/', { query: { output: 'markdown' }, token: null });
    expect(unauthenticated.status).toBe(401);
    expect(markdownOf(unauthenticated)).toMatch(/^# Error$/m);
  });

  contract.unverified('another tenant’s workspace is refused in markdown too, and names nothing of it', async () => {
    const a = await c.signedIn({ accountType: 'agent' });
    const b = await c.signedIn({ accountType: 'agent' });
    const orgB = await c.createOrg(b.api);
    const wsB = await createWorkspace(b.api, orgB.id, { name: 'Tenant B secret workspace' });
    const plain = await a.api.get(`/current/workspace/${wsB.id}/details/`);
    const r = await a.api.get(`/current/workspace/${wsB.id}/details/`, { query: { output: 'standard,markdown' } });
    expect(r.status).toBe(plain.status);
    expect([401, 404]).toContain(r.status);
    const md = markdownOf(r);
    expect(md).toMatch(/^# Error$/m);
    expect(md).toContain(`- **code:** ${plain.body.error?.code}`);
    expect(md).not.toContain('Tenant B secret');
    expect(md).not.toContain(orgB.domain);
  });
});
