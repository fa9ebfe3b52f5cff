/**
 * The upload routes beyond open/chunk/complete/details/delete (routes.ts): limits, extensions and
 * hash algorithms, the caller's session list and cancel-all, one session's chunks, the single-call
 * stream and the batch. The service resolves the target workspace from the body or the session, so
 * these routes declare no `access`: a foreign target answers as `POST /upload/` does.
 */
import { defineRoute } from '../http/define.js';
import { callerOf } from '../http/context.js';
import { HASH_ALGOS, RESTRICTED_EXTENSIONS, planNamed } from './upload-limits.js';
import { uploadJson } from './format.js';
import { batchBody, chunkDeleteQuery, extensionsQuery, limitsQuery, streamQuery } from './upload-schema.js';
import { uploadParams } from './schema.js';

const UPLOAD_SOURCE = 'official client src/api/upload.rs (96b1551 and 41dde01); agent guide "File Uploads"';
const OWN_SESSION_CHOICE = "another user's session answers 404/1609 (as if absent)";
const STILL_WRITES_CHOICE = "the session's owner must still be able to write to its workspace: a removed member answers 401/10545, a lowered role 403/1680";

const extensionsRoute = (path: string, dialect: 'v2' | '2026-04') =>
  defineRoute({
    method: 'GET',
    path,
    dialects: [dialect],
    area: 'storage',
    summary: 'The file extensions a plan refuses (`plan` names one; default: the plan of the caller’s new orgs)',
    query: extensionsQuery,
    parity: {
      status: 'implemented',
      source: UPLOAD_SOURCE,
      choices: [
        'answers `plan` and `restricted_extensions: []`: the emulator refuses no extension (the live list is not published)',
        'an unknown plan answers 404/1609',
        'April names the route /upload/extensions/, V2 /upload/limits/extensions/',
      ],
    },
    handler: (ctx, { query }, emu) => {
      const plan = planNamed(emu.plans, query.plan, emu.plans.defaults.new_org[callerOf(ctx).user.accountType]);
      return { plan: plan.id, restricted_extensions: [...RESTRICTED_EXTENSIONS] };
    },
  });

