/**
 * Share lifecycle: create, update, archive, delete, name checks and the lists. Access is decided
 * before any of these run (ShareAccess.scope for share routes, the pipeline's workspace scope for
 * create and the workspace list); the service applies the rules of the settings themselves.
 */
import type { z } from 'zod';
import { AuditEvents } from '../events/catalogue.js';
import { Errors, assert } from '../http/errors.js';
import { parseTime } from '../http/format.js';
import type { StorageService } from '../storage/service.js';
import { hashPassword } from '../users/passwords.js';
import type { TenancyDeps } from '../service-deps.js';
import { shareMemberRow } from '../members/rows.js';
import type { User, Workspace } from '../store/model.js';
import type { Share, ShareRole } from '../store/share-model.js';
import type { WorkspaceScope } from '../tenancy/access.js';
import { SHARE_RANK, ShareAccess, type ShareScope } from './access.js';
import { CUSTOM_NAME_PATTERN, LINK_ACCESS, SHARE_BRANDING_FIELDS, type shareCreateBody, type ShareUpdateInput } from './schema.js';

export type ShareCreateFields = z.output<ReturnType<typeof shareCreateBody>>;

export type ShareDeps = TenancyDeps & { storage: StorageService };

export const SHARE_CHOICES = [
  'create, update and the lists answer under `share` / `shares` (with `pagination`), like workspaces',
  'workspace members and above create shares (guests get 403/1680); the creator becomes the share owner',
  'share_type defaults to `exchange`, access_options to `Only members of the Share or Workspace`, download_security to `off`',
  'custom_name: 10-100 letters, digits, `-` and `_`, unique among live shares (case-insensitive); generated from the id when omitted',
  'a password needs access_options `Anyone with the link` (400/1605 otherwise); it is stored hashed and never answered (`password_protected`)',
  'anonymous uploads need a receive or exchange share open to the link (400/1605 otherwise)',
  'expires must be in the future; workspace_folder shares refuse expires and intelligence (agent guide "Two Storage Modes")',
  'intelligence on a share needs the ai_agent plan feature, as on workspaces (400/1605)',
  'delete: confirm equals the custom_name or the id; the share keeps its id but is gone (404/1609)',
  '`name` (April update) and `title` both set the title; `download_enabled=false` is download_security `high`',
  "shares/all lists every share the caller is a member of or reaches through its workspace; shares/available the shares of the caller's orgs open to org members that it has no role in; user/me/list/shares its explicit memberships",
  "public details answer for shares open to the link or to registered accounts, and to the share's own members (a Bearer is optional there) for the others; only live, unarchived, unexpired shares; others 401/115069",
];

/**
 * A share password as the service stores it: hashed off the event loop (users/passwords.ts), in
 * the route before the share is resolved, so the change that follows runs without an await.
 * undefined: not sent; null: cleared (`null` or "").
 */
export async function sharePasswordHash(password: string | undefined): Promise<string | null | undefined> {
  if (password === undefined) return undefined;
  if (password === 'null' || password === '') return null;
  return hashPassword(password);
}

export class ShareService {
  readonly access: ShareAccess;

  constructor(private readonly d: ShareDeps) {
    this.access = new ShareAccess(d.db, d.access, d.now);
  }

  private assertNameFree(key: string, except?: string): void {
    const owner = this.d.db.shares.findOne('customName', key);
    if (owner && owner.id !== except) throw Errors.conflict('This custom_name is already used by another share.');
  }

  private assertIntelligenceAllowed(scope: { org: { plan: string } }): void {
    const plan = this.d.plans.get(scope.org.plan);
    if (!plan?.features.includes('ai_agent')) {
      throw Errors.invalidField('intelligence', `The ${scope.org.plan} plan does not include intelligence (ai_agent).`, 'boolean');
    }
  }

  private parseExpires(value: string): number {
    const at = parseTime(value);
    if (at === undefined) throw Errors.invalidField('expires', 'Expected a date and time (YYYY-MM-DD HH:MM:SS).');
    if (at <= this.d.now()) throw Errors.invalidField('expires', 'The expiry must be in the future.');
    return at;
  }

  /** The settings rules every share must satisfy, checked on the share as it would be stored. */
  private checkRules(s: Share): void {
    if (s.passwordHash && s.accessOptions !== LINK_ACCESS) throw Errors.invalidField('password', `A password needs access_options "${LINK_ACCESS}".`);
    if (s.anonymousUploadsEnabled && (s.shareType === 'send' || s.accessOptions !== LINK_ACCESS)) {
      throw Errors.invalidField('anonymous_uploads_enabled', `Anonymous uploads need a receive or exchange share with access_options "${LINK_ACCESS}".`);
    }
    if (s.storageMode === 'workspace_folder' && s.expires !== null) throw Errors.invalidField('expires', 'Shared-folder shares cannot expire.');
    if (s.storageMode === 'workspace_folder' && s.intelligence)
      throw Errors.invalidField('intelligence', 'Intelligence is not available on shared-folder shares.');
  }

