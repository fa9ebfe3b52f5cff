import { describe, expect, it } from 'vitest';
import { inProcessEmulator, WS_FORM } from '../support/client.js';

type Env = Awaited<ReturnType<typeof inProcessEmulator>>;

interface EventRow {
  id: string;
  event: string;
  category: string;
  org_id: string | null;
  workspace_id: string | null;
  user_id: string | null;
  acknowledged: boolean;
  created: string;
}

/** Two tenants: A (owner agent, admin, member, a workspace with a guest) and B. */
async function tenants(env: Env) {
  const owner = await env.persona('agent');
  const admin = await env.persona('human');
  const member = await env.persona('human');
  const guest = await env.persona('human');
  const other = await env.persona('agent');
  const orgA = (await env.ok('POST', '/current/org/create/', { token: owner.token, form: { domain: `a-${owner.id.slice(-6)}`, name: 'Tenant A' } })).org as {
    id: string;
  };
  const orgB = (await env.ok('POST', '/current/org/create/', { token: other.token, form: { domain: `b-${other.id.slice(-6)}`, name: 'Tenant B' } })).org as {
    id: string;
  };
  await env.ok('POST', `/current/org/${orgA.id}/members/${admin.id}/`, { token: owner.token, form: { permissions: 'admin' } });
  await env.ok('POST', `/current/org/${orgA.id}/members/${member.id}/`, { token: owner.token, form: { permissions: 'member' } });
  const wsA = (
    await env.ok('POST', `/current/org/${orgA.id}/create/workspace/`, { token: owner.token, form: { ...WS_FORM, folder_name: 'ws-a', name: 'WS A' } })
  ).workspace as {
    id: string;
  };
  const wsB = (
    await env.ok('POST', `/current/org/${orgB.id}/create/workspace/`, { token: other.token, form: { ...WS_FORM, folder_name: 'ws-b', name: 'WS B' } })
  ).workspace as {
    id: string;
  };
  await env.ok('POST', `/current/workspace/${wsA.id}/members/${guest.id}/`, { token: owner.token, form: { permissions: 'guest' } });
  return { owner, admin, member, guest, other, orgA, orgB, wsA, wsB };
}

/** Searches advance the emulator clock past the per-user limit window between calls. */
async function search(env: Env, token: string, query: string) {
  env.emulator.clock.advance(3);
  return env.call('GET', `/current/events/search/?${query}`, { token });
}

