/**
 * An MCP session: the token the auth actions stored (the guide: "the token is stored in the
 * server session and auto-attached to every subsequent call"), the tool mode chosen from the
 * client's name, and the blobs staged through `POST /blob`. Sessions belong to one MCP server
 * (one emulator instance); nothing here is module-level.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../store/clock.js';

export type ToolMode = 'named' | 'code';

export interface Blob {
  id: string;
  data: Buffer;
  expiresAt: number;
}

/** PARITY: agent guide v2.6 section 5 "POST /blob sidecar": 5 minutes, single use, 100 MB, same session. */
export const BLOB_TTL_MS = 5 * 60_000;
export const BLOB_MAX_BYTES = 100 * 1024 * 1024;

/**
 * PARITY: agent guide v2.6 section 1 "Client -> mode mapping": code-mode substrings are checked
 * first; anything else (unknown or unset included) is named mode.
 */
const CODE_CLIENTS = [
  'claude-code',
  'claude code',
  'cursor',
  'continue',
  'cowork',
  'claude-cowork',
  'codex',
  'antigravity',
  'gemini-cli',
  'grok-cli',
  'opencode',
];

export function modeForClient(name: string | undefined): ToolMode {
  const n = (name ?? '').toLowerCase();
  return CODE_CLIENTS.some((c) => n.includes(c)) ? 'code' : 'named';
}

export type TokenKind = 'jwt' | 'api-key';

export class McpSession {
  readonly id: string;
  token: string | undefined;
  tokenKind: TokenKind | undefined;
  userId: string | undefined;
  /** the address signed in with (email-verify sends its code there; an unverified account cannot read its profile) */
  email: string | undefined;
  /** why the last token stopped working ("Session expired" vs "Not authenticated") */
  expiredReason: string | undefined;
  /** set by the transport from `clientInfo.name`; a forced mode (`--mcp-mode`) wins */
  mode: ToolMode;
  private readonly blobs = new Map<string, Blob>();

  constructor(
    private readonly clock: Clock,
    forcedMode?: ToolMode,
    id: string = randomUUID(),
  ) {
    this.id = id;
    this.mode = forcedMode ?? 'named';
  }

  signIn(token: string, kind: TokenKind, userId?: string): void {
    this.token = token;
    this.tokenKind = kind;
    this.userId = userId;
    this.expiredReason = undefined;
  }

  signOut(): void {
    this.token = undefined;
    this.tokenKind = undefined;
    this.userId = undefined;
    this.email = undefined;
  }

  /** Stage bytes; the caller has checked the size cap. */
  stageBlob(data: Buffer): Blob {
    this.dropExpired();
    const blob = { id: randomUUID(), data, expiresAt: this.clock.now() + BLOB_TTL_MS };
    this.blobs.set(blob.id, blob);
    return blob;
  }

  /** Take a blob (single use): gone after this call, expired ones are never handed out. */
  takeBlob(id: string): Blob | undefined {
    this.dropExpired();
    const blob = this.blobs.get(id);
    if (blob) this.blobs.delete(id);
    return blob;
  }

  get blobCount(): number {
    this.dropExpired();
    return this.blobs.size;
  }

  private dropExpired(): void {
    const now = this.clock.now();
    for (const [id, b] of this.blobs) if (b.expiresAt <= now) this.blobs.delete(id);
  }
}