  /** The backing folder of a workspace_folder share: an existing folder of the workspace, or a new one. */
  private backingFolder(user: User, scope: WorkspaceScope, input: ShareCreateFields): string {
    if (input.folder_node_id) {
      const node = this.d.db.nodes.get(input.folder_node_id);
      if (!node || node.workspaceId !== scope.workspace.id || node.type !== 'folder' || node.trashed) {
        throw Errors.invalidField('folder_node_id', 'Expected a folder of this workspace.');
      }
      return node.id;
    }
    if (input.create_folder && input.folder_name) return this.d.storage.createFolder(user, scope, 'root', input.folder_name).id;
    throw Errors.missingField('folder_node_id');
  }

  /** `passwordHash`: sharePasswordHash(input.password), made by the route before the scope was resolved. */
  create(user: User, scope: WorkspaceScope, input: ShareCreateFields, passwordHash: string | null | undefined): Share {
    if ((input.password !== undefined) !== (passwordHash !== undefined)) throw new Error('share create: hash the password first (sharePasswordHash)');
    const now = this.d.now();
    const id = this.d.ids.profileId();
    const customName = input.custom_name ?? generatedName(id);
    this.assertNameFree(customName.toLowerCase());
    if (input.intelligence) this.assertIntelligenceAllowed(scope);
    const storageMode = input.storage_mode ?? 'independent';
    const extra: Record<string, unknown> = {};
    for (const f of SHARE_BRANDING_FIELDS) if (input[f] !== undefined) extra[f] = input[f];
    const draft: Share = {
      id,
      orgId: scope.org.id,
      workspaceId: scope.workspace.id,
      customName,
      customNameKey: customName.toLowerCase(),
      title: input.title,
      description: input.description ?? null,
      shareType: input.share_type ?? 'exchange',
      accessOptions: input.access_options ?? 'Only members of the Share or Workspace',
      storageMode,
      folderNodeId: null,
      passwordHash: passwordHash ?? null,
      expires: input.expires ? this.parseExpires(input.expires) : null,
      intelligence: input.intelligence ?? false,
      downloadSecurity: input.download_security ?? 'off',
      commentsEnabled: input.comments_enabled ?? true,
      guestChatEnabled: input.guest_chat_enabled ?? false,
      anonymousUploadsEnabled: input.anonymous_uploads_enabled ?? false,
      invite: input.invite ?? 'owners',
      notify: input.notify ?? 'never',
      extra,
      archived: false,
      createdBy: user.id,
      created: now,
      updated: now,
      deleted: null,
    };
    this.checkRules(draft);
    // The folder comes last: a refused share leaves no folder behind.
    if (storageMode === 'workspace_folder') draft.folderNodeId = this.backingFolder(user, scope, input);
    const share = this.d.db.shares.insert(draft);
    this.d.db.shareMembers.insert(shareMemberRow(share.id, share.workspaceId, share.orgId, { userId: user.id, role: 'owner', now }));
    this.d.audit.record(AuditEvents.shareCreated(user, share));
    return share;
  }

  /** `passwordHash`: sharePasswordHash(input.password), made by the route before the scope was resolved. */
  update(user: User, scope: ShareScope, input: ShareUpdateInput, passwordHash: string | null | undefined): Share {
    const { share } = scope;
    const next: Share = { ...share, extra: { ...share.extra } };
    const changed: string[] = [];
    const set = <K extends keyof Share>(field: string, key: K, value: Share[K]) => {
      next[key] = value;
      changed.push(field);
    };
    const cleared = (v: string | undefined) => v === 'null' || v === '';
    if (input.name !== undefined) set('name', 'title', input.name);
    if (input.title !== undefined) {
      if (cleared(input.title)) throw Errors.invalidField('title', 'A share needs a title.');
      set('title', 'title', input.title);
    }
    if (input.custom_name !== undefined) {
      const name = cleared(input.custom_name) ? generatedName(share.id) : input.custom_name;
      this.assertNameFree(name.toLowerCase(), share.id);
      set('custom_name', 'customName', name);
      next.customNameKey = name.toLowerCase();
    }
    if (input.description !== undefined) set('description', 'description', cleared(input.description) ? null : input.description);
    if (input.share_type !== undefined) set('share_type', 'shareType', input.share_type);
    if (input.access_options !== undefined) set('access_options', 'accessOptions', input.access_options);
    if (input.invite !== undefined) set('invite', 'invite', input.invite);
    if (passwordHash !== undefined) set('password', 'passwordHash', passwordHash);
    if (input.expires !== undefined) set('expires', 'expires', cleared(input.expires) ? null : this.parseExpires(input.expires));
    if (input.notify !== undefined) set('notify', 'notify', input.notify);
    if (input.download_enabled !== undefined) set('download_enabled', 'downloadSecurity', input.download_enabled ? 'off' : 'high');
    if (input.download_security !== undefined) set('download_security', 'downloadSecurity', input.download_security);
    if (input.comments_enabled !== undefined) set('comments_enabled', 'commentsEnabled', input.comments_enabled);
    if (input.guest_chat_enabled !== undefined) set('guest_chat_enabled', 'guestChatEnabled', input.guest_chat_enabled);
    if (input.anonymous_uploads_enabled !== undefined) set('anonymous_uploads_enabled', 'anonymousUploadsEnabled', input.anonymous_uploads_enabled);
    if (input.intelligence !== undefined) {
      if (input.intelligence) this.assertIntelligenceAllowed(scope);
      set('intelligence', 'intelligence', input.intelligence);
    }
    for (const f of SHARE_BRANDING_FIELDS) {
      const v = input[f];
      if (v === undefined) continue;
      if (v === 'null') delete next.extra[f];
      else next.extra[f] = v;
      changed.push(f);
    }
    if (input.share_link_node_id !== undefined) changed.push('share_link_node_id');
    if (changed.length === 0) throw Errors.badRequest('Nothing to update: send at least one field.');
    this.checkRules(next);
    const updated = this.d.db.shares.update(share.id, { ...next, id: share.id, updated: this.d.now() });
    this.d.audit.record(AuditEvents.shareUpdated(user, updated, changed));
    return updated;
  }

