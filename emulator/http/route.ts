/**
 * Routes are data: method, path, schemas, auth and parity status in one record. The same table
 * drives dispatch, 405 answers, the parity report, the OpenAPI document and the contract-coverage
 * check, so no list of routes or fields is written twice.
 */
import type { z } from 'zod';
import type { RequestContext } from './context.js';
import type { AccessSpec, OrgScope, ScopeFor, WorkspaceScope } from '../tenancy/access.js';
import { DIALECTS, type Dialect } from '../catalogue/index.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';

export type Area =
  | 'auth'
  | 'orgs'
  | 'members'
  | 'workspaces'
  | 'storage'
  | 'intelligence'
  | 'events'
  | 'billing'
  | 'transfer'
  | 'control'
  | 'shares'
  | 'comments'
  | 'apps'
  | 'system';

/**
 * Where each area's routes are defined: `emulator/<folder>/routes.ts` (test/core/route-areas.test.ts
 * holds every route to it). An area is its folder, with two names kept for the parity report's
 * grouping: `auth` is the live API's name for what users/ serves (sign-up, sign-in, keys, the
 * user's own details), and `events` includes activity/ (the long-poll and the WebSocket are how
 * events are followed).
 */
export const AREA_FOLDERS: Readonly<Record<Area, readonly string[]>> = {
  auth: ['users'],
  orgs: ['orgs'],
  members: ['members'],
  workspaces: ['workspaces'],
  storage: ['storage'],
  intelligence: ['intelligence'],
  events: ['events', 'activity'],
  billing: ['billing'],
  transfer: ['transfer'],
  control: ['control'],
  shares: ['shares'],
  comments: ['comments'],
  apps: ['apps'],
  system: ['system'],
};

/**
 * - `none`: no credentials needed (sign-up, health).
 * - `basic`: HTTP Basic email:password (sign-in).
 * - `bearer`: a JWT or API key of a verified user.
 * - `bearer-unverified`: a JWT or API key; an unverified email is allowed (email validation).
 * - `bearer-or-download-token`: a download token from requestread in `?token=` (for the route's
 *   `:workspace_id` and `:node_id`), else as `bearer` (PARITY: agent guide "Download Tokens").
 */
/** `bearer-optional`: anyone may call; a Bearer, when sent, is checked and names the caller. */
/** `bearer-or-share-token`: as `bearer`, or a share-scoped token (shares/tokens.ts) that the route's share decides on. */
export type AuthMode = 'none' | 'basic' | 'bearer' | 'bearer-optional' | 'bearer-unverified' | 'bearer-or-download-token' | 'bearer-or-share-token';

export type ParityStatus = 'implemented' | 'partial' | 'not-implemented';

export interface RouteParity {
  status: ParityStatus;
  /** What the emulator decides on its own until a live recording proves otherwise. */
  choices?: string[];
  /** Known departures from the live API, per JSON path where possible. */
  divergences?: { path: string; reason: string }[];
  /** Where the behaviour is documented. */
  source?: string;
}

/**
 * A documented budget of a route's own, counted per signed-in user on top of the per-credential
 * budget; routes that share a `channel` share the budget (the events search and its summary).
 */
export interface RouteRateLimit {
  channel: string;
  windows: { max: number; seconds: number }[];
}

export interface UploadedFile {
  field: string;
  name: string;
  mimetype: string;
  size: number;
  data: Buffer;
}

export interface RouteInput<P, Q, B, S = OrgScope | WorkspaceScope | undefined> {
  params: P;
  query: Q;
  body: B;
  files: UploadedFile[];
  /** the org or workspace the route's `access` resolved, with the caller's role */
  scope: S;
}

/** A non-JSON answer (downloads, the dashboard). */
export class RawResponse {
  constructor(
    readonly body: Buffer | string,
    readonly contentType: string,
    readonly status = 200,
    readonly headers: Record<string, string> = {},
  ) {}
}

/**
 * An answer written as it is made: `chunks` yields the body's text in pieces, sent with chunked
 * transfer encoding and the socket's backpressure, so a large answer (the state export with its
 * files) is never one string or one buffer in memory.
 */
export class StreamResponse {
  constructor(
    readonly chunks: () => Iterable<string | Buffer>,
    readonly contentType: string,
    readonly status = 200,
    readonly headers: Record<string, string> = {},
  ) {}
}

