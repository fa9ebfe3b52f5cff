/**
 * V2 billing: the plan catalog with prices, the upgrade-only new org (402/1688 until it has a
 * plan), subscribe / cancel / reactivate, invoices, the claimed org that its new owner must
 * subscribe, and every billing route refused to another tenant.
 */
import { describe, expect } from 'vitest';
import type { ApiClient } from '../client.js';
import { Control } from '../control.js';
import { contract, setupContract } from '../harness.js';
import { expectApiError } from '../expect.js';
import { uploadFile } from '../files.js';
import { addOrgMember, createOrg, createWorkspace } from '../tenants.js';

const c = setupContract(import.meta.url);
const DAY = 24 * 3600;
const V2 = { dialects: ['v2'] } as const;

interface Invoice {
  id: string;
  status: string;
  plan: string;
  reason: string;
  amount_due: number;
  total: number;
  period_start: string;
  created: string;
}

async function invoices(api: ApiClient, orgId: string, query: Record<string, string> = {}): Promise<{ invoices: Invoice[]; has_more: boolean }> {
  const r = await api.get(`/current/org/${orgId}/billing/invoices/`, { query });
  expect(r.status, r.text).toBe(200);
  return r.body as unknown as { invoices: Invoice[]; has_more: boolean };
}

async function eventNames(api: ApiClient, orgId: string): Promise<string[]> {
  const r = await api.get('/current/events/search/', { query: { org_id: orgId, category: 'billing', limit: '50' } });
  expect(r.status, r.text).toBe(200);
  return (r.body.events as { event: string }[]).map((e) => e.event);
}

describe('the V2 plan catalog', () => {
  contract.unverified(
    'plans are Solo, Business and Growth with ids and amounts in cents; there is no free plan',
    async () => {
      const { api } = await c.signedIn();
      const r = await api.get('/current/org/billing/plan/list/');
      expect(r.status, r.text).toBe(200);
      const plans = r.body.plans as { id: string; name: string; amount: number; features: string[] }[];
      expect(plans.map((p) => [p.id, p.name, p.amount])).toEqual([
        ['solo_monthly', 'Solo', 2900],
        ['business_v2_monthly', 'Business', 9900],
        ['growth_monthly', 'Growth', 29900],
      ]);
      expect(plans.map((p) => p.id)).not.toContain('free');
      expect(plans.map((p) => p.id)).not.toContain('agent');
    },
    V2,
  );
});

describe('a new org is upgrade-only until it subscribes', () => {
  contract.unverified(
    'a new org answers 402/1688 on workspace create and invitations; after POST /billing/ the same calls succeed',
    async () => {
      const { api } = await c.signedIn({ accountType: 'agent' });
      const invitee = await c.signedIn();
      const org = await createOrg(api, { billing_plan: 'none' });
      const details = await api.get(`/current/org/${org.id}/billing/details/`);
      expect(details.status, details.text).toBe(200);
      expect(details.body).toMatchObject({ billing_plan: 'none', subscriber: false, subscription: null });
      expect(((await api.get(`/current/org/${org.id}/details/`)).body.org as { subscriber: boolean }).subscriber).toBe(false);

      const wsForm = {
        name: 'Gated',
        folder_name: c.unique('gated'),
        perm_join: 'Member or above',
        perm_member_manage: 'Admin or above',
        intelligence: 'false',
      };
      expectApiError(await api.post(`/current/org/${org.id}/create/workspace/`, wsForm), 402, 1688);
      expectApiError(await api.post(`/current/org/${org.id}/members/${invitee.persona.userId}/`, { permissions: 'member' }), 402, 1688);
      // What costs nothing stays open: details, the member list, the plan list, the billing routes.
      expect((await api.get(`/current/org/${org.id}/members/list/`)).status).toBe(200);
      expect((await invoices(api, org.id)).invoices).toEqual([]);

      const sub = await api.post(`/current/org/${org.id}/billing/`, { billing_plan: 'solo_monthly' });
      expect(sub.status, sub.text).toBe(200);
      expect(sub.body).toMatchObject({ org_id: org.id, billing_plan: 'solo_monthly', subscriber: true, is_active: true });
      expect(sub.body.subscription).toMatchObject({ plan: 'solo_monthly', status: 'active', cancel_at: null, cancel_at_period_end: false });

      const ws = await api.post(`/current/org/${org.id}/create/workspace/`, wsForm);
      expect(ws.status, ws.text).toBe(200);
      const wsId = (ws.body.workspace as { id: string }).id;
      expect((await uploadFile(api, wsId, 'paid.txt', 'a file once the org pays')).status).toBe(200);
      expect((await api.post(`/current/org/${org.id}/members/${invitee.persona.userId}/`, { permissions: 'member' })).status).toBe(200);
    },
    V2,
  );

  contract.unverified(
    'an unknown or unlisted plan is refused with 400/1605, and the org stays upgrade-only',
    async () => {
      const { api } = await c.signedIn({ accountType: 'agent' });
      const org = await createOrg(api, { billing_plan: 'none' });
      expectApiError(await api.post(`/current/org/${org.id}/billing/`, { billing_plan: 'free' }), 400, 1605);
      expectApiError(await api.post(`/current/org/${org.id}/billing/`, { billing_plan: 'none' }), 400, 1605);
      expectApiError(await api.post(`/current/org/${org.id}/billing/`, {}), 400, 1605);
      expect((await api.get(`/current/org/${org.id}/billing/details/`)).body).toMatchObject({ billing_plan: 'none', subscriber: false });
    },
    V2,
  );
});

