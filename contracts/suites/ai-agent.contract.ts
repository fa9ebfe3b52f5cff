/**
 * V2 AI chat, `/current/workspace/{id}/ai/agent/...`, as the official client 96b1551 calls it
 * (src/api/ai.rs, commands/ai.rs): create with `question`, `privacy`, `name`, `kind` and the
 * JSON-array `references` (RAG scope) and `subjects` (attachments); follow-ups; details; lists;
 * rename; publish; soft delete; cancel; `/ai/transactions/`. Every answer names only the caller's
 * workspace; every route refuses a caller from another tenant.
 */
import { describe, expect } from 'vitest';
import type { ApiClient, ApiResponse } from '../client.js';
import { aiSettled, creditsUsed, nodeDetails, uploaded } from '../files.js';
import { contract, setupContract } from '../harness.js';
import { expectApiError } from '../expect.js';
import { createWorkspace } from '../tenants.js';

const c = setupContract(import.meta.url, { dialects: ['v2'] });

interface Turn {
  turn_id: string;
  thread_id: string;
  seq: number;
  state: string;
  text: string;
  response: { text: string; citations: { node_id: string; passage_id: string }[] };
}

interface Thread {
  thread_id: string;
  name: string;
  privacy: string;
  kind: string;
  messages: number;
}

const fileRef = (id: string) => ({ type: 'file', id, file_details: { node_id: id, version_id: '' } });
const folderRef = (id: string) => ({ type: 'folder', id, folder_details: { node_id: id } });
const json = (...items: object[]) => JSON.stringify(items);

/** A human (its plan has ai_agent) with a workspace, intelligent or not. */
async function tenant(intelligence: boolean) {
  const { api, persona } = await c.signedIn({ accountType: 'human' });
  const org = await c.createOrg(api);
  const ws = await createWorkspace(api, org.id, { intelligence });
  return { api, persona, org, ws, base: `/current/workspace/${ws.id}/ai/agent/` };
}

async function created(res: ApiResponse): Promise<{ thread: Thread; turn: Turn }> {
  expect(res.status, res.text).toBe(200);
  return { thread: res.body.thread as Thread, turn: res.body.turn as Turn };
}

