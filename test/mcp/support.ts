/**
 * The MCP tests' harness. `mcpEmulator` starts the emulator as `start --mcp-port 0` does (its
 * REST API and the MCP listener on free ports); `stdioEmulator` spawns the built CLI's
 * `fastio-emulator mcp` and talks to it over stdin/stdout. Either way the official SDK client
 * connects over a real transport, and the control plane is reached over HTTP at the API URL.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { startEmulator, type RunningEmulator } from '../../emulator/index.js';
import type { Dialect } from '../../emulator/catalogue/index.js';
import { fromPackageRoot } from '../../emulator/paths.js';
import { V2_SET_UP_PLAN } from '../../contracts/set-up-plans.js';

export interface ToolAnswer {
  isError: boolean;
  data: Record<string, unknown>;
  text: string;
}

export type ToolFn = (name: string, args: Record<string, unknown>) => Promise<ToolAnswer>;

/** One connected MCP client: its tool caller, the session id the server knows, and the URLs from `resource://status`. */
export interface Connected {
  client: Client;
  sessionId: string;
  tool: ToolFn;
  apiUrl: string;
  mcpUrl: string | undefined;
}

async function connected(client: Client): Promise<Connected> {
  const read = async (uri: string) => JSON.parse(((await client.readResource({ uri })).contents[0] as { text: string }).text) as Record<string, string | null>;
  const session = await read('session://status');
  const status = await read('resource://status');
  return {
    client,
    sessionId: session.session_id!,
    tool: (name, args) => callTool(client, name, args),
    apiUrl: status.api_url!,
    mcpUrl: status.mcp_url ?? undefined,
  };
}

export async function mcpEmulator(dialect: Dialect = 'v2', extra: Record<string, unknown> = {}) {
  const running: RunningEmulator = await startEmulator({ port: 0, mcpPort: 0, apiDialect: dialect, ingestDelayMs: 0, ...extra });
  const url = running.mcpUrl!;
  const clients: Client[] = [];
  async function connect(name = 'mcp-test', transport: 'http' | 'sse' = 'http'): Promise<Connected> {
    const client = new Client({ name, version: '1.0.0' });
    const t: Transport = transport === 'sse' ? new SSEClientTransport(new URL(`${url}/sse`)) : new StreamableHTTPClientTransport(new URL(`${url}/mcp`));
    await client.connect(t);
    clients.push(client);
    return connected(client);
  }
  return {
    url,
    apiUrl: running.url,
    host: running.mcp!,
    emulator: running.emulator,
    connect,
    async close() {
      await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
      await running.close();
    },
  };
}

/** `fastio-emulator mcp --mcp-port 0` of the built CLI (dist/cli.mjs), over stdio. */
export async function stdioEmulator(dialect: Dialect, clientName = 'mcp-stdio-test') {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [fromPackageRoot('dist', 'cli.mjs'), 'mcp', '--api-dialect', dialect, '--mcp-port', '0', '--log-level', 'error'],
    env: { ...(process.env as Record<string, string>), FASTIO_EMULATOR_INGEST_DELAY_MS: '0' },
    stderr: 'pipe',
  });
  const client = new Client({ name: clientName, version: '1.0.0' });
  await client.connect(transport);
  return { ...(await connected(client)), close: () => client.close() };
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

export async function stageBlob(mcpUrl: string, sessionId: string | undefined, data: string | Uint8Array): Promise<Response> {
  return fetch(`${mcpUrl}/blob`, {
    method: 'POST',
    headers: sessionId ? { 'mcp-session-id': sessionId } : {},
    body: typeof data === 'string' ? data : Buffer.from(data),
  });
}

/** A control-plane call (the project's own clients name themselves with x-fastio-emulator-client). */
export async function control(apiUrl: string, method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${apiUrl}${path}`, {
    method,
    headers: { 'x-fastio-emulator-client': '1', ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return (await res.json()) as Record<string, unknown>;
}

/** A verified persona (control plane) whose API key this session uses, with an org and a workspace made through the tools. */
export async function signedInWorkspace(c: Pick<Connected, 'tool' | 'apiUrl'>, dialect: Dialect, label = 'w') {
  const persona = (await control(c.apiUrl, 'POST', '/_emulator/users/', { account_type: 'agent' })) as {
    user_id: string;
    api_key: string;
    email_address: string;
  };
  await must(c.tool('auth', { action: 'set-api-key', api_key: persona.api_key }));
  const v2 = dialect === 'v2';
  const orgForm = { domain: `${label}${Math.random().toString(36).slice(2, 10)}`, name: `${label} org`, ...(v2 ? {} : { billing_plan: 'pro' }) };
  const org = ((await must(c.tool('org', { action: 'create', ...orgForm }))).org as { id: string }).id;
  if (v2) await must(c.tool('org', { action: 'billing-create', org_id: org, billing_plan: V2_SET_UP_PLAN }));
  const ws = (
    (await must(c.tool('org', { action: 'create-workspace', org_id: org, folder_name: `${label}-ws`, name: `${label} workspace` }))).workspace as { id: string }
  ).id;
  return { org, ws, userId: persona.user_id, apiKey: persona.api_key };
}