export const storageUploadRoutes = [
  defineRoute({
    method: 'GET',
    path: '/current/upload/limits/',
    area: 'storage',
    summary: 'Upload limits (file size, chunk size, storage, batch) of a plan, or of the org an upload target belongs to',
    query: limitsQuery,
    parity: {
      status: 'implemented',
      source: UPLOAD_SOURCE,
      choices: [
        'answers `limits: {plan, max_file_size, single_call_max_size, chunk_size, max_chunk_size, max_chunks, parallel_chunks, storage, batch_max_files, batch_max_file_size, batch_max_body_size, hash_algos}` in bytes, null = unlimited; with an org known also `org`, `storage_used`, `storage_available`',
        '`action=create|update` needs `instance_id` (and `file_id` for update), resolved like an upload target (foreign workspace 401/10545)',
        'without action: the org `org` names (a member of it), else the plan the caller’s new orgs start on',
      ],
    },
    handler: (ctx, { query }, emu) => ({ limits: emu.storage.uploadLimits(callerOf(ctx), query) }),
  }),

  extensionsRoute('/current/upload/limits/extensions/', 'v2'),
  extensionsRoute('/current/upload/extensions/', '2026-04'),

  defineRoute({
    method: 'GET',
    path: '/current/upload/algos/',
    dialects: ['v2'],
    area: 'storage',
    summary: 'The hash algorithms an upload can be checked with (`hash_algo`)',
    parity: {
      status: 'implemented',
      source: 'official client 96b1551 src/api/upload.rs algos ({ "algos": [...] }), BatchUploadItem.hash_algo',
      choices: ['md5, sha1, sha256, sha384; a `hash` without `hash_algo` is sha256; a digest that differs answers 400/1605 naming `hash`'],
    },
    handler: () => ({ algos: [...HASH_ALGOS] }),
  }),

  defineRoute({
    method: 'GET',
    path: '/current/upload/details/',
    area: 'storage',
    summary: "The caller's upload sessions (every status, until deleted), newest first",
    parity: {
      status: 'implemented',
      source: UPLOAD_SOURCE,
      choices: [
        'answers `results` (count) and `sessions[]` shaped as details/ `session`',
        'only the caller’s own sessions; URL imports are listed by /web_upload/',
        'a session into a workspace the caller can no longer read (a removed member) is not listed: its file names and ids are that workspace’s',
      ],
    },
    handler: (ctx, _input, emu) => {
      const caller = callerOf(ctx);
      const readable = (workspaceId: string): boolean => {
        try {
          emu.access.workspace(caller, workspaceId, 'workspace.storage.read');
          return true;
        } catch {
          return false;
        }
      };
      const sessions = emu.storage.sessions.list(caller.user, { kind: 'upload' }).filter((u) => readable(u.workspaceId));
      return { results: sessions.length, sessions: sessions.map(uploadJson) };
    },
  }),

  defineRoute({
    method: 'DELETE',
    path: '/current/upload/',
    area: 'storage',
    summary: 'Cancel every unfinished upload session of the caller (ready, uploading, assembling, complete, storing)',
    parity: {
      status: 'implemented',
      source: UPLOAD_SOURCE,
      choices: ['answers `cancelled` (count); stored and failed sessions stay until deleted one by one', 'one upload_session_deleted event per session'],
    },
    handler: (ctx, _input, emu) => ({ cancelled: emu.storage.sessions.cancelAll(callerOf(ctx).user) }),
  }),

  defineRoute({
    method: 'GET',
    path: '/current/upload/:upload_id/chunk/',
    area: 'storage',
    summary: "A session's chunks: order -> bytes, bytes received and the declared size",
    params: uploadParams,
    parity: {
      status: 'implemented',
      source: UPLOAD_SOURCE,
      choices: ['answers `id`, `status`, `size`, `received`, `chunks` (order -> bytes)', OWN_SESSION_CHOICE],
    },
    handler: (ctx, { params }, emu) => {
      const { upload, chunks, received } = emu.storage.sessions.chunks(callerOf(ctx).user, params.upload_id);
      return { id: upload.id, status: upload.status, size: upload.size, received, chunks };
    },
  }),

  defineRoute({
    method: 'DELETE',
    path: '/current/upload/:upload_id/chunk/',
    area: 'storage',
    summary: 'Delete one chunk (`order`) of a session so it can be sent again',
    params: uploadParams,
    query: chunkDeleteQuery,
    parity: {
      status: 'implemented',
      source: UPLOAD_SOURCE,
      choices: [
        'only while the session takes chunks (ready/uploading), else 409/1660',
        'an order the session does not hold answers 404/1609',
        'the last chunk deleted puts the session back to ready',
        OWN_SESSION_CHOICE,
        STILL_WRITES_CHOICE,
      ],
    },
    handler: (ctx, { params, query }, emu) => {
      const upload = emu.storage.sessions.deleteChunk(callerOf(ctx), params.upload_id, query.order);
      ctx.tenantResolved(upload.orgId);
      return { session: uploadJson(upload) };
    },
  }),

  defineRoute({
    method: 'POST',
    path: '/current/upload/:upload_id/stream/',
    area: 'storage',
    summary: 'Send the whole file of a streaming session (`stream=true`) as the raw body; the session finalises on its own',
    params: uploadParams,
    query: streamQuery,
    rawBody: true,
    files: true,
    parity: {
      status: 'implemented',
      source: 'official client src/api/upload.rs create_stream_session, stream_upload',
      choices: [
        'answers `id`, `status` (assembling) and `new_file_id: null`; details/ shows it stored after the background steps (--ingest-delay-ms)',
        'a body past `max_size` answers 400/1605 naming max_size; past the plan file size or storage 402/1685; empty 400/1605; the session stays ready',
        'a second stream answers 409/1660; chunks to a streaming session 400/1605',
        '`hash` + `hash_algo` in the query are checked (400/1605 naming hash)',
        'bodies up to the emulator’s --upload-limit (8 MiB by default) are taken; larger answer 413',
        OWN_SESSION_CHOICE,
        STILL_WRITES_CHOICE,
      ],
    },
    handler: (ctx, { params, query, files }, emu) => {
      const upload = emu.storage.sessions.stream(callerOf(ctx), params.upload_id, files, query.hash, query.hash_algo);
      ctx.tenantResolved(upload.orgId);
      return { id: upload.id, status: upload.status, new_file_id: upload.newFileId };
    },
  }),

  defineRoute({
    method: 'POST',
    path: '/current/upload/batch/',
    area: 'storage',
    summary: 'Upload up to 200 small files in one multipart request (`manifest` + parts `file_{index}`); per-file results',
    body: batchBody,
    files: true,
    parity: {
      status: 'implemented',
      source: 'official client src/api/upload.rs upload_batch, parse_batch_response, validate_relative_path',
      choices: [
        'answers at top level: batch_id, count_total, count_succeeded, count_errored, results[{index, filename, status: ok|error, upload_id, node_id, error_code, error_message}]',
        'a file that fails (bad name, over 4 MiB, hash mismatch, plan limit 402/1685, name clash 409/1660, missing part) is an error entry with its code; the others are stored; HTTP 200',
        'no write access, a bad manifest (not a JSON array of 1-200 entries, a repeated index) or a part without a manifest entry refuse the whole batch (4xx)',
        'relative_path folders are found by name or created under folder_id',
        'the emulator’s multipart limit (--upload-limit, 8 MiB by default) bounds one batch request, below the live 100 MB',
      ],
    },
    handler: (ctx, { body, files }, emu) => {
      const { batchId, results, scope } = emu.storage.batches.batch(callerOf(ctx), body, files);
      ctx.tenantResolved(scope.org.id);
      const ok = results.filter((r) => r.status === 'ok').length;
      return { batch_id: batchId, count_total: results.length, count_succeeded: ok, count_errored: results.length - ok, results };
    },
  }),
];
