/**
 * The agent guide's whole flow (v2.6 sections 3-5) as one function, so the same steps run over
 * Streamable HTTP and over stdio: sign up an agent, verify, org (+ plan under V2) + workspace,
 * stage bytes through /blob, stream-upload, notes, Ripley with attachments and with RAG, an
 * activity long-poll, events, and the hand-off by transfer token. The control plane (mailbox,
 * jobs, journal) is reached over HTTP at the API URL the server reports.
 */
import { expect } from 'vitest';
import { V2_SET_UP_PLAN } from '../../contracts/set-up-plans.js';
import type { Dialect } from '../../emulator/catalogue/index.js';
import { control, errorCode, must, stageBlob, type Connected } from './support.js';

export async function agentFlow(c: Connected, dialect: Dialect): Promise<void> {
  const { tool, client, sessionId, apiUrl, mcpUrl } = c;
  const names = (await client.listTools()).tools.map((t) => t.name);
  expect(names).toHaveLength(18);
  expect(names).toContain('upload');

  // Unauthenticated: a tool that needs a token says so.
  const before = await tool('org', { action: 'list' });
  expect(before.isError).toBe(true);
  expect(before.data.status).toBe(401);

  const email = `agent-${Math.random().toString(36).slice(2, 10)}@example.com`;
  const password = 'Sup3r-secret-pass!';
  await must(tool('auth', { action: 'signup', email, password, first_name: 'Ada', last_name: 'Agent' }));
  expect((await must(tool('auth', { action: 'status' }))).authenticated).toBe(false);
  const signin = await must(tool('auth', { action: 'signin', email, password }));
  expect(signin.signed_in).toBe(true);
  expect(JSON.stringify(signin)).not.toContain('eyJ'); // the JWT stays in the session

  await must(tool('auth', { action: 'email-verify' }));
  const mail = (await control(apiUrl, 'GET', `/_emulator/mailbox/?to=${encodeURIComponent(email)}`)).messages as { code?: string }[];
  const code = mail[0]?.code;
  expect(code).toBeTruthy();
  expect((await must(tool('auth', { action: 'email-verify', email_token: code }))).verified).toBe(true);

  const domain = `agent${Math.random().toString(36).slice(2, 10)}`;
  const org = (
    (await must(tool('org', { action: 'create', domain, name: 'Agent org', ...(dialect === 'v2' ? {} : { billing_plan: 'pro' }) }))).org as { id: string }
  ).id;
  if (dialect === 'v2') {
    // Upgrade-only until a plan is chosen (402/1688), then the workspace can be made.
    const early = await tool('org', { action: 'create-workspace', org_id: org, folder_name: 'early', name: 'Early' });
    expect(early.isError).toBe(true);
    expect(early.data.status).toBe(402);
    expect(early.data._recovery).toBeDefined();
    await must(tool('org', { action: 'billing-create', org_id: org, billing_plan: V2_SET_UP_PLAN }));
  }
  const ws = ((await must(tool('org', { action: 'create-workspace', org_id: org, folder_name: 'reports', name: 'Reports' }))).workspace as { id: string }).id;

  // POST /blob -> stream-upload (single use: the second use is refused).
  const staged = await stageBlob(mcpUrl!, sessionId, 'Quarterly revenue grew 12 percent on widget sales.');
  expect(staged.status).toBe(201);
  const { blob_id } = (await staged.json()) as { blob_id: string };
  const up = await must(tool('upload', { action: 'stream-upload', profile_type: 'workspace', profile_id: ws, filename: 'report.txt', blob_id }));
  const fileId = up.node_id as string;
  expect(fileId).toBeTruthy();
  const again = await tool('upload', { action: 'stream-upload', profile_id: ws, filename: 'again.txt', blob_id });
  expect(again.isError).toBe(true);
  expect(again.text).toContain('single use');
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
  await control(apiUrl, 'POST', '/_emulator/jobs/settle?now=true', {});
  const rag = await must(tool('ai', { action: 'ask', profile_id: ws, question: 'What grew by 12 percent?' }));
  expect(rag.chat_id).toBeTruthy();
  expect(JSON.stringify(rag)).toMatch(/complete/);

  // Activity long-poll and events; mixing the families is 10262.
  const poll = await must(tool('event', { action: 'activity-poll', entity_id: ws, wait: 0 }));
  expect(poll).toHaveProperty('lastactivity');
  const events = await must(tool('event', { action: 'search', workspace_id: ws }));
  expect((events.events as unknown[]).length).toBeGreaterThan(0);
  expect(errorCode(await tool('event', { action: 'activity-poll', entity_id: ws, workspace_id: ws }))).toBe(10262);
  expect(errorCode(await tool('event', { action: 'search', workspace_id: ws, profile_id: ws }))).toBe(10262);

  // Hand-off: a transfer token with the claim URL.
  const transfer = await must(tool('org', { action: 'transfer-token-create', org_id: org }));
  expect(String((transfer._next as string[])[0])).toContain('https://go.fast.io/claim?token=');

  // The calls are in the request journal, tagged with the tool and action.
  const journal = (await control(apiUrl, 'GET', '/_emulator/requests?mcp=upload.stream-upload&limit=100')).requests as { path: string; mcp: string }[];
  expect(journal.length).toBeGreaterThan(0);
  expect(journal.every((e) => e.mcp === 'upload.stream-upload' && e.path.startsWith('/current/upload/'))).toBe(true);
}