describe('answers', () => {
  contract.unverified(
    'two tenants with the same file names: every citation names the asking workspace; the thread and turn ids come back nested on create, flat on a follow-up',
    async () => {
      const spaces = [];
      for (const owner of ['Alpha', 'Bravo']) {
        const t = await tenant(true);
        const id = await uploaded(t.api, t.ws.id, 'contract.txt', `${owner} contract: either party may end it with a termination notice of ninety days.`);
        expect((await aiSettled(t.api, t.ws.id, id)).ai.state).toBe('ready');
        spaces.push({ ...t, owner, id });
      }
      for (const s of spaces) {
        const { thread, turn } = await created(await s.api.post(s.base, { question: 'How long is the termination notice, and whose contract is it?' }));
        expect(turn).toMatchObject({ thread_id: thread.thread_id, seq: 1, state: 'complete' });
        expect(turn.response.citations.map((x) => x.node_id)).toEqual([s.id]);
        for (const other of spaces.filter((o) => o !== s)) expect(turn.response.text).not.toContain(other.owner);

        const follow = await s.api.post(`${s.base}${thread.thread_id}/message/`, { question: 'Who may end it?' });
        expect(follow.status, follow.text).toBe(200);
        expect(follow.body).toMatchObject({ thread_id: thread.thread_id, seq: 2, status: 'complete' });
        expect(follow.body).not.toHaveProperty('response');
        const details = await s.api.get(`${s.base}${thread.thread_id}/message/${follow.body.turn_id as string}/details/`);
        expect(details.body.message).toMatchObject({ turn_id: follow.body.turn_id, state: 'complete', text: 'Who may end it?' });
        for (const cit of (details.body.message as Turn).response.citations) expect(cit.node_id).toBe(s.id);
      }
    },
    { requires: ['account-type'], timeout: 60_000 },
  );

  contract.unverified(
    'references narrow the RAG scope to files or folders, and need intelligence',
    async () => {
      const t = await tenant(true);
      const folder = (await t.api.post(`/current/workspace/${t.ws.id}/storage/root/createfolder/`, { name: 'north' })).body.node as { id: string };
      const north = await uploaded(t.api, t.ws.id, 'north.txt', 'The orchard harvest in the north was 340 tonnes.', { folder_id: folder.id });
      const south = await uploaded(t.api, t.ws.id, 'south.txt', 'The orchard harvest in the south was 215 tonnes.');
      for (const id of [north, south]) await aiSettled(t.api, t.ws.id, id);
      const ask = async (references: string) => (await created(await t.api.post(t.base, { question: 'How big was the orchard harvest?', references }))).turn;
      expect((await ask(json(fileRef(south)))).response.citations.map((x) => x.node_id)).toEqual([south]);
      expect((await ask(json(folderRef(folder.id)))).response.citations.map((x) => x.node_id)).toEqual([north]);
      const plain = await tenant(false);
      const id = await uploaded(plain.api, plain.ws.id, 'a.txt', 'Some text.');
      const res = await plain.api.post(plain.base, { question: 'What is in it?', references: json(fileRef(id)) });
      expectApiError(res, 400, 1605);
      expect(res.body.error?.params?.[0]?.name).toBe('references');
    },
    { requires: ['account-type'], timeout: 60_000 },
  );

  contract.unverified(
    'attachments (subjects) answer from the file in a workspace without intelligence: no ingestion charged, AI tokens charged, no citations; a foreign file, a folder and scope-plus-attachments are refused',
    async () => {
      const t = await tenant(false);
      const other = await tenant(false);
      const lease = await uploaded(t.api, t.ws.id, 'lease.txt', 'The lease renews every spring. The deposit is four hundred euros.');
      const foreign = await uploaded(other.api, other.ws.id, 'lease.txt', 'Bravo deposit: nine thousand.');
      const { turn } = await created(await t.api.post(t.base, { question: 'How much is the deposit?', subjects: json(fileRef(lease)) }));
      expect(turn.response.text).toContain('four hundred euros');
      expect(turn.response.citations).toEqual([]);
      expect((await nodeDetails(t.api, t.ws.id, lease)).ai.state).toBe('disabled');
      const usage = await creditsUsed(t.api, t.org.id);
      expect(usage.breakdown.ingestion ?? 0).toBe(0);
      expect(usage.breakdown.ai_tokens).toBeGreaterThan(0);

      expectApiError(await t.api.post(t.base, { question: 'Deposit?', subjects: json(fileRef(foreign)) }), 401, 115069);
      const folder = (await t.api.post(`/current/workspace/${t.ws.id}/storage/root/createfolder/`, { name: 'docs' })).body.node as { id: string };
      expect((await t.api.post(t.base, { question: 'Deposit?', subjects: json(folderRef(folder.id)) })).status).toBe(406);
      expectApiError(await t.api.post(t.base, { question: 'Deposit?', subjects: json(fileRef(lease)), references: json(fileRef(lease)) }), 400, 1605);
      expectApiError(await t.api.post(t.base, { question: 'Deposit?', subjects: 'not json' }), 400, 1605);
      expect((await creditsUsed(t.api, t.org.id)).breakdown.ai_tokens).toBe(usage.breakdown.ai_tokens);
    },
    { requires: ['account-type'], timeout: 60_000 },
  );

  contract.emulatorOnly(
    'a thread past the token cap (an emulator CHOICE) answers 409 153795 on a new thread and 168116 on a follow-up; nothing is charged',
    async () => {
      const t = await tenant(false);
      const sentence = 'the harbor sorter needs maintenance every month and the invoice is payable within thirty days. ';
      const big = await uploaded(t.api, t.ws.id, 'big.txt', sentence.repeat(2300));
      const huge = await uploaded(t.api, t.ws.id, 'huge.txt', sentence.repeat(6000));
      expectApiError(await t.api.post(t.base, { question: 'When is the invoice payable?', subjects: json(fileRef(huge)) }), 409, 153795);
      const { thread } = await created(await t.api.post(t.base, { question: 'When is the invoice payable?', subjects: json(fileRef(big)) }));
      expect((await t.api.post(`${t.base}${thread.thread_id}/message/`, { question: 'And the maintenance?' })).status).toBe(200);
      const before = (await creditsUsed(t.api, t.org.id)).breakdown.ai_tokens;
      expectApiError(await t.api.post(`${t.base}${thread.thread_id}/message/`, { question: 'Anything else?' }), 409, 168116);
      expect((await creditsUsed(t.api, t.org.id)).breakdown.ai_tokens).toBe(before);
    },
    { requires: ['account-type'], timeout: 60_000 },
  );
});

