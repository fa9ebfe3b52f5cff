/**
 * The agent guide's whole flow (v2.6 sections 3-5), driven by the official MCP SDK client over
 * Streamable HTTP: sign up an agent, verify, org + plan + workspace, stage bytes through
 * /blob, stream-upload, notes, Ripley with attachments and with RAG, activity long-poll, events,
 * and the ownership hand-off by transfer token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { V2_SET_UP_PLAN } from '../../contracts/set-up-plans.js';
import { errorCode, mcpEmulator, must, signedInWorkspace, stageBlob } from './support.js';

describe('MCP agent flow over Streamable HTTP (v2)', () => {
  let emu: Awaited<ReturnType<typeof mcpEmulator>>;
  beforeAll(async () => {
    emu = await mcpEmulator('v2');
  });
  afterAll(() => emu.close());

  it('runs the guide flow end to end, through the REST pipeline', async () => {
    const { tool, sessionId, client } = await emu.connect('openai-agent');
    const names = (await client.listTools()).tools.map((t) => t.name);
    expect(names).toHaveLength(18);
    expect(names).toContain('upload');

    // Unauthenticated: a tool that needs a token says so.
    const before = await tool('org', { action: 'list' });
    expect(before.isError).toBe(true);
    expect(before.data.status).toBe(401);

    const email = `agent-${Date.now()}@example.com`;
    const password = 'Sup3r-secret-pass!';
    const signup = await must(tool('auth', { action: 'signup', email, password, first_name: 'Ada', last_name: 'Agent' }));
    expect(signup.signup_request_accepted).toBe(true);
    expect((await must(tool('auth', { action: 'status' }))).authenticated).toBe(false);
    const signin = await must(tool('auth', { action: 'signin', email, password }));
    expect(signin.signed_in).toBe(true);
    expect(JSON.stringify(signin)).not.toContain('eyJ'); // the JWT stays in the session

    await must(tool('auth', { action: 'email-verify' }));
    const code = emu.emulator.mailer.list(email)[0]?.code;
    expect(code).toBeTruthy();
    expect((await must(tool('auth', { action: 'email-verify', email_token: code }))).verified).toBe(true);

    const org = ((await must(tool('org', { action: 'create', domain: `agent${Date.now()}`, name: 'Agent org' }))).org as { id: string }).id;
    // Upgrade-only until a plan is chosen (402/1688), then the workspace can be made.
    const early = await tool('org', { action: 'create-workspace', org_id: org, folder_name: 'early', name: 'Early' });
    expect(early.isError).toBe(true);
    expect(early.data.status).toBe(402);
    expect(early.data._recovery).toBeDefined();
    await must(tool('org', { action: 'billing-create', org_id: org, billing_plan: V2_SET_UP_PLAN }));
    const ws = ((await must(tool('org', { action: 'create-workspace', org_id: org, folder_name: 'reports', name: 'Reports' }))).workspace as { id: string }).id;

    // POST /blob -> stream-upload (single use: the second use is refused).
    const staged = await stageBlob(emu.url, sessionId, 'Quarterly revenue grew 12 percent on widget sales.');
    expect(staged.status).toBe(201);
    const { blob_id } = (await staged.json()) as { blob_id: string };
    const up = await must(tool('upload', { action: 'stream-upload', profile_type: 'workspace', profile_id: ws, filename: 'report.txt', blob_id }));
    const fileId = up.node_id as string;
    expect(fileId).toBeTruthy();
    const again = await tool('upload', { action: 'stream-upload', profile_id: ws, filename: 'again.txt', blob_id });
    expect(again.isError).toBe(true);
    const details = (await must(tool('storage', { action: 'details', profile_type: 'workspace', profile_id: ws, node_id: fileId }))).node as {
      size: number;
      type: string;
      version: string;
    };
    expect(details).toMatchObject({ size: 50, type: 'file' });

    // Notes vs files.
    const note = ((await must(tool('workspace', { action: 'create-note', workspace_id: ws, name: 'summary.md', content: '# Summary' }))).node as { id: string })
      .id;
    await must(tool('workspace', { action: 'update-note', workspace_id: ws, node_id: note, content: '# Summary\n\nRevenue up.' }));
    expect(JSON.stringify(await must(tool('workspace', { action: 'read-note', workspace_id: ws, node_id: note })))).toContain('Revenue up.');
    const notANote = await tool('workspace', { action: 'update-note', workspace_id: ws, node_id: fileId, content: 'x' });
    expect(errorCode(notANote)).toBe(153548);
    expect(notANote.data._recovery).toBeDefined();

    // Ripley with an attachment (no intelligence needed); scope and attach together are refused.
    const attached = await must(
      tool('ai', { action: 'ask', profile_id: ws, question: 'How much did revenue grow?', files_attach: `${fileId}:${details.version}` }),
    );
    expect(attached.chat_id).toBeTruthy();
    const both = await tool('ai', { action: 'chat-create', profile_id: ws, question: 'q', files_attach: `${fileId}:`, files_scope: `${fileId}:` });
    expect(both.isError).toBe(true);

    // RAG: turn intelligence on, let ingestion finish, ask the whole workspace.
    await must(tool('workspace', { action: 'update', workspace_id: ws, intelligence: 'true' }));
    await emu.emulator.jobs.settle();
    const rag = await must(tool('ai', { action: 'ask', profile_id: ws, question: 'What grew by 12 percent?' }));
    expect(JSON.stringify(rag)).toMatch(/complete/);

    // Activity long-poll and events; mixing the families is 10262.
    const poll = await must(tool('event', { action: 'activity-poll', entity_id: ws, wait: 0 }));
    expect(poll).toHaveProperty('lastactivity');
    const events = await must(tool('event', { action: 'search', workspace_id: ws }));
    expect(Array.isArray(events.events)).toBe(true);
    expect((events.events as unknown[]).length).toBeGreaterThan(0);
    expect(errorCode(await tool('event', { action: 'activity-poll', entity_id: ws, workspace_id: ws }))).toBe(10262);
    expect(errorCode(await tool('event', { action: 'search', workspace_id: ws, profile_id: ws }))).toBe(10262);

    // Hand-off: a transfer token with the claim URL.
    const transfer = await must(tool('org', { action: 'transfer-token-create', org_id: org }));
    expect(String((transfer._next as string[])[0])).toContain('https://go.fast.io/claim?token=');

    // Every one of those calls is in the request journal, with the tool and action.
    const journal = emu.emulator.journal.list({ limit: 500 });
    expect(journal.some((e) => e.path.startsWith('/current/upload/') && e.mcp === 'upload.stream-upload')).toBe(true);
  });

  it('refuses a size mismatch at finalize with 10522 (create-session, chunk, finalize)', async () => {
    const { tool, sessionId } = await emu.connect('openai-agent');
    const ws = (await signedInWorkspace(emu, tool)).ws;
    const session = await must(tool('upload', { action: 'create-session', profile_id: ws, filename: 'gen.txt', filesize: 8000 }));
    expect((session.blob_upload as { headers: Record<string, string> }).headers['Mcp-Session-Id']).toBe(sessionId);
    const blob = (await (await stageBlob(emu.url, sessionId, 'x'.repeat(4443))).json()) as { blob_id: string };
    await must(tool('upload', { action: 'chunk', upload_id: session.upload_id, order: 1, blob_id: blob.blob_id }));
    const fin = await tool('upload', { action: 'finalize', upload_id: session.upload_id });
    expect(errorCode(fin)).toBe(10522);
    expect(fin.text).toContain('cancel');
  });

  it('answers batch uploads with per-item results, partial success included', async () => {
    const { tool, sessionId } = await emu.connect('openai-agent');
    const ws = (await signedInWorkspace(emu, tool)).ws;
    const blob = (await (await stageBlob(emu.url, sessionId, 'batch bytes')).json()) as { blob_id: string };
    const batch = await must(
      tool('upload', {
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
