import { defineRoute } from '../http/define.js';
import { callerOf } from '../http/context.js';
import { Errors } from '../http/errors.js';
import { paginate } from '../http/schema.js';
import { listedWithin } from '../users/oauth-scopes.js';
import { domainCheckParams, listQuery, orgCloseBody, orgCreateBody, orgParams, orgUpdateBody } from './schema.js';
import { externalOrgJson, orgJson } from './format.js';

const SOURCE = 'API notes "Organizations"; docs.fast.io/orgs.html; official client src/api/org.rs';

import { orgDiscoveryRoutes } from './discovery-routes.js';
export const orgRoutes = [
  defineRoute({
    method: 'POST',
    path: '/current/org/create/',
    area: 'orgs',
    summary: 'Create an org (one per tenant); the caller becomes its owner',
    body: orgCreateBody,
    parity: {
      status: 'implemented',
      source: SOURCE,
      choices: [
        'answers the org under `org`',
        "the new org's plan is the catalog's defaults.new_org (April: agents the agent plan, humans free; V2: the upgrade-only `none`, 402/1688 on resource calls until a plan is chosen)",
        'billing_plan accepted; where new orgs start upgrade-only (V2) it subscribes the new org at once, as POST /org/{id}/billing/ would',
        'reserved domain list',
        'name defaults to the domain',
      ],
    },
    handler: (ctx, { body }, emu) => {
      const user = callerOf(ctx).user;
      let org = emu.orgs.create(user, {
        domain: body.domain,
        name: body.name,
        description: body.description,
        industry: body.industry,
        billingEmail: body.billing_email,
        billingPlan: body.billing_plan,
      });
      // The org is born here: the route could not name it before the handler ran.
      ctx.tenantResolved(org.id);
      if (body.billing_plan !== undefined && emu.plans.isUpgradeOnly(org.plan)) {
        org = emu.billing.choosePlan(
          user,
          { kind: 'org', org, standing: 'owner', role: 'owner', action: 'org.billing.manage' },
          body.billing_plan,
          user.id,
        ).org;
      }
      return { org: orgJson(org, { subscriber: emu.ledger.isSubscriber(org), role: 'owner', ownerId: user.id }) };
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/current/org/:org_id/details/',
    area: 'orgs',
    summary: 'Org details, with `subscriber` and `plan` (by id or domain)',
    params: orgParams,
    access: { org: 'org_id', action: 'org.details' },
    parity: { status: 'implemented', source: SOURCE, choices: ['answers under `org`', 'external (workspace-only) users get 403/1680'] },
    handler: (_ctx, { scope }, emu) => {
      // A cancelled subscription whose period is over ends before the org is shown.
      const org = emu.billing.subscriptions.settle(scope.org);
      return { org: orgJson(org, { subscriber: emu.ledger.isSubscriber(org), role: scope.role, ownerId: emu.orgs.ownerOf(org.id) }) };
    },
  }),

  defineRoute({
    method: 'POST',
    path: '/current/org/:org_id/update/',
    area: 'orgs',
    summary: 'Update org settings (owner and admins)',
    params: orgParams,
    body: orgUpdateBody,
    access: { org: 'org_id', action: 'org.update' },
    parity: {
      status: 'implemented',
      source: SOURCE,
      choices: ['only the owner changes perm_member_manage', 'branding and social fields are stored, not interpreted'],
    },
    handler: (ctx, { body, scope }, emu) => {
      const org = emu.orgs.update(callerOf(ctx).user, scope, body);
      return { org: orgJson(org, { subscriber: emu.ledger.isSubscriber(org), role: scope.role, ownerId: emu.orgs.ownerOf(org.id) }) };
    },
  }),

  defineRoute({
    method: 'POST',
    path: '/current/org/:org_id/close/',
    area: 'orgs',
    summary: 'Close an org (owner only; confirm = domain or id)',
    params: orgParams,
    body: orgCloseBody,
    access: { org: 'org_id', action: 'org.close' },
    parity: { status: 'implemented', source: SOURCE, choices: ["closing deletes the org's workspaces and frees its domain"] },
    handler: (ctx, { body, scope }, emu) => {
      emu.orgs.close(callerOf(ctx).user, scope, body.confirm);
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/current/orgs/list/',
    area: 'orgs',
    summary: 'Orgs the caller is a member of (member: true)',
    query: listQuery,
    parity: { status: 'implemented', source: 'agent guide v1.29 "Internal vs External Orgs", "Pagination"' },
    handler: (ctx, { query }, emu) => {
      const user = callerOf(ctx).user;
      const see = listedWithin(callerOf(ctx));
      const all = emu.orgs.memberOrgs(user).filter(({ org }) => see({ orgId: org.id }));
      const { page, pagination } = paginate(all, query.limit, query.offset);
      return {
        orgs: page.map(({ org, role }) => orgJson(org, { subscriber: emu.ledger.isSubscriber(org), role, ownerId: emu.orgs.ownerOf(org.id) })),
        pagination,
      };
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/current/orgs/list/external/',
    area: 'orgs',
    summary: 'Orgs reached only through workspace membership (member: false)',
    query: listQuery,
    parity: { status: 'implemented', source: 'agent guide v1.29 "Internal vs External Orgs"', choices: ['external orgs show id, domain, name'] },
    handler: (ctx, { query }, emu) => {
      const { page, pagination } = paginate(
        emu.orgs.externalOrgs(callerOf(ctx).user).filter((o) => listedWithin(callerOf(ctx))({ orgId: o.id })),
        query.limit,
        query.offset,
      );
      return { orgs: page.map(externalOrgJson), pagination };
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/current/orgs/check/domain/:domain/',
    area: 'orgs',
    summary: 'Is a domain available?',
    params: domainCheckParams,
    parity: {
      status: 'implemented',
      source: SOURCE,
      choices: ['answers `available` and, when false, `reason` (taken, reserved); an invalid domain is 400/1605'],
    },
    handler: (_ctx, { params }, emu) => {
      const check = emu.orgs.checkDomain(params.domain);
      if (!check.available && check.reason === 'invalid') throw Errors.invalidField('domain', 'This value is not a valid domain.');
      return check.available ? { available: true } : { available: false, reason: check.reason };
    },
  }),
  ...orgDiscoveryRoutes,
];