describe('lifecycle', () => {
  contract.unverified(
    'kind and privacy, lists (kind filter, deleted), details, messages, rename, publish (403), cancel without the envelope, soft delete, transactions, audit events',
    async () => {
      const t = await tenant(false);
      const mk = async (form: Record<string, string>) => (await created(await t.api.post(t.base, form))).thread;
      const mine = await mk({ question: 'A user question', name: 'First chat' });
      const agent = await mk({ question: 'An agent question', kind: 'agent' });
      expect(mine).toMatchObject({ name: 'First chat', privacy: 'private', kind: 'user', messages: 1 });
      const ids = async (path: string) => ((await t.api.get(`${t.base}${path}`)).body.chats as Thread[]).map((x) => x.thread_id);
      expect(await ids('list/')).toEqual([mine.thread_id]);
      expect(await ids('list/?kind=agent')).toEqual([agent.thread_id]);
      expect(await ids('list/?kind=all')).toEqual([agent.thread_id, mine.thread_id]);
      expect((await t.api.get(`${t.base}${mine.thread_id}/details/`)).body.chat).toMatchObject({ thread_id: mine.thread_id, messages: 1 });
      expect(((await t.api.get(`${t.base}${mine.thread_id}/messages/list/`)).body.messages as Turn[]).map((m) => m.seq)).toEqual([1]);
      expect((await t.api.post(`${t.base}${mine.thread_id}/update/`, { name: 'Renamed' })).body.chat).toMatchObject({ name: 'Renamed' });
      expectApiError(await t.api.post(`${t.base}${mine.thread_id}/publish/`), 403, 1680);
      expectApiError(await t.api.post(t.base, { question: 'Public?', privacy: 'public' }), 403, 1680);

      const cancel = await t.api.post(`${t.base}${mine.thread_id}/cancel/`);
      expect(cancel.status).toBe(200);
      expect(JSON.parse(cancel.text)).toMatchObject({ success: true, no_pending_message: true });
      expect(JSON.parse(cancel.text)).not.toHaveProperty('result');
      expect((await t.api.delete(`${t.base}${mine.thread_id}/`)).status).toBe(200);
      expect(await ids('list/')).toEqual([]);
      expect(await ids('list/deleted')).toEqual([mine.thread_id]);
      expectApiError(await t.api.get(`${t.base}${mine.thread_id}/details/`), 404, 1609);
      const gone = await t.api.post(`${t.base}${mine.thread_id}/cancel/`);
      expect(gone.status).toBe(406);
      expect(JSON.parse(gone.text)).toMatchObject({ result: false, error_message: expect.any(String) });

      const tx = (await t.api.get(`/current/workspace/${t.ws.id}/ai/transactions/`)).body.transactions as { chat_id: string; tokens: number }[];
      expect(tx.map((x) => x.chat_id)).toEqual([agent.thread_id, mine.thread_id]);
      const events = (await t.api.get('/current/events/search/', { query: { workspace_id: t.ws.id, limit: 250 } })).body.events as {
        event: string;
        object_id: string;
      }[];
      const ofMine = events.filter((e) => e.object_id === mine.thread_id).map((e) => e.event);
      expect(ofMine.sort()).toEqual(['ai_chat_created', 'ai_chat_deleted', 'ai_chat_updated']);
    },
    { requires: ['account-type'], timeout: 60_000 },
  );

  contract.unverified(
    'another member of the workspace sees neither a private chat in the list nor its details',
    async () => {
      const t = await tenant(false);
      const { api: memberApi, persona: member } = await c.signedIn({ accountType: 'human' });
      expect((await t.api.post(`/current/workspace/${t.ws.id}/members/${encodeURIComponent(member.email)}/`, { permissions: 'member' })).status).toBe(200);
      // an address is invited, not added: its owner accepts (members/invitations.ts)
      expect((await memberApi.post('/current/user/invitations/acceptall/')).status).toBe(200);
      const { thread } = await created(await t.api.post(t.base, { question: 'Only mine?' }));
      expect((await memberApi.get(`${t.base}list/`)).body.chats).toEqual([]);
      expectApiError(await memberApi.get(`${t.base}${thread.thread_id}/details/`), 404, 1609);
    },
    { requires: ['account-type'] },
  );
});

describe('isolation', () => {
  contract.unverified(
    "every /ai/agent/ route and /ai/transactions/ refuse another tenant (401/10545), and a chat id of another workspace through the caller's own is not found (404/1609)",
    async () => {
      const a = await tenant(false);
      const b = await tenant(false);
      const { thread, turn } = await created(await a.api.post(a.base, { question: 'Whose chat is this?' }));
      const chat = thread.thread_id;
      const routes: [string, string, Record<string, string>?][] = [
        ['POST', '', { question: 'Intruding?' }],
        ['POST', `${chat}/message/`, { question: 'Intruding?' }],
        ['GET', `${chat}/message/${turn.turn_id}/details/`],
        ['GET', `${chat}/messages/list/`],
        ['GET', 'list/'],
        ['GET', 'list/deleted/'],
        ['GET', `${chat}/details/`],
        ['POST', `${chat}/update/`, { name: 'Taken' }],
        ['POST', `${chat}/publish/`],
        ['POST', `${chat}/cancel/`],
        ['DELETE', `${chat}/`],
      ];
      const call = (api: ApiClient, base: string, [method, path, form]: (typeof routes)[number]) => api.request(method, `${base}${path}`, form ? { form } : {});
      for (const route of routes) {
        const res = await call(b.api, a.base, route);
        expectApiError(res, 401, 10545);
        // The error echoes the path the caller sent (`resource`), nothing of the chat itself.
        expect(res.body.error?.text).not.toContain(chat);
        expect(res.body).not.toHaveProperty('thread');
      }
      expectApiError(await b.api.get(`/current/workspace/${a.ws.id}/ai/transactions/`), 401, 10545);
      for (const route of routes.filter(([, path]) => path.startsWith(chat))) expectApiError(await call(b.api, b.base, route), 404, 1609);
      // A's chat is untouched.
      expect((await a.api.get(`${a.base}${chat}/details/`)).body.chat).toMatchObject({ name: 'Whose chat is this?', messages: 1 });
    },
    { requires: ['account-type'], timeout: 60_000 },
  );
});
