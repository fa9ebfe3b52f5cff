import { describe, expect } from 'vitest';
import type { ApiClient, ApiResponse } from '../client.js';
import { Control } from '../control.js';
import { contract, setupContract } from '../harness.js';
import { expectApiError } from '../expect.js';
import { addOrgMember, createOrg, createWorkspace } from '../tenants.js';

const c = setupContract(import.meta.url);
const DAY = 24 * 3600;

interface Credits {
  credits_used: number;
  credits_limit: number | null;
  credits_remaining: number | null;
  period_start: string;
  period_end: string;
  subscriber: boolean;
  breakdown: Record<string, number>;
}

async function credits(api: ApiClient, orgId: string): Promise<Credits> {
  const r = await api.get(`/current/org/${orgId}/billing/usage/limits/credits/`);
  expect(r.status, r.text).toBe(200);
  return r.body as unknown as Credits;
}

/** A charge as storage, ingestion or chat would make it (emulator control plane). */
function charge(orgId: string, credits: number, kind = 'ingestion'): Promise<ApiResponse> {
  return c.api().post('/_emulator/ledger/charge', { org_id: orgId, kind, credits, units: credits / 10 });
}

describe('plans and billing details', () => {
  // Both dialects: the set-up helpers give a V2 org a plan (contracts/harness.ts planForNewOrg).
  contract.unverified(
    'the plan catalog, billing details and credit usage, to owners and admins only',
    async () => {
      const owner = await c.signedIn({ accountType: 'agent' });
      const member = await c.signedIn();
      const org = await createOrg(owner.api);
      await addOrgMember(owner.api, org.id, member.persona.userId, 'member');

      const plans = await owner.api.get('/current/org/billing/plan/list/');
      expect(plans.status).toBe(200);
      expect((plans.body.plans as unknown[]).length).toBeGreaterThan(0);

      const details = await owner.api.get(`/current/org/${org.id}/billing/details/`);
      expect(details.status, details.text).toBe(200);
      expect(details.body).toMatchObject({ subscriber: true });
      expect(details.body.current_period_end).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);

      const usage = await credits(owner.api, org.id);
      expect(usage.credits_used).toBe(0);
      expect(usage.credits_remaining).toBe(usage.credits_limit);
      expect(Date.parse(usage.period_end.replace(' UTC', 'Z').replace(' ', 'T')) - Date.parse(usage.period_start.replace(' UTC', 'Z').replace(' ', 'T'))).toBe(
        30 * DAY * 1000,
      );

      expectApiError(await member.api.get(`/current/org/${org.id}/billing/details/`), 403, 1680);
      expectApiError(await member.api.get(`/current/org/${org.id}/billing/usage/limits/credits/`), 403, 1680);
      expectApiError(await member.api.post(`/current/org/${org.id}/billing/`, { billing_plan: 'pro' }), 403, 1680);
    },
    { dialects: ['2026-04', 'v2'] },
  );

  contract.unverified(
    'usage meters take workspace_id or share_id, not both; billable members are listed',
    async () => {
      const { api, persona } = await c.signedIn({ accountType: 'agent' });
      const org = await createOrg(api);
      const ws = await createWorkspace(api, org.id);
      const meters = await api.get(`/current/org/${org.id}/billing/usage/meters/list/`, { query: { meter: 'storage_bytes', workspace_id: ws.id } });
      expect(meters.status, meters.text).toBe(200);
      expectApiError(
        await api.get(`/current/org/${org.id}/billing/usage/meters/list/`, { query: { meter: 'storage_bytes', workspace_id: ws.id, share_id: ws.id } }),
        400,
        1605,
      );
      const members = await api.get(`/current/org/${org.id}/billing/usage/members/list/`);
      expect(members.status, members.text).toBe(200);
      expect((members.body.billable_members as { id: string }[]).map((m) => m.id)).toContain(persona.userId);
    },
    { dialects: ['2026-04', 'v2'] },
  );
});

