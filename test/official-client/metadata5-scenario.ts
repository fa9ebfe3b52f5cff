/**
 * The official client's `metadata` commands against the emulator (issue 20 item 2): eligible
 * files, preview-match and suggest-fields from the files' text, create-template with the
 * suggestion, add/list/remove nodes, auto-match, extract (one file) and extract-all, details
 * (single and bulk), search, export-view. Another tenant's client is refused on the same ids.
 */
import { expect } from 'vitest';
import type { OfficialCli } from './cli.js';

type Json = Record<string, unknown>;

export interface Metadata5ScenarioDeps {
  cli: OfficialCli;
  tenant: () => Promise<{ token: string; wsId: string }>;
  /** POST a form to the emulator's API as the token's user */
  post: (token: string, path: string, form: Record<string, string>) => Promise<Json>;
  /** GET from the emulator's API as the token's user (what the client cannot print) */
  get: (token: string, path: string) => Promise<Json>;
  settle: () => Promise<void>;
}

const INVOICE = 'Harbor invoice\n\nInvoice Number: INV-2026-0042\nVendor Name: Harbor Supplies Ltd\nInvoice Date: 2026-03-15\nTotal Amount: $1,250.00\n';
const AGREEMENT = 'This invoice agreement between Alice Martin and Bob Stone was signed on March 3, 2026 for EUR 900.50 under reference AGR-77-X1.';
const valuesOf = (d: Json) => Object.fromEntries(((d.template_metadata ?? []) as Json[]).map((v) => [v.key, v.value]));

export async function metadata5Scenario({ cli, tenant, post, get, settle }: Metadata5ScenarioDeps): Promise<void> {
  const mine = await tenant();
  const theirs = await tenant();
  const t = { token: mine.token };
  const ws = ['--workspace', mine.wsId];
  await post(mine.token, `/current/workspace/${mine.wsId}/update/`, { intelligence: 'true' });
  const upload = async (name: string, text: string) => (await cli.ok('upload text', [...ws, '--name', name, text], t)).new_file_id as string;
  const invoice = await upload('invoice.txt', INVOICE);
  const agreement = await upload('agreement.txt', AGREEMENT);
  await settle();

  const eligible = await cli.ok('metadata eligible', ws, t);
  expect(((eligible.nodes as Json[]) ?? []).map((n) => n.id).sort()).toEqual([invoice, agreement].sort());
  const ai = ['--confirm-ai-spend'];
  const preview = await cli.ok('metadata preview-match', [...ws, ...ai, '--name', 'Invoices', '--description', 'harbor invoice amounts'], t);
  expect(preview).toMatchObject({ total_eligible: 2, total_matched: 2 });
  const suggested = await cli.ok('metadata suggest-fields', [...ws, ...ai, '--node-ids', JSON.stringify([invoice]), '--description', 'invoices'], t);
  const fields = suggested.suggested_fields as Json[];
  expect(fields.map((f) => f.name)).toEqual(['invoice_date', 'invoice_number', 'total_amount', 'vendor_name']);

  const created = await cli.ok(
    'metadata create-template',
    [...ws, '--name', 'Invoices', '--description', 'Supplier invoices', '--category', 'financial', '--fields', JSON.stringify(fields)],
    t,
  );
  // The client prints `{}`: its create-template `--fields` (the columns) is also the global output filter, and no key is named so.
  expect(created).toEqual({});
  const listed = ((await get(mine.token, `/current/workspace/${mine.wsId}/metadata/templates/list/`)).templates as Json[]) ?? [];
  expect(listed.map((x) => [x.name, x.field_count])).toEqual([['Invoices', 4]]);
  const tpl = listed[0]!.id as string;

  const tp = [...ws, '--template-id', tpl];
  expect((await cli.ok('metadata add-nodes', [...tp, '--node-ids', JSON.stringify([invoice])], t)).added).toEqual([invoice]);
  expect(((await cli.ok('metadata list-nodes', tp, t)).nodes as Json[]).map((n) => n.node_id)).toEqual([invoice]);
  expect((await cli.ok('metadata remove-nodes', [...tp, '--node-ids', JSON.stringify([invoice])], t)).removed).toEqual([invoice]);
  expect((await cli.ok('metadata auto-match', [...tp, ...ai], t)).status).toBe('queued');
  await settle();
  expect(((await cli.ok('metadata list-nodes', tp, t)).nodes as Json[]).map((n) => n.node_id).sort()).toEqual([invoice, agreement].sort());

  const job = await cli.ok('metadata extract', [...ws, ...ai, '--node-id', invoice], t);
  expect(job).toMatchObject({ template_id: tpl, node_id: invoice, status: 'queued' });
  await settle();
  const details = await cli.ok('metadata details', [...ws, invoice], t);
  expect(valuesOf(details)).toEqual({ invoice_date: '2026-03-15', invoice_number: 'INV-2026-0042', total_amount: 1250, vendor_name: 'Harbor Supplies Ltd' });
  expect((await cli.ok('metadata extract-all', [...tp, ...ai], t)).node_count).toBe(1);
  await settle();
  const bulk = await cli.ok('metadata details', [...ws, invoice, agreement], t);
  const objects = (bulk.objects as Json[]).map((o) => [o.node_id, valuesOf(o).vendor_name]);
  expect(objects.sort()).toEqual(
    [
      [agreement, 'Alice Martin'],
      [invoice, 'Harbor Supplies Ltd'],
    ].sort(),
  );

  const found = await cli.ok('metadata search', [...ws, 'Alice'], t);
  expect(((found.results as Json[]) ?? []).map((r) => r.node_id)).toEqual([agreement]);
  expect(await cli.ok('metadata export-view', tp, t)).toMatchObject({ status: 'queued', rows: 2 });

  // another tenant's client, on these ids
  const stranger = await cli.run('metadata details', ['--workspace', mine.wsId, invoice], { token: theirs.token });
  expect(stranger.code).not.toBe(0);
  expect(stranger.stderr).toMatch(/401|not a member/i);
  const foreign = await cli.run('metadata list-nodes', ['--workspace', theirs.wsId, '--template-id', tpl], { token: theirs.token });
  expect(foreign.code).not.toBe(0);
  expect(foreign.stderr).toMatch(/404|not found/i);
}
