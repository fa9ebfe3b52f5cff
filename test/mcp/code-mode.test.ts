/**
 * Code mode (agent guide v2.6 section 6) and the byte paths (section 5): `search target="api"`
 * over the route catalogue, `execute` through the same pipeline as HTTP (a second persona's ids
 * are refused as over REST), the /blob rules (single use, same session, 5 minutes on the
 * emulator clock, 100 MB), `download://` resources (inline up to 100 KB, a pointer at GET
 * /file/... beyond), and fault rules aimed at one MCP tool.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BLOB_TTL_MS } from '../../emulator/mcp/index.js';
import { control, errorCode, mcpEmulator, must, signedInWorkspace, stageBlob } from './support.js';

describe('MCP code mode, blobs, downloads and faults (v2)', () => {
  let emu: Awaited<ReturnType<typeof mcpEmulator>>;
  beforeAll(async () => {
    emu = await mcpEmulator('v2');
  });
  afterAll(() => emu.close());

  /** A code-mode session signed in with the key of a persona whose org and workspace a named session made. */
  async function codeSession(code: Awaited<ReturnType<typeof emu.connect>>) {
    const made = await signedInWorkspace(await emu.connect('openai-agent'), 'v2', 'c');
    await must(code.tool('auth', { action: 'set-api-key', api_key: made.apiKey }));
    return made;
  }

  it('search target=api finds catalogue routes and says which are served; execute runs them with the session token', async () => {
    const c = await emu.connect('claude-code');
    const { ws } = await codeSession(c);
    const found = await must(c.tool('search', { target: 'api', query: 'workspace details' }));
    const endpoints = found.endpoints as { method: string; path: string; served: boolean }[];
    expect(endpoints.some((e) => e.method === 'GET' && e.path === '/workspace/:workspace_id/details/' && e.served)).toBe(true);
    const details = await must(c.tool('execute', { method: 'get', path: `/workspace/${ws}/details/` }));
    expect((details.workspace as { id: string }).id).toBe(ws);
    const created = await must(c.tool('execute', { method: 'post', path: `/workspace/${ws}/storage/root/createfolder/`, body: { name: 'from-execute' } }));
    expect(JSON.stringify(created)).toContain('from-execute');
    // Byte routes are not streamed through execute; the control plane is not reachable through it.
    expect((await c.tool('execute', { method: 'get', path: `/workspace/${ws}/storage/x/read/` })).isError).toBe(true);
    const ctl = await c.tool('execute', { method: 'get', path: '/_emulator/health' });
    expect(ctl.isError).toBe(true);
    expect(Number(ctl.data.status)).toBeGreaterThanOrEqual(400);
  });

  it("refuses another persona's workspace through execute and through the named tools, as REST does", async () => {
    const a = await emu.connect('claude-code');
    const b = await emu.connect('openai-agent');
    const { ws } = await codeSession(a);
    await signedInWorkspace(b, 'v2', 'b');
    const viaRest = await fetch(`${emu.apiUrl}/current/workspace/${ws}/details/`, {
      headers: { authorization: `Bearer ${(await control(emu.apiUrl, 'POST', '/_emulator/users/', {})).api_key as string}` },
    });
    const restCode = ((await viaRest.json()) as { error: { code: number } }).error.code;
    const intruder = await emu.connect('claude-code');
    await codeSession(intruder);
    const viaExecute = await intruder.tool('execute', { method: 'get', path: `/workspace/${ws}/details/` });
    expect(viaExecute.isError).toBe(true);
    expect([viaExecute.data.status, errorCode(viaExecute)]).toEqual([viaRest.status, restCode]);
    expect(viaExecute.text).not.toContain('c workspace');
    const other = await b.tool('workspace', { action: 'details', workspace_id: ws });
    expect(other.isError).toBe(true);
    expect(other.data.status).toBe(viaRest.status);
    expect(errorCode(other)).toBe(restCode);
    const listing = await b.tool('storage', { action: 'list', profile_type: 'workspace', profile_id: ws });
    expect(listing.isError).toBe(true);
    expect(listing.text).not.toContain('from-execute');
  });

  it('keeps blobs single use, per session, for 5 minutes of the emulator clock, and at most 100 MB', async () => {
    const a = await emu.connect('openai-agent');
    const b = await emu.connect('openai-agent');
    const { ws } = await signedInWorkspace(a, 'v2');
    await signedInWorkspace(b, 'v2');
    expect((await stageBlob(emu.url, undefined, 'x')).status).toBe(401);
    expect((await stageBlob(emu.url, a.sessionId, '')).status).toBe(400);
    // Another session cannot use a's blob.
    const staged = (await (await stageBlob(emu.url, a.sessionId, 'secret bytes')).json()) as { blob_id: string; size: number; expires_in: number };
    expect(staged).toMatchObject({ size: 12, expires_in: BLOB_TTL_MS / 1000 });
    expect((await b.tool('upload', { action: 'stream-upload', profile_id: ws, filename: 'b.txt', blob_id: staged.blob_id })).isError).toBe(true);
    // The clock passes 5 minutes: gone.
    await control(emu.apiUrl, 'POST', '/_emulator/clock/advance', { seconds: BLOB_TTL_MS / 1000 + 1 });
    const late = await a.tool('upload', { action: 'stream-upload', profile_id: ws, filename: 'a.txt', blob_id: staged.blob_id });
    expect(late.isError).toBe(true);
    expect(late.text).toContain('expire');
    const big = await stageBlob(emu.url, a.sessionId, new Uint8Array(100 * 1024 * 1024 + 1));
    expect(big.status).toBe(413);
  });

  it('reads download:// resources inline up to 100 KB and points larger files at GET /file/...', async () => {
    const c = await emu.connect('openai-agent');
    const { ws } = await signedInWorkspace(c, 'v2');
    const small = (await must(c.tool('upload', { action: 'stream-upload', profile_id: ws, filename: 's.txt', content: 'small file' }))).node_id as string;
    const res = await c.client.readResource({ uri: `download://workspace/${ws}/${small}` });
    expect(Buffer.from((res.contents[0] as { blob: string }).blob, 'base64').toString()).toBe('small file');
    const blob = (await (await stageBlob(emu.url, c.sessionId, new Uint8Array(150 * 1024).fill(65))).json()) as { blob_id: string };
    const large = (await must(c.tool('upload', { action: 'stream-upload', profile_id: ws, filename: 'l.bin', blob_id: blob.blob_id }))).node_id as string;
    const pointer = await c.client.readResource({ uri: `download://workspace/${ws}/${large}` });
    const text = (pointer.contents[0] as { text: string }).text;
    expect(text).toContain(`/file/workspace/${ws}/${large}`);
    const bytes = await fetch(`${emu.url}/file/workspace/${ws}/${large}`, { headers: { 'mcp-session-id': c.sessionId } });
    expect(bytes.status).toBe(200);
    expect((await bytes.arrayBuffer()).byteLength).toBe(150 * 1024);
    expect((await fetch(`${emu.url}/file/workspace/${ws}/${large}`)).status).toBe(401);
  });

  it('lets a fault rule target one MCP tool: its calls fail, REST and other tools do not', async () => {
    const c = await emu.connect('openai-agent');
    const { ws } = await signedInWorkspace(c, 'v2');
    const rule = await control(emu.apiUrl, 'POST', '/_emulator/faults', { tool: 'storage.list', status: 503, times: 1 });
    expect((rule.fault as { tool: string }).tool).toBe('storage.list');
    const details = await c.tool('workspace', { action: 'details', workspace_id: ws });
    expect(details.isError).toBe(false);
    const listed = await c.tool('storage', { action: 'list', profile_type: 'workspace', profile_id: ws });
    expect(listed.isError).toBe(true);
    expect(listed.data.status).toBe(503);
    expect((await c.tool('storage', { action: 'list', profile_type: 'workspace', profile_id: ws })).isError).toBe(false);
    const faulted = (await control(emu.apiUrl, 'GET', '/_emulator/requests?mcp=storage&faulted=true')).requests as { mcp: string }[];
    expect(faulted.map((e) => e.mcp)).toEqual(['storage.list']);
  });
});
