/**
 * Shares on the wire. PARITY: `storage_mode` and the response-only `share_category`
 * (`independent` -> `portal`, `workspace_folder` -> `shared_folder`) from the agent guide v1.29
 * "Two Storage Modes"; the share link `https://go.fast.io/shared/{custom_name}/{title-slug}` from
 * its "Shareable Links". Other field names follow the request fields (CHOICE).
 */
import { formatTime } from '../http/format.js';
import type { Pagination } from '../http/schema.js';
import type { Share, ShareRole } from '../store/share-model.js';

/** PARITY: agent guide "Shareable Links": lower-case, spaces to hyphens, other characters dropped. */
export function titleSlug(title: string): string {
  return title
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9\s-]/g, '')
    .trim()
    .replace(/[\s-]+/g, '-');
}

export function shareWebUrl(share: Share): string {
  return `https://go.fast.io/shared/${share.customName}/${titleSlug(share.title)}`;
}

/** What a visitor may see before signing in: the portal's face, nothing of the org, workspace or members. */
export function sharePublicJson(share: Share): Record<string, unknown> {
  const branding: Record<string, unknown> = {};
  for (const k of [
    'display_type',
    'workspace_style',
    'accent_color',
    'background_color1',
    'background_color2',
    'background_image',
    'link_1',
    'link_2',
    'link_3',
  ]) {
    if (share.extra[k] !== undefined) branding[k] = share.extra[k];
  }
  return {
    id: share.id,
    custom_name: share.customName,
    title: share.title,
    description: share.description,
    share_type: share.shareType,
    access_options: share.accessOptions,
    password_protected: share.passwordHash !== null,
    download_security: share.downloadSecurity,
    anonymous_uploads_enabled: share.anonymousUploadsEnabled,
    expires: formatTime(share.expires),
    web_url: shareWebUrl(share),
    ...branding,
  };
}

/** The share as members see it, with the caller's role as `permissions`. */
export function shareJson(share: Share, role?: ShareRole): Record<string, unknown> {
  return {
    id: share.id,
    org_id: share.orgId,
    workspace_id: share.workspaceId,
    custom_name: share.customName,
    title: share.title,
    name: share.title,
    description: share.description,
    share_type: share.shareType,
    storage_mode: share.storageMode,
    share_category: share.storageMode === 'workspace_folder' ? 'shared_folder' : 'portal',
    folder_node_id: share.folderNodeId,
    access_options: share.accessOptions,
    invite: share.invite,
    notify: share.notify,
    password_protected: share.passwordHash !== null,
    expires: formatTime(share.expires),
    intelligence: share.intelligence,
    download_security: share.downloadSecurity,
    download_enabled: share.downloadSecurity !== 'high',
    comments_enabled: share.commentsEnabled,
    guest_chat_enabled: share.guestChatEnabled,
    anonymous_uploads_enabled: share.anonymousUploadsEnabled,
    archived: share.archived,
    web_url: shareWebUrl(share),
    ...share.extra,
    ...(role ? { permissions: role } : {}),
    created: formatTime(share.created),
    updated: formatTime(share.updated),
  };
}

export function shareListJson(entries: { share: Share; role: ShareRole }[], pagination: Pagination): Record<string, unknown> {
  return { shares: entries.map((e) => shareJson(e.share, e.role)), pagination };
}
