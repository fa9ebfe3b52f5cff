/**
 * The official client's `ripley` commands with a share as the target (V2 `/share/{id}/ai/agent/`):
 * ask (twice) in a share whose workspace holds a second, similar file outside the shared folder
 *  (never cited), list, details, messages, message, update, cancel, delete and list --deleted with
 * `--share`; `ripley autotitle --share` (applied to the share) and `ripley summary --workspace`
 * (markdown with a download link per file). Another tenant's token reaches none of the share's chats.
 */
import { expect } from 'vitest';
import type { OfficialCli } from './cli.js';

type Json = Record<string, unknown>;

export interface ShareAiScenarioDeps {
  cli: OfficialCli;
  tenant: () => Promise<{ token: string; wsId: string }>;
  post: (token: string, path: string, form: Record<string, string>) => Promise<Json>;
  settle: () => Promise<void>;
}

const citedNodes = (answer: Json) => ((answer.citations ?? []) as Json[]).map((c) => c.node_id);

export async function shareAiScenario({ cli, tenant, post, settle }: ShareAiScenarioDeps): Promise<void> {
  const mine = await tenant();
  const t = { token: mine.token };
  await post(mine.token, `/current/workspace/${mine.wsId}/update/`, { intelligence: 'true' });
  const folder = ((await cli.ok('files create-folder', ['--workspace', mine.wsId, 'Outbox'], t)).node as Json).id as string;
  const upload = async (text: string, name: string, extra: string[]) =>
    (await cli.ok('upload text', ['--workspace', mine.wsId, '--name', name, ...extra, text], t)).new_file_id as string;
  const inside = await upload('Alpha services contract: either party may end it with a termination notice of ninety days.', 'alpha-contract.txt', [
    '--folder',
    folder,
  ]);
  const outside = await upload('Bravo services contract: either party may end it with a termination notice of thirty days.', 'bravo-contract.txt', []);
  await settle();
  const share = (
    await cli.ok(
      'share create',
      ['--workspace', mine.wsId, '--storage-mode', 'workspace_folder', '--folder-node-id', folder, '--intelligence', 'false', 'Client deliverables'],
      t,
    )
  ).share as Json;
  const shareId = share.id as string;
  const s = ['--share', shareId];

  const asked = await cli.ok('ripley ask', [...s, 'How long is the termination notice?'], t);
  expect(asked).toMatchObject({ state: 'complete', response: expect.stringContaining('ninety days') });
  expect(citedNodes(asked)).toEqual([inside]);
  expect(String(asked.response)).not.toContain('thirty');
  const chatId = asked.chat_id as string;

  // `ripley chat` is workspace-only in the client; a second ask is a second chat of the share.
  const again = await cli.ok('ripley ask', [...s, 'Which contract says thirty days?'], t);
  expect(again).toMatchObject({ state: 'complete' });
  for (const c of citedNodes(again)) expect(c).toBe(inside);
  expect(citedNodes(again)).not.toContain(outside);
  await cli.ok('ripley delete', [...s, again.chat_id as string], t);

  expect(((await cli.ok('ripley list', s, t)).chats as Json[]).map((c) => c.thread_id)).toEqual([chatId]);
  expect((await cli.ok('ripley details', [...s, chatId], t)).chat).toMatchObject({ thread_id: chatId, messages: 1, privacy: 'private' });
  const turns = (await cli.ok('ripley messages', [...s, chatId], t)).messages as Json[];
  expect(turns.map((m) => m.turn_id)).toEqual([asked.message_id]);
  expect((await cli.ok('ripley message', [...s, chatId, asked.message_id as string], t)).turn).toMatchObject({ turn_id: asked.message_id, state: 'complete' });
  expect((await cli.ok('ripley update', [...s, '--name', 'Notice period', chatId], t)).chat).toMatchObject({ name: 'Notice period' });
  expect(await cli.ok('ripley cancel', [...s, '--chat-id', chatId], t)).toMatchObject({ success: true, no_pending_message: true });

  // Another tenant: the share is not shared with it.
  const theirs = await tenant();
  const refused = await cli.run('ripley details', [...s, chatId], { token: theirs.token });
  expect(refused.code).not.toBe(0);
  expect(refused.stderr).toMatch(/401/);

  await cli.ok('ripley delete', [...s, chatId], t);
  expect(((await cli.ok('ripley list', [...s, '--deleted'], t)).chats as Json[]).map((c) => c.thread_id).sort()).toEqual([chatId, again.chat_id].sort());

  const titled = await cli.ok('ripley autotitle', ['--share', shareId], t);
  expect(titled).toMatchObject({ title: 'Alpha contract', description: '1 file: alpha-contract.txt.' });
  const guided = await cli.ok('ripley autotitle', ['--share', shareId, '--user-context', 'Deliverables for Alpha'], t);
  expect(guided.share).toMatchObject({ title: 'Deliverables for Alpha' });

  // Unified search: a folder share has none (404, the client's own message); a portal answers buckets.
  const folderSearch = await cli.run('search share', [shareId, 'termination'], t);
  expect(folderSearch.code).not.toBe(0);
  expect(folderSearch.stderr).toContain('not available for workspace-backed');
  const portal = (await cli.ok('share create', ['--workspace', mine.wsId, '--intelligence', 'false', 'Client portal'], t)).share as Json;
  const found = await cli.ok('search share', [portal.id as string, 'termination'], t);
  expect(found.buckets).toMatchObject({ files: { items: [], total: 0 }, comments: { items: [], total: 0 } });

  const summary = await cli.ok('ripley summary', ['--workspace', mine.wsId, inside, outside], t);
  expect(String(summary.markdown)).toContain('ninety days');
  expect((summary.files as Json[]).map((f) => f.node_id)).toEqual([inside, outside]);
}
