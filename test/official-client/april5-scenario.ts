/**
 * The official client's invitation lists by state (`org invitations list --state`, `share
 * invitation list --state`: `GET .../members/invitations/list/{state}/`, V2): the inviter sees the
 * pending and the declined apart; another persona's token lists nothing of them.
 */
import { expect } from 'vitest';
import type { OfficialCli } from './cli.js';

type Json = Record<string, unknown>;

export interface April5ScenarioDeps {
  cli: OfficialCli;
  tenant: () => Promise<{ token: string; orgId: string; wsId: string }>;
  persona: () => Promise<{ user_id: string; email_address: string; api_key: string }>;
  post: (token: string, path: string, form: Record<string, string>) => Promise<Json>;
}

const addresses = (j: Json) => (j.invitations as { email_address: string }[]).map((i) => i.email_address);

export async function april5Scenario({ cli, tenant, persona, post }: April5ScenarioDeps): Promise<void> {
  const { token, orgId, wsId } = await tenant();
  const t = { token };
  const decliner = await persona();
  const stranger = await persona();
  const share = (await post(token, `/current/workspace/${wsId}/create/share/`, { title: 'CLI states', intelligence: 'false' })).share as Json;
  const shareId = share.id as string;
  const waiting = `waiting-${Date.now().toString(36)}@example.test`;
  const invite = async (path: string, email: string, permissions: string) =>
    ((await post(token, `${path}/members/${encodeURIComponent(email)}/`, { permissions })).member as { invite: { id: string } }).invite.id;
  for (const [path, perm] of [
    [`/current/org/${orgId}`, 'member'],
    [`/current/share/${shareId}`, 'view'],
  ] as const) {
    await invite(path, waiting, perm);
    const id = await invite(path, decliner.email_address, perm);
    await post(decliner.api_key, `${path}/members/invitation/${id}/`, { state: 'declined' });
  }

  expect(addresses(await cli.ok('org invitations list', [orgId, '--state', 'pending'], t))).toEqual([waiting]);
  expect(addresses(await cli.ok('org invitations list', [orgId, '--state', 'declined'], t))).toEqual([decliner.email_address]);
  expect(addresses(await cli.ok('org invitations list', [orgId], t)).sort()).toEqual([waiting, decliner.email_address].sort());
  expect(addresses(await cli.ok('share invitation list', [shareId, '--state', 'declined'], t))).toEqual([decliner.email_address]);
  expect(addresses(await cli.ok('share invitation list', [shareId, '--state', 'pending'], t))).toEqual([waiting]);

  // Another persona: refused, and none of the addresses in what it is told.
  const other = await cli.run('org invitations list', [orgId, '--state', 'pending'], { token: stranger.api_key });
  expect(other.code).not.toBe(0);
  expect(other.stdout + other.stderr).not.toContain(waiting);
}
