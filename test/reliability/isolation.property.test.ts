/**
 * Isolation, as a property (issue 9, item 1).
 *
 * fast-check draws sequences of steps over three tenants and everyone around them: org owners,
 * admins and members, workspace admins, members and guests, users who reach a tenant only through
 * a workspace, a user with nothing, and people who arrive by invitation or take an org over with
 * a transfer token. Steps add and remove members, change roles and settings, create and delete
 * workspaces, upload files and notes (ingested), search, chat, read events and poll activity,
 * aimed as often at another tenant's ids as at the caller's own.
 *
 * A model kept here, with no code of the emulator's, says what each caller may see and what each
 * step must answer. After every step:
 *
 * - the answer is the one the model predicts: a success, or the documented refusal (404/1609 an org
 *   the caller has nothing to do with, 401/10545 a workspace it is not in, 401/115069 another
 *   workspace's node, 403/1680 a role too low, and the plan and conflict answers);
 * - nothing in the answer (ids, names, domains, file names, words of file contents, chat ids,
 *   transfer tokens, invitation ids, events) belongs to something the caller may not see, before or
 *   after the step; an event about the caller itself may name what the caller once saw;
 * - workspace-scoped answers (listing, search, chat, activity, events) name only that workspace;
 * - the emulator's memberships equal the model's.
 *
 * Every marker of a tenant is a unique word (`zo12`, `zw3`, `zc40`...), so an answer is checked by
 * splitting it into words and looking each one up.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HOLD_JOBS, inProcessEmulator, multipartBody, type Answer, type InProcessEmulator } from '../support/client.js';
import { LONG, report, scale } from './support.js';
import { makePng } from '../../emulator/assets/png.js';
// --- mcp ---
import { codeTools } from '../../emulator/mcp/code-mode.js';
import { InProcessApi } from '../../emulator/mcp/dispatch.js';
import { McpSession } from '../../emulator/mcp/session.js';
import type { ToolResult } from '../../emulator/mcp/kit.js';
// --- end mcp ---

type Dialect = 'v2' | '2026-04';
/** The dialects the steps speak, one run each; FASTIO_ISOLATION_DIALECT=v2|2026-04 picks one. */
const DIALECTS: Dialect[] = process.env.FASTIO_ISOLATION_DIALECT ? [process.env.FASTIO_ISOLATION_DIALECT as Dialect] : ['2026-04', 'v2'];

// ---------------------------------------------------------------------------------------------
// The model

type OrgRole = 'owner' | 'admin' | 'member';
type WsRole = 'owner' | 'admin' | 'member' | 'guest';
/** April's plans, and V2's (fixtures/plans-v2.json: a new or claimed org is on `none` until it subscribes). */
type Plan = 'agent' | 'free' | 'pro' | 'none' | 'solo_monthly' | 'business_v2_monthly' | 'growth_monthly';

interface MUser {
  id: string;
  token: string;
  email: string;
  type: 'agent' | 'human';
  label: string;
  /** the persona's password (the OAuth consent page signs in with it) */
  password: string;
}

interface Invite {
  email: string;
  role: string;
  id: string;
}

interface MOrg {
  id: string;
  domain: string;
  label: string;
  plan: Plan;
  pmm: 'Member or above' | 'Admin or above' | 'Owner only';
  roles: Record<string, OrgRole>;
  pending: Invite[];
  tokens: { id: string; token: string; state: 'active' | 'claimed' | 'gone' }[];
}

interface MWs {
  id: string;
  orgId: string;
  folder: string;
  label: string;
  permJoin: 'Member or above' | 'Admin or above' | 'Only Org Owners';
  pmm: 'Member or above' | 'Admin or above';
  intelligence: boolean;
  archived: boolean;
  deleted: boolean;
  rows: Record<string, WsRole>;
  pending: Invite[];
  /** `versions`: how many versions the node has (locks and versions: created 1, each update adds one) */
  nodes: { id: string; trashed: boolean; note?: boolean; versions?: number }[];
  chats: { id: string; type: 'chat' | 'chat_with_files'; deleted: boolean; creator?: string }[];
}

// --- shares ---
interface MShare {
  id: string;
  wsId: string;
  /** the creator: the share's owner through its membership row, whatever its workspace role becomes */
  creator: string;
  /** explicit memberships other than the creator's */
  members: Record<string, ShareRole>;
  archived: boolean;
  deleted: boolean;
}
type ShareRole = 'owner' | 'admin' | 'member' | 'guest' | 'view';
const SHARE_RANK: Record<ShareRole, number> = { owner: 5, admin: 4, member: 3, guest: 2, view: 1 };
// --- end shares ---

// --- assets ---
const ASSET_PNG = makePng(32, 32);
// --- end assets ---

// --- comments ---
/** A comment the steps made on a node of a workspace (its words belong to that workspace). */
interface MComment {
  id: string;
  wsId: string;
}
// --- end comments ---

// --- imports ---
/** An identity or import source the steps made in a workspace (ids by workspace). */
interface MImport {
  id: string;
  wsId: string;
}
// --- end imports ---

// --- fileshares ---
type Capability = 'view' | 'download' | 'edit';
const CAP_RANK: Record<Capability, number> = { view: 1, download: 2, edit: 3 };
/** A V2 fileshare the steps made: a durable link to one file, opened by its workspace's members, its grants and its tier. */
interface MFileshare {
  id: string;
  wsId: string;
  nodeId: string;
  access: 'named_people' | 'any_registered';
  /** user id -> the capability granted */
  grants: Record<string, Capability>;
  deleted: boolean;
}
const CAPABILITY_LOW: Expect = { status: 403, code: 1700 };
// --- end fileshares ---

// --- oauth ---
/** One grant of a scoped credential (users/oauth-scopes.ts): `org:<id>:r|rw` or `workspace:<id>:r|rw`. */
interface MGrant {
  type: 'org' | 'workspace';
  id: string;
  mode: 'r' | 'rw';
}
/** An OAuth session the steps opened through the PKCE flow, and its access token. */
interface MOAuth {
  user: string;
  token: string;
  sessionId: string;
  grant: MGrant;
  /** the access token's end on the emulator clock (ms) */
  expires: number;
  revoked: boolean;
}
const UNAUTHENTICATED: Expect = { status: 401, code: 1650 };
// --- end oauth ---

// --- metadata ---
/** A metadata template the steps made in a workspace (its name holds a secret word of that workspace). */
interface MTemplate {
  id: string;
  wsId: string;
}
/** Templates per workspace by plan (emulator/metadata/service.ts CAPS). */
const TEMPLATE_CAPS: Record<Plan, number> = { agent: 1, free: 1, pro: 2, none: 0, solo_monthly: 2, business_v2_monthly: 10, growth_monthly: 10 };
// --- end metadata ---

/** What a secret word belongs to, and so who may see it. */
type Secret =
  | { kind: 'om' | 'oi' | 'oa'; org: string }
  | { kind: 'wm' | 'wc'; ws: string; owner?: string; node?: string }
  | { kind: 'sh'; share: string }
  // --- fileshares --- (a fileshare's id and title: its workspace's content, and the fileshare's own answers to whoever it opens to)
  | { kind: 'fs'; ws: string; fileshare: string }
  // --- end fileshares ---
  // --- oauth --- (tokens, session ids, lock tokens: their user's alone)
  | { kind: 'tok'; user: string }
  // --- end oauth ---
  | { kind: 'event'; org: string | null; ws: string | null; user: string | null };

interface Model {
  users: MUser[];
  orgs: MOrg[];
  workspaces: MWs[];
  shares: MShare[];
  /** invitation emails not yet signed up */
  invited: string[];
  secrets: Map<string, Secret>;
  /** scopes each user could see at some point (an event about them may name these) */
  history: Record<string, string[]>;
  cursors: Record<string, string>;
  counter: number;
  // --- share ai ---
  /** share id -> the AI chats asked in it (share chats are their creator's alone) */
  shareChats?: Record<string, { id: string; creator: string; deleted: boolean }[]>;
  // --- end share ai ---
  // --- share storage / visitor tokens ---
  /** the files uploaded into each share (profile_type=share), by share id */
  shareFiles: Record<string, string[]>;
  /** the password of each password-protected link share */
  sharePasswords: Record<string, string>;
  /** the last visitor token made for a share */
  visitorTokens: Record<string, string>;
  // --- end share storage / visitor tokens ---
  // --- comments --- (optional, so the base state needs no field: `m.comments ??= []`)
  comments?: MComment[];
  // --- end comments ---
  // --- assets --- (optional: `m.assets ??= {}`; `org:ID/logo` -> set)
  assets?: Record<string, true>;
  // --- end assets ---
  // --- imports --- (optional: `m.importIdentities ??= []`)
  importIdentities?: MImport[];
  /** sources are disconnected with action delete as soon as made, so their folder is in the trash (no listing sees it) */
  importSources?: MImport[];
  // --- end imports ---
  // --- metadata --- (optional, like comments)
  templates?: MTemplate[];
  // --- end metadata ---
  // --- fileshares --- (optional, like comments)
  fileshares?: MFileshare[];
  // --- end fileshares ---
  // --- oauth --- (optional, like comments)
  oauth?: MOAuth[];
  // --- end oauth ---
}

const PLAN_LIMITS: Record<Plan, { workspaces: number; members: number | null; ai: boolean }> = {
  agent: { workspaces: 3, members: 5, ai: false },
  free: { workspaces: 3, members: 10, ai: true },
  pro: { workspaces: 20, members: null, ai: true },
  none: { workspaces: 0, members: 0, ai: false },
  solo_monthly: { workspaces: 5, members: 5, ai: true },
  business_v2_monthly: { workspaces: 50, members: 25, ai: true },
  growth_monthly: { workspaces: 1000, members: null, ai: true },
};
/** What a V2 org on `none` is refused with 402/1688 (billing/gate.ts GATED_ACTIONS, by the names of the tables here). */
const GATED_ORG = new Set(['manage', 'wsCreate']);
const GATED_WS = new Set(['write', 'chat', 'manage']);
const ORG_RANK: Record<OrgRole, number> = { owner: 3, admin: 2, member: 1 };
const WS_RANK: Record<WsRole, number> = { owner: 4, admin: 3, member: 2, guest: 1 };

// The permission table, written from the API notes and the documented CHOICEs (PARITY.md), not
// read from the emulator: 'pmm' follows the org's or workspace's perm_member_manage.
type Rule = 'y' | 'n' | 'pmm';
const ORG_TABLE: Record<string, Record<OrgRole | 'external', Rule>> = {
  details: { owner: 'y', admin: 'y', member: 'y', external: 'n' },
  update: { owner: 'y', admin: 'y', member: 'n', external: 'n' },
  leave: { owner: 'n', admin: 'y', member: 'y', external: 'n' },
  membersList: { owner: 'y', admin: 'y', member: 'y', external: 'n' },
  manage: { owner: 'y', admin: 'pmm', member: 'pmm', external: 'n' },
  transfer: { owner: 'y', admin: 'n', member: 'n', external: 'n' },
  wsList: { owner: 'y', admin: 'y', member: 'y', external: 'n' },
  wsCreate: { owner: 'y', admin: 'y', member: 'n', external: 'n' },
  billing: { owner: 'y', admin: 'y', member: 'n', external: 'n' },
  tokens: { owner: 'y', admin: 'n', member: 'n', external: 'n' },
  events: { owner: 'y', admin: 'y', member: 'n', external: 'n' },
};
/** What an archived workspace refuses (settings, members, storage writes, chats, joins); reads, archive/unarchive, delete and leave stay open. */
const ARCHIVED_REFUSES = new Set(['update', 'manage', 'transfer', 'write', 'chat']);
const WS_TABLE: Record<string, Record<WsRole, Rule>> = {
  details: { owner: 'y', admin: 'y', member: 'y', guest: 'y' },
  update: { owner: 'y', admin: 'y', member: 'n', guest: 'n' },
  archive: { owner: 'y', admin: 'y', member: 'n', guest: 'n' },
  delete: { owner: 'y', admin: 'n', member: 'n', guest: 'n' },
  leave: { owner: 'n', admin: 'y', member: 'y', guest: 'y' },
  membersList: { owner: 'y', admin: 'y', member: 'y', guest: 'y' },
  manage: { owner: 'y', admin: 'y', member: 'pmm', guest: 'n' },
  transfer: { owner: 'y', admin: 'n', member: 'n', guest: 'n' },
  read: { owner: 'y', admin: 'y', member: 'y', guest: 'y' },
  write: { owner: 'y', admin: 'y', member: 'y', guest: 'n' },
  chat: { owner: 'y', admin: 'y', member: 'y', guest: 'n' },
  events: { owner: 'y', admin: 'y', member: 'y', guest: 'y' },
};

interface Expect {
  status: number;
  code?: number;
}
const OK: Expect = { status: 200 };
const NOT_FOUND: Expect = { status: 404, code: 1609 };
const NOT_MEMBER: Expect = { status: 401, code: 10545 };
const NOT_SHARED: Expect = { status: 401, code: 115069 };
const DENIED: Expect = { status: 403, code: 1680 };
const CONFLICT: Expect = { status: 409, code: 1660 };
const PLAN_LIMIT: Expect = { status: 402, code: 1685 };
const UPGRADE: Expect = { status: 402, code: 1695 };
const SUBSCRIPTION: Expect = { status: 402, code: 1688 };
const NO_CREDITS: Expect = { status: 402, code: 1696 };
const INVALID: Expect = { status: 400, code: 1605 };

class Rules {
  constructor(private readonly m: Model) {}

  org(id: string): MOrg {
    return this.m.orgs.find((o) => o.id === id)!;
  }
  ws(id: string): MWs {
    return this.m.workspaces.find((w) => w.id === id)!;
  }
  user(id: string): MUser {
    return this.m.users.find((u) => u.id === id)!;
  }
  orgRole(u: string, org: MOrg): OrgRole | undefined {
    return org.roles[u];
  }
  isExternal(u: string, org: MOrg): boolean {
    return this.m.workspaces.some((w) => w.orgId === org.id && !w.deleted && w.rows[u] !== undefined);
  }
  /** The higher of the explicit workspace role and what the org role carries (owner, admin). */
  wsRole(u: string, ws: MWs): WsRole | undefined {
    if (ws.deleted) return undefined;
    const explicit = ws.rows[u];
    const org = this.orgRole(u, this.org(ws.orgId));
    const implicit: WsRole | undefined = org === 'owner' ? 'owner' : org === 'admin' ? 'admin' : undefined;
    if (!explicit) return implicit;
    if (!implicit) return explicit;
    return WS_RANK[explicit] >= WS_RANK[implicit] ? explicit : implicit;
  }
  orgAccess(u: string, org: MOrg, action: string): Expect {
    const role = this.orgRole(u, org);
    const standing = role ?? (this.isExternal(u, org) ? 'external' : undefined);
    if (!standing) return NOT_FOUND;
    const rule = ORG_TABLE[action]![standing];
    const allowed =
      rule === 'y' || (rule === 'pmm' && role !== undefined && (org.pmm === 'Member or above' || (org.pmm === 'Admin or above' && ORG_RANK[role] >= 2)));
    if (!allowed) return DENIED;
    return org.plan === 'none' && GATED_ORG.has(action) ? SUBSCRIPTION : OK;
  }
  wsAccess(u: string, ws: MWs, action: string): Expect {
    if (ws.deleted) return NOT_FOUND;
    const role = this.wsRole(u, ws);
    if (!role) return NOT_MEMBER;
    const rule = WS_TABLE[action]![role];
    const allowed = rule === 'y' || (rule === 'pmm' && (ws.pmm === 'Member or above' || WS_RANK[role] >= 3));
    if (!allowed) return DENIED;
    // The documented CHOICE (PARITY.md): an archived workspace refuses writes, after the role check.
    if (ws.archived && ARCHIVED_REFUSES.has(action)) return DENIED;
    return this.org(ws.orgId).plan === 'none' && GATED_WS.has(action) ? SUBSCRIPTION : OK;
  }
  mayJoin(role: OrgRole, permJoin: MWs['permJoin']): boolean {
    if (permJoin === 'Only Org Owners') return role === 'owner';
    if (permJoin === 'Admin or above') return ORG_RANK[role] >= 2;
    return true;
  }
  limits(org: MOrg) {
    return PLAN_LIMITS[org.plan];
  }
  // --- shares ---
  /**
   * The share role, written from the documented CHOICEs (emulator/shares/access.ts
   * SHARE_ACCESS_CHOICES): the creator's owner row, else what the workspace role carries (owners
   * and admins act as share admins, members as members, guests as guests), whichever is higher,
   * with the explicit members the steps add. The model's shares are all `Only members of the
   * Share or Workspace`, so nobody else has a role.
   */
  shareRole(u: string, sh: MShare): ShareRole | undefined {
    const fromWs = this.wsRole(u, this.ws(sh.wsId));
    const implicit: ShareRole | undefined = fromWs === 'owner' || fromWs === 'admin' ? 'admin' : fromWs;
    const explicit = this.explicitShareRole(u, sh);
    if (!explicit || !implicit) return explicit ?? implicit;
    return SHARE_RANK[explicit] >= SHARE_RANK[implicit] ? explicit : implicit;
  }
  explicitShareRole(u: string, sh: MShare): ShareRole | undefined {
    return sh.creator === u ? 'owner' : sh.members[u];
  }
  shareAccess(u: string, sh: MShare, needs: ShareRole): Expect {
    if (sh.deleted || this.ws(sh.wsId).deleted) return NOT_FOUND;
    const role = this.shareRole(u, sh);
    if (!role) return NOT_SHARED;
    if (sh.archived && SHARE_RANK[role] < SHARE_RANK.admin) return NOT_SHARED;
    return SHARE_RANK[role] >= SHARE_RANK[needs] ? OK : DENIED;
  }
  /** Managing a share's members takes seats: gated on V2's `none` (shares/access.ts GATED_AS). */
  shareGated(sh: MShare): boolean {
    return this.org(this.ws(sh.wsId).orgId).plan === 'none';
  }
  /** The shares `shares/all` lists: live, in a live workspace, with a role. */
  listedShares(u: string): string[] {
    return this.m.shares.filter((sh) => !sh.deleted && !this.ws(sh.wsId).deleted && this.shareRole(u, sh)).map((sh) => sh.id);
  }
  // --- end shares ---
  // --- share storage / visitor tokens ---
  /**
   * Adding a file to a share (emulator/shares/share-storage.ts SHARE_STORAGE_CHOICES): the share
   * access first (storage.write needs guest, an archived share refuses writes, V2's `none` gate),
   * then the share type (send shares take files from admins, exchange and receive from guests),
   * then the workspace (archived refuses writes).
   */
  shareStoreWrite(u: string, sh: MShare, type: 'send' | 'exchange'): Expect {
    const base = this.shareAccess(u, sh, 'guest');
    if (base.status !== 200) return base;
    if (sh.archived) return DENIED;
    if (this.shareGated(sh)) return SUBSCRIPTION;
    if (SHARE_RANK[this.shareRole(u, sh)!] < SHARE_RANK[type === 'send' ? 'admin' : 'guest']) return DENIED;
    return this.ws(sh.wsId).archived ? DENIED : OK;
  }
  /** Reading a share's storage: view; an archived share's storage is refused even to its admins. */
  shareStoreRead(u: string, sh: MShare): Expect {
    const base = this.shareAccess(u, sh, 'view');
    return base.status === 200 && sh.archived ? DENIED : base;
  }
  // --- end share storage / visitor tokens ---
  // --- fileshares ---
  /**
   * Written from shares/fileshare-access.ts (FILESHARE_ACCESS_CHOICES): a fileshare answers while
   * it, its workspace and its file are live; the workspace's owners, admins and members manage it
   * and hold `edit`; anyone else holds what a grant gives, or `download` on an `any_registered`
   * tier; nobody else is told it exists (401/115069).
   */
  fileshareLive(f: MFileshare): boolean {
    const ws = this.ws(f.wsId);
    const node = ws.nodes.find((n) => n.id === f.nodeId);
    return !f.deleted && !ws.deleted && node !== undefined && !node.trashed;
  }
  fileshareManager(u: string, f: MFileshare): boolean {
    const role = this.wsRole(u, this.ws(f.wsId));
    return role !== undefined && role !== 'guest';
  }
  fileshareCapability(u: string, f: MFileshare): Capability | undefined {
    if (this.fileshareManager(u, f)) return 'edit';
    const granted = f.grants[u];
    const tier: Capability | undefined = f.access === 'any_registered' ? 'download' : undefined;
    if (!granted || !tier) return granted ?? tier;
    return CAP_RANK[granted] >= CAP_RANK[tier] ? granted : tier;
  }
  /** A recipient's read: details and versions need `view`, the bytes `download` (403/1700 below). */
  fileshareConsume(u: string, f: MFileshare, needs: Capability): Expect {
    if (!this.fileshareLive(f)) return NOT_FOUND;
    const cap = this.fileshareCapability(u, f);
    if (!cap) return NOT_SHARED;
    return CAP_RANK[cap] >= CAP_RANK[needs] ? OK : CAPABILITY_LOW;
  }
  /** Update, delete, grants: the workspace's members only; a recipient who knows of it is refused 403, a stranger told nothing. */
  fileshareManage(u: string, f: MFileshare): Expect {
    if (!this.fileshareLive(f)) return NOT_FOUND;
    if (!this.fileshareManager(u, f)) return f.grants[u] || f.access !== 'named_people' ? DENIED : NOT_SHARED;
    return this.wsAccess(u, this.ws(f.wsId), 'write');
  }
  // --- end fileshares ---
  // --- oauth ---
  /**
   * Does a grant reach this action (users/oauth-scopes.ts grantsReach)? A read-only grant reaches
   * no write; an org grant reaches its org and the org's workspaces; a workspace grant its
   * workspace only, never an org-level action (the documented CHOICE).
   */
  grantReaches(g: MGrant, at: { orgId: string; wsId?: string }, write: boolean): boolean {
    if (write && g.mode !== 'rw') return false;
    if (g.type === 'org') return g.id === at.orgId;
    return at.wsId !== undefined && g.id === at.wsId;
  }
  /**
   * What a call with an OAuth token answers: a revoked session or a spent token 401/1650 before
   * anything; else the caller's own answer, narrowed by the grant after the permission table and
   * before the subscription gate (emulator.ts adds the scope gate first): 403/1680 outside it.
   */
  oauthExpect(s: MOAuth, now: number, base: Expect, reaches: boolean): Expect {
    if (s.revoked || now >= s.expires) return UNAUTHENTICATED;
    if ((base.status === 200 || base === SUBSCRIPTION) && !reaches) return DENIED;
    return base;
  }
  // --- end oauth ---
  liveWorkspaces(org: MOrg): MWs[] {
    return this.m.workspaces.filter((w) => w.orgId === org.id && !w.deleted);
  }
  ownerOf(org: MOrg): string {
    return Object.entries(org.roles).find(([, r]) => r === 'owner')![0];
  }

