/**
 * AI chat in a share, both dialects: V2 `/current/share/{id}/ai/agent/...` (client 96b1551
 * src/api/ai.rs with context `share`) and April `/current/share/{id}/ai/chat/...` (client 41dde01
 * mcp/tools.rs `ai` with context_type share). A share's answers read the files the share holds
 * and nothing else of its workspace; chats are their creator's; every route refuses a caller from
 * another tenant with 401/115069.
 */
import { describe, expect } from 'vitest';
import type { ApiClient, ApiResponse } from '../client.js';
import { aiSettled, uploaded } from '../files.js';
import { contract, setupContract } from '../harness.js';
import { expectApiError } from '../expect.js';
import { createOrg, createShare, createWorkspace } from '../tenants.js';

const c = setupContract(import.meta.url, { dialects: ['v2', '2026-04'] });
const v2 = () => c.target.dialect === 'v2';

type Json = Record<string, unknown>;
interface Answer {
  chatId: string;
  messageId: string;
  text: string;
  cited: string[];
}

const fileRef = (id: string) => JSON.stringify([{ type: 'file', id, file_details: { node_id: id, version_id: '' } }]);
const cites = (message: Json) => ((message.response as Json).citations as Json[]).map((x) => x.node_id as string);

/** A human (its plan has ai_agent) with an intelligent workspace, a file inside a shared folder and one outside it. */
async function shareTenant(word = 'ninety') {
  const { api, persona } = await c.signedIn({ accountType: 'human' });
  const org = await createOrg(api);
  const ws = await createWorkspace(api, org.id, { intelligence: 'true' });
  const folder = await api.post(`/current/workspace/${ws.id}/storage/root/createfolder/`, { name: 'Outbox' });
  expect(folder.status, folder.text).toBe(200);
  const folderId = (folder.body.node as { id: string }).id;
  const inside = await uploaded(api, ws.id, 'contract.txt', `Alpha services contract: either party may end it with a termination notice of ${word} days.`, {
    folder_id: folderId,
  });
  const outside = await uploaded(api, ws.id, 'contract-old.txt', 'Bravo services contract: either party may end it with a termination notice of thirty days.');
  for (const id of [inside, outside]) expect((await aiSettled(api, ws.id, id)).ai.state).toBe('ready');
  const share = await createShare(api, ws.id, { storage_mode: 'workspace_folder', folder_node_id: folderId });
  return { api, persona, org, ws, folderId, inside, outside, share, base: `/current/share/${share.id}/ai/${v2() ? 'agent' : 'chat'}/` };
}

/** A chat's first answer in the running dialect. */
async function ask(api: ApiClient, base: string, question: string, fields: Json = {}): Promise<Answer> {
  const res = await api.post(base, v2() ? { question, ...fields } : { type: 'chat_with_files', question, ...fields });
  expect(res.status, res.text).toBe(200);
  const message = (v2() ? res.body.turn : res.body.message) as Json;
  const chatId = (v2() ? (res.body.thread as Json).thread_id : res.body.chat_id) as string;
  return { chatId, messageId: (message.turn_id ?? message.id) as string, text: (message.response as Json).text as string, cited: cites(message) };
}

async function follow(api: ApiClient, base: string, chatId: string, question: string, fields: Json = {}): Promise<ApiResponse> {
  return api.post(`${base}${chatId}/message/`, { question, ...fields });
}

const scopeOf = (id: string): Json => (v2() ? { references: fileRef(id) } : { files_scope: `${id}:` });

describe('answers', () => {
  contract.unverified(
    'a document of the workspace outside the share is never cited; references outside the share answer 401/115069',
    async () => {
      const t = await shareTenant();
      const first = await ask(t.api, t.base, 'How long is the termination notice?');
      expect(first.cited).toEqual([t.inside]);
      expect(first.text).toContain('ninety');
      expect(first.text).not.toContain('thirty');

      const next = await follow(t.api, t.base, first.chatId, 'Which contract says thirty days?');
      expect(next.status, next.text).toBe(200);
      const turn = (v2() ? next.body.turn : next.body.message) as Json;
      for (const id of cites(turn)) expect(id).toBe(t.inside);

      // The workspace's own chat reads both files: the outside one is in the index, the share keeps it out.
      const wsChat = await t.api.post(
        `/current/workspace/${t.ws.id}/ai/${v2() ? 'agent' : 'chat'}/`,
        v2() ? { question: 'Which contract says thirty days?' } : { type: 'chat_with_files', question: 'Which contract says thirty days?' },
      );
      expect(wsChat.status, wsChat.text).toBe(200);
      expect(cites((v2() ? wsChat.body.turn : wsChat.body.message) as Json)).toContain(t.outside);

      expectApiError(
        await t.api.post(t.base, v2() ? { question: 'q?', ...scopeOf(t.outside) } : { type: 'chat_with_files', question: 'q?', ...scopeOf(t.outside) }),
        401,
        115069,
      );
      expectApiError(await follow(t.api, t.base, first.chatId, 'q?', scopeOf(t.outside)), 401, 115069);
      const scoped = await ask(t.api, t.base, 'How long is the notice?', scopeOf(t.inside));
      expect(scoped.cited).toEqual([t.inside]);
    },
    { requires: ['account-type'], timeout: 60_000 },
  );

  contract.unverified(
    "a share chat is charged to the share's org and is not one of the workspace's chats",
    async () => {
      const t = await shareTenant();
      const first = await ask(t.api, t.base, 'How long is the termination notice?');
      const wsBase = `/current/workspace/${t.ws.id}/ai/${v2() ? 'agent' : 'chat'}/`;
      const listed = await t.api.get(`${wsBase}list/`);
      expect(((listed.body.chats as Json[]) ?? []).map((x) => x.id)).not.toContain(first.chatId);
      expectApiError(await t.api.get(`${wsBase}${first.chatId}/details/`), 404, 1609);
      const tx = await t.api.get(v2() ? `/current/workspace/${t.ws.id}/ai/transactions/` : `/current/share/${t.share.id}/ai/transactions/`);
      expect(tx.status, tx.text).toBe(200);
      const charged = (tx.body.transactions as Json[]).filter((x) => x.chat_id === first.chatId);
      expect(charged).toHaveLength(1);
      expect(Number(charged[0]!.tokens)).toBeGreaterThan(0);
    },
    { requires: ['account-type'], timeout: 60_000 },
  );
});