/**
 * An answer's fields already serialised: `json` is the text of one JSON object (`{...}`), exactly
 * what `JSON.stringify` would make of the fields. The pipeline renders it as it renders an object
 * (`{"result":true,` + the fields), without serialising again. Lists whose items keep their wire
 * text (see `workspaceJsonText`) answer this way: serialising a page was the larger part of a
 * list's own cost.
 */
export class JsonFields {
  constructor(readonly json: string) {}
}

export type HandlerResult = Record<string, unknown> | RawResponse | StreamResponse | JsonFields | void;

type Schema = z.ZodType;
type Thunk = () => z.ZodType;
type Out<T> = T extends () => infer S ? (S extends z.ZodType ? z.output<S> : never) : Record<string, never>;
/**
 * Schemas are given as memoised thunks (see `lazy` in schema.ts): building a few hundred zod
 * schemas costs tens of milliseconds, which start-up should not pay for routes nobody calls.
 */
export type SchemaThunk<S extends Schema> = () => S;

/** What a route record holds whatever its schemas: RouteSpec adds the typed parts, AnyRoute the erased ones. */
interface RouteCommon {
  method: HttpMethod;
  /** Express-style path with `:name` parameters and a trailing slash. */
  path: string;
  area: Area;
  summary: string;
  /**
   * The dialects that serve this route (default: all). Under another dialect the router does not
   * know it: the request falls to the catalogue (501 if that dialect documents the route, else 404).
   */
  dialects?: readonly Dialect[];
  /**
   * Documented routes with a literal segment that this parameterised route answers too (the
   * trash: `GET .../storage/trash/list/` is the folder listing with node id `trash`): the catalogue
   * counts them served, and they are not answered 501 though a literal beats a parameter.
   */
  serves?: readonly string[];
  /**
   * Control plane: answers that hold nothing secret: the dashboard's page and assets (a browser
   * cannot send a header with its first request) and the health check (container health probes
   * carry no token). With `--control-token` they answer without it; the Host rule and, without a
   * token, the loopback rule still apply.
   */
  publicAsset?: boolean;
  /** The body is one JSON document (a state import): any other content type answers 415 saying so. */
  jsonBody?: boolean;
  /** The body is raw bytes (a streamed upload): handed to the handler as one file part named `body`. */
  rawBody?: boolean;
  /** A per-user budget of this route's own (see RouteRateLimit). */
  rateLimit?: RouteRateLimit;
  parity: RouteParity;
}

/**
 * A route as an area declares it. Declarations look alike from route to route (method, path,
 * area, summary, params, access, parity, handler): they are data, one record per route, and the
 * `duplicates` tool pairs them by shape; that likeness is the design, not copied logic.
 */
export interface RouteSpec<
  P extends Thunk | undefined,
  Q extends Thunk | undefined,
  B extends Thunk | undefined,
  A extends AccessSpec | undefined,
  D,
> extends RouteCommon {
  auth?: AuthMode;
  params?: P;
  query?: Q;
  body?: B;
  /**
   * The tenant object this route acts on and the action it performs: the pipeline resolves it
   * and checks the permission table before the handler runs (see tenancy/access.ts).
   */
  access?: A;
  /** Accept multipart file parts on this route (the pipeline parses multipart on every route for fields). */
  files?: boolean;
  /** Emulator-only (control plane): skipped by the live target and left out of the live parity score. */
  emulatorOnly?: boolean;
  handler: (ctx: RequestContext, input: RouteInput<Out<P>, Out<Q>, Out<B>, ScopeFor<A>>, deps: D) => HandlerResult | Promise<HandlerResult>;
}

/** A route with its types erased, as the router stores it. */
export interface AnyRoute extends RouteCommon {
  auth: AuthMode;
  params?: SchemaThunk<Schema>;
  query?: SchemaThunk<Schema>;
  body?: SchemaThunk<Schema>;
  access?: AccessSpec;
  files: boolean;
  emulatorOnly: boolean;
  handler: (ctx: RequestContext, input: RouteInput<unknown, unknown, unknown>, deps: never) => HandlerResult | Promise<HandlerResult>;
}

/** Whether the route is served under this dialect. */
export function servesDialect(route: Pick<AnyRoute, 'dialects'>, dialect: Dialect): boolean {
  return (route.dialects ?? DIALECTS).includes(dialect);
}

/**
 * Define a route whose handler receives `deps` (the emulator instance's services). The type
 * parameters flow from the schemas into the handler's input.
 */