describe('the credit ledger', () => {
  contract.emulatorOnly(
    'the credits endpoint equals the sum of the charges, remaining is never negative, and a 30-day advance starts again from zero',
    async () => {
      const { persona } = await c.signedIn({ accountType: 'agent' });
      // The API key outlives the clock advance (a JWT expires after an hour of emulator time).
      const api = c.target.client(persona.apiKey);
      const org = await createOrg(api);
      const accepted: number[] = [];
      for (const amount of [1200, 2000, 800, 900, 300, 100]) {
        const r = await charge(org.id, amount);
        if (r.status === 200) accepted.push(amount);
        else expectApiError(r, 402, 1696);
        const usage = await credits(api, org.id);
        const sum = accepted.reduce((a, b) => a + b, 0);
        expect(usage.credits_used).toBe(sum);
        expect(usage.breakdown.ingestion).toBe(sum);
        expect(usage.credits_remaining).toBe(Math.max(0, 5000 - sum));
        expect(usage.credits_remaining!).toBeGreaterThanOrEqual(0);
      }
      // 1200 + 2000 + 800 + 900 = 4900; 300 would pass 5000 and is refused; 100 fits exactly.
      expect(accepted).toEqual([1200, 2000, 800, 900, 100]);
      const refused = await charge(org.id, 1);
      expectApiError(refused, 402, 1696);
      expect(refused.body.error?.text).toMatch(/5000.*5000/);
      expect(((await api.get(`/current/org/${org.id}/details/`)).body.org as { subscriber: boolean }).subscriber).toBe(false);

      // The thresholds were recorded once each, as billing events of the org.
      const alerts = await api.get('/current/events/search/', { query: { org_id: org.id, event: 'credits_threshold_reached' } });
      expect((alerts.body.events as { data: { threshold: number } }[]).map((e) => e.data.threshold)).toEqual([100, 80]);

      const before = await credits(api, org.id);
      await new Control(c.api()).advanceClock(30 * DAY);
      const after = await credits(api, org.id);
      expect(after).toMatchObject({ credits_used: 0, credits_remaining: 5000, subscriber: true });
      expect(after.period_start).toBe(before.period_end);
      expect(((await api.get(`/current/org/${org.id}/details/`)).body.org as { subscriber: boolean }).subscriber).toBe(true);
      expect((await charge(org.id, 4000)).status).toBe(200);
      await api.post(`/current/org/${org.id}/close/`, { confirm: org.domain });
    },
    // The agent plan's 5,000 credits are April's (V2 has no free plan).
    { dialects: ['2026-04'] },
  );

  contract.emulatorOnly(
    'an unlimited plan never refuses a charge',
    async () => {
      const { api } = await c.signedIn({ accountType: 'agent' });
      const org = await createOrg(api);
      const changed = await api.post(`/current/org/${org.id}/billing/`, { billing_plan: 'pro' });
      expect(changed.status, changed.text).toBe(200);
      expect((await charge(org.id, 1_000_000)).status).toBe(200);
      const usage = await credits(api, org.id);
      expect(usage).toMatchObject({ credits_used: 1_000_000, credits_limit: null, credits_remaining: null, subscriber: true });
    },
    { dialects: ['2026-04'] },
  );

  contract.emulatorOnly(
    'a V2 plan has a credit allowance on the same ledger: a charge past it answers 402/1696',
    async () => {
      const { api } = await c.signedIn({ accountType: 'agent' });
      const org = await createOrg(api, { billing_plan: 'solo_monthly' });
      const usage = await credits(api, org.id);
      expect(usage).toMatchObject({ credits_used: 0, subscriber: true, plan: 'solo_monthly' });
      const limit = usage.credits_limit!;
      expect(limit).toBeGreaterThan(0);
      expect((await charge(org.id, limit - 10)).status).toBe(200);
      expectApiError(await charge(org.id, 11), 402, 1696);
      expect(await credits(api, org.id)).toMatchObject({ credits_used: limit - 10, credits_remaining: 10 });
    },
    { dialects: ['v2'] },
  );
});