describe('events search', () => {
  it('requires a scope, refuses other tenants with the tenancy codes, and never answers their events', async () => {
    const env = await inProcessEmulator();
    const t = await tenants(env);
    const none = await search(env, t.owner.token, 'event=org_created');
    expect(none.status).toBe(400);
    expect(none.body.error?.code).toBe(1605);

    expect((await search(env, t.other.token, `org_id=${t.orgA.id}`)).status).toBe(404);
    const ws = await search(env, t.other.token, `workspace_id=${t.wsA.id}`);
    expect([ws.status, ws.body.error?.code]).toEqual([401, 10545]);
    const user = await search(env, t.other.token, `user_id=${t.owner.id}`);
    expect([user.status, user.body.error?.code]).toEqual([404, 1609]);
    // An org member (not admin) searches by workspace, not org-wide (CHOICE).
    expect((await search(env, t.member.token, `org_id=${t.orgA.id}`)).status).toBe(403);
    // Mixing another tenant's workspace into one's own org search is refused too.
    expect((await search(env, t.other.token, `org_id=${t.orgB.id}&workspace_id=${t.wsA.id}`)).status).toBe(401);

    const mine = await search(env, t.owner.token, `org_id=${t.orgA.id}&limit=250`);
    expect(mine.status).toBe(200);
    const events = mine.body.events as EventRow[];
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((e) => e.org_id === t.orgA.id)).toBe(true);
    expect(events.map((e) => e.event)).toContain('added_member_to_workspace');
    // Newest first.
    const times = events.map((e) => e.created);
    expect([...times].sort().reverse()).toEqual(times);

    // A guest sees the workspace's events only; the user's own search shows events about them.
    const guestWs = await search(env, t.guest.token, `workspace_id=${t.wsA.id}`);
    expect((guestWs.body.events as EventRow[]).every((e) => e.workspace_id === t.wsA.id)).toBe(true);
    const own = await search(env, t.guest.token, `user_id=${t.guest.id}`);
    expect((own.body.events as EventRow[]).map((e) => e.event).sort()).toEqual([
      'added_member_to_workspace',
      'api_key_created',
      'user_created',
      'user_email_verified',
    ]);
  });

  it('filters by event, category, subcategory, calling user, object, acknowledged and time, and pages', async () => {
    const env = await inProcessEmulator();
    const t = await tenants(env);
    const start = env.emulator.clock.now();
    env.emulator.clock.advance(3600);
    for (let i = 0; i < 7; i++)
      await env.ok('POST', `/current/org/${t.orgA.id}/update/`, { token: i % 2 ? t.admin.token : t.owner.token, form: { name: `Tenant A ${i}` } });
    const all = (await search(env, t.owner.token, `org_id=${t.orgA.id}&event=org_updated`)).body;
    expect(all.pagination).toEqual({ total: 7, limit: 100, offset: 0, has_more: false });
    const page = await search(env, t.owner.token, `org_id=${t.orgA.id}&event=org_updated&limit=3&offset=3`);
    expect(page.body.pagination).toEqual({ total: 7, limit: 3, offset: 3, has_more: true });
    expect((page.body.events as EventRow[]).map((e) => e.id)).toEqual((all.events as EventRow[]).slice(3, 6).map((e) => e.id));

    const byAdmin = await search(env, t.owner.token, `org_id=${t.orgA.id}&event=org_updated&calling_user_id=${t.admin.id}`);
    expect(byAdmin.body.pagination).toMatchObject({ total: 3 });
    const members = await search(env, t.owner.token, `org_id=${t.orgA.id}&subcategory=members`);
    expect((members.body.events as EventRow[]).map((e) => e.event).sort()).toEqual(['added_member_to_org', 'added_member_to_org', 'added_member_to_workspace']);
    const objects = await search(env, t.owner.token, `org_id=${t.orgA.id}&object_id=${t.wsA.id}`);
    expect((objects.body.events as EventRow[]).map((e) => e.event)).toEqual(['workspace_created']);

    // Both time forms; the bounds are inclusive.
    const iso = new Date(start + 1800_000).toISOString();
    const apiForm = `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
    for (const bound of [iso, apiForm]) {
      const recent = await search(env, t.owner.token, `org_id=${t.orgA.id}&created-min=${encodeURIComponent(bound)}`);
      expect((recent.body.events as EventRow[]).map((e) => e.event)).toEqual(Array(7).fill('org_updated'));
      const before = await search(env, t.owner.token, `org_id=${t.orgA.id}&created-max=${encodeURIComponent(bound)}&event=org_updated`);
      expect(before.body.pagination).toMatchObject({ total: 0 });
    }
    const bad = await search(env, t.owner.token, `org_id=${t.orgA.id}&created-min=yesterday`);
    expect(bad.status).toBe(400);
    expect(bad.body.error?.code).toBe(1605);
    expect((await search(env, t.owner.token, `org_id=${t.orgA.id}&limit=251`)).status).toBe(400);

    // Acknowledge one: details, ack, and the acknowledged filter agree.
    const first = (all.events as EventRow[])[0]!;
    const ack = await env.call('POST', `/current/event/${first.id}/ack/`, { token: t.admin.token, form: { event_id: first.id } });
    expect(ack.status).toBe(200);
    expect((ack.body.event as EventRow).acknowledged).toBe(true);
    expect(((await env.call('GET', `/current/event/${first.id}/details/`, { token: t.owner.token })).body.event as EventRow).acknowledged).toBe(true);
    const unread = await search(env, t.owner.token, `org_id=${t.orgA.id}&event=org_updated&acknowledged=false`);
    expect(unread.body.pagination).toMatchObject({ total: 6 });
    const read = await search(env, t.owner.token, `org_id=${t.orgA.id}&acknowledged=true`);
    expect((read.body.events as EventRow[]).map((e) => e.id)).toEqual([first.id]);
    // GET is accepted for ack too; another tenant's event is not found.
    expect((await env.call('GET', `/current/event/${first.id}/ack/`, { token: t.owner.token })).status).toBe(200);
    expect((await env.call('GET', `/current/event/${first.id}/details/`, { token: t.other.token })).status).toBe(404);
    expect((await env.call('POST', `/current/event/${first.id}/ack/`, { token: t.member.token })).status).toBe(404);
  });

  it('limits searches per user (5 per 3 s) with the rate-limit headers of that limit', async () => {
    const env = await inProcessEmulator();
    const t = await tenants(env);
    const statuses: number[] = [];
    let last;
    for (let i = 0; i < 6; i++) {
      last = await env.call('GET', `/current/events/search/?org_id=${t.orgA.id}`, { token: t.owner.token });
      statuses.push(last.status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    expect(last!.body.error?.code).toBe(1671);
    // The summary shares the channel; another user has a budget of their own.
    expect((await env.call('GET', `/current/events/search/summarize/?org_id=${t.orgA.id}`, { token: t.owner.token })).status).toBe(429);
    expect((await env.call('GET', `/current/events/search/?org_id=${t.orgA.id}`, { token: t.admin.token })).status).toBe(200);
    // Other routes are not counted against the search budget.
    expect((await env.call('GET', `/current/org/${t.orgA.id}/details/`, { token: t.owner.token })).status).toBe(200);
    env.emulator.clock.advance(3);
    // 15 per 30 s: after 5 + 5 + 5 in three windows, the 16th is refused until 30 s have passed.
    for (let w = 0; w < 2; w++) {
      for (let i = 0; i < 5; i++) expect((await env.call('GET', `/current/events/search/?org_id=${t.orgA.id}`, { token: t.owner.token })).status).toBe(200);
      env.emulator.clock.advance(3);
    }
    const refused = await env.call('GET', `/current/events/search/?org_id=${t.orgA.id}`, { token: t.owner.token });
    expect(refused.status).toBe(429);
    env.emulator.clock.advance(30);
    expect((await env.call('GET', `/current/events/search/?org_id=${t.orgA.id}`, { token: t.owner.token })).status).toBe(200);
  });

  it('summarizes the selected events by category with a deterministic narrative', async () => {
    const env = await inProcessEmulator();
    const t = await tenants(env);
    const a = await env.call('GET', `/current/events/search/summarize/?org_id=${t.orgA.id}`, { token: t.owner.token });
    env.emulator.clock.advance(3);
    const b = await env.call('GET', `/current/events/search/summarize/?org_id=${t.orgA.id}`, { token: t.owner.token });
    expect(a.status).toBe(200);
    expect(a.body.summary).toBe(b.body.summary);
    const categories = a.body.categories as Record<string, number>;
    expect(Object.values(categories).reduce((x, y) => x + y, 0)).toBe(a.body.event_count);
    expect(a.body.event_count).toBe((a.body.pagination as { total: number }).total);
    expect(a.body.summary).toMatch(/^\d+ events from .* UTC to .* UTC\. By category: /);
  });
});