describe('subscriptions and invoices', () => {
  contract.unverified(
    'subscribing raises a paid invoice and subscription_created; a plan change raises subscription_updated and another invoice; pages by starting_after',
    async () => {
      const { api } = await c.signedIn({ accountType: 'agent' });
      const org = await createOrg(api, { billing_plan: 'solo_monthly' });
      const first = await invoices(api, org.id);
      expect(first).toMatchObject({ has_more: false });
      expect(first.invoices).toMatchObject([{ status: 'paid', plan: 'solo_monthly', reason: 'subscription_create', amount_due: 2900, total: 2900 }]);
      expect(first.invoices[0]!.period_start).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);

      const changed = await api.post(`/current/org/${org.id}/billing/`, { billing_plan: 'business_v2_monthly' });
      expect(changed.status, changed.text).toBe(200);
      expect(changed.body.invoice).toMatchObject({ plan: 'business_v2_monthly', total: 9900, reason: 'subscription_update' });
      // The same plan again changes nothing.
      expect((await api.post(`/current/org/${org.id}/billing/`, { billing_plan: 'business_v2_monthly' })).body.invoice).toBeUndefined();

      const all = await invoices(api, org.id);
      expect(all.invoices.map((i) => i.plan)).toEqual(['business_v2_monthly', 'solo_monthly']);
      const page1 = await invoices(api, org.id, { limit: '1' });
      expect(page1).toMatchObject({ has_more: true, invoices: [{ id: all.invoices[0]!.id }] });
      const page2 = await invoices(api, org.id, { limit: '1', starting_after: page1.invoices[0]!.id });
      expect(page2).toMatchObject({ has_more: false, invoices: [{ id: all.invoices[1]!.id }] });
      expectApiError(await api.get(`/current/org/${org.id}/billing/invoices/`, { query: { starting_after: 'in_nothing' } }), 400, 1605);

      const names = await eventNames(api, org.id);
      expect(names).toContain('subscription_created');
      expect(names).toContain('subscription_updated');
    },
    V2,
  );

  contract.unverified(
    "cancel schedules the end at the period end and reactivate withdraws it; both are the owner's, and admins get 403/1680",
    async () => {
      const owner = await c.signedIn({ accountType: 'agent' });
      const admin = await c.signedIn();
      const org = await createOrg(owner.api, { billing_plan: 'solo_monthly' });
      await addOrgMember(owner.api, org.id, admin.persona.userId, 'admin');
      expectApiError(await admin.api.delete(`/current/org/${org.id}/billing/`), 403, 1680);
      expectApiError(await admin.api.put(`/current/org/${org.id}/billing/`, { json: {} }), 403, 1680);

      const cancelled = await owner.api.delete(`/current/org/${org.id}/billing/`);
      expect(cancelled.status, cancelled.text).toBe(200);
      expect(cancelled.body).toMatchObject({ status: 'scheduled_cancellation', cancel_at_period_end: true });
      expect(cancelled.body.cancel_at).toBe(cancelled.body.current_period_end);
      expect(Number.isInteger(cancelled.body.cancel_at)).toBe(true);
      const details = await owner.api.get(`/current/org/${org.id}/billing/details/`);
      expect(details.body).toMatchObject({ billing_plan: 'solo_monthly', cancel_at: cancelled.body.cancel_at, cancel_at_period_end: true });
      expect(details.body.subscription).toMatchObject({ status: 'scheduled_cancellation' });
      // Until cancel_at the org keeps its plan: resource calls still work.
      expect(
        (
          await owner.api.post(`/current/org/${org.id}/create/workspace/`, {
            name: 'Still open',
            folder_name: c.unique('open'),
            perm_join: 'Member or above',
            perm_member_manage: 'Admin or above',
            intelligence: 'false',
          })
        ).status,
      ).toBe(200);

      const back = await owner.api.put(`/current/org/${org.id}/billing/`, { json: {} });
      expect(back.status, back.text).toBe(200);
      expect(back.body).toMatchObject({ status: 'reactivated', cancel_at_period_end: false });
      expect((await owner.api.get(`/current/org/${org.id}/billing/details/`)).body).toMatchObject({ cancel_at: null, cancel_at_period_end: false });
      // Reactivating what is not scheduled to end is a successful no-op.
      expect((await owner.api.put(`/current/org/${org.id}/billing/`, { json: {} })).body).toMatchObject({ status: 'active' });
      const names = await eventNames(owner.api, org.id);
      expect(names).toEqual(expect.arrayContaining(['subscription_cancel_scheduled', 'subscription_reactivated']));
    },
    V2,
  );

  contract.unverified(
    'an org without a subscription has nothing to cancel or reactivate: 404/1683',
    async () => {
      const { api } = await c.signedIn({ accountType: 'agent' });
      const org = await createOrg(api, { billing_plan: 'none' });
      expectApiError(await api.delete(`/current/org/${org.id}/billing/`), 404, 1683);
      expectApiError(await api.put(`/current/org/${org.id}/billing/`, { json: {} }), 404, 1683);
    },
    V2,
  );

  contract.emulatorOnly(
    'a cancelled subscription ends with its period (upgrade-only again, reactivate 404/1683); a renewing one is invoiced each period',
    async () => {
      const { persona } = await c.signedIn({ accountType: 'agent' });
      const api = c.target.client(persona.apiKey);
      const ending = await createOrg(api, { billing_plan: 'solo_monthly' });
      const renewing = await createOrg(api, { billing_plan: 'growth_monthly' });
      expect((await api.delete(`/current/org/${ending.id}/billing/`)).status).toBe(200);
      await new Control(c.api()).advanceClock(31 * DAY);

      expect((await api.get(`/current/org/${ending.id}/billing/details/`)).body).toMatchObject({ billing_plan: 'none', subscriber: false, subscription: null });
      expectApiError(await api.put(`/current/org/${ending.id}/billing/`, { json: {} }), 404, 1683);
      expectApiError(
        await api.post(`/current/org/${ending.id}/create/workspace/`, {
          name: 'Ended',
          folder_name: c.unique('ended'),
          perm_join: 'Member or above',
          perm_member_manage: 'Admin or above',
        }),
        402,
        1688,
      );
      expect((await invoices(api, ending.id)).invoices).toHaveLength(1);
      expect(await eventNames(api, ending.id)).toContain('subscription_ended');

      const renewed = await invoices(api, renewing.id);
      expect(renewed.invoices.map((i) => i.reason)).toEqual(['subscription_cycle', 'subscription_create']);
      expect(renewed.invoices[0]).toMatchObject({ plan: 'growth_monthly', total: 29900 });
      expect(await eventNames(api, renewing.id)).toContain('subscription_renewed');
    },
    V2,
  );
});

