import type { Logger } from 'pino';
import type { User } from '../store/model.js';

/** How the caller proved who they are. */
export type Credential = (
  { kind: 'jwt'; sessionId: string; expires: number; oauth?: boolean; twoFactorPending?: boolean } | { kind: 'api_key'; keyId: string }
) & {
  /**
   * The grants a scoped credential carries (an OAuth token, an API key with scopes): every org and
   * workspace it reaches is checked against them (users/oauth-scopes.ts). Absent = full access.
   */
  scopes?: readonly string[];
};

export interface Caller {
  user: User;
  credential: Credential;
}

/** What a valid download token (`requestread`) opens: one node of one workspace, maybe one version. */
export interface DownloadGrant {
  workspaceId: string;
  versionId: string | null;
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
  /**
   * The org the request is about, for the request journal and faults: set by the pipeline from
   * the scope the route's `access` resolved. Handlers never assign it.
   */
  readonly orgId: string | undefined;
  /** the download token's grant, on `bearer-or-download-token` routes opened with `?token=` */
  readonly download: DownloadGrant | undefined;
  /** a share-scoped token (shares/tokens.ts), on routes that take one (`shareToken`), in place of a caller */
  readonly shareToken: string | undefined;
  /** a link password from the `x-ve-password` header (fileshares; PARITY: 96b1551 src/api/fileshare.rs) */
  readonly linkPassword?: string | undefined;
  /**
   * The org of a tenant the route could not name before the handler ran (an org just created, the
   * workspace an upload names in its body, the org a control request names): for the journal.
   */
  tenantResolved(orgId: string): void;
  readonly signal: AbortSignal;
  readonly log: Logger;
  now(): number;
}

/** The caller, for handlers of authenticated routes. */
export function callerOf(ctx: RequestContext): Caller {
  if (!ctx.caller) throw new Error('route declared auth but no caller was resolved');
  return ctx.caller;
}
