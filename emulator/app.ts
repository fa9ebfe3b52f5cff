/**
 * The request pipeline, composed in one place; each stage's body lives in its own file under
 * `http/`. `createApp` returns an express app without listening, so tests can drive it in process
 * and the CLI can serve it over HTTP.
 *
 * Stages, in order:
 *  1. identify      request id, the request context (http/request-context.ts)
 *  1b. output     `?output=terse|standard|full[,markdown]` read once for the answer and the error
 *                   stage; two levels at once are refused at stage 7 (http/output.ts); never on
 *                   `/_emulator/*`
 *  2. match         the route table of the running dialect (`--api-dialect`): a route the
 *                   catalogue documents in that dialect and the emulator does not serve -> 501 with
 *                   the route named (http/not-implemented.ts); unknown path -> 404/9992 (with a
 *                   hint for the guide's paths); known path under another method -> 405 (http/match.ts);
 *                   `GET /` from a browser -> 302 to the dashboard
 *  3. control guard `/_emulator/*`: a Host naming this machine, the control token or loopback, and
 *                   no cross-site state changes (http/control-guard.ts)
 *  4. rate limit    per-credential budget on the emulator clock; `x-ve-limit-*` on every response
 *                   (http/rate-limit-stage.ts)
 *  4b. headers      two Authorization headers are ambiguous (Node keeps the first, a proxy may
 *                   read the other): 400
 *  5. body          form-encoded, JSON or multipart; too large -> 413, malformed -> 400 (http/body.ts)
 *  6. auth          by the route's `AuthMode`: Basic for sign-in, Bearer (JWT or API key), a
 *                   download token on read/; unverified email -> 403 (http/authenticate.ts);
 *                   6b. a route's own per-user budget (the events search), whose headers replace
 *                   the per-credential ones
 *  7. input         path, query and body schemas -> typed input, or 400/1605 with `params[]`;
 *                   then access: the org or workspace the route names, resolved and checked against
 *                   the permission table (404/1609, 401/10545, 403/1680); the scope names the
 *                   request's tenant for the journal (http/input.ts)
 *  7c. faults       rules from `POST /_emulator/faults`: a delay, or an error in the live envelope;
 *                   after access, so workspace routes know their org; never on `/_emulator/*`
 *                   (http/faults-stage.ts)
 *  8. handler       the area's service; its result is rendered as `{"result": true, ...}`, with
 *                   every header in one writeHead, and journaled (http/respond.ts)
 *  9. errors        one middleware renders every failure in the live envelope (http/error-stage.ts)
 *
 * Why express stays: the stages above do the routing, auth and rendering themselves, so express
 * is a thin host here; what it still brings is its request/response helpers (`req.path`,
 * `req.query`), its body parsers (JSON and form, with their limits and charset handling, which
 * map to our 413/400 in http/body.ts), multer for multipart, and forwarding rejected promises to
 * the error stage. Replacing it means re-implementing and re-testing those parsers; the benchmarks
 * (BENCHMARKS.md) show it costing little next to bare `node:http` since server.ts builds requests
 * with express's prototypes from birth.
 * What lowdb is used for: the state file's `Adapter { read, write }` contract, which
 * store/persistence.ts implements (chunked atomic writes, record-by-record reads); the in-memory
 * tables in store/ are the source of truth, and lowdb's `Low` wrapper is not used.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Emulator } from './emulator.js';
import { Errors } from './http/errors.js';
import type { AnyRoute } from './http/route.js';
import { identify } from './http/request-context.js';
import { browserAtRoot, isDashboardRequest, RouteMatcher } from './http/match.js';
import { ControlGuard, HostRule } from './http/control-guard.js';
import { RateLimits } from './http/rate-limit-stage.js';
import { BodyParser } from './http/body.js';
import { Authenticator } from './http/authenticate.js';
import { readInput } from './http/input.js';
import { applyFaults } from './http/faults-stage.js';
import { Responder } from './http/respond.js';
import { checkOutput, readOutput } from './http/output.js';
import { errorStage } from './http/error-stage.js';
import { Catalogue } from './catalogue/index.js';

export interface AppDeps {
  emulator: Emulator;
  routes: readonly AnyRoute[];
  /** the documented routes (default: emulator/catalogue/routes.json) */
  catalogue?: Catalogue;
}

const CONTROL_PREFIX = '/_emulator/';

function authorizationCount(rawHeaders: readonly string[]): number {
  let n = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) if (rawHeaders[i]!.length === 13 && rawHeaders[i]!.toLowerCase() === 'authorization') n++;
  return n;
}

export function createApp(deps: AppDeps): express.Express {
  const { emulator } = deps;
  const { config, faults, access, log, clock } = emulator;
  const limits = new RateLimits(config, clock);
  const matcher = new RouteMatcher(deps.routes, config.apiDialect, deps.catalogue ?? Catalogue.bundled(), limits);
  const guard = new ControlGuard(config, new HostRule(config.host));
  const bodies = new BodyParser(config);
  const authenticator = new Authenticator(emulator);
  const responder = new Responder(emulator);

  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');

  app.use(async (req: Request, res: Response, next: NextFunction) => {
    // 1. identify
    const ctx = identify(req, res, log, clock);
    (res.locals as { ctx?: typeof ctx }).ctx = ctx;
    try {
      // 1b. output modifiers (only when the query names one)
      if (req.url.includes('output') && !req.path.startsWith(CONTROL_PREFIX)) readOutput(req, res);
      // 2. match (a browser at `/` is sent to the dashboard; API clients get the 404 below)
      const dashboard = browserAtRoot(req);
      if (dashboard) return responder.redirect(res, ctx, dashboard);
      const { route, params } = matcher.match(req, ctx);
      ctx.quiet = isDashboardRequest(req, route);
      // 3. control guard
      if (route.area === 'control') guard.check(req, route);
      // 4. rate limit
      limits.perCredential(req, ctx, route);
      // 4b. one Authorization header
      if (authorizationCount(req.rawHeaders) > 1) throw Errors.badRequest('The request carries more than one Authorization header.');
      // 5. body
      const files = await bodies.parse(req, res, route);
      // 6. auth, 6b. the route's own budget
      await authenticator.authenticate(req, ctx, route, params);
      limits.perRoute(ctx, route);
      // 7. input and access (a conflicting `output` first, like every input error)
      checkOutput(res);
      const input = readInput(access, req, ctx, route, params, files);
      // 7c. faults
      if (faults.size > 0 && route.area !== 'control' && !(await applyFaults(emulator, req, ctx, input))) return;
      // 8. handler
      const result = await route.handler(ctx, input, emulator as never);
      if (!res.headersSent) responder.render(res, ctx, result);
    } catch (err) {
      next(err);
    }
  });

  // 9. errors
  app.use(errorStage(emulator, responder));

  return app;
}

export { CONTROL_PREFIX };
