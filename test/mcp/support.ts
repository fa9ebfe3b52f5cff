/**
 * The MCP tests' harness: an emulator built in this process, its express app, and the MCP host
 * listening on port 0; the official SDK client connects over Streamable HTTP (or SSE), so
 * every call crosses the real transport.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { buildEmulator, createApp } from '../../emulator/index.js';
import { McpHost } from '../../emulator/mcp/index.js';
import type { Dialect } from '../../emulator/catalogue/index.js';
import { V2_SET_UP_PLAN } from '../../contracts/set-up-plans.js';

export interface ToolAnswer {
  isError: boolean;
  data: Record<string, unknown>;
  text: string;
}

export async function mcpEmulator(dialect: Dialect = 'v2', extra: Record<string, unknown> = {}) {
  const built = await buildEmulator({ port: 0, apiDialect: dialect, ingestDelayMs: 0, ...extra });
  const app = createApp({ emulator: built.emulator, routes: built.routes });
  const host = new McpHost({ emulator: built.emulator, app, routes: built.routes, apiUrl: 'http://127.0.0.1:1' });
  const url = await host.listen(0, '127.0.0.1');
  const clients: Client[] = [];

  async function connect(name = 'mcp-test', transport: 'http' | 'sse' = 'http') {
    const client = new Client({ name, version: '1.0.0' });
    const t: Transport = transport === 'sse' ? new SSEClientTransport(new URL(`${url}/sse`)) : new StreamableHTTPClientTransport(new URL(`${url}/mcp`));
    await client.connect(t);
    clients.push(client);
    // The session id as the server knows it (Streamable HTTP's header, or SSE's sessionId).
    const status = await client.readResource({ uri: 'session://status' });
    const sessionId = (JSON.parse((status.contents[0] as { text: string }).text) as { session_id: string }).session_id;
    return { client, sessionId, tool: (name: string, args: Record<string, unknown>) => callTool(client, name, args) };
  }

  return {
    url,
    host,
    emulator: built.emulator,
    app,
    connect,
    async close() {
      await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
      await host.close();
      await built.persistence?.close();
    },
  };
}

export async function callTool(client: Client, name: string, args: Record<string, unknown>): Promise<ToolAnswer> {
  const r = (await client.callTool({ name, arguments: args })) as {
    isError?: boolean;
    structuredContent?: Record<string, unknown>;
    content: { type: string; text?: string }[];
  };
  return { isError: r.isError === true, data: r.structuredContent ?? {}, text: r.content.map((c) => c.text ?? '').join('\n') };
}

/** A successful tool answer's data, or a failure naming the error. */
export async function must(p: Promise<ToolAnswer>): Promise<Record<string, unknown>> {
  const a = await p;
  if (a.isError) throw new Error(`tool call failed: ${a.text}`);
  return a.data;
}

export function errorCode(a: ToolAnswer): number | undefined {
  return (a.data.error as { code?: number } | undefined)?.code;
}

export async function stageBlob(url: string, sessionId: string | undefined, data: string | Uint8Array): Promise<Response> {
  return fetch(`${url}/blob`, {
    method: 'POST',
    headers: sessionId ? { 'mcp-session-id': sessionId } : {},
    body: typeof data === 'string' ? data : Buffer.from(data),
  });
}

export type ToolFn = (name: string, args: Record<string, unknown>) => Promise<ToolAnswer>;

/** A verified persona (control plane) whose API key this session uses, with a workspace made through the tools. */
export async function signedInWorkspace(emu: { host: McpHost; emulator: { config: { apiDialect: Dialect } } }, tool: ToolFn, label = 'w') {
  const p = await emu.host.api.call({ method: 'POST', path: '/_emulator/users/', json: { account_type: 'agent' } }, undefined, 'test');
  const persona = p.body as { user_id: string; api_key: string; email_address: string };
  await must(tool('auth', { action: 'set-api-key', api_key: persona.api_key }));
  const v2 = emu.emulator.config.apiDialect === 'v2';
  const orgForm = { domain: `${label}${Math.random().toString(36).slice(2, 10)}`, name: `${label} org`, ...(v2 ? {} : { billing_plan: 'agent' }) };
  const org = ((await must(tool('org', { action: 'create', ...orgForm }))).org as { id: string }).id;
  if (v2) await must(tool('org', { action: 'billing-create', org_id: org, billing_plan: V2_SET_UP_PLAN }));
  const ws = (
    (await must(tool('org', { action: 'create-workspace', org_id: org, folder_name: `${label}-ws`, name: `${label} workspace` }))).workspace as { id: string }
  ).id;
  return { org, ws, userId: persona.user_id, apiKey: persona.api_key };
}
