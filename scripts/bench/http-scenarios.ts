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
import { mulberry32 } from '../../emulator/store/random.js';

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

/** A ready persona from the control plane: an agent unless `accountType` says otherwise. */
export async function persona(url: string, accountType?: 'agent' | 'human'): Promise<Persona> {
  const res = await fetch(`${url}/_emulator/users/`, {
    method: 'POST',
    // the project's own clients name themselves on the control plane
    headers: { 'x-fastio-emulator-client': '1', ...(accountType ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
    ...(accountType ? { body: new URLSearchParams({ account_type: accountType }).toString() } : {}),
  });
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
    intelligence: 'false',
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
          body: () => new URLSearchParams({ folder_name: `${prefix}-${++n}`, name: `Bench ${n}`, intelligence: 'false', ...WORKSPACE_PERMS }).toString(),
        },
      ],
    };
  },
};

/**
 * The searched workspace: a small team's notes (meeting notes, contracts, policies, reports), made
 * from a seeded generator so both emulators, and every run, hold the same text.
 */
const SEARCH_NOTES = 200;
/** Queries a person would type, each matching content in the notes (one misspelt, for the spelling-variant leg). */
const SEARCH_QUERIES = [
  'termination notice period',
  'quarterly budget review',
  'security incident report',
  'onboarding checklist',
  'invoice payment terms',
  'supplier contract renewal',
  'data retention policy',
  'maintenence agreement',
] as const;
const SEARCH_LIMIT = 10;

const NOTE_KINDS = ['Meeting notes', 'Contract summary', 'Policy', 'Project plan', 'Incident report', 'Vendor review', 'Budget memo', 'Team update'];
const NOTE_SUBJECTS = [
  'The finance team',
  'Legal',
  'The project lead',
  'Our supplier',
  'The customer',
  'The warehouse team',
  'Support',
  'The board',
  'The security team',
  'Human resources',
  'The operations manager',
  'The vendor',
  'Procurement',
  'The design team',
];
const NOTE_VERBS = [
  'reviewed',
  'approved',
  'postponed',
  'flagged',
  'renegotiated',
  'signed',
  'escalated',
  'audited',
  'updated',
  'questioned',
  'drafted',
  'circulated',
  'rejected',
  'summarised',
];
const NOTE_OBJECTS = [
  'the maintenance agreement',
  'the quarterly budget',
  'the termination notice',
  'the onboarding checklist',
  'the security incident report',
  'the invoice for the harbor sorter',
  'the data retention policy',
  'the release plan',
  'the shipping schedule',
  'the supplier contract',
  'the renewal terms',
  'the hiring plan',
  'the payment terms',
  'the travel expenses',
  'the office lease',
  'the insurance claim',
  'the access review',
  'the training calendar',
  'the audit findings',
  'the pricing proposal',
  'the backup procedure',
  'the service level report',
];
const NOTE_TAILS = [
  'before the end of the quarter',
  'after the March review',
  'with a notice period of ninety days',
  'pending sign-off from the board',
  'because the figures did not match',
  'so that payment falls within thirty days',
  'for the next renewal',
  'at the weekly meeting',
  'once the incident was closed',
  'while the budget review is open',
  'to keep records for seven years',
  'ahead of the customer visit',
  'as the checklist asks for new starters',
  'after the supplier missed two deliveries',
];

function pick<T>(random: () => number, list: readonly T[]): T {
  return list[Math.floor(random() * list.length)]!;
}

/**
 * A markdown note of 3-8 paragraphs of 4-7 sentences (about 2-6 KB) about one topic: most sentences
 * name its topic or one of two related ones, a few anything else, so a query matches some notes
 * closely and others in passing.
 */
function makeNote(random: () => number, n: number): { name: string; content: string } {
  const kind = pick(random, NOTE_KINDS);
  const topics = [pick(random, NOTE_OBJECTS), pick(random, NOTE_OBJECTS), pick(random, NOTE_OBJECTS)];
  const object = () => {
    const r = random();
    return r < 0.55 ? topics[0]! : r < 0.9 ? topics[1 + Math.floor(random() * 2)]! : pick(random, NOTE_OBJECTS);
  };
  const paragraphs: string[] = [];
  for (let p = 0, count = 3 + Math.floor(random() * 6); p < count; p++) {
    const sentences: string[] = [];
    for (let i = 0, k = 4 + Math.floor(random() * 4); i < k; i++)
      sentences.push(`${pick(random, NOTE_SUBJECTS)} ${pick(random, NOTE_VERBS)} ${object()} ${pick(random, NOTE_TAILS)}.`);
    paragraphs.push(sentences.join(' '));
  }
  const title = `${kind}: ${topics[0]!.replace(/^the /, '')}`;
  const slug = title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  return { name: `${String(n).padStart(3, '0')}-${slug}.md`, content: `# ${title}\n\n${paragraphs.join('\n\n')}\n` };
}

