/**
 * Fileshare (V2) and QuickShare (April) lifecycle: create, update, delete, grants, lists. Access is
 * decided before any of these run (FileshareAccess.manage/consume for fileshare routes, the
 * pipeline's workspace scope for create and the workspace lists); the service applies the rules
 * of the settings themselves. Passwords arrive hashed (the route hashes before resolving).
 */
import type { AuditLog } from '../events/audit.js';
import { AuditEvents } from '../events/catalogue.js';
import { Errors } from '../http/errors.js';
import { parseTime } from '../http/format.js';
import type { Db } from '../store/db.js';
import type { Fileshare, FileshareCapability, FileshareKind } from '../store/fileshare-model.js';
import type { IdGenerator } from '../store/ids.js';
import type { StorageNode, User } from '../store/model.js';
import type { Access, WorkspaceScope } from '../tenancy/access.js';
import { hashPassword } from '../users/passwords.js';
import { FileshareAccess, type FileshareScope } from './fileshare-access.js';
import type { FileshareCreateInput, FileshareUpdateInput, GrantInput } from './fileshare-schema.js';

export interface FileshareDeps {
  db: Db;
  ids: IdGenerator;
  now: () => number;
  audit: AuditLog;
  access: Access;
}

/** PARITY: agent guide "QuickShare": "Automatic 30-day expiration". */
export const QUICKSHARE_DEFAULT_MS = 30 * 24 * 3600 * 1000;

export const FILESHARE_CHOICES = [
  'answers use named keys (`fileshare`, `fileshares` with `pagination`, `grants`, `grant`, `versions`) beside `result`, as the V2 client reads them',
  'the bound node must be a live file of the workspace (a folder or a note: 400/1605); several fileshares may bind one file',
  'access_option defaults to `anyone_with_link`; `expires` (seconds) and `expires_at` together answer 400/1605; an expiry must be in the future',
  'update: `password=""` clears the password, `expires_at=""` the expiry; the bound node never changes',
  'a grant by `user` needs an existing user id (404/1609 otherwise); by `email` it is pending until an account has that address; granting again changes the capability',
  'removing a grant that does not exist answers 404/1609; delete revokes the link and its grants, the file is untouched',
  'a fileshare whose file was trashed answers 404/1609 until the file is restored',
];

export const QUICKSHARE_CHOICES = [
  'one QuickShare per file: POST creates it or sets its expiry; GET answers it, or makes it (30 days) when there is none for a caller who may write to the workspace; to a guest, or in an archived workspace, it answers 404/1609 then',
  'QuickShare ids are `qs-` and 28 base-36 characters; details answer to anyone with the id (no Bearer), 404/1609 once expired or deleted',
  'QuickShare events are the agent guide names workspace_quickshare_created/updated/deleted',
];

/** A fileshare password as stored: hashed off the event loop. undefined: not sent; null: cleared (""). */
export async function filesharePasswordHash(password: string | undefined): Promise<string | null | undefined> {
  if (password === undefined) return undefined;
  if (password === '') return null;
  return hashPassword(password);
}

export class FileshareService {
  readonly access: FileshareAccess;

  constructor(private readonly d: FileshareDeps) {
    this.access = new FileshareAccess(d.db, d.access, d.now);
  }

  private boundFile(scope: WorkspaceScope, nodeId: string, field: string): StorageNode {
    const node = this.d.db.nodes.get(nodeId);
    if (!node || node.workspaceId !== scope.workspace.id || node.trashed) throw Errors.invalidField(field, 'Expected a file of this workspace.');
    if (node.type !== 'file') throw Errors.invalidField(field, 'A fileshare binds a file, not a folder or a note.');
    return node;
  }

  /** The expiry from `expires` (seconds from now) or `expires_at` (a time; without a zone, UTC). */
  private expiry(expires: number | undefined, expiresAt: string | undefined): number | undefined {
    if (expires !== undefined && expiresAt !== undefined) throw Errors.invalidField('expires', 'Send either expires or expires_at, not both.');
    if (expires !== undefined) return this.d.now() + expires * 1000;
    if (expiresAt === undefined) return undefined;
    const at = parseTime(expiresAt);
    if (at === undefined) throw Errors.invalidField('expires_at', 'Expected a date and time (YYYY-MM-DD HH:MM:SS).');
    if (at <= this.d.now()) throw Errors.invalidField('expires_at', 'The expiry must be in the future.');
    return at;
  }

  create(user: User, scope: WorkspaceScope, input: FileshareCreateInput, passwordHash: string | null | undefined): Fileshare {
    const node = this.boundFile(scope, input.node, 'node');
    const expires = this.expiry(input.expires, input.expires_at) ?? null;
    const now = this.d.now();
    const row = this.d.db.fileshares.insert({
      id: this.d.ids.profileId(),
      kind: 'fileshare',
      orgId: scope.org.id,
      workspaceId: scope.workspace.id,
      nodeId: node.id,
      title: input.title ?? null,
      accessOption: input.access_option ?? 'anyone_with_link',
      passwordHash: passwordHash ?? null,
      expires,
      grants: [],
      createdBy: user.id,
      created: now,
      updated: now,
      deleted: null,
    });
    this.d.audit.record(AuditEvents.fileshareCreated(user, row));
    return row;
  }

