/**
 * The April workspace chat routes after create and message: rename (`update/`), publish, cancel
 * (with and without the trailing slash the 41dde01 client leaves off), the soft-deleted list and
 * message `read/`. Each refuses a caller from another tenant.
 */
import { describe, expect } from 'vitest';
import { aiSettled, uploaded } from '../files.js';
import { contract, setupContract } from '../harness.js';
import { expectApiError } from '../expect.js';
import { addWorkspaceMember, createOrg, createWorkspace } from '../tenants.js';

const c = setupContract(import.meta.url, { dialects: ['2026-04'] });

type Json = Record<string, unknown>;

async function tenant() {
  const { api, persona } = await c.signedIn({ accountType: 'human' });
  const org = await createOrg(api);
  const ws = await createWorkspace(api, org.id, { intelligence: 'true' });
  const id = await uploaded(api, ws.id, 'contract.txt', 'Alpha services contract: the termination notice is ninety days.');
  expect((await aiSettled(api, ws.id, id)).ai.state).toBe('ready');
  const base = `/current/workspace/${ws.id}/ai/chat/`;
  const res = await api.post(base, { type: 'chat_with_files', question: 'How long is the termination notice?' });
  expect(res.status, res.text).toBe(200);
  return { api, persona, org, ws, id, base, chatId: res.body.chat_id as string, messageId: res.body.message_id as string };
}

describe('April chat lifecycle', () => {
  contract.unverified(
    'rename, publish (unchanged), cancel with and without the slash, message read, delete then list/deleted',
    async () => {
      const t = await tenant();
      const renamed = await t.api.post(`${t.base}${t.chatId}/update/`, { name: 'Notice period' });
      expect(renamed.status, renamed.text).toBe(200);
      expect(renamed.body.chat).toMatchObject({ id: t.chatId, name: 'Notice period' });
      expect((await t.api.get(`${t.base}${t.chatId}/details/`)).body.chat).toMatchObject({ name: 'Notice period' });
      const published = await t.api.post(`${t.base}${t.chatId}/publish/`, {});
      expect(published.status, published.text).toBe(200);
      expect(published.body.chat).toMatchObject({ id: t.chatId, name: 'Notice period' });
      for (const path of [`${t.base}${t.chatId}/cancel/`, `${t.base}${t.chatId}/cancel`]) {
        const cancel = await t.api.post(path, {});
        expect(cancel.status, cancel.text).toBe(200);
        expect(JSON.parse(cancel.text)).toMatchObject({ success: true, no_pending_message: true });
      }
      const read = await t.api.get(`${t.base}${t.chatId}/message/${t.messageId}/read/`);
      expect(read.status, read.text).toBe(200);
      expect(read.body.message).toMatchObject({ id: t.messageId, state: 'complete' });
      expect(((read.body.message as Json).response as { citations: Json[] }).citations.map((x) => x.node_id)).toEqual([t.id]);

      expect(((await t.api.get(`${t.base}list/deleted/`)).body.chats as Json[]).length).toBe(0);
      expect((await t.api.delete(`${t.base}${t.chatId}/`)).status).toBe(200);
      expect(((await t.api.get(`${t.base}list/deleted/`)).body.chats as Json[]).map((x) => x.id)).toEqual([t.chatId]);
      expect(((await t.api.get(`${t.base}list/`)).body.chats as Json[]).length).toBe(0);
      expect((await t.api.post(`${t.base}${t.chatId}/cancel/`, {})).status).toBe(406);
      expectApiError(await t.api.get(`${t.base}${t.chatId}/message/${t.messageId}/read/`), 404, 1609);
    },
    { requires: ['account-type'], timeout: 60_000 },
  );

  contract.unverified(
    "another tenant gets 401 on each route and its own workspace's path finds nothing of this chat; a member who did not create the chat may not rename it",
    async () => {
      const t = await tenant();
      const other = await tenant();
      const mine = [
        ['POST', `${t.base}${t.chatId}/update/`, { name: 'x' }],
        ['POST', `${t.base}${t.chatId}/publish/`, {}],
        ['POST', `${t.base}${t.chatId}/cancel/`, {}],
        ['GET', `${t.base}list/deleted/`],
        ['GET', `${t.base}${t.chatId}/message/${t.messageId}/read/`],
      ] as const;
      for (const [method, path, form] of mine) expectApiError(await other.api.request(method, path, form ? { form } : {}), 401, 10545);
      // Through the other tenant's own workspace, this chat is unknown.
      expectApiError(await other.api.post(`${other.base}${t.chatId}/update/`, { name: 'x' }), 404, 1609);
      expectApiError(await other.api.get(`${other.base}${t.chatId}/message/${t.messageId}/read/`), 404, 1609);
      expectApiError(await other.api.post(`${other.base}${t.chatId}/cancel/`, {}), 404, 1609);

      await addWorkspaceMember(t.api, t.ws.id, other.persona.userId, 'member');
      expectApiError(await other.api.post(`${t.base}${t.chatId}/update/`, { name: 'x' }), 403, 1680);
      expectApiError(await other.api.post(`${t.base}${t.chatId}/publish/`, {}), 403, 1680);
      expect((await other.api.get(`${t.base}${t.chatId}/message/${t.messageId}/read/`)).status).toBe(200);
    },
    { requires: ['account-type'], timeout: 60_000 },
  );
});
