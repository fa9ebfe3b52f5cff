/**
 * The URL import routes (`web_upload`, web-upload.ts). Both dialects create (`POST /web_upload/`)
 * and read one (`GET /web_upload/{id}/details/`); V2 lists at `GET /web_upload/` and cancels with
 * `DELETE /web_upload/?id=`, April lists at `GET /web_upload/list/` and cancels with `DELETE
 * /web_upload/{id}/` (official client src/api/upload.rs at 96b1551 and 41dde01).
 */
import { defineRoute } from '../http/define.js';
import { callerOf } from '../http/context.js';
import { formatTime } from '../http/format.js';
import type { Upload } from '../store/model.js';
import { webStatus } from './web-upload.js';
import { webCancelQuery, webListQuery, webUploadBody, webUploadParams } from './upload-schema.js';

const SOURCE = 'official client src/api/upload.rs web_import, web_import_status, web_list, web_cancel (96b1551, 41dde01); agent guide "URL Import"';
const HOSTS_CHOICE =
  'fetches only from loopback (127.0.0.0/8, ::1, localhost) unless --web-upload-hosts lists more hosts; any other host answers 400/1605 naming source_url; redirects only within the same origin (at most 5)';
const OWN_CHOICE = "another user's import (or an upload session's id) answers 404/1609";
const SHAPE_CHOICE =
  'an import is `web_upload: {id, source_url, name, status (queued -> downloading -> uploading -> complete, or failed / canceled: the live set the client filters by; `pending` is never shown), status_message, size, new_file_id, instance_id, profile_type, folder_id, created, updated}`';

/** One import as the routes answer it. PARITY: CHOICE (the client renders the answer as it comes). */
export function webUploadJson(u: Upload): Record<string, unknown> {
  return {
    id: u.id,
    source_url: u.web?.url ?? null,
    name: u.name,
    status: webStatus(u.status),
    status_message: u.error,
    size: u.web?.fetchedBytes ?? 0,
    new_file_id: u.newFileId,
    instance_id: u.workspaceId,
    profile_type: 'workspace',
    folder_id: u.folderId,
    created: formatTime(u.created),
    updated: formatTime(u.updated),
  };
}

const listRoute = (path: string, dialect: 'v2' | '2026-04') =>
  defineRoute({
    method: 'GET',
    path,
    dialects: [dialect],
    area: 'storage',
    summary: "The caller's URL imports, newest first (`limit`, `offset`, `status`)",
    query: webListQuery,
    parity: {
      status: 'implemented',
      source: SOURCE,
      choices: [
        'answers `results` (the total matching), `web_uploads[]`; limit 1-500 (100 by default); status one of pending, queued, downloading, uploading, complete, failed, canceled (else 400/1605)',
        'April lists at /web_upload/list/, V2 at /web_upload/',
        SHAPE_CHOICE,
      ],
    },
    handler: (ctx, { query }, emu) => {
      const { total, uploads } = emu.storage.webUploads.list(callerOf(ctx).user, query);
      return { results: total, web_uploads: uploads.map(webUploadJson) };
    },
  });

export const storageWebUploadRoutes = [
  defineRoute({
    method: 'POST',
    path: '/current/web_upload/',
    area: 'storage',
    summary: 'Import a file from a URL into a workspace folder (`source_url`, `profile_id`, `folder_id`, `file_name`); fetched in the background',
    body: webUploadBody,
    parity: {
      status: 'implemented',
      source: SOURCE,
      choices: [
        HOSTS_CHOICE,
        'answers `id` and `web_upload` (status queued); details/ shows it fetched and stored',
        'the name is file_name, else the last segment of the URL path, else "download"',
        'a non-2xx answer, a redirect to another origin, more bytes than the plan file size (or 100 MiB), no bytes or 30 s without finishing end failed with status_message; storing re-checks the plan storage, the folder and the caller’s write access (failed)',
        'profile_type=share is resolved with the other upload targets (uploads.ts resolveUploadTarget)',
        'no bandwidth is charged for an import',
      ],
    },
    handler: (ctx, { body }, emu) => {
      const upload = emu.storage.webUploads.create(callerOf(ctx), body);
      ctx.tenantResolved(upload.orgId);
      return { id: upload.id, web_upload: webUploadJson(upload) };
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/current/web_upload/:upload_id/details/',
    area: 'storage',
    summary: 'One URL import under `web_upload`',
    params: webUploadParams,
    parity: { status: 'implemented', source: SOURCE, choices: [OWN_CHOICE, SHAPE_CHOICE] },
    handler: (ctx, { params }, emu) => ({ web_upload: webUploadJson(emu.storage.webUploads.own(callerOf(ctx).user, params.upload_id)) }),
  }),

  listRoute('/current/web_upload/', 'v2'),
  listRoute('/current/web_upload/list/', '2026-04'),

  defineRoute({
    method: 'DELETE',
    path: '/current/web_upload/',
    dialects: ['v2'],
    area: 'storage',
    summary: 'Cancel a URL import (`?id=`): a fetch in flight stops; a stored file stays',
    query: webCancelQuery,
    parity: {
      status: 'implemented',
      source: SOURCE,
      choices: ['an import not ended stops and shows canceled (answered under `web_upload`); one that ended answers 409/1660', OWN_CHOICE],
    },
    handler: (ctx, { query }, emu) => ({ web_upload: webUploadJson(emu.storage.webUploads.cancel(callerOf(ctx).user, query.id)) }),
  }),

  defineRoute({
    method: 'DELETE',
    path: '/current/web_upload/:upload_id/',
    dialects: ['2026-04'],
    area: 'storage',
    summary: 'Cancel a URL import: a fetch in flight stops; a stored file stays',
    params: webUploadParams,
    parity: {
      status: 'implemented',
      source: SOURCE,
      choices: ['an import not ended stops and shows canceled (answered under `web_upload`); one that ended answers 409/1660', OWN_CHOICE],
    },
    handler: (ctx, { params }, emu) => ({ web_upload: webUploadJson(emu.storage.webUploads.cancel(callerOf(ctx).user, params.upload_id)) }),
  }),
];