describe('lifecycle', () => {
  contract.unverified(
    'list, details, messages, message details, rename, publish (403), cancel, delete and list/deleted',
    async () => {
      const t = await shareTenant();
      const a = await ask(t.api, t.base, 'How long is the termination notice?');
      const idOf = (x: Json) => (x.thread_id ?? x.id) as string;
      expect(((await t.api.get(`${t.base}list/`)).body.chats as Json[]).map(idOf)).toEqual([a.chatId]);
      const details = await t.api.get(`${t.base}${a.chatId}/details/`);
      expect(details.status, details.text).toBe(200);
      expect(details.body.chat).toMatchObject({ messages: 1, ...(v2() ? { privacy: 'private' } : {}) });
      const messages = (await t.api.get(`${t.base}${a.chatId}/messages/list/`)).body.messages as Json[];
      expect(messages.map((m) => m.turn_id ?? m.id)).toEqual([a.messageId]);
      const one = await t.api.get(`${t.base}${a.chatId}/message/${a.messageId}/details/`);
      expect(one.status, one.text).toBe(200);
      // PARITY: client 96b1551 ai.rs message_detail: a share's turn comes under `turn`.
      expect(one.body[v2() ? 'turn' : 'message']).toMatchObject({ state: 'complete' });
      const renamed = await t.api.post(`${t.base}${a.chatId}/update/`, { name: 'Notice period' });
      expect(renamed.status, renamed.text).toBe(200);
      expect(renamed.body.chat).toMatchObject({ name: 'Notice period' });
      expectApiError(await t.api.post(`${t.base}${a.chatId}/publish/`, {}), 403, 1680);
      const cancel = await t.api.post(`${t.base}${a.chatId}/cancel/`, {});
      expect(cancel.status, cancel.text).toBe(200);
      expect(JSON.parse(cancel.text)).toMatchObject({ success: true, no_pending_message: true });
      expect((await t.api.delete(`${t.base}${a.chatId}/`)).status).toBe(200);
      expect(((await t.api.get(`${t.base}list/`)).body.chats as Json[]).length).toBe(0);
      expect(((await t.api.get(`${t.base}list/deleted/`)).body.chats as Json[]).map(idOf)).toEqual([a.chatId]);
      expectApiError(await t.api.get(`${t.base}${a.chatId}/details/`), 404, 1609);
      const gone = await t.api.post(`${t.base}${a.chatId}/cancel/`, {});
      expect(gone.status).toBe(406);
    },
    { requires: ['account-type'], timeout: 60_000 },
  );
});

describe('access', () => {
  contract.unverified(
    "another tenant gets 401/115069 on every share AI route; a share member chats but never sees the owner's chat",
    async () => {
      const t = await shareTenant();
      const a = await ask(t.api, t.base, 'How long is the termination notice?');
      const stranger = await c.signedIn({ accountType: 'human' });
      const paths: [string, string, Json?][] = [
        ['POST', t.base, v2() ? { question: 'q?' } : { type: 'chat_with_files', question: 'q?' }],
        ['GET', `${t.base}list/`],
        ['GET', `${t.base}list/deleted/`],
        ['GET', `${t.base}${a.chatId}/details/`],
        ['GET', `${t.base}${a.chatId}/messages/list/`],
        ['GET', `${t.base}${a.chatId}/message/${a.messageId}/details/`],
        ['POST', `${t.base}${a.chatId}/message/`, { question: 'q?' }],
        ['POST', `${t.base}${a.chatId}/update/`, { name: 'x' }],
        ['POST', `${t.base}${a.chatId}/publish/`, {}],
        ['POST', `${t.base}${a.chatId}/cancel/`, {}],
        ['DELETE', `${t.base}${a.chatId}/`],
      ];
      for (const [method, path, body] of paths) {
        const res = await stranger.api.request(method as 'GET', path, body ? { form: body as Record<string, string> } : {});
        expectApiError(res, 401, 115069);
        // The error echoes the path the caller sent, nothing of the chat or the share.
        expect(res.text).not.toContain('termination');
        expect(res.text).not.toContain('Client share');
      }
      const added = await t.api.post(`/current/share/${t.share.id}/members/${stranger.persona.userId}/`, { permissions: 'view' });
      expect(added.status, added.text).toBe(200);
      const theirs = await ask(stranger.api, t.base, 'How long is the termination notice?');
      expect(theirs.cited).toEqual([t.inside]);
      expect(((await stranger.api.get(`${t.base}list/`)).body.chats as Json[]).length).toBe(1);
      expectApiError(await stranger.api.get(`${t.base}${a.chatId}/details/`), 404, 1609);
      expectApiError(await stranger.api.delete(`${t.base}${a.chatId}/`), 404, 1609);
      // A share member who is not a workspace member gets nothing of the workspace's AI.
      expectApiError(await stranger.api.get(`/current/workspace/${t.ws.id}/ai/${v2() ? 'agent' : 'chat'}/list/`), 401, 10545);
    },
    { requires: ['account-type'], timeout: 60_000 },
  );
});
