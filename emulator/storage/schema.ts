import { z } from 'zod';
import { displayName, formBool, formInt, lazy, text } from '../http/schema.js';
import { normalizeOpaqueId } from '../store/ids.js';

/**
 * PARITY: CHOICE. Node names are 1-255 characters with no `/`, `\`, and are not `.` or `..`;
 * surrounding whitespace is trimmed, and `displayName` normalises them to NFC and refuses control,
 * zero-width and bidi characters. The live rules are not published; these
 * refuse path traversal (`../../etc`) and names no file system could hold.
 */
export const NODE_NAME_MAX = 255;

export function nodeName(max = NODE_NAME_MAX) {
  return displayName({ min: 1, max })
    .refine((v) => !/[/\\]/.test(v), 'A name must not contain "/" or "\\".')
    .refine((v) => v !== '.' && v !== '..', 'A name must not be "." or "..".');
}

/** An opaque id of one type, accepted in its display form (hyphens, upper case) too. */
export function opaqueId(type: string, what: string) {
  const pattern = new RegExp(`^${type}[0-9a-z]{28,29}$`);
  return z
    .string()
    .max(100)
    .transform(normalizeOpaqueId)
    .pipe(z.string().regex(pattern, `Expected ${what}.`));
}

/** A node id, `root` or `trash` in a storage path (each route narrows what it accepts). */
function nodeRef() {
  return z
    .string()
    .max(100)
    .transform((s) => (s === 'root' || s === 'trash' ? s : normalizeOpaqueId(s)))
    .pipe(z.string().regex(/^(root|trash|2[0-9a-z]{28,29})$/, 'Expected a node id, "root" or "trash".'));
}

export const workspaceNodeParams = lazy(() => z.object({ workspace_id: z.string().min(1).max(100), node_id: nodeRef() }));

/**
 * PARITY: official client src/api/storage.rs:66-70 and :161-178 (`get_bulk_node_details`): the
 * details path takes up to 25 comma-joined node ids (`{id1},{id2}/details/`, commas not encoded);
 * more answer 400/115519.
 */
export const BULK_DETAILS_MAX_IDS = 25;

/**
 * `node_id` of the details route: one node reference (a string, checked as everywhere else), or
 * the bulk form, a comma-joined list (an array of the raw ids; each is judged on its own row).
 */
export const nodeDetailsParams = lazy(() =>
  z.object({
    workspace_id: z.string().min(1).max(100),
    node_id: z
      .string()
      .max(BULK_DETAILS_MAX_IDS * 40)
      .transform((v, ctx): string | string[] => {
        if (v.includes(',')) return v.split(',');
        const one = nodeRef().safeParse(v);
        if (one.success) return one.data;
        for (const issue of one.error.issues) ctx.addIssue({ code: 'custom', message: issue.message });
        return z.NEVER;
      }),
  }),
);

/** A bulk-details id as the caller sent it, normalised (or undefined when it is no node id). */
export function bulkNodeId(raw: string): string | undefined {
  const parsed = nodeRef().safeParse(raw.trim());
  return parsed.success && parsed.data !== 'root' && parsed.data !== 'trash' ? parsed.data : undefined;
}

export const uploadParams = lazy(() => z.object({ upload_id: opaqueId('5', 'an upload id') }));

/**
 * PARITY: listing takes the project's `limit`/`offset` and the official client's `page_size`
 * (100, 250 or 500: commands/files.rs validate_page_size), `cursor`, `sort_by` (name, updated,
 * created, type) and `sort_dir` (src/api/storage.rs list_files). CHOICE: another page_size answers
 * 400/1605; `size` and `modified` sort too.
 */
export const PAGE_SIZES = [100, 250, 500] as const;
export const listQuery = lazy(() =>
  z.object({
    limit: formInt({ min: 1, max: 500 }).optional(),
    page_size: formInt({ min: 1, max: 500 })
      .refine((v) => (PAGE_SIZES as readonly number[]).includes(v), 'page_size must be 100, 250 or 500.')
      .optional(),
    offset: formInt({ min: 0 }).optional(),
    cursor: z.string().min(1).max(1000).optional(),
    sort_by: z.enum(['name', 'created', 'modified', 'updated', 'size', 'type']).optional(),
    sort_dir: z.enum(['asc', 'desc']).optional(),
  }),
);
export type ListOptions = z.output<ReturnType<typeof listQuery>>;

