import { describe, expect } from 'vitest';
import type { ApiClient } from '../client.js';
import { aiSettled, creditsUsed, fixtureDocument, nodeDetails, spendCreditsDownTo, uploaded } from '../files.js';
import { contract, setupContract } from '../harness.js';
import { expectApiError } from '../expect.js';
import { createOrg, createWorkspace, WORKSPACE_DEFAULTS } from '../tenants.js';

const c = setupContract(import.meta.url);

interface Hit {
  id: string;
  relevance_score: number;
  content_snippet: string | null;
  match_source: string;
}

interface Message {
  id: string;
  state: string;
  response: { text: string; citations: { node_id: string; passage_id: string; snippet: string }[] };
}

/** A human on the free plan (it has ai_agent) with an intelligent workspace. */
async function intelligentTenant() {
  const { api, persona } = await c.signedIn({ accountType: 'human' });
  const org = await createOrg(api);
  const ws = await createWorkspace(api, org.id, { intelligence: true });
  return { api, persona, org, ws };
}

/** Same names in every tenant, overlapping words, and one phrase that says whose file it is. */
function documents(owner: string): Record<string, string> {
  return {
    'contract.txt': `${owner} services contract. Either party may end the agreement with a termination notice of ninety days. The maintenance visits happen monthly.`,
    'notes.md': `# ${owner} orchard notes\n\nThe pruning schedule starts in March and the irrigation budget is reviewed every quarter.`,
    'invoice.txt': `${owner} invoice for the harbor sorter maintenance visit, payable within thirty days.`,
  };
}

async function seed(api: ApiClient, wsId: string, owner: string): Promise<Set<string>> {
  const ids = new Set<string>();
  for (const [name, text] of Object.entries(documents(owner))) ids.add(await uploaded(api, wsId, name, text));
  for (const id of ids) expect((await aiSettled(api, wsId, id)).ai.state).toBe('ready');
  return ids;
}

async function search(api: ApiClient, wsId: string, query: string): Promise<Hit[]> {
  const res = await api.get(`/current/workspace/${wsId}/storage/search/`, { query: { search: query } });
  expect(res.status, res.text).toBe(200);
  return res.body.results as Hit[];
}

/**
 * A chat over the whole workspace in the target's dialect: April `POST .../ai/chat/` with
 * `type=chat_with_files` (answer under `message`), V2 `POST .../ai/agent/` (answer under `turn`).
 */
async function askWorkspace(api: ApiClient, wsId: string, question: string): Promise<Message['response']> {
  const v2 = c.target.dialect === 'v2';
  const res = v2
    ? await api.post(`/current/workspace/${wsId}/ai/agent/`, { question })
    : await api.post(`/current/workspace/${wsId}/ai/chat/`, { type: 'chat_with_files', question });
  expect(res.status, res.text).toBe(200);
  return ((v2 ? res.body.turn : res.body.message) as Message).response;
}

/** The April chat routes: V2 moved them to `/ai/agent/` (ai-agent.contract.ts). */
const APRIL_CHAT = { dialects: ['2026-04'] } as const;

const QUERIES = ['termination notice', 'maintenance visit', 'pruning schedule irrigation', 'harbor invoice', 'orchard contract quarter'];

describe('isolation', () => {
  contract.unverified(
    'two tenants with the same file names and overlapping words: every search hit and chat citation names only their own nodes; two workspaces of one org too',
    async () => {
      const a = await intelligentTenant();
      const b = await intelligentTenant();
      const a2 = await createWorkspace(a.api, a.org.id, { intelligence: true });
      const spaces: [ApiClient, string, Set<string>, string][] = [
        [a.api, a.ws.id, await seed(a.api, a.ws.id, 'Alpha'), 'Alpha'],
        [b.api, b.ws.id, await seed(b.api, b.ws.id, 'Bravo'), 'Bravo'],
        [a.api, a2.id, await seed(a.api, a2.id, 'Second'), 'Second'],
      ];
      for (const [api, wsId, own, owner] of spaces) {
        for (const q of QUERIES) {
          const hits = await search(api, wsId, q);
          expect(hits.length, `${q} in ${owner}`).toBeGreaterThan(0);
          for (const hit of hits) {
            expect(own.has(hit.id), `${q}: ${hit.id} is not ${owner}'s`).toBe(true);
            expect(hit.relevance_score).toBeGreaterThan(0);
            expect(hit.relevance_score).toBeLessThanOrEqual(1);
          }
        }
        const response = await askWorkspace(api, wsId, 'How long is the termination notice, and who wrote the contract?');
        expect(response.citations.length).toBeGreaterThan(0);
        for (const citation of response.citations) {
          expect(own.has(citation.node_id), `citation ${citation.node_id} is not ${owner}'s`).toBe(true);
          expect(citation.passage_id.startsWith(citation.node_id)).toBe(true);
        }
        for (const other of ['Alpha', 'Bravo', 'Second'].filter((o) => o !== owner)) expect(response.text).not.toContain(other);
      }
    },
    { requires: ['account-type'], timeout: 60_000 },
  );
});

