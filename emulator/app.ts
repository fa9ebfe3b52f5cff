/**
 * The request pipeline, built in one place. `createApp` returns an express app without listening,
 * so tests can drive it in process and the CLI can serve it over HTTP.
 *
 * Stages, in order (one function each below):
 *  1. identify      request id, `x-fastio-emulator` header, the request context, the journal entry
 *  2. match         the route table: unknown path -> 404/9992 (with a hint for the guide's paths),
 *                   known path under another method -> 405; `GET /` from a browser -> 302 to the
 *                   dashboard
 *  3. control guard `/_emulator/*` only from loopback, or with the control token when one is set
 *  4. rate limit    per-credential budget on the emulator clock; `x-ve-limit-*` on every response
 *  5. body          form-encoded, JSON or multipart; too large -> 413, malformed -> 400
 *  6. auth          Basic for sign-in, Bearer (JWT or API key) elsewhere; unverified email -> 403;
 *                   then a route's own per-user budget (the events search), whose headers replace
 *                   the per-credential ones
 *  7. input         path, query and body schemas -> typed input, or 400/1605 with `params[]`;
 *                   then access: the org or workspace the route names, resolved and checked against
 *                   the permission table (404/1609, 401/10545, 403/1680)
 *  7c. faults       rules from `POST /_emulator/faults`: a delay, or an error in the live envelope.
 *                   Here, after access, because only now is the org known for workspace routes as
 *                   well as org routes, and a fault then stands for a failure of an operation the
 *                   emulator would have carried out (see control/faults.ts). Never on `/_emulator/*`.
 *  8. handler       the area's service; its result is rendered as `{"result": true, ...}`
 *  9. errors        one middleware renders every failure in the live envelope
 */
import { randomUUID, timingSafeEqual } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Emulator } from './emulator.js';
import { ApiError, Codes, Errors } from './http/errors.js';
import type { Caller, RequestContext } from './http/context.js';
import { guideHint } from './http/guide-paths.js';
import { FixedWindowLimiter, MultiWindowLimiter, type LimitState } from './http/rate-limit.js';
import { JsonFields, RawResponse, Router, type AnyRoute, type UploadedFile } from './http/route.js';
import { parseInput } from './http/schema.js';
import { VERSION } from './version.js';
import type { RequestJournal } from './control/journal.js';
import { faultDelay } from './control/faults.js';

export interface AppDeps {
  emulator: Emulator;
  routes: readonly AnyRoute[];
  journal: RequestJournal;
}

const EMULATOR_HEADER = 'x-fastio-emulator';
const CONTROL_PREFIX = '/_emulator/';
const DASHBOARD_PATH = '/_emulator/ui';
const DASHBOARD_DATA_PATH = '/_emulator/overview';
const STATE_IMPORT_LIMIT_BYTES = 512 * 1024 * 1024;

const NO_FAULTS: readonly string[] = Object.freeze([]);

class Context implements RequestContext {
  caller: Caller | undefined = undefined;
  orgId: string | undefined = undefined;
  /** for the journal: the workspace a workspace route resolved */
  workspaceId: string | undefined = undefined;
  /** for the journal: the fault rules that applied (most requests: none, and no array) */
  faultIds: readonly string[] = NO_FAULTS;
  /** the rate-limit window whose `x-ve-limit-*` headers the answer carries */
  limit: LimitState | undefined = undefined;
  /** performance.now() when the request arrived */
  readonly started = performance.now();
  /** set once the answer is written and journaled */
  done = false;
  /** the dashboard's own requests: their access line is at debug, so its long-polls do not flood info */
  quiet = false;
  private controller: AbortController | undefined;

  constructor(
    readonly requestId: string,
    readonly method: string,
    readonly path: string,
    readonly ip: string,
    readonly authorization: string | undefined,
    readonly log: RequestContext['log'],
    private readonly clock: { now(): number },
    private readonly res: ServerResponse,
  ) {}

  now(): number {
    return this.clock.now();
  }

  /** Created on first use: most handlers never wait, so most requests never pay for it. */
  get signal(): AbortSignal {
    if (!this.controller) {
      const controller = new AbortController();
      this.controller = controller;
      this.res.once('close', () => {
        if (!this.res.writableFinished) controller.abort();
      });
    }
    return this.controller.signal;
  }
}

