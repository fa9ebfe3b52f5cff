import { describe, expect } from 'vitest';
import type { ApiClient, ApiResponse, Form } from '../client.js';
import { Control } from '../control.js';
import { contract, setupContract } from '../harness.js';
import { expectApiError } from '../expect.js';
import { uploadChunk, uploaded } from '../files.js';
import { addWorkspaceMember, createOrg, createWorkspace } from '../tenants.js';

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
  object_id: string | null;
  parent_event_id: string | null;
  visibility: string;
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

describe('events filters of V2: visibility and parent_event_id', () => {
  contract.unverified('every event names its visibility; the filter selects exactly the events of that visibility; another value is 400/1605', async () => {
    const a = await c.signedIn({ accountType: 'agent' });
    const org = await c.createOrg(a.api);
    await createWorkspace(a.api, org.id);
    expect((await a.api.post(`/current/org/${org.id}/update/`, { name: 'Renamed tenant' })).status).toBe(200);
    const all = await events(a.api, { org_id: org.id, limit: 250 });
    expect(all.rows.every((e) => ['external', 'external_audit_log'].includes(e.visibility) && 'parent_event_id' in e)).toBe(true);
    for (const visibility of ['external', 'external_audit_log']) {
      const some = await events(a.api, { org_id: org.id, visibility, limit: 250 });
      expect(some.rows.map((e) => e.id)).toEqual(all.rows.filter((e) => e.visibility === visibility).map((e) => e.id));
      expect(some.page.total).toBeGreaterThan(0);
    }
    expect(all.rows.find((e) => e.event === 'org_created')?.visibility).toBe('external');
    expect(all.rows.find((e) => e.event === 'org_updated')?.visibility).toBe('external_audit_log');
    const bad = await search(a.api, { org_id: org.id, visibility: 'internal' });
    expectApiError(bad, 400, 1605);
    expect(bad.body.error?.params?.map((p) => p.name)).toContain('visibility');
  });

  contract.unverified(
    'parent_event_id answers a serial event’s children (an upload session’s chunks and completion) and combines only with acknowledged, limit and offset',
    async () => {
      const a = await c.signedIn({ accountType: 'agent' });
      const b = await c.signedIn({ accountType: 'agent' });
      const org = await c.createOrg(a.api);
      const ws = await createWorkspace(a.api, org.id, { intelligence: false });
      const parts = ['first chunk. ', 'second chunk.'];
      const session = await a.api.post('/current/upload/', {
        name: 'serial.txt',
        size: parts.join('').length,
        action: 'create',
        instance_id: ws.id,
        folder_id: 'root',
        profile_type: 'workspace',
      });
      expect(session.status, session.text).toBe(200);
      const uploadId = session.body.id as string;
      for (const [i, part] of parts.entries()) expect((await uploadChunk(a.api, uploadId, i + 1, part)).status).toBe(200);
      expect((await a.api.post(`/current/upload/${uploadId}/complete/`)).status).toBe(200);

      const parent = (await events(a.api, { workspace_id: ws.id, event: 'upload_session_created', object_id: uploadId })).rows[0]!;
      expect(parent.parent_event_id).toBeNull();
      const children = await events(a.api, { parent_event_id: parent.id });
      expect(children.rows.map((e) => e.event)).toEqual(['upload_session_completed', 'upload_chunk_added', 'upload_chunk_added']);
      expect(children.rows.every((e) => e.parent_event_id === parent.id && e.object_id === uploadId && e.workspace_id === ws.id)).toBe(true);
      const second = await events(a.api, { parent_event_id: parent.id, limit: 1, offset: 1 });
      expect(second.rows.map((e) => e.id)).toEqual([children.rows[1]!.id]);
      expect(second.page).toEqual({ total: 3, limit: 1, offset: 1, has_more: true });
      expect((await events(a.api, { parent_event_id: parent.id, acknowledged: true })).page.total).toBe(0);
      // An event that is not serial has no children.
      const created = (await events(a.api, { org_id: org.id, event: 'org_created' })).rows[0]!;
      expect((await events(a.api, { parent_event_id: created.id })).page.total).toBe(0);

      expectApiError(await search(a.api, { parent_event_id: parent.id, workspace_id: ws.id }), 400, 1605);
      expectApiError(await search(a.api, { parent_event_id: parent.id, visibility: 'external' }), 400, 1605);
      expectApiError(await search(b.api, { parent_event_id: parent.id }), 404, 1609);
    },
  );
});

interface Card {
  card_key: string;
  lane: string;
  workspace_id: string;
  node_id: string;
  name: string;
  actor_id: string | null;
}

