/**
 * The caller's upload sessions as a set: the list (`GET /upload/details/`), cancel-all
 * (`DELETE /upload/`), one session's chunks (`GET /upload/{id}/chunk/`) and deleting one chunk
 * (`DELETE /upload/{id}/chunk/?order=N`), and the single-call stream (`POST /upload/{id}/stream/`).
 * A session belongs to the user who opened it: another user's id is as good as absent (404/1609).
 */
import { AuditEvents } from '../events/catalogue.js';
import type { Caller } from '../http/context.js';
import { Errors, assert } from '../http/errors.js';
import type { UploadedFile } from '../http/route.js';
import type { Upload, User } from '../store/model.js';
import type { StorageDeps } from './service.js';
import type { StorageCredits } from './storage-credits.js';
import { TERMINAL_UPLOAD, type Uploads } from './uploads.js';
import { verifyHash } from './upload-limits.js';
import type { Versions } from './versions.js';
import { newestFirst } from '../store/order.js';

export interface SessionFilter {
  /** PARITY: CHOICE. `web` lists the URL imports (`GET /web_upload/`), else the byte uploads. */
  kind: 'upload' | 'web';
  status?: string | undefined;
}

export class UploadSessions {
  constructor(
    private readonly d: Pick<StorageDeps, 'db' | 'now' | 'audit' | 'jobs'>,
    private readonly uploads: Uploads,
    private readonly versions: Versions,
    private readonly credits: StorageCredits,
  ) {}

  /** The caller's sessions, newest first (then in the order made). PARITY: CHOICE, every status, stored ones too, until deleted. */
  list(user: User, filter: SessionFilter): Upload[] {
    return newestFirst(
      [...this.d.db.uploads.values()].filter(
        (u) => u.userId === user.id && (filter.kind === 'web') === Boolean(u.web) && (filter.status === undefined || u.status === filter.status),
      ),
    );
  }

  /**
   * `DELETE /upload/`: every session of the caller that is not finished (ready, uploading,
   * assembling, complete, storing) is deleted with its bytes; a background step of one finds its
   * row gone and stops. PARITY: CHOICE, finished sessions (stored or failed) stay until deleted
   * one by one, and the count is answered as `cancelled`.
   */
  cancelAll(user: User): number {
    const open = this.list(user, { kind: 'upload' }).filter((u) => !TERMINAL_UPLOAD.has(u.status));
    for (const upload of open) {
      this.uploads.dropSession(upload);
      this.d.audit.record(AuditEvents.uploadSessionDeleted(upload, user.id, upload.id, { status: upload.status, all: true }));
    }
    return open.length;
  }

  /** A session's chunks: order -> bytes, and what is still missing up to the declared size. */
  chunks(user: User, id: string): { upload: Upload; chunks: Record<string, number>; received: number } {
    const upload = this.uploads.ownUpload(user, id);
    const chunks: Record<string, number> = {};
    let received = 0;
    for (const [order, c] of Object.entries(upload.chunks).sort((a, b) => Number(a[0]) - Number(b[0]))) {
      chunks[order] = c.size;
      received += c.size;
    }
    return { upload, chunks, received };
  }

  /**
   * Delete one chunk so it can be sent again. PARITY: CHOICE: only while chunks are accepted
   * (ready/uploading, else 409/1660); an order the session does not hold answers 404/1609; the
   * last chunk deleted puts the session back to `ready`. The caller must still be able to write.
   */
  deleteChunk(caller: Pick<Caller, 'user'>, id: string, order: number): Upload {
    const upload = this.uploads.ownUpload(caller.user, id);
    this.uploads.assertMayStillWrite(caller, upload);
    assert(upload.status === 'ready' || upload.status === 'uploading', () =>
      Errors.conflict(`The upload session is ${upload.status}; chunks can be deleted until it is completed.`),
    );
    const key = String(order);
    const chunk = upload.chunks[key];
    if (!chunk) throw Errors.notFound('chunk');
    this.versions.dropBlob(chunk.blobId);
    const rest = Object.fromEntries(Object.entries(upload.chunks).filter(([k]) => k !== key));
    const updated = this.d.db.uploads.update(id, { chunks: rest, status: Object.keys(rest).length === 0 ? 'ready' : 'uploading', updated: this.d.now() });
    this.d.audit.record(AuditEvents.uploadChunkDeleted(upload, caller.user.id, id, { order, size: chunk.size }));
    return updated;
  }

  /**
   * `POST /upload/{id}/stream/`: the whole file as the raw body of one request, then the session
   * finalises on its own (assembling -> ... -> stored, as `complete/` would start). PARITY:
   * official client src/api/upload.rs stream_upload (raw `application/octet-stream` body,
   * `?hash=&hash_algo=`, no `complete/` call). CHOICE: an empty body, or one past `max_size`
   * (400/1605 naming `max_size`) or past the plan's file-size or storage limit (402/1685), is
   * refused and the session stays `ready`; a second stream answers 409/1660.
   */
  stream(caller: Pick<Caller, 'user'>, id: string, files: readonly UploadedFile[], hash: string | undefined, algo: string | undefined): Upload {
    const user = caller.user;
    const upload = this.uploads.ownUpload(user, id);
    this.uploads.assertMayStillWrite(caller, upload);
    if (!upload.stream) throw Errors.badRequest('This session was not opened with stream=true: send its bytes as chunks.');
    assert(upload.status === 'ready', () => Errors.conflict(`The streaming session is already ${upload.status}.`));
    const bytes = files.find((f) => f.field === 'body' || f.field === 'chunk')?.data;
    if (!bytes || bytes.length === 0) throw Errors.missingField('body');
    const max = upload.stream.maxSize;
    if (max !== null && bytes.length > max)
      throw Errors.invalidField('max_size', `The stream holds ${bytes.length} bytes, more than max_size ${max}.`, 'integer');
    verifyHash(bytes, hash, algo);
    const org = this.d.db.orgs.get(upload.orgId);
    if (org) this.credits.assertFits(org, bytes.length);
    this.d.jobs.admit();
    const blob = this.versions.putBlob(bytes);
    this.d.db.uploads.update(id, { size: bytes.length, chunks: { '1': { blobId: blob.id, size: bytes.length } }, status: 'uploading', updated: this.d.now() });
    this.d.audit.record(AuditEvents.uploadChunkAdded(upload, user.id, id, { order: 1, size: bytes.length, stream: true }));
    const assembling = this.uploads.beginAssembly(id);
    this.d.audit.record(AuditEvents.uploadSessionCompleted(upload, user.id, id, { chunks: 1, stream: true }));
    return assembling;
  }
}