function isLoopback(addr: string | undefined): boolean {
  return addr === '127.0.0.1' || addr === '::1' || addr === '::ffff:127.0.0.1' || (addr?.startsWith('127.') ?? false);
}

function authorizationCount(rawHeaders: readonly string[]): number {
  let n = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) if (rawHeaders[i]!.length === 13 && rawHeaders[i]!.toLowerCase() === 'authorization') n++;
  return n;
}

/** Run a connect-style middleware as a promise. */
function runMiddleware(mw: (req: Request, res: Response, next: (err?: unknown) => void) => void, req: Request, res: Response): Promise<void> {
  return new Promise((resolve, reject) => mw(req, res, (err?: unknown) => (err ? reject(err) : resolve())));
}

interface BodyParserError {
  type?: string;
  status?: number;
  code?: string;
}

/** Map body-parser and multer failures to the live envelope (4xx, never 5xx). */
function bodyError(err: unknown, limit: number): ApiError {
  if (err instanceof ApiError) return err;
  const e = err as BodyParserError & Error;
  if (e.type === 'entity.too.large' || e.code === 'LIMIT_FILE_SIZE' || e.code === 'LIMIT_FIELD_VALUE') return Errors.payloadTooLarge(limit);
  if (e.type === 'entity.parse.failed') return Errors.badRequest('The request body is not valid JSON.');
  if (e.type === 'encoding.unsupported' || e.type === 'charset.unsupported')
    return Errors.badRequest(`The request body encoding is not supported: ${e.message}`);
  if (e.type === 'request.aborted' || e.type === 'request.size.invalid') return Errors.badRequest('The request body was incomplete.');
  if (typeof e.code === 'string' && e.code.startsWith('LIMIT_')) return Errors.badRequest(`The multipart body exceeds a limit: ${e.message}`);
  return Errors.badRequest(`The request body could not be parsed: ${e.message ?? 'malformed'}`);
}

