/**
 * April-2026 billing: cancel at the period's end (DELETE), activate (withdraw the cancellation),
 * reset (end the subscription at once) and the invoices read from the credit ledger (limit and
 * offset), on the unpriced April catalog; every route refused to another tenant.
 */
import { describe, expect } from 'vitest';
import type { ApiClient } from '../client.js';
import { Control } from '../control.js';
import { contract, setupContract } from '../harness.js';
import { expectApiError } from '../expect.js';
import { addOrgMember, createOrg } from '../tenants.js';

const c = setupContract(import.meta.url, { dialects: ['2026-04'] });
const DAY = 24 * 3600;

interface AprilInvoice {
  id: string;
  status: string;
  amount_due: number;
  credits_used: number;
  breakdown: Record<string, number>;
  period_start: string;
  period_end: string;
}

async function invoices(api: ApiClient, orgId: string, query: Record<string, string> = {}) {
  const r = await api.get(`/current/org/${orgId}/billing/invoices/`, { query });
  expect(r.status, r.text).toBe(200);
  return r.body as unknown as { invoices: AprilInvoice[]; pagination: { total: number; limit: number; offset: number; has_more: boolean } };
}

async function details(api: ApiClient, orgId: string): Promise<Record<string, unknown>> {
  const r = await api.get(`/current/org/${orgId}/billing/details/`);
  expect(r.status, r.text).toBe(200);
  return r.body;
}

async function billingEvents(api: ApiClient, orgId: string): Promise<{ event: string; data: Record<string, unknown> }[]> {
  const r = await api.get('/current/events/search/', { query: { org_id: orgId, category: 'billing', limit: '50' } });
  expect(r.status, r.text).toBe(200);
  return r.body.events as { event: string; data: Record<string, unknown> }[];
}

/** A human persona's API key client: the key outlives a clock advance (a JWT expires after an hour of emulator time). */
async function human() {
  const { persona } = await c.signedIn({ accountType: 'human' });
  return { api: c.target.client(persona.apiKey), persona };
}

async function subscribedOrg(api: ApiClient) {
  const org = await createOrg(api);
  const r = await api.post(`/current/org/${org.id}/billing/`, { billing_plan: 'pro' });
  expect(r.status, r.text).toBe(200);
  return org;
}

describe('April cancel and activate', () => {
  contract.unverified('cancel schedules the end at the period end; activate withdraws it; at the end the org is back on its new-org plan', async () => {
    const { api } = await human();
    const org = await subscribedOrg(api);
    const cancelled = await api.delete(`/current/org/${org.id}/billing/`);
    expect(cancelled.status, cancelled.text).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'scheduled_cancellation', org_id: org.id, billing_plan: 'pro', cancel_at_period_end: true });
    expect(typeof cancelled.body.cancel_at).toBe('number');
    expect(await details(api, org.id)).toMatchObject({ billing_plan: 'pro', cancel_at: cancelled.body.cancel_at, cancel_at_period_end: true });
    // Cancelling again changes nothing.
    expect((await api.delete(`/current/org/${org.id}/billing/`)).body).toMatchObject({ cancel_at: cancelled.body.cancel_at });

    const back = await api.post(`/current/org/${org.id}/billing/activate/`, {});
    expect(back.status, back.text).toBe(200);
    expect(back.body).toMatchObject({ status: 'reactivated', billing_plan: 'pro', cancel_at: null, cancel_at_period_end: false });
    expect((await api.post(`/current/org/${org.id}/billing/activate/`, {})).body).toMatchObject({ status: 'active' });

    expect((await api.delete(`/current/org/${org.id}/billing/`)).status).toBe(200);
    await new Control(c.api()).advanceClock(31 * DAY);
    expect(await details(api, org.id)).toMatchObject({ billing_plan: 'free', cancel_at: null, cancel_at_period_end: false });
    // Ended: nothing to activate or cancel any more.
    expectApiError(await api.post(`/current/org/${org.id}/billing/activate/`, {}), 404, 1683);
    expectApiError(await api.delete(`/current/org/${org.id}/billing/`), 404, 1683);
    const names = (await billingEvents(api, org.id)).map((e) => e.event);
    expect(names).toEqual(expect.arrayContaining(['subscription_cancel_scheduled', 'subscription_reactivated', 'subscription_ended']));
  });

  contract.unverified('an org on its new-org plan has no subscription: cancel and activate answer 404/1683, reset changes nothing', async () => {
    const { api } = await c.signedIn({ accountType: 'agent' });
    const org = await createOrg(api);
    expect(await details(api, org.id)).toMatchObject({ billing_plan: 'agent' });
    expectApiError(await api.delete(`/current/org/${org.id}/billing/`), 404, 1683);
    expectApiError(await api.post(`/current/org/${org.id}/billing/activate/`, {}), 404, 1683);
    const reset = await api.post(`/current/org/${org.id}/billing/reset/`, {});
    expect(reset.status, reset.text).toBe(200);
    expect(reset.body).toMatchObject({ status: 'reset', billing_plan: 'agent', previous_plan: 'agent' });
    expect((await billingEvents(api, org.id)).map((e) => e.event)).not.toContain('subscription_ended');
  });

  contract.unverified("cancel, activate and reset are the owner's: an admin gets 403/1680 and the plan stays", async () => {
    const owner = await c.signedIn();
    const admin = await c.signedIn();
    const org = await subscribedOrg(owner.api);
    await addOrgMember(owner.api, org.id, admin.persona.userId, 'admin');
    expectApiError(await admin.api.delete(`/current/org/${org.id}/billing/`), 403, 1680);
    expectApiError(await admin.api.post(`/current/org/${org.id}/billing/activate/`, {}), 403, 1680);
    expectApiError(await admin.api.post(`/current/org/${org.id}/billing/reset/`, {}), 403, 1680);
    expect(await details(owner.api, org.id)).toMatchObject({ billing_plan: 'pro', cancel_at: null });
    // Invoices are readable by admins, as the other billing reads.
    expect((await invoices(admin.api, org.id)).invoices).toHaveLength(1);
  });
});

