/**
 * Metadata across tenants (two personas): every metadata route of the running dialect, called by
 * another tenant on the first tenant's workspace, is refused as a non-member (401/10545) and leaves
 * nothing; the other tenant's own workspace does not reach the first tenant's template (404/1609)
 * or nodes (the storage lookup's refusal). Plus the view export (TSV in a folder) in both dialects.
 */
import { describe, expect } from 'vitest';
import type { ApiClient, ApiResponse } from '../client.js';
import { waitFor } from '../files.js';
import { contract, setupContract } from '../harness.js';
import { expectApiError } from '../expect.js';
import { createTemplate, extracted, metadataTenant as tenantOf } from '../metadata.js';

const c = setupContract(import.meta.url);
const metadataTenant = () => tenantOf(c);

type Call = [label: string, dialects: readonly string[], run: (api: ApiClient, ws: string, tpl: string, node: string) => Promise<ApiResponse>];
const BOTH = ['v2', '2026-04'] as const;
const APRIL = ['2026-04'] as const;
const W = (ws: string) => `/current/workspace/${ws}`;

/** Every metadata route, with a body the owner could send. */
const CALLS: Call[] = [
  ['create template', BOTH, (a, ws) => a.post(`${W(ws)}/metadata/templates/`, { name: 'X', description: 'd', category: 'legal', fields: '[{"name":"a"}]' })],
  ['list', BOTH, (a, ws) => a.get(`${W(ws)}/metadata/templates/list/`)],
  ['list by filter', BOTH, (a, ws) => a.get(`${W(ws)}/metadata/templates/list/all/`)],
  ['categories', APRIL, (a, ws) => a.get(`${W(ws)}/metadata/templates/categories/`)],
  ['details', BOTH, (a, ws, t) => a.get(`${W(ws)}/metadata/templates/${t}/details/`)],
  ['settings', BOTH, (a, ws, t) => a.post(`${W(ws)}/metadata/templates/${t}/settings/`, { enabled: 'false' })],
  ['update', APRIL, (a, ws, t) => a.post(`${W(ws)}/metadata/templates/${t}/update/`, { name: 'Y' })],
  ['copy', APRIL, (a, ws, t) => a.post(`${W(ws)}/metadata/templates/${t}/update/create/`, { name: 'Y' })],
  ['delete', BOTH, (a, ws, t) => a.delete(`${W(ws)}/metadata/templates/${t}/`)],
  ['delete by query', APRIL, (a, ws, t) => a.delete(`${W(ws)}/metadata/templates/`, { query: { template_id: t } })],
  ['eligible', BOTH, (a, ws) => a.get(`${W(ws)}/metadata/eligible/`)],
  ['nodes add', BOTH, (a, ws, t, n) => a.post(`${W(ws)}/metadata/templates/${t}/nodes/add/`, { node_ids: n })],
  ['nodes remove', BOTH, (a, ws, t, n) => a.post(`${W(ws)}/metadata/templates/${t}/nodes/remove/`, { node_ids: n })],
  ['nodes list', BOTH, (a, ws, t) => a.get(`${W(ws)}/metadata/templates/${t}/nodes/`)],
  ['auto-match', BOTH, (a, ws, t) => a.post(`${W(ws)}/metadata/templates/${t}/auto-match/`, {})],
  ['extract-all', BOTH, (a, ws, t) => a.post(`${W(ws)}/metadata/templates/${t}/extract-all/`, {})],
  ['preview-match', BOTH, (a, ws) => a.post(`${W(ws)}/metadata/templates/preview-match/`, { name: 'n', description: 'invoice' })],
  ['suggest-fields', BOTH, (a, ws, _t, n) => a.post(`${W(ws)}/metadata/templates/suggest-fields/`, { node_ids: JSON.stringify([n]), description: 'd' })],
  ['node details', BOTH, (a, ws, _t, n) => a.get(`${W(ws)}/storage/${n}/metadata/details/`)],
  ['bulk details', BOTH, (a, ws, _t, n) => a.get(`${W(ws)}/storage/${n},${n.toUpperCase()}x/metadata/details/`)],
  ['node update', BOTH, (a, ws, t, n) => a.post(`${W(ws)}/storage/${n}/metadata/update/${t}/`, { key_values: '{"k":"v"}' })],
  ['node delete', BOTH, (a, ws, _t, n) => a.delete(`${W(ws)}/storage/${n}/metadata/`)],
  ['node extract', BOTH, (a, ws, t, n) => a.post(`${W(ws)}/storage/${n}/metadata/extract/`, { template_id: t })],
  ['node list', BOTH, (a, ws, t, n) => a.get(`${W(ws)}/storage/${n}/metadata/list/${t}/`)],
  ['node templates', BOTH, (a, ws, _t, n) => a.get(`${W(ws)}/storage/${n}/metadata/templates/`)],
  ['node versions', APRIL, (a, ws, _t, n) => a.get(`${W(ws)}/storage/${n}/metadata/versions/`)],
  ['template select', APRIL, (a, ws, _t, n) => a.post(`${W(ws)}/storage/${n}/metadata/template_select/`, {})],
  ['view save', APRIL, (a, ws, t) => a.post(`${W(ws)}/storage/root/metadata/view/`, { template_id: t })],
  ['view update', APRIL, (a, ws, t) => a.post(`${W(ws)}/storage/root/metadata/view/${t}/`, { name: 'v' })],
  ['view delete', APRIL, (a, ws, t) => a.delete(`${W(ws)}/storage/root/metadata/view/${t}/`)],
  ['view delete by query', APRIL, (a, ws, t) => a.delete(`${W(ws)}/storage/root/metadata/view/`, { query: { template_id: t } })],
  ['views list', APRIL, (a, ws) => a.get(`${W(ws)}/storage/root/metadata/views/`)],
  ['export', BOTH, (a, ws, t) => a.post(`${W(ws)}/metadata/view/${t}/export/`, {})],
  ['search', BOTH, (a, ws) => a.get(`${W(ws)}/metadata/search/`, { query: { q: 'invoice' } })],
];