export const createFolderBody = lazy(() => z.object({ name: nodeName(), force: formBool().optional() }));

/** PARITY: agent guide v1.29 "Notes": `name` ends in `.md`, at most 100 characters; `content` at most 100 KB. */
export const NOTE_MAX_BYTES = 100 * 1024;
const noteName = () => nodeName(100).refine((v) => /\.md$/i.test(v), 'A note name must end in ".md".');
// Not trimmed: the note is stored as written. Control characters other than tab and line
// breaks are stripped (agent guide), NUL included.
const noteContent = () =>
  z
    .string()
    .transform((v) => v.replace(/[\p{Cc}]/gu, (c) => (c === '\t' || c === '\n' || c === '\r' ? c : '')))
    .refine((v) => Buffer.byteLength(v, 'utf8') <= NOTE_MAX_BYTES, `A note holds at most ${NOTE_MAX_BYTES} bytes.`);
export const createNoteBody = lazy(() => z.object({ name: noteName(), content: noteContent() }));
/** PARITY: official client 41dde01 src/api/workspace.rs create_note: a JSON body, `content` optional (an empty note). */
export const aprilCreateNoteBody = lazy(() => z.object({ name: noteName(), content: noteContent().optional() }));

/**
 * `POST /current/upload/`: the official client's fields (src/api/upload.rs). With a `chunk` file
 * part it is a single-call upload; without, it opens a chunked session.
 */
export const uploadCreateBody = lazy(() =>
  z.object({
    name: nodeName().optional(),
    size: formInt({ min: 0, max: 2 ** 50 }).optional(),
    // PARITY: agent guide v2.6 "Storage overwrite & versioning": `action=update` with `file_id`
    // stores a new version of that file (folder_id ignored; `name` optional, a rename on replace).
    action: z.enum(['create', 'update']).optional(),
    file_id: opaqueId('2', 'a file id').optional(),
    instance_id: z.string().trim().min(1).max(100),
    profile_type: z.enum(['workspace', 'share']).optional(),
    folder_id: nodeRef().optional(),
    org: z.string().max(100).optional(),
    // PARITY: CHOICE. A text field named chunk (not a file part) carries the content as UTF-8.
    chunk: z.string().optional(),
    // PARITY: official client src/api/upload.rs create_stream_session: `stream=true`, no `size`, optional `max_size`.
    stream: formBool().optional(),
    max_size: formInt({ min: 1, max: 2 ** 50 }).optional(),
    // PARITY: agent guide "Optional Integrity Hashing": a whole-file hash may come with the session.
    hash: z.string().trim().max(200).optional(),
    hash_algo: z.string().trim().max(20).optional(),
    // PARITY: 96b1551 src/api/upload.rs writeback_form_fields: a fileshare write-back's compare-and-swap precondition.
    if_version_id: opaqueId('3', 'a version id').optional(),
  }),
);
export type UploadInput = z.output<ReturnType<typeof uploadCreateBody>>;

/** PARITY: chunk `order` is 1-based (agent guide v1.29 "Large Files"); the 10,000 cap is CHOICE. */
export const chunkQuery = lazy(() =>
  z.object({
    order: formInt({ min: 1, max: 10_000 }),
    size: formInt({ min: 0, max: 2 ** 50 }).optional(),
    // PARITY: agent guide "Optional Integrity Hashing": `hash` + `hash_algo` on each chunk.
    hash: z.string().trim().max(200).optional(),
    hash_algo: z.string().trim().max(20).optional(),
  }),
);

/** A chunk travels as a multipart file part; a text field `chunk` is accepted too. */
export const chunkBody = lazy(() =>
  z.object({ chunk: z.string().optional(), hash: z.string().trim().max(200).optional(), hash_algo: z.string().trim().max(20).optional() }),
);

export const uploadDetailsQuery = lazy(() => z.object({ wait: formInt({ min: 0, max: 60 }).optional() }));

/** `readnote/?version_id=`: the current version when absent. */
export const readNoteQuery = lazy(() => z.object({ version_id: opaqueId('3', 'a version id').optional() }));

/** PARITY: official client src/api/workspace.rs build_update_note_form: form fields, at least one of name/content. */
export const updateNoteBody = lazy(() =>
  z.object({
    name: noteName().optional(),
    content: noteContent().optional(),
    if_version_id: opaqueId('3', 'a version id').optional(),
  }),
);

