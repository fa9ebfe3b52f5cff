/**
 * Named mode: the 18 action-routed tools of the agent guide (v2.6 section 4), each with
 * `action=describe` (no auth). A call is checked here (known action, auth, confirm) and then
 * runs its action, which is a REST call through the emulator's pipeline.
 */
import { z } from 'zod';
import { fail, invalid, ok, type ActionSpec, type Args, type ToolCtx, type ToolResult, type ToolSpec } from './kit.js';
import { authTool } from './tools/auth.js';
import { orgTool, userTool } from './tools/org.js';
import { workspaceTool } from './tools/workspace.js';
import { downloadTool, findTool as findSearchTool, storageTool } from './tools/storage.js';
import { uploadTool } from './tools/upload.js';
import { aiTool } from './tools/ai.js';
import { eventTool } from './tools/event.js';
import { assetTool, commentTool, invitationTool, memberTool } from './tools/people.js';
import { fileshareTool, howToTool, metadataTool, shareTool } from './tools/shares.js';

/** In the guide's order (section 4). */
export const NAMED_TOOLS: readonly ToolSpec[] = [
  authTool,
  userTool,
  orgTool,
  workspaceTool,
  shareTool,
  fileshareTool,
  storageTool,
  metadataTool,
  findSearchTool,
  uploadTool,
  downloadTool,
  aiTool,
  commentTool,
  eventTool,
  memberTool,
  invitationTool,
  assetTool,
  howToTool,
];

/** PARITY: client tools.rs `canonical_tool_name`: `ripley` and `howto` are the client's spellings. */
const ALIASES: Record<string, string> = { ripley: 'ai', howto: 'how-to', files: 'storage' };

export function findTool(list: readonly ToolSpec[], name: string): ToolSpec | undefined {
  const n = ALIASES[name] ?? name;
  return list.find((t) => t.name === n);
}

/** Action names use hyphens; underscores are equivalent (guide section 9). */
export function canonicalAction(action: string): string {
  return action.trim().toLowerCase().replace(/_/g, '-');
}

/**
 * The input schema of a tool: `action` (its actions and `describe`) and every parameter any
 * action reads, as optional scalars; unknown keys pass through to the REST schema.
 */
export function toolInputSchema(tool: ToolSpec): Record<string, unknown> {
  const params = new Set<string>();
  for (const a of Object.values(tool.actions)) for (const p of a.params ?? []) params.add(p);
  for (const p of ['profile_type', 'profile_id', 'confirm', 'describe_action']) params.add(p);
  const scalar = z.union([z.string(), z.number(), z.boolean()]).optional();
  const shape: Record<string, z.ZodType> = { action: z.enum(['describe', ...Object.keys(tool.actions)]) };
  for (const p of [...params].sort())
    if (p !== 'action') shape[p] = p === 'files' ? z.union([z.string(), z.array(z.record(z.string(), z.unknown()))]).optional() : scalar;
  const json = z.toJSONSchema(z.looseObject(shape), { io: 'input' }) as Record<string, unknown>;
  delete json.$schema;
  return json;
}

export function describeTool(ctx: ToolCtx, tool: ToolSpec, only?: string): ToolResult {
  const row = (name: string, a: ActionSpec) => ({
    action: name,
    summary: a.summary,
    required: a.required ?? [],
    optional: (a.params ?? []).filter((p) => !(a.required ?? []).includes(p)),
    auth: a.auth !== false,
    ...(a.destructive ? { destructive: true, note: '[DESTRUCTIVE] pass confirm=true' } : {}),
  });
  if (only) {
    const a = tool.actions[canonicalAction(only)];
    if (!a) return invalid(ctx, `Unknown action ${only} of tool ${tool.name}. Actions: ${Object.keys(tool.actions).join(', ')}`);
    return ok(ctx, { tool: tool.name, ...row(canonicalAction(only), a) });
  }
  return ok(ctx, { tool: tool.name, description: tool.description, actions: Object.entries(tool.actions).map(([n, a]) => row(n, a)) });
}

/** Run `tool action=...`: describe, unknown actions, auth and confirm gates, then the action. */
export async function runNamed(ctx: ToolCtx, tool: ToolSpec, args: Args): Promise<ToolResult> {
  const action = canonicalAction(String(args.action ?? ''));
  if (!action) return invalid(ctx, `Missing required parameter: action (one of describe, ${Object.keys(tool.actions).join(', ')})`);
  if (action === 'describe') return describeTool(ctx, tool, typeof args.describe_action === 'string' ? args.describe_action : undefined);
  const spec = tool.actions[action];
  if (!spec) return invalid(ctx, `Unknown action ${action} of tool ${tool.name}. Actions: describe, ${Object.keys(tool.actions).join(', ')}`);
  if (spec.auth !== false && !ctx.session.token)
    return fail(ctx, 401, 10011, 'Not authenticated: call auth action=signin, auth action=signup, or auth action=set-api-key first.');
  if (spec.destructive && args.confirm !== true && args.confirm !== 'true') {
    return fail(ctx, 400, 1605, `${tool.name} action=${action} is irreversible: confirm with the user, then pass confirm=true.`);
  }
  return spec.run(ctx, args);
}
