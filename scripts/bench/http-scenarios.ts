/**
 * What the throughput benchmark measures on the emulator: one scenario per route. A scenario's
 * `setup` creates the state it needs on a running emulator (through the API and the control
 * plane, like a test would) and returns the request(s) to repeat; the ceilings and peers answer
 * the body the emulator gave for the first of them.
 *
 * To add a route, add a scenario: name the routes it needs (`needs`, checked against
 * `GET /_emulator/routes`, so a route that is not in the build is skipped with a note) and write
 * its setup.
 */
import type { LoadRequest } from './load.js';

export class ScenarioSkipped extends Error {}

export interface ScenarioSetup {
  requests: LoadRequest[];
  /** The bearer token the requests carry (the ceilings check for it). */
  token: string;
}

export interface HttpScenario {
  id: string;
  title: string;
  /** `METHOD /path/` as `GET /_emulator/routes` lists them. */
  needs: string[];
  /** Compared with json-server and Prism too (the equivalent read). */
  peers: boolean;
  /** The throughput targets apply to this row. */
  targets: boolean;
  setup(url: string): Promise<ScenarioSetup>;
}

export interface Persona {
  user_id: string;
  api_key: string;
  auth_token: string;
}

export async function persona(url: string): Promise<Persona> {
  const res = await fetch(`${url}/_emulator/users/`, { method: 'POST' });
  if (res.status !== 200) throw new Error(`POST /_emulator/users/ answered ${res.status}`);
  return (await res.json()) as Persona;
}

const FORM = 'application/x-www-form-urlencoded';

async function call(url: string, method: string, path: string, token: string, fields?: Record<string, string>): Promise<Record<string, unknown>> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(fields ? { 'content-type': FORM } : {}) },
    ...(fields ? { body: new URLSearchParams(fields).toString() } : {}),
  });
  const text = await res.text();
  if (res.status !== 200) throw new ScenarioSkipped(`${method} ${path} answered ${res.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as Record<string, unknown>;
}

/** The id in a create answer, wherever the route puts it (`id`, `org_id`, `org.id`, ...). */
function idIn(body: Record<string, unknown>, kind: 'org' | 'workspace'): string {
  const nested = body[kind] as { id?: unknown } | undefined;
  const id = body[`${kind}_id`] ?? nested?.id ?? body.id;
  if (typeof id !== 'string') throw new ScenarioSkipped(`the ${kind} create answer carries no id: ${JSON.stringify(body).slice(0, 300)}`);
  return id;
}

function tag(): string {
  return Math.random().toString(36).slice(2, 10);
}

async function orgOf(url: string): Promise<{ token: string; orgId: string }> {
  const p = await persona(url);
  const org = await call(url, 'POST', '/current/org/create/', p.api_key, { domain: `bench-${tag()}`, name: 'Bench org' });
  return { token: p.api_key, orgId: idIn(org, 'org') };
}

async function workspaceIn(url: string, token: string, orgId: string, n: number): Promise<string> {
  const ws = await call(url, 'POST', `/current/org/${orgId}/create/workspace/`, token, {
    folder_name: `bench-ws-${n}-${tag()}`,
    name: `Bench workspace ${n}`,
    ...WORKSPACE_PERMS,
  });
  return idIn(ws, 'workspace');
}

const WORKSPACE_PERMS = { perm_join: 'Member or above', perm_member_manage: 'Admin or above' };

const auth = (token: string) => ({ authorization: `Bearer ${token}` });

export const userDetailsApiKey: HttpScenario = {
  id: 'user-details-api-key',
  title: 'GET /current/user/details/ (API key)',
  needs: ['GET /current/user/details/'],
  peers: true,
  targets: true,
  async setup(url) {
    const p = await persona(url);
    return { token: p.api_key, requests: [{ method: 'GET', path: '/current/user/details/', headers: auth(p.api_key) }] };
  },
};

export const userDetailsJwt: HttpScenario = {
  id: 'user-details-jwt',
  title: 'GET /current/user/details/ (JWT)',
  needs: ['GET /current/user/details/'],
  peers: false,
  targets: true,
  async setup(url) {
    const p = await persona(url);
    return { token: p.auth_token, requests: [{ method: 'GET', path: '/current/user/details/', headers: auth(p.auth_token) }] };
  },
};

export const orgDetails: HttpScenario = {
  id: 'org-details',
  title: 'GET /current/org/{id}/details/',
  needs: ['POST /current/org/create/', 'GET /current/org/:org_id/details/'],
  peers: false,
  targets: true,
  async setup(url) {
    const { token, orgId } = await orgOf(url);
    return { token, requests: [{ method: 'GET', path: `/current/org/${orgId}/details/`, headers: auth(token) }] };
  },
};

/** Workspaces in the listed org: a page's worth, as a small tenant has. */
const LISTED_WORKSPACES = 10;

export const orgListWorkspaces: HttpScenario = {
  id: 'org-list-workspaces',
  title: `GET /current/org/{id}/list/workspaces/ (${LISTED_WORKSPACES} workspaces)`,
  needs: ['POST /current/org/create/', 'POST /current/org/:org_id/create/workspace/', 'GET /current/org/:org_id/list/workspaces/'],
  peers: false,
  targets: true,
  async setup(url) {
    const { token, orgId } = await orgOf(url);
    for (let i = 0; i < LISTED_WORKSPACES; i++) await workspaceIn(url, token, orgId, i);
    return { token, requests: [{ method: 'GET', path: `/current/org/${orgId}/list/workspaces/`, headers: auth(token) }] };
  },
};

export const orgCreateWorkspace: HttpScenario = {
  id: 'org-create-workspace',
  title: 'POST /current/org/{id}/create/workspace/',
  needs: ['POST /current/org/create/', 'POST /current/org/:org_id/create/workspace/'],
  peers: false,
  targets: false,
  async setup(url) {
    const { token, orgId } = await orgOf(url);
    // One probe through the same path, so a refused create shows here and not as non-2xx under load.
    await workspaceIn(url, token, orgId, 0);
    let n = 0;
    const prefix = `bench-${tag()}`;
    return {
      token,
      requests: [
        {
          method: 'POST',
          path: `/current/org/${orgId}/create/workspace/`,
          headers: { ...auth(token), 'content-type': FORM },
          body: () => new URLSearchParams({ folder_name: `${prefix}-${++n}`, name: `Bench ${n}`, ...WORKSPACE_PERMS }).toString(),
        },
      ],
    };
  },
};

export const workspaceStorageSearch: HttpScenario = {
  id: 'workspace-storage-search',
  title: 'GET /current/workspace/{id}/storage/search/',
  needs: ['POST /current/org/create/', 'POST /current/org/:org_id/create/workspace/', 'GET /current/workspace/:workspace_id/storage/search/'],
  peers: false,
  targets: false,
  async setup() {
    // A search over an empty workspace would measure nothing worth a row.
    throw new ScenarioSkipped('the bench does not create files to search yet: add an upload step here when storage lands');
  },
};

export const ALL_SCENARIOS: readonly HttpScenario[] = [
  userDetailsApiKey,
  userDetailsJwt,
  orgDetails,
  orgListWorkspaces,
  orgCreateWorkspace,
  workspaceStorageSearch,
];
