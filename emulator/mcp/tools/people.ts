/**
 * `member`, `invitation`, `asset`, `comment`: thin REST mappings over `entity_type`
 * (workspace|share, or org/user for assets) and `entity_id`. PARITY: client tools.rs `member`,
 * `invitation`, `asset`, `comment` (96b1551).
 */
import { rest, type ActionSpec, type Args, type ToolCtx, type ToolSpec } from '../kit.js';

const E = '/{entity_type}/{entity_id}';
const ent = { aliases: { entity_type: ['profile_type', 'context_type'], entity_id: ['profile_id', 'context_id', 'workspace_id', 'share_id'] } } as const;
const who = { aliases: { ...ent.aliases, member: ['user_id', 'email', 'member_id'] } } as const;

/** `entity_type` spelled in the path is one of workspace|share (org for assets and members of orgs). */
function typed(spec: ActionSpec, allowed: readonly string[]): ActionSpec {
  return {
    ...spec,
    run: (ctx: ToolCtx, a: Args) => {
      const t = String(a.entity_type ?? a.profile_type ?? a.context_type ?? '');
      if (!allowed.includes(t))
        return Promise.resolve({
          content: [{ type: 'text' as const, text: `entity_type must be one of ${allowed.join(', ')}` }],
          isError: true,
          structuredContent: { status: 400, error: { code: 1605, text: `entity_type must be one of ${allowed.join(', ')}` } },
        });
      return spec.run(ctx, a);
    },
  };
}
const ws = ['workspace', 'share'];

export const memberTool: ToolSpec = {
  name: 'member',
  description: 'Members of workspaces and shares (entity_type workspace|share): list, add, remove, update role, details, transfer ownership, leave, join.',
  actions: {
    list: typed(rest('Members', 'GET', `${E}/members/list/`, ent), ws),
    add: typed(rest('Add or invite a member', 'POST', `${E}/members/{member}/`, who), ws),
    remove: typed(rest('Remove a member', 'DELETE', `${E}/members/{member}/`, { ...who, destructive: true }), ws),
    update: typed(rest("Change a member's role", 'POST', `${E}/member/{member}/update/`, who), ws),
    info: typed(rest('One member', 'GET', `${E}/member/{member}/details/`, who), ws),
    'transfer-ownership': typed(rest('Transfer ownership', 'POST', `${E}/member/{member}/transfer_ownership/`, who), ws),
    leave: typed(rest('Leave', 'DELETE', `${E}/member/`, ent), ws),
    join: typed(rest('Join', 'POST', `${E}/members/join/`, ent), ws),
    'join-invitation': typed(rest('Accept or decline an invitation key', 'POST', `${E}/members/join/{key}/{invitation_action}/`, ent), ws),
  },
};

export const invitationTool: ToolSpec = {
  name: 'invitation',
  description: 'Invitations of workspaces and shares (entity_type workspace|share): list, list-by-state, update, delete.',
  actions: {
    list: typed(rest('Pending invitations', 'GET', `${E}/members/invitations/list/`, ent), ws),
    'list-by-state': typed(rest('Invitations in a state', 'GET', `${E}/members/invitations/list/{state}/`, ent), ws),
    update: typed(rest('Update an invitation', 'POST', `${E}/members/invitation/{invitation_id}/`, ent), ws),
    delete: typed(rest('Delete an invitation', 'DELETE', `${E}/members/invitation/{invitation_id}/`, { ...ent, destructive: true }), ws),
  },
};

const assetTypes = ['org', 'workspace', 'share', 'user'];
export const assetTool: ToolSpec = {
  name: 'asset',
  description: 'Assets (logos, backgrounds) of orgs, workspaces, shares and users (entity_type): list, types, upload, read, delete.',
  actions: {
    list: typed(rest('Assets', 'GET', `${E}/assets/`, ent), assetTypes),
    types: typed(rest('Asset types', 'GET', '/{entity_type}/assets/', ent), assetTypes),
    read: typed(rest('Read an asset', 'GET', `${E}/assets/{asset_name}/read/`, ent), assetTypes),
    upload: typed(rest('Upload an asset', 'POST', `${E}/assets/{asset_name}/`, ent), assetTypes),
    delete: typed(rest('Delete an asset', 'DELETE', `${E}/assets/{asset_name}/`, { ...ent, destructive: true }), assetTypes),
    remove: typed(rest('Delete an asset', 'DELETE', `${E}/assets/{asset_name}/`, { ...ent, destructive: true }), assetTypes),
  },
};

const CM = '/comments/{comment_id}';
export const commentTool: ToolSpec = {
  name: 'comment',
  description: 'Comments on files, scoped to {entity_type}/{parent_id}/{node_id}: list, add (anchoring), reply, update, delete, reactions, attachments.',
  actions: {
    list: rest('Comments of a file', 'GET', '/comments/{entity_type}/{parent_id}/{node_id}/', {
      aliases: { parent_id: ['profile_id', 'context_id', 'entity_id'] },
    }),
    'list-all': rest('Comments of a workspace or share', 'GET', '/comments/{entity_type}/{parent_id}/', {
      aliases: { parent_id: ['profile_id', 'context_id', 'entity_id'] },
    }),
    add: rest('Add a comment', 'POST', '/comments/{entity_type}/{parent_id}/{node_id}/', { aliases: { parent_id: ['profile_id', 'context_id', 'entity_id'] } }),
    create: rest('Add a comment', 'POST', '/comments/{entity_type}/{parent_id}/{node_id}/', {
      aliases: { parent_id: ['profile_id', 'context_id', 'entity_id'] },
    }),
    reply: rest('Reply to a comment', 'POST', '/comments/{entity_type}/{parent_id}/{node_id}/', {
      aliases: { parent_id: ['profile_id', 'context_id', 'entity_id'] },
      fields: { parent_comment_id: ['comment_id', 'parent_comment_id'] },
    }),
    update: rest('Edit a comment', 'POST', `${CM}/update/`),
    delete: rest('Delete a comment', 'DELETE', `${CM}/delete/`, { destructive: true }),
    'bulk-delete': rest('Delete several comments', 'POST', '/comments/bulk/delete/', { destructive: true }),
    details: rest('One comment', 'GET', `${CM}/details/`),
    'reaction-add': rest('Add a reaction', 'POST', `${CM}/reactions/`),
    'reaction-remove': rest('Remove a reaction', 'DELETE', `${CM}/reactions/`),
    'list-attachments': rest('Attachments of a comment', 'GET', `${CM}/attachments/`),
    attach: rest('Attach a file', 'POST', `${CM}/attachments/`),
    detach: rest('Detach a file', 'POST', `${CM}/attachments/detach/`),
  },
};
