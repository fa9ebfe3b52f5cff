import { defineRoute } from '../http/define.js';
import { callerOf } from '../http/context.js';
import { formatTime } from '../http/format.js';
import type { TransferToken } from '../store/model.js';
import { orgParams } from '../orgs/schema.js';
import { orgJson } from '../orgs/format.js';
import { claimBody, tokenParams } from './schema.js';

const SOURCE = 'agent guide v1.29 "Ownership Transfer"; official client src/api/org.rs';

function tokenJson(t: TransferToken, now: number): Record<string, unknown> {
  return {
    id: t.id,
    token: t.token,
    claim_url: `https://go.fast.io/claim?token=${t.token}`,
    created: formatTime(t.created),
    expires: formatTime(t.expires),
    state: t.claimed !== null ? 'claimed' : t.expires <= now ? 'expired' : 'active',
  };
}

export const transferRoutes = [
  defineRoute({
    method: 'POST',
    path: '/current/org/:org_id/transfer/token/create/',
    area: 'transfer',
    summary: 'Create a transfer token (agent owners; 64 chars; 72 h; at most 5 active)',
    params: orgParams,
    access: { org: 'org_id', action: 'org.transfer.manage' },
    parity: {
      status: 'implemented',
      source: SOURCE,
      choices: [
        'token fields (id, token, claim_url, created, expires, state) at the top level',
        'a sixth active token answers 402/1685',
        'a human owner gets 403/1680',
      ],
    },
    handler: (ctx, { scope }, emu) => tokenJson(emu.transfer.create(callerOf(ctx).user, scope), ctx.now()),
  }),

  defineRoute({
    method: 'GET',
    path: '/current/org/:org_id/transfer/token/list/',
    area: 'transfer',
    summary: 'List the transfer tokens of an org',
    params: orgParams,
    access: { org: 'org_id', action: 'org.transfer.manage' },
    parity: { status: 'implemented', source: SOURCE, choices: ['list key `tokens`, claimed and expired tokens included with their state'] },
    handler: (ctx, { scope }, emu) => {
      const now = ctx.now();
      return { tokens: emu.transfer.tokensOf(scope.org.id).map((t) => tokenJson(t, now)) };
    },
  }),

  defineRoute({
    method: 'DELETE',
    path: '/current/org/:org_id/transfer/token/:token_id/',
    area: 'transfer',
    summary: 'Delete a transfer token',
    params: tokenParams,
    access: { org: 'org_id', action: 'org.transfer.manage' },
    parity: { status: 'implemented', source: SOURCE },
    handler: (ctx, { params, scope }, emu) => {
      emu.transfer.delete(callerOf(ctx).user, scope, params.token_id);
    },
  }),

  defineRoute({
    method: 'POST',
    path: '/current/org/transfer/claim/',
    area: 'transfer',
    summary: 'Claim an org with a transfer token (human accounts)',
    body: claimBody,
    parity: {
      status: 'implemented',
      source: SOURCE,
      choices: ['unknown token 404/1609; claimed or expired 400/1605; an agent claiming 403/1680', 'answers the claimed org under `org`'],
    },
    handler: (ctx, { body }, emu) => {
      const user = callerOf(ctx).user;
      const org = emu.transfer.claim(user, body.token);
      return { org: orgJson(org, { subscriber: emu.ledger.isSubscriber(org), role: 'owner', ownerId: user.id }) };
    },
  }),
];
