/**
 * `org` and `user`: thin REST mappings. Action names: the official client's MCP tools at 96b1551
 * (tools.rs `org`, `user`) plus the guide's `billing-create` and `limits` (agent guide v2.6
 * sections 7-8). The old `billing-subscribe` is kept as an alias of `billing-create`.
 */
import { rest, type ToolSpec } from '../kit.js';

const billingCreate = rest('Select a plan: the org leaves upgrade-only (402) state', 'POST', '/org/{org_id}/billing/', {
  fields: { billing_plan: ['billing_plan', 'plan_id', 'plan'] },
  hints: () => ({ warnings: ['billing-create starts a paid subscription for this org.'] }),
});

export const orgTool: ToolSpec = {
  name: 'org',
  description:
    'Organizations: create/update/close, members, billing (billing-plans, billing-create, limits), workspaces, invitations, discovery (list AND discover-external), ownership transfer tokens.',
  actions: {
    list: rest('Orgs you are a member of', 'GET', '/orgs/list/'),
    create: rest('Create an org (upgrade-only until billing-create)', 'POST', '/org/create/', {
      hints: (_a, res) => ({
        next: [
          `org action=billing-plans`,
          `org action=billing-create org_id=${String((res.body?.org as { id?: string } | undefined)?.id ?? '<org_id>')} billing_plan=<plan>`,
        ],
      }),
    }),
    info: rest('Org details', 'GET', '/org/{org_id}/details/'),
    details: rest('Org details', 'GET', '/org/{org_id}/details/'),
    update: rest('Update an org', 'POST', '/org/{org_id}/update/'),
    delete: rest('Close an org', 'POST', '/org/{org_id}/close/', { destructive: true }),
    'billing-details': rest('Subscription details', 'GET', '/org/{org_id}/billing/details/'),
    'billing-plans': rest('Offered plans', 'GET', '/org/billing/plan/list/'),
    'billing-create': billingCreate,
    'billing-subscribe': billingCreate,
    'billing-usage': rest('Credit usage and limits', 'GET', '/org/{org_id}/billing/usage/limits/credits/'),
    limits: rest('Credit usage and limits', 'GET', '/org/{org_id}/billing/usage/limits/credits/'),
    'billing-meters': rest('Usage meters', 'GET', '/org/{org_id}/billing/usage/meters/list/'),
    'billing-cancel': rest('Cancel the subscription', 'DELETE', '/org/{org_id}/billing/', { destructive: true }),
    'billing-reactivate': rest('Reactivate the subscription', 'PUT', '/org/{org_id}/billing/'),
    'billing-members': rest('Billable members', 'GET', '/org/{org_id}/billing/usage/members/list/'),
    'billing-invoices': rest('Invoices', 'GET', '/org/{org_id}/billing/invoices/'),
    'members-list': rest('Org members', 'GET', '/org/{org_id}/members/list/'),
    'members-invite': rest('Invite or add a member by email or user id', 'POST', '/org/{org_id}/members/{member}/', {
      aliases: { member: ['email', 'user_id', 'email_or_user_id'] },
    }),
    'members-remove': rest('Remove a member', 'DELETE', '/org/{org_id}/members/{member}/', {
      aliases: { member: ['user_id', 'member_id'] },
      destructive: true,
    }),
    'members-update-role': rest("Change a member's role", 'POST', '/org/{org_id}/member/{member}/update/', { aliases: { member: ['user_id', 'member_id'] } }),
    'members-details': rest('One member', 'GET', '/org/{org_id}/member/{member}/details/', { aliases: { member: ['user_id', 'member_id'] } }),
    'members-leave': rest('Leave the org', 'DELETE', '/org/{org_id}/member/'),
    'members-join': rest('Join the org', 'POST', '/org/{org_id}/members/join/'),
    transfer: rest('Transfer ownership to a member', 'POST', '/org/{org_id}/member/{member}/transfer_ownership/', {
      aliases: { member: ['user_id', 'member_id'] },
    }),
    discover: rest('Orgs available to join', 'GET', '/orgs/available/'),
    'discover-all': rest('Every org you can see', 'GET', '/orgs/all/'),
    'discover-available': rest('Orgs available to join', 'GET', '/orgs/available/'),
    'discover-check-domain': rest('Is a domain free', 'GET', '/orgs/check/domain/{domain}/'),
    'discover-external': rest('External orgs (workspace-only invites appear here)', 'GET', '/orgs/list/external/'),
    'public-details': rest('Public org details', 'GET', '/org/{org_id}/public/details/'),
    'invitations-list': rest('Pending org invitations', 'GET', '/org/{org_id}/members/invitations/list/'),
    'invitations-update': rest('Update an invitation', 'POST', '/org/{org_id}/members/invitation/{invitation_id}/'),
    'invitations-delete': rest('Delete an invitation', 'DELETE', '/org/{org_id}/members/invitation/{invitation_id}/', { destructive: true }),
    'transfer-token-create': rest('Create an ownership transfer token (agent accounts)', 'POST', '/org/{org_id}/transfer/token/create/', {
      hints: (_a, res) => {
        const t = (res.body?.transfer_token ?? res.body?.token) as { token?: string } | string | undefined;
        const token = typeof t === 'string' ? t : t?.token;
        return {
          next: token ? [`Send the human https://go.fast.io/claim?token=${token}`] : [],
          warnings: ['Whoever claims this token becomes the org owner.'],
        };
      },
    }),
    'transfer-token-list': rest('Transfer tokens', 'GET', '/org/{org_id}/transfer/token/list/'),
    'transfer-token-delete': rest('Delete a transfer token', 'DELETE', '/org/{org_id}/transfer/token/{token_id}/', { destructive: true }),
    'transfer-claim': rest('Claim an org with a transfer token', 'POST', '/org/transfer/claim/'),
    workspaces: rest("The org's workspaces", 'GET', '/org/{org_id}/list/workspaces/'),
    shares: rest("The org's shares", 'GET', '/org/{org_id}/list/shares/'),
    'create-workspace': rest('Create a workspace (intelligence defaults OFF here)', 'POST', '/org/{org_id}/create/workspace/', {
      // PARITY: agent guide v2.6 section 7: "the named-mode tool defaults it OFF"; the permissions
      // default to the REST API's most common values (CHOICE).
      fixed: { intelligence: 'false', perm_join: 'Member or above', perm_member_manage: 'Member or above' },
    }),
    'asset-types': rest('Org asset types', 'GET', '/org/assets/'),
    'asset-list': rest('Org assets', 'GET', '/org/{org_id}/assets/'),
    'asset-delete': rest('Delete an org asset', 'DELETE', '/org/{org_id}/assets/{asset_name}/', { destructive: true }),
  },
};

