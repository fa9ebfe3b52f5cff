/**
 * Stage 2, match: the route table. An unknown path answers 404/9992 (with a hint for the guide's
 * paths), a known path under another method 405, a path that does not decode 400. Every refusal
 * here still counts against the per-credential budget (stage 4 runs first for them), so probing
 * for routes is not free.
 */
import type { Request } from 'express';
import { ApiError, Errors } from './errors.js';
import { guideHint } from './guide-paths.js';
import type { Context } from './request-context.js';
import type { RateLimits } from './rate-limit-stage.js';
import { Router, type AnyRoute } from './route.js';

export interface Matched {
  route: AnyRoute;
  params: Record<string, string>;
}

const DASHBOARD_PATH = '/_emulator/ui';
const DASHBOARD_DATA_PATH = '/_emulator/overview';

/** `GET /` from a browser (it asks for HTML): the dashboard is what a person opening the address wants. */
export function browserAtRoot(req: Request): string | undefined {
  if (req.path !== '/' || (req.method !== 'GET' && req.method !== 'HEAD')) return undefined;
  return (req.headers.accept ?? '').includes('text/html') ? DASHBOARD_PATH : undefined;
}

/** The dashboard's page, assets and overview long-poll (emulator/ui/live.ts), logged at debug. */
export function isDashboardRequest(req: Request, route: AnyRoute): boolean {
  return route.area === 'control' && req.method === 'GET' && (route.publicAsset === true || route.path === DASHBOARD_DATA_PATH);
}

export class RouteMatcher {
  private readonly router = new Router();

  constructor(
    routes: readonly AnyRoute[],
    private readonly limits: RateLimits,
  ) {
    for (const r of routes) this.router.add(r);
  }

  /** The route and its raw path parameters, or the refusal (after counting it). */
  match(req: Request, ctx: Context): Matched {
    const match = this.router.match(req.method, req.path);
    if (match.kind === 'route') return match;
    this.limits.perCredential(req, ctx, undefined);
    if (match.kind === 'bad-path') throw Errors.badRequest('The request path is not valid (bad percent-encoding).');
    if (match.kind === 'none') throw Errors.unknownRoute(req.method, req.path, guideHint(req.method, req.path));
    const err = Errors.methodNotAllowed(req.method, req.path, match.allowed);
    const hint = guideHint(req.method, req.path);
    throw hint ? new ApiError(err.status, err.code, `${err.message} ${hint}`, { headers: err.headers ?? {} }) : err;
  }
}