  /** The scopes a user sees now: org meta (om), org internals (oi), org admin (oa), workspace meta (wm), content (wc), events by workspace (ev). */
  visibility(u: string): Set<string> {
    const out = new Set<string>();
    // --- oauth ---
    out.add(`tok:${u}`);
    // --- end oauth ---
    for (const org of this.m.orgs) {
      const role = this.orgRole(u, org);
      if (role || this.isExternal(u, org)) out.add(`om:${org.id}`);
      if (role) out.add(`oi:${org.id}`);
      if (role === 'owner' || role === 'admin') out.add(`oa:${org.id}`);
    }
    for (const ws of this.m.workspaces) {
      const org = this.org(ws.orgId);
      const orgRole = this.orgRole(u, org);
      if (ws.deleted) {
        // Deleted: only the org's owners and admins still read of it (its events).
        if (orgRole === 'owner' || orgRole === 'admin') out.add(`wm:${ws.id}`).add(`wc:${ws.id}`);
        continue;
      }
      const role = this.wsRole(u, ws);
      if (role) out.add(`wm:${ws.id}`).add(`wc:${ws.id}`).add(`ev:${ws.id}`);
      else if (orgRole) out.add(`wm:${ws.id}`);
    }
    // --- shares --- (a deleted share's words stay with whoever had a role: its events name them)
    for (const sh of this.m.shares) {
      const ws = this.ws(sh.wsId);
      const orgRole = this.orgRole(u, this.org(ws.orgId));
      if (ws.deleted ? sh.creator === u || orgRole === 'owner' || orgRole === 'admin' : this.shareRole(u, sh)) {
        out.add(`sh:${sh.id}`);
        // The share as its members see it names its org and workspace (org_id, workspace_id:
        // emulator/shares/format.ts shareJson), so a share-only member may see those ids.
        if (!ws.deleted) out.add(`om:${ws.orgId}`).add(`wm:${ws.id}`);
      }
    }
    return out;
  }
}

function scopeOf(s: Secret): string | undefined {
  if (s.kind === 'om' || s.kind === 'oi' || s.kind === 'oa') return `${s.kind}:${s.org}`;
  if (s.kind === 'wm' || s.kind === 'wc') return `${s.kind}:${s.ws}`;
  if (s.kind === 'sh') return `sh:${s.share}`;
  // --- fileshares ---
  if (s.kind === 'fs') return `wc:${s.ws}`;
  // --- end fileshares ---
  // --- oauth ---
  if (s.kind === 'tok') return `tok:${s.user}`;
  // --- end oauth ---
  return undefined;
}

/** May a user with these visible scopes see this event? (the documented rule: its own, its org as owner/admin, its workspace as a member) */
function eventVisible(e: { org: string | null; ws: string | null; user: string | null }, u: string, vis: Set<string>): boolean {
  return e.user === u || (e.org !== null && vis.has(`oa:${e.org}`)) || (e.ws !== null && vis.has(`ev:${e.ws}`));
}

// ---------------------------------------------------------------------------------------------
// Steps

const KINDS = [
  ...Array<'orgDetails'>(3).fill('orgDetails'),
  'orgMembers',
  'orgWorkspaces',
  'orgEvents',
  'orgCredits',
  ...Array<'addOrgMember'>(3).fill('addOrgMember'),
  'updateOrgMember',
  'removeOrgMember',
  'leaveOrg',
  'transferOrg',
  'orgSettings',
  'createWorkspace',
  ...Array<'wsDetails'>(2).fill('wsDetails'),
  'wsUpdate',
  'wsArchive',
  'wsDelete',
  ...Array<'addWsMember'>(3).fill('addWsMember'),
  'updateWsMember',
  'removeWsMember',
  'leaveWs',
  'joinWs',
  'transferWs',
  'wsMembers',
  ...Array<'upload'>(2).fill('upload'),
  'note',
  'list',
  'nodeDetails',
  'deleteNode',
  'download',
  'updateFile',
  'updateNote',
  ...Array<'search'>(3).fill('search'),
  ...Array<'chat'>(2).fill('chat'),
  'chatMessage',
  'chatList',
  ...Array<'wsEvents'>(2).fill('wsEvents'),
  'userEvents',
  ...Array<'eventDetails'>(2).fill('eventDetails'),
  ...Array<'poll'>(3).fill('poll'),
  'orgsList',
  'externalList',
  'wsAll',
  'tokenCreate',
  'claim',
  'acceptInvite',
  'changePlan',
  'createOrg',
  // --- shares ---
  ...Array<'shareCreate'>(2).fill('shareCreate'),
  ...Array<'shareDetails'>(2).fill('shareDetails'),
  'shareUpdate',
  'shareArchive',
  'shareDelete',
  'sharesAll',
  'wsShares',
  ...Array<'shareAddMember'>(2).fill('shareAddMember'),
  'shareRemoveMember',
  // --- invitations and joins ---
  ...Array<'inviteExisting'>(2).fill('inviteExisting'),
  'myInvitations',
  'acceptMine',
  'joinOrg',
  // --- end invitations and joins ---
  // --- share ai ---
  ...Array<'shareChat'>(2).fill('shareChat'),
  'shareChatMessage',
  'shareChatList',
  // --- end share ai ---
  // --- share storage / visitor tokens ---
  ...Array<'shareStoreUpload'>(2).fill('shareStoreUpload'),
  'shareStoreList',
  'linkShareCreate',
  ...Array<'visitorRead'>(2).fill('visitorRead'),
  // --- end share storage / visitor tokens ---
  // --- storage node operations ---
  'moveNode',
  'copyNode',
  'transferNode',
  // --- end storage node operations ---
  // --- uploads ---
  'uploadSessions',
  'webUploads',
  'zipFolder',
  // --- end uploads ---
  // --- comments ---
  ...Array<'commentAdd'>(2).fill('commentAdd'),
  'commentList',
  ...Array<'commentRead'>(2).fill('commentRead'),
  // --- end comments ---
  // --- imports ---
  'importProvision',
  'importSourceCreate',
  'importSourceList',
  ...Array<'importSourceRead'>(2).fill('importSourceRead'),
  // --- end imports ---
  // --- metadata ---
  ...Array<'metaTemplate'>(2).fill('metaTemplate'),
  'metaList',
  ...Array<'metaRead'>(2).fill('metaRead'),
  // --- end metadata ---
  // --- assets and discovery ---
  'orgsAll',
  'wsLimits',
  // --- end assets and discovery ---
  // --- previews and links ---
  'previewNode',
  'transformToken',
  // --- end previews and links ---
  // --- assets ---
  ...Array<'assetUpload'>(2).fill('assetUpload'),
  'assetList',
  'assetRead',
  'assetDelete',
  // --- end assets ---
  // --- fileshares --- (V2 only: under April these steps do nothing)
  ...Array<'fileshareCreate'>(3).fill('fileshareCreate'),
  ...Array<'fileshareGrant'>(2).fill('fileshareGrant'),
  ...Array<'fileshareRead'>(3).fill('fileshareRead'),
  'fileshareList',
  // --- end fileshares ---
  // --- locks and versions ---
  ...Array<'lockCycle'>(2).fill('lockCycle'),
  ...Array<'versions'>(2).fill('versions'),
  // --- end locks and versions ---
  // --- oauth ---
  'oauthGrant',
  ...Array<'oauthCall'>(4).fill('oauthCall'),
  'oauthRevoke',
  // --- end oauth ---
] as const;
const SHARE_KINDS: ReadonlySet<Kind> = new Set<Kind>(['shareDetails', 'shareUpdate', 'shareArchive', 'shareDelete', 'shareAddMember', 'shareRemoveMember']);
type Kind = (typeof KINDS)[number];
// --- share ai ---
type Json = Record<string, unknown>;
const SHARE_AI_KINDS: ReadonlySet<Kind> = new Set<Kind>(['shareChat', 'shareChatMessage', 'shareChatList']);
// --- end share ai ---
// --- fileshares ---
const FILESHARE_KINDS: ReadonlySet<Kind> = new Set<Kind>(['fileshareGrant', 'fileshareRead']);
// --- end fileshares ---
/**
 * The answers each of these kinds (or `kind/part`) must have given at least once allowed and once
 * refused in a run of a dialect (the step counts them in `outcomes`): a step that only ever
 * succeeds, or only ever fails, tests one side of its rule. Fileshares are V2's alone.
 */
const BOTH_SIDES: Record<Dialect, string[]> = {
  v2: ['fileshareCreate', 'fileshareGrant', 'fileshareRead', 'fileshareRead/stranger', 'fileshareList', 'oauthCall/fileshare'],
  '2026-04': [],
};
for (const d of ['v2', '2026-04'] as const)
  BOTH_SIDES[d].push('lockCycle/acquire', 'lockCycle/status', 'lockCycle/release', 'versions', 'oauthCall', 'oauthRevoke');
// --- share storage / visitor tokens ---
const SHARESTORE_KINDS: ReadonlySet<Kind> = new Set<Kind>(['shareStoreUpload', 'shareStoreList', 'visitorRead']);
// --- end share storage / visitor tokens ---

const ORG_KINDS: ReadonlySet<Kind> = new Set<Kind>([
  'orgDetails',
  'orgMembers',
  'orgWorkspaces',
  'orgEvents',
  'orgCredits',
  'addOrgMember',
  'updateOrgMember',
  'removeOrgMember',
  'leaveOrg',
  'transferOrg',
  'orgSettings',
  'createWorkspace',
  'tokenCreate',
  'changePlan',
]);

/** A step as fast-check draws it: what, who (an index), and which targets (indices, resolved against the model when it runs). */
interface Step {
  t: Kind;
  c: number;
  a: number;
  b: number;
  v: number;
}

const stepArb = fc.record({ t: fc.constantFrom(...KINDS), c: fc.nat(63), a: fc.nat(255), b: fc.nat(255), v: fc.nat(15) });

const pick = <T>(list: readonly T[], i: number): T | undefined => (list.length === 0 ? undefined : list[i % list.length]);

const WORDS = 'orchard pruning ledger harbour lantern meadow quarry summit'.split(' ');

class IsolationFailure extends Error {}

/** One run: a fresh emulator on the base state, the model beside it. */
class Run {
  readonly rules: Rules;
  /** the chat steps call `/ai/agent/` under V2, `/ai/chat/` under April */
  readonly v2: boolean;
  steps = 0;
  readonly log: string[] = [];
  private caller!: MUser;
  private pre = new Set<string>();
  private answers: [Answer, string][] = [];

  /** the step's kind, for `outcomes` */
  private kind: Kind | undefined;

  constructor(
    readonly h: InProcessEmulator,
    readonly m: Model,
    readonly stats: Record<string, number>,
    /** allowed and refused answers by step kind (or `kind/part`, expectAnswer's `part`) */
    readonly outcomes: Record<string, { ok: number; refused: number }> = {},
  ) {
    this.v2 = h.emulator.config.apiDialect === 'v2';
    this.rules = new Rules(m);
    h.emulator.audit.recorded.on((e) => {
      m.secrets.set(e.id, { kind: 'event', org: e.orgId, ws: e.workspaceId, user: e.userId });
    });
  }

  marker(prefix: string): string {
    return `${prefix}${this.m.counter++}`;
  }

  fail(message: string): never {
    throw new IsolationFailure(`${message}\n  steps so far:\n    ${this.log.slice(-15).join('\n    ')}`);
  }

  // ---- calling the emulator, checking every answer