export const userTool: ToolSpec = {
  name: 'user',
  description: 'The current user: profile, profiles, limits, invitations, assets, shares you belong to.',
  actions: {
    info: rest('Your profile', 'GET', '/user/me/details/'),
    update: rest('Update your profile', 'POST', '/user/update/'),
    search: rest('Search users', 'GET', '/users/search/'),
    details: rest('A user by id', 'GET', '/user/{user_id}/details/'),
    profiles: rest('Available profiles', 'GET', '/user/available_profiles/'),
    allowed: rest('Account eligibility', 'GET', '/user/me/allowed/'),
    'org-limits': rest('How many orgs you may create', 'GET', '/user/me/limits/orgs/'),
    shares: rest('Shares you belong to', 'GET', '/shares/all/'),
    'invitations-list': rest('Your invitations', 'GET', '/user/invitations/list/'),
    'invitations-details': rest('One invitation', 'GET', '/user/invitation/{invitation_id}/details/'),
    'invitations-accept-all': rest('Accept every invitation', 'POST', '/user/invitations/acceptall/'),
    'asset-types': rest('User asset types', 'GET', '/user/assets/'),
    'asset-list': rest('Your assets', 'GET', '/user/{user_id}/assets/'),
    'asset-delete': rest('Delete a user asset', 'DELETE', '/user/{user_id}/assets/{asset_name}/', { destructive: true }),
    'asset-read': rest('Read a user asset', 'GET', '/user/{user_id}/assets/{asset_name}/read/'),
    autosync: rest('Auto-sync state', 'GET', '/user/me/autosync/{state}/'),
    pin: rest('Your PIN', 'GET', '/user/pin/'),
    phone: rest('Validate a phone number', 'GET', '/user/phone/{country_code_phone_number}/'),
  },
};