  delete(user: User, scope: ShareScope, confirm: string): void {
    const { share } = scope;
    if (confirm !== share.customName && confirm !== share.id) throw Errors.invalidField('confirm', "confirm must equal the share's custom_name or id.");
    const now = this.d.now();
    this.d.db.shares.update(share.id, { deleted: now, updated: now });
    this.d.audit.record(AuditEvents.shareDeleted(user, share));
  }

  setArchived(user: User, scope: ShareScope, archived: boolean): Share {
    const { share } = scope;
    assert(share.archived !== archived, () => Errors.conflict(archived ? 'The share is already archived.' : 'The share is not archived.'));
    const updated = this.d.db.shares.update(share.id, { archived, updated: this.d.now() });
    this.d.audit.record(archived ? AuditEvents.shareArchived(user, updated) : AuditEvents.shareUnarchived(user, updated));
    return updated;
  }

  /** PARITY: CHOICE. Availability of a custom name: `invalid` when it breaks the pattern, `taken` when a live share has it. */
  checkName(name: string): { available: boolean; reason?: 'invalid' | 'taken' } {
    if (!CUSTOM_NAME_PATTERN.test(name)) return { available: false, reason: 'invalid' };
    return this.d.db.shares.findOne('customName', name.toLowerCase()) ? { available: false, reason: 'taken' } : { available: true };
  }

  /** A workspace's live shares the caller has a role in (membership or through the workspace). */
  ofWorkspace(user: User, workspace: Workspace): { share: Share; role: ShareRole }[] {
    const out: { share: Share; role: ShareRole }[] = [];
    for (const share of this.d.db.shares.find('live', workspace.id)) {
      const role = this.access.memberRole(share, workspace, user.id);
      if (role) out.push({ share, role });
    }
    return out;
  }

  /** Every live share the caller is a member of or reaches through its workspaces. */
  allOf(user: User): { share: Share; role: ShareRole }[] {
    const out = new Map<string, { share: Share; role: ShareRole }>();
    for (const ws of this.d.access.reachableWorkspaces(user.id)) for (const e of this.ofWorkspace(user, ws)) out.set(e.share.id, e);
    for (const e of this.memberships(user)) if (!out.has(e.share.id)) out.set(e.share.id, e);
    return [...out.values()].sort((a, b) => a.share.created - b.share.created || (a.share.id < b.share.id ? -1 : 1));
  }

  /** The shares the caller is an explicit, active member of. */
  memberships(user: User): { share: Share; role: ShareRole }[] {
    const out: { share: Share; role: ShareRole }[] = [];
    for (const m of this.d.db.shareMembers.find('user', user.id)) {
      if (m.status !== 'active') continue;
      const found = this.access.find(m.shareId);
      if (found) out.push({ share: found.share, role: this.access.memberRole(found.share, found.workspace, user.id) ?? m.role });
    }
    return out;
  }

  /** Shares of the caller's orgs open to org members in which the caller has no role yet. */
  available(user: User): { share: Share; role: ShareRole }[] {
    const out: { share: Share; role: ShareRole }[] = [];
    for (const m of this.d.db.orgMembers.find('user', user.id)) {
      if (m.status !== 'active') continue;
      for (const share of this.d.db.shares.find('org', m.orgId)) {
        if (share.deleted || share.archived || share.accessOptions !== 'Members of the Share, Workspace or Org') continue;
        const found = this.access.find(share.id);
        if (!found || this.access.expired(share) || this.access.memberRole(share, found.workspace, user.id)) continue;
        out.push({ share, role: 'guest' });
      }
    }
    return out;
  }

  /** Is this role a manager of the share (sees settings such as notify and invite)? */
  static manages(role: ShareRole): boolean {
    return SHARE_RANK[role] >= SHARE_RANK.admin;
  }
}

/** PARITY: CHOICE. A generated custom name: the id in base 36 (12-13 characters, unique as the id is). */
export function generatedName(id: string): string {
  return BigInt(id).toString(36).padStart(12, '0');
}
