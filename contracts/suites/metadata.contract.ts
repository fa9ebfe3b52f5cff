/**
 * Metadata templates, node mapping, extraction and node values (official client 96b1551 / 41dde01
 * src/api/metadata.rs and mcp/tools.rs metadata-*; agent guide REFERENCE "Metadata"), in both
 * dialects: typed fields, plan caps, eligibility, extraction from the document's own text with
 * citations, manual values, delete, bulk details, and refusals across tenants (two personas).
 */
import { describe, expect } from 'vitest';
import { aiSettled, creditsUsed, spendCreditsDownTo, uploaded, waitFor } from '../files.js';
import { FIELDS, createTemplate, extracted, metadataTenant as tenantOf, valuesOf, type Value } from '../metadata.js';
import { contract, setupContract } from '../harness.js';
import { expectApiError } from '../expect.js';

const c = setupContract(import.meta.url);
const metadataTenant = () => tenantOf(c);

describe('metadata templates', () => {
  contract.unverified('create with typed fields, list, list by filter, details, settings, delete', async () => {
    const { api, ws } = await metadataTenant();
    const id = await createTemplate(api, ws.id);
    expect(id).toMatch(/^c[0-9a-z]{28,29}$/);
    const details = await api.get(`/current/workspace/${ws.id}/metadata/templates/${id}/details/`);
    expect(details.status, details.text).toBe(200);
    const t = details.body.template as Record<string, unknown>;
    expect(t).toMatchObject({ id, name: 'Invoices', category: 'financial', enabled: true, field_count: 6 });
    expect((t.fields as Record<string, unknown>[]).map((f) => [f.name, f.type, f.autoextract])).toEqual([
      ['invoice_number', 'string', true],
      ['vendor_name', 'string', true],
      ['invoice_date', 'datetime', true],
      ['total_amount', 'float', true],
      ['status', 'string', true],
      ['approved', 'bool', false],
    ]);
    expect((t.fields as Record<string, unknown>[])[4]!.fixed_list).toEqual(['paid', 'unpaid', 'overdue']);

    const listed = await api.get(`/current/workspace/${ws.id}/metadata/templates/list/`);
    expect((listed.body.templates as { id: string }[]).map((x) => x.id)).toEqual([id]);
    const set = await api.post(`/current/workspace/${ws.id}/metadata/templates/${id}/settings/`, { enabled: 'false', priority: '1' });
    expect(set.status, set.text).toBe(200);
    expect(set.body.template).toMatchObject({ enabled: false, priority: 1 });
    expect((await api.get(`/current/workspace/${ws.id}/metadata/templates/list/enabled/`)).body.templates).toEqual([]);
    expect(((await api.get(`/current/workspace/${ws.id}/metadata/templates/list/disabled/`)).body.templates as unknown[]).length).toBe(1);
    expect((await api.get(`/current/workspace/${ws.id}/metadata/templates/list/system/`)).body.templates).toEqual([]);

    expect((await api.delete(`/current/workspace/${ws.id}/metadata/templates/${id}/`)).status).toBe(200);
    expectApiError(await api.get(`/current/workspace/${ws.id}/metadata/templates/${id}/details/`), 404, 1609);
  });

  contract.unverified(
    'refuses bad templates: no fields, every field opted out, an unknown type, a non-boolean autoextract, a long category; the plan caps the count',
    async () => {
      const { api, ws } = await metadataTenant();
      const post = (fields: string, extra: Record<string, string> = {}) =>
        api.post(`/current/workspace/${ws.id}/metadata/templates/`, { name: 'T', description: 'd', category: 'legal', fields, ...extra });
      expectApiError(await post('[]'), 400, 1605);
      expectApiError(await post('not json'), 400, 1605);
      expectApiError(await post(JSON.stringify([{ name: 'a', autoextract: false }])), 400, 1605);
      expectApiError(await post(JSON.stringify([{ name: 'a', type: 'money' }])), 400, 1605);
      expectApiError(await post(JSON.stringify([{ name: 'a', autoextract: 'false' }])), 400, 1605);
      expectApiError(await post(JSON.stringify([{ name: 'a' }]), { category: 'x'.repeat(51) }), 400, 1605);
      expectApiError(await post(JSON.stringify([{ name: 'a' }]), { description: 'x'.repeat(1001) }), 400, 1605);
      await createTemplate(api, ws.id);
      const cap = (await api.get(`/current/workspace/${ws.id}/metadata/templates/list/`)).body.plan_template_limit as number;
      for (let i = 1; i < cap; i++) await createTemplate(api, ws.id, FIELDS, `T${i}`);
      expectApiError(await post(JSON.stringify([{ name: 'a' }])), 402, 1685);
    },
  );

  contract.unverified('eligible files are the ingested ones; add, list and remove nodes; a folder is refused', async () => {
    const { api, ws, invoice, agreement } = await metadataTenant();
    const folder = await api.post(`/current/workspace/${ws.id}/storage/root/createfolder/`, { name: 'docs' });
    const folderId = folder.body.node as { id: string };
    const eligible = await api.get(`/current/workspace/${ws.id}/metadata/eligible/`);
    expect(eligible.status, eligible.text).toBe(200);
    expect((eligible.body.nodes as { id: string }[]).map((n) => n.id).sort()).toEqual([invoice, agreement].sort());

    const id = await createTemplate(api, ws.id);
    const added = await api.post(`/current/workspace/${ws.id}/metadata/templates/${id}/nodes/add/`, { node_ids: JSON.stringify([invoice, agreement]) });
    expect(added.status, added.text).toBe(200);
    expect((added.body.added as string[]).sort()).toEqual([invoice, agreement].sort());
    const again = await api.post(`/current/workspace/${ws.id}/metadata/templates/${id}/nodes/add/`, { node_ids: invoice });
    expect(again.body).toMatchObject({ added: [], already_mapped: [invoice] });
    expectApiError(await api.post(`/current/workspace/${ws.id}/metadata/templates/${id}/nodes/add/`, { node_ids: folderId.id }), 400, 1605);

    const nodes = await api.get(`/current/workspace/${ws.id}/metadata/templates/${id}/nodes/`);
    expect(nodes.status, nodes.text).toBe(200);
    expect(nodes.body).toMatchObject({ total_count: 2, total_count_unfiltered: 2, is_truncated: false });
    expect((nodes.body.nodes as { node_id: string; autoextractable: boolean }[]).map((n) => [n.node_id, n.autoextractable])).toEqual([
      [invoice, true],
      [agreement, true],
    ]);
    const removed = await api.post(`/current/workspace/${ws.id}/metadata/templates/${id}/nodes/remove/`, { node_ids: JSON.stringify([agreement]) });
    expect(removed.body.removed).toEqual([agreement]);
    expect(((await api.get(`/current/workspace/${ws.id}/metadata/templates/${id}/nodes/`)).body.nodes as unknown[]).length).toBe(1);
    expectApiError(await api.get(`/current/workspace/${ws.id}/metadata/templates/${id}/nodes/`, { query: { sort_dir: 'asc' } }), 400, 1605);
  });
});

