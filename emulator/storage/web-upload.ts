/**
 * Imports from a URL (`web_upload`): the emulator fetches the file itself, in the background, and
 * stores it as an upload session would (queued -> fetching -> complete -> storing -> stored, or
 * fetch_failed / store_failed with `status_message`). Rows live in the `uploads` table with a
 * `web` field, so they persist and resume like sessions.
 *
 * PARITY: official client src/api/upload.rs web_import (`source_url`, `profile_id`,
 * `profile_type`, `folder_id`, `file_name`), web_import_status, web_list, web_cancel (V2: `GET
 * /web_upload/` and `DELETE /web_upload/?id=`; April: `GET /web_upload/list/` and `DELETE
 * /web_upload/{id}/`); agent guide "URL Import" (asynchronous, may fail: check the status).
 *
 * CHOICE (the emulator runs on a developer's machine, not in a public cloud): it fetches only from
 * loopback addresses (127.0.0.0/8, ::1, `localhost`) unless `--web-upload-hosts` names more hosts;
 * any other host is refused at once (400/1605 naming source_url). A redirect is followed only to
 * the same scheme, host and port (at most 5); to elsewhere the import ends fetch_failed. A body
 * past the plan's file size or WEB_UPLOAD_MAX_BYTES ends it fetch_failed. Imports charge no
 * bandwidth (the transfer is server-to-server).
 */
import { isIP } from 'node:net';
import { AuditEvents } from '../events/catalogue.js';
import type { Caller } from '../http/context.js';
import { Errors } from '../http/errors.js';
import { OpaqueType } from '../store/ids.js';
import type { Upload, User } from '../store/model.js';
import type { StorageDeps } from './service.js';
import { checkedName, type WebStatus } from './upload-schema.js';
import type { Uploads } from './uploads.js';
import { newestFirst } from '../store/order.js';

/** PARITY: CHOICE. The most bytes one import holds in memory, below any plan's file size. */
export const WEB_UPLOAD_MAX_BYTES = 100 * 1024 * 1024;
/** PARITY: CHOICE. A fetch that has not finished in this long ends fetch_failed. */
export const WEB_UPLOAD_TIMEOUT_MS = 30_000;
const MAX_REDIRECTS = 5;
const WEB_TERMINAL = new Set(['stored', 'fetch_failed', 'store_failed', 'canceled']);

/**
 * PARITY: the statuses an import shows and `web-list --status` filters by are the live set
 * (official client 96b1551 cli.rs WebList and mcp/tools.rs WEB_UPLOAD_STATUSES: pending, queued,
 * downloading, uploading, complete, failed, canceled). CHOICE: how the emulator's steps map onto
 * them; `pending` is never shown (an import is queued at once).
 */
export function webStatus(status: Upload['status']): WebStatus {
  switch (status) {
    case 'queued':
      return 'queued';
    case 'fetching':
      return 'downloading';
    case 'stored':
      return 'complete';
    case 'canceled':
      return 'canceled';
    case 'fetch_failed':
    case 'store_failed':
    case 'assembly_failed':
      return 'failed';
    default:
      return 'uploading';
  }
}

export interface WebUploadInput {
  source_url: string;
  profile_id: string;
  profile_type?: 'workspace' | 'share' | undefined;
  folder_id?: string | undefined;
  file_name?: string | undefined;
}

export interface WebListFilter {
  limit?: number | undefined;
  offset?: number | undefined;
  status?: WebStatus | undefined;
}

