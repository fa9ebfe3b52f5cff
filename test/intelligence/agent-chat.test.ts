import { describe, expect, it } from 'vitest';
import { THREAD_TOKEN_LIMIT } from '../../emulator/intelligence/chat.js';
import { HOLD_JOBS, inProcessEmulator } from '../support/client.js';

interface Turn {
  turn_id: string;
  thread_id: string;
  seq: number;
  state: string;
  text: string;
  response: { text: string; citations: { node_id: string }[] };
  tokens: number;
}

const fileRef = (id: string, version = '') => ({ type: 'file', id, file_details: { node_id: id, version_id: version } });
const refs = (...items: object[]) => JSON.stringify(items);

async function v2() {
  return inProcessEmulator({ ...HOLD_JOBS, apiDialect: 'v2' });
}

describe('V2 AI chat (/ai/agent/)', () => {
  it('answers from this workspace only: thread and turn ids, flat follow-ups, details, lists, ledger', async () => {
    const emu = await v2();
    const a = await emu.tenant({ intelligence: true });
    const b = await emu.tenant({ intelligence: true });
    const mine = await emu.upload(a.user.token, a.ws.id, 'contract.txt', 'Alpha: either party may end the agreement with a termination notice of ninety days.');
    await emu.upload(b.user.token, b.ws.id, 'contract.txt', 'Bravo: either party may end the agreement with a termination notice of thirty days.');
    await emu.settle();
    const base = `/current/workspace/${a.ws.id}/ai/agent/`;
    const created = await emu.ok('POST', base, { token: a.user.token, form: { question: 'How long is the termination notice?' } });
    const thread = created.thread as { thread_id: string; privacy: string; kind: string };
    const turn = created.turn as Turn;
    expect(thread).toMatchObject({ privacy: 'private', kind: 'user' });
    expect(turn).toMatchObject({ thread_id: thread.thread_id, seq: 1, state: 'complete', text: 'How long is the termination notice?' });
    expect(turn.response.text).toContain('ninety days');
    expect(turn.response.citations.map((c) => c.node_id)).toEqual([mine]);

    const follow = await emu.ok('POST', `${base}${thread.thread_id}/message/`, { token: a.user.token, form: { question: 'Who may end the agreement?' } });
    expect(follow).toMatchObject({ thread_id: thread.thread_id, seq: 2, status: 'complete', message: { turn_id: follow.turn_id } });
    expect(follow).not.toHaveProperty('response');
    const details = await emu.ok('GET', `${base}${thread.thread_id}/message/${follow.turn_id as string}/details/`, { token: a.user.token });
    expect(details.message).toMatchObject({ turn_id: follow.turn_id, state: 'complete', seq: 2 });
    const messages = await emu.ok('GET', `${base}${thread.thread_id}/messages/list/`, { token: a.user.token });
    expect((messages.messages as Turn[]).map((m) => m.turn_id)).toEqual([turn.turn_id, follow.turn_id]);
    expect((await emu.ok('GET', `${base}list/`, { token: a.user.token })).chats).toEqual([
      expect.objectContaining({ thread_id: thread.thread_id, messages: 2 }),
    ]);
    const tx = (await emu.ok('GET', `/current/workspace/${a.ws.id}/ai/transactions/`, { token: a.user.token })).transactions as {
      tokens: number;
      chat_id: string;
    }[];
    expect(tx.map((t) => t.tokens)).toEqual(
      emu
        .ledger(a.org.id, 'ai_tokens')
        .map((e) => e.units)
        .reverse(),
    );
    expect(tx.every((t) => t.chat_id === thread.thread_id)).toBe(true);
    // The April routes are not this dialect's.
    expect((await emu.call('GET', `/current/workspace/${a.ws.id}/ai/chat/list/`, { token: a.user.token })).status).not.toBe(200);
    const cross = await emu.call('GET', `/current/workspace/${b.ws.id}/ai/agent/${thread.thread_id}/details/`, { token: b.user.token });
    expect([cross.status, cross.body.error?.code]).toEqual([404, 1609]);
  });

  it('attachments answer from the files without ingestion, in a workspace without intelligence; foreign and folder attachments are refused', async () => {
    const emu = await v2();
    const a = await emu.tenant();
    const b = await emu.tenant();
    const doc = await emu.upload(a.user.token, a.ws.id, 'lease.txt', 'The lease renews every spring. The deposit is four hundred euros.');
    const foreign = await emu.upload(b.user.token, b.ws.id, 'secret.txt', 'Bravo secret deposit of nine thousand.');
    await emu.settle();
    const base = `/current/workspace/${a.ws.id}/ai/agent/`;
    const created = await emu.ok('POST', base, { token: a.user.token, form: { question: 'How much is the deposit?', subjects: refs(fileRef(doc)) } });
    const turn = created.turn as Turn;
    expect(turn.response.text).toContain('four hundred euros');
    expect(turn.response.citations).toEqual([]);
    expect(emu.ledger(a.org.id, 'ingestion')).toEqual([]);
    expect(emu.ledger(a.org.id, 'ai_tokens')).toHaveLength(1);
    expect(emu.emulator.db.nodes.get(doc)!.ai.state).toBe('disabled');

    const refused = await emu.call('POST', base, { token: a.user.token, form: { question: 'Deposit?', subjects: refs(fileRef(foreign)) } });
    expect([refused.status, refused.body.error?.code]).toEqual([401, 115069]);
    const folder = (await emu.ok('POST', `/current/workspace/${a.ws.id}/storage/root/createfolder/`, { token: a.user.token, form: { name: 'docs' } })).node as {
      id: string;
    };
    const asFolder = await emu.call('POST', base, {
      token: a.user.token,
      form: { question: 'Deposit?', subjects: refs({ type: 'folder', id: folder.id, folder_details: { node_id: folder.id } }) },
    });
    expect(asFolder.status).toBe(406);
    const both = await emu.call('POST', base, {
      token: a.user.token,
      form: { question: 'Deposit?', subjects: refs(fileRef(doc)), references: refs(fileRef(doc)) },
    });
    expect([both.status, both.body.error?.params?.[0]?.name]).toEqual([400, 'subjects']);
    const rag = await emu.call('POST', base, { token: a.user.token, form: { question: 'Deposit?', references: refs(fileRef(doc)) } });
    expect([rag.status, rag.body.error?.params?.[0]?.name]).toEqual([400, 'references']);
    expect(emu.ledger(a.org.id, 'ai_tokens')).toHaveLength(1);
  });

  it('rename, publish (403), privacy, kind filter, soft delete and list/deleted, cancel without the envelope', async () => {
    const emu = await v2();
    const { user, ws } = await emu.tenant();
    const base = `/current/workspace/${ws.id}/ai/agent/`;
    const t = { token: user.token };
    const mk = async (kind: string) =>
      ((await emu.ok('POST', base, { ...t, form: { question: `A ${kind} question`, kind } })).thread as { thread_id: string }).thread_id;
    const userChat = await mk('user');
    const agentChat = await mk('agent');
    const list = async (q = '') => ((await emu.ok('GET', `${base}list/${q}`, t)).chats as { thread_id: string }[]).map((c) => c.thread_id);
    expect(await list()).toEqual([userChat]);
    expect(await list('?kind=agent')).toEqual([agentChat]);
    expect(await list('?kind=all')).toEqual([agentChat, userChat]);
    expect((await emu.ok('POST', `${base}${userChat}/update/`, { ...t, form: { name: 'Renamed' } })).chat).toMatchObject({ name: 'Renamed' });
    const publish = await emu.call('POST', `${base}${userChat}/publish/`, t);
    expect([publish.status, publish.body.error?.code]).toEqual([403, 1680]);
    expect((await emu.call('POST', base, { ...t, form: { question: 'q', privacy: 'public' } })).status).toBe(403);

    const cancel = await emu.call('POST', `${base}${userChat}/cancel/`, t);
    expect(cancel.status).toBe(200);
    expect(JSON.parse(cancel.text)).toEqual({ success: true, no_pending_message: true, thread_id: userChat });
    expect((await emu.call('DELETE', `${base}${userChat}/`, t)).status).toBe(200);
    expect(await list()).toEqual([]);
    expect(((await emu.ok('GET', `${base}list/deleted`, t)).chats as { thread_id: string }[]).map((c) => c.thread_id)).toEqual([userChat]);
    const gone = await emu.call('POST', `${base}${userChat}/cancel/`, t);
    expect(gone.status).toBe(406);
    expect(JSON.parse(gone.text)).toMatchObject({ result: false, error_id: 1605 });
    expect(
      emu.emulator.db.events
        .toArray()
        .map((e) => e.event)
        .filter((e) => e.startsWith('ai_chat')),
    ).toEqual(['ai_chat_created', 'ai_chat_created', 'ai_chat_updated', 'ai_chat_deleted']);
  });

  it('another member sees the public April-style chats only, never a private one', async () => {
    const emu = await v2();
    const { user, ws, org } = await emu.tenant();
    const other = await emu.persona('human');
    await emu.ok('POST', `/current/org/${org.id}/members/${encodeURIComponent(other.email)}/`, { token: user.token, form: { permissions: 'member' } });
    await emu.ok('POST', `/current/workspace/${ws.id}/members/${encodeURIComponent(other.email)}/`, { token: user.token, form: { permissions: 'member' } });
    // addresses are invited, not added: their owner accepts (members/invitations.ts)
    await emu.ok('POST', '/current/user/invitations/acceptall/', { token: other.token });
    const base = `/current/workspace/${ws.id}/ai/agent/`;
    const id = ((await emu.ok('POST', base, { token: user.token, form: { question: 'Mine alone?' } })).thread as { thread_id: string }).thread_id;
    expect((await emu.ok('GET', `${base}list/`, { token: other.token })).chats).toEqual([]);
    expect((await emu.call('GET', `${base}${id}/details/`, { token: other.token })).status).toBe(404);
  });

  it('a thread past the token cap answers the conversation-too-large codes, and nothing is charged', async () => {
    const emu = await v2();
    const { user, ws, org } = await emu.tenant();
    // About 55,000 tokens of text per read: two reads fit, the third passes the cap.
    const words = 'the harbor sorter needs maintenance every month and the invoice is payable within thirty days. ';
    const big = await emu.upload(user.token, ws.id, 'big.txt', words.repeat(Math.ceil((THREAD_TOKEN_LIMIT * 4 * 0.43) / words.length)));
    const huge = await emu.upload(user.token, ws.id, 'huge.txt', words.repeat(Math.ceil((THREAD_TOKEN_LIMIT * 4 * 1.1) / words.length)));
    await emu.settle();
    const base = `/current/workspace/${ws.id}/ai/agent/`;
    const t = { token: user.token };
    const tooBig = await emu.call('POST', base, { ...t, form: { question: 'When is the invoice payable?', subjects: refs(fileRef(huge)) } });
    expect([tooBig.status, tooBig.body.error?.code], tooBig.text).toEqual([409, 153795]);
    const id = (
      (await emu.ok('POST', base, { ...t, form: { question: 'When is the invoice payable?', subjects: refs(fileRef(big)) } })).thread as { thread_id: string }
    ).thread_id;
    await emu.ok('POST', `${base}${id}/message/`, { ...t, form: { question: 'And the maintenance?' } });
    const charged = emu.ledger(org.id, 'ai_tokens').length;
    const third = await emu.call('POST', `${base}${id}/message/`, { ...t, form: { question: 'Anything else?' } });
    expect([third.status, third.body.error?.code]).toEqual([409, 168116]);
    expect(emu.ledger(org.id, 'ai_tokens')).toHaveLength(charged);
  });
});
