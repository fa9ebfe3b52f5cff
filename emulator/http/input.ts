/**
 * Stage 7, input and access: path, query and body schemas -> typed input, or 400/1605 with
 * `params[]`; then the org or workspace the route names, resolved and checked against the
 * permission table (404/1609, 401/10545, 403/1680). The resolved scope names the request's tenant
 * for the journal and the faults, here and nowhere else.
 */
import type { Request } from 'express';
import type { Access } from '../tenancy/access.js';
import type { Context } from './request-context.js';
import type { AnyRoute, RouteInput, UploadedFile } from './route.js';
import { parseInput } from './schema.js';

export function readInput(
  access: Access,
  req: Request,
  ctx: Context,
  route: AnyRoute,
  params: Record<string, string>,
  files: UploadedFile[],
): RouteInput<unknown, unknown, unknown> {
  const parsedParams = route.params ? parseInput(route.params(), params) : params;
  const scope = route.access ? access.authorize(ctx.caller!, route.access, parsedParams as Record<string, unknown>) : undefined;
  if (scope) {
    ctx.orgId = scope.org.id;
    if (scope.kind === 'workspace') ctx.workspaceId = scope.workspace.id;
  }
  return {
    params: parsedParams,
    query: route.query ? parseInput(route.query(), req.query) : {},
    body: route.body ? parseInput(route.body(), req.body ?? {}) : {},
    files,
    scope,
  };
}