describe('metadata across tenants', () => {
  contract.unverified("another tenant is refused on every metadata route of the owner's workspace, and changes nothing", async () => {
    const owner = await metadataTenant();
    const tpl = await createTemplate(owner.api, owner.ws.id);
    await owner.api.post(`${W(owner.ws.id)}/metadata/templates/${tpl}/nodes/add/`, { node_ids: owner.invoice });
    await owner.api.post(`${W(owner.ws.id)}/storage/${owner.invoice}/metadata/update/${tpl}/`, { key_values: '{"status":"paid"}' });
    const { api: stranger } = await c.signedIn({ accountType: 'human' });
    const mine = CALLS.filter(([, d]) => d.includes(c.target.dialect));
    expect(mine.length).toBeGreaterThanOrEqual(c.target.dialect === 'v2' ? 22 : 34);
    for (const [label, , run] of mine) {
      const res = await run(stranger, owner.ws.id, tpl, owner.invoice);
      expect([label, res.status]).toEqual([label, 401]);
      expectApiError(res, 401, 10545);
    }
    const t = (await owner.api.get(`${W(owner.ws.id)}/metadata/templates/${tpl}/details/`)).body.template as Record<string, unknown>;
    expect(t).toMatchObject({ name: 'Invoices', enabled: true, node_count: 1 });
    const d = (await owner.api.get(`${W(owner.ws.id)}/storage/${owner.invoice}/metadata/details/`)).body;
    expect((d.template_metadata as { key: string; value: unknown }[]).map((v) => [v.key, v.value])).toEqual([['status', 'paid']]);
  });

  contract.unverified("the other tenant's own workspace does not reach the owner's template or nodes", async () => {
    const owner = await metadataTenant();
    const tpl = await createTemplate(owner.api, owner.ws.id);
    const other = await metadataTenant();
    const theirs = await createTemplate(other.api, other.ws.id);
    const W2 = W(other.ws.id);
    expectApiError(await other.api.get(`${W2}/metadata/templates/${tpl}/details/`), 404, 1609);
    expectApiError(await other.api.post(`${W2}/metadata/templates/${tpl}/extract-all/`, {}), 404, 1609);
    expectApiError(await other.api.delete(`${W2}/metadata/templates/${tpl}/`), 404, 1609);
    expectApiError(await other.api.post(`${W2}/storage/${other.invoice}/metadata/update/${tpl}/`, { key_values: '{"a":1}' }), 404, 1609);
    const add = await other.api.post(`${W2}/metadata/templates/${theirs}/nodes/add/`, { node_ids: owner.invoice });
    expect(add.status, add.text).toBeGreaterThanOrEqual(400);
    expect(add.status).toBeLessThan(500);
    const read = await other.api.get(`${W2}/storage/${owner.invoice}/metadata/details/`);
    expect([401, 404]).toContain(read.status);
    const bulk = await other.api.get(`${W2}/storage/${owner.invoice},${other.invoice}/metadata/details/`);
    expect((bulk.body.errors as { node_id: string; code: number }[]).map((e) => [e.node_id, e.code])).toEqual([[owner.invoice, 191049]]);
    expect(((await other.api.get(`${W2}/metadata/templates/list/`)).body.templates as { id: string }[]).map((x) => x.id)).toEqual([theirs]);
    expect(((await owner.api.get(`${W(owner.ws.id)}/metadata/templates/${tpl}/nodes/`)).body.nodes as unknown[]).length).toBe(0);
  });
});

