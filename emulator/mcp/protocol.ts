/**
 * The MCP protocol side of one session, on the official SDK's low-level `Server`: tools/list
 * answers the named or the code-mode set (chosen from `clientInfo.name` at initialize, agent
 * guide v2.6 section 1), tools/call runs a tool, resources/* serve the guide, the session
 * status, the server status and `download://` reads.
 */
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListToolsRequestSchema,
  ReadResourceRequestSchema,
  McpError,
  ErrorCode,
} from '@modelcontextprotocol/sdk/types.js';
import type { Emulator } from '../emulator.js';
import { VERSION } from '../version.js';
import { codeTools, UNROUTED } from './code-mode.js';
import type { InProcessApi } from './dispatch.js';
import { fail, type Args, type ToolCtx, type ToolResult, type ToolSpec } from './kit.js';
import { findTool, NAMED_TOOLS, runNamed, toolInputSchema, describeTool } from './named.js';
import { modeForClient, type McpSession, type ToolMode } from './session.js';
import { readDownload } from './resources.js';

export interface ProtocolDeps {
  emulator: Emulator;
  api: InProcessApi;
  /** `METHOD /shape/` of every served route */
  served: ReadonlySet<string>;
  /** the MCP listener's URL, when it listens (undefined over stdio) */
  mcpUrl: () => string | undefined;
  /** the REST API's URL, when it listens */
  apiUrl: () => string | undefined;
  /** a mode for every client (`--mcp-mode`), else from the client's name */
  forcedMode?: ToolMode | undefined;
}

const GUIDE =
  'fastio-emulator MCP server: an offline stand-in for the Fast.io MCP server. Named mode: 18 action-routed tools (call <tool> action=describe). ' +
  'Code mode (headless clients): auth, upload, search, execute, how-to. Sign in first (auth action=signin | signup | set-api-key); the token stays in this session. ' +
  'Bytes: POST /blob on this port with the Mcp-Session-Id header (5 minutes, single use, 100 MB), then upload action=stream-upload blob_id=... Every action is a REST call to the emulator, so its errors (501 for routes it does not emulate) are the REST ones.';

export function toolsFor(mode: ToolMode, deps: Pick<ProtocolDeps, 'served'>): readonly ToolSpec[] {
  return mode === 'code' ? codeTools({ served: deps.served }) : NAMED_TOOLS;
}

export function createProtocolServer(session: McpSession, deps: ProtocolDeps): Server {
  const server = new Server({ name: 'fastio-emulator', version: VERSION }, { capabilities: { tools: {}, resources: {} }, instructions: GUIDE });
  server.oninitialized = () => {
    session.mode = deps.forcedMode ?? modeForClient(server.getClientVersion()?.name);
  };
  const ctxFor = (tool: string, action: string): ToolCtx => ({
    session,
    api: deps.api,
    emulator: deps.emulator,
    dialect: deps.emulator.config.apiDialect,
    tool,
    action,
    mcpUrl: deps.mcpUrl(),
    apiUrl: deps.apiUrl(),
  });

  server.setRequestHandler(ListToolsRequestSchema, () => ({
    tools: toolsFor(session.mode, deps).map((t) => ({ name: t.name, description: t.description, inputSchema: toolInputSchema(t) as { type: 'object' } })),
  }));

  server.setRequestHandler(CallToolRequestSchema, async (req): Promise<ToolResult> => {
    const tools = toolsFor(session.mode, deps);
    const tool = findTool(tools, req.params.name);
    const args = (req.params.arguments ?? {}) as Args;
    if (!tool) {
      return fail(
        ctxFor(req.params.name, String(args.action ?? '')),
        404,
        1609,
        `Unknown tool ${req.params.name} in ${session.mode} mode. Tools: ${tools.map((t) => t.name).join(', ')}`,
      );
    }
    if (UNROUTED.has(tool.name)) {
      const only = Object.keys(tool.actions)[0]!;
      const ctx = ctxFor(tool.name, args.action === 'describe' ? 'describe' : only);
      if (args.action === 'describe') return describeTool(ctx, tool);
      const spec = tool.actions[only]!;
      if (!session.token) return fail(ctx, 401, 10011, 'Not authenticated: call auth action=signin, auth action=signup, or auth action=set-api-key first.');
      return spec.run(ctx, args);
    }
    return runNamed(ctxFor(tool.name, String(args.action ?? '').replace(/_/g, '-')), tool, args);
  });

  server.setRequestHandler(ListResourcesRequestSchema, () => ({
    resources: [
      { uri: 'skill://guide', name: 'guide', mimeType: 'text/markdown', description: 'How to use this MCP server' },
      { uri: 'session://status', name: 'session-status', mimeType: 'application/json', description: 'Auth state of this session' },
      { uri: 'resource://status', name: 'server-status', mimeType: 'application/json', description: 'Server health (no auth)' },
    ],
  }));

  server.setRequestHandler(ListResourceTemplatesRequestSchema, () => ({
    resourceTemplates: [
      {
        uriTemplate: 'download://workspace/{workspace_id}/{node_id}',
        name: 'workspace-file',
        description: 'A workspace file: up to 100 KB inline (base64), larger ones point at GET /file/...',
      },
      {
        uriTemplate: 'download://share/{share_id}/{node_id}',
        name: 'share-file',
        description: 'A share file: up to 100 KB inline (base64), larger ones point at GET /file/...',
      },
    ],
  }));

  server.setRequestHandler(ReadResourceRequestSchema, async (req) => {
    const uri = req.params.uri;
    if (uri === 'skill://guide') return { contents: [{ uri, mimeType: 'text/markdown', text: GUIDE }] };
    if (uri === 'session://status') {
      const s = {
        authenticated: session.token !== undefined,
        token_kind: session.tokenKind ?? null,
        user_id: session.userId ?? null,
        mode: session.mode,
        session_id: session.id,
      };
      return { contents: [{ uri, mimeType: 'application/json', text: JSON.stringify(s) }] };
    }
    if (uri === 'resource://status') {
      return {
        contents: [
          {
            uri,
            mimeType: 'application/json',
            text: JSON.stringify({
              status: 'ok',
              version: VERSION,
              dialect: deps.emulator.config.apiDialect,
              api_url: deps.apiUrl() ?? null,
              mcp_url: deps.mcpUrl() ?? null,
            }),
          },
        ],
      };
    }
    if (uri.startsWith('download://')) return readDownload(ctxFor('resources', 'read'), uri);
    throw new McpError(ErrorCode.InvalidParams, `Unknown resource ${uri}`);
  });

  return server;
}