/** Whether a host name or address is the machine itself. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1' || host.startsWith('::ffff:127.');
  return false;
}

export class WebUploads {
  /** fetches in flight, by upload id: a cancel aborts its fetch */
  private readonly inFlight = new Map<string, AbortController>();

  constructor(
    private readonly d: Pick<StorageDeps, 'db' | 'ids' | 'now' | 'audit' | 'jobs' | 'plans'>,
    private readonly uploads: Uploads,
    private readonly allowedHosts: readonly string[],
  ) {}

  /** The URL, checked before anything is queued: http(s), and a host the emulator may reach. */
  private checkedUrl(raw: string): URL {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw Errors.invalidField('source_url', 'source_url is not a URL.', 'string');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw Errors.invalidField('source_url', 'source_url must be an http or https URL.', 'string');
    if (url.username || url.password) throw Errors.invalidField('source_url', 'source_url may not carry credentials.', 'string');
    if (!this.mayReach(url)) {
      throw Errors.invalidField(
        'source_url',
        `The emulator imports only from loopback addresses (127.0.0.1, ::1, localhost); ${url.hostname} is not one. Start it with --web-upload-hosts ${url.hostname} to allow it.`,
        'string',
      );
    }
    return url;
  }

  private mayReach(url: URL): boolean {
    const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
    return isLoopbackHost(host) || this.allowedHosts.some((h) => h.toLowerCase() === host || h.toLowerCase() === url.host.toLowerCase());
  }

  /** `POST /web_upload/`: the import is queued and fetched in the background. */
  create(caller: Caller, input: WebUploadInput): Upload {
    const url = this.checkedUrl(input.source_url);
    const { scope, parentId } = this.uploads.resolveUploadTarget(
      caller,
      { instance_id: input.profile_id, profile_type: input.profile_type, folder_id: input.folder_id, action: 'create' },
      '/current/web_upload/',
    );
    // PARITY: CHOICE. The name is file_name, else the URL's last path segment, else "download".
    const fromUrl = decodeURIComponent(url.pathname.split('/').filter(Boolean).pop() ?? '');
    const name = checkedName(input.file_name?.trim() || fromUrl || 'download');
    this.d.jobs.admit();
    const now = this.d.now();
    const upload = this.d.db.uploads.insert({
      id: this.d.ids.opaqueId(OpaqueType.upload),
      userId: caller.user.id,
      workspaceId: scope.workspace.id,
      orgId: scope.org.id,
      folderId: parentId,
      name,
      fileId: null,
      size: 0,
      status: 'queued',
      chunks: {},
      blobId: null,
      newFileId: null,
      error: null,
      created: now,
      updated: now,
      web: { url: url.href, fetchedBytes: 0 },
    });
    this.d.audit.record(AuditEvents.webUploadCreated(upload, caller.user.id, upload.id, { source_url: url.href, name, folder_id: parentId }));
    this.d.jobs.after((alive) => this.fetch(upload.id, alive));
    return upload;
  }

  /** The caller's own import; another user's, or an upload session's id, answers 404/1609. */
  own(user: User, id: string): Upload {
    const upload = this.uploads.ownUpload(user, id);
    if (!upload.web) throw Errors.notFound('web upload');
    return upload;
  }

  /** The caller's imports, newest first; `status` filters, `limit`/`offset` page (CHOICE: 100 by default). */
  list(user: User, filter: WebListFilter): { total: number; uploads: Upload[] } {
    const all = newestFirst(
      [...this.d.db.uploads.values()].filter((u) => u.userId === user.id && u.web && (filter.status === undefined || webStatus(u.status) === filter.status)),
    );
    const offset = filter.offset ?? 0;
    return { total: all.length, uploads: all.slice(offset, offset + (filter.limit ?? 100)) };
  }

  /**
   * Cancel: an import that has not ended stops (its fetch aborted, bytes dropped) and shows
   * `canceled`. PARITY: CHOICE, an import that has ended (complete, failed, canceled) answers
   * 409/1660; a stored file stays either way.
   */
  cancel(user: User, id: string): Upload {
    const upload = this.own(user, id);
    if (WEB_TERMINAL.has(upload.status)) throw Errors.conflict(`This import is already ${webStatus(upload.status)}.`);
    this.inFlight.get(id)?.abort();
    this.inFlight.delete(id);
    if (upload.blobId) this.d.db.blobs.delete(upload.blobId);
    const canceled = this.d.db.uploads.update(id, { status: 'canceled', blobId: null, error: 'canceled by the user', updated: this.d.now() });
    this.d.audit.record(AuditEvents.webUploadCancelled(upload, user.id, id, { status: webStatus(upload.status) }));
    return canceled;
  }

  /** After the state is replaced: imports that were queued or fetching start over. */
  resume(): void {
    for (const c of this.inFlight.values()) c.abort();
    this.inFlight.clear();
    for (const u of this.d.db.uploads.values()) {
      if (u.web && (u.status === 'queued' || u.status === 'fetching')) this.d.jobs.after((alive) => this.fetch(u.id, alive));
    }
  }

  private async fetch(id: string, alive: () => boolean): Promise<void> {
    const upload = this.d.db.uploads.get(id);
    if (!alive() || !upload?.web || (upload.status !== 'queued' && upload.status !== 'fetching')) return;
    this.uploads.setUploadStatus(id, { status: 'fetching' });
    const controller = new AbortController();
    this.inFlight.set(id, controller);
    const org = this.d.db.orgs.get(upload.orgId);
    const planMax = org ? this.d.plans.get(org.plan)?.max_file_bytes : null;
    const limit = Math.min(WEB_UPLOAD_MAX_BYTES, planMax ?? WEB_UPLOAD_MAX_BYTES);
    let result: { bytes: Buffer } | { error: string };
    try {
      result = await this.download(new URL(upload.web.url), limit, AbortSignal.any([controller.signal, AbortSignal.timeout(WEB_UPLOAD_TIMEOUT_MS)]));
    } catch (err) {
      result = { error: controller.signal.aborted ? 'cancelled' : `the fetch failed: ${(err as Error).message}` };
    } finally {
      this.inFlight.delete(id);
    }
    // Cancelled, replaced or reset while fetching: nothing is written.
    const now = this.d.db.uploads.get(id);
    if (!alive() || !now || now.status !== 'fetching' || controller.signal.aborted) return;
    if ('error' in result) {
      this.uploads.setUploadStatus(id, { status: 'fetch_failed', error: result.error });
      return;
    }
    this.d.db.uploads.update(id, { web: { url: upload.web.url, fetchedBytes: result.bytes.length } });
    // Stored like an assembled session: storing re-checks the plan, the folder and the uploader's access.
    this.uploads.storeFetched(id, result.bytes);
  }

  /** GET the URL, following same-origin redirects only, reading at most `limit` bytes. */
  private async download(start: URL, limit: number, signal: AbortSignal): Promise<{ bytes: Buffer } | { error: string }> {
    let url = start;
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      const res = await fetch(url, { redirect: 'manual', signal, headers: { 'user-agent': 'fastio-emulator web_upload' } });
      if (res.status >= 300 && res.status < 400 && res.headers.get('location')) {
        await res.body?.cancel();
        const next = new URL(res.headers.get('location')!, url);
        if (next.origin !== start.origin)
          return { error: `the source redirected to ${next.origin}, another host: redirects are followed within ${start.origin} only` };
        url = next;
        continue;
      }
      if (!res.ok) {
        await res.body?.cancel();
        return { error: `the source answered HTTP ${res.status}` };
      }
      const declared = Number(res.headers.get('content-length') ?? NaN);
      if (declared > limit) {
        await res.body?.cancel();
        return { error: `the file is ${declared} bytes, more than the ${limit} an import may hold` };
      }
      const parts: Buffer[] = [];
      let total = 0;
      for await (const chunk of res.body ?? []) {
        total += (chunk as Uint8Array).length;
        if (total > limit) return { error: `the file is more than the ${limit} bytes an import may hold` };
        parts.push(Buffer.from(chunk as Uint8Array));
      }
      if (total === 0) return { error: 'the source sent no bytes' };
      return { bytes: Buffer.concat(parts) };
    }
    return { error: `more than ${MAX_REDIRECTS} redirects` };
  }

  /** Whether an import has ended (stored or failed). */
  static finished(upload: Upload): boolean {
    return WEB_TERMINAL.has(upload.status);
  }
}