describe('the 402 hand-off: a claimed org belongs to a human who must subscribe', () => {
  contract.unverified(
    'the agent hands its org to a human; the claimed org is upgrade-only until the human chooses a plan; the agent stays admin',
    async () => {
      const agent = await c.signedIn({ accountType: 'agent' });
      const human = await c.signedIn({ accountType: 'human' });
      const org = await createOrg(agent.api, { billing_plan: 'solo_monthly' });
      const ws = await createWorkspace(agent.api, org.id);
      const token = await agent.api.post(`/current/org/${org.id}/transfer/token/create/`);
      expect(token.status, token.text).toBe(200);
      // A human cannot make transfer tokens (only agent accounts hand orgs off).
      expectApiError(await human.api.post(`/current/org/${org.id}/transfer/token/create/`), 404, 1609);

      const claimed = await human.api.post('/current/org/transfer/claim/', { token: token.body.token as string });
      expect(claimed.status, claimed.text).toBe(200);
      expect(claimed.body.org).toMatchObject({ id: org.id, plan: 'none', subscriber: false, permissions: 'owner' });
      expectApiError(await uploadFile(human.api, ws.id, 'before.txt', 'not yet'), 402, 1688);
      expect((await human.api.get(`/current/org/${org.id}/details/`)).body.org).toMatchObject({ owner_id: human.persona.userId });

      const sub = await human.api.post(`/current/org/${org.id}/billing/`, { billing_plan: 'business_v2_monthly' });
      expect(sub.status, sub.text).toBe(200);
      expect((await uploadFile(human.api, ws.id, 'after.txt', 'paid by the human')).status).toBe(200);
      expect((await agent.api.get(`/current/org/${org.id}/details/`)).body.org).toMatchObject({ permissions: 'admin' });
      await human.api.post(`/current/org/${org.id}/close/`, { confirm: org.domain });
    },
    { ...V2, requires: ['account-type'] },
  );
});

