/**
 * `POST /upload/batch/`: up to 200 small files in one multipart request, each stored at once.
 * PARITY: official client src/api/upload.rs upload_batch / parse_batch_response: fields
 * `instance_id`, `folder_id`, `creator`, `manifest` (JSON array of `{index, filename,
 * relative_path?, hash_algo?, hash?}`) and parts `file_{index}`; the answer is top level (not under
 * `response`): `batch_id`, `count_total`, `count_succeeded`, `count_errored`, `results[]` of
 * `{index, filename, status: ok|error, upload_id, node_id, error_code, error_message}`. A whole-batch
 * refusal (no write access, a bad manifest) is a 4xx; one file's failure is a `results[]` entry
 * with HTTP 200.
 */
import { z } from 'zod';
import type { Caller } from '../http/context.js';
import { ApiError, Errors } from '../http/errors.js';
import type { UploadedFile } from '../http/route.js';
import { OpaqueType } from '../store/ids.js';
import type { WorkspaceScope } from '../tenancy/access.js';
import type { NodeTree } from './nodes.js';
import { nodeName } from './schema.js';
import type { StorageDeps } from './service.js';
import { BATCH_MAX_BODY_BYTES, BATCH_MAX_FILE_BYTES, BATCH_MAX_FILES, verifyHash } from './upload-limits.js';
import type { Uploads } from './uploads.js';

export interface BatchInput {
  instance_id: string;
  folder_id?: string | undefined;
  creator?: string | undefined;
  manifest: string;
  profile_type?: 'workspace' | 'share' | undefined;
}

export interface BatchResult {
  index: number;
  filename: string;
  status: 'ok' | 'error';
  upload_id: string | null;
  node_id: string | null;
  error_code: number | null;
  error_message: string | null;
}

const manifestEntry = z.object({
  index: z
    .number()
    .int()
    .min(0)
    .max(BATCH_MAX_FILES - 1),
  filename: z.string(),
  relative_path: z.string().optional(),
  hash_algo: z.string().optional(),
  hash: z.string().optional(),
});

/** PARITY: official client validate_relative_path: 1-8192 characters, ends in `/`, not `/` first, no `..` segment. */
function relativeSegments(path: string): string[] {
  if (path.length === 0 || path.length > 8192 || !path.endsWith('/') || path.startsWith('/') || path.split('/').includes('..')) {
    throw Errors.invalidField('relative_path', 'relative_path is 1-8192 characters, ends with "/", does not start with "/" and has no ".." segment.', 'string');
  }
  return path.split('/').filter((s) => s !== '');
}

export class BatchUploads {
  constructor(
    private readonly d: Pick<StorageDeps, 'ids' | 'now' | 'jobs'>,
    private readonly nodes: NodeTree,
    private readonly uploads: Uploads,
  ) {}

  batch(caller: Caller, input: BatchInput, files: readonly UploadedFile[]): { batchId: string; results: BatchResult[]; scope: WorkspaceScope } {
    const target = this.uploads.resolveUploadTarget(caller, { ...input, action: 'create' }, '/current/upload/batch/');
    const entries = this.readManifest(input.manifest);
    const parts = new Map<string, UploadedFile>();
    let total = 0;
    for (const f of files) {
      if (!/^file_\d{1,3}$/.test(f.field)) throw Errors.invalidField(f.field, 'Batch file parts are named file_{index}.');
      if (!entries.some((e) => `file_${e.index}` === f.field)) throw Errors.invalidField(f.field, `No manifest entry has index ${f.field.slice(5)}.`);
      parts.set(f.field, f);
      total += f.size;
    }
    // PARITY: official client BATCH_MAX_BODY_BYTES (100 MB per batch).
    if (total > BATCH_MAX_BODY_BYTES) throw Errors.payloadTooLarge(BATCH_MAX_BODY_BYTES);
    this.d.jobs.admit();
    const results = entries.map((entry) => this.storeOne(caller, target.scope, target.parentId, entry, parts.get(`file_${entry.index}`)));
    return { batchId: this.d.ids.opaqueId(OpaqueType.general), results, scope: target.scope };
  }

  private readManifest(raw: string): z.output<typeof manifestEntry>[] {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw Errors.invalidField('manifest', 'manifest is a JSON array of {index, filename, relative_path?, hash_algo?, hash?}.', 'string');
    }
    const entries = z.array(manifestEntry).min(1).max(BATCH_MAX_FILES).safeParse(parsed);
    if (!entries.success)
      throw Errors.invalidField('manifest', `manifest: ${entries.error.issues[0]?.message ?? 'not valid'} (1-${BATCH_MAX_FILES} entries).`, 'string');
    const seen = new Set<number>();
    for (const e of entries.data) {
      if (seen.has(e.index)) throw Errors.invalidField('manifest', `manifest index ${e.index} appears twice.`, 'string');
      seen.add(e.index);
    }
    return entries.data;
  }

  /** One file: stored, or an `error` entry carrying the code and text the single-file route would answer. */
  private storeOne(
    caller: Caller,
    scope: WorkspaceScope,
    folderId: string,
    entry: z.output<typeof manifestEntry>,
    part: UploadedFile | undefined,
  ): BatchResult {
    const result: BatchResult = {
      index: entry.index,
      filename: entry.filename,
      status: 'ok',
      upload_id: null,
      node_id: null,
      error_code: null,
      error_message: null,
    };
    try {
      const name = nodeName().safeParse(entry.filename);
      if (!name.success) throw Errors.invalidField('filename', name.error.issues[0]?.message ?? 'This name is not valid.', 'string');
      if (!part) throw Errors.missingField(`file_${entry.index}`);
      if (part.size > BATCH_MAX_FILE_BYTES)
        throw Errors.invalidField(`file_${entry.index}`, `A batch file holds at most ${BATCH_MAX_FILE_BYTES} bytes; upload larger files alone.`);
      verifyHash(part.data, entry.hash, entry.hash_algo);
      let parentId = folderId;
      // PARITY: CHOICE. relative_path folders are found by name or created (as createfolder without force).
      for (const seg of entry.relative_path === undefined ? [] : relativeSegments(entry.relative_path)) {
        parentId = this.nodes.createFolder(caller.user, scope, parentId, seg).id;
      }
      const now = this.d.now();
      const base = {
        id: this.d.ids.opaqueId(OpaqueType.upload),
        userId: caller.user.id,
        workspaceId: scope.workspace.id,
        orgId: scope.org.id,
        folderId: parentId,
        name: name.data,
        fileId: null,
        created: now,
        updated: now,
      };
      const { upload, node } = this.uploads.storeAtOnce(caller.user, { scope, parentId, target: undefined }, base, part.data, part.mimetype);
      result.upload_id = upload.id;
      result.node_id = node.id;
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      Object.assign(result, { status: 'error', upload_id: null, node_id: null, error_code: err.code, error_message: err.message });
    }
    return result;
  }
}
