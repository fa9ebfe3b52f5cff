/**
 * Stage 2, match: the route table of the running dialect (`--api-dialect`). A route the catalogue
 * documents in that dialect and the emulator does not serve answers 501 with the route named
 * (http/not-implemented.ts), before 404 and 405: a literal documented route wins over a served
 * parameter route. An unknown path answers 404/9992 (with a hint for the guide's paths), a known
 * path under another method 405, a path that does not decode 400. Every refusal
 * here still counts against the per-credential budget (stage 4 runs first for them), so probing
 * for routes is not free.
 */
import type { Request } from 'express';
import { ApiError, Errors } from './errors.js';
import { guideHint } from './guide-paths.js';
import type { Context } from './request-context.js';
import type { RateLimits } from './rate-limit-stage.js';
import { Router, servesDialect, type AnyRoute } from './route.js';
import { UnservedRoutes } from './not-implemented.js';
import type { Catalogue, Dialect } from '../catalogue/index.js';

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
  private readonly unserved: UnservedRoutes;

  constructor(
    routes: readonly AnyRoute[],
    dialect: Dialect,
    catalogue: Catalogue,
    private readonly limits: RateLimits,
  ) {
    const served = routes.filter((r) => servesDialect(r, dialect));
    for (const r of served) this.router.add(r);
    this.unserved = new UnservedRoutes(catalogue, dialect, served);
  }

  /** The route and its raw path parameters, or the refusal (after counting it). */
  match(req: Request, ctx: Context): Matched {
    const match = this.router.match(req.method, req.path);
    const gap = this.unserved.check(req.method, req.path, match);
    if (gap) {
      this.limits.perCredential(req, ctx, undefined);
      throw gap;
    }
    if (match.kind === 'route') return match;
    this.limits.perCredential(req, ctx, undefined);
    if (match.kind === 'bad-path') throw Errors.badRequest('The request path is not valid (bad percent-encoding).');
    if (match.kind === 'none') throw Errors.unknownRoute(req.method, req.path, guideHint(req.method, req.path));
    const err = Errors.methodNotAllowed(req.method, req.path, match.allowed);
    const hint = guideHint(req.method, req.path);
    throw hint ? new ApiError(err.status, err.code, `${err.message} ${hint}`, { headers: err.headers ?? {} }) : err;
  }
}
