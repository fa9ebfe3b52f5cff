import { describe, expect } from 'vitest';
import type { ApiClient, ApiResponse, Form } from '../client.js';
import { Control } from '../control.js';
import { contract, setupContract } from '../harness.js';
import { expectApiError } from '../expect.js';
import { createOrg, createWorkspace } from '../tenants.js';

const c = setupContract(import.meta.url);

interface EventRow {
  id: string;
  event: string;
  category: string;
  subcategory: string;
  org_id: string | null;
  workspace_id: string | null;
  user_id: string | null;
  calling_user_id: string | null;
  acknowledged: boolean;
  created: string;
}

interface Page {
  total: number;
  limit: number;
  offset: number;
  has_more: boolean;
}

/**
 * The events search has a documented per-user limit (5 per 3 s, 15 per 30 s, 120 per 10 min). A
 * 429 is waited out as a client must: on the live API by waiting `retry-after`, on the emulator by
 * moving its clock that far.
 */
async function search(api: ApiClient, query: Form, path = '/current/events/search/'): Promise<ApiResponse> {
  for (let attempt = 0; attempt < 6; attempt++) {
    const r = await api.get(path, { query });
    if (r.status !== 429) return r;
    const wait = Number(r.headers.get('retry-after') ?? '3');
    if (c.target.canControl) await new Control(c.api()).advanceClock(wait);
    else await new Promise((resolve) => setTimeout(resolve, wait * 1000));
  }
  throw new Error(`the events search stayed rate-limited: ${JSON.stringify(query)}`);
}

async function events(api: ApiClient, query: Form): Promise<{ rows: EventRow[]; page: Page }> {
  const r = await search(api, query);
  expect(r.status, r.text).toBe(200);
  return { rows: r.body.events as EventRow[], page: r.body.pagination as Page };
}

