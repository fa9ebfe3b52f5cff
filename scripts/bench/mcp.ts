/**
 * MCP vs REST, side by side (issue 22): the same read, `GET /current/workspace/{id}/details/`
 * over HTTP with fetch, and the `workspace action=details` tool call over Streamable HTTP with
 * the official SDK client (JSON-RPC, the in-process REST call, the Markdown answer). Samples
 * alternate, so both see the same machine; the row is the medians and their ratio (target: the
 * tool call costs at most 1.5x the REST call).
 *
 *   npm run build && node dist/scripts/bench/mcp.js [samples]
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { startEmulator } from '../../emulator/index.js';
import { V2_SET_UP_PLAN } from '../../contracts/set-up-plans.js';
import { summarize } from './stats.js';

const SAMPLES = Number(process.argv[2] ?? 1000);
const WARM_UP = 100;

async function call(url: string, method: string, path: string, token?: string, form?: Record<string, string>): Promise<Record<string, unknown>> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      ...(path.startsWith('/_emulator/') ? { 'x-fastio-emulator-client': '1' } : {}),
    },
    ...(form ? { body: new URLSearchParams(form).toString() } : {}),
  });
  if (res.status !== 200) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as Record<string, unknown>;
}

export interface McpBenchRow {
  samples: number;
  rest_p50_ms: number;
  mcp_p50_ms: number;
  ratio: number;
}

export async function benchMcp(samples = SAMPLES): Promise<McpBenchRow> {
  const running = await startEmulator({ port: 0, mcpPort: 0, apiDialect: 'v2', rateLimit: { max: 1_000_000_000, windowSeconds: 1 } });
  const client = new Client({ name: 'bench-agent', version: '1.0.0' });
  try {
    const url = running.url;
    const token = (await call(url, 'POST', '/_emulator/users/')).api_key as string;
    const org = (await call(url, 'POST', '/current/org/create/', token, { domain: `bench${Date.now().toString(36)}`, name: 'Bench org' })).org as {
      id: string;
    };
    await call(url, 'POST', `/current/org/${org.id}/billing/`, token, { billing_plan: V2_SET_UP_PLAN });
    const ws = (
      await call(url, 'POST', `/current/org/${org.id}/create/workspace/`, token, {
        folder_name: 'bench',
        name: 'Bench',
        intelligence: 'false',
        perm_join: 'Member or above',
        perm_member_manage: 'Member or above',
      })
    ).workspace as { id: string };
    await client.connect(new StreamableHTTPClientTransport(new URL(`${running.mcpUrl!}/mcp`)));
    const signed = await client.callTool({ name: 'auth', arguments: { action: 'set-api-key', api_key: token } });
    if (signed.isError) throw new Error(`set-api-key failed: ${JSON.stringify(signed.content)}`);

    const rest = async () => {
      const t = performance.now();
      await call(url, 'GET', `/current/workspace/${ws.id}/details/`, token);
      return performance.now() - t;
    };
    const tool = async () => {
      const t = performance.now();
      const r = await client.callTool({ name: 'workspace', arguments: { action: 'details', workspace_id: ws.id } });
      if (r.isError) throw new Error(`workspace details failed: ${JSON.stringify(r.content)}`);
      return performance.now() - t;
    };
    for (let i = 0; i < WARM_UP; i++) {
      await rest();
      await tool();
    }
    const restMs: number[] = [];
    const mcpMs: number[] = [];
    for (let i = 0; i < samples; i++) {
      // Alternate which goes first, so neither always runs right after the other.
      if (i % 2 === 0) {
        restMs.push(await rest());
        mcpMs.push(await tool());
      } else {
        mcpMs.push(await tool());
        restMs.push(await rest());
      }
    }
    const r = summarize(restMs).p50;
    const m = summarize(mcpMs).p50;
    return { samples, rest_p50_ms: Number(r.toFixed(3)), mcp_p50_ms: Number(m.toFixed(3)), ratio: Number((m / r).toFixed(2)) };
  } finally {
    await client.close().catch(() => undefined);
    await running.close();
  }
}

if (process.argv[1]?.endsWith('mcp.js')) {
  const row = await benchMcp();
  console.log(
    `${'MCP tool call vs REST (workspace details, median ms)'.padEnd(56)} REST ${row.rest_p50_ms.toFixed(3)}  MCP ${row.mcp_p50_ms.toFixed(3)}  ratio ${row.ratio}x (target <= 1.5x)`,
  );
  console.log(JSON.stringify(row));
  process.exitCode = row.ratio <= 1.5 ? 0 : 1;
}