describe('credits', () => {
  contract.unverified(
    'a 3-page PDF costs exactly 30 credits to ingest; uploading it again charges again; turning intelligence off and on re-ingests at full cost',
    async () => {
      const { api, org, ws } = await intelligentTenant();
      const pdf = fixtureDocument('three-page.pdf');
      const id = await uploaded(api, ws.id, 'overview.pdf', pdf);
      expect((await aiSettled(api, ws.id, id)).ai).toMatchObject({ state: 'ready', pages: 3 });
      expect((await creditsUsed(api, org.id)).breakdown.ingestion).toBe(30);

      expect(await uploaded(api, ws.id, 'overview.pdf', pdf)).toBe(id);
      expect((await aiSettled(api, ws.id, id)).ai.state).toBe('ready');
      expect((await creditsUsed(api, org.id)).breakdown.ingestion).toBe(60);

      expect((await api.post(`/current/workspace/${ws.id}/update/`, { intelligence: false })).status).toBe(200);
      expect((await nodeDetails(api, ws.id, id)).ai.state).toBe('disabled');
      expect((await creditsUsed(api, org.id)).breakdown.ingestion).toBe(60);
      expect((await api.post(`/current/workspace/${ws.id}/update/`, { intelligence: true })).status).toBe(200);
      expect((await aiSettled(api, ws.id, id)).ai.state).toBe('ready');
      expect((await creditsUsed(api, org.id)).breakdown.ingestion).toBe(90);
      const hits = await search(api, ws.id, 'termination notice ninety days');
      expect(hits[0]).toMatchObject({ id, match_source: 'both' });
      expect(hits[0]!.content_snippet).toContain('termination notice');
    },
    { requires: ['account-type'], timeout: 60_000 },
  );

  contract.emulatorOnly(
    'an org short of credits: the upload succeeds and the file ends failed (credits); chat messages and downloads answer 402/1696',
    async () => {
      const { api, org, ws } = await intelligentTenant();
      const note = await uploaded(api, ws.id, 'note.txt', 'The irrigation budget is reviewed every quarter.');
      await aiSettled(api, ws.id, note);
      // 2 MB cost 0.000424 credits to download: more than the usage route's rounding can leave.
      const big = await uploaded(api, ws.id, 'big.bin', new Uint8Array(2_000_000).fill(7));
      // Leave 20 credits: less than the 30 a 3-page PDF costs.
      await spendCreditsDownTo(c.api(), api, org.id, 20);

      const pdf = await uploaded(api, ws.id, 'overview.pdf', fixtureDocument('three-page.pdf'));
      expect((await aiSettled(api, ws.id, pdf)).ai).toMatchObject({ state: 'failed', reason: 'credits' });
      expect((await creditsUsed(api, org.id)).breakdown.ingestion).toBe(10);
      expect((await search(api, ws.id, 'termination notice')).map((h) => h.id)).not.toContain(pdf);

      // Spend the rest: now every credit-consuming call is past the budget.
      await spendCreditsDownTo(c.api(), api, org.id, 0);
      const chat = await api.post(`/current/workspace/${ws.id}/ai/chat/`, { type: 'chat_with_files', question: 'When is the irrigation budget reviewed?' });
      expectApiError(chat, 402, 1696);
      expect(chat.body.error!.text).toMatch(/of 10000 credits used/);
      expectApiError(await api.get(`/current/workspace/${ws.id}/storage/${big}/read/`), 402, 1696);
      // Storage and reads keep working.
      expect(await uploaded(api, ws.id, 'later.txt', 'still stored')).toMatch(/^[0-9a-z]{29,30}$/);
      expect((await api.get(`/current/workspace/${ws.id}/storage/root/list/`)).status).toBe(200);
    },
    { requires: ['account-type'], timeout: 60_000, ...APRIL_CHAT },
  );
});

