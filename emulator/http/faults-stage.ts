/**
 * Stage 7c, faults: rules from `POST /_emulator/faults`, a delay or an error in the live envelope.
 * After access, because only then is the org known for workspace routes as well as org routes, and
 * a fault then stands for a failure of an operation the emulator would have carried out (see
 * control/faults.ts). Never on `/_emulator/*` (app.ts checks the area before calling).
 */
import type { Request } from 'express';
import type { Emulator } from '../emulator.js';
import { faultDelay } from '../control/faults.js';
import type { Context } from './request-context.js';
import type { RouteInput } from './route.js';

/** Apply the fault rules that match; false when the client gave up during a delay (nothing more runs). */
export async function applyFaults(emulator: Emulator, req: Request, ctx: Context, input: RouteInput<unknown, unknown, unknown>): Promise<boolean> {
  const fault = emulator.faults.decide({ method: req.method, path: req.path, orgId: ctx.orgId, mcp: ctx.mcpTool });
  if (!fault) return true;
  ctx.faultIds = fault.ruleIds;
  // A client that gave up during the delay abandons the request: the handler does not run.
  if (!(await faultDelay(fault.delayMs, ctx.signal))) return false;
  if (fault.error) throw fault.error;
  // The delay is an await: access is decided again (the caller may have lost the workspace meanwhile).
  if (fault.delayMs > 0 && input.scope && ctx.caller) input.scope = emulator.access.recheck(ctx.caller, input.scope);
  return true;
}