/** Run ingestion now and wait until every note in the workspace's root is `ready` (indexed). */
async function settleNotes(url: string, token: string, workspaceId: string, expected: number): Promise<void> {
  let states: Record<string, number> = {};
  for (let attempt = 0; attempt < 10; attempt++) {
    const settle = await fetch(`${url}/_emulator/jobs/settle?now=true&timeout_ms=60000`, { method: 'POST', headers: { 'x-fastio-emulator-client': '1' } });
    const settled = (await settle.json()) as { settled?: boolean };
    if (settle.status !== 200 || settled.settled !== true)
      throw new ScenarioSkipped(`POST /_emulator/jobs/settle answered ${settle.status}: ${JSON.stringify(settled)}`);
    states = {};
    let seen = 0;
    for (let offset = 0; ; offset += 500) {
      const page = await call(url, 'GET', `/current/workspace/${workspaceId}/storage/root/list/?limit=500&offset=${offset}`, token);
      const nodes = page.nodes as { ai?: { state?: string } }[];
      for (const node of nodes) states[node.ai?.state ?? 'none'] = (states[node.ai?.state ?? 'none'] ?? 0) + 1;
      seen += nodes.length;
      if (!(page.pagination as { has_more?: boolean } | undefined)?.has_more || nodes.length === 0) break;
    }
    if (seen === expected && states.ready === expected) return;
  }
  throw new ScenarioSkipped(`the notes did not all become ready: ${JSON.stringify(states)} of ${expected}`);
}

export const workspaceStorageSearch: HttpScenario = {
  id: 'workspace-storage-search',
  title: `GET /current/workspace/{id}/storage/search/ (${SEARCH_NOTES} notes, ${SEARCH_QUERIES.length} queries, limit ${SEARCH_LIMIT})`,
  needs: [
    'POST /current/org/create/',
    'POST /current/org/:org_id/create/workspace/',
    'POST /current/workspace/:workspace_id/storage/:node_id/createnote/',
    'GET /current/workspace/:workspace_id/storage/:node_id/list/',
    'POST /_emulator/jobs/settle',
    'GET /current/workspace/:workspace_id/storage/search/',
  ],
  peers: false,
  targets: false,
  async setup(url) {
    // A human on the pro plan: the agent plan does not include intelligence (ai_agent), and a
    // workspace without it matches file names only.
    const p = await persona(url, 'human');
    const token = p.api_key;
    const org = await call(url, 'POST', '/current/org/create/', token, { domain: `bench-${tag()}`, name: 'Bench search org', billing_plan: 'pro' });
    const orgId = idIn(org, 'org');
    const ws = await call(url, 'POST', `/current/org/${orgId}/create/workspace/`, token, {
      folder_name: `bench-search-${tag()}`,
      name: 'Bench search workspace',
      intelligence: 'true',
      ...WORKSPACE_PERMS,
    });
    const workspaceId = idIn(ws, 'workspace');
    const random = mulberry32(20260402);
    const notes = Array.from({ length: SEARCH_NOTES }, (_, i) => makeNote(random, i + 1));
    for (let i = 0; i < notes.length; i += 10)
      await Promise.all(notes.slice(i, i + 10).map((note) => call(url, 'POST', `/current/workspace/${workspaceId}/storage/root/createnote/`, token, note)));
    await settleNotes(url, token, workspaceId, notes.length);
    const requests: LoadRequest[] = SEARCH_QUERIES.map((search) => ({
      method: 'GET',
      path: `/current/workspace/${workspaceId}/storage/search/?${new URLSearchParams({ search, limit: String(SEARCH_LIMIT) }).toString()}`,
      headers: auth(token),
    }));
    // Every query must hit content: a search that finds nothing would measure an empty answer.
    for (const [i, r] of requests.entries()) {
      const page = await call(url, 'GET', r.path, token);
      const total = (page.pagination as { total?: number } | undefined)?.total ?? 0;
      if (total === 0) throw new ScenarioSkipped(`the query "${SEARCH_QUERIES[i]}" found nothing in the ${notes.length} notes`);
    }
    return { token, requests };
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
