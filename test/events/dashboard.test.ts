import { describe, expect, it } from 'vitest';
import { formatTime } from '../../emulator/http/format.js';
import { eventNamesOf, parentEventOf, visibilityOf } from '../../emulator/events/catalogue.js';
import { inProcessEmulator } from '../support/client.js';

interface Card {
  card_key: string;
  node_id: string;
  lane: string;
}

describe('dashboard (V2)', () => {
  it('a snoozed card comes back when its time passes; one’s own upload makes no card', async () => {
    const env = await inProcessEmulator({ apiDialect: 'v2' });
    const { user: owner, ws } = await env.tenant({ accountType: 'agent' });
    const member = await env.persona('agent');
    await env.ok('POST', `/current/workspace/${ws.id}/members/${member.id}/`, { token: owner.token, form: { permissions: 'member' } });
    const nodeId = await env.upload(member.token, ws.id, 'a.txt', 'one');
    const feed = async () =>
      (await env.ok('GET', `/current/workspace/${ws.id}/dashboard/`, { token: owner.token })) as { cards: Card[]; dismissed_recent_count: number };
    expect((await feed()).cards.map((c) => c.node_id)).toEqual([nodeId]);

    const until = formatTime(env.emulator.clock.now() + 3_600_000);
    const key = encodeURIComponent(`file_activity:${nodeId}`);
    await env.ok('POST', `/current/workspace/${ws.id}/dashboard/cards/${key}/dismiss/`, { token: owner.token, json: { snooze_until: until } });
    expect(await feed()).toMatchObject({ cards: [], dismissed_recent_count: 1 });
    env.emulator.clock.advance(3601);
    expect(await feed()).toMatchObject({ cards: [{ node_id: nodeId, lane: 'file_added' }], dismissed_recent_count: 0 });

    // The member's own upload makes no card on the member's feed, whoever else sees it.
    const mine = (await env.ok('GET', `/current/workspace/${ws.id}/dashboard/`, { token: member.token })) as { cards: Card[] };
    expect(mine.cards).toEqual([]);
  });

  it('is not served in the April 2026 dialect', async () => {
    const env = await inProcessEmulator({ apiDialect: '2026-04' });
    const { user, ws } = await env.tenant({ accountType: 'agent' });
    const r = await env.call('GET', `/current/workspace/${ws.id}/dashboard/`, { token: user.token });
    expect(r.status).toBe(404);
  });
});

describe('visibility and serial events in the catalogue', () => {
  it('files every event under exactly one visibility and names parents that exist', () => {
    const external = eventNamesOf('external');
    const audit = eventNamesOf('external_audit_log');
    for (const n of external) expect(audit.has(n)).toBe(false);
    expect(visibilityOf('org_created')).toBe('external');
    expect(visibilityOf('api_key_created')).toBe('external_audit_log');
    expect(parentEventOf('upload_chunk_added')).toBe('upload_session_created');
    expect(parentEventOf('ai_chat_new_message')).toBe('ai_chat_created');
    for (const n of [...external, ...audit]) {
      const p = parentEventOf(n);
      if (p) expect(external.has(p) || audit.has(p)).toBe(true);
    }
  });
});