describe('metadata view export', () => {
  contract.unverified('export writes a TSV of the template rows into the folder; a second export while one runs is a duplicate', async () => {
    const { api, ws, invoice } = await metadataTenant();
    const tpl = await createTemplate(api, ws.id);
    await api.post(`${W(ws.id)}/metadata/templates/${tpl}/nodes/add/`, { node_ids: invoice });
    await api.post(`${W(ws.id)}/storage/${invoice}/metadata/extract/`, {});
    await extracted(api, ws.id, invoice);
    const folder = ((await api.post(`${W(ws.id)}/storage/root/createfolder/`, { name: 'exports' })).body.node as { id: string }).id;
    const res = await api.post(`${W(ws.id)}/metadata/view/${tpl}/export/`, { parent_node_id: folder });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ status: 'queued', parent_node_id: folder, rows: 1 });
    expect(res.body.filename).toMatch(/^Invoices-\d{8}T\d{6}Z\.tsv$/);
    expect((await api.post(`${W(ws.id)}/metadata/view/${tpl}/export/`, { parent_node_id: folder })).body.status).toBe('duplicate');
    const listed = await waitFor(
      api,
      ws.id,
      async () => (await api.get(`${W(ws.id)}/storage/${folder}/list/`)).body.nodes as { id: string; name: string }[],
      (n) => n.length > 0,
      'the export file',
    );
    expect(listed.map((n) => n.name)).toEqual([res.body.filename]);
    const text = (await api.get(`${W(ws.id)}/storage/${listed[0]!.id}/read/`)).text;
    const [header, row] = text.replace(/\n$/, '').split('\n');
    expect(header!.split('\t')).toEqual(['node_id', 'name', 'invoice_number', 'vendor_name', 'invoice_date', 'total_amount', 'status', 'approved']);
    expect(row!.split('\t')).toEqual([invoice, 'invoice.txt', 'INV-2026-0042', 'Harbor Supplies Ltd', '2026-03-15', '1250', 'paid', '']);
    expectApiError(await api.post(`${W(ws.id)}/metadata/view/${tpl}/export/`, { parent_node_id: 'x'.repeat(65) }), 400, 1605);
  });
});

describe('the unified find: metadata bucket', () => {
  contract.unverified(
    "files whose values hold the query's words, paginated on their own; another tenant's values never appear",
    async () => {
      const owner = await metadataTenant();
      const tpl = await createTemplate(owner.api, owner.ws.id);
      const set = (node: string, status: string) =>
        owner.api.post(`${W(owner.ws.id)}/storage/${node}/metadata/update/${tpl}/`, { key_values: JSON.stringify({ status, vendor_name: 'Lantern Works' }) });
      await set(owner.invoice, 'overdue');
      await set(owner.agreement, 'paid');
      const other = await metadataTenant();
      const theirs = await createTemplate(other.api, other.ws.id);
      await other.api.post(`${W(other.ws.id)}/storage/${other.invoice}/metadata/update/${theirs}/`, {
        key_values: JSON.stringify({ vendor_name: 'Lantern Works' }),
      });

      const find = (query: Record<string, string | number>) => owner.api.get(`${W(owner.ws.id)}/search/`, { query: { search: 'lantern overdue', ...query } });
      const res = await find({ metadata_limit: 1 });
      expect(res.status, res.text).toBe(200);
      const bucket = (res.body.buckets as Record<string, { items: { node_id: string; score: number }[]; total: number; has_more: boolean }>).metadata!;
      expect(bucket).toMatchObject({ total: 2, has_more: true, status: 'ok', limit: 1, offset: 0 });
      expect(bucket.items.map((i) => [i.node_id, i.score])).toEqual([[owner.invoice, 1]]);
      const next = (await find({ metadata_offset: 1 })).body.buckets as Record<string, { items: { node_id: string }[] }>;
      expect(next.metadata!.items.map((i) => i.node_id)).toEqual([owner.agreement]);
      const theirsFound = (await other.api.get(`${W(other.ws.id)}/search/`, { query: { search: 'lantern' } })).body.buckets as Record<
        string,
        { items: { node_id: string }[] }
      >;
      expect(theirsFound.metadata!.items.map((i) => i.node_id)).toEqual([other.invoice]);
    },
    { dialects: ['v2'] },
  );
});