describe('April reset', () => {
  contract.unverified('reset ends the subscription at once, drops a scheduled cancellation and keeps the credits used', async () => {
    const { api } = await human();
    const org = await subscribedOrg(api);
    expect((await api.delete(`/current/org/${org.id}/billing/`)).status).toBe(200);
    const charged = await c.api().post('/_emulator/ledger/charge', { org_id: org.id, kind: 'ai_tokens', credits: '300', units: '30000' });
    expect(charged.status, charged.text).toBe(200);
    const reset = await api.post(`/current/org/${org.id}/billing/reset/`, {});
    expect(reset.status, reset.text).toBe(200);
    expect(reset.body).toMatchObject({ status: 'reset', billing_plan: 'free', previous_plan: 'pro', cancel_at: null, cancel_at_period_end: false });
    const credits = await api.get(`/current/org/${org.id}/billing/usage/limits/credits/`);
    expect(credits.body).toMatchObject({ plan: 'free', credits_used: 300, credits_limit: 10000 });
    const ended = (await billingEvents(api, org.id)).filter((e) => e.event === 'subscription_ended');
    expect(ended).toHaveLength(1);
    expect(ended[0]!.data).toMatchObject({ plan: 'pro', reason: 'reset' });
    // A reset org may subscribe again.
    expect((await api.post(`/current/org/${org.id}/billing/`, { billing_plan: 'business' })).body).toMatchObject({ billing_plan: 'business' });
  });
});

describe('April invoices', () => {
  contract.unverified('one invoice per period from the ledger, newest first, with stable ids; limit and offset page them', async () => {
    const { api } = await human();
    const org = await createOrg(api);
    const control = new Control(c.api());
    const charge = (credits: string) => c.api().post('/_emulator/ledger/charge', { org_id: org.id, kind: 'ai_tokens', credits, units: '100' });
    expect((await charge('40')).status).toBe(200);
    const first = await invoices(api, org.id);
    expect(first.invoices).toMatchObject([{ status: 'draft', amount_due: 0, credits_used: 40 }]);
    expect(first.invoices[0]!.breakdown).toMatchObject({ ai_tokens: 40, storage: 0 });
    expect(first.invoices[0]!.id).toMatch(/^in_[0-9a-f]{24}$/);
    expect(first.invoices[0]!.period_start).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);

    await control.advanceClock(31 * DAY);
    expect((await charge('7')).status).toBe(200);
    await control.advanceClock(30 * DAY);
    const all = await invoices(api, org.id);
    expect(all.invoices.map((i) => [i.status, i.credits_used])).toEqual([
      ['draft', 0],
      ['paid', 7],
      ['paid', 40],
    ]);
    // The first period's invoice keeps its id.
    expect(all.invoices[2]!.id).toBe(first.invoices[0]!.id);
    expect(all.invoices[1]!.period_end).toBe(all.invoices[0]!.period_start);

    const page = await invoices(api, org.id, { limit: '1', offset: '1' });
    expect(page.invoices.map((i) => i.id)).toEqual([all.invoices[1]!.id]);
    expect(page.pagination).toMatchObject({ total: 3, limit: 1, offset: 1, has_more: true });
    expectApiError(await api.get(`/current/org/${org.id}/billing/invoices/`, { query: { limit: '0' } }), 400, 1605);
  });

  contract.unverified('an org member who is not an admin gets 403/1680 on invoices', async () => {
    const owner = await c.signedIn();
    const member = await c.signedIn();
    const org = await createOrg(owner.api);
    await addOrgMember(owner.api, org.id, member.persona.userId, 'member');
    expectApiError(await member.api.get(`/current/org/${org.id}/billing/invoices/`), 403, 1680);
  });
});

const APRIL_ROUTES = [
  { method: 'DELETE', path: 'billing/' },
  { method: 'POST', path: 'billing/activate/' },
  { method: 'POST', path: 'billing/reset/' },
  { method: 'GET', path: 'billing/invoices/' },
] as const;

describe('another tenant is refused on every April billing route', () => {
  for (const route of APRIL_ROUTES) {
    contract.unverified(`${route.method} /current/org/{id}/${route.path} of another tenant answers 404/1609 and changes nothing`, async () => {
      const a = await c.signedIn();
      const b = await c.signedIn();
      const orgA = await subscribedOrg(a.api);
      expect((await a.api.delete(`/current/org/${orgA.id}/billing/`)).status).toBe(200);
      await createOrg(b.api);
      const before = await details(a.api, orgA.id);
      const res = await b.api.request(route.method, `/current/org/${orgA.id}/${route.path}`, route.method === 'POST' ? { form: {} } : {});
      expectApiError(res, 404, 1609);
      const { resource: _echo, ...said } = res.body.error!;
      for (const secret of [orgA.domain, a.persona.email]) expect(JSON.stringify(said)).not.toContain(secret);
      expect(await details(a.api, orgA.id)).toEqual(before);
    });
  }
});