export function routeFactory<D>() {
  return function defineRoute<
    P extends Thunk | undefined = undefined,
    Q extends Thunk | undefined = undefined,
    B extends Thunk | undefined = undefined,
    const A extends AccessSpec | undefined = undefined,
  >(spec: RouteSpec<P, Q, B, A, D>): AnyRoute {
    return {
      ...spec,
      auth: spec.auth ?? 'bearer',
      files: spec.files ?? false,
      emulatorOnly: spec.emulatorOnly ?? false,
      dialects: spec.dialects ?? DIALECTS,
      publicAsset: spec.publicAsset ?? false,
    } as unknown as AnyRoute;
  };
}

// ---------------------------------------------------------------------------------------------
// Matching

interface TrieNode {
  statics: Map<string, TrieNode>;
  param: { name: string; node: TrieNode } | undefined;
  routes: Map<HttpMethod, AnyRoute>;
}

function newNode(): TrieNode {
  return { statics: new Map(), param: undefined, routes: new Map() };
}

export type MatchResult =
  { kind: 'route'; route: AnyRoute; params: Record<string, string> } | { kind: 'method'; allowed: HttpMethod[] } | { kind: 'none' } | { kind: 'bad-path' };

/** C0 controls and DEL in a decoded segment. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;
/** A cheap look at the raw path first: controls raw or percent-encoded (`%00`-`%1F`, `%7F`). */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const MAYBE_CONTROL_CHARS = /[\u0000-\u001f\u007f]|%[01][0-9a-f]|%7f/i;

export function splitPath(path: string): string[] {
  return path.split('/').filter((s) => s.length > 0);
}

/**
 * A segment trie. Static segments win over parameters (`/org/create/` before `/org/:org_id/`),
 * with backtracking, and a path that exists under another method answers 405 rather than 404.
 * Trailing slashes are optional (PARITY: CHOICE, the live API documents paths with `/`).
 */
export class Router {
  private readonly root = newNode();
  readonly routes: AnyRoute[] = [];

  add(route: AnyRoute): void {
    let node = this.root;
    for (const seg of splitPath(route.path)) {
      if (seg.startsWith(':')) {
        const name = seg.slice(1);
        if (!node.param) node.param = { name, node: newNode() };
        else if (node.param.name !== name) {
          throw new Error(`route ${route.method} ${route.path}: parameter :${name} conflicts with :${node.param.name}`);
        }
        node = node.param.node;
      } else {
        let next = node.statics.get(seg);
        if (!next) node.statics.set(seg, (next = newNode()));
        node = next;
      }
    }
    if (node.routes.has(route.method)) throw new Error(`duplicate route ${route.method} ${route.path}`);
    node.routes.set(route.method, route);
    this.routes.push(route);
  }

  match(method: string, path: string): MatchResult {
    let segments: string[];
    try {
      segments = splitPath(path).map((s) => decodeURIComponent(s));
    } catch {
      return { kind: 'bad-path' };
    }
    // No id, name or literal of any route holds a control character: an encoded NUL or newline in
    // a segment is a bad path (400), whatever route its shape would match (a served one or a 501).
    if (MAYBE_CONTROL_CHARS.test(path) && segments.some((s) => CONTROL_CHARS.test(s))) return { kind: 'bad-path' };
    const params: Record<string, string> = {};
    let allowed: HttpMethod[] | undefined;
    const found = this.walk(this.root, segments, 0, params, method as HttpMethod, (node) => {
      if (!allowed) allowed = [...node.routes.keys()];
    });
    if (found) return { kind: 'route', route: found, params };
    if (allowed && allowed.length > 0) return { kind: 'method', allowed };
    return { kind: 'none' };
  }

  private walk(
    node: TrieNode,
    segs: string[],
    i: number,
    params: Record<string, string>,
    method: HttpMethod,
    onPathOnly: (node: TrieNode) => void,
  ): AnyRoute | undefined {
    if (i === segs.length) {
      const r = node.routes.get(method) ?? (method === ('HEAD' as HttpMethod) ? node.routes.get('GET') : undefined);
      if (r) return r;
      if (node.routes.size > 0) onPathOnly(node);
      return undefined;
    }
    const seg = segs[i]!;
    const stat = node.statics.get(seg);
    if (stat) {
      const r = this.walk(stat, segs, i + 1, params, method, onPathOnly);
      if (r) return r;
    }
    if (node.param) {
      const r = this.walk(node.param.node, segs, i + 1, params, method, onPathOnly);
      if (r) {
        params[node.param.name] = seg;
        return r;
      }
    }
    return undefined;
  }
}