describe('events search', () => {
  contract.unverified('filters, pagination and date ranges return exactly the matching events; tenant B never sees A', async () => {
    const a = await c.signedIn({ accountType: 'agent' });
    const b = await c.signedIn({ accountType: 'agent' });
    const orgA = await createOrg(a.api);
    const orgB = await createOrg(b.api);
    const wsA = await createWorkspace(a.api, orgA.id);
    for (let i = 0; i < 4; i++) expect((await a.api.post(`/current/org/${orgA.id}/update/`, { name: `Tenant A ${i}` })).status).toBe(200);

    const all = await events(a.api, { org_id: orgA.id, limit: 250 });
    expect(all.rows.length).toBe(all.page.total);
    expect(all.rows.every((e) => e.org_id === orgA.id)).toBe(true);
    expect(all.rows.map((e) => e.created)).toEqual([...all.rows.map((e) => e.created)].sort().reverse());
    const names = all.rows.map((e) => e.event);
    for (const n of ['org_created', 'org_updated', 'workspace_created']) expect(names).toContain(n);

    // Exact filters: what the filter selects from the full list, nothing more, nothing less.
    const updated = await events(a.api, { org_id: orgA.id, event: 'org_updated' });
    expect(updated.rows.map((e) => e.id)).toEqual(all.rows.filter((e) => e.event === 'org_updated').map((e) => e.id));
    expect(updated.page.total).toBe(4);
    const settings = await events(a.api, { org_id: orgA.id, subcategory: 'settings' });
    expect(settings.rows.map((e) => e.id)).toEqual(all.rows.filter((e) => e.subcategory === 'settings').map((e) => e.id));
    const inWorkspace = await events(a.api, { org_id: orgA.id, workspace_id: wsA.id });
    expect(inWorkspace.rows.map((e) => e.id)).toEqual(all.rows.filter((e) => e.workspace_id === wsA.id).map((e) => e.id));
    const byCaller = await events(a.api, { org_id: orgA.id, calling_user_id: a.persona.userId, category: 'org' });
    expect(byCaller.rows.map((e) => e.id)).toEqual(all.rows.filter((e) => e.calling_user_id === a.persona.userId && e.category === 'org').map((e) => e.id));

    // Pages are slices of the same order.
    const page = await events(a.api, { org_id: orgA.id, limit: 2, offset: 1 });
    expect(page.rows.map((e) => e.id)).toEqual(all.rows.slice(1, 3).map((e) => e.id));
    expect(page.page).toEqual({ total: all.page.total, limit: 2, offset: 1, has_more: all.page.total > 3 });

    // Date ranges, inclusive, in both accepted forms.
    const oldest = all.rows[all.rows.length - 1]!.created;
    const newest = all.rows[0]!.created;
    const isoOf = (t: string) => `${t.slice(0, 10)}T${t.slice(11, 19)}Z`;
    const lastSecond = await events(a.api, { org_id: orgA.id, 'created-min': newest, 'created-max': newest, limit: 250 });
    expect(lastSecond.rows.map((e) => e.id)).toEqual(all.rows.filter((e) => e.created === newest).map((e) => e.id));
    const whole = await events(a.api, { org_id: orgA.id, 'created-min': isoOf(oldest), 'created-max': isoOf(newest), limit: 250 });
    expect(whole.rows.map((e) => e.id)).toEqual(all.rows.map((e) => e.id));
    const beforeAll = await events(a.api, { org_id: orgA.id, 'created-max': '2001-01-01 00:00:00 UTC' });
    expect(beforeAll.page.total).toBe(0);

    // Tenant B: refused on A's ids with the tenancy codes, and its own search holds nothing of A.
    expectApiError(await search(b.api, { workspace_id: wsA.id }), 401, 10545);
    expectApiError(await search(b.api, { org_id: orgA.id }), 404, 1609);
    expectApiError(await search(b.api, { user_id: a.persona.userId }), 404, 1609);
    expectApiError(await b.api.get(`/current/event/${updated.rows[0]!.id}/details/`), 404, 1609);
    const own = await events(b.api, { org_id: orgB.id, limit: 250 });
    expect(own.rows.every((e) => e.org_id === orgB.id)).toBe(true);
    expect(JSON.stringify(own.rows)).not.toContain(orgA.id);
  });

  contract.unverified('one of user_id, org_id, workspace_id, share_id is required; limit is 1-250', async () => {
    const { api, persona } = await c.signedIn();
    expectApiError(await search(api, { event: 'org_created' }), 400, 1605);
    expectApiError(await search(api, { user_id: persona.userId, limit: 251 }), 400, 1605);
    expectApiError(await search(api, { user_id: persona.userId, limit: 0 }), 400, 1605);
    expectApiError(await search(api, { user_id: persona.userId, 'created-min': 'last tuesday' }), 400, 1605);
    const own = await events(api, { user_id: persona.userId });
    expect(own.rows.every((e) => e.user_id === persona.userId)).toBe(true);
  });

  contract.unverified('event details and acknowledgement; the acknowledged filter follows', async () => {
    const { api } = await c.signedIn({ accountType: 'agent' });
    const org = await createOrg(api);
    const created = (await events(api, { org_id: org.id, event: 'org_created' })).rows[0]!;
    const details = await api.get(`/current/event/${created.id}/details/`);
    expect(details.status).toBe(200);
    expect(details.body.event).toMatchObject({ id: created.id, event: 'org_created', org_id: org.id, acknowledged: false });
    const ack = await api.post(`/current/event/${created.id}/ack/`, { event_id: created.id });
    expect(ack.status).toBe(200);
    expect((await api.get(`/current/event/${created.id}/details/`)).body.event).toMatchObject({ acknowledged: true });
    const read = await events(api, { org_id: org.id, acknowledged: true });
    expect(read.rows.map((e) => e.id)).toEqual([created.id]);
    const unread = await events(api, { org_id: org.id, acknowledged: false });
    expect(unread.rows.map((e) => e.id)).not.toContain(created.id);
    // GET is accepted for ack too.
    expect((await api.get(`/current/event/${created.id}/ack/`)).status).toBe(200);
    expectApiError(await api.get('/current/event/a0000000000000000000000000000/details/'), 404, 1609);
  });

  contract.unverified('the search has its own per-user limit: the 6th search within 3 s answers 429 with its headers', async () => {
    const { api } = await c.signedIn();
    const probe = await api.get('/current/user/auth/check/');
    const userId = probe.body.id as string;
    const statuses: number[] = [];
    let last: ApiResponse | undefined;
    for (let i = 0; i < 6; i++) {
      last = await api.get('/current/events/search/', { query: { user_id: userId } });
      statuses.push(last.status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    expect(last!.body.result).toBe(false);
    expect(last!.headers.get('x-ve-limit-max')).toBe('5');
    expect(last!.headers.get('x-ve-limit-avail')).toBe('0');
    expect(Number(last!.headers.get('x-ve-limit-expires'))).toBeGreaterThan(0);
  });

  contract.emulatorOnly('the summary counts the selected events by category, with the same narrative every time', async () => {
    const { api } = await c.signedIn({ accountType: 'agent' });
    const org = await createOrg(api);
    await createWorkspace(api, org.id);
    const first = await search(api, { org_id: org.id }, '/current/events/search/summarize/');
    const second = await search(api, { org_id: org.id }, '/current/events/search/summarize/');
    expect(first.status).toBe(200);
    expect(second.body.summary).toBe(first.body.summary);
    const all = await events(api, { org_id: org.id });
    const counts: Record<string, number> = {};
    for (const e of all.rows) counts[e.category] = (counts[e.category] ?? 0) + 1;
    expect(first.body.categories).toEqual(counts);
    expect(first.body.event_count).toBe(all.rows.length);
    expect(String(first.body.summary)).toContain(`${all.rows.length} events`);
  });
});
