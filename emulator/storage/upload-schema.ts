/**
 * Input schemas of the upload routes in upload-routes.ts and web-upload-routes.ts (the session's
 * own routes keep theirs in schema.ts).
 */
import { z } from 'zod';
import { formInt, lazy } from '../http/schema.js';
import { Errors } from '../http/errors.js';
import type { UploadedFile } from '../http/route.js';
import { nodeName, opaqueId } from './schema.js';

const hashFields = {
  hash: z.string().trim().max(200).optional(),
  hash_algo: z.string().trim().max(20).optional(),
};

/** A folder id or `root` (an upload target). */
const folderRef = () => z.union([z.literal('root'), opaqueId('2', 'a folder id or root')]);

/** PARITY: official client upload_limits_query: action, org, instance_id, folder_id, file_id. */
export const limitsQuery = lazy(() =>
  z.object({
    action: z.enum(['create', 'update']).optional(),
    org: z.string().trim().min(1).max(100).optional(),
    instance_id: z.string().trim().min(1).max(100).optional(),
    folder_id: folderRef().optional(),
    file_id: opaqueId('2', 'a file id').optional(),
  }),
);

export const extensionsQuery = lazy(() => z.object({ plan: z.string().trim().min(1).max(40).optional() }));

export const chunkDeleteQuery = lazy(() => z.object({ order: formInt({ min: 1, max: 10_000 }) }));

export const streamQuery = lazy(() => z.object(hashFields));

export const batchBody = lazy(() =>
  z.object({
    instance_id: z.string().trim().min(1).max(100),
    profile_type: z.enum(['workspace', 'share']).optional(),
    folder_id: folderRef().optional(),
    creator: z.string().trim().max(200).optional(),
    manifest: z.string().min(2).max(1_000_000),
  }),
);

/**
 * `POST /web_upload/`. PARITY: official client web_import: source_url, profile_id (the
 * workspace), profile_type, folder_id, file_name.
 */
export const webUploadBody = lazy(() =>
  z.object({
    source_url: z.string().trim().min(1).max(2048),
    profile_id: z.string().trim().min(1).max(100),
    profile_type: z.enum(['workspace', 'share']).optional(),
    folder_id: folderRef().optional(),
    file_name: z.string().optional(),
  }),
);

/** The statuses an import shows (web-upload.ts `webStatus`), as the official client's `web-list --status` takes them. */
export const WEB_STATUSES = ['pending', 'queued', 'downloading', 'uploading', 'complete', 'failed', 'canceled'] as const;
export type WebStatus = (typeof WEB_STATUSES)[number];

export const webListQuery = lazy(() =>
  z.object({
    limit: formInt({ min: 1, max: 500 }).optional(),
    offset: formInt({ min: 0 }).optional(),
    status: z.enum(WEB_STATUSES).optional(),
  }),
);

export const webCancelQuery = lazy(() => z.object({ id: opaqueId('5', 'a web upload id') }));
export const webUploadParams = lazy(() => z.object({ upload_id: opaqueId('5', 'a web upload id') }));

/** The one file part of a request, named `chunk` (or none: the content may come as a text field). */
export function chunkPart(files: readonly UploadedFile[]): UploadedFile | undefined {
  const stray = files.find((f) => f.field !== 'chunk');
  if (stray) throw Errors.invalidField(stray.field, 'Only the `chunk` part carries file content.');
  if (files.length > 1) throw Errors.invalidField('chunk', 'Send one `chunk` part.');
  return files[0];
}

/** A file part's own name, held to the same rules as the `name` field. */
export function checkedName(raw: string): string {
  const parsed = nodeName().safeParse(raw);
  if (!parsed.success) throw Errors.invalidField('name', parsed.error.issues[0]?.message ?? 'This name is not valid.', 'string');
  return parsed.data;
}
