/**
 * Tenancy set-up for contract tests: an org per tenant, workspaces, members. Every org made here
 * is closed when the test ends, so a live run leaves nothing behind.
 */
import { onTestFinished } from 'vitest';
import type { ApiClient, ApiResponse } from './client.js';
import type { Persona } from './target.js';
import { currentTarget, planForNewOrg, subscribeNewOrg, uniqueName } from './harness.js';

export interface OrgInfo {
  id: string;
  domain: string;
  name: string;
  plan: string;
}

export interface WorkspaceInfo {
  id: string;
  org_id: string;
  folder_name: string;
  name: string;
  intelligence: boolean;
}

export class SetupError extends Error {
  constructor(what: string, res: ApiResponse) {
    super(`${what} failed: HTTP ${res.status} ${res.text}`);
  }
}

/**
 * A name unique to this run, starting with the run prefix (the live target refuses orgs without
 * it): usable as an org domain or a folder name.
 */
export function uniqueDomain(prefix = 't'): string {
  return uniqueName(prefix);
}

/**
 * An org for the running test, closed when it ends. Under V2 it is subscribed to a plan
 * (`fields.billing_plan`, else the set-up plan; `billing_plan: 'none'` leaves it upgrade-only):
 * see `planForNewOrg` in harness.ts. The answer is the org as it is after that (its `plan`).
 */
export async function createOrg(api: ApiClient, fields: Record<string, string> = {}): Promise<OrgInfo> {
  const target = currentTarget();
  const { createFields, subscribeTo } = planForNewOrg(target, fields);
  const domain = (createFields.domain as string | undefined) ?? uniqueDomain();
  const res = await api.post('/current/org/create/', { name: `Tenant ${domain}`.slice(0, 100), ...createFields, domain });
  if (res.status !== 200) throw new SetupError('org create', res);
  const org = res.body.org as OrgInfo;
  onTestFinished(async () => {
    // Close as the creator; if ownership moved, the test closed it (or the new owner may).
    await api.post(`/current/org/${org.id}/close/`, { confirm: org.domain });
  });
  const plan = await subscribeNewOrg(target, api, org.id, res, subscribeTo);
  if (plan !== undefined) org.plan = plan;
  return org;
}

/** The workspace-create fields every dialect takes (V2 requires `intelligence` too). */
export const WORKSPACE_DEFAULTS = {
  perm_join: 'Member or above',
  perm_member_manage: 'Admin or above',
  intelligence: 'false',
};

export async function createWorkspace(api: ApiClient, orgId: string, fields: Record<string, string | boolean> = {}): Promise<WorkspaceInfo> {
  const folder = (fields.folder_name as string | undefined) ?? uniqueDomain('ws');
  const res = await api.post(`/current/org/${orgId}/create/workspace/`, {
    name: `Workspace ${folder}`.slice(0, 100),
    ...WORKSPACE_DEFAULTS,
    ...fields,
    folder_name: folder,
  });
  if (res.status !== 200) throw new SetupError('workspace create', res);
  return res.body.workspace as WorkspaceInfo;
}

export async function addOrgMember(api: ApiClient, orgId: string, who: string, permissions: 'admin' | 'member'): Promise<void> {
  const res = await api.post(`/current/org/${orgId}/members/${encodeURIComponent(who)}/`, { permissions });
  if (res.status !== 200) throw new SetupError('org member add', res);
}

export async function addWorkspaceMember(api: ApiClient, workspaceId: string, who: string, permissions: 'admin' | 'member' | 'guest'): Promise<void> {
  const res = await api.post(`/current/workspace/${workspaceId}/members/${encodeURIComponent(who)}/`, { permissions });
  if (res.status !== 200) throw new SetupError('workspace member add', res);
}

export interface ShareInfo {
  id: string;
  custom_name: string;
  [field: string]: unknown;
}

/** A share of a workspace, with fields both dialects take (V2 requires `intelligence`). */
export async function createShare(api: ApiClient, workspaceId: string, fields: Record<string, string> = {}): Promise<ShareInfo> {
  const res = await api.post(`/current/workspace/${workspaceId}/create/share/`, { title: 'Client share', intelligence: 'false', ...fields });
  if (res.status !== 200) throw new SetupError('share create', res);
  return res.body.share as ShareInfo;
}

/** A fresh signed-in owner with an org and a workspace: the starting point of most share tests. */
export async function ownerWithWorkspace(c: { signedIn(): Promise<{ api: ApiClient; persona: Persona }> }) {
  const owner = await c.signedIn();
  const org = await createOrg(owner.api);
  const ws = await createWorkspace(owner.api, org.id);
  return { ...owner, org, ws };
}