describe('metadata extraction and values', () => {
  contract.unverified('extract one file: 202 with a job, then values found in its text by type, each citing page and chunk; credits charged', async () => {
    const { api, org, ws, invoice } = await metadataTenant();
    const id = await createTemplate(api, ws.id);
    await api.post(`/current/workspace/${ws.id}/metadata/templates/${id}/nodes/add/`, { node_ids: invoice });
    const before = (await creditsUsed(api, org.id)).used;
    const res = await api.post(`/current/workspace/${ws.id}/storage/${invoice}/metadata/extract/`, {});
    expect(res.status, res.text).toBe(202);
    expect(res.body).toMatchObject({
      template_id: id,
      node_id: invoice,
      status: 'queued',
      fields: ['invoice_number', 'vendor_name', 'invoice_date', 'total_amount', 'status'],
    });
    expect(res.body.job_id).toMatch(/^[0-9a-z]{29,30}$/);
    const details = await extracted(api, ws.id, invoice);
    expect(valuesOf(details)).toEqual({
      invoice_number: 'INV-2026-0042',
      vendor_name: 'Harbor Supplies Ltd',
      invoice_date: '2026-03-15',
      total_amount: 1250,
      status: 'paid',
    });
    for (const v of details.template_metadata as Value[]) expect(v.citation).toMatchObject({ page: 1, chunk: 0 });
    expect((details.template_metadata as Value[]).find((v) => v.key === 'total_amount')!.citation!.snippet).toContain('$1,250.00');
    expect(details).toMatchObject({ node_id: invoice, template_id: id, autoextractable: true, custom_metadata: [] });
    expect((await creditsUsed(api, org.id)).used).toBeGreaterThan(before);
  });

  contract.unverified(
    'extract-all reads unlabelled text by type: a name, a date, an amount, an identifier; a fixed list with no match stays null',
    async () => {
      const { api, ws, invoice, agreement } = await metadataTenant();
      const id = await createTemplate(api, ws.id);
      await api.post(`/current/workspace/${ws.id}/metadata/templates/${id}/nodes/add/`, { node_ids: `${invoice},${agreement}` });
      const res = await api.post(`/current/workspace/${ws.id}/metadata/templates/${id}/extract-all/`, {});
      expect(res.status, res.text).toBe(200);
      expect(res.body).toMatchObject({ template_id: id, status: 'queued', node_count: 2 });
      expect(valuesOf(await extracted(api, ws.id, agreement))).toEqual({
        invoice_number: 'AGR-77-X1',
        vendor_name: 'Alice Martin',
        invoice_date: '2026-03-03',
        total_amount: 900.5,
        status: null,
      });
      expect(valuesOf(await extracted(api, ws.id, invoice)).invoice_number).toBe('INV-2026-0042');
      // Nodes with values are skipped unless force.
      expect((await api.post(`/current/workspace/${ws.id}/metadata/templates/${id}/extract-all/`, {})).body.node_count).toBe(0);
      expect((await api.post(`/current/workspace/${ws.id}/metadata/templates/${id}/extract-all/`, { force: 'true' })).body.node_count).toBe(2);
      expectApiError(await api.post(`/current/workspace/${ws.id}/metadata/templates/${id}/extract-all/`, { fields: '["nope"]' }), 400, 1605);
    },
  );

  contract.unverified('manual values are typed by the template, other keys are custom; delete by key and all; bulk details with per-id errors', async () => {
    const { api, ws, invoice, agreement } = await metadataTenant();
    const id = await createTemplate(api, ws.id);
    const upd = (node: string, kv: Record<string, unknown>) =>
      api.post(`/current/workspace/${ws.id}/storage/${node}/metadata/update/${id}/`, { key_values: JSON.stringify(kv) });
    const ok = await upd(invoice, { total_amount: '99.5', approved: 'yes', reviewer: 'Pat' });
    expect(ok.status, ok.text).toBe(200);
    expect(valuesOf(ok.body)).toEqual({ total_amount: 99.5, approved: true });
    expect((ok.body.custom_metadata as Value[]).map((v) => [v.key, v.value, v.source])).toEqual([['reviewer', 'Pat', 'manual']]);
    expectApiError(await upd(invoice, { status: 'lost' }), 400, 1605);
    expectApiError(await upd(invoice, { total_amount: -3 }), 400, 1605);
    expectApiError(await upd(invoice, { invoice_date: 'someday' }), 400, 1605);

    const bulk = await api.get(`/current/workspace/${ws.id}/storage/${invoice},${agreement},root,nothing/metadata/details/`);
    expect(bulk.status, bulk.text).toBe(200);
    expect(bulk.body.format).toBe('multi');
    expect((bulk.body.objects as { node_id: string }[]).map((o) => o.node_id).sort()).toEqual([invoice, agreement].sort());
    expect(Object.keys(bulk.body.templates as object)).toEqual([id]);
    expect((bulk.body.errors as { node_id: string; code: number }[]).map((e) => [e.node_id, e.code])).toEqual([
      ['root', 196136],
      ['nothing', 147196],
    ]);

    const del = await api.delete(`/current/workspace/${ws.id}/storage/${invoice}/metadata/`, { query: { keys: '["reviewer"]' } });
    expect(del.status, del.text).toBe(200);
    expect(del.body.deleted).toEqual(['reviewer']);
    expect(((await api.get(`/current/workspace/${ws.id}/storage/${invoice}/metadata/details/`)).body.custom_metadata as unknown[]).length).toBe(0);
    expect(((await api.delete(`/current/workspace/${ws.id}/storage/${invoice}/metadata/`)).body.deleted as string[]).sort()).toEqual([
      'approved',
      'total_amount',
    ]);
    expect(valuesOf((await api.get(`/current/workspace/${ws.id}/storage/${invoice}/metadata/details/`)).body)).toEqual({});
  });

  contract.unverified("list a template's rows under root with filters and order; templates in use on a file", async () => {
    const { api, ws, invoice, agreement } = await metadataTenant();
    const id = await createTemplate(api, ws.id);
    await api.post(`/current/workspace/${ws.id}/metadata/templates/${id}/nodes/add/`, { node_ids: `${invoice},${agreement}` });
    await api.post(`/current/workspace/${ws.id}/storage/${invoice}/metadata/update/${id}/`, {
      key_values: JSON.stringify({ status: 'paid', total_amount: 10 }),
    });
    await api.post(`/current/workspace/${ws.id}/storage/${agreement}/metadata/update/${id}/`, {
      key_values: JSON.stringify({ status: 'unpaid', total_amount: 20 }),
    });
    const rows = await api.get(`/current/workspace/${ws.id}/storage/${invoice}/metadata/list/${id}/`);
    expect(rows.status, rows.text).toBe(200);
    expect((rows.body.nodes as { node_id: string }[]).map((r) => r.node_id)).toEqual([invoice]);
    const inUse = await api.get(`/current/workspace/${ws.id}/storage/${invoice}/metadata/templates/`);
    expect((inUse.body.templates as { id: string }[]).map((t) => t.id)).toEqual([id]);
    const search = await api.get(`/current/workspace/${ws.id}/metadata/search/`, { query: { q: 'unpaid' } });
    expect(search.status, search.text).toBe(200);
    expect((search.body.results as { node_id: string }[]).map((r) => r.node_id)).toEqual([agreement]);
    expectApiError(await api.get(`/current/workspace/${ws.id}/metadata/search/`, { query: { q: '  ' } }), 400, 1605);
    expectApiError(await api.get(`/current/workspace/${ws.id}/metadata/search/`, { query: { q: 'x', limit: '100', offset: '9950' } }), 400, 1605);
  });

  contract.unverified("preview-match, auto-match and suggest-fields work from the files' text", async () => {
    const { api, ws, invoice, agreement } = await metadataTenant();
    const preview = await api.post(`/current/workspace/${ws.id}/metadata/templates/preview-match/`, {
      name: 'Invoices',
      description: 'harbor supplier invoice amounts',
    });
    expect(preview.status, preview.text).toBe(200);
    expect(preview.body).toMatchObject({ total_eligible: 2, total_matched: 2 });
    expect((preview.body.matched_files as { node_id: string }[])[0]!.node_id).toBe(invoice);
    const suggested = await api.post(`/current/workspace/${ws.id}/metadata/templates/suggest-fields/`, {
      node_ids: JSON.stringify([invoice]),
      description: 'invoices',
    });
    expect(suggested.status, suggested.text).toBe(200);
    const fields = suggested.body.suggested_fields as { name: string; type: string; example_value: unknown }[];
    expect(fields.map((f) => [f.name, f.type])).toEqual([
      ['invoice_date', 'datetime'],
      ['invoice_number', 'string'],
      ['status', 'string'],
      ['total_amount', 'float'],
      ['vendor_name', 'string'],
    ]);
    // the suggestion is create-template's `fields`, as is
    const id = await createTemplate(api, ws.id, JSON.stringify(fields));
    const matched = await api.post(`/current/workspace/${ws.id}/metadata/templates/${id}/auto-match/`, {});
    expect(matched.status, matched.text).toBe(200);
    expect(matched.body).toMatchObject({ status: 'queued' });
    const nodes = await waitFor(
      api,
      ws.id,
      async () => (await api.get(`/current/workspace/${ws.id}/metadata/templates/${id}/nodes/`)).body.nodes as { node_id: string; source: string }[],
      (n) => n.length > 0,
      'auto-match',
    );
    expect(nodes.map((n) => n.node_id)).toContain(invoice);
    expect(nodes.every((n) => n.source === 'auto_match')).toBe(true);
    expect(agreement).toBeTruthy();
    expectApiError(await api.post(`/current/workspace/${ws.id}/metadata/templates/suggest-fields/`, { node_ids: '[]', description: 'x' }), 400, 1605);
    expectApiError(
      await api.post(`/current/workspace/${ws.id}/metadata/templates/suggest-fields/`, {
        node_ids: JSON.stringify([invoice]),
        description: 'x',
        user_context: 'no!',
      }),
      400,
      1605,
    );
  });

  contract.unverified('extraction refuses a file whose text is not read, and a file mapped to no template', async () => {
    const { api, ws, invoice } = await metadataTenant();
    const image = await uploaded(api, ws.id, 'photo.png', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    await aiSettled(api, ws.id, image);
    const id = await createTemplate(api, ws.id);
    expectApiError(await api.post(`/current/workspace/${ws.id}/storage/${image}/metadata/extract/`, { template_id: id }), 400, 1605);
    expectApiError(await api.post(`/current/workspace/${ws.id}/storage/${invoice}/metadata/extract/`, {}), 400, 1605);
    expect((await api.post(`/current/workspace/${ws.id}/storage/${invoice}/metadata/extract/`, { template_id: id, fields: '["approved"]' })).status).toBe(202);
  });

  contract.emulatorOnly('an org out of credits is answered 402/1696 by the AI routes and nothing is queued', async () => {
    const { api, org, ws, invoice } = await metadataTenant();
    const id = await createTemplate(api, ws.id);
    await api.post(`/current/workspace/${ws.id}/metadata/templates/${id}/nodes/add/`, { node_ids: invoice });
    const { limit } = await creditsUsed(api, org.id);
    if (limit === null) return;
    await spendCreditsDownTo(c.api(), api, org.id, 0);
    expectApiError(await api.post(`/current/workspace/${ws.id}/storage/${invoice}/metadata/extract/`, { template_id: id }), 402, 1696);
    expectApiError(await api.post(`/current/workspace/${ws.id}/metadata/templates/${id}/extract-all/`, {}), 402, 1696);
    expectApiError(await api.post(`/current/workspace/${ws.id}/metadata/templates/preview-match/`, { name: 'a', description: 'invoice' }), 402, 1696);
    expect(valuesOf((await api.get(`/current/workspace/${ws.id}/storage/${invoice}/metadata/details/`)).body)).toEqual({});
  });
});