/** Every billing route that names an org, as the route table serves it per dialect. */
const BILLING_ROUTES: { method: string; path: string; body?: Record<string, string>; dialects: readonly ('2026-04' | 'v2')[] }[] = [
  { method: 'GET', path: 'billing/details/', dialects: ['2026-04', 'v2'] },
  { method: 'POST', path: 'billing/', body: { billing_plan: 'solo_monthly' }, dialects: ['2026-04', 'v2'] },
  { method: 'DELETE', path: 'billing/', dialects: ['v2'] },
  { method: 'PUT', path: 'billing/', dialects: ['v2'] },
  { method: 'GET', path: 'billing/invoices/', dialects: ['v2'] },
  { method: 'GET', path: 'billing/usage/limits/credits/', dialects: ['2026-04', 'v2'] },
  { method: 'GET', path: 'billing/usage/meters/list/?meter=storage_bytes', dialects: ['2026-04', 'v2'] },
  { method: 'GET', path: 'billing/usage/members/list/', dialects: ['2026-04', 'v2'] },
];

describe('another tenant is refused on every billing route', () => {
  for (const route of BILLING_ROUTES) {
    contract.unverified(
      `${route.method} /current/org/{id}/${route.path} of another tenant answers 404/1609 and says nothing of it`,
      async () => {
        const a = await c.signedIn({ accountType: 'agent' });
        const b = await c.signedIn({ accountType: 'agent' });
        const orgA = await createOrg(a.api, { name: 'Alpha Billing Secret' });
        await createOrg(b.api);
        const [path, query] = route.path.split('?');
        const url = `/current/org/${orgA.id}/${path}${query ? `?${query}` : ''}`;
        const before = await a.api.get(`/current/org/${orgA.id}/billing/details/`);
        const res = await b.api.request(route.method, url, route.method === 'PUT' ? { json: {} } : route.body ? { form: route.body } : {});
        expectApiError(res, 404, 1609);
        const { resource: _echo, ...said } = res.body.error!;
        for (const secret of [orgA.domain, 'Alpha Billing Secret', a.persona.email]) expect(JSON.stringify(said)).not.toContain(secret);
        // Nothing changed: A's plan and subscription are as before.
        expect((await a.api.get(`/current/org/${orgA.id}/billing/details/`)).body).toEqual(before.body);
      },
      { dialects: route.dialects },
    );
  }
});
