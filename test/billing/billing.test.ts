import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inProcessEmulator, WS_FORM } from '../support/client.js';

type Env = Awaited<ReturnType<typeof inProcessEmulator>>;
const DAY = 24 * 3600;

async function tenant(env: Env, accountType: 'agent' | 'human' = 'agent') {
  const owner = await env.persona(accountType);
  const org = (await env.ok('POST', '/current/org/create/', { token: owner.token, form: { domain: `bill-${owner.id.slice(-8)}`, name: 'Billing org' } }))
    .org as { id: string };
  return { owner, org };
}

async function charge(env: Env, orgId: string, credits: number, extra: Record<string, string> = {}) {
  return env.call('POST', '/_emulator/ledger/charge', {
    form: {
      org_id: orgId,
      kind: 'ingestion',
      credits: String(credits),
      units: String(credits / 10),
      ...extra,
    },
  });
}

function thresholdEvents(env: Env, orgId: string) {
  return env.emulator.db.events
    .query({ scopes: { org: orgId }, event: 'credits_threshold_reached', limit: 100, offset: 0 })
    .events.map((e) => e.data.threshold)
    .reverse();
}

describe('billing', () => {
  it('answers plans, details and credits to owners and admins only', async () => {
    const env = await inProcessEmulator();
    const { owner, org } = await tenant(env);
    const member = await env.persona('human');
    const stranger = await env.persona('agent');
    await env.ok('POST', `/current/org/${org.id}/members/${member.id}/`, { token: owner.token, form: { permissions: 'member' } });

    const plans = await env.ok('GET', '/current/org/billing/plan/list/', { token: stranger.token });
    expect((plans.plans as { id: string }[]).map((p) => p.id)).toEqual(['agent', 'free', 'pro', 'business']);
    const details = await env.ok('GET', `/current/org/${org.id}/billing/details/`, { token: owner.token });
    expect(details).toMatchObject({ billing_plan: 'agent', subscriber: true, credits_limit: 5000, plan: { id: 'agent', credits_per_period: 5000 } });
    expect(details.current_period_end).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
    const credits = await env.ok('GET', `/current/org/${org.id}/billing/usage/limits/credits/`, { token: owner.token });
    expect(credits).toMatchObject({ credits_used: 0, credits_limit: 5000, credits_remaining: 5000, subscriber: true });
    expect(Object.keys(credits.breakdown as object).sort()).toEqual([
      'ai_tokens',
      'audio',
      'bandwidth',
      'conversions',
      'images',
      'ingestion',
      'storage',
      'video',
    ]);

    for (const path of ['details', 'usage/limits/credits', 'usage/members/list', 'usage/meters/list']) {
      const q = path.includes('meters') ? '?meter=ai_tokens' : '';
      expect((await env.call('GET', `/current/org/${org.id}/billing/${path}/${q}`, { token: member.token })).status, path).toBe(403);
      expect((await env.call('GET', `/current/org/${org.id}/billing/${path}/${q}`, { token: stranger.token })).status, path).toBe(404);
    }
    expect((await env.call('POST', `/current/org/${org.id}/billing/`, { token: member.token, form: { billing_plan: 'pro' } })).status).toBe(403);
  });

  it('refuses a charge past the limit with 402/1696 naming used and limit, and records nothing', async () => {
    const env = await inProcessEmulator();
    const { owner, org } = await tenant(env);
    expect((await charge(env, org.id, 4990)).status).toBe(200);
    const refused = await charge(env, org.id, 20);
    expect([refused.status, refused.body.error?.code]).toEqual([402, 1696]);
    expect(refused.body.error?.text).toContain('4990');
    expect(refused.body.error?.text).toContain('5000');
    expect(env.emulator.db.ledger.size).toBe(1);
    // An exact fit is allowed; then the org is no longer a subscriber.
    expect((await charge(env, org.id, 10)).status).toBe(200);
    const details = await env.ok('GET', `/current/org/${org.id}/details/`, { token: owner.token });
    expect((details.org as { subscriber: boolean }).subscriber).toBe(false);
    const credits = await env.ok('GET', `/current/org/${org.id}/billing/usage/limits/credits/`, { token: owner.token });
    expect(credits).toMatchObject({ credits_used: 5000, credits_remaining: 0, subscriber: false });
    expect((await charge(env, '1234567890123456789', 1)).status).toBe(404);
  });

  it('records credits_threshold_reached at 80% and 100% once each per period, and starts a new period at zero', async () => {
    const env = await inProcessEmulator();
    const { owner, org } = await tenant(env);
    await charge(env, org.id, 3999);
    expect(thresholdEvents(env, org.id)).toEqual([]);
    await charge(env, org.id, 1);
    expect(thresholdEvents(env, org.id)).toEqual([80]);
    await charge(env, org.id, 500);
    expect(thresholdEvents(env, org.id)).toEqual([80]);
    await charge(env, org.id, 500);
    expect(thresholdEvents(env, org.id)).toEqual([80, 100]);
    const event = env.emulator.db.events.query({ scopes: { org: org.id }, event: 'credits_threshold_reached', limit: 1, offset: 0 }).events[0]!;
    expect(event).toMatchObject({ category: 'billing', subcategory: 'billing', data: { threshold: 100, credits_used: 5000, credits_limit: 5000 } });

    env.emulator.clock.advance(30 * DAY);
    const fresh = await env.ok('GET', `/current/org/${org.id}/billing/usage/limits/credits/`, { token: owner.token });
    expect(fresh).toMatchObject({ credits_used: 0, credits_remaining: 5000, subscriber: true });
    expect(((await env.ok('GET', `/current/org/${org.id}/details/`, { token: owner.token })).org as { subscriber: boolean }).subscriber).toBe(true);
    await charge(env, org.id, 4500);
    expect(thresholdEvents(env, org.id)).toEqual([80, 100, 80]);
  });

  it('changes plans within the account-type rules; a smaller allowance can cross a threshold at once', async () => {
    const env = await inProcessEmulator();
    const { owner, org } = await tenant(env);
    const refused = await env.call('POST', `/current/org/${org.id}/billing/`, { token: owner.token, form: { billing_plan: 'free' } });
    expect([refused.status, refused.body.error?.code]).toEqual([400, 1605]);
    expect((await env.call('POST', `/current/org/${org.id}/billing/`, { token: owner.token, form: { billing_plan: 'gold' } })).status).toBe(400);
    const pro = await env.ok('POST', `/current/org/${org.id}/billing/`, { token: owner.token, form: { billing_plan: 'pro' } });
    expect(pro).toMatchObject({ billing_plan: 'pro', credits_limit: null, subscriber: true });
    // Unlimited never refuses.
    expect((await charge(env, org.id, 1_000_000)).status).toBe(200);
    const credits = await env.ok('GET', `/current/org/${org.id}/billing/usage/limits/credits/`, { token: owner.token });
    expect(credits).toMatchObject({ credits_used: 1_000_000, credits_limit: null, credits_remaining: null });
    expect(thresholdEvents(env, org.id)).toEqual([]);
    await env.ok('POST', `/current/org/${org.id}/billing/`, { token: owner.token, form: { billing_plan: 'agent' } });
    expect(thresholdEvents(env, org.id)).toEqual([80, 100]);
    const names = env.emulator.db.events.query({ scopes: { org: org.id }, event: 'subscription_created', limit: 10, offset: 0 }).events.map((e) => e.data.plan);
    expect(names).toEqual(['agent', 'pro']);
  });

  it('meters one kind over a time range, by workspace or share but not both', async () => {
    const env = await inProcessEmulator();
    const { owner, org } = await tenant(env);
    const ws = (
      await env.ok('POST', `/current/org/${org.id}/create/workspace/`, { token: owner.token, form: { ...WS_FORM, folder_name: 'metered', name: 'Metered' } })
    ).workspace as {
      id: string;
    };
    await env.call('POST', '/_emulator/ledger/charge', { form: { org_id: org.id, kind: 'ai_tokens', units: '1000', credits: '10', workspace_id: ws.id } });
    env.emulator.clock.advance(2 * DAY);
    await env.call('POST', '/_emulator/ledger/charge', { form: { org_id: org.id, kind: 'ai_tokens', units: '500', credits: '5' } });
    await env.call('POST', '/_emulator/ledger/charge', { form: { org_id: org.id, kind: 'bandwidth', units: '1000000000', credits: '212' } });
    const all = await env.ok('GET', `/current/org/${org.id}/billing/usage/meters/list/?meter=ai_tokens`, { token: owner.token });
    expect(all).toMatchObject({ meter: 'ai_tokens', total: 1500, credits: 15 });
    expect((all.meters as unknown[]).length).toBe(2);
    const byWs = await env.ok('GET', `/current/org/${org.id}/billing/usage/meters/list/?meter=ai_tokens&workspace_id=${ws.id}`, { token: owner.token });
    expect(byWs).toMatchObject({ total: 1000, workspace_id: ws.id });
    const bw = await env.ok('GET', `/current/org/${org.id}/billing/usage/meters/list/?meter=bandwidth_bytes`, { token: owner.token });
    expect(bw).toMatchObject({ total: 1_000_000_000, credits: 212 });
    const now = env.emulator.clock.now();
    const lastDay = new Date(now - DAY * 1000).toISOString().replace('T', ' ').slice(0, 19);
    const recent = await env.ok('GET', `/current/org/${org.id}/billing/usage/meters/list/?meter=ai_tokens&start_time=${encodeURIComponent(lastDay)}`, {
      token: owner.token,
    });
    expect(recent).toMatchObject({ total: 500 });

    const both = await env.call('GET', `/current/org/${org.id}/billing/usage/meters/list/?meter=ai_tokens&workspace_id=${ws.id}&share_id=1234567890123456789`, {
      token: owner.token,
    });
    expect([both.status, both.body.error?.code]).toEqual([400, 1605]);
    expect((await env.call('GET', `/current/org/${org.id}/billing/usage/meters/list/?meter=pages`, { token: owner.token })).status).toBe(400);
    expect((await env.call('GET', `/current/org/${org.id}/billing/usage/meters/list/`, { token: owner.token })).status).toBe(400);
    const other = await tenant(env);
    const otherWs = (
      await env.ok('POST', `/current/org/${other.org.id}/create/workspace/`, {
        token: other.owner.token,
        form: { ...WS_FORM, folder_name: 'theirs', name: 'Theirs' },
      })
    ).workspace as { id: string };
    expect(
      (await env.call('GET', `/current/org/${org.id}/billing/usage/meters/list/?meter=ai_tokens&workspace_id=${otherWs.id}`, { token: owner.token })).status,
    ).toBe(404);
  });

  it('lists billable members: org members and workspace-only members, not pending invitations', async () => {
    const env = await inProcessEmulator();
    const { owner, org } = await tenant(env);
    const admin = await env.persona('human');
    const outsider = await env.persona('human');
    await env.ok('POST', `/current/org/${org.id}/members/${admin.id}/`, { token: owner.token, form: { permissions: 'admin' } });
    await env.ok('POST', `/current/org/${org.id}/members/nobody-yet@example.com/`, { token: owner.token, form: { permissions: 'member' } });
    const ws = (
      await env.ok('POST', `/current/org/${org.id}/create/workspace/`, { token: owner.token, form: { ...WS_FORM, folder_name: 'billable', name: 'Billable' } })
    ).workspace as {
      id: string;
    };
    await env.ok('POST', `/current/workspace/${ws.id}/members/${outsider.id}/`, { token: owner.token, form: { permissions: 'guest' } });
    const list = await env.ok('GET', `/current/org/${org.id}/billing/usage/members/list/`, { token: admin.token });
    const rows = list.billable_members as { id: string; permissions: string | null }[];
    expect(Object.fromEntries(rows.map((r) => [r.id, r.permissions]))).toEqual({ [owner.id]: 'owner', [admin.id]: 'admin', [outsider.id]: null });
    expect(list.pagination).toMatchObject({ total: 3, has_more: false });
  });

  it('keeps every figure equal to the sum of the recorded charges, never negative, across a state round trip', async () => {
    const env = await inProcessEmulator();
    const { owner, org } = await tenant(env);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 1500 }), { maxLength: 12 }), async (amounts) => {
        env.emulator.clock.advance(30 * DAY);
        let accepted = 0;
        for (const credits of amounts) {
          const r = await charge(env, org.id, credits);
          if (r.status === 200) accepted += credits;
          else expect(r.status).toBe(402);
        }
        const c = await env.ok('GET', `/current/org/${org.id}/billing/usage/limits/credits/`, { token: owner.token });
        expect(c.credits_used).toBe(accepted);
        expect(c.credits_remaining).toBe(5000 - accepted);
        expect(c.credits_remaining as number).toBeGreaterThanOrEqual(0);
        expect((c.breakdown as { ingestion: number }).ingestion).toBe(accepted);
      }),
      { numRuns: 25 },
    );
    const before = await env.ok('GET', `/current/org/${org.id}/billing/usage/limits/credits/`, { token: owner.token });
    env.emulator.importState(env.emulator.exportState());
    expect(await env.ok('GET', `/current/org/${org.id}/billing/usage/limits/credits/`, { token: owner.token })).toEqual(before);
  });
});