  update(user: User, scope: FileshareScope, input: FileshareUpdateInput, passwordHash: string | null | undefined): Fileshare {
    const patch: Partial<Fileshare> = {};
    if (input.title !== undefined) patch.title = input.title;
    if (input.access_option !== undefined) patch.accessOption = input.access_option;
    if (passwordHash !== undefined) patch.passwordHash = passwordHash;
    if (input.expires_at === '' && input.expires === undefined) patch.expires = null;
    else {
      const at = this.expiry(input.expires, input.expires_at === '' ? undefined : input.expires_at);
      if (at !== undefined) patch.expires = at;
    }
    const fields = Object.keys(input).filter((k) => (input as Record<string, unknown>)[k] !== undefined);
    if (fields.length === 0) throw Errors.badRequest('Nothing to update: send at least one field.');
    const row = this.d.db.fileshares.update(scope.fileshare.id, { ...patch, updated: this.d.now() });
    this.d.audit.record(AuditEvents.fileshareUpdated(user, row, fields));
    return row;
  }

  delete(user: User, scope: FileshareScope): void {
    const row = this.d.db.fileshares.update(scope.fileshare.id, { deleted: this.d.now(), grants: [] });
    this.d.audit.record(AuditEvents.fileshareDeleted(user, row));
  }

  ofWorkspace(scope: WorkspaceScope, kind: FileshareKind): Fileshare[] {
    return this.d.db.fileshares
      .find('workspace', scope.workspace.id)
      .filter((f) => f.kind === kind && !f.deleted)
      .sort((a, b) => a.created - b.created || a.id.localeCompare(b.id));
  }

  /** The grant target: exactly one of `user` (an existing user id) or `email`. */
  private target(input: GrantInput): { userId: string | null; emailKey: string | null } {
    if ((input.user === undefined) === (input.email === undefined)) throw Errors.invalidField('user', 'Send exactly one of user or email.');
    if (input.user !== undefined) {
      const u = this.d.db.users.get(input.user);
      if (!u) throw Errors.notFound('user');
      return { userId: u.id, emailKey: null };
    }
    const emailKey = input.email!.toLowerCase();
    const u = this.d.db.users.findOne('email', emailKey);
    return { userId: u?.id ?? null, emailKey };
  }

  private sameTarget(g: { userId: string | null; emailKey: string | null }, t: { userId: string | null; emailKey: string | null }): boolean {
    return (t.userId !== null && g.userId === t.userId) || (t.emailKey !== null && g.emailKey === t.emailKey);
  }

  addGrant(user: User, scope: FileshareScope, input: GrantInput, capability: FileshareCapability) {
    const t = this.target(input);
    const now = this.d.now();
    const grant = { ...t, capability, grantedBy: user.id, created: now };
    const others = scope.fileshare.grants.filter((g) => !this.sameTarget(g, t));
    const row = this.d.db.fileshares.update(scope.fileshare.id, { grants: [...others, grant], updated: now });
    this.d.audit.record(AuditEvents.fileshareGrantAdded(user, row, { user: t.userId, capability }));
    return grant;
  }

  removeGrant(user: User, scope: FileshareScope, input: GrantInput): void {
    const t = this.target(input);
    const kept = scope.fileshare.grants.filter((g) => !this.sameTarget(g, t));
    if (kept.length === scope.fileshare.grants.length) throw Errors.notFound('grant');
    const row = this.d.db.fileshares.update(scope.fileshare.id, { grants: kept, updated: this.d.now() });
    this.d.audit.record(AuditEvents.fileshareGrantRemoved(user, row, { user: t.userId }));
  }

  // ---- QuickShares (April)

  /** The live QuickShare of a file, if any. */
  quickshareOf(scope: WorkspaceScope, nodeId: string): Fileshare | undefined {
    return this.d.db.fileshares.find('node', nodeId).find((f) => f.kind === 'quickshare' && !f.deleted && f.workspaceId === scope.workspace.id);
  }

  /** Create the file's QuickShare, or set the expiry of the one it has. */
  putQuickshare(user: User, scope: WorkspaceScope, nodeId: string, expires?: number, expiresAt?: string): Fileshare {
    const node = this.boundFile(scope, nodeId, 'node_id');
    const at = this.expiry(expires, expiresAt);
    const now = this.d.now();
    const existing = this.quickshareOf(scope, node.id);
    if (existing) {
      const row = this.d.db.fileshares.update(existing.id, { expires: at ?? now + QUICKSHARE_DEFAULT_MS, updated: now });
      this.d.audit.record(AuditEvents.quickshareUpdated(user, row));
      return row;
    }
    const row = this.d.db.fileshares.insert({
      id: `qs-${this.d.ids.opaqueId('a')}`,
      kind: 'quickshare',
      orgId: scope.org.id,
      workspaceId: scope.workspace.id,
      nodeId: node.id,
      title: null,
      accessOption: 'anyone_with_link',
      passwordHash: null,
      expires: at ?? now + QUICKSHARE_DEFAULT_MS,
      grants: [],
      createdBy: user.id,
      created: now,
      updated: now,
      deleted: null,
    });
    this.d.audit.record(AuditEvents.quickshareCreated(user, row));
    return row;
  }

  deleteQuickshare(user: User, scope: WorkspaceScope, nodeId: string): void {
    this.boundFile(scope, nodeId, 'node_id');
    const existing = this.quickshareOf(scope, nodeId);
    if (!existing) throw Errors.notFound('quickshare');
    const row = this.d.db.fileshares.update(existing.id, { deleted: this.d.now() });
    this.d.audit.record(AuditEvents.quickshareDeleted(user, row));
  }
}
