/**
 * The April-2026 metadata routes (official client 41dde01 mcp/tools.rs metadata-template-
 * categories, -update (copy with `/create/`), -template-select, -view-save/-delete/-views-list;
 * agent guide REFERENCE "Template Management", "Node Metadata Operations", "Saved Views").
 */
import { describe, expect } from 'vitest';
import { contract, setupContract } from '../harness.js';
import { expectApiError } from '../expect.js';
import { createTemplate, metadataTenant as tenantOf } from '../metadata.js';

const c = setupContract(import.meta.url, { dialects: ['2026-04'] });
const metadataTenant = () => tenantOf(c);

describe('April metadata routes', () => {
  contract.unverified('categories; update names added and type-changed fields; copy; DELETE by template_id', async () => {
    const { api, ws } = await metadataTenant();
    const cats = await api.get(`/current/workspace/${ws.id}/metadata/templates/categories/`);
    expect(cats.status, cats.text).toBe(200);
    expect((cats.body.categories as { id: string }[]).map((x) => x.id)).toEqual(expect.arrayContaining(['legal', 'financial', 'hr']));
    const id = await createTemplate(api, ws.id, JSON.stringify([{ name: 'amount', type: 'string' }, { name: 'party' }]));
    const upd = await api.post(`/current/workspace/${ws.id}/metadata/templates/${id}/update/`, {
      name: 'Renamed',
      fields: JSON.stringify([{ name: 'amount', type: 'float' }, { name: 'party' }, { name: 'due', type: 'datetime' }]),
    });
    expect(upd.status, upd.text).toBe(200);
    expect(upd.body.schema_update).toEqual({ added_fields: ['due'], type_changed_fields: ['amount'] });
    expect(upd.body.template).toMatchObject({ name: 'Renamed', field_count: 3 });
    expectApiError(await api.post(`/current/workspace/${ws.id}/metadata/templates/${id}/update/`, { description: 'x'.repeat(1001) }), 400, 1605);
    // the free plan holds one template: the copy needs the original gone first or answers the cap
    const copy = await api.post(`/current/workspace/${ws.id}/metadata/templates/${id}/update/create/`, { name: 'Copy' });
    if (copy.status === 200) {
      expect(copy.body.template).toMatchObject({ name: 'Copy', copied_from: id, field_count: 3 });
    } else expectApiError(copy, 402, 1685);
    const del = await api.delete(`/current/workspace/${ws.id}/metadata/templates/`, { query: { template_id: id } });
    expect(del.status, del.text).toBe(200);
    expectApiError(await api.get(`/current/workspace/${ws.id}/metadata/templates/${id}/details/`), 404, 1609);
    expectApiError(await api.delete(`/current/workspace/${ws.id}/metadata/templates/`), 400, 1605);
  });

  contract.unverified("versions keep each change of a node's values, newest first", async () => {
    const { api, ws, invoice } = await metadataTenant();
    const id = await createTemplate(api, ws.id);
    const upd = (kv: Record<string, unknown>) =>
      api.post(`/current/workspace/${ws.id}/storage/${invoice}/metadata/update/${id}/`, { key_values: JSON.stringify(kv) });
    await upd({ status: 'unpaid' });
    await upd({ status: 'paid' });
    await api.delete(`/current/workspace/${ws.id}/storage/${invoice}/metadata/`, { query: { keys: '["status"]' } });
    const res = await api.get(`/current/workspace/${ws.id}/storage/${invoice}/metadata/versions/`);
    expect(res.status, res.text).toBe(200);
    const versions = res.body.versions as { version: number; source: string; values: { key: string; value: unknown }[] }[];
    expect(versions.map((v) => [v.version, v.source, v.values.map((x) => x.value)])).toEqual([
      [3, 'deleted', []],
      [2, 'manual', ['paid']],
      [1, 'manual', ['unpaid']],
    ]);
  });

  contract.unverified('saved views: save on a folder, update by id, list, delete by template; template_select ranks templates for a file', async () => {
    const { api, ws, invoice } = await metadataTenant();
    const id = await createTemplate(api, ws.id);
    const saved = await api.post(`/current/workspace/${ws.id}/storage/root/metadata/view/`, {
      template_id: id,
      name: 'Unpaid',
      filters: '{"status":"unpaid"}',
      order_by: 'total_amount',
      order_desc: 'true',
    });
    expect(saved.status, saved.text).toBe(200);
    const view = saved.body.view as { id: string };
    expect(saved.body.view).toMatchObject({ template_id: id, name: 'Unpaid', filters: { status: 'unpaid' }, order_by: 'total_amount', order_desc: true });
    const renamed = await api.post(`/current/workspace/${ws.id}/storage/root/metadata/view/${view.id}/`, { name: 'Open' });
    expect(renamed.body.view).toMatchObject({ id: view.id, name: 'Open', order_by: 'total_amount' });
    const listed = await api.get(`/current/workspace/${ws.id}/storage/root/metadata/views/`);
    expect((listed.body.views as { id: string }[]).map((v) => v.id)).toEqual([view.id]);
    expectApiError(await api.post(`/current/workspace/${ws.id}/storage/root/metadata/view/`, { name: 'no template' }), 400, 1605);
    expectApiError(await api.post(`/current/workspace/${ws.id}/storage/root/metadata/view/nope/`, { name: 'x' }), 404, 1609);
    expect((await api.delete(`/current/workspace/${ws.id}/storage/root/metadata/view/`, { query: { template_id: id } })).status).toBe(200);
    expect((await api.get(`/current/workspace/${ws.id}/storage/root/metadata/views/`)).body.views).toEqual([]);
    const again = (await api.post(`/current/workspace/${ws.id}/storage/root/metadata/view/`, { template_id: id })).body.view as { id: string };
    expect((await api.delete(`/current/workspace/${ws.id}/storage/root/metadata/view/${again.id}/`)).status).toBe(200);

    const ranked = await api.post(`/current/workspace/${ws.id}/storage/${invoice}/metadata/template_select/`, {});
    expect(ranked.status, ranked.text).toBe(200);
    expect(ranked.body.templates).toEqual([expect.objectContaining({ template_id: id, mapped: false })]);
    expect((ranked.body.templates as { score: number }[])[0]!.score).toBeGreaterThan(0);
  });
});
