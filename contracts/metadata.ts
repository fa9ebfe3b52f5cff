/**
 * What the metadata suites share: two documents (one with labelled lines, one without), a
 * template over them, a tenant with an intelligent workspace holding both, and the wait for an
 * extraction job's values.
 */
import { expect } from 'vitest';
import type { ApiClient } from './client.js';
import { aiSettled, uploaded, waitFor } from './files.js';
import { createOrg, createWorkspace } from './tenants.js';
import type { Persona } from './target.js';

export const INVOICE = [
  'Harbor Supplies invoice',
  '',
  'Invoice Number: INV-2026-0042',
  'Vendor Name: Harbor Supplies Ltd',
  'Invoice Date: 2026-03-15',
  'Total Amount: $1,250.00',
  'Status: paid',
].join('\n');
export const AGREEMENT =
  'This agreement between Alice Martin and Bob Stone was signed on March 3, 2026 for EUR 900.50 under reference AGR-77-X1. The invoice terms follow.';

export const FIELDS = JSON.stringify([
  { name: 'invoice_number', type: 'string', description: 'The invoice identifier' },
  { name: 'vendor_name', type: 'string', description: 'Who sent it' },
  { name: 'invoice_date', type: 'datetime', description: 'When it was issued' },
  { name: 'total_amount', type: 'float', description: 'The amount due', min: 0 },
  { name: 'status', type: 'string', description: 'Payment state', fixed_list: ['paid', 'unpaid', 'overdue'] },
  { name: 'approved', type: 'bool', description: 'Reviewed by finance', autoextract: false },
]);

export interface Value {
  key: string;
  value: unknown;
  source: string;
  citation: { page: number; chunk: number; snippet: string } | null;
}

/** A human with an intelligent workspace holding two ingested documents and a folder. */
export async function metadataTenant(cc: { signedIn: (o: { accountType: 'human' }) => Promise<{ api: ApiClient; persona: Persona }> }) {
  const { api, persona } = await cc.signedIn({ accountType: 'human' });
  const org = await createOrg(api);
  const ws = await createWorkspace(api, org.id, { intelligence: true });
  const invoice = await uploaded(api, ws.id, 'invoice.txt', INVOICE);
  const agreement = await uploaded(api, ws.id, 'agreement.txt', AGREEMENT);
  for (const id of [invoice, agreement]) expect((await aiSettled(api, ws.id, id)).ai.state).toBe('ready');
  return { api, persona, org, ws, invoice, agreement };
}

export async function createTemplate(api: ApiClient, wsId: string, fields = FIELDS, name = 'Invoices'): Promise<string> {
  const res = await api.post(`/current/workspace/${wsId}/metadata/templates/`, {
    name,
    description: 'Supplier invoices and their amounts',
    category: 'financial',
    fields,
  });
  expect(res.status, res.text).toBe(200);
  return res.body.template_id as string;
}

export const valuesOf = (details: Record<string, unknown>) => Object.fromEntries((details.template_metadata as Value[]).map((v) => [v.key, v.value]));

/** Wait until the node's details hold extracted values (the job writes them; the workspace hears `metadata:{node}`). */
export async function extracted(api: ApiClient, wsId: string, nodeId: string): Promise<Record<string, unknown>> {
  return waitFor(
    api,
    wsId,
    async () => (await api.get(`/current/workspace/${wsId}/storage/${nodeId}/metadata/details/`)).body,
    (b) => Array.isArray(b.template_metadata) && (b.template_metadata as Value[]).some((v) => v.source === 'extracted'),
    `metadata extraction of ${nodeId}`,
  );
}