describe('the workspace dashboard (V2)', () => {
  const dashboard = async (api: ApiClient, wsId: string, query: Form = {}) => {
    const r = await api.get(`/current/workspace/${wsId}/dashboard/`, { query });
    expect(r.status, r.text).toBe(200);
    return r.body as { cards: Card[]; pagination: Page; dismissed_recent_count: number };
  };
  const cardPath = (wsId: string, key: string) => `/current/workspace/${wsId}/dashboard/cards/${encodeURIComponent(key)}/dismiss/`;

  contract.unverified(
    'a member sees the files others added, newest first; dismiss, snooze and undismiss hide cards from the caller’s feed only; another tenant is refused',
    async () => {
      const owner = await c.signedIn({ accountType: 'agent' });
      const member = await c.signedIn({ accountType: 'agent' });
      const stranger = await c.signedIn({ accountType: 'agent' });
      const org = await c.createOrg(owner.api);
      const ws = await createWorkspace(owner.api, org.id, { intelligence: false });
      await addWorkspaceMember(owner.api, ws.id, member.persona.userId, 'member');
      const one = await uploaded(member.api, ws.id, 'one.txt', 'first file');
      const two = await uploaded(member.api, ws.id, 'two.txt', 'second file');
      const mine = await uploaded(owner.api, ws.id, 'mine.txt', 'the owner’s own file');

      const feed = await dashboard(owner.api, ws.id);
      expect(feed.cards.map((k) => [k.card_key, k.lane, k.name, k.actor_id, k.workspace_id])).toEqual([
        [`file_activity:${two}`, 'file_added', 'two.txt', member.persona.userId, ws.id],
        [`file_activity:${one}`, 'file_added', 'one.txt', member.persona.userId, ws.id],
      ]);
      expect(feed.pagination).toEqual({ total: 2, limit: 50, offset: 0, has_more: false });
      expect(feed.dismissed_recent_count).toBe(0);
      expect((await dashboard(member.api, ws.id)).cards.map((k) => k.node_id)).toEqual([mine]);
      expect((await dashboard(owner.api, ws.id, { limit: 1, offset: 1 })).cards.map((k) => k.node_id)).toEqual([one]);

      // Dismiss (no body) and snooze (JSON body): the owner's feed only.
      const dismissed = await owner.api.post(cardPath(ws.id, `file_activity:${two}`));
      expect(dismissed.status, dismissed.text).toBe(200);
      expect(dismissed.body.card_dismiss).toMatchObject({ card_key: `file_activity:${two}`, dismissed: true, snooze_until: null });
      const afterDismiss = await dashboard(owner.api, ws.id);
      expect(afterDismiss.cards.map((k) => k.node_id)).toEqual([one]);
      expect(afterDismiss.dismissed_recent_count).toBe(1);
      expect((await dashboard(member.api, ws.id)).cards.map((k) => k.node_id)).toEqual([mine]);
      const snoozed = await owner.api.post(cardPath(ws.id, `file_activity:${one}`), undefined, { json: { snooze_until: '2099-01-01 09:00:00 UTC' } });
      expect(snoozed.body.card_dismiss, snoozed.text).toMatchObject({ dismissed: true, snooze_until: '2099-01-01 09:00:00 UTC' });
      expect(await dashboard(owner.api, ws.id)).toMatchObject({ cards: [], dismissed_recent_count: 2 });
      expectApiError(
        await owner.api.post(cardPath(ws.id, `file_activity:${one}`), undefined, { json: { snooze_until: '2001-01-01 00:00:00 UTC' } }),
        400,
        1605,
      );
      expectApiError(await owner.api.post(cardPath(ws.id, `file_activity:${one}`), undefined, { json: { snooze_until: 'tomorrow' } }), 400, 1605);
      expectApiError(await owner.api.post(cardPath(ws.id, 'file activity')), 400, 1605);
      expectApiError(await owner.api.get(`/current/workspace/${ws.id}/dashboard/`, { query: { limit: 201 } }), 400, 1605);

      // Undismiss restores; twice is not an error.
      const restored = await owner.api.delete(cardPath(ws.id, `file_activity:${two}`));
      expect(restored.body.card_dismiss, restored.text).toMatchObject({ card_key: `file_activity:${two}`, dismissed: false });
      expect((await owner.api.delete(cardPath(ws.id, `file_activity:${two}`))).status).toBe(200);
      expect((await dashboard(owner.api, ws.id)).cards.map((k) => k.node_id)).toEqual([two]);
      const audit = await events(owner.api, { workspace_id: ws.id, subcategory: 'dashboard' });
      expect(audit.rows.map((e) => e.event)).toEqual(['dashboard_card_undismissed', 'dashboard_card_dismissed', 'dashboard_card_dismissed']);

      // Another tenant: refused on every route with the workspace code, and told nothing.
      for (const r of [
        await stranger.api.get(`/current/workspace/${ws.id}/dashboard/`),
        await stranger.api.post(cardPath(ws.id, `file_activity:${one}`)),
        await stranger.api.delete(cardPath(ws.id, `file_activity:${one}`)),
      ]) {
        expectApiError(r, 401, 10545);
        expect(r.text).not.toContain('one.txt');
      }
    },
    { dialects: ['v2'] },
  );

  contract.unverified(
    'the April 2026 dialect has no dashboard',
    async () => {
      const { api } = await c.signedIn({ accountType: 'agent' });
      const org = await c.createOrg(api);
      const ws = await createWorkspace(api, org.id);
      const r = await api.get(`/current/workspace/${ws.id}/dashboard/`);
      expect(r.status).toBe(404);
      expect(r.body.result).toBe(false);
    },
    { dialects: ['2026-04'] },
  );
});