/** PARITY: official client src/api/storage.rs version_restore: `version_id` is a body field. */
export const restoreVersionBody = lazy(() => z.object({ version_id: opaqueId('3', 'a version id') }));

/**
 * PARITY: official client src/api/storage.rs add_file: `name` and `from`, a JSON string,
 * `{"type":"upload","upload":{"id":…}}` or `{"type":"hash","hash":{"hash":…,"hash_type":"sha256"}}`.
 */
const addFileSource = z.discriminatedUnion('type', [
  z.object({ type: z.literal('upload'), upload: z.object({ id: opaqueId('5', 'an upload id') }) }),
  z.object({ type: z.literal('hash'), hash: z.object({ hash: z.string().min(1).max(200), hash_type: z.string().min(1).max(20) }) }),
]);
export const addFileBody = lazy(() =>
  z.object({
    name: nodeName(),
    from: z
      .string()
      .max(2000)
      .transform((v, ctx) => {
        try {
          return JSON.parse(v) as unknown;
        } catch {
          ctx.addIssue({ code: 'custom', message: 'Expected a JSON object.' });
          return z.NEVER;
        }
      })
      .pipe(addFileSource),
  }),
);
export type AddFileSource = z.output<typeof addFileSource>;

export const readQuery = lazy(() => z.object({ token: z.string().min(1).max(2000).optional(), version_id: z.string().max(100).optional() }));

/** PARITY: official client 96b1551 src/api/search.rs: `search` (at most 1,024 characters) and per-bucket offset/limit. */
export const unifiedSearchQuery = lazy(() => {
  const limit = () => formInt({ min: 1, max: 100 }).optional();
  const offset = () => formInt({ min: 0, max: 1_000_000 }).optional();
  return z.object({
    search: text({ min: 1, max: 1024 }),
    files_offset: offset(),
    files_limit: limit(),
    metadata_offset: offset(),
    metadata_limit: limit(),
    comments_offset: offset(),
    comments_limit: limit(),
  });
});

// ---- node operations (node-ops.ts, locks.ts)

/** PARITY: official client src/api/storage.rs move_node / copy_node: the target folder is the body field `parent`. */
export const parentBody = lazy(() => z.object({ parent: nodeRef() }));

/**
 * PARITY: official client src/api/storage.rs update_node (96b1551): `name`, `from` (a JSON source,
 * as addfile's), `metadata_title` (at most 50), `metadata_short` (at most 2048); at least one;
 * April's rename_node sends `name` only. The literal `null` or "" clears a metadata field.
 */
export const updateNodeBody = lazy(() =>
  z.object({
    name: nodeName().optional(),
    from: addFileBody().shape.from.optional(),
    metadata_title: z.string().max(50).optional(),
    metadata_short: z.string().max(2048).optional(),
  }),
);

/** PARITY: official client src/api/storage.rs transfer_node: `target_workspace_id`. */
export const transferBody = lazy(() => z.object({ target_workspace_id: z.string().trim().min(1).max(100) }));

/** PARITY: official client src/api/storage.rs list_recent: `page_size`, `cursor`, `type` (file, folder, link, note). */
export const recentQuery = lazy(() =>
  listQuery()
    .pick({ page_size: true, limit: true, offset: true, cursor: true })
    .extend({ type: z.enum(['file', 'folder', 'link', 'note']).optional() }),
);

/** April's `versions/{version_id}/restore/` (official client 41dde01 src/api/storage.rs version_restore). */
export const versionPathParams = lazy(() =>
  z.object({ workspace_id: z.string().min(1).max(100), node_id: nodeRef(), version_id: opaqueId('3', 'a version id') }),
);

/** PARITY: lock_acquire_form: `duration` 60-3600 seconds, `client_info` a JSON object. */
export const lockAcquireBody = lazy(() =>
  z.object({
    duration: formInt({ min: 60, max: 3600 }).optional(),
    client_info: z
      .string()
      .max(2000)
      .transform((v, ctx) => {
        try {
          const parsed = JSON.parse(v) as unknown;
          if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
        } catch {
          // refused below
        }
        ctx.addIssue({ code: 'custom', message: 'Expected a JSON object.' });
        return z.NEVER;
      })
      .optional(),
  }),
);

/** `lock_token` (release, heartbeat). */
export const lockTokenBody = lazy(() => z.object({ lock_token: z.string().trim().min(1).max(200) }));
