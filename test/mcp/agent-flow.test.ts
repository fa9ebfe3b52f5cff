/**
 * The guide's agent flow (flow.ts) through the official MCP SDK client over Streamable HTTP, in
 * both dialects, and the upload traps of guide section 5 (10522 at finalize, batch partial success).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../emulator/catalogue/index.js';
import { agentFlow } from './flow.js';
import { errorCode, mcpEmulator, must, signedInWorkspace, stageBlob } from './support.js';

describe.each(DIALECTS)('MCP agent flow over Streamable HTTP (%s)', (dialect) => {
  let emu: Awaited<ReturnType<typeof mcpEmulator>>;
  beforeAll(async () => {
    emu = await mcpEmulator(dialect);
  });
  afterAll(() => emu.close());

  it('runs the guide flow end to end, through the REST pipeline', async () => {
    await agentFlow(await emu.connect('openai-agent'), dialect);
  });

  it('refuses a size mismatch at finalize with 10522 (create-session, chunk, finalize)', async () => {
    const c = await emu.connect('openai-agent');
    const ws = (await signedInWorkspace(c, dialect)).ws;
    const session = await must(c.tool('upload', { action: 'create-session', profile_id: ws, filename: 'gen.txt', filesize: 8000 }));
    expect((session.blob_upload as { headers: Record<string, string> }).headers['Mcp-Session-Id']).toBe(c.sessionId);
    const blob = (await (await stageBlob(emu.url, c.sessionId, 'x'.repeat(4443))).json()) as { blob_id: string };
    await must(c.tool('upload', { action: 'chunk', upload_id: session.upload_id, order: 1, blob_id: blob.blob_id }));
    const fin = await c.tool('upload', { action: 'finalize', upload_id: session.upload_id });
    expect(errorCode(fin)).toBe(10522);
    expect(fin.text).toContain('cancel');
  });

  it('answers batch uploads with per-item results, partial success included', async () => {
    const c = await emu.connect('openai-agent');
    const ws = (await signedInWorkspace(c, dialect)).ws;
    const blob = (await (await stageBlob(emu.url, c.sessionId, 'batch bytes')).json()) as { blob_id: string };
    const batch = await must(
      c.tool('upload', {
        action: 'batch',
        profile_id: ws,
        files: [
          { filename: 'a.txt', blob_id: blob.blob_id },
          { filename: 'b.txt', content: 'hello' },
          { filename: 'c.txt', blob_id: 'missing' },
        ],
      }),
    );
    expect(batch).toMatchObject({ count_ok: 2, count_errored: 1, all_failed: false });
    expect((batch.results as { status: string }[]).map((r) => r.status)).toEqual(['ok', 'ok', 'error']);
  });
});
