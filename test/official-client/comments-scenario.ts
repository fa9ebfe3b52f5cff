/**
 * The official client's `comment`, `apps` and `how-to` commands against the emulator (issue 20
 * items 1 and 6): a comment anchored to a page with an inline attachment, a reply, the per-file
 * and per-workspace lists, details, edit, reactions, attachments (list, attach, detach), bulk
 * delete and delete; the apps catalogue without a token and a launch in the caller's workspace;
 * a how-to question. Another tenant's client is refused on the same comment and workspace.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { OfficialCli } from './cli.js';

type Json = Record<string, unknown>;

export interface CommentsScenarioDeps {
  cli: OfficialCli;
  tmp: string;
  tenant: () => Promise<{ token: string; wsId: string }>;
}

const idsOf = (j: Json, key: string) => (j[key] as Json[]).map((x) => (x.id ?? x.target_id) as string);

export async function commentsScenario({ cli, tmp, tenant }: CommentsScenarioDeps): Promise<void> {
  const { token, wsId } = await tenant();
  const other = await tenant();
  const t = { token };
  const upload = async (name: string) => {
    const path = join(tmp, `comments-${Date.now()}-${name}`);
    writeFileSync(path, `${name}\n`);
    return (await cli.ok('upload file', ['--workspace', wsId, path], t)).new_file_id as string;
  };
  const node = await upload('draft.txt');
  const spec = await upload('spec.txt');
  const extra = await upload('extra.txt');
  const on = ['--entity-type', 'workspace', '--entity-id', wsId];

  // create (anchored, one inline attachment), reply, lists, details
  const made = (await cli.ok('comment create', [...on, '--reference', '{"type":"page","page":2}', '--target-id', spec, node, 'Check page two'], t))
    .comment as Json;
  expect(made).toMatchObject({ node_id: node, body: 'Check page two', reference: { type: 'page', page: 2 }, attachment_ids: [spec] });
  const id = made.id as string;
  const reply = (await cli.ok('comment reply', ['--node-id', node, ...on, id, 'Done'], t)).comment as Json;
  expect(reply.parent_id).toBe(id);
  expect(idsOf(await cli.ok('comment list', [...on, node], t), 'comments')).toEqual([id, reply.id]);
  expect(idsOf(await cli.ok('comment list', [...on, '--sort', 'desc', '--limit', '1', node], t), 'comments')).toEqual([reply.id]);
  expect(idsOf(await cli.ok('comment list-all', on, t), 'comments')).toEqual([id, reply.id]);
  expect((await cli.ok('comment info', [id], t)).comment).toMatchObject({ id, reply_count: 1 });

  // edit, react, unreact
  expect((await cli.ok('comment edit', [id, 'Check page two again'], t)).comment).toMatchObject({ body: 'Check page two again', edited: true });
  expect((await cli.ok('comment react', [id, 'thumbsup'], t)).comment).toMatchObject({ my_reaction: 'thumbsup' });
  expect((await cli.ok('comment unreact', [id], t)).comment).toMatchObject({ my_reaction: null, reactions: [] });

  // attachments
  expect(idsOf(await cli.ok('comment attachments', [id], t), 'attachments')).toEqual([spec]);
  expect(idsOf(await cli.ok('comment attach', [id, '--target-ids', `${spec},${extra}`], t), 'attachments')).toEqual([spec, extra]);
  const detached = await cli.ok('comment detach', ['--target-id', spec, id], t);
  expect(detached.removed).toBe(true);
  expect(idsOf(detached, 'attachments')).toEqual([extra]);

  // another tenant: the comment and the workspace are refused
  const theirs = { token: other.token };
  for (const [command, args] of [
    ['comment info', [id]],
    ['comment react', [id, 'eyes']],
    ['comment list-all', on],
  ] as const) {
    const res = await cli.run(command, [...args], theirs);
    expect(res.code, `${command} as another tenant`).not.toBe(0);
    expect(res.stderr).toMatch(/401/);
  }

  // bulk delete (not recursive), then delete
  expect(await cli.ok('comment bulk-delete', ['--comment-ids', reply.id as string], t)).toMatchObject({ deleted: [reply.id], failed: [] });
  expect(await cli.ok('comment delete', [id], t)).toMatchObject({ status: 'deleted', comment_id: id });
  expect(idsOf(await cli.ok('comment list-all', on, t), 'comments')).toEqual([]);

  // apps: the catalogue answers without a token; a launch needs one and a workspace of the caller
  const apps = idsOf(await cli.ok('apps list'), 'apps');
  expect(apps).toContain('file-browser');
  expect((await cli.ok('apps details', ['file-browser'])).app).toMatchObject({ id: 'file-browser', resource_uri: 'ui://fastio/file-browser' });
  expect(idsOf(await cli.ok('apps tool-apps', ['comment']), 'apps')).toEqual(['file-preview']);
  const launched = await cli.ok('apps launch', ['file-browser', '--context-type', 'workspace', '--context-id', wsId], t);
  expect(launched.context).toMatchObject({ type: 'workspace', id: wsId });
  expect((launched.resource as Json).mime_type).toBe('text/html;profile=mcp-app');
  const intruder = await cli.run('apps launch', ['file-browser', '--context-type', 'workspace', '--context-id', wsId], theirs);
  expect(intruder.code).not.toBe(0);

  // how-to
  const answer = await cli.ok('how-to', ['How do I upload a large file?'], t);
  expect(answer).toMatchObject({ status: 'answer', topics_used: ['upload-files'] });
  expect((await cli.ok('how-to', ['--surface', 'mcp', 'How do I comment on a file?'], t)).answer).toContain('comment action="add"');
}
