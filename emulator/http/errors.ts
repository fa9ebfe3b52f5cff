/**
 * One error type and one mapping to the live wire format.
 *
 * PARITY: envelope `{"result": false, "error": {"code", "text", "params"?, "resource"?}}` and the
 * HTTP status / code pairs come from the official client (MediaFire/fastio_cli src/client.rs
 * `extract_error`, src/error.rs hints) and the API notes. Codes marked CHOICE are the project's own
 * until a live recording proves otherwise.
 */

export type ParamErrorKind = 'missing' | 'invalid';

export interface ParamError {
  name: string;
  kind: ParamErrorKind;
  code: number;
  message: string;
  expected_type?: string;
}

export interface ErrorBody {
  code: number;
  text: string;
  params?: ParamError[];
  resource?: string;
  hint?: string;
  /** on a 501 for a documented route: the route's template, the dialect, and where the parity report is */
  route?: string;
  dialect?: string;
  parity?: string;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: number;
  readonly params: ParamError[] | undefined;
  resource: string | undefined;
  readonly hint: string | undefined;
  /** Extra response headers (for example `allow` on a 405). */
  readonly headers: Record<string, string> | undefined;
  readonly unserved: { route: string; dialect: string; parity: string } | undefined;

  constructor(
    status: number,
    code: number,
    text: string,
    extra: { params?: ParamError[]; hint?: string; headers?: Record<string, string>; unserved?: { route: string; dialect: string; parity: string } } = {},
  ) {
    super(text);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.params = extra.params;
    this.hint = extra.hint;
    this.headers = extra.headers;
    this.unserved = extra.unserved;
    this.resource = undefined;
  }

  toBody(): ErrorBody {
    const body: ErrorBody = { code: this.code, text: this.message };
    if (this.params && this.params.length > 0) body.params = this.params;
    if (this.resource) body.resource = this.resource;
    if (this.hint) body.hint = this.hint;
    if (this.unserved) Object.assign(body, this.unserved);
    return body;
  }
}

/** Error codes the emulator sends. The official client matches on these, so they are exact. */
export const Codes = {
  invalidInput: 1605,
  emailNotVerified: 10587,
  /** PARITY: CHOICE, the live code for a bad or expired token is not recorded yet. */
  unauthenticated: 1650,
  notWorkspaceMember: 10545,
  notShared: 115069,
  /** PARITY: official client src/api/storage.rs:66-69, more ids than bulk details takes. */
  bulkDetailsTooMany: 115519,
  subscriptionRequired: 1688,
  creditLimit: 1696,
  upgradeRequired: 1695,
  planLimit: 1685,
  accessDenied: 1680,
  notFound: 1609,
  unknownRoute: 9992,
  /** PARITY: CHOICE */
  methodNotAllowed: 1604,
  conflict: 1660,
  /** PARITY: CHOICE */
  payloadTooLarge: 1606,
  /** PARITY: CHOICE */
  rateLimited: 1671,
  /** PARITY: CHOICE, emulator-only: a route the emulator does not implement. */
  notImplemented: 1501,
  /** PARITY: CHOICE, an unexpected failure inside the emulator. */
  internal: 1500,
  /** PARITY: per-field codes from the agent guide's validation example (10022 blank, 10023 invalid). */
  paramMissing: 10022,
  paramInvalid: 10023,
} as const;

export function paramMissing(name: string, expected_type?: string): ParamError {
  const p: ParamError = { name, kind: 'missing', code: Codes.paramMissing, message: 'This value should not be blank.' };
  if (expected_type) p.expected_type = expected_type;
  return p;
}

export function paramInvalid(name: string, message: string, expected_type?: string): ParamError {
  const p: ParamError = { name, kind: 'invalid', code: Codes.paramInvalid, message };
  if (expected_type) p.expected_type = expected_type;
  return p;
}

function paramsText(params: ParamError[]): string {
  return params.map((p) => `${p.name}: ${p.message}`).join(' ');
}