export function createApp(deps: AppDeps): express.Express {
  const { emulator, journal } = deps;
  const { config } = emulator;
  const faults = emulator.faults;
  const router = new Router();
  for (const r of deps.routes) router.add(r);

  const limiter = new FixedWindowLimiter(config.rateLimit.max, config.rateLimit.windowSeconds * 1000);
  const jsonTypes = ['application/json', 'application/*+json'];
  const jsonParser = express.json({ limit: config.bodyLimitBytes, strict: true, type: jsonTypes });
  // State imports through the control plane are whole exports: they get a larger allowance.
  const controlJsonParser = express.json({ limit: STATE_IMPORT_LIMIT_BYTES, strict: true, type: jsonTypes });
  const formParser = express.urlencoded({ limit: config.bodyLimitBytes, extended: false, parameterLimit: 1000 });
  // multer is loaded on the first multipart request, so start-up does not pay for it.
  let multipartParser: Promise<express.RequestHandler> | undefined;
  const multipart = () =>
    (multipartParser ??= import('multer').then(({ default: multer }) =>
      multer({
        storage: multer.memoryStorage(),
        limits: { fileSize: config.uploadLimitBytes, fieldSize: config.bodyLimitBytes, files: 10, fields: 200, parts: 220 },
      }).any(),
    ));

  const accessLog = emulator.log.isLevelEnabled('info');
  const quietAccessLog = emulator.log.isLevelEnabled('debug');
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');

  // 1. identify
  function identify(req: Request, res: Response): Context {
    return new Context(randomUUID(), req.method, req.path, req.socket.remoteAddress ?? '', req.headers.authorization, emulator.log, emulator.clock, res);
  }

  /**
   * The headers every answer carries, written with the status in one `writeHead` (a `setHeader`
   * per header showed in the profiles): the emulator's version, the request id, the rate-limit
   * window, and the fault rules that applied.
   */
  function writeHead(res: Response, ctx: Context, status: number, contentType: string, length: number, extra?: Record<string, string>): void {
    let type = contentType;
    let size = String(length);
    const h: string[] = [EMULATOR_HEADER, VERSION, 'x-request-id', ctx.requestId];
    if (ctx.limit)
      h.push('x-ve-limit-avail', String(ctx.limit.avail), 'x-ve-limit-max', String(ctx.limit.max), 'x-ve-limit-expires', String(ctx.limit.expires));
    if (ctx.faultIds.length > 0) h.push('x-fastio-emulator-fault', ctx.faultIds.join(','));
    if (extra) {
      for (const k in extra) {
        const lower = k.toLowerCase();
        // A handler's own length (a HEAD of a download names the file's size) or type wins.
        if (lower === 'content-length') size = extra[k]!;
        else if (lower === 'content-type') type = extra[k]!;
        else h.push(k, extra[k]!);
      }
    }
    h.push('content-type', type, 'content-length', size);
    res.writeHead(status, h);
  }

  /** The journal entry and the access line, once per answered request. */
  function finish(ctx: Context, status: number): void {
    if (ctx.done) return;
    ctx.done = true;
    const latencyMs = performance.now() - ctx.started;
    journal.record({
      method: ctx.method,
      path: ctx.path,
      status,
      latencyMs,
      userId: ctx.caller?.user.id ?? null,
      orgId: ctx.orgId ?? null,
      workspaceId: ctx.workspaceId ?? null,
      faults: ctx.faultIds,
      requestId: ctx.requestId,
      time: emulator.clock.now(),
    });
    // The access line: who called and which tenant it touched (built only when the level prints it).
    if (ctx.quiet ? !quietAccessLog : !accessLog) return;
    emulator.log[ctx.quiet ? 'debug' : 'info'](
      {
        reqId: ctx.requestId,
        method: ctx.method,
        path: ctx.path,
        status,
        ms: Math.round(latencyMs * 100) / 100,
        user: ctx.caller?.user.id,
        org: ctx.orgId,
        workspace: ctx.workspaceId,
        fault: ctx.faultIds.length > 0 ? ctx.faultIds.join(',') : undefined,
      },
      'request',
    );
  }

  // 3. control guard
  const controlToken = config.controlToken ? Buffer.from(config.controlToken) : undefined;
  function guardControl(req: Request, route: AnyRoute): void {
    if (controlToken) {
      // The dashboard's page and static files (see `publicAsset`); the page sends the token, from
      // the address's `#token=`, with every request for data.
      if (route.publicAsset) return;
      const given =
        req.headers['x-emulator-control-token'] ?? (req.headers.authorization?.startsWith('Bearer ') ? req.headers.authorization.slice(7) : undefined);
      const bytes = typeof given === 'string' ? Buffer.from(given) : undefined;
      if (!bytes || bytes.length !== controlToken.length || !timingSafeEqual(bytes, controlToken)) {
        throw Errors.unauthenticated('The control plane requires the control token (x-emulator-control-token header or Bearer).');
      }
      return;
    }
    if (!isLoopback(req.socket.remoteAddress))
      throw Errors.accessDenied('The control plane answers only on loopback unless the emulator is started with --control-token.');
  }

  // 4. rate limit
  function rateLimit(req: Request, ctx: Context, route: AnyRoute | undefined): LimitState {
    const key = req.headers.authorization ?? `ip:${req.socket.remoteAddress ?? ''}`;
    const now = emulator.clock.now();
    // The control plane is never limited (a test harness must always be able to reset), but it
    // shows the same headers.
    const state = route?.area === 'control' ? limiter.peek(key, now) : limiter.hit(key, now);
    ctx.limit = state;
    if (state.limited && route?.area !== 'control') throw Errors.rateLimited(Math.max(1, state.expires - Math.floor(now / 1000)));
    return state;
  }

  // 6b. a route's own budget, per signed-in user (PARITY: the events search's documented limit)
  const routeLimiters = new Map<string, MultiWindowLimiter>();
  // `--rate-limit off` turns off the documented per-route budgets too (benchmarks, soak runs).
  const routeLimitsOff = config.rateLimit.max >= Number.MAX_SAFE_INTEGER;
  function routeRateLimit(ctx: Context, route: AnyRoute): void {
    const spec = route.rateLimit;
    if (!spec || !ctx.caller || routeLimitsOff) return;
    let limiter = routeLimiters.get(spec.channel);
    if (!limiter) routeLimiters.set(spec.channel, (limiter = new MultiWindowLimiter(spec.windows)));
    const now = emulator.clock.now();
    const state = limiter.hit(ctx.caller.user.id, now);
    ctx.limit = state;
    if (state.limited) throw Errors.rateLimited(Math.max(1, state.expires - Math.floor(now / 1000)));
  }

  // 5. body
  async function parseBody(req: Request, res: Response, route: AnyRoute): Promise<UploadedFile[]> {
    if (req.method === 'GET' || req.method === 'HEAD') return [];
    const type = req.headers['content-type'] ?? '';
    if (route.jsonBody && !type.includes('json') && (type !== '' || Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding']))
      throw new ApiError(
        415,
        Codes.invalidInput,
        `${req.method} ${req.path} takes a JSON body: send it with Content-Type: application/json (curl: -H 'Content-Type: application/json' --data-binary @state.json)${type ? `, not ${type.split(';')[0]}` : ''}.`,
      );
    try {
      if (type.startsWith('multipart/form-data')) {
        const declared = Number(req.headers['content-length'] ?? 0);
        if (declared > config.uploadLimitBytes + 64 * 1024) throw Errors.payloadTooLarge(config.uploadLimitBytes);
        await runMiddleware(await multipart(), req, res);
        const files = ((req as Request & { files?: Express.Multer.File[] }).files ?? []).map((f) => ({
          field: f.fieldname,
          name: f.originalname,
          mimetype: f.mimetype,
          size: f.size,
          data: f.buffer,
        }));
        if (files.length > 0 && !route.files) throw Errors.badRequest('This route does not accept file uploads.');
        return files;
      }
      if (type.includes('json')) await runMiddleware(route.area === 'control' ? controlJsonParser : jsonParser, req, res);
      else if (type.startsWith('application/x-www-form-urlencoded')) await runMiddleware(formParser, req, res);
    } catch (err) {
      throw bodyError(err, type.startsWith('multipart/') ? config.uploadLimitBytes : config.bodyLimitBytes);
    }
    return [];
  }

  // 6. auth
  async function authenticate(req: Request, ctx: Context, route: AnyRoute): Promise<void> {
    if (route.auth === 'none' || route.auth === 'basic') return;
    const header = req.headers.authorization ?? '';
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m) throw Errors.unauthenticated();
    ctx.caller = await emulator.users.authenticate(m[1]!);
    // PARITY: an unverified email answers 403/10587 on most routes, /user/auth/check/ included
    // (the official client's tests pair 10587 with HTTP 403).
    if (route.auth === 'bearer' && !ctx.caller.user.emailVerified) throw Errors.emailNotVerified();
  }

  // 8. handler, and rendering
  function render(res: Response, ctx: Context, result: unknown): void {
    if (result instanceof RawResponse) {
      const body = typeof result.body === 'string' ? Buffer.from(result.body) : result.body;
      writeHead(res, ctx, result.status, result.contentType, body.length, result.headers);
      res.end(ctx.method === 'HEAD' ? undefined : body);
      finish(ctx, result.status);
      return;
    }
    // `{"result":true,` + the handler's fields: no spread copy of the result object per request.
    const fields = result === undefined ? '{}' : result instanceof JsonFields ? result.json : JSON.stringify(result);
    const body = fields === '{}' ? '{"result":true}' : `{"result":true,${fields.slice(1)}`;
    writeHead(res, ctx, 200, 'application/json; charset=utf-8', Buffer.byteLength(body));
    res.end(ctx.method === 'HEAD' ? undefined : body);
    finish(ctx, 200);
  }

  app.use(async (req: Request, res: Response, next: NextFunction) => {
    const ctx = identify(req, res);
    (res.locals as { ctx?: Context }).ctx = ctx;
    try {
      // 2. match
      const match = router.match(req.method, req.path);
      if (match.kind === 'bad-path') {
        rateLimit(req, ctx, undefined);
        throw Errors.badRequest('The request path is not valid (bad percent-encoding).');
      }
      if (match.kind === 'none') {
        rateLimit(req, ctx, undefined);
        // A browser opening the bare address gets the dashboard; API clients keep the API's 404.
        if (req.path === '/' && (req.method === 'GET' || req.method === 'HEAD') && (req.headers.accept ?? '').includes('text/html')) {
          const body = 'Found. Redirecting to /_emulator/ui';
          writeHead(res, ctx, 302, 'text/plain; charset=utf-8', Buffer.byteLength(body), { location: DASHBOARD_PATH });
          res.end(req.method === 'HEAD' ? undefined : body);
          finish(ctx, 302);
          return;
        }
        throw Errors.unknownRoute(req.method, req.path, guideHint(req.method, req.path));
      }
      if (match.kind === 'method') {
        rateLimit(req, ctx, undefined);
        const err = Errors.methodNotAllowed(req.method, req.path, match.allowed);
        const hint = guideHint(req.method, req.path);
        throw hint ? new ApiError(err.status, err.code, `${err.message} ${hint}`, { headers: err.headers ?? {} }) : err;
      }
      const { route, params } = match;
      // The dashboard's page, assets and overview long-poll (see emulator/ui/live.ts).
      if (route.area === 'control' && req.method === 'GET' && (route.publicAsset || route.path === DASHBOARD_DATA_PATH)) ctx.quiet = true;
      if (route.area === 'control') guardControl(req, route);
      rateLimit(req, ctx, route);
      // 2b. Node keeps the first of several Authorization headers and drops the others silently:
      // a request with two is ambiguous (a proxy may read the other one), so it is refused.
      if (authorizationCount(req.rawHeaders) > 1) throw Errors.badRequest('The request carries more than one Authorization header.');
      const files = await parseBody(req, res, route);
      await authenticate(req, ctx, route);
      routeRateLimit(ctx, route);
      // 7. input
      const parsedParams = route.params ? parseInput(route.params(), params) : params;
      // 7b. access: the org or workspace named in the path, checked against the permission table
      const scope = route.access ? emulator.access.authorize(ctx.caller!, route.access, parsedParams as Record<string, unknown>) : undefined;
      if (scope) ctx.orgId = scope.org.id;
      if (scope?.kind === 'workspace') ctx.workspaceId = scope.workspace.id;
      const input = {
        params: parsedParams,
        query: route.query ? parseInput(route.query(), req.query) : {},
        body: route.body ? parseInput(route.body(), req.body ?? {}) : {},
        files,
        scope,
      };
      // 7c. faults
      if (faults.size > 0 && route.area !== 'control') {
        const fault = faults.decide({ method: req.method, path: req.path, orgId: ctx.orgId });
        if (fault) {
          ctx.faultIds = fault.ruleIds;
          // A client that gave up during the delay abandons the request: the handler does not run.
          if (!(await faultDelay(fault.delayMs, ctx.signal))) return;
          if (fault.error) throw fault.error;
          // The delay is an await: access is decided again (the caller may have lost the workspace meanwhile).
          if (fault.delayMs > 0 && route.access) input.scope = emulator.access.authorize(ctx.caller!, route.access, parsedParams as Record<string, unknown>);
        }
      }
      const result = await route.handler(ctx, input, emulator as never);
      if (!res.headersSent) render(res, ctx, result);
    } catch (err) {
      next(err);
    }
  });

  // 9. errors
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    let apiError: ApiError;
    if (err instanceof ApiError) apiError = err;
    else {
      const e = err as BodyParserError;
      if (e && typeof e === 'object' && typeof e.status === 'number' && e.status >= 400 && e.status < 500) apiError = bodyError(err, config.bodyLimitBytes);
      else {
        emulator.log.error({ err, method: req.method, path: req.path }, 'unexpected error');
        apiError = Errors.internal();
      }
    }
    const ctx = (res.locals as { ctx?: Context }).ctx ?? identify(req, res);
    if (res.headersSent) {
      res.end();
      finish(ctx, res.statusCode);
      return;
    }
    apiError.resource ??= `${req.method} ${req.path}`;
    const body = JSON.stringify({ result: false, error: apiError.toBody() });
    writeHead(res, ctx, apiError.status, 'application/json; charset=utf-8', Buffer.byteLength(body), apiError.headers);
    res.end(ctx.method === 'HEAD' ? undefined : body);
    finish(ctx, apiError.status);
  });

  return app;
}

export { CONTROL_PREFIX };
