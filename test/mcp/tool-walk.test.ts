/**
 * Every tool and every action, in both modes: `describe` answers for each tool and each action,
 * and each action called with placeholder ids answers either success or a tool error naming
 * what went wrong (a REST error passed through, 501 for routes the emulator does not serve),
 * never a protocol failure or a 5xx.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../emulator/catalogue/index.js';
import { NAMED_TOOLS } from '../../emulator/mcp/index.js';
import { mcpEmulator, must, signedInWorkspace } from './support.js';

/** PARITY: agent guide v2.6 section 4: the 18 named tools. */
const GUIDE_TOOLS = [
  'auth',
  'user',
  'org',
  'workspace',
  'share',
  'fileshare',
  'storage',
  'metadata',
  'find',
  'upload',
  'download',
  'ai',
  'comment',
  'event',
  'member',
  'invitation',
  'asset',
  'how-to',
];

describe.each(DIALECTS)('the whole tool list (%s)', (dialect) => {
  let emu: Awaited<ReturnType<typeof mcpEmulator>>;
  beforeAll(async () => {
    emu = await mcpEmulator(dialect);
  });
  afterAll(() => emu.close());

  it('lists the 18 named tools to a named-mode client and the 5 code-mode tools to a code-mode client', async () => {
    const named = await emu.connect('openai-agent');
    expect((await named.client.listTools()).tools.map((t) => t.name)).toEqual(GUIDE_TOOLS);
    const code = await emu.connect('claude-code');
    expect((await code.client.listTools()).tools.map((t) => t.name).sort()).toEqual(['auth', 'execute', 'how-to', 'search', 'upload']);
  });

  it('answers every action of every tool: success, or a tool error with a status (501 names what is not emulated), never 5xx', async () => {
    const c = await emu.connect('openai-agent');
    const { ws, org, userId } = await signedInWorkspace(c, dialect);
    const ids = {
      workspace_id: ws,
      profile_id: ws,
      profile_type: 'workspace',
      entity_type: 'workspace',
      entity_id: ws,
      org_id: org,
      user_id: userId,
      parent_id: ws,
    };
    const placeholder = 'x1';
    const tally = { ok: 0, notEmulated: 0, refused: 0 };
    for (const tool of NAMED_TOOLS) {
      const described = await must(c.tool(tool.name, { action: 'describe' }));
      expect((described.actions as { action: string }[]).map((a) => a.action)).toEqual(Object.keys(tool.actions));
      for (const [action, spec] of Object.entries(tool.actions)) {
        expect((await must(c.tool(tool.name, { action: 'describe', describe_action: action }))).action).toBe(action);
        // Sign-out would end the walk's session; the sign-in family needs real credentials.
        if (tool.name === 'auth' && ['signout', 'signin', 'set-api-key', 'pkce-complete'].includes(action)) continue;
        const args: Record<string, unknown> = { action, ...ids, confirm: true };
        for (const p of spec.required ?? []) if (args[p] === undefined) args[p] = placeholder;
        const a = await c.tool(tool.name, args);
        if (!a.isError) {
          tally.ok++;
          continue;
        }
        const status = Number(a.data.status);
        expect(status, `${tool.name} ${action}: ${a.text}`).toBeGreaterThanOrEqual(400);
        if (status !== 501) expect(status, `${tool.name} ${action}: ${a.text}`).toBeLessThan(500);
        if (status === 501) {
          expect(a.text, `${tool.name} ${action}`).toMatch(/^Not emulated: /);
          tally.notEmulated++;
        } else tally.refused++;
      }
    }
    console.log(`[mcp] tool walk (${dialect}): ${JSON.stringify(tally)}`);
    // The session still holds its token after the walk (nothing signed it out).
    expect((await must(c.tool('auth', { action: 'status' }))).authenticated).toBe(true);
    expect(tally.ok).toBeGreaterThan(20);
  }, 60_000);
});
