import { defineRoute } from '../http/define.js';
import { callerOf } from '../http/context.js';
import { Errors } from '../http/errors.js';
import { paginate } from '../http/schema.js';
import { listedWithin } from '../users/oauth-scopes.js';
import { listQuery, orgParams } from './schema.js';
import { externalOrgJson, orgJson } from './format.js';

/**
 * Org discovery (client 96b1551 / 41dde01 src/api/org.rs discover_orgs "ones the user can join",
 * discover_all, get_public_details "no membership required"). Both dialects.
 */
const SOURCE = 'MediaFire/fastio_cli src/api/org.rs (96b1551, 41dde01)';

export const orgDiscoveryRoutes = [
  defineRoute({
    method: 'GET',
    path: '/current/orgs/available/',
    area: 'orgs',
    summary: 'Orgs the caller can join: those with a pending invitation to the caller’s address',
    query: listQuery,
    parity: {
      status: 'implemented',
      source: `${SOURCE} discover_orgs`,
      choices: [
        'the emulator has no domain-based joining: the orgs the caller can join are those that invited the caller’s address and wait for it',
        'each org: {id, domain, name, member: false, invitation: {id, permissions}}, with pagination',
      ],
    },
    handler: (ctx, { query }, emu) => {
      const user = callerOf(ctx).user;
      const invited = emu.db.orgMembers
        .find('email', user.emailKey)
        .filter((m) => m.status === 'pending' && m.invite)
        .flatMap((m) => {
          const org = emu.db.orgs.get(m.orgId);
          return org && org.closed === null ? [{ ...externalOrgJson(org), invitation: { id: m.invite!.id, permissions: m.role } }] : [];
        });
      const { page, pagination } = paginate(invited, query.limit, query.offset);
      return { orgs: page, pagination };
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/current/orgs/all/',
    area: 'orgs',
    summary: 'Every org the caller reaches: member orgs (member: true) then external ones (member: false)',
    query: listQuery,
    parity: {
      status: 'implemented',
      source: `${SOURCE} discover_all`,
      choices: ['member orgs as /orgs/list/ shows them, then external orgs as /orgs/list/external/ shows them, one paginated list'],
    },
    handler: (ctx, { query }, emu) => {
      const caller = callerOf(ctx);
      const see = listedWithin(caller);
      const member = emu.orgs
        .memberOrgs(caller.user)
        .filter(({ org }) => see({ orgId: org.id }))
        .map(({ org, role }) => orgJson(org, { subscriber: emu.ledger.isSubscriber(org), role, ownerId: emu.orgs.ownerOf(org.id) }));
      const external = emu.orgs
        .externalOrgs(caller.user)
        .filter((o) => see({ orgId: o.id }))
        .map(externalOrgJson);
      const { page, pagination } = paginate([...member, ...external], query.limit, query.offset);
      return { orgs: page, pagination };
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/current/org/:org_id/public/details/',
    area: 'orgs',
    summary: 'An org’s public details (no membership required): id, domain, name, description',
    params: orgParams,
    parity: {
      status: 'implemented',
      source: `${SOURCE} get_public_details`,
      choices: [
        'answer {org: {id, domain, name, description}}: no plan, billing, members or settings',
        'the org is named by id or domain; a closed or unknown org answers 404/1609',
      ],
    },
    handler: (_ctx, { params }, emu) => {
      const org = emu.db.orgs.get(params.org_id) ?? emu.db.orgs.findOne('domain', params.org_id.toLowerCase());
      if (!org || org.closed !== null) throw Errors.notFound('org');
      return { org: { id: org.id, domain: org.domain, name: org.name, description: org.description } };
    },
  }),
];
