/**
 * `share`, `fileshare`, `metadata`, `how-to`: REST mappings onto routes other areas serve (or
 * will); an unserved documented route answers its 501, passed through as the tool error.
 * PARITY: client tools.rs `share`, `fileshare`, `metadata`, `howto` (96b1551).
 */
import { rest, type ToolSpec } from '../kit.js';

const S = '/share/{share_id}';
const sh = { aliases: { share_id: ['profile_id', 'context_id'] } } as const;

export const shareTool: ToolSpec = {
  name: 'share',
  description: 'Shares (Send / Receive / Exchange): create, details, update, delete, archive, public details, password/guest auth, members, name checks.',
  actions: {
    list: rest('Shares you belong to', 'GET', '/shares/all/'),
    create: rest('Create a share in a workspace', 'POST', '/workspace/{workspace_id}/create/share/'),
    info: rest('Share details', 'GET', `${S}/details/`, sh),
    update: rest('Update a share', 'POST', `${S}/update/`, sh),
    delete: rest('Delete a share', 'DELETE', `${S}/delete/`, { ...sh, destructive: true }),
    'files-list': rest('Files of a share', 'GET', `${S}/storage/{node_id}/list/`, { ...sh, defaults: { node_id: 'root' } }),
    'members-list': rest('Members', 'GET', `${S}/members/list/`, sh),
    'members-add': rest('Add a member', 'POST', `${S}/members/{member}/`, { aliases: { ...sh.aliases, member: ['email', 'user_id'] } }),
    'public-details': rest('Public details', 'GET', `${S}/public/details/`, { ...sh, auth: false }),
    archive: rest('Archive', 'POST', `${S}/archive/`, { ...sh, destructive: true }),
    unarchive: rest('Unarchive', 'POST', `${S}/unarchive/`, sh),
    'password-auth': rest('Authenticate with the share password', 'POST', `${S}/auth/password/`, { ...sh, auth: false }),
    'guest-auth': rest('Guest access', 'POST', `${S}/auth/guest/`, { ...sh, auth: false }),
    available: rest('Shares available to join', 'GET', '/shares/available/'),
    'check-name': rest('Is a share name free', 'GET', '/shares/check/name/{name}/'),
    autotitle: rest('Suggest a title', 'POST', `${S}/ai/autotitle/`, sh),
  },
};

const F = '/fileshare/{fileshare_id}';
export const fileshareTool: ToolSpec = {
  name: 'fileshare',
  description: 'Durable single-file share links (replacing QuickShare): create, list, details, update, grants, versions, download URL, delete.',
  actions: {
    create: rest('Create a fileshare of one file', 'POST', '/workspace/{workspace_id}/create/fileshare/'),
    list: rest('Fileshares of a workspace', 'GET', '/workspace/{workspace_id}/list/fileshares/'),
    info: rest('Fileshare details', 'GET', `${F}/details/`),
    update: rest('Update a fileshare', 'POST', `${F}/update/`),
    'grants-list': rest('Per-user grants', 'GET', `${F}/grants/`),
    'grants-add': rest('Add a grant', 'POST', `${F}/grants/`),
    'grants-remove': rest('Remove a grant', 'DELETE', `${F}/grants/`),
    delete: rest('Delete a fileshare', 'DELETE', `${F}/delete/`, { destructive: true }),
    versions: rest('Versions of the file', 'GET', `${F}/storage/versions/`),
    'download-url': rest('A download URL (password-protected ones need x-ve-password)', 'GET', `${F}/storage/requestread/`),
    download: rest('A download URL', 'GET', `${F}/storage/requestread/`),
    preview: rest('A preview URL', 'GET', `${F}/storage/preview/{preview_type}/preauthorize/`),
    activity: rest('Fileshare activity', 'GET', '/activity/poll/{fileshare_id}/'),
  },
};

const M = '/workspace/{workspace_id}/metadata';
const T = `${M}/templates/{template_id}`;
export const metadataTool: ToolSpec = {
  name: 'metadata',
  description: 'AI metadata templates, the extraction pipeline, saved views and lexical metadata search (workspace level).',
  actions: {
    eligible: rest('Files eligible for extraction', 'GET', `${M}/eligible/`),
    'add-nodes': rest('Add files to a template', 'POST', `${T}/nodes/add/`),
    'remove-nodes': rest('Remove files from a template', 'POST', `${T}/nodes/remove/`),
    'list-nodes': rest('Files of a template', 'GET', `${T}/nodes/`),
    'auto-match': rest('Match files to a template', 'POST', `${T}/auto-match/`),
    'extract-all': rest('Extract metadata from every file of a template', 'POST', `${T}/extract-all/`),
    extract: rest('Extract metadata from one file', 'POST', '/workspace/{workspace_id}/storage/{node_id}/metadata/extract/'),
    search: rest('Lexical metadata search', 'GET', `${M}/search/`),
    'export-view': rest('Export a view', 'POST', `${M}/view/{template_id}/export/`),
  },
};

export const howToTool: ToolSpec = {
  name: 'how-to',
  description: 'Product help: how do I ... on Fast.io? Free and explain-only (action=ask, question, optional context).',
  actions: {
    ask: rest('Ask a how-to question (POST /current/how-to/)', 'POST', '/how-to/'),
  },
};