export const Errors = {
  invalidInput(params: ParamError[], text?: string): ApiError {
    return new ApiError(400, Codes.invalidInput, text ?? (paramsText(params) || 'The request is invalid.'), { params });
  },
  invalidField(name: string, message: string, expected_type?: string): ApiError {
    return Errors.invalidInput([paramInvalid(name, message, expected_type)]);
  },
  missingField(name: string, expected_type?: string): ApiError {
    return Errors.invalidInput([paramMissing(name, expected_type)]);
  },
  badRequest(text: string): ApiError {
    return new ApiError(400, Codes.invalidInput, text);
  },
  emailNotVerified(): ApiError {
    return new ApiError(403, Codes.emailNotVerified, 'Your email address has not been verified yet. Verify it with POST /current/user/email/validate/.');
  },
  unauthenticated(text = 'Authentication is required: send a valid token in the Authorization header.'): ApiError {
    return new ApiError(401, Codes.unauthenticated, text);
  },
  notWorkspaceMember(): ApiError {
    return new ApiError(401, Codes.notWorkspaceMember, 'You are not a member of this workspace.');
  },
  notShared(): ApiError {
    return new ApiError(401, Codes.notShared, 'This resource has not been shared with you.');
  },
  subscriptionRequired(): ApiError {
    return new ApiError(402, Codes.subscriptionRequired, 'An active subscription is required for this action.');
  },
  creditLimit(used: number, limit: number): ApiError {
    return new ApiError(
      402,
      Codes.creditLimit,
      `Credit limit exceeded: ${formatCredits(used)} of ${formatCredits(limit)} credits used in this billing period.`,
    );
  },
  upgradeRequired(feature: string): ApiError {
    return new ApiError(402, Codes.upgradeRequired, `Your plan does not include ${feature}. Upgrade the organization's plan to use it.`);
  },
  planLimit(what: string, limit: number | string): ApiError {
    return new ApiError(402, Codes.planLimit, `Plan limit reached: at most ${limit} ${what} on this plan.`);
  },
  accessDenied(text = 'You do not have permission to perform this action.'): ApiError {
    return new ApiError(403, Codes.accessDenied, text);
  },
  /** PARITY: CHOICE 403/1680, the live answer to a write on an archived workspace is not recorded. */
  workspaceArchived(): ApiError {
    return new ApiError(403, Codes.accessDenied, 'This workspace is archived: unarchive it to make changes.');
  },
  notFound(what = 'resource'): ApiError {
    return new ApiError(404, Codes.notFound, `The requested ${what} was not found.`);
  },
  unknownRoute(method: string, path: string, hint?: string): ApiError {
    return new ApiError(404, Codes.unknownRoute, `Unknown API route: ${method} ${path}`, hint ? { hint } : {});
  },
  methodNotAllowed(method: string, path: string, allowed: string[]): ApiError {
    return new ApiError(405, Codes.methodNotAllowed, `Method ${method} is not allowed on ${path}. Allowed: ${allowed.join(', ')}.`, {
      headers: { allow: allowed.join(', ') },
    });
  },
  conflict(text: string): ApiError {
    return new ApiError(409, Codes.conflict, text);
  },
  payloadTooLarge(limitBytes: number): ApiError {
    return new ApiError(413, Codes.payloadTooLarge, `The request body is larger than the limit of ${limitBytes} bytes.`);
  },
  rateLimited(retryAfterSeconds: number): ApiError {
    return new ApiError(429, Codes.rateLimited, `Rate limit exceeded. Retry in ${retryAfterSeconds} seconds.`, {
      headers: { 'retry-after': String(retryAfterSeconds) },
    });
  },
  /** PARITY: the live 429 envelope (code CHOICE, as for the rate limit); `what` is counted per credential. */
  tooManyHeld(what: string, limit: number): ApiError {
    return new ApiError(429, Codes.rateLimited, `Too many ${what} open for this credential (at most ${limit}). Close one, then retry.`, {
      headers: { 'retry-after': '1' },
    });
  },
  /** PARITY: CHOICE 429 while the background queue (upload assembly, ingestion) is full. */
  backgroundQueueFull(limit: number): ApiError {
    return new ApiError(429, Codes.rateLimited, `The emulator's background queue is full (${limit} uploads and ingestions in progress). Retry shortly.`, {
      headers: { 'retry-after': '1' },
    });
  },
  notImplemented(method: string, path: string): ApiError {
    return new ApiError(501, Codes.notImplemented, `The emulator does not implement ${method} ${path} yet.`);
  },
  /**
   * A route the catalogue documents in the running dialect that the emulator does not serve: 501,
   * never 404/9992 (a typo) or 405, so a user can tell an emulator gap from a mistake.
   */
  routeNotImplemented(method: string, route: string, dialect: string): ApiError {
    return new ApiError(
      501,
      Codes.notImplemented,
      `The emulator does not implement ${method} ${route} (documented in the ${dialect} API) yet. See PARITY.md or GET /_emulator/routes for what it serves.`,
      { unserved: { route: `${method} ${route}`, dialect, parity: 'PARITY.md; GET /_emulator/routes' } },
    );
  },
  internal(): ApiError {
    return new ApiError(500, Codes.internal, 'An internal error occurred in the emulator.');
  },
};

function formatCredits(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(2);
}

/** `assert(cond, () => Errors.x())`: throw the API error when the condition fails. */
export function assert(condition: unknown, error: () => ApiError): asserts condition {
  if (!condition) throw error();
}
