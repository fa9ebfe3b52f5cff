/**
 * The how-to corpus and its matching (emulator/apps/howto.ts): questions land on the topic they
 * are about, vague ones ask back, and every step of every topic names a route the emulator serves.
 */
import { describe, expect, it } from 'vitest';
import { askHowTo } from '../../emulator/apps/howto.js';
import { HOWTO_TOPICS } from '../../emulator/apps/howto-topics.js';
import { allRoutes } from '../../emulator/routes.js';

const topicOf = (question: string) => {
  const res = askHowTo({ question });
  return res.status === 'answer' ? (res.topics_used as string[]) : res.status;
};

describe('how-to answers', () => {
  it.each([
    ['How do I create a share for a client?', ['share-files']],
    ['How do I upload a large file?', ['upload-files']],
    ['How do I invite a colleague to my workspace?', ['members-and-invitations']],
    ['How can I comment on page 3 of a PDF and mention someone?', ['comments']],
    ['How do I hand over ownership of my org to a human?', ['ownership-transfer']],
    ['How many credits do I have left?', ['billing-and-credits']],
    ['How do I lock a file while I edit it?', ['file-locks']],
    ['Tell me about zebras', 'needs_clarification'],
  ])('%s', (question, expected) => {
    expect(topicOf(question)).toEqual(expected);
  });

  it('is deterministic and phrases the same steps for each surface', () => {
    const q = { question: 'How do I download a file?' };
    expect(askHowTo(q)).toEqual(askHowTo(q));
    const mcp = askHowTo({ ...q, surface: 'mcp' }).answer as string;
    const code = askHowTo({ ...q, surface: 'code' }).answer as string;
    expect(mcp).toContain('download action="file"');
    expect(code).toContain('execute method="GET" path="/current/workspace/{workspace_id}/storage/{node_id}/read/"');
  });

  it('every step names a served route (path parameters as {name})', () => {
    const served = new Set(allRoutes({ routes: () => [], persistence: () => undefined }).map((r) => `${r.method} ${r.path.replace(/:([a-z_]+)/g, '{}')}`));
    const missing: string[] = [];
    for (const t of HOWTO_TOPICS) {
      for (const s of t.steps) {
        const [method, path] = s.rest.split(' ') as [string, string];
        const key = `${method} ${path.split('?')[0]!.replace(/\{[a-z_]+\}/g, '{}')}`;
        if (!served.has(key)) missing.push(`${t.id}: ${s.rest}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
