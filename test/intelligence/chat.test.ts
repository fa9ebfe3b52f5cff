import { describe, expect, it } from 'vitest';
import { countTokens } from '../../emulator/intelligence/engine/answer.js';
import { GENERAL_CHAT_ANSWER } from '../../emulator/intelligence/chat.js';
import { HOLD_JOBS, inProcessEmulator } from '../support/client.js';

interface Message {
  id: string;
  chat_id: string;
  state: string;
  question: string;
  response: { text: string; citations: { node_id: string; version_id: string; name: string; page: number; passage_id: string; snippet: string }[] };
  tokens: number;
  credits: number;
}

describe('AI chat', () => {
  it('answers from this workspace only, cites its nodes and passages, and charges 1 credit per 100 tokens', async () => {
    const emu = await inProcessEmulator(HOLD_JOBS);
    const a = await emu.tenant({ intelligence: true });
    const b = await emu.tenant({ intelligence: true });
    const contractA = await emu.upload(
      a.user.token,
      a.ws.id,
      'contract.txt',
      'Alpha: either party may end the agreement with a termination notice of ninety days.',
    );
    await emu.upload(b.user.token, b.ws.id, 'contract.txt', 'Bravo: either party may end the agreement with a termination notice of thirty days.');
    await emu.settle();
    const chatPath = `/current/workspace/${a.ws.id}/ai/chat/`;
    const created = await emu.ok('POST', chatPath, {
      token: a.user.token,
      form: {
        type: 'chat_with_files',
        question: 'How long is the termination notice?',
        personality: 'concise',
      },
    });
    const message = created.message as Message;
    expect(created.chat_id).toMatch(/^9[0-9a-z]{28}$/);
    expect(created.message_id).toBe(message.id);
    expect(message.state).toBe('complete');
    expect(message.response.text).toContain('ninety days');
    expect(message.response.text).not.toContain('thirty');
    expect(message.response.citations).toHaveLength(1);
    const [citation] = message.response.citations;
    expect(citation).toMatchObject({ node_id: contractA, name: 'contract.txt', page: 1, version_id: emu.emulator.db.nodes.get(contractA)!.versionId });
    expect(citation!.passage_id.startsWith(`${contractA}:`)).toBe(true);

    const [row] = emu.ledger(a.org.id, 'ai_tokens');
    expect(row).toMatchObject({ units: message.tokens, credits: message.tokens / 100, objectId: created.chat_id, workspaceId: a.ws.id, userId: a.user.id });
    expect(message.tokens).toBeGreaterThanOrEqual(countTokens('How long is the termination notice?') + countTokens(message.response.text));
    expect(emu.ledger(b.org.id, 'ai_tokens')).toEqual([]);

    const details = await emu.ok('GET', `${chatPath}${created.chat_id as string}/message/${message.id}/details/`, { token: a.user.token });
    expect(details.message).toEqual(message);
    const follow = await emu.ok('POST', `${chatPath}${created.chat_id as string}/message/`, {
      token: a.user.token,
      form: { question: 'And who may end the agreement?' },
    });
    expect((follow.message as Message).response.citations.map((c) => c.node_id)).toEqual([contractA]);
    const messages = await emu.ok('GET', `${chatPath}${created.chat_id as string}/messages/list/`, { token: a.user.token });
    expect((messages.messages as Message[]).map((m) => m.id)).toEqual([message.id, follow.message_id]);
    const list = await emu.ok('GET', `${chatPath}list/`, { token: a.user.token });
    expect(list.chats).toEqual([
      expect.objectContaining({ id: created.chat_id, messages: 2, type: 'chat_with_files', name: 'How long is the termination notice?' }),
    ]);
    expect((await emu.ok('GET', `/current/workspace/${b.ws.id}/ai/chat/list/`, { token: b.user.token })).chats).toEqual([]);
    // Another workspace's chat id, through B's own workspace, is not found.
    const cross = await emu.call('GET', `/current/workspace/${b.ws.id}/ai/chat/${created.chat_id as string}/details/`, { token: b.user.token });
    expect([cross.status, cross.body.error?.code]).toEqual([404, 1609]);
    const events = emu.emulator.db.events.toArray().map((e) => e.event);
    expect(events.filter((e) => e.startsWith('ai_chat'))).toEqual(['ai_chat_created', 'ai_chat_new_message']);
  });

  it('scopes a chat to files or folders and promotes a scoped `chat` to chat_with_files', async () => {
    const emu = await inProcessEmulator(HOLD_JOBS);
    const { user, ws } = await emu.tenant({ intelligence: true });
    const one = await emu.upload(user.token, ws.id, 'one.txt', 'The orchard harvest in the north was 340 tonnes.');
    const two = await emu.upload(user.token, ws.id, 'two.txt', 'The orchard harvest in the south was 215 tonnes.');
    await emu.settle();
    const created = await emu.ok('POST', `/current/workspace/${ws.id}/ai/chat/`, {
      token: user.token,
      form: {
        type: 'chat',
        question: 'What was the orchard harvest?',
        files_scope: `${two}:`,
      },
    });
    expect((created.chat as { type: string }).type).toBe('chat_with_files');
    expect((created.message as Message).response.citations.map((c) => c.node_id)).toEqual([two]);
    // The chat's scope holds for follow-ups; a message may set its own.
    const follow = await emu.ok('POST', `/current/workspace/${ws.id}/ai/chat/${created.chat_id as string}/message/`, {
      token: user.token,
      form: {
        question: 'How many tonnes of harvest?',
      },
    });
    expect((follow.message as Message).response.citations.map((c) => c.node_id)).toEqual([two]);
    const own = await emu.ok('POST', `/current/workspace/${ws.id}/ai/chat/${created.chat_id as string}/message/`, {
      token: user.token,
      form: {
        question: 'How many tonnes of harvest?',
        files_scope: `${one}:`,
      },
    });
    expect((own.message as Message).response.citations.map((c) => c.node_id)).toEqual([one]);
  });

  it('plan and workspace gates: 402/1695 without ai_agent, 400/1605 for RAG without intelligence, guests read but do not chat', async () => {
    const emu = await inProcessEmulator(HOLD_JOBS);
    const agent = await emu.tenant({ accountType: 'agent' });
    const refused = await emu.call('POST', `/current/workspace/${agent.ws.id}/ai/chat/`, {
      token: agent.user.token,
      form: { type: 'chat', question: 'hello?' },
    });
    expect([refused.status, refused.body.error?.code]).toEqual([402, 1695]);
    const enable = await emu.call('POST', `/current/workspace/${agent.ws.id}/update/`, { token: agent.user.token, form: { intelligence: 'true' } });
    expect([enable.status, enable.body.error?.code]).toEqual([400, 1605]);

    const human = await emu.tenant({ intelligence: false });
    const rag = await emu.call('POST', `/current/workspace/${human.ws.id}/ai/chat/`, {
      token: human.user.token,
      form: { type: 'chat_with_files', question: 'anything?' },
    });
    expect([rag.status, rag.body.error?.code]).toEqual([400, 1605]);
    const general = await emu.ok('POST', `/current/workspace/${human.ws.id}/ai/chat/`, {
      token: human.user.token,
      form: {
        type: 'chat',
        question: 'What is the capital of France?',
      },
    });
    expect((general.message as Message).response).toEqual({ text: GENERAL_CHAT_ANSWER, citations: [] });
    expect((general.message as Message).tokens).toBe(countTokens('What is the capital of France?') + countTokens(GENERAL_CHAT_ANSWER));

    const guest = await emu.persona('human');
    await emu.ok('POST', `/current/workspace/${human.ws.id}/members/${guest.id}/`, { token: human.user.token, form: { permissions: 'guest' } });
    const byGuest = await emu.call('POST', `/current/workspace/${human.ws.id}/ai/chat/`, { token: guest.token, form: { type: 'chat', question: 'hi?' } });
    expect([byGuest.status, byGuest.body.error?.code]).toEqual([403, 1680]);
    expect((await emu.call('GET', `/current/workspace/${human.ws.id}/ai/chat/list/`, { token: guest.token })).status).toBe(200);
  });

  it('past the budget a message answers 402/1696 naming used and limit, and stores nothing', async () => {
    const emu = await inProcessEmulator(HOLD_JOBS);
    const { user, org, ws } = await emu.tenant({ intelligence: true });
    await emu.upload(user.token, ws.id, 'a.txt', 'The irrigation budget is reviewed every quarter.');
    await emu.settle();
    const orgRow = emu.emulator.db.orgs.get(org.id)!;
    emu.emulator.ledger.charge(orgRow, { kind: 'conversions', units: 1, credits: emu.emulator.ledger.remaining(orgRow)! - 0.1 });
    const chats = emu.emulator.db.chats.size;
    const r = await emu.call('POST', `/current/workspace/${ws.id}/ai/chat/`, {
      token: user.token,
      form: {
        type: 'chat_with_files',
        question: 'When is the irrigation budget reviewed?',
      },
    });
    expect([r.status, r.body.error?.code]).toEqual([402, 1696]);
    expect(r.body.error?.text).toMatch(/9999\.90 of 10000 credits/);
    expect(emu.emulator.db.chats.size).toBe(chats);
    expect(emu.emulator.db.chatMessages.size).toBe(0);
    expect(emu.ledger(org.id, 'ai_tokens')).toEqual([]);
  });

  it('deletes a chat for its creator or an admin, not for another member', async () => {
    const emu = await inProcessEmulator(HOLD_JOBS);
    const { user, ws } = await emu.tenant({ intelligence: true });
    const member = await emu.persona('human');
    await emu.ok('POST', `/current/workspace/${ws.id}/members/${member.id}/`, { token: user.token, form: { permissions: 'member' } });
    const mine = await emu.ok('POST', `/current/workspace/${ws.id}/ai/chat/`, { token: user.token, form: { type: 'chat', question: 'first?' } });
    const path = `/current/workspace/${ws.id}/ai/chat/${mine.chat_id as string}/`;
    const denied = await emu.call('DELETE', path, { token: member.token });
    expect([denied.status, denied.body.error?.code]).toEqual([403, 1680]);
    expect((await emu.call('DELETE', path, { token: user.token })).status).toBe(200);
    expect((await emu.call('GET', `${path}details/`, { token: user.token })).status).toBe(404);
    expect((await emu.ok('GET', `/current/workspace/${ws.id}/ai/chat/list/`, { token: user.token })).chats).toEqual([]);
  });
});
