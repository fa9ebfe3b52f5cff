/**
 * The official client's `ripley` (AI chat) commands against the emulator's V2 `/ai/agent/` routes:
 * ask (waiting, and --no-wait then polling the message), chat and its follow-up, list, history,
 * details, messages, message, rename, cancel, delete and list --deleted, transactions, and an
 * attachment asked about in a workspace without intelligence. Every citation names a file of the
 * asking workspace, though another tenant holds a file of the same name and words.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { OfficialCli } from './cli.js';

type Json = Record<string, unknown>;

export interface AiScenarioDeps {
  cli: OfficialCli;
  tmp: string;
  tenant: () => Promise<{ token: string; wsId: string }>;
  /** POST a form to the emulator's API as the token's user */
  post: (token: string, path: string, form: Record<string, string>) => Promise<Json>;
  settle: () => Promise<void>;
}

const citedNodes = (answer: Json) => ((answer.citations ?? []) as Json[]).map((c) => c.node_id);

export async function aiScenario({ cli, tmp, tenant, post, settle }: AiScenarioDeps): Promise<void> {
  const mine = await tenant();
  const theirs = await tenant();
  const t = { token: mine.token };
  for (const who of [mine, theirs]) await post(who.token, `/current/workspace/${who.wsId}/update/`, { intelligence: 'true' });
  const upload = async (who: { token: string; wsId: string }, text: string) =>
    (await cli.ok('upload text', ['--workspace', who.wsId, '--name', 'contract.txt', text], { token: who.token })).new_file_id as string;
  const own = await upload(mine, 'Alpha services contract: either party may end it with a termination notice of ninety days.');
  const foreign = await upload(theirs, 'Bravo services contract: either party may end it with a termination notice of thirty days.');
  await settle();

  const asked = await cli.ok('ripley ask', ['--workspace', mine.wsId, 'How long is the termination notice?'], t);
  expect(asked).toMatchObject({ state: 'complete', response: expect.stringContaining('ninety days') });
  expect(citedNodes(asked)).toEqual([own]);
  expect(String(asked.response)).not.toContain('thirty');

  const started = await cli.ok('ripley ask', ['--workspace', mine.wsId, '--no-wait', 'Who may end the contract?'], t);
  expect(started).toMatchObject({ state: 'processing' });
  const chatId = started.chat_id as string;
  const messageId = started.message_id as string;
  const polled = await cli.ok('ripley message', ['--workspace', mine.wsId, chatId, messageId], t);
  expect(polled.message).toMatchObject({ turn_id: messageId, thread_id: chatId, state: 'complete' });
  expect(((polled.message as Json).response as Json).citations).toEqual([expect.objectContaining({ node_id: own })]);

  const chatted = await cli.ok('ripley chat', ['--workspace', mine.wsId, 'What does the contract say about notice?'], t);
  expect(citedNodes(chatted)).toEqual([own]);
  const followed = await cli.ok('ripley chat', ['--workspace', mine.wsId, '--chat-id', chatted.chat_id as string, 'And who wrote it?'], t);
  expect(followed).toMatchObject({ chat_id: chatted.chat_id, state: 'complete' });
  for (const c of citedNodes(followed)) expect(c).toBe(own);

  const threads = ((await cli.ok('ripley list', ['--workspace', mine.wsId], t)).chats as Json[]).map((c) => c.thread_id);
  expect(threads).toEqual(expect.arrayContaining([asked.chat_id, chatId, chatted.chat_id]));
  expect(((await cli.ok('ripley history', ['--workspace', mine.wsId], t)).chats as Json[]).length).toBe(threads.length);
  const history = (await cli.ok('ripley history', ['--workspace', mine.wsId, '--chat-id', chatted.chat_id as string], t)).messages as Json[];
  expect(history.map((m) => m.turn_id)).toEqual([chatted.message_id, followed.message_id]);
  expect((await cli.ok('ripley details', ['--workspace', mine.wsId, chatId], t)).chat).toMatchObject({ thread_id: chatId, messages: 1 });
  expect(((await cli.ok('ripley messages', ['--workspace', mine.wsId, chatId], t)).messages as Json[]).map((m) => m.turn_id)).toEqual([messageId]);
  expect((await cli.ok('ripley update', ['--workspace', mine.wsId, '--name', 'Notice period', chatId], t)).chat).toMatchObject({ name: 'Notice period' });
  expect(await cli.ok('ripley cancel', ['--workspace', mine.wsId, '--chat-id', chatId], t)).toMatchObject({ success: true, no_pending_message: true });
  await cli.ok('ripley delete', ['--workspace', mine.wsId, chatId], t);
  expect(((await cli.ok('ripley list', ['--workspace', mine.wsId, '--deleted'], t)).chats as Json[]).map((c) => c.thread_id)).toEqual([chatId]);
  const tx = (await cli.ok('ripley transactions', ['--workspace', mine.wsId], t)).transactions as Json[];
  expect(tx.length).toBe(4);
  expect(tx.every((x) => Number(x.tokens) > 0)).toBe(true);

  // An attachment, in a workspace without intelligence: answered from the file, nothing ingested.
  const plain = await tenant();
  const lease = join(tmp, `lease-${plain.wsId}.txt`);
  writeFileSync(lease, 'The lease renews every spring. The deposit is four hundred euros.\n');
  const leaseId = (await cli.ok('upload file', ['--workspace', plain.wsId, lease], { token: plain.token })).new_file_id as string;
  const attached = await cli.ok('ripley ask', ['--workspace', plain.wsId, '--files-attach', leaseId, 'How much is the deposit?'], { token: plain.token });
  expect(attached).toMatchObject({ state: 'complete', response: expect.stringContaining('four hundred euros'), citations: [] });
  const refused = await cli.run('ripley ask', ['--workspace', plain.wsId, '--files-attach', foreign, 'Whose contract is this?'], { token: plain.token });
  expect(refused.code).not.toBe(0);
  expect(refused.stderr).toMatch(/401/);
}
