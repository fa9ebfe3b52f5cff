/**
 * `fastio-emulator exec` of the built CLI hands the command FASTIO_MCP_URL: the command
 * initializes an MCP session there and lists the tools (and `--no-mcp` leaves the variable out).
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { fromPackageRoot } from '../../emulator/paths.js';

const PROBE = `
const url = process.env.FASTIO_MCP_URL;
if (!url) { console.log(JSON.stringify({ url: null })); process.exit(0); }
const h = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
const init = await fetch(url, { method: 'POST', headers: h, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'ci-agent', version: '1' } } }) });
const sid = init.headers.get('mcp-session-id');
await init.json();
const s = { ...h, 'mcp-session-id': sid };
await fetch(url, { method: 'POST', headers: s, body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }) });
const list = await (await fetch(url, { method: 'POST', headers: s, body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }) })).json();
console.log(JSON.stringify({ url, tools: list.result.tools.length }));
`;

function exec(extra: string[]): { url: string | null; tools?: number } {
  const r = spawnSync(
    process.execPath,
    [fromPackageRoot('dist', 'cli.mjs'), 'exec', '--api-dialect', 'v2', ...extra, '--', process.execPath, '--input-type=module', '-e', PROBE],
    {
      encoding: 'utf8',
      timeout: 60_000,
    },
  );
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as { url: string | null; tools?: number };
}

describe('fastio-emulator exec and MCP', () => {
  it('exports FASTIO_MCP_URL, where an MCP session lists the 18 named tools', () => {
    const out = exec([]);
    expect(out.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    expect(out.tools).toBe(18);
  });

  it('leaves it out with --no-mcp', () => {
    expect(exec(['--no-mcp']).url).toBeNull();
  });
});
