/**
 * The official client's `dashboard` commands against the emulator's V2 workspace dashboard: the
 * owner's feed shows the file a member added (never the owner's own), `dismiss` hides it, a snooze
 * with `--snooze-until` answers the time back, `undismiss` restores it; and `event list` with the
 * V2 `--visibility` and `--parent-event-id` filters.
 */
import { expect } from 'vitest';
import type { OfficialCli } from './cli.js';

type Json = Record<string, unknown>;

export interface DashboardScenarioDeps {
  cli: OfficialCli;
  tenant: () => Promise<{ token: string; wsId: string }>;
  persona: () => Promise<{ user_id: string; email_address: string; api_key: string }>;
  /** POST a form to the emulator's API as the token's user */
  post: (token: string, path: string, form: Record<string, string>) => Promise<Json>;
}

export async function dashboardScenario({ cli, tenant, persona, post }: DashboardScenarioDeps): Promise<void> {
  const owner = await tenant();
  const member = await persona();
  await post(owner.token, `/current/workspace/${owner.wsId}/members/${encodeURIComponent(member.email_address)}/`, { permissions: 'member' });
  await post(member.api_key, '/current/user/invitations/acceptall/', {}); // an address is invited; its owner accepts
  const t = { token: owner.token };
  const theirs = (await cli.ok('upload text', ['--workspace', owner.wsId, '--name', 'from-member.txt', 'a member wrote this'], { token: member.api_key }))
    .new_file_id as string;
  await cli.ok('upload text', ['--workspace', owner.wsId, '--name', 'own.txt', 'the owner wrote this'], t);

  const feed = await cli.ok('dashboard get', ['--workspace', owner.wsId], t);
  const key = `file_activity:${theirs}`;
  expect(feed).toMatchObject({ cards: [{ card_key: key, lane: 'file_added', node_id: theirs, actor_id: member.user_id }], dismissed_recent_count: 0 });
  expect(await cli.ok('dashboard get', ['--workspace', owner.wsId, '--limit', '1', '--offset', '1'], t)).toMatchObject({ cards: [] });

  expect((await cli.ok('dashboard dismiss', [key, '--workspace', owner.wsId], t)).card_dismiss).toMatchObject({ card_key: key, dismissed: true });
  expect(await cli.ok('dashboard get', ['--workspace', owner.wsId], t)).toMatchObject({ cards: [], dismissed_recent_count: 1 });
  const snoozed = await cli.ok('dashboard dismiss', [key, '--workspace', owner.wsId, '--snooze-until', '2099-01-01 09:00:00 UTC'], t);
  expect(snoozed.card_dismiss).toMatchObject({ dismissed: true, snooze_until: '2099-01-01 09:00:00 UTC' });
  expect((await cli.ok('dashboard undismiss', [key, '--workspace', owner.wsId], t)).card_dismiss).toMatchObject({ card_key: key, dismissed: false });
  expect((await cli.ok('dashboard get', ['--workspace', owner.wsId], t)).cards).toMatchObject([{ card_key: key }]);

  // The V2 events filters: visibility selects its events; the dashboard's own events are audit-only.
  const audit = (await cli.ok('event list', ['--workspace', owner.wsId, '--visibility', 'external_audit_log', '--limit', '50'], t)).events as Json[];
  expect(audit.length).toBeGreaterThan(0);
  expect(audit.every((e) => e.visibility === 'external_audit_log')).toBe(true);
  expect(audit.map((e) => e.event)).toContain('dashboard_card_dismissed');
  const external = (await cli.ok('event list', ['--workspace', owner.wsId, '--visibility', 'external', '--limit', '50'], t)).events as Json[];
  expect(external.every((e) => e.visibility === 'external')).toBe(true);
  const created = external.find((e) => e.event === 'workspace_created')!;
  expect(await cli.ok('event list', ['--parent-event-id', created.id as string], t)).toMatchObject({ events: [] });
}
