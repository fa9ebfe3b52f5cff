import type { Logger } from 'pino';
import type { User } from '../store/model.js';

/** How the caller proved who they are. */
export type Credential = { kind: 'jwt'; sessionId: string; expires: number } | { kind: 'api_key'; keyId: string };

export interface Caller {
  user: User;
  credential: Credential;
}

/**
 * What a handler gets instead of `req`/`res`: who is calling, the emulator clock, the request's
 * identity, and an abort signal that fires when the client goes away (long-polls listen to it).
 */
export interface RequestContext {
  readonly requestId: string;
  readonly method: string;
  /** the path as the client sent it, without the query string */
  readonly path: string;
  readonly ip: string;
  /** the raw Authorization header (sign-in reads Basic credentials from it) */
  readonly authorization: string | undefined;
  /** the signed-in caller; set on every route whose auth is not `none` */
  caller: Caller | undefined;
  /** the org the request is about, once resolved (for the request journal and faults) */
  orgId: string | undefined;
  readonly signal: AbortSignal;
  readonly log: Logger;
  now(): number;
}

/** The caller, for handlers of authenticated routes. */
export function callerOf(ctx: RequestContext): Caller {
  if (!ctx.caller) throw new Error('route declared auth but no caller was resolved');
  return ctx.caller;
}