  async api(method: string, url: string, form?: Record<string, string>, raw?: { payload: Buffer; type: string }): Promise<Answer> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.bearer ?? this.caller.token}` };
    if (form) headers['content-type'] = 'application/x-www-form-urlencoded';
    if (raw) headers['content-type'] = raw.type;
    const a =
      this.bearer === undefined && this.viaMcp(method, url, raw)
        ? await this.mcpExecute(method, url, form)
        : await this.h.inject({
            method,
            url,
            headers,
            ...(form ? { payload: new URLSearchParams(form).toString() } : raw ? { payload: raw.payload } : {}),
          });
    // Checked once the step's effect is in the model: what the caller may see before or after it.
    this.answers.push([a, url]);
    return a;
  }

  /** a bearer other than the caller's API key (an OAuth access token): such calls stay REST */
  private bearer: string | undefined;
  /** words the caller brought itself (the ids its token's grant names, which a refusal may quote back) */
  private knows = new Set<string>();

  /**
   * A call by another actor within the step (or by the caller with another bearer), checked for
   * leaks at once against that actor's visibility (the call changes no one's).
   */
  async apiAs(user: MUser, bearer: string | undefined, method: string, url: string, form?: Record<string, string>, knows: string[] = []): Promise<Answer> {
    const saved = { caller: this.caller, pre: this.pre, bearer: this.bearer, knows: this.knows };
    this.caller = user;
    this.pre = this.rules.visibility(user.id);
    this.bearer = bearer;
    this.knows = new Set(knows);
    try {
      const a = await this.api(method, url, form);
      this.answers.pop();
      this.checkLeaks(a, url);
      return a;
    } finally {
      Object.assign(this, saved);
    }
  }

  // --- mcp ---
  /** this step's GET and POST calls go through the MCP `execute` tool (code mode) instead: another way in, the same answers */
  mcpStep = false;
  private mcpApi: InProcessApi | undefined;
  private readonly mcpExec = codeTools({ served: new Set() }).find((t) => t.name === 'execute')!.actions.execute!;

  private viaMcp(method: string, url: string, raw: unknown): boolean {
    // Bytes (`read/`) and multipart stay REST: execute refuses byte routes, and takes form fields only.
    return this.mcpStep && raw === undefined && (method === 'GET' || method === 'POST') && !/\/read\/(\?|$)/.test(url);
  }

  /** The call as an MCP session of the caller would make it, answered as the REST answer it passes through. */
  private async mcpExecute(method: string, url: string, form: Record<string, string> | undefined): Promise<Answer> {
    const emulator = this.h.emulator;
    // Sent the harness's way (light-my-request rewrites express's shared prototypes, so the MCP's own injector cannot share the process).
    this.mcpApi ??= new InProcessApi(this.h.app as never, async (_app, m, url, headers, payload) => {
      const a = await this.h.inject({ method: m, url, headers, ...(payload !== undefined ? { payload } : {}) });
      const out: Record<string, string> = {};
      a.headers.forEach((v, k) => (out[k] = v));
      return { status: a.status, headers: out, raw: Buffer.from(a.bytes) };
    });
    const session = new McpSession(emulator.clock);
    session.signIn(this.caller.token, 'jwt', this.caller.id);
    const ctx = {
      session,
      api: this.mcpApi,
      emulator,
      dialect: emulator.config.apiDialect,
      tool: 'execute',
      action: 'execute',
      mcpUrl: undefined,
      apiUrl: undefined,
    };
    const r: ToolResult = await this.mcpExec.run(ctx, { method: method.toLowerCase(), path: url, ...(form ? { body: form } : {}) });
    const sc = r.structuredContent ?? {};
    const { _next: _n, _warnings: _w, _recovery: _r, ...data } = sc;
    const body = r.isError ? { result: false, error: data.error } : { result: true, ...data };
    this.stats['mcp'] = (this.stats['mcp'] ?? 0) + 1;
    const text = JSON.stringify(body);
    return {
      status: r.isError ? Number(sc.status) : 200,
      headers: new Headers(),
      body: body as Answer['body'],
      text,
      bytes: Buffer.from(text),
      request: { method, path: url },
    } as Answer;
  }
  // --- end mcp ---

  expectAnswer(a: Answer, e: Expect, what: string, part?: string): void {
    const code = (a.body as { error?: { code?: number } } | undefined)?.error?.code;
    if (a.status !== e.status || (e.code !== undefined && code !== e.code)) {
      this.fail(`${what}: expected ${e.status}${e.code ? `/${e.code}` : ''}, got ${a.status}${code ? `/${code}` : ''}: ${a.text.slice(0, 400)}`);
    }
    const tally = (this.outcomes[part ? `${this.kind}/${part}` : this.kind!] ??= { ok: 0, refused: 0 });
    if (a.status === 200) tally.ok++;
    else tally.refused++;
    this.stats[a.status === 200 ? 'ok' : `${a.status}/${code}`] = (this.stats[a.status === 200 ? 'ok' : `${a.status}/${code}`] ?? 0) + 1;
  }

  /** Every secret word in an answer must be visible to the caller (before or after the step). */
  private checkLeaks(a: Answer, url: string): void {
    const u = this.caller.id;
    const post = this.rules.visibility(u);
    const history = new Set(this.m.history[u] ?? []);
    // --- fileshares --- (a fileshare's own answers, to whoever it opens to: it, its file's words, its workspace's id)
    const opened = this.fileshareOpenedBy(url, u);
    // --- end fileshares ---
    const allowed = (s: Secret, selfEvent: boolean, word: string): boolean => {
      if (s.kind === 'event') return eventVisible(s, u, this.pre) || eventVisible(s, u, post);
      if (this.knows.has(word)) return true;
      if (
        opened &&
        ((s.kind === 'fs' && s.fileshare === opened.id) || (s.kind === 'wc' && s.node === opened.nodeId) || (s.kind === 'wm' && word === opened.wsId))
      )
        return true;
      const scope = scopeOf(s)!;
      if (this.pre.has(scope) || post.has(scope)) return true;
      if ((s.kind === 'wc' || s.kind === 'wm') && s.owner === u) return true;
      return selfEvent && history.has(scope);
    };
    const scan = (text: string, selfEvent: boolean, where: string) => {
      for (const word of text.match(/[A-Za-z0-9]+/g) ?? []) {
        const s = this.m.secrets.get(word);
        if (s && !allowed(s, selfEvent, word)) this.fail(`LEAK in ${where} to ${this.caller.label}: "${word}" (${JSON.stringify(s)}): ${text.slice(0, 400)}`);
      }
    };
    const body = a.body as { events?: Record<string, unknown>[]; event?: Record<string, unknown> } | undefined;
    const events = body?.events ?? (body?.event ? [body.event] : undefined);
    if (events && url.includes('/event')) {
      for (const e of events) {
        const rec = { org: (e.org_id as string | null) ?? null, ws: (e.workspace_id as string | null) ?? null, user: (e.user_id as string | null) ?? null };
        if (!eventVisible(rec, u, this.pre) && !eventVisible(rec, u, post))
          this.fail(`LEAK: event ${String(e.event)} ${JSON.stringify(rec)} shown to ${this.caller.label}`);
        scan(JSON.stringify(e), rec.user === u, `${url} event ${String(e.event)}`);
      }
      const { events: _e, event: _ev, ...rest } = body as Record<string, unknown>;
      scan(JSON.stringify(rest), false, url);
    } else if (a.status >= 400) {
      // `resource` echoes the caller's own request line.
      const { resource: _echo, ...said } = (body as { error?: Record<string, unknown> } | undefined)?.error ?? {};
      scan(JSON.stringify(said), false, url);
    } else scan(a.text, false, url);
  }

  /** Words of an answer that name content of a workspace other than `wsId`. */
  onlyWorkspace(a: Answer, wsId: string, what: string): void {
    for (const word of a.text.match(/[A-Za-z0-9]+/g) ?? []) {
      const s = this.m.secrets.get(word);
      if (s && s.kind === 'wc' && s.ws !== wsId) this.fail(`${what} of workspace ${wsId} names "${word}" of workspace ${s.ws}`);
    }
  }

  /** A node of `ws` two steps in three, else any workspace's (which `ws` must not reach: 401/115069). */
  pickNode(ws: MWs, st: Step): (MWs['nodes'][number] & { ws: MWs }) | undefined {
    if (st.v % 3 !== 0)
      return pick(
        ws.nodes.map((n) => ({ ...n, ws })),
        st.b,
      );
    return pick(
      this.m.workspaces.flatMap((w) => w.nodes.map((n) => ({ ...n, ws: w }))),
      st.b,
    );
  }

  // --- invitations and joins ---
  /** The caller's open invitations in the model (to its address), and whether it already belongs to each entity. */
  openInvitations(u: MUser): { inv: Invite; org?: MOrg; ws?: MWs; member: boolean }[] {
    const out: { inv: Invite; org?: MOrg; ws?: MWs; member: boolean }[] = [];
    for (const o of this.m.orgs) for (const inv of o.pending) if (inv.email === u.email) out.push({ inv, org: o, member: o.roles[u.id] !== undefined });
    for (const w of this.m.workspaces) {
      if (w.deleted) continue;
      for (const inv of w.pending) if (inv.email === u.email) out.push({ inv, ws: w, member: w.rows[u.id] !== undefined });
    }
    return out;
  }

  /**
   * A user-side invitation call. Its answer may name, besides what the caller sees anyway, only
   * what each open invitation is for (the entity's id and name, its org's id) and the invitation:
   * a pending invitation opens nothing else.
   */
  async invitationCall(method: string, url: string, open: { inv: Invite; org?: MOrg; ws?: MWs }[]): Promise<Answer> {
    const a = await this.h.inject({ method, url, headers: { authorization: `Bearer ${this.caller.token}` } });
    const vis = new Set([...this.pre, ...this.rules.visibility(this.caller.id)]);
    const allowed = new Set<string>();
    for (const o of open) {
      allowed.add(o.inv.id);
      const orgId = o.org ? o.org.id : o.ws!.orgId;
      allowed.add(orgId);
      for (const [word, sec] of this.m.secrets) {
        if (o.org && sec.kind === 'om' && sec.org === o.org.id) allowed.add(word);
        if (o.ws && sec.kind === 'wm' && sec.ws === o.ws.id) allowed.add(word);
      }
    }
    const { resource: _echo, ...said } = (a.body as { error?: Record<string, unknown> } | undefined)?.error ?? {};
    const text = a.status >= 400 ? JSON.stringify(said) : a.text;
    for (const word of text.match(/[A-Za-z0-9]+/g) ?? []) {
      const sec = this.m.secrets.get(word);
      if (!sec || allowed.has(word)) continue;
      const scope = scopeOf(sec);
      if (sec.kind === 'event' || (scope && vis.has(scope))) continue;
      this.fail(`LEAK in ${url} to ${this.caller.label}: "${word}" (${JSON.stringify(sec)}): ${text.slice(0, 400)}`);
    }
    return a;
  }
  // --- end invitations and joins ---
  // --- share storage / visitor tokens ---
  /** A call with a share visitor token: checked here, not by checkLeaks (a visitor is no user). */
  async visitorApi(token: string, method: string, url: string, raw?: { payload: Buffer; type: string }): Promise<Answer> {
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    if (raw) headers['content-type'] = raw.type;
    return this.h.inject({ method, url, headers, ...(raw ? { payload: raw.payload } : {}) });
  }
  /** A visitor of `shareId` sees words of that share only. */
  visitorSees(a: Answer, shareId: string, where: string): void {
    // `resource` echoes the visitor's own request line.
    const { resource: _echo, ...said } = (a.body as { error?: Record<string, unknown> } | undefined)?.error ?? {};
    const text = a.status >= 400 ? JSON.stringify(said) : a.text;
    for (const word of text.match(/[A-Za-z0-9]+/g) ?? []) {
      const s = this.m.secrets.get(word);
      if (s && !(s.kind === 'sh' && s.share === shareId))
        this.fail(`LEAK in ${where} to a visitor of ${shareId}: "${word}" (${JSON.stringify(s)}): ${a.text.slice(0, 400)}`);
    }
  }
  shareType(): 'send' | 'exchange' {
    // The shareCreate step makes April shares `send` and V2 shares the default, `exchange`.
    return this.v2 ? 'exchange' : 'send';
  }
  // --- end share storage / visitor tokens ---

  register(word: string | undefined, s: Secret): void {
    if (word) this.m.secrets.set(word, s);
  }

  // --- fileshares ---
  /** The fileshare a `/current/fileshare/<id>/...` call names, when it opens to this user. */
  fileshareOpenedBy(url: string, u: string): MFileshare | undefined {
    const id = /^\/current\/fileshare\/([^/?]+)\//.exec(url)?.[1];
    const f = id ? (this.m.fileshares ?? []).find((x) => x.id === id) : undefined;
    return f && this.rules.fileshareLive(f) && this.rules.fileshareCapability(u, f) ? f : undefined;
  }
  // --- end fileshares ---
  // --- oauth ---
  /** A secret of one user: its long runs of letters and digits (a JWT's signature, not its header, which every JWT shares). */
  registerToken(token: string | undefined, user: string): void {
    const part = token?.split('.').at(-1) ?? '';
    for (const word of part.match(/[A-Za-z0-9]{12,}/g) ?? []) this.register(word, { kind: 'tok', user });
  }
  // --- end oauth ---

  // ---- one step

  async step(st: Step): Promise<void> {
    const m = this.m;
    const r = this.rules;
    const org = pick(m.orgs, st.a)!;
    const share = SHARE_KINDS.has(st.t) || SHARE_AI_KINDS.has(st.t) || SHARESTORE_KINDS.has(st.t) ? pick(m.shares, st.a) : undefined;
    // --- fileshares ---
    const fileshare = FILESHARE_KINDS.has(st.t) ? pick(m.fileshares ?? [], st.a) : undefined;
    // --- end fileshares ---
    // --- oauth --- (the session a step uses: its user is an insider of the step)
    const session = st.t === 'oauthCall' || st.t === 'oauthRevoke' ? pick(m.oauth ?? [], st.a) : undefined;
    // --- end oauth ---
    const ws = share ? r.ws(share.wsId) : fileshare ? r.ws(fileshare.wsId) : pick(m.workspaces, st.a);
    // Half the steps come from someone with a place in the target (so they can succeed), half from anyone.
    const insiders = m.users.filter(
      (u) =>
        (ORG_KINDS.has(st.t) ? r.orgRole(u.id, org) || r.isExternal(u.id, org) : ws ? r.wsRole(u.id, ws) || r.orgRole(u.id, r.org(ws.orgId)) : false) ||
        (fileshare !== undefined && fileshare.grants[u.id] !== undefined) ||
        session?.user === u.id,
    );
    // --- fileshares --- (a read comes from a grant holder one time in four, when there is one)
    const holders = fileshare && st.t === 'fileshareRead' ? m.users.filter((u) => fileshare.grants[u.id] !== undefined) : [];
    if (holders.length > 0 && st.c % 4 === 0) insiders.splice(0, insiders.length, ...holders);
    // --- end fileshares ---
    const caller = st.c % 2 === 0 && insiders.length > 0 ? pick(insiders, st.c >> 1)! : pick(m.users, st.c >> 1)!;
    this.caller = caller;
    this.pre = this.rules.visibility(caller.id);
    this.answers = [];
    this.kind = st.t;
    this.knows = new Set();
    this.steps++;
    // --- mcp --- (a third of the steps, drawn from bits the other picks use least)
    this.mcpStep = (st.a ^ st.b) % 3 === 0;
    // --- end mcp ---
    const label = `${caller.label}${this.mcpStep ? ' (mcp)' : ''} ${st.t}`;
    this.log.push(`${JSON.stringify(st)} = ${label}`);
    switch (st.t) {
      case 'orgDetails': {
        const a = await this.api('GET', `/current/org/${org.id}/details/`);
        this.expectAnswer(a, r.orgAccess(caller.id, org, 'details'), `${label} ${org.label}`);
        break;
      }
      case 'orgMembers': {
        const a = await this.api('GET', `/current/org/${org.id}/members/list/`);
        const e = r.orgAccess(caller.id, org, 'membersList');
        this.expectAnswer(a, e, `${label} ${org.label}`);
        if (e.status === 200) {
          const ids = ((a.body as { users: { id: string | null }[] }).users.map((x) => x.id).filter(Boolean) as string[]).sort();
          expect(ids, `${label} ${org.label}`).toEqual(Object.keys(org.roles).sort());
        }
        break;
      }
      case 'orgWorkspaces': {
        const a = await this.api('GET', `/current/org/${org.id}/list/workspaces/`);
        const e = r.orgAccess(caller.id, org, 'wsList');
        this.expectAnswer(a, e, `${label} ${org.label}`);
        if (e.status === 200) {
          const role = r.orgRole(caller.id, org)!;
          const want = r
            .liveWorkspaces(org)
            .filter((w) => role !== 'member' || w.rows[caller.id] !== undefined || r.mayJoin(role, w.permJoin))
            .map((w) => w.id)
            .sort();
          expect((a.body as { workspaces: { id: string }[] }).workspaces.map((w) => w.id).sort(), `${label} ${org.label}`).toEqual(want);
        }
        break;
      }
      case 'orgEvents': {
        this.h.emulator.clock.advance(31);
        const a = await this.api('GET', `/current/events/search/?org_id=${org.id}&limit=250`);
        const e = r.orgAccess(caller.id, org, 'events');
        this.expectAnswer(a, e, `${label} ${org.label}`);
        if (e.status === 200) for (const ev of (a.body as { events: { org_id: string }[] }).events) expect(ev.org_id).toBe(org.id);
        break;
      }
      case 'orgCredits': {
        const a = await this.api('GET', `/current/org/${org.id}/billing/usage/limits/credits/`);
        this.expectAnswer(a, r.orgAccess(caller.id, org, 'billing'), `${label} ${org.label}`);
        break;
      }
      case 'addOrgMember': {
        const role = st.v % 3 === 0 ? 'admin' : 'member';
        const byEmail = st.v % 5 === 4;
        const target = pick(m.users, st.b)!;
        const email = byEmail ? `${this.marker('zi')}@iso.test` : undefined;
        const a = await this.api('POST', `/current/org/${org.id}/members/${encodeURIComponent(email ?? target.id)}/`, { permissions: role });
        let e = r.orgAccess(caller.id, org, 'manage');
        if (e.status === 200 && ORG_RANK[role] > ORG_RANK[r.orgRole(caller.id, org)!]) e = DENIED;
        if (e.status === 200 && !email && org.roles[target.id]) e = CONFLICT;
        this.expectAnswer(a, e, `${label} ${email ?? target.label} to ${org.label} as ${role}`);
        if (e.status === 200) {
          if (email) {
            const id = (a.body as { member: { invite: { id: string } } }).member.invite.id;
            org.pending.push({ email, role, id });
            m.invited.push(email);
            this.register(id, { kind: 'oi', org: org.id });
          } else org.roles[target.id] = role;
        }
        break;
      }
      case 'updateOrgMember': {
        const role = st.v % 2 === 0 ? 'admin' : 'member';
        const target = pick(m.users, st.b)!;
        const a = await this.api('POST', `/current/org/${org.id}/member/${target.id}/update/`, { permissions: role });
        let e = r.orgAccess(caller.id, org, 'manage');
        const row = org.roles[target.id];
        if (e.status === 200 && !row) e = NOT_FOUND;
        else if (e.status === 200 && row === 'owner') e = DENIED;
        else if (e.status === 200) {
          const mine = ORG_RANK[r.orgRole(caller.id, org)!];
          if (ORG_RANK[row!] > mine || ORG_RANK[role] > mine) e = DENIED;
        }
        this.expectAnswer(a, e, `${label} ${target.label} in ${org.label} to ${role}`);
        if (e.status === 200) org.roles[target.id] = role;
        break;
      }
      case 'removeOrgMember': {
        const invite = st.v % 4 === 3 ? pick(org.pending, st.b) : undefined;
        const target = pick(m.users, st.b)!;
        const a = await this.api('DELETE', `/current/org/${org.id}/members/${invite ? invite.id : target.id}/`);
        let e = r.orgAccess(caller.id, org, 'manage');
        const rowRole = invite ? (invite.role as OrgRole) : org.roles[target.id];
        if (e.status === 200 && !rowRole) e = NOT_FOUND;
        else if (e.status === 200 && rowRole === 'owner') e = DENIED;
        else if (e.status === 200 && ORG_RANK[rowRole!] > ORG_RANK[r.orgRole(caller.id, org)!]) e = DENIED;
        this.expectAnswer(a, e, `${label} ${invite ? `invitation ${invite.email}` : target.label} from ${org.label}`);
        if (e.status === 200) {
          if (invite) org.pending = org.pending.filter((p) => p !== invite);
          else delete org.roles[target.id];
        }
        break;
      }
      case 'leaveOrg': {
        const a = await this.api('DELETE', `/current/org/${org.id}/member/`);
        const e = r.orgAccess(caller.id, org, 'leave');
        this.expectAnswer(a, e, `${label} ${org.label}`);
        if (e.status === 200) delete org.roles[caller.id];
        break;
      }
      case 'transferOrg': {
        const target = pick(m.users, st.b)!;
        const a = await this.api('POST', `/current/org/${org.id}/member/${target.id}/transfer_ownership/`);
        let e = r.orgAccess(caller.id, org, 'transfer');
        if (e.status === 200 && target.id === caller.id) e = INVALID;
        else if (e.status === 200 && !org.roles[target.id]) e = NOT_FOUND;
        this.expectAnswer(a, e, `${label} ${org.label} to ${target.label}`);
        if (e.status === 200) {
          org.roles[caller.id] = 'admin';
          org.roles[target.id] = 'owner';
        }
        break;
      }
      case 'orgSettings': {
        const setting = (['Member or above', 'Admin or above', 'Owner only'] as const)[st.v % 3]!;
        const a = await this.api('POST', `/current/org/${org.id}/update/`, { perm_member_manage: setting });
        let e = r.orgAccess(caller.id, org, 'update');
        if (e.status === 200 && r.orgRole(caller.id, org) !== 'owner') e = DENIED;
        this.expectAnswer(a, e, `${label} ${org.label} perm_member_manage=${setting}`);
        if (e.status === 200) org.pmm = setting;
        break;
      }
      case 'createWorkspace': {
        const reuse = st.v % 6 === 5 ? pick(r.liveWorkspaces(org), st.b) : undefined;
        const folder = reuse ? reuse.folder : this.marker('zf');
        const name = this.marker('zw');
        const permJoin = (['Member or above', 'Admin or above', 'Only Org Owners'] as const)[st.b % 3]!;
        const intelligence = st.v % 2 === 0;
        const a = await this.api('POST', `/current/org/${org.id}/create/workspace/`, {
          folder_name: folder,
          name: `Ws ${name}`,
          perm_join: permJoin,
          perm_member_manage: 'Member or above',
          intelligence: String(intelligence),
        });
        let e = r.orgAccess(caller.id, org, 'wsCreate');
        if (e.status === 200 && r.liveWorkspaces(org).length >= r.limits(org).workspaces) e = PLAN_LIMIT;
        else if (e.status === 200 && reuse) e = CONFLICT;
        else if (e.status === 200 && intelligence && !r.limits(org).ai) e = INVALID;
        this.expectAnswer(a, e, `${label} ${folder} in ${org.label}`);
        if (e.status === 200) {
          const id = (a.body as { workspace: { id: string } }).workspace.id;
          m.workspaces.push({
            id,
            orgId: org.id,
            folder,
            label: name,
            permJoin,
            pmm: 'Member or above',
            intelligence,
            archived: false,
            deleted: false,
            rows: { [caller.id]: 'owner' },
            pending: [],
            nodes: [],
            chats: [],
          });
          for (const w of [id, folder, name]) this.register(w, { kind: 'wm', ws: id });
        }
        break;
      }
      case 'wsDetails': {
        if (!ws) break;
        const a = await this.api('GET', `/current/workspace/${ws.id}/details/`);
        this.expectAnswer(a, r.wsAccess(caller.id, ws, 'details'), `${label} ${ws.label}`);
        break;
      }
      case 'wsUpdate': {
        if (!ws) break;
        const variant = st.v % 4;
        const form: Record<string, string> =
          variant === 0
            ? { name: `Ws ${ws.label} renamed` }
            : variant === 1
              ? { perm_join: (['Member or above', 'Admin or above', 'Only Org Owners'] as const)[st.b % 3]! }
              : variant === 2
                ? { perm_member_manage: st.b % 2 === 0 ? 'Member or above' : 'Admin or above' }
                : { intelligence: String(!ws.intelligence) };
        const a = await this.api('POST', `/current/workspace/${ws.id}/update/`, form);
        let e = r.wsAccess(caller.id, ws, 'update');
        if (e.status === 200 && form.intelligence === 'true' && !r.limits(r.org(ws.orgId)).ai) e = INVALID;
        this.expectAnswer(a, e, `${label} ${ws.label} ${JSON.stringify(form)}`);
        if (e.status === 200) {
          if (form.perm_join) ws.permJoin = form.perm_join as MWs['permJoin'];
          if (form.perm_member_manage) ws.pmm = form.perm_member_manage as MWs['pmm'];
          if (form.intelligence) ws.intelligence = form.intelligence === 'true';
          await this.h.emulator.jobs.drain();
        }
        break;
      }
      case 'wsArchive': {
        if (!ws) break;
        const archive = st.v % 2 === 0;
        const a = await this.api('POST', `/current/workspace/${ws.id}/${archive ? 'archive' : 'unarchive'}/`);
        let e = r.wsAccess(caller.id, ws, 'archive');
        if (e.status === 200 && ws.archived === archive) e = CONFLICT;
        this.expectAnswer(a, e, `${label} ${ws.label} ${archive ? 'archive' : 'unarchive'}`);
        if (e.status === 200) ws.archived = archive;
        break;
      }
      case 'wsDelete': {
        if (!ws || st.v % 3 !== 0) break;
        const a = await this.api('DELETE', `/current/workspace/${ws.id}/delete/?confirm=${ws.folder}`);
        const e = r.wsAccess(caller.id, ws, 'delete');
        this.expectAnswer(a, e, `${label} ${ws.label}`);
        if (e.status === 200) ws.deleted = true;
        break;
      }
      case 'addWsMember': {
        if (!ws) break;
        const role = (['admin', 'member', 'guest', 'member'] as const)[st.v % 4]!;
        const byEmail = st.v % 7 === 6;
        const target = pick(m.users, st.b)!;
        const email = byEmail ? `${this.marker('zi')}@iso.test` : undefined;
        const a = await this.api('POST', `/current/workspace/${ws.id}/members/${encodeURIComponent(email ?? target.id)}/`, { permissions: role });
        let e = r.wsAccess(caller.id, ws, 'manage');
        if (e.status === 200 && WS_RANK[role] > WS_RANK[r.wsRole(caller.id, ws)!]) e = DENIED;
        else if (e.status === 200 && !email && ws.rows[target.id]) e = CONFLICT;
        else if (e.status === 200) {
          const limit = r.limits(r.org(ws.orgId)).members;
          if (limit !== null && Object.keys(ws.rows).length + ws.pending.length >= limit) e = PLAN_LIMIT;
        }
        this.expectAnswer(a, e, `${label} ${email ?? target.label} to ${ws.label} as ${role}`);
        if (e.status === 200) {
          if (email) {
            const id = (a.body as { member: { invite: { id: string } } }).member.invite.id;
            ws.pending.push({ email, role, id });
            m.invited.push(email);
            this.register(id, { kind: 'wc', ws: ws.id });
          } else ws.rows[target.id] = role;
        }
        break;
      }
      case 'updateWsMember': {
        if (!ws) break;
        const role = (['admin', 'member', 'guest'] as const)[st.v % 3]!;
        const target = pick(m.users, st.b)!;
        const a = await this.api('POST', `/current/workspace/${ws.id}/member/${target.id}/update/`, { permissions: role });
        let e = r.wsAccess(caller.id, ws, 'manage');
        const row = ws.rows[target.id];
        if (e.status === 200 && !row) e = NOT_FOUND;
        else if (e.status === 200 && row === 'owner') e = DENIED;
        else if (e.status === 200) {
          const mine = WS_RANK[r.wsRole(caller.id, ws)!];
          if (WS_RANK[row!] > mine || WS_RANK[role] > mine) e = DENIED;
        }
        this.expectAnswer(a, e, `${label} ${target.label} in ${ws.label} to ${role}`);
        if (e.status === 200) ws.rows[target.id] = role;
        break;
      }
      case 'removeWsMember': {
        if (!ws) break;
        const invite = st.v % 4 === 3 ? pick(ws.pending, st.b) : undefined;
        const target = pick(m.users, st.b)!;
        const a = await this.api('DELETE', `/current/workspace/${ws.id}/members/${invite ? invite.id : target.id}/`);
        let e = r.wsAccess(caller.id, ws, 'manage');
        const rowRole = invite ? (invite.role as WsRole) : ws.rows[target.id];
        if (e.status === 200 && !rowRole) e = NOT_FOUND;
        else if (e.status === 200 && rowRole === 'owner') e = DENIED;
        else if (e.status === 200 && WS_RANK[rowRole!] > WS_RANK[r.wsRole(caller.id, ws)!]) e = DENIED;
        this.expectAnswer(a, e, `${label} ${invite ? `invitation ${invite.email}` : target.label} from ${ws.label}`);
        if (e.status === 200) {
          if (invite) ws.pending = ws.pending.filter((p) => p !== invite);
          else delete ws.rows[target.id];
        }
        break;
      }
      case 'leaveWs': {
        if (!ws) break;
        const a = await this.api('DELETE', `/current/workspace/${ws.id}/member/`);
        let e = r.wsAccess(caller.id, ws, 'leave');
        if (e.status === 200 && !ws.rows[caller.id]) e = INVALID;
        this.expectAnswer(a, e, `${label} ${ws.label}`);
        if (e.status === 200) delete ws.rows[caller.id];
        break;
      }
      case 'joinWs': {
        if (!ws) break;
        const a = await this.api('POST', `/current/workspace/${ws.id}/members/join/`);
        const orgRole = r.orgRole(caller.id, r.org(ws.orgId));
        let e: Expect = ws.deleted ? NOT_FOUND : !orgRole ? NOT_MEMBER : !r.mayJoin(orgRole, ws.permJoin) || ws.archived ? DENIED : OK;
        if (e.status === 200 && ws.rows[caller.id]) e = CONFLICT;
        else if (e.status === 200) {
          const limit = r.limits(r.org(ws.orgId)).members;
          if (limit !== null && Object.keys(ws.rows).length + ws.pending.length >= limit) e = PLAN_LIMIT;
        }
        this.expectAnswer(a, e, `${label} ${ws.label}`);
        if (e.status === 200) ws.rows[caller.id] = 'member';
        break;
      }
      case 'transferWs': {
        if (!ws) break;
        const target = pick(m.users, st.b)!;
        const a = await this.api('POST', `/current/workspace/${ws.id}/member/${target.id}/transfer_ownership/`);
        let e = r.wsAccess(caller.id, ws, 'transfer');
        if (e.status === 200 && !ws.rows[target.id]) e = NOT_FOUND;
        else if (e.status === 200 && target.id === caller.id) e = INVALID;
        this.expectAnswer(a, e, `${label} ${ws.label} to ${target.label}`);
        if (e.status === 200) {
          for (const [u, role] of Object.entries(ws.rows)) if (role === 'owner' && u !== target.id) ws.rows[u] = 'admin';
          ws.rows[target.id] = 'owner';
        }
        break;
      }
      case 'wsMembers': {
        if (!ws) break;
        const a = await this.api('GET', `/current/workspace/${ws.id}/members/list/`);
        const e = r.wsAccess(caller.id, ws, 'membersList');
        this.expectAnswer(a, e, `${label} ${ws.label}`);
        if (e.status === 200) {
          const ids = ((a.body as { users: { id: string | null }[] }).users.map((x) => x.id).filter(Boolean) as string[]).sort();
          expect(ids, `${label} ${ws.label}`).toEqual(Object.keys(ws.rows).sort());
          this.onlyWorkspace(a, ws.id, label);
        }
        break;
      }
      case 'upload':
      case 'note': {
        if (!ws) break;
        const name = this.marker('zn');
        const content = `${WORDS[st.v % WORDS.length]} ${WORDS[st.b % WORDS.length]} report ${this.marker('zc')} for the ${WORDS[(st.v + 3) % WORDS.length]} team.`;
        let a: Answer;
        if (st.t === 'upload') {
          const { contentType, payload } = await multipartBody(
            { name: `${name}.txt`, action: 'create', instance_id: ws.id, folder_id: 'root', profile_type: 'workspace' },
            { name: `${name}.txt`, data: content },
          );
          a = await this.api('POST', '/current/upload/', undefined, { payload, type: contentType });
        } else a = await this.api('POST', `/current/workspace/${ws.id}/storage/root/createnote/`, { name: `${name}.md`, content });
        const e = r.wsAccess(caller.id, ws, 'write');
        this.expectAnswer(a, e, `${label} ${name} in ${ws.label}`);
        if (e.status === 200) {
          const body = a.body as { new_file_id?: string; id?: string; node?: { id: string } };
          const nodeId = body.new_file_id ?? body.node!.id;
          ws.nodes.push({ id: nodeId, trashed: false, note: st.t === 'note', versions: 1 });
          // `node`: a fileshare of this file shows these words to its recipients (and only there).
          this.register(nodeId, { kind: 'wc', ws: ws.id, node: nodeId });
          this.register(name, { kind: 'wc', ws: ws.id, node: nodeId });
          this.register(/zc\d+/.exec(content)![0], { kind: 'wc', ws: ws.id, node: nodeId });
          if (st.t === 'upload') this.register(body.id, { kind: 'wc', ws: ws.id, owner: caller.id });
          await this.h.emulator.jobs.drain();
        }
        break;
      }
      case 'list': {
        if (!ws) break;
        const a = await this.api('GET', `/current/workspace/${ws.id}/storage/root/list/`);
        const e = r.wsAccess(caller.id, ws, 'read');
        this.expectAnswer(a, e, `${label} ${ws.label}`);
        if (e.status === 200) {
          this.onlyWorkspace(a, ws.id, label);
          const listed = (a.body as { nodes: { id: string }[] }).nodes.map((n) => n.id).sort();
          expect(listed, `${label} ${ws.label}`).toEqual(
            ws.nodes
              .filter((n) => !n.trashed)
              .map((n) => n.id)
              .sort(),
          );
        }
        break;
      }
      case 'nodeDetails':
      case 'deleteNode':
      case 'download': {
        if (!ws) break;
        const node = this.pickNode(ws, st);
        if (!node) break;
        const home = node.ws;
        const path =
          st.t === 'nodeDetails'
            ? ['GET', `/current/workspace/${ws.id}/storage/${node.id}/details/`]
            : st.t === 'deleteNode'
              ? ['DELETE', `/current/workspace/${ws.id}/storage/${node.id}/delete/`]
              : ['GET', `/current/workspace/${ws.id}/storage/${node.id}/read/`];
        const a = await this.api(path[0]!, path[1]!);
        let e = r.wsAccess(caller.id, ws, st.t === 'deleteNode' ? 'write' : 'read');
        if (e.status === 200 && home.id !== ws.id) e = NOT_SHARED;
        else if (e.status === 200 && node.trashed && st.t !== 'nodeDetails') e = NOT_FOUND;
        // A download charges bandwidth: V2's `none` has no credits to charge.
        else if (e.status === 200 && st.t === 'download' && r.org(ws.orgId).plan === 'none') e = NO_CREDITS;
        this.expectAnswer(a, e, `${label} ${node.id} of ${home.label} via ${ws.label}`);
        if (e.status === 200 && st.t === 'deleteNode') home.nodes.find((n) => n.id === node.id)!.trashed = true;
        if (e.status === 200 && st.t !== 'deleteNode') this.onlyWorkspace(a, ws.id, label);
        break;
      }
      case 'updateFile':
      case 'updateNote': {
        // A new version of a node: upload action=update with file_id, or updatenote. Another
        // workspace's node is not shared, even through a workspace the caller may write to.
        if (!ws) break;
        const node = this.pickNode(ws, st);
        if (!node) break;
        const home = node.ws;
        const content = `${WORDS[st.b % WORDS.length]} revision ${this.marker('zc')}.`;
        let a: Answer;
        if (st.t === 'updateFile') {
          const { contentType, payload } = await multipartBody(
            { action: 'update', file_id: node.id, instance_id: ws.id, profile_type: 'workspace' },
            { name: 'revision.txt', data: content },
          );
          a = await this.api('POST', '/current/upload/', undefined, { payload, type: contentType });
        } else a = await this.api('POST', `/current/workspace/${ws.id}/storage/${node.id}/updatenote/`, { content });
        let e = r.wsAccess(caller.id, ws, 'write');
        if (e.status === 200 && home.id !== ws.id) e = NOT_SHARED;
        else if (e.status === 200 && node.trashed) e = NOT_FOUND;
        else if (e.status === 200 && Boolean(node.note) !== (st.t === 'updateNote')) e = INVALID;
        this.expectAnswer(a, e, `${label} ${node.id} of ${home.label} via ${ws.label}`);
        if (e.status === 200) {
          this.register(/zc\d+/.exec(content)![0], { kind: 'wc', ws: home.id, node: node.id });
          const held = home.nodes.find((n) => n.id === node.id)!;
          held.versions = (held.versions ?? 1) + 1;
          this.onlyWorkspace(a, ws.id, label);
          await this.h.emulator.jobs.drain();
        }
        break;
      }
      // --- storage node operations ---
      case 'moveNode':
      case 'copyNode':
      case 'transferNode': {
        // Move or copy a node to root, or transfer it to another workspace, through `ws`; a third
        // of the time the node is another workspace's (401/115069 even where the caller writes).
        // Every model node sits at root under a unique name: a move to root changes nothing, a copy
        // there is a name clash (409/1660). A transfer the model predicts to succeed is not sent
        // (a node's words would then belong to two workspaces' histories, which the model does not
        // keep), so transfers check the refusals: a foreign node, a target the caller cannot write
        // to, another org's workspace or the same workspace (400/1605).
        if (!ws) break;
        const node = this.pickNode(ws, st);
        if (!node) break;
        const home = node.ws;
        let e = r.wsAccess(caller.id, ws, 'write');
        if (e.status === 200 && home.id !== ws.id) e = NOT_SHARED;
        else if (e.status === 200 && node.trashed) e = NOT_FOUND;
        const target = pick(m.workspaces, st.a * 7 + st.v);
        if (st.t === 'transferNode') {
          if (!target) break;
          if (e.status === 200) e = r.wsAccess(caller.id, target, 'write');
          if (e.status === 200 && (target.orgId !== ws.orgId || target.id === ws.id)) e = INVALID;
          if (e.status === 200) break;
        } else if (e.status === 200 && st.t === 'copyNode') e = CONFLICT;
        const a =
          st.t === 'transferNode'
            ? await this.api('POST', `/current/workspace/${ws.id}/storage/${node.id}/transfer/`, { target_workspace_id: target!.id })
            : await this.api('POST', `/current/workspace/${ws.id}/storage/${node.id}/${st.t === 'moveNode' ? 'move' : 'copy'}/`, { parent: 'root' });
        this.expectAnswer(a, e, `${label} ${node.id} of ${home.label} via ${ws.label}${st.t === 'transferNode' ? ` to ${target!.label}` : ''}`);
        if (e.status === 200) this.onlyWorkspace(a, ws.id, label);
        break;
      }
      // --- end storage node operations ---
      // --- uploads ---
      case 'uploadSessions':
      case 'webUploads': {
        // The caller's own sessions and URL imports only: any other user's upload id in the answer is
        // a leak (the answer check knows each session's owner).
        const path = st.t === 'uploadSessions' ? '/current/upload/details/' : this.v2 ? '/current/web_upload/' : '/current/web_upload/list/';
        this.expectAnswer(await this.api('GET', path), OK, `${label} ${path}`);
        break;
      }
      case 'zipFolder': {
        // A workspace's root as a ZIP: read access, charged as bandwidth (V2's `none` has no credits).
        if (!ws) break;
        const a = await this.api('GET', `/current/workspace/${ws.id}/storage/root/zip/`);
        let e = r.wsAccess(caller.id, ws, 'read');
        if (e.status === 200 && r.org(ws.orgId).plan === 'none') e = NO_CREDITS;
        this.expectAnswer(a, e, `${label} zip of ${ws.label}`);
        break;
      }
      // --- end uploads ---
      // --- previews and links ---
      case 'previewNode':
      case 'transformToken': {
        // A node's `bin` preview (the file itself: no rendering, any text file or note) or an image
        // transform token, through `ws`: read access; another workspace's node is not shared. The
        // preview's tokenised path then serves the node's own bytes only, charged as bandwidth.
        if (!ws) break;
        const node = this.pickNode(ws, st);
        if (!node) break;
        const home = node.ws;
        const base = `/current/workspace/${ws.id}/storage/${node.id}`;
        const a = await this.api('GET', st.t === 'previewNode' ? `${base}/preview/bin/preauthorize/` : `${base}/transform/image/requestread/`);
        let e = r.wsAccess(caller.id, ws, 'read');
        if (e.status === 200 && home.id !== ws.id) e = NOT_SHARED;
        else if (e.status === 200 && node.trashed) e = NOT_FOUND;
        this.expectAnswer(a, e, `${label} ${node.id} of ${home.label} via ${ws.label}`);
        if (e.status === 200 && st.t === 'previewNode') {
          const path = (a.body as { path: string }).path;
          expect(path.startsWith(`/current/workspace/${ws.id}/storage/${node.id}/preview/bin/read/`), `${label}: ${path}`).toBe(true);
          // No bearer: the token in the path stands for the caller (not through this.api: MCP takes no byte routes).
          const bytes = await this.h.inject({ method: 'GET', url: path });
          const want = r.org(ws.orgId).plan === 'none' ? NO_CREDITS : OK;
          expect([bytes.status, bytes.body?.error?.code ?? undefined], `${label} preview read of ${node.id}`).toEqual([want.status, want.code]);
          if (bytes.status === 200) this.onlyWorkspace(bytes, ws.id, label);
        }
        if (e.status === 200) this.onlyWorkspace(a, ws.id, label);
        break;
      }
      // --- end previews and links ---
      case 'search': {
        if (!ws) break;
        const q = `${WORDS[st.v % WORDS.length]} ${WORDS[st.b % WORDS.length]} report`;
        const a = await this.api('GET', `/current/workspace/${ws.id}/storage/search/?search=${encodeURIComponent(q)}&details=true`);
        const e = r.wsAccess(caller.id, ws, 'read');
        this.expectAnswer(a, e, `${label} ${ws.label} "${q}"`);
        if (e.status === 200) {
          this.onlyWorkspace(a, ws.id, label);
          const live = new Set(ws.nodes.filter((n) => !n.trashed).map((n) => n.id));
          // April answers results[]; V2 results[] with intelligence on, else a files map keyed by node id.
          const body = a.body as { results?: { node_id: string }[]; files?: Record<string, unknown> };
          const hits = body.results ? body.results.map((h) => h.node_id) : Object.keys(body.files ?? {});
          for (const hit of hits) expect(live.has(hit), `${label}: hit ${hit}`).toBe(true);
        }
        break;
      }
      case 'chat': {
        if (!ws) break;
        // V2 (`/ai/agent/`) has no type: the whole workspace is the scope when intelligence is on.
        const v2 = this.v2;
        const type = v2 ? (ws.intelligence ? 'chat_with_files' : 'chat') : ws.intelligence || st.v % 5 === 4 ? 'chat_with_files' : 'chat';
        const question = `What does the ${WORDS[st.v % WORDS.length]} report say? ${this.marker('zq')}`;
        const a = v2
          ? await this.api('POST', `/current/workspace/${ws.id}/ai/agent/`, { question })
          : await this.api('POST', `/current/workspace/${ws.id}/ai/chat/`, { type, question });
        let e = r.wsAccess(caller.id, ws, 'chat');
        if (e.status === 200 && !r.limits(r.org(ws.orgId)).ai) e = UPGRADE;
        else if (e.status === 200 && type === 'chat_with_files' && !ws.intelligence) e = INVALID;
        this.expectAnswer(a, e, `${label} in ${ws.label} (${type})`);
        if (e.status === 200) {
          const body = a.body as { chat_id?: string; message_id?: string; thread?: { thread_id: string }; turn?: { turn_id: string } };
          const chatId = (body.thread?.thread_id ?? body.chat_id)!;
          ws.chats.push({ id: chatId, type, deleted: false, creator: caller.id });
          this.register(chatId, { kind: 'wc', ws: ws.id });
          this.register(body.turn?.turn_id ?? body.message_id, { kind: 'wc', ws: ws.id });
          this.register(/zq\d+/.exec(question)![0], { kind: 'wc', ws: ws.id });
          this.onlyWorkspace(a, ws.id, label);
        }
        break;
      }
      case 'chatMessage': {
        if (!ws) break;
        const own = st.v % 3 !== 0;
        const all = m.workspaces.flatMap((w) => w.chats.map((c) => ({ ...c, ws: w })));
        const chat = own
          ? pick(
              ws.chats.map((c) => ({ ...c, ws })),
              st.b,
            )
          : pick(all, st.b);
        if (!chat) break;
        const home = chat.ws;
        const question = `And the ${WORDS[st.b % WORDS.length]}?`;
        const a = await this.api('POST', `/current/workspace/${ws.id}/ai/${this.v2 ? 'agent' : 'chat'}/${chat.id}/message/`, { question });
        let e = r.wsAccess(caller.id, ws, 'chat');
        if (e.status === 200 && home.id !== ws.id) e = NOT_FOUND;
        // V2 chats are private: another member's is as good as absent.
        else if (e.status === 200 && this.v2 && chat.creator !== caller.id) e = NOT_FOUND;
        else if (e.status === 200 && !r.limits(r.org(ws.orgId)).ai) e = UPGRADE;
        else if (e.status === 200 && chat.type === 'chat_with_files' && !ws.intelligence) e = INVALID;
        this.expectAnswer(a, e, `${label} chat ${chat.id} of ${home.label} via ${ws.label}`);
        if (e.status === 200) {
          const body = a.body as { turn_id?: string; message?: { id: string } };
          this.register(body.turn_id ?? body.message?.id, { kind: 'wc', ws: ws.id });
          this.onlyWorkspace(a, ws.id, label);
        }
        break;
      }
      case 'chatList': {
        if (!ws) break;
        const a = await this.api('GET', `/current/workspace/${ws.id}/ai/${this.v2 ? 'agent' : 'chat'}/list/`);
        const e = r.wsAccess(caller.id, ws, 'read');
        this.expectAnswer(a, e, `${label} ${ws.label}`);
        if (e.status === 200) this.onlyWorkspace(a, ws.id, label);
        break;
      }
      case 'wsEvents': {
        if (!ws) break;
        this.h.emulator.clock.advance(31);
        const a = await this.api('GET', `/current/events/search/?workspace_id=${ws.id}&limit=250`);
        const e = r.wsAccess(caller.id, ws, 'events');
        this.expectAnswer(a, e, `${label} ${ws.label}`);
        if (e.status === 200) {
          for (const ev of (a.body as { events: { workspace_id: string }[] }).events) expect(ev.workspace_id).toBe(ws.id);
          this.onlyWorkspace(a, ws.id, label);
        }
        break;
      }
      case 'userEvents': {
        this.h.emulator.clock.advance(31);
        const target = st.v % 2 === 0 ? caller : pick(m.users, st.b)!;
        const a = await this.api('GET', `/current/events/search/?user_id=${target.id}&limit=250`);
        const e = target.id === caller.id ? OK : NOT_FOUND;
        this.expectAnswer(a, e, `${label} of ${target.label}`);
        if (e.status === 200) for (const ev of (a.body as { events: { user_id: string }[] }).events) expect(ev.user_id).toBe(caller.id);
        break;
      }
      case 'eventDetails': {
        const ids = [...m.secrets].filter(([, s]) => s.kind === 'event');
        const entry = pick(ids, st.a * 256 + st.b);
        if (!entry) break;
        const [id, s] = entry as [string, Extract<Secret, { kind: 'event' }>];
        const a = await this.api(st.v % 3 === 0 ? 'POST' : 'GET', `/current/event/${id}/${st.v % 3 === 0 ? 'ack' : 'details'}/`);
        this.expectAnswer(a, eventVisible(s, caller.id, this.pre) ? OK : NOT_FOUND, `${label} ${id} ${JSON.stringify(s)}`);
        break;
      }
      case 'poll': {
        const which = st.v % 4;
        const entity = which === 0 ? org.id : which === 1 || which === 2 ? (ws?.id ?? org.id) : st.b % 2 === 0 ? caller.id : pick(m.users, st.b)!.id;
        const key = `${caller.id}:${entity}`;
        const cursor = m.cursors[key];
        const a = await this.api('GET', `/current/activity/poll/${entity}/${cursor ? `?lastactivity=${cursor}` : ''}`);
        let e: Expect;
        const target = m.workspaces.find((w) => w.id === entity);
        const targetOrg = m.orgs.find((o) => o.id === entity);
        if (entity === caller.id) e = OK;
        else if (targetOrg) e = r.orgAccess(caller.id, targetOrg, 'details');
        else if (target) e = r.wsAccess(caller.id, target, 'details');
        else e = NOT_FOUND;
        this.expectAnswer(a, e, `${label} ${entity}`);
        if (e.status === 200) {
          m.cursors[key] = (a.body as { lastactivity: string }).lastactivity;
          if (target) this.onlyWorkspace(a, target.id, label);
          if (targetOrg) for (const word of a.text.match(/[A-Za-z0-9]+/g) ?? []) expect(m.secrets.get(word)?.kind ?? 'none').not.toBe('wc');
        }
        break;
      }
      case 'orgsList': {
        const a = await this.api('GET', '/current/orgs/list/');
        this.expectAnswer(a, OK, label);
        expect((a.body as { orgs: { id: string }[] }).orgs.map((o) => o.id).sort(), label).toEqual(
          m.orgs
            .filter((o) => r.orgRole(caller.id, o))
            .map((o) => o.id)
            .sort(),
        );
        break;
      }
      case 'externalList': {
        const a = await this.api('GET', '/current/orgs/list/external/');
        this.expectAnswer(a, OK, label);
        expect((a.body as { orgs: { id: string }[] }).orgs.map((o) => o.id).sort(), label).toEqual(
          m.orgs
            .filter((o) => !r.orgRole(caller.id, o) && r.isExternal(caller.id, o))
            .map((o) => o.id)
            .sort(),
        );
        break;
      }
      case 'wsAll': {
        const a = await this.api('GET', '/current/workspaces/all/');
        this.expectAnswer(a, OK, label);
        expect((a.body as { workspaces: { id: string }[] }).workspaces.map((w) => w.id).sort(), label).toEqual(
          m.workspaces
            .filter((w) => r.wsRole(caller.id, w))
            .map((w) => w.id)
            .sort(),
        );
        break;
      }
      // --- assets and discovery ---
      case 'orgsAll': {
        // member orgs then external ones, exactly those (no other tenant's org)
        const a = await this.api('GET', '/current/orgs/all/?limit=500');
        this.expectAnswer(a, OK, label);
        expect((a.body as { orgs: { id: string }[] }).orgs.map((o) => o.id).sort(), label).toEqual(
          m.orgs
            .filter((o) => r.orgRole(caller.id, o) || r.isExternal(caller.id, o))
            .map((o) => o.id)
            .sort(),
        );
        break;
      }
      case 'wsLimits': {
        if (!ws) break;
        const a = await this.api('GET', `/current/workspace/${ws.id}/limits/`);
        this.expectAnswer(a, r.wsAccess(caller.id, ws, 'details'), `${label} ${ws.label}`);
        break;
      }
      // --- end assets and discovery ---
      case 'tokenCreate': {
        const a = await this.api('POST', `/current/org/${org.id}/transfer/token/create/`);
        let e = r.orgAccess(caller.id, org, 'tokens');
        if (e.status === 200 && caller.type !== 'agent') e = DENIED;
        else if (e.status === 200 && org.tokens.filter((t) => t.state === 'active').length >= 5) e = PLAN_LIMIT;
        this.expectAnswer(a, e, `${label} ${org.label}`);
        if (e.status === 200) {
          const body = a.body as { id: string; token: string };
          org.tokens.push({ id: body.id, token: body.token, state: 'active' });
          this.register(body.id, { kind: 'oa', org: org.id });
          this.register(body.token, { kind: 'oa', org: org.id });
        }
        break;
      }
      case 'claim': {
        const all = m.orgs.flatMap((o) => o.tokens.map((t) => ({ t, o })));
        const chosen = pick(all, st.b);
        if (!chosen) break;
        const { t, o } = chosen;
        const a = await this.api('POST', '/current/org/transfer/claim/', { token: t.token });
        let e: Expect = t.state === 'gone' ? NOT_FOUND : t.state === 'claimed' ? INVALID : caller.type !== 'human' ? DENIED : OK;
        if (e.status === 200 && r.ownerOf(o) === caller.id) e = INVALID;
        this.expectAnswer(a, e, `${label} ${o.label} with token ${t.id} (${t.state})`);
        if (e.status === 200) {
          o.roles[r.ownerOf(o)] = 'admin';
          o.roles[caller.id] = 'owner';
          for (const w of r.liveWorkspaces(o)) {
            for (const [u, role] of Object.entries(w.rows)) if (role === 'owner' && u !== caller.id) w.rows[u] = 'admin';
            w.rows[caller.id] = 'owner';
          }
          o.plan = this.v2 ? 'none' : 'free';
          for (const other of o.tokens) if (other !== t && other.state === 'active') other.state = 'gone';
          t.state = 'claimed';
        }
        break;
      }
      case 'acceptInvite': {
        const email = pick(m.invited, st.b);
        if (!email) break;
        m.invited = m.invited.filter((x) => x !== email);
        // The invitee signs up (a verified persona with that address): every pending invitation becomes membership.
        const p = await this.h.persona(st.v % 2 === 0 ? 'human' : 'agent', { email });
        const user: MUser = {
          id: p.id,
          token: p.token,
          email,
          password: p.password,
          type: st.v % 2 === 0 ? 'human' : 'agent',
          label: `invitee-${m.users.length}`,
        };
        m.users.push(user);
        for (const o of m.orgs) {
          for (const inv of o.pending.filter((x) => x.email === email)) o.roles[user.id] = inv.role as OrgRole;
          o.pending = o.pending.filter((x) => x.email !== email);
        }
        for (const w of m.workspaces) {
          for (const inv of w.pending.filter((x) => x.email === email)) w.rows[user.id] = inv.role as WsRole;
          w.pending = w.pending.filter((x) => x.email !== email);
        }
        this.log[this.log.length - 1] += ` (${email} -> ${user.label})`;
        break;
      }
      case 'changePlan': {
        const plan = this.v2 ? (['solo_monthly', 'business_v2_monthly', 'growth_monthly'] as const)[st.v % 3]! : (['free', 'pro', 'agent'] as const)[st.v % 3]!;
        const a = await this.api('POST', `/current/org/${org.id}/billing/`, { billing_plan: plan });
        let e = r.orgAccess(caller.id, org, 'billing');
        const ownerType = r.user(r.ownerOf(org)).type;
        // April's agent and free plans are for one account type each; every V2 plan is for both.
        if (e.status === 200 && ((plan === 'agent' && ownerType !== 'agent') || (plan === 'free' && ownerType !== 'human'))) e = INVALID;
        this.expectAnswer(a, e, `${label} ${org.label} to ${plan}`);
        if (e.status === 200) org.plan = plan;
        break;
      }
      case 'createOrg': {
        if (m.orgs.length >= 6 || st.v % 4 !== 0) break;
        const domain = this.marker('zd');
        const name = this.marker('zo');
        const a = await this.api('POST', '/current/org/create/', { domain, name: `Org ${name}` });
        this.expectAnswer(a, OK, `${label} ${domain}`);
        const id = (a.body as { org: { id: string } }).org.id;
        m.orgs.push({
          id,
          domain,
          label: name,
          plan: this.v2 ? 'none' : caller.type === 'agent' ? 'agent' : 'free',
          pmm: 'Member or above',
          roles: { [caller.id]: 'owner' },
          pending: [],
          tokens: [],
        });
        for (const w of [id, domain, name]) this.register(w, { kind: 'om', org: id });
        break;
      }
      // --- invitations and joins ---
      case 'inviteExisting': {
        // An existing account invited by its address: a pending invitation (members/service.ts CHOICE), never a role.
        const target = pick(m.users, st.b)!;
        const toOrg = st.v % 2 === 0 || !ws;
        const role = toOrg ? (st.v % 3 === 0 ? 'admin' : 'member') : (['admin', 'member', 'guest'] as const)[st.v % 3]!;
        const path = toOrg ? `/current/org/${org.id}` : `/current/workspace/${ws!.id}`;
        const a = await this.api('POST', `${path}/members/${encodeURIComponent(target.email)}/`, { permissions: role });
        const pendingList = toOrg ? org.pending : ws!.pending;
        let e = toOrg ? r.orgAccess(caller.id, org, 'manage') : r.wsAccess(caller.id, ws!, 'manage');
        if (e.status === 200) {
          const mine = toOrg ? ORG_RANK[r.orgRole(caller.id, org)!] : WS_RANK[r.wsRole(caller.id, ws!)!];
          const rank = toOrg ? ORG_RANK[role as OrgRole] : WS_RANK[role as WsRole];
          if (rank > mine) e = DENIED;
          else if ((toOrg ? org.roles[target.id] : ws!.rows[target.id]) || pendingList.some((x) => x.email === target.email)) e = CONFLICT;
          else if (!toOrg) {
            const limit = r.limits(r.org(ws!.orgId)).members;
            if (limit !== null && Object.keys(ws!.rows).length + ws!.pending.length >= limit) e = PLAN_LIMIT;
          }
        }
        this.expectAnswer(a, e, `${label} ${target.label} by address to ${toOrg ? org.label : ws!.label} as ${role}`);
        if (e.status === 200) {
          const member = (a.body as { member: { id: string | null; status: string; invite: { id: string } } }).member;
          if (member.id !== null || member.status !== 'pending') this.fail(`${label}: an address was added at once: ${a.text.slice(0, 300)}`);
          pendingList.push({ email: target.email, role, id: member.invite.id });
          this.register(member.invite.id, toOrg ? { kind: 'oi', org: org.id } : { kind: 'wc', ws: ws!.id });
        }
        break;
      }
      case 'myInvitations':
      case 'acceptMine': {
        const accept = st.t === 'acceptMine';
        const open = this.openInvitations(caller);
        const a = await this.invitationCall(accept ? 'POST' : 'GET', accept ? '/current/user/invitations/acceptall/' : '/current/user/invitations/list/', open);
        this.expectAnswer(a, OK, label);
        const got = ((a.body as { invitations: { id: string }[] }).invitations ?? []).map((i) => i.id).sort();
        const expected = open
          .filter((o) => !accept || !o.member)
          .map((o) => o.inv.id)
          .sort();
        if (JSON.stringify(got) !== JSON.stringify(expected))
          this.fail(`${label}: invitations ${JSON.stringify(got)}, the model has ${JSON.stringify(expected)}`);
        if (accept) {
          for (const o of open) {
            if (o.org) {
              if (!o.member) o.org.roles[caller.id] = o.inv.role as OrgRole;
              o.org.pending = o.org.pending.filter((x) => x !== o.inv);
            } else {
              if (!o.member) o.ws!.rows[caller.id] = o.inv.role as WsRole;
              o.ws!.pending = o.ws!.pending.filter((x) => x !== o.inv);
            }
          }
        }
        break;
      }
      case 'joinOrg': {
        // The answer names the caller's own invitation to this org, when it has one (its membership row).
        const a = await this.invitationCall(
          'POST',
          `/current/org/${org.id}/members/join/`,
          this.openInvitations(caller).filter((o) => o.org === org),
        );
        const inv = org.pending.find((x) => x.email === caller.email);
        const e = org.roles[caller.id] ? CONFLICT : inv ? OK : r.isExternal(caller.id, org) ? DENIED : NOT_FOUND;
        this.expectAnswer(a, e, `${label} ${org.label}`);
        if (e.status === 200) {
          org.roles[caller.id] = inv!.role as OrgRole;
          org.pending = org.pending.filter((x) => x !== inv);
        }
        break;
      }
      // --- end invitations and joins ---
      // --- shares ---
      case 'shareCreate': {
        if (!ws) break;
        const title = this.marker('zs');
        const form: Record<string, string> = this.v2 ? { title: `Share ${title}`, intelligence: 'false' } : { title: `Share ${title}`, share_type: 'send' };
        const a = await this.api('POST', `/current/workspace/${ws.id}/create/share/`, form);
        const e = r.wsAccess(caller.id, ws, 'write');
        this.expectAnswer(a, e, `${label} in ${ws.label}`);
        if (e.status === 200) {
          const body = (a.body as { share: { id: string; custom_name: string } }).share;
          m.shares.push({ id: body.id, wsId: ws.id, creator: caller.id, members: {}, archived: false, deleted: false });
          for (const w of [body.id, body.custom_name, title]) this.register(w, { kind: 'sh', share: body.id });
        }
        break;
      }
      // --- share storage / visitor tokens ---
      case 'shareStoreUpload': {
        if (!share) break;
        const name = this.marker('zf');
        const { contentType, payload } = await multipartBody(
          { name: `${name}.txt`, action: 'create', instance_id: share.id, folder_id: 'root', profile_type: 'share' },
          { name: `${name}.txt`, data: `${this.marker('zf')} ${name}` },
        );
        const a = await this.api('POST', '/current/upload/', undefined, { payload, type: contentType });
        const e = r.shareStoreWrite(caller.id, share, this.shareType());
        this.expectAnswer(a, e, `${label} ${name} in share ${share.id}`);
        if (e.status === 200) {
          const body = a.body as { id: string; new_file_id: string };
          (m.shareFiles[share.id] ??= []).push(body.new_file_id);
          for (const w of [body.new_file_id, name, body.id]) this.register(w, { kind: 'sh', share: share.id });
          await this.h.emulator.jobs.drain();
        }
        break;
      }
      case 'shareStoreList': {
        if (!share) break;
        const a = await this.api('GET', `/current/share/${share.id}/storage/root/list/`);
        const e = r.shareStoreRead(caller.id, share);
        this.expectAnswer(a, e, `${label} ${share.id}`);
        if (e.status === 200) {
          const listed = (a.body as { nodes: { id: string }[] }).nodes.map((n) => n.id).sort();
          expect(listed, `${label} ${share.id}`).toEqual([...(m.shareFiles[share.id] ?? [])].sort());
        }
        break;
      }
      case 'linkShareCreate': {
        if (!ws) break;
        const title = this.marker('zs');
        const password = `pw-${this.marker('zp')}`;
        const form: Record<string, string> = { title: `Link ${title}`, access_options: 'Anyone with the link', password, intelligence: 'false' };
        if (!this.v2) form.share_type = 'send';
        const a = await this.api('POST', `/current/workspace/${ws.id}/create/share/`, form);
        const e = r.wsAccess(caller.id, ws, 'write');
        this.expectAnswer(a, e, `${label} in ${ws.label}`);
        if (e.status === 200) {
          const body = (a.body as { share: { id: string; custom_name: string } }).share;
          // A password link opens the share to strangers only through the password: the model's roles hold.
          m.shares.push({ id: body.id, wsId: ws.id, creator: caller.id, members: {}, archived: false, deleted: false });
          m.sharePasswords[body.id] = password;
          for (const w of [body.id, body.custom_name, title]) this.register(w, { kind: 'sh', share: body.id });
        }
        break;
      }
      case 'visitorRead': {
        const withPassword = m.shares.filter((x) => m.sharePasswords[x.id] !== undefined);
        const sh = pick(withPassword, st.a);
        if (!sh) break;
        const gone = sh.deleted || r.ws(sh.wsId).deleted;
        const open: Expect = gone ? NOT_FOUND : sh.archived ? NOT_SHARED : OK;
        // An earlier token (half the time) or a fresh one from the password.
        let token = st.v % 2 === 0 ? m.visitorTokens[sh.id] : undefined;
        if (!token) {
          const auth = await this.h.inject({
            method: 'POST',
            url: `/current/share/${sh.id}/auth/password/`,
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            payload: new URLSearchParams({ password: m.sharePasswords[sh.id]! }).toString(),
          });
          this.expectAnswer(auth, open, `visitor auth ${sh.id}`);
          if (open.status !== 200) break;
          token = (auth.body as { auth_token: string }).auth_token;
          m.visitorTokens[sh.id] = token;
        }
        const list = await this.visitorApi(token, 'GET', `/current/share/${sh.id}/storage/root/list/`);
        this.expectAnswer(list, open, `visitor list ${sh.id}`);
        this.visitorSees(list, sh.id, `visitor list ${sh.id}`);
        if (open.status === 200) {
          const listed = (list.body as { nodes: { id: string }[] }).nodes.map((n) => n.id).sort();
          expect(listed, `visitor list ${sh.id}`).toEqual([...(m.shareFiles[sh.id] ?? [])].sort());
        }
        // Another share, another share's file through this one, a workspace route, an upload: nothing opens.
        const other = pick(
          m.shares.filter((x) => x.id !== sh.id),
          st.b,
        );
        if (other) {
          const a = await this.visitorApi(token, 'GET', `/current/share/${other.id}/storage/root/list/`);
          this.expectAnswer(a, other.deleted || r.ws(other.wsId).deleted ? NOT_FOUND : NOT_SHARED, `visitor of ${sh.id} lists ${other.id}`);
          this.visitorSees(a, sh.id, `visitor of ${sh.id} lists ${other.id}`);
        }
        const foreign = pick(
          Object.entries(m.shareFiles).flatMap(([id, files]) => (id === sh.id ? [] : files)),
          st.b,
        );
        if (foreign && open.status === 200) {
          const a = await this.visitorApi(token, 'GET', `/current/share/${sh.id}/storage/${foreign}/requestread/`);
          this.expectAnswer(a, NOT_SHARED, `visitor of ${sh.id} reads ${foreign}`);
          this.visitorSees(a, sh.id, `visitor of ${sh.id} reads ${foreign}`);
        }
        const wsList = await this.visitorApi(token, 'GET', `/current/workspace/${sh.wsId}/storage/root/list/`);
        this.expectAnswer(wsList, { status: 401, code: 1650 }, `visitor of ${sh.id} on the workspace`);
        const { contentType, payload } = await multipartBody(
          { name: 'drop.txt', action: 'create', instance_id: sh.id, folder_id: 'root', profile_type: 'share' },
          { name: 'drop.txt', data: 'visitor bytes' },
        );
        const up = await this.visitorApi(token, 'POST', '/current/upload/', { payload, type: contentType });
        this.expectAnswer(up, { status: 401, code: 1650 }, `visitor of ${sh.id} uploads`);
        break;
      }
      // --- end share storage / visitor tokens ---
      case 'shareDetails': {
        if (!share) break;
        const byName = st.v % 3 === 2;
        const ref = byName ? (this.h.emulator.db.shares.get(share.id)!.customName as string) : share.id;
        const a = await this.api('GET', `/current/share/${ref}/details/`);
        const e = r.shareAccess(caller.id, share, 'guest');
        this.expectAnswer(a, e, `${label} ${share.id}${byName ? ' by name' : ''}`);
        if (e.status === 200) expect((a.body as { share: { permissions: string } }).share.permissions).toBe(r.shareRole(caller.id, share));
        break;
      }
      case 'shareUpdate': {
        if (!share) break;
        const title = this.marker('zs');
        const a = await this.api('POST', `/current/share/${share.id}/update/`, { title: `Share ${title}` });
        let e = r.shareAccess(caller.id, share, 'admin');
        if (e.status === 200 && share.archived) e = DENIED;
        this.expectAnswer(a, e, `${label} ${share.id}`);
        if (e.status === 200) this.register(title, { kind: 'sh', share: share.id });
        break;
      }
      case 'shareArchive': {
        if (!share) break;
        const archive = st.v % 2 === 0;
        const a = await this.api('POST', `/current/share/${share.id}/${archive ? 'archive' : 'unarchive'}/`);
        let e = r.shareAccess(caller.id, share, 'admin');
        if (e.status === 200 && share.archived === archive) e = CONFLICT;
        this.expectAnswer(a, e, `${label} ${share.id} ${archive ? 'archive' : 'unarchive'}`);
        if (e.status === 200) share.archived = archive;
        break;
      }
      case 'shareDelete': {
        if (!share || st.v % 3 !== 0) break;
        const a = await this.api('DELETE', `/current/share/${share.id}/delete/`, { confirm: share.id });
        const e = r.shareAccess(caller.id, share, 'admin');
        this.expectAnswer(a, e, `${label} ${share.id}`);
        if (e.status === 200) share.deleted = true;
        break;
      }
      case 'sharesAll': {
        const a = await this.api('GET', '/current/shares/all/?limit=500');
        this.expectAnswer(a, OK, label);
        expect((a.body as { shares: { id: string }[] }).shares.map((x) => x.id).sort(), label).toEqual(r.listedShares(caller.id).sort());
        break;
      }
      case 'wsShares': {
        if (!ws) break;
        const a = await this.api('GET', `/current/workspace/${ws.id}/list/shares/?limit=500`);
        const e = r.wsAccess(caller.id, ws, 'details');
        this.expectAnswer(a, e, `${label} ${ws.label}`);
        if (e.status === 200) {
          const want = r.listedShares(caller.id).filter((id) => m.shares.find((x) => x.id === id)!.wsId === ws.id);
          expect((a.body as { shares: { id: string }[] }).shares.map((x) => x.id).sort(), `${label} ${ws.label}`).toEqual(want.sort());
          this.onlyWorkspace(a, ws.id, label);
        }
        break;
      }
      case 'shareAddMember': {
        if (!share) break;
        const role = (['admin', 'member', 'guest', 'view'] as const)[st.v % 4]!;
        const target = pick(m.users, st.b)!;
        const a = await this.api('POST', `/current/share/${share.id}/members/${target.id}/`, { permissions: role });
        let e = r.shareAccess(caller.id, share, 'admin');
        if (e.status === 200 && share.archived) e = DENIED;
        else if (e.status === 200 && r.shareGated(share)) e = SUBSCRIPTION;
        else if (e.status === 200 && SHARE_RANK[role] > SHARE_RANK[r.shareRole(caller.id, share)!]) e = DENIED;
        else if (e.status === 200 && r.explicitShareRole(target.id, share)) e = CONFLICT;
        this.expectAnswer(a, e, `${label} ${target.label} to ${share.id} as ${role}`);
        if (e.status === 200) share.members[target.id] = role;
        break;
      }
      case 'shareRemoveMember': {
        if (!share) break;
        const target = pick(m.users, st.b)!;
        const a = await this.api('DELETE', `/current/share/${share.id}/members/${target.id}/`);
        let e = r.shareAccess(caller.id, share, 'admin');
        const row = r.explicitShareRole(target.id, share);
        if (e.status === 200 && share.archived) e = DENIED;
        else if (e.status === 200 && r.shareGated(share)) e = SUBSCRIPTION;
        else if (e.status === 200 && !row) e = NOT_FOUND;
        else if (e.status === 200 && (row === 'owner' || SHARE_RANK[row!] > SHARE_RANK[r.shareRole(caller.id, share)!])) e = DENIED;
        this.expectAnswer(a, e, `${label} ${target.label} from ${share.id}`);
        if (e.status === 200) delete share.members[target.id];
        break;
      }
      // --- end shares ---
      // --- share ai --- (the model's shares have no backing folder: a share's answer may cite nothing)
      case 'shareChat': {
        if (!share) break;
        const question = `What does the ${WORDS[st.v % WORDS.length]} report say? ${this.marker('zq')}`;
        const a = this.v2
          ? await this.api('POST', `/current/share/${share.id}/ai/agent/`, { question })
          : await this.api('POST', `/current/share/${share.id}/ai/chat/`, { type: 'chat_with_files', question });
        let e = r.shareAccess(caller.id, share, 'view');
        if (e.status === 200 && share.archived) e = DENIED;
        else if (e.status === 200 && !r.limits(r.org(ws!.orgId)).ai) e = UPGRADE;
        this.expectAnswer(a, e, `${label} in share ${share.id}`);
        if (e.status === 200) {
          const body = a.body as { chat_id?: string; message_id?: string; thread?: { thread_id: string }; turn?: Json; message?: Json };
          const chatId = (body.thread?.thread_id ?? body.chat_id)!;
          ((m.shareChats ??= {})[share.id] ??= []).push({ id: chatId, creator: caller.id, deleted: false });
          for (const w of [chatId, (body.turn?.turn_id ?? body.message_id) as string, /zq\d+/.exec(question)![0]])
            this.register(w, { kind: 'sh', share: share.id });
          const turn = (body.turn ?? body.message)!;
          expect(((turn.response as Json).citations as unknown[]).length, `${label}: a share without files cites nothing`).toBe(0);
          this.onlyWorkspace(a, share.wsId, label);
        }
        break;
      }
      case 'shareChatMessage': {
        if (!share) break;
        // A chat of this share two steps in three, else any share's (which this share must not reach).
        const all = Object.entries(m.shareChats ?? {}).flatMap(([sid, list]) => list.map((c) => ({ ...c, share: sid })));
        const chat =
          st.v % 3 !== 0
            ? pick(
                all.filter((c) => c.share === share.id),
                st.b,
              )
            : pick(all, st.b);
        if (!chat) break;
        const a = await this.api('POST', `/current/share/${share.id}/ai/${this.v2 ? 'agent' : 'chat'}/${chat.id}/message/`, {
          question: `And the ${WORDS[st.b % WORDS.length]}?`,
        });
        let e = r.shareAccess(caller.id, share, 'view');
        if (e.status === 200 && share.archived) e = DENIED;
        else if (e.status === 200 && (chat.share !== share.id || chat.creator !== caller.id)) e = NOT_FOUND;
        else if (e.status === 200 && !r.limits(r.org(ws!.orgId)).ai) e = UPGRADE;
        this.expectAnswer(a, e, `${label} chat ${chat.id} of share ${chat.share} via ${share.id}`);
        if (e.status === 200) {
          const body = a.body as { turn_id?: string; message?: { id: string } };
          this.register(body.turn_id ?? body.message?.id, { kind: 'sh', share: share.id });
        }
        break;
      }
      case 'shareChatList': {
        if (!share) break;
        const a = await this.api('GET', `/current/share/${share.id}/ai/${this.v2 ? 'agent' : 'chat'}/list/?limit=500`);
        let e = r.shareAccess(caller.id, share, 'view');
        if (e.status === 200 && share.archived) e = DENIED;
        this.expectAnswer(a, e, `${label} share ${share.id}`);
        if (e.status === 200) {
          const want = (m.shareChats?.[share.id] ?? []).filter((c) => c.creator === caller.id && !c.deleted).map((c) => c.id);
          const got = (a.body as { chats: { id: string }[] }).chats.map((c) => c.id);
          expect(got.sort(), `${label} share ${share.id}`).toEqual(want.sort());
        }
        break;
      }
      // --- end share ai ---
      // --- comments ---
      case 'commentAdd': {
        // A comment on a node through `ws`: a third of the time another workspace's node (401/115069).
        if (!ws) break;
        const node = this.pickNode(ws, st);
        if (!node) break;
        const word = this.marker('zq');
        const a = await this.api('POST', `/current/comments/workspace/${ws.id}/${node.id}/`, {
          body: `Please review ${word} of the ${WORDS[st.v % WORDS.length]}`,
        });
        let e = r.wsAccess(caller.id, ws, 'write');
        if (e.status === 200 && node.ws.id !== ws.id) e = NOT_SHARED;
        else if (e.status === 200 && node.trashed) e = NOT_FOUND;
        this.expectAnswer(a, e, `${label} on ${node.id} of ${node.ws.label} via ${ws.label}`);
        if (e.status === 200) {
          const id = (a.body as { comment: { id: string } }).comment.id;
          (m.comments ??= []).push({ id, wsId: ws.id });
          this.register(id, { kind: 'wc', ws: ws.id });
          this.register(word, { kind: 'wc', ws: ws.id });
          this.onlyWorkspace(a, ws.id, label);
        }
        break;
      }
      case 'commentList': {
        if (!ws) break;
        const a = await this.api('GET', `/current/comments/workspace/${ws.id}/?limit=500`);
        const e = r.wsAccess(caller.id, ws, 'read');
        this.expectAnswer(a, e, `${label} ${ws.label}`);
        if (e.status === 200) {
          this.onlyWorkspace(a, ws.id, label);
          const listed = (a.body as { comments: { id: string }[] }).comments.map((c) => c.id).sort();
          expect(listed, `${label} ${ws.label}`).toEqual(
            (m.comments ?? [])
              .filter((c) => c.wsId === ws.id)
              .map((c) => c.id)
              .sort(),
          );
        }
        break;
      }
      case 'commentRead': {
        // Details or a reaction by comment id alone: the comment's own workspace decides.
        if (!ws) break;
        const all = m.comments ?? [];
        const comment =
          st.v % 3 !== 0
            ? pick(
                all.filter((c) => c.wsId === ws.id),
                st.b,
              )
            : pick(all, st.b);
        if (!comment) break;
        const home = r.ws(comment.wsId);
        const react = st.v % 2 === 1;
        const a = react
          ? await this.api('POST', `/current/comments/${comment.id}/reactions/`, { emoji: WORDS[st.b % WORDS.length]! })
          : await this.api('GET', `/current/comments/${comment.id}/details/`);
        const e = r.wsAccess(caller.id, home, react ? 'write' : 'read');
        this.expectAnswer(a, e, `${label} ${react ? 'react to' : 'details of'} ${comment.id} of ${home.label}`);
        if (e.status === 200) this.onlyWorkspace(a, home.id, label);
        break;
      }
      // --- end comments ---
      // --- assets --- (an org's, a workspace's or a share's logo: v picks which; another tenant's as often as one's own)
      case 'assetUpload':
      case 'assetList':
      case 'assetRead':
      case 'assetDelete': {
        const write = st.t === 'assetUpload' || st.t === 'assetDelete';
        const kind = (['org', 'workspace', 'share'] as const)[st.v % 3]!;
        const sh = kind === 'share' ? pick(m.shares, st.b) : undefined;
        if (kind === 'workspace' && !ws) break;
        if (kind === 'share' && !sh) break;
        const id = kind === 'org' ? org.id : kind === 'workspace' ? ws!.id : sh!.id;
        const base = `/current/${kind}/${id}/assets/`;
        let e: Expect;
        if (kind === 'org') e = r.orgAccess(caller.id, org, write ? 'update' : 'details');
        else if (kind === 'workspace') e = r.wsAccess(caller.id, ws!, write ? 'update' : 'details');
        else {
          e = r.shareAccess(caller.id, sh!, write ? 'admin' : 'view');
          if (write && e.status === 200 && sh!.archived) e = DENIED;
        }
        const slot = `${kind}:${id}/logo`;
        const held = Boolean(m.assets?.[slot]);
        let a: Answer;
        if (st.t === 'assetUpload') {
          const { contentType, payload } = await multipartBody({}, { field: 'file', name: 'logo.png', data: ASSET_PNG });
          a = await this.api('POST', `${base}logo/`, undefined, { payload, type: contentType });
        } else if (st.t === 'assetDelete') a = await this.api('DELETE', `${base}logo/`);
        else a = await this.api('GET', st.t === 'assetList' ? base : `${base}logo/read/`);
        if (e.status === 200 && !held && (st.t === 'assetRead' || st.t === 'assetDelete')) e = NOT_FOUND;
        this.expectAnswer(a, e, `${label} ${kind} ${id}`);
        if (e.status !== 200) break;
        if (st.t === 'assetUpload') (m.assets ??= {})[slot] = true;
        if (st.t === 'assetDelete') delete m.assets![slot];
        if (st.t === 'assetList') {
          const names = ((a.body as { assets: { name: string; entity_id: string }[] }).assets ?? []).map((x) => `${x.entity_id}/${x.name}`);
          expect(names, label).toEqual(held ? [`${id}/logo`] : []);
        }
        if (st.t === 'assetRead') expect(Buffer.compare(a.bytes, ASSET_PNG), label).toBe(0);
        break;
      }
      // --- end assets ---
      // --- imports ---
      case 'importProvision': {
        if (!ws) break;
        const a = await this.api('POST', `/current/imports/workspace/${ws.id}/identities/provision/`, { provider: 'emulator' });
        const e = r.wsAccess(caller.id, ws, 'write');
        this.expectAnswer(a, e, `${label} ${ws.label}`);
        if (e.status === 200) {
          const id = (a.body as { identity: { id: string } }).identity.id;
          (m.importIdentities ??= []).push({ id, wsId: ws.id });
          this.register(id, { kind: 'wc', ws: ws.id });
          this.onlyWorkspace(a, ws.id, label);
        }
        break;
      }
      case 'importSourceCreate': {
        // A source over a folder of the emulator drive, then disconnected (its folder trashed).
        if (!ws) break;
        const identity = pick(
          (m.importIdentities ?? []).filter((i) => i.wsId === ws.id),
          st.b,
        );
        if (!identity) break;
        const word = this.marker('zi');
        const a = await this.api('POST', `/current/imports/workspace/${ws.id}/sources/create/`, { identity_id: identity.id, remote_path: `/${word}` });
        const e = r.wsAccess(caller.id, ws, 'write');
        this.expectAnswer(a, e, `${label} ${ws.label}`);
        if (e.status === 200) {
          const id = (a.body as { source: { id: string } }).source.id;
          this.register(id, { kind: 'wc', ws: ws.id });
          this.register(word, { kind: 'wc', ws: ws.id });
          this.onlyWorkspace(a, ws.id, label);
          (m.importSources ??= []).push({ id, wsId: ws.id });
          const d = await this.api('POST', `/current/imports/details/${id}/disconnect/`, { action: 'delete' });
          this.expectAnswer(d, OK, `${label} disconnect ${id}`);
        }
        break;
      }
      case 'importSourceList': {
        if (!ws) break;
        const a = await this.api('GET', `/current/imports/workspace/${ws.id}/sources/?limit=500`);
        const e = r.wsAccess(caller.id, ws, 'read');
        this.expectAnswer(a, e, `${label} ${ws.label}`);
        if (e.status === 200) {
          this.onlyWorkspace(a, ws.id, label);
          const listed = (a.body as { sources: { id: string }[] }).sources.map((x) => x.id).sort();
          expect(listed, `${label} ${ws.label}`).toEqual(
            (m.importSources ?? [])
              .filter((x) => x.wsId === ws.id)
              .map((x) => x.id)
              .sort(),
          );
        }
        break;
      }
      case 'importSourceRead': {
        // A source by id alone (its jobs a third of the time): the source's own workspace decides.
        if (!ws) break;
        const all = m.importSources ?? [];
        const source =
          st.v % 3 !== 0
            ? pick(
                all.filter((x) => x.wsId === ws.id),
                st.b,
              )
            : pick(all, st.b);
        if (!source) break;
        const home = r.ws(source.wsId);
        const a = await this.api('GET', `/current/imports/details/${source.id}/${st.b % 3 === 0 ? 'jobs/' : ''}`);
        const e = r.wsAccess(caller.id, home, 'read');
        this.expectAnswer(a, e, `${label} ${source.id} of ${home.label}`);
        if (e.status === 200) this.onlyWorkspace(a, home.id, label);
        break;
      }
      // --- end imports ---
      // --- metadata ---
      case 'metaTemplate': {
        if (!ws) break;
        const word = this.marker('zm');
        const a = await this.api('POST', `/current/workspace/${ws.id}/metadata/templates/`, {
          name: `Register ${word}`,
          description: `The ${WORDS[st.v % WORDS.length]} register`,
          category: 'legal',
          fields: '[{"name":"amount","type":"float"}]',
        });
        let e = r.wsAccess(caller.id, ws, 'write');
        const held = (m.templates ?? []).filter((t) => t.wsId === ws.id).length;
        if (e.status === 200 && held >= TEMPLATE_CAPS[r.org(ws.orgId).plan]) e = PLAN_LIMIT;
        this.expectAnswer(a, e, `${label} ${ws.label}`);
        if (e.status === 200) {
          const id = (a.body as { template_id: string }).template_id;
          (m.templates ??= []).push({ id, wsId: ws.id });
          this.register(id, { kind: 'wc', ws: ws.id });
          this.register(word, { kind: 'wc', ws: ws.id });
          this.onlyWorkspace(a, ws.id, label);
        }
        break;
      }
      case 'metaList': {
        if (!ws) break;
        const a = await this.api('GET', `/current/workspace/${ws.id}/metadata/templates/list/`);
        const e = r.wsAccess(caller.id, ws, 'read');
        this.expectAnswer(a, e, `${label} ${ws.label}`);
        if (e.status === 200) {
          this.onlyWorkspace(a, ws.id, label);
          const listed = (a.body as { templates: { id: string }[] }).templates.map((t) => t.id).sort();
          expect(listed, `${label} ${ws.label}`).toEqual(
            (m.templates ?? [])
              .filter((t) => t.wsId === ws.id)
              .map((t) => t.id)
              .sort(),
          );
        }
        break;
      }
      case 'metaRead': {
        // A template's details through `ws`: a third of the time another workspace's template (404/1609).
        if (!ws) break;
        const all = m.templates ?? [];
        const tpl =
          st.v % 3 !== 0
            ? pick(
                all.filter((t) => t.wsId === ws.id),
                st.b,
              )
            : pick(all, st.b);
        if (!tpl) break;
        const a = await this.api('GET', `/current/workspace/${ws.id}/metadata/templates/${tpl.id}/details/`);
        let e = r.wsAccess(caller.id, ws, 'read');
        if (e.status === 200 && tpl.wsId !== ws.id) e = NOT_FOUND;
        this.expectAnswer(a, e, `${label} ${tpl.id} of ${r.ws(tpl.wsId).label} via ${ws.label}`);
        if (e.status === 200) this.onlyWorkspace(a, ws.id, label);
        break;
      }
      // --- end metadata ---
      // --- fileshares --- (V2: a durable link to one file; a grant opens that fileshare and nothing else)
      case 'fileshareCreate': {
        // On a node through `ws` (a third of the time another workspace's: not a file of this one, 400/1605).
        if (!this.v2 || !ws) break;
        // Three times in four a live file of `ws` (notes and trashed nodes are no fileshare's), else any node.
        const files = ws.nodes.filter((n) => !n.note && !n.trashed).map((n) => ({ ...n, ws }));
        const node = st.v % 4 !== 0 && files.length > 0 ? pick(files, st.b)! : this.pickNode(ws, st);
        if (!node) break;
        const title = this.marker('zh');
        const access = st.v % 5 === 4 ? 'any_registered' : 'named_people';
        const a = await this.api('POST', `/current/workspace/${ws.id}/create/fileshare/`, { node: node.id, title: `Link ${title}`, access_option: access });
        let e = r.wsAccess(caller.id, ws, 'write');
        if (e.status === 200 && (node.ws.id !== ws.id || node.trashed || node.note)) e = INVALID;
        this.expectAnswer(a, e, `${label} on ${node.id} of ${node.ws.label} via ${ws.label}`);
        if (e.status === 200) {
          const id = (a.body as { fileshare: { id: string } }).fileshare.id;
          (m.fileshares ??= []).push({ id, wsId: ws.id, nodeId: node.id, access, grants: {}, deleted: false });
          for (const w of [id, title]) this.register(w, { kind: 'fs', ws: ws.id, fileshare: id });
          this.onlyWorkspace(a, ws.id, label);
        }
        break;
      }
      case 'fileshareGrant': {
        // Grant a user (any tenant's) a capability, remove a grant, or (rarely) delete the fileshare.
        if (!this.v2 || !fileshare) break;
        const target = pick(m.users, st.b)!;
        const op = st.v % 8 === 7 ? 'delete' : st.v % 3 === 0 ? 'remove' : 'add';
        const capability = (['view', 'download', 'edit'] as const)[st.b % 3]!;
        const base = `/current/fileshare/${fileshare.id}`;
        const a =
          op === 'delete'
            ? await this.api('DELETE', `${base}/delete/`)
            : op === 'remove'
              ? await this.api('DELETE', `${base}/grants/?user=${target.id}`)
              : await this.api('POST', `${base}/grants/`, { user: target.id, capability });
        let e = r.fileshareManage(caller.id, fileshare);
        if (e.status === 200 && op === 'remove' && !fileshare.grants[target.id]) e = NOT_FOUND;
        this.expectAnswer(a, e, `${label} ${op} ${target.label} (${capability}) on ${fileshare.id}`);
        if (e.status === 200) {
          if (op === 'delete') {
            fileshare.deleted = true;
            fileshare.grants = {};
          } else if (op === 'remove') delete fileshare.grants[target.id];
          else fileshare.grants[target.id] = capability;
        }
        break;
      }
      case 'fileshareRead': {
        // Details, versions or the bytes, by anyone (grant holders half the time): then, from a
        // recipient who is no member, the workspace and its list of fileshares stay shut.
        if (!this.v2 || !fileshare) break;
        const what = (['details', 'versions', 'read'] as const)[st.v % 3]!;
        const base = `/current/fileshare/${fileshare.id}`;
        const a = await this.api('GET', what === 'details' ? `${base}/details/` : what === 'versions' ? `${base}/storage/versions/` : `${base}/storage/read/`);
        let e = r.fileshareConsume(caller.id, fileshare, what === 'read' ? 'download' : 'view');
        // The bytes are charged to the org as bandwidth: V2's `none` has no credits.
        if (e.status === 200 && what === 'read' && r.org(r.ws(fileshare.wsId).orgId).plan === 'none') e = NO_CREDITS;
        const home = r.ws(fileshare.wsId);
        const stranger = r.wsRole(caller.id, home) === undefined && r.orgRole(caller.id, r.org(home.orgId)) === undefined;
        this.expectAnswer(a, e, `${label} ${what} of ${fileshare.id} (${home.label})`, stranger ? 'stranger' : undefined);
        if (e.status === 200 && what === 'details') {
          const body = (a.body as { fileshare: { id: string; effective_capability: string; file: { id: string } } }).fileshare;
          expect([body.id, body.effective_capability, body.file.id], label).toEqual([
            fileshare.id,
            r.fileshareCapability(caller.id, fileshare),
            fileshare.nodeId,
          ]);
        }
        if (e.status === 200 && what === 'versions') {
          const versions = (a.body as { versions: { id: string }[] }).versions;
          expect(versions.length, `${label} versions of ${fileshare.nodeId}`).toBe(home.nodes.find((n) => n.id === fileshare.nodeId)!.versions);
          for (const v of versions) this.register(v.id, { kind: 'wc', ws: home.id, node: fileshare.nodeId });
        }
        if (stranger && e.status === 200) {
          const list = await this.api('GET', `/current/workspace/${home.id}/storage/root/list/`);
          this.expectAnswer(list, r.wsAccess(caller.id, home, 'read'), `${label}: recipient of ${fileshare.id} lists ${home.label}`, 'shut');
          const all = await this.api('GET', `/current/workspace/${home.id}/list/fileshares/`);
          this.expectAnswer(all, r.wsAccess(caller.id, home, 'write'), `${label}: recipient of ${fileshare.id} lists the fileshares of ${home.label}`, 'shut');
        }
        break;
      }
      case 'fileshareList': {
        if (!this.v2 || !ws) break;
        const a = await this.api('GET', `/current/workspace/${ws.id}/list/fileshares/?limit=500`);
        const e = r.wsAccess(caller.id, ws, 'write');
        this.expectAnswer(a, e, `${label} ${ws.label}`);
        if (e.status === 200) {
          this.onlyWorkspace(a, ws.id, label);
          const listed = (a.body as { fileshares: { id: string }[] }).fileshares.map((f) => f.id).sort();
          const want = (m.fileshares ?? []).filter((f) => f.wsId === ws.id && !f.deleted).map((f) => f.id);
          expect(listed, `${label} ${ws.label}`).toEqual(want.sort());
        }
        break;
      }
      // --- end fileshares ---
      // --- locks and versions ---
      case 'lockCycle': {
        // The caller takes the lock of a node through `ws`; someone else (any tenant's, through the
        // node's workspace or another) asks its status, tries to release it with the holder's
        // token, to take it, and to delete the node; the holder releases it. Locks never outlive
        // the step, so the other steps' writes need no model of them.
        if (!ws) break;
        const node = this.pickNode(ws, st);
        if (!node) break;
        const home = node.ws;
        const path = (via: MWs) => `/current/workspace/${via.id}/storage/${node.id}/lock/`;
        const onNode = (u: string, via: MWs, action: 'read' | 'write'): Expect => {
          const e = r.wsAccess(u, via, action);
          if (e.status !== 200) return e;
          if (via.id !== home.id) return NOT_SHARED;
          return node.trashed ? NOT_FOUND : OK;
        };
        const acquire = await this.api('POST', path(ws), { duration: '120' });
        const e = onNode(caller.id, ws, 'write');
        this.expectAnswer(acquire, e, `${label} ${node.id} of ${home.label} via ${ws.label}`, 'acquire');
        const others = m.users.filter((u) => u.id !== caller.id);
        const other = pick(others, st.b * 3 + st.v)!;
        const via = st.v % 2 === 0 ? home : pick(m.workspaces, st.b)!;
        const what = `${other.label} on the lock of ${node.id} (${home.label}) via ${via.label}`;
        if (e.status !== 200) {
          // No lock: a release answers 404/1609 to whoever may write there.
          const rel = await this.apiAs(other, undefined, 'DELETE', path(via), { lock_token: 'f'.repeat(48) });
          const want = onNode(other.id, via, 'write');
          this.expectAnswer(rel, want.status === 200 ? NOT_FOUND : want, `${what}: release without a lock`, 'steal');
          break;
        }
        const token = (acquire.body as { lock_token: string }).lock_token;
        this.registerToken(token, caller.id);
        const status = await this.apiAs(other, undefined, 'GET', path(via));
        const seen = onNode(other.id, via, 'read');
        this.expectAnswer(status, seen, `${what}: status`, 'status');
        if (seen.status === 200) expect((status.body as { lock: Json }).lock, what).toMatchObject({ locked: true, holder: caller.id });
        const steal = await this.apiAs(other, undefined, 'DELETE', path(via), { lock_token: token });
        const mayWrite = onNode(other.id, via, 'write');
        this.expectAnswer(steal, mayWrite.status === 200 ? INVALID : mayWrite, `${what}: release with the holder's token`, 'steal');
        const take = await this.apiAs(other, undefined, 'POST', path(via));
        this.expectAnswer(take, mayWrite.status === 200 ? CONFLICT : mayWrite, `${what}: acquire`, 'take');
        if (mayWrite.status === 200) {
          const del = await this.apiAs(other, undefined, 'DELETE', `/current/workspace/${via.id}/storage/${node.id}/delete/`);
          this.expectAnswer(del, CONFLICT, `${what}: delete the locked node`, 'write');
        }
        const release = await this.api('DELETE', path(ws), { lock_token: token });
        this.expectAnswer(release, OK, `${label} release ${node.id}`, 'release');
        const after = await this.apiAs(other, undefined, 'DELETE', path(via), { lock_token: token });
        this.expectAnswer(after, mayWrite.status === 200 ? NOT_FOUND : mayWrite, `${what}: release after the holder`, 'release');
        const free = await this.api('GET', path(ws));
        this.expectAnswer(free, OK, `${label} status of ${node.id} after release`);
        expect((free.body as { lock: Json }).lock.locked, label).toBe(false);
        break;
      }
      case 'versions': {
        if (!ws) break;
        const node = this.pickNode(ws, st);
        if (!node) break;
        const a = await this.api('GET', `/current/workspace/${ws.id}/storage/${node.id}/versions/`);
        let e = r.wsAccess(caller.id, ws, 'read');
        if (e.status === 200 && node.ws.id !== ws.id) e = NOT_SHARED;
        else if (e.status === 200 && node.trashed) e = NOT_FOUND;
        this.expectAnswer(a, e, `${label} ${node.id} of ${node.ws.label} via ${ws.label}`);
        if (e.status === 200) {
          this.onlyWorkspace(a, ws.id, label);
          const versions = (a.body as { versions: { id: string; current: boolean }[] }).versions;
          expect(versions.length, `${label} ${node.id}`).toBe(node.versions);
          expect(versions[0]!.current, `${label} ${node.id}: the current version first`).toBe(true);
          for (const v of versions) this.register(v.id, { kind: 'wc', ws: ws.id, node: node.id });
        }
        break;
      }
      // --- end locks and versions ---
      // --- oauth ---
      case 'oauthGrant': {
        // The PKCE flow as `fastio auth login` drives it, approving one grant: an org or a
        // workspace (the caller's own or any tenant's), read-only or read-write.
        const type = st.v % 2 === 0 ? 'org' : 'workspace';
        // Half the time a tenant of the caller's own (so calls can pass the grant), else any.
        const own = st.b % 2 === 0;
        const orgs = own ? m.orgs.filter((o) => r.orgRole(caller.id, o) || r.isExternal(caller.id, o)) : m.orgs;
        const workspaces = own ? m.workspaces.filter((w) => r.wsRole(caller.id, w)) : m.workspaces;
        const target = type === 'org' ? (pick(orgs, st.a) ?? org).id : (pick(workspaces, st.b >> 1) ?? pick(m.workspaces, st.b)!).id;
        const grant: MGrant = { type, id: target, mode: (st.v >> 1) % 2 === 0 ? 'rw' : 'r' };
        const verifier = `${this.marker('zv')}${'v'.repeat(43)}`;
        const challenge = createHash('sha256').update(verifier).digest('base64url');
        const form = (f: Record<string, string>) => ({
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          payload: new URLSearchParams(f).toString(),
        });
        const query = new URLSearchParams({
          client_id: 'fastio-cli',
          response_type: 'code',
          code_challenge: challenge,
          code_challenge_method: 'S256',
          redirect_uri: 'http://localhost:19836/callback',
          response_format: 'json',
        });
        const opened = await this.h.inject({ method: 'GET', url: `/current/oauth/authorize/?${query}` });
        this.expectAnswer(opened, OK, `${label} authorize`, 'flow');
        const requestId = (opened.body as { auth_request_id: string }).auth_request_id;
        const page = await this.h.inject({
          method: 'POST',
          url: '/current/oauth/authorize/',
          ...form({ auth_request_id: requestId, step: 'signin', email: caller.email, password: caller.password }),
        });
        const consent = /name="consent_token" value="([^"]*)"/.exec(page.text)?.[1];
        if (!consent) this.fail(`${label}: no consent form: ${page.text.slice(0, 300)}`);
        const approved = await this.h.inject({
          method: 'POST',
          url: '/current/oauth/authorize/',
          ...form({ auth_request_id: requestId, step: 'approve', consent_token: consent, grant: `${type}:${target}:${grant.mode}` }),
        });
        const code = /id="authorization-code"[^>]*>([^<]+)</.exec(approved.text)?.[1];
        if (!code) this.fail(`${label}: no code: ${approved.text.slice(0, 300)}`);
        const tokens = await this.h.inject({
          method: 'POST',
          url: '/current/oauth/token/',
          ...form({
            grant_type: 'authorization_code',
            code,
            code_verifier: verifier,
            client_id: 'fastio-cli',
            redirect_uri: 'http://localhost:19836/callback',
          }),
        });
        this.expectAnswer(tokens, OK, `${label} token exchange`, 'flow');
        const t = tokens.body as unknown as { access_token: string; refresh_token: string; session_id: string; expires_in: number; scopes: string };
        expect(JSON.parse(t.scopes), label).toEqual([`${type}:${target}:${grant.mode}`]);
        const now = this.h.emulator.clock.now();
        (m.oauth ??= []).push({ user: caller.id, token: t.access_token, sessionId: t.session_id, grant, expires: now + t.expires_in * 1000, revoked: false });
        this.registerToken(t.access_token, caller.id);
        this.registerToken(t.refresh_token, caller.id);
        this.registerToken(t.session_id, caller.id);
        this.registerToken(code, caller.id);
        // Not checked by checkLeaks (no bearer, no user): these answers are the caller's alone.
        break;
      }
      case 'oauthCall': {
        // A call with a session's access token, as its user: an org's details, a workspace's
        // listing, a note written into a workspace, or the user's workspaces (a list filtered by the grant).
        const s = session;
        if (!s) break;
        const user = r.user(s.user);
        const now = this.h.emulator.clock.now();
        const op = (['org', 'list', 'note', 'all', 'fileshare'] as const)[st.v % 5]!;
        const grant = `${s.grant.type}:${s.grant.id}:${s.grant.mode}${s.revoked ? ' (revoked)' : ''}`;
        if (op === 'all') {
          const a = await this.apiAs(user, s.token, 'GET', '/current/workspaces/all/', undefined, [s.grant.id]);
          this.expectAnswer(a, r.oauthExpect(s, now, OK, true), `${user.label} with ${grant}: workspaces/all`);
          if (a.status === 200) {
            const want = m.workspaces.filter((w) => r.wsRole(user.id, w) && r.grantReaches(s.grant, { orgId: w.orgId, wsId: w.id }, false)).map((w) => w.id);
            expect((a.body as { workspaces: { id: string }[] }).workspaces.map((w) => w.id).sort(), `${user.label} with ${grant}`).toEqual(want.sort());
          }
          break;
        }
        if (op === 'fileshare') {
          // V2: a fileshare's details, which the user holds as a member or by a grant; a grant of
          // the token reaches it only through its org or workspace (no token scope names a fileshare).
          const all = m.fileshares ?? [];
          const held = all.filter((x) => r.fileshareLive(x) && r.fileshareCapability(user.id, x));
          const f = st.b % 2 === 0 && held.length > 0 ? pick(held, st.b >> 1) : pick(all, st.b);
          if (!this.v2 || !f) break;
          const home = r.ws(f.wsId);
          const a = await this.apiAs(user, s.token, 'GET', `/current/fileshare/${f.id}/details/`, undefined, [s.grant.id]);
          const e = r.oauthExpect(s, now, r.fileshareConsume(user.id, f, 'view'), r.grantReaches(s.grant, { orgId: home.orgId, wsId: home.id }, false));
          this.expectAnswer(a, e, `${user.label} with ${grant}: details of fileshare ${f.id} (${home.label})`, 'fileshare');
          break;
        }
        if (op === 'org') {
          const target = pick(m.orgs, st.b)!;
          const a = await this.apiAs(user, s.token, 'GET', `/current/org/${target.id}/details/`, undefined, [s.grant.id]);
          const e = r.oauthExpect(s, now, r.orgAccess(user.id, target, 'details'), r.grantReaches(s.grant, { orgId: target.id }, false));
          this.expectAnswer(a, e, `${user.label} with ${grant}: details of ${target.label}`);
          break;
        }
        const target = pick(m.workspaces, st.b)!;
        if (op === 'list') {
          const a = await this.apiAs(user, s.token, 'GET', `/current/workspace/${target.id}/storage/root/list/`, undefined, [s.grant.id]);
          const e = r.oauthExpect(s, now, r.wsAccess(user.id, target, 'read'), r.grantReaches(s.grant, { orgId: target.orgId, wsId: target.id }, false));
          this.expectAnswer(a, e, `${user.label} with ${grant}: list of ${target.label}`);
          if (e.status === 200) this.onlyWorkspace(a, target.id, label);
          break;
        }
        const name = this.marker('zn');
        const content = `${WORDS[st.b % WORDS.length]} memo ${this.marker('zc')}.`;
        const a = await this.apiAs(user, s.token, 'POST', `/current/workspace/${target.id}/storage/root/createnote/`, { name: `${name}.md`, content }, [
          s.grant.id,
        ]);
        const e = r.oauthExpect(s, now, r.wsAccess(user.id, target, 'write'), r.grantReaches(s.grant, { orgId: target.orgId, wsId: target.id }, true));
        this.expectAnswer(a, e, `${user.label} with ${grant}: a note in ${target.label}`);
        if (e.status === 200) {
          const nodeId = (a.body as { node: { id: string } }).node.id;
          target.nodes.push({ id: nodeId, trashed: false, note: true, versions: 1 });
          for (const w of [nodeId, name, /zc\d+/.exec(content)![0]]) this.register(w, { kind: 'wc', ws: target.id, node: nodeId });
          await this.h.emulator.jobs.drain();
        }
        break;
      }
      case 'oauthRevoke': {
        // The caller (with its API key) revokes a session, its own or another user's (404/1609),
        // then lists its own: exactly the model's live ones.
        const s = session;
        if (!s) break;
        // The sessions list quotes each session's grant: ids the caller chose itself.
        this.knows = new Set((m.oauth ?? []).filter((x) => x.user === caller.id).map((x) => x.grant.id));
        const a = await this.api('DELETE', `/current/oauth/sessions/${s.sessionId}/`);
        const e = s.user === caller.id && !s.revoked ? OK : NOT_FOUND;
        this.expectAnswer(a, e, `${label} session of ${r.user(s.user).label}${s.revoked ? ' (revoked)' : ''}`);
        if (e.status === 200) s.revoked = true;
        const list = await this.api('GET', '/current/oauth/sessions/');
        this.expectAnswer(list, OK, `${label} sessions`, 'list');
        const want = (m.oauth ?? []).filter((x) => x.user === caller.id && !x.revoked).map((x) => x.sessionId);
        expect((list.body as { sessions: { id: string }[] }).sessions.map((x) => x.id).sort(), label).toEqual(want.sort());
        break;
      }
      // --- end oauth ---
    }
    this.afterStep(caller);
  }

  /** Every answer of the step is checked for leaks; the emulator's memberships equal the model's; history grows. */
  afterStep(caller: MUser): void {
    for (const [a, url] of this.answers) this.checkLeaks(a, url);
    const m = this.m;
    const db = this.h.emulator.db;
    for (const org of m.orgs) {
      const rows = db.orgMembers.find('org', org.id);
      const active = Object.fromEntries(rows.filter((x) => x.status === 'active').map((x) => [x.userId!, x.role]));
      if (JSON.stringify(sortKeys(active)) !== JSON.stringify(sortKeys(org.roles))) {
        this.fail(`org ${org.label}: the emulator has members ${JSON.stringify(active)}, the model ${JSON.stringify(org.roles)}`);
      }
      if (rows.filter((x) => x.status === 'pending').length !== org.pending.length) this.fail(`org ${org.label}: pending invitations differ`);
      if (db.orgs.get(org.id)!.plan !== org.plan) this.fail(`org ${org.label}: plan ${db.orgs.get(org.id)!.plan}, model ${org.plan}`);
    }
    for (const ws of m.workspaces) {
      const rows = db.workspaceMembers.find('workspace', ws.id);
      const active = Object.fromEntries(rows.filter((x) => x.status === 'active').map((x) => [x.userId!, x.role]));
      if (JSON.stringify(sortKeys(active)) !== JSON.stringify(sortKeys(ws.rows))) {
        this.fail(`workspace ${ws.label}: the emulator has members ${JSON.stringify(active)}, the model ${JSON.stringify(ws.rows)}`);
      }
      if (Boolean(db.workspaces.get(ws.id)!.deleted) !== ws.deleted) this.fail(`workspace ${ws.label}: deleted differs`);
    }
    for (const sh of m.shares) {
      const active = Object.fromEntries(
        db.shareMembers
          .find('share', sh.id)
          .filter((x) => x.status === 'active')
          .map((x) => [x.userId!, x.role]),
      );
      const want = { ...sh.members, [sh.creator]: 'owner' };
      if (JSON.stringify(sortKeys(active)) !== JSON.stringify(sortKeys(want))) {
        this.fail(`share ${sh.id}: the emulator has members ${JSON.stringify(active)}, the model ${JSON.stringify(want)}`);
      }
    }
    // Every user's, not only the caller's: a member added by someone else, who leaves in their
    // first step of their own, could see the org before it (and its own events name it).
    for (const user of m.users) {
      const h = new Set(m.history[user.id] ?? []);
      for (const s of this.rules.visibility(user.id)) h.add(s);
      if (user.id === caller.id) for (const s of this.pre) h.add(s);
      m.history[user.id] = [...h];
    }
  }
}