describe('plan gates', () => {
  contract.unverified(
    'the agent plan cannot turn intelligence on (400/1605) nor create a chat (402/1695)',
    async () => {
      const { api } = await c.signedIn({ accountType: 'agent' });
      const org = await createOrg(api);
      const ws = await createWorkspace(api, org.id);
      expectApiError(await api.post(`/current/workspace/${ws.id}/update/`, { intelligence: true }), 400, 1605);
      expectApiError(
        await api.post(`/current/org/${org.id}/create/workspace/`, {
          ...WORKSPACE_DEFAULTS,
          name: 'Smart',
          folder_name: c.unique('smart'),
          intelligence: true,
        }),
        400,
        1605,
      );
      expectApiError(await api.post(`/current/workspace/${ws.id}/ai/chat/`, { type: 'chat', question: 'Can I chat on the agent plan?' }), 402, 1695);
      expectApiError(await api.post(`/current/workspace/${ws.id}/ai/chat/`, { type: 'chat_with_files', question: 'And with files?' }), 402, 1695);
    },
    { requires: ['account-type'], ...APRIL_CHAT },
  );
});

describe('chats', () => {
  contract.unverified(
    'a chat lives on: follow-up messages, message details, lists, and deletion',
    async () => {
      const { api, ws } = await intelligentTenant();
      const contractId = await uploaded(api, ws.id, 'contract.docx', fixtureDocument('contract.docx'));
      expect((await aiSettled(api, ws.id, contractId)).ai.state).toBe('ready');
      const base = `/current/workspace/${ws.id}/ai/chat/`;
      const created = await api.post(base, { type: 'chat_with_files', question: 'What is the monthly fee?', personality: 'concise' });
      expect(created.status, created.text).toBe(200);
      const chatId = created.body.chat_id as string;
      const first = created.body.message as Message;
      expect(first.state).toBe('complete');
      expect(first.response.text).toContain('4,200');
      expect(first.response.citations.map((c) => c.node_id)).toEqual([contractId]);

      const follow = await api.post(`${base}${chatId}/message/`, { question: 'How much notice ends the contract?' });
      expect(follow.status, follow.text).toBe(200);
      const messageId = follow.body.message_id as string;
      const details = await api.get(`${base}${chatId}/message/${messageId}/details/`);
      expect(details.body.message).toMatchObject({ id: messageId, state: 'complete', response: { text: expect.stringContaining('sixty days') } });
      const messages = (await api.get(`${base}${chatId}/messages/list/`)).body.messages as Message[];
      expect(messages.map((m) => m.id)).toEqual([first.id, messageId]);
      expect((await api.get(`${base}${chatId}/details/`)).body.chat).toMatchObject({ id: chatId, messages: 2 });
      expect(((await api.get(`${base}list/`)).body.chats as { id: string }[]).map((x) => x.id)).toEqual([chatId]);
      expect((await api.delete(`${base}${chatId}/`)).status).toBe(200);
      expectApiError(await api.get(`${base}${chatId}/details/`), 404, 1609);
    },
    { requires: ['account-type'], timeout: 60_000, ...APRIL_CHAT },
  );

  contract.unverified(
    'a file that cannot be parsed ends failed with a reason, and search still answers',
    async () => {
      const { api, ws } = await intelligentTenant();
      const broken = await uploaded(api, ws.id, 'broken.pdf', fixtureDocument('broken.pdf'));
      const node = await aiSettled(api, ws.id, broken);
      expect(node.ai.state).toBe('failed');
      expect(node.ai.reason).toMatch(/^parse_error/);
      expect(await search(api, ws.id, 'maintenance agreement')).toEqual([]);
    },
    { requires: ['account-type'] },
  );
});

describe('AI transactions', () => {
  contract.unverified(
    "a chat's AI token charges are listed under /ai/transactions/ of its workspace, newest first; another tenant is refused (401/10545)",
    async () => {
      const a = await intelligentTenant();
      const b = await intelligentTenant();
      await seed(a.api, a.ws.id, 'Alpha');
      const before = (await a.api.get(`/current/workspace/${a.ws.id}/ai/transactions/`)).body.transactions as unknown[];
      expect(before).toEqual([]);
      await askWorkspace(a.api, a.ws.id, 'How long is the termination notice?');
      await askWorkspace(a.api, a.ws.id, 'When are the maintenance visits?');
      const res = await a.api.get(`/current/workspace/${a.ws.id}/ai/transactions/`);
      expect(res.status, res.text).toBe(200);
      const tx = res.body.transactions as { chat_id: string; tokens: number; credits: number; created: string }[];
      expect(tx).toHaveLength(2);
      for (const t of tx) {
        expect(t.tokens).toBeGreaterThan(0);
        expect(t.credits).toBeCloseTo(t.tokens / 100, 6);
      }
      expect(tx[0]!.created >= tx[1]!.created).toBe(true);
      expectApiError(await b.api.get(`/current/workspace/${a.ws.id}/ai/transactions/`), 401, 10545);
      expect((await b.api.get(`/current/workspace/${b.ws.id}/ai/transactions/`)).body.transactions).toEqual([]);
    },
    { requires: ['account-type'], timeout: 60_000 },
  );
});
