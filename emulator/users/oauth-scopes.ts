/**
 * Token scopes: what a scoped credential (an OAuth access token, an API key with scopes) may
 * reach. A grant is `entity_type:entity_id:access_mode` (`org:123:rw`, `workspace:456:r`), with
 * `*` for every entity of that type; the named scopes of the authorize request (`all_orgs`,
 * `all_workspaces`, `all_shares`) are the wildcard grants.
 *
 * PARITY: agent guide v1.29 REFERENCE.md "OAuth Scopes — Controlling Access": named scope types,
 * inheritance all_orgs > all_workspaces > all_shares, no scope = full access, responses carry the
 * `entity_type:entity_id:access_mode` form, out-of-scope access answers 403 (SKILL.md v2.6).
 * The check runs inside tenancy/access.ts (an access gate), so every route and every service that
 * resolves an org or workspace for the caller is covered, not only routes that declare `access`.
 */
import type { OrgScope, WorkspaceScope } from '../tenancy/access.js';
import type { Caller } from '../http/context.js';
import { Errors } from '../http/errors.js';

export const SCOPE_ENTITY_TYPES = ['org', 'workspace', 'share'] as const;
export type ScopeEntityType = (typeof SCOPE_ENTITY_TYPES)[number];
export type AccessMode = 'r' | 'rw';

export interface ScopeGrant {
  type: ScopeEntityType;
  /** an entity id, or `*` for every entity of the type the user reaches */
  id: string;
  mode: AccessMode;
}

/** The named scopes (the authorize request's `scope` / `scope_type`) as grants. */
export const NAMED_SCOPES: Readonly<Record<string, ScopeGrant>> = {
  all_orgs: { type: 'org', id: '*', mode: 'rw' },
  all_workspaces: { type: 'workspace', id: '*', mode: 'rw' },
  all_shares: { type: 'share', id: '*', mode: 'rw' },
};

const GRANT = /^(org|workspace|share):([A-Za-z0-9_*-]{1,64}):(r|rw|w)$/;

export function grantText(g: ScopeGrant): string {
  return `${g.type}:${g.id}:${g.mode}`;
}

/** One scope word -> a grant, or undefined when it names none. `w` is read as `rw` (a write implies reading). */
export function parseGrant(word: string): ScopeGrant | undefined {
  const named = NAMED_SCOPES[word.trim()];
  if (named) return named;
  const m = GRANT.exec(word.trim());
  if (!m) return undefined;
  return { type: m[1] as ScopeEntityType, id: m[2]!, mode: m[3] === 'r' ? 'r' : 'rw' };
}

/**
 * A scope parameter -> grants. Accepts a JSON array of strings (the form responses use and the CLI
 * sends for API keys) or words separated by spaces or commas (OAuth's `scope`). Returns undefined
 * when nothing in it is a grant; `strict` then also refuses any word that is not one.
 */
export function parseScopes(text: string | null | undefined, strict = false): ScopeGrant[] | undefined {
  if (text === undefined || text === null || text.trim() === '') return undefined;
  let words: string[];
  try {
    const parsed: unknown = JSON.parse(text);
    words = Array.isArray(parsed) ? parsed.filter((w): w is string => typeof w === 'string') : [String(parsed)];
  } catch {
    words = text.split(/[\s,]+/).filter((w) => w !== '');
  }
  const grants: ScopeGrant[] = [];
  for (const w of words) {
    const g = parseGrant(w);
    if (g) grants.push(g);
    else if (strict)
      throw Errors.invalidField('scope', `"${w.slice(0, 80)}" is not a scope: use all_orgs, all_workspaces, all_shares or entity_type:entity_id:r|rw.`);
  }
  return grants.length > 0 ? grants : undefined;
}

/**
 * Read actions of the permission table: the names end in view, details, list or read. Anything
 * else is a write. CHOICE: an unknown action (a new area's) counts as a write, the safe side.
 */
export function isReadAction(action: string): boolean {
  return /\.(view|details|list|read)$/.test(action);
}

function covers(g: ScopeGrant, type: ScopeEntityType, id: string, write: boolean): boolean {
  if (write && g.mode !== 'rw') return false;
  return g.type === type && (g.id === '*' || g.id === id);
}

/**
 * Does the grant list reach this tenant for this action? Inheritance: an org grant reaches the
 * org's workspaces and shares, a workspace grant its shares.
 * CHOICE: `all_workspaces` (workspace:*) does not reach org-level actions (creating a workspace,
 * billing, members of the org): the guide puts orgs above workspaces in the inheritance.
 */
export function grantsReach(
  grants: readonly ScopeGrant[],
  scope: { kind: string; action: string; org?: { id: string }; workspace?: { id: string }; share?: { id: string } },
): boolean {
  const write = !isReadAction(scope.action);
  const orgId = scope.org?.id ?? '';
  if (grants.some((g) => covers(g, 'org', orgId, write))) return true;
  if (scope.kind === 'org') return false;
  const wsId = scope.workspace?.id;
  if (wsId !== undefined && grants.some((g) => covers(g, 'workspace', wsId, write))) return true;
  if (scope.kind === 'workspace') return false;
  const shareId = scope.share?.id;
  return shareId !== undefined && grants.some((g) => covers(g, 'share', shareId, write));
}

/** The access gate: a scoped caller reaching outside its grants gets 403/1680. */
export function tokenScopeGate(scope: OrgScope | WorkspaceScope, caller: Partial<Pick<Caller, 'credential'>> | undefined): void {
  checkTokenScopes(scope, caller);
}

/**
 * The same check for any scope, a share's too (shares/access.ts asks it for every share action,
 * so a share grant reaches its share and a workspace or org grant the shares under it).
 */
export function checkTokenScopes(scope: Parameters<typeof grantsReach>[1], caller: Partial<Pick<Caller, 'credential'>> | undefined): void {
  const texts = caller?.credential?.scopes;
  if (!texts) return;
  const grants = texts.map(parseGrant).filter((g): g is ScopeGrant => g !== undefined);
  if (!grantsReach(grants, scope)) throw Errors.accessDenied(`This token's scopes (${texts.join(', ')}) do not allow ${scope.action} here.`);
}

/** Whether the credential is narrowed at all (user-level actions that could widen it refuse such callers). */
export function isScoped(caller: Pick<Caller, 'credential'>): boolean {
  return caller.credential.scopes !== undefined;
}

/** Where an item of a user-level list lives: its org, and its workspace and share when it has them. */
export interface ListedAt {
  orgId: string;
  workspaceId?: string | undefined;
  shareId?: string | undefined;
}

/**
 * A filter for the user-level lists (orgs, workspaces, shares the user reaches): a scoped
 * credential sees only what its grants would let it read, an unscoped one everything.
 * CHOICE: the guide says out-of-scope access answers 403 and is silent on lists; a list that named
 * tenants the token cannot open would tell what the grant withholds, so they are left out.
 */
export function listedWithin(caller: Pick<Caller, 'credential'>): (at: ListedAt) => boolean {
  const texts = caller.credential.scopes;
  if (!texts) return () => true;
  const grants = texts.map(parseGrant).filter((g): g is ScopeGrant => g !== undefined);
  return (at) =>
    grantsReach(grants, {
      kind: at.shareId !== undefined ? 'share' : at.workspaceId !== undefined ? 'workspace' : 'org',
      action: 'scope.list',
      org: { id: at.orgId },
      ...(at.workspaceId !== undefined ? { workspace: { id: at.workspaceId } } : {}),
      ...(at.shareId !== undefined ? { share: { id: at.shareId } } : {}),
    });
}