function sortKeys(o: Record<string, unknown>): [string, unknown][] {
  return Object.entries(o).sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

// ---------------------------------------------------------------------------------------------
// The base state: three tenants with every role, built by the steps' own code

async function buildBase(dialect: Dialect): Promise<{ state: ReturnType<InProcessEmulator['emulator']['exportState']>; model: Model }> {
  const h = await inProcessEmulator({ ...HOLD_JOBS, apiDialect: dialect });
  const m: Model = {
    users: [],
    orgs: [],
    workspaces: [],
    shares: [],
    invited: [],
    secrets: new Map(),
    history: {},
    cursors: {},
    counter: 0,
    shareFiles: {},
    sharePasswords: {},
    visitorTokens: {},
  };
  const types: ('agent' | 'human')[] = ['agent', 'human', 'human', 'human', 'human', 'human', 'human', 'human', 'human', 'human', 'agent', 'human'];
  for (const [i, type] of types.entries()) {
    const p = await h.persona(type);
    m.users.push({ id: p.id, token: p.token, email: p.email, password: p.password, type, label: `u${i}-${type}` });
  }
  const run = new Run(h, m, {});
  const u = (i: number) => i;
  const step = async (t: Kind, c: number, a = 0, b = 0, v = 0) => {
    const before = run.stats.ok ?? 0;
    // An odd `c` names the caller directly: user c >> 1.
    await run.step({ t, c: c * 2 + 1, a, b, v });
    if ((run.stats.ok ?? 0) !== before + 1) throw new Error(`base step ${t} by u${c} did not succeed: ${run.log.at(-1)}`);
  };
  const orgIdx = (i: number) => i;
  const wsIdx = () => m.workspaces.length - 1;
  // Tenant 0: an agent's org on the agent plan. Tenant 1: a human's on free. Tenant 2: on pro.
  for (const owner of [0, 1, 2]) await step('createOrg', u(owner), 0, 0, 0);
  if (dialect === 'v2') {
    // A V2 org holds nothing until it subscribes: Solo, Business and Growth.
    for (const owner of [0, 1, 2]) await step('changePlan', u(owner), orgIdx(owner), 0, owner);
  } else await step('changePlan', u(2), orgIdx(2), 0, 1);
  // t0: one workspace (no intelligence on the agent plan); u3 org member; u4 a guest from tenant 1.
  await step('createWorkspace', u(0), orgIdx(0), 0, 1);
  await step('addOrgMember', u(0), orgIdx(0), 3, 1);
  await step('addWsMember', u(0), wsIdx(), 4, 2);
  await step('upload', u(0), wsIdx(), 1, 1);
  await step('tokenCreate', u(0), orgIdx(0));
  // t1: two intelligent workspaces, one only admins may join; u3 admin, u5 member (in ws a), u6 guest (external), u7 admin of ws b (external).
  await step('createWorkspace', u(1), orgIdx(1), 0, 0);
  const t1a = wsIdx();
  await step('createWorkspace', u(1), orgIdx(1), 1, 2);
  const t1b = wsIdx();
  await step('addOrgMember', u(1), orgIdx(1), 3, 0);
  await step('addOrgMember', u(1), orgIdx(1), 5, 1);
  await step('addWsMember', u(1), t1a, 5, 1);
  await step('addWsMember', u(1), t1a, 6, 2);
  await step('addWsMember', u(1), t1b, 7, 0);
  await step('upload', u(1), t1a, 0, 0);
  await step('note', u(5), t1a, 2, 1);
  await step('upload', u(7), t1b, 3, 2);
  await step('chat', u(1), t1a, 0, 0);
  await step('addOrgMember', u(1), orgIdx(1), 0, 4);
  await step('addWsMember', u(1), t1a, 0, 6);
  // t2: pro; u8 admin, u9 member with an explicit workspace role, u10 (an agent) and u6 external members.
  await step('createWorkspace', u(2), orgIdx(2), 0, 0);
  const t2a = wsIdx();
  await step('addOrgMember', u(2), orgIdx(2), 8, 0);
  await step('addOrgMember', u(2), orgIdx(2), 9, 1);
  await step('addWsMember', u(2), t2a, 9, 1);
  await step('addWsMember', u(2), t2a, 10, 1);
  await step('addWsMember', u(2), t2a, 6, 2);
  await step('upload', u(9), t2a, 4, 3);
  await step('note', u(2), t2a, 5, 0);
  await step('chat', u(9), t2a, 1, 1);
  // Shares: one by t1's owner, one by u5 (a workspace member) in t1a; one by u9 in t2a.
  await step('shareCreate', u(1), t1a);
  await step('shareCreate', u(5), t1a);
  await step('shareCreate', u(9), t2a);
  // u11 has nothing.
  m.cursors = {};
  return { state: h.emulator.exportState(), model: m };
}

function cloneModel(m: Model): Model {
  return { ...structuredClone({ ...m, secrets: undefined }), secrets: new Map(m.secrets) } as Model;
}

// ---------------------------------------------------------------------------------------------

describe.each(DIALECTS)('isolation under random sequences (fast-check, model-based; %s)', (dialect) => {
  const target = scale(10_000, Number(process.env.FASTIO_ISOLATION_STEPS ?? 100_000));
  const seed = Number(process.env.FASTIO_ISOLATION_SEED ?? 94_171);

  it(
    `${target} steps over three tenants: no answer shows a caller what it may not see; every refusal uses the documented code`,
    { timeout: LONG ? 3_600_000 : 240_000 },
    async () => {
      const base = await buildBase(dialect);
      const stats: Record<string, number> = {};
      const kinds: Record<string, number> = {};
      const outcomes: Record<string, { ok: number; refused: number }> = {};
      let steps = 0;
      let runs = 0;
      let batch = 0;
      const started = performance.now();
      while (steps < target) {
        const batchSeed = seed + batch++;
        console.log(`[reliability] isolation: fast-check seed ${batchSeed} (FASTIO_ISOLATION_SEED=${seed}, batch ${batch})`);
        await fc.assert(
          fc.asyncProperty(fc.array(stepArb, { minLength: 1, maxLength: 150, size: 'max' }), async (seq) => {
            const h = await inProcessEmulator({ ...HOLD_JOBS, apiDialect: dialect, randomSeed: `iso-${batchSeed}-${runs}` });
            h.emulator.importState(base.state);
            const model = cloneModel(base.model);
            const run = new Run(h, model, stats, outcomes);
            for (const e of h.emulator.db.events.values()) model.secrets.set(e.id, { kind: 'event', org: e.orgId, ws: e.workspaceId, user: e.userId });
            for (const st of seq) await run.step(st);
            steps += run.steps;
            runs++;
            for (const st of seq) kinds[st.t] = (kinds[st.t] ?? 0) + 1;
          }),
          { seed: batchSeed, numRuns: 20, verbose: 1 },
        );
      }
      report('isolation-property', {
        dialect,
        seed,
        steps,
        runs,
        batches: batch,
        seconds: Math.round((performance.now() - started) / 1000),
        answers: stats,
        stepsByKind: kinds,
        outcomesByKind: Object.fromEntries(BOTH_SIDES[dialect].map((k) => [k, outcomes[k]])),
      });
      expect(steps).toBeGreaterThanOrEqual(target);
      // Each of the newer kinds was refused and allowed at least once (else half its rule went untested).
      const oneSided = BOTH_SIDES[dialect].filter((k) => !outcomes[k] || outcomes[k].ok === 0 || outcomes[k].refused === 0);
      expect(oneSided, JSON.stringify(Object.fromEntries(oneSided.map((k) => [k, outcomes[k]])))).toEqual([]);
    },
  );
});
