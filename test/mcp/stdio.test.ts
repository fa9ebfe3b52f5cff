/**
 * `fastio-emulator mcp` of the built CLI, driven by the SDK's StdioClientTransport (the process
 * is spawned, the protocol runs on its stdin/stdout): the guide's whole agent flow, with /blob on
 * the MCP HTTP port of the same process (`--mcp-port 0`) for the stdio session. Needs the build.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentFlow } from './flow.js';
import { stdioEmulator } from './support.js';

describe('MCP over stdio (fastio-emulator mcp)', () => {
  let c: Awaited<ReturnType<typeof stdioEmulator>>;
  beforeAll(async () => {
    c = await stdioEmulator('v2');
  }, 30_000);
  afterAll(() => c?.close());

  it('serves the named tools and the guide flow through the spawned process', async () => {
    expect(c.apiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(c.mcpUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await agentFlow(c, 'v2');
  }, 60_000);
});
