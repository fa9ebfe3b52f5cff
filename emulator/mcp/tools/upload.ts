/**
 * `upload`: bytes come from `content` (UTF-8 text), `content_base64`, or a `blob_id` staged
 * through `POST /blob`; every step is a REST call of the upload routes. PARITY: agent guide v2.6
 * section 5 "Upload strategy", "Batch-upload semantic traps"; client tools.rs `upload`.
 */
import type { FilePart } from '../dispatch.js';
import { answer, call, fail, invalid, ok, profileOf, rest, str, type ActionSpec, type Args, type ToolCtx, type ToolResult, type ToolSpec } from '../kit.js';

/** The single-call upload limit of `POST /current/upload/` (storage/routes.ts: 4 MiB). */
const SINGLE_CALL_MAX = 4 * 1024 * 1024;
const BATCH_MAX_FILES = 200;
const BATCH_MAX_TOTAL = 100 * 1024 * 1024;

function bytesOf(ctx: ToolCtx, a: Args): { data?: Buffer; error?: ToolResult } {
  const given = ['content', 'content_base64', 'blob_id'].filter((k) => a[k] !== undefined);
  if (given.length > 1) return { error: invalid(ctx, `Pass one of content, content_base64 or blob_id (got ${given.join(', ')}).`) };
  if (typeof a.content === 'string') return { data: Buffer.from(a.content, 'utf8') };
  if (typeof a.content_base64 === 'string') return { data: Buffer.from(a.content_base64, 'base64') };
  const id = str(a, 'blob_id');
  if (id) {
    const blob = ctx.session.takeBlob(id);
    if (!blob) return { error: invalid(ctx, `Blob ${id} was not found in this session: blobs are single use and expire after 5 minutes.`) };
    return { data: blob.data };
  }
  return { error: invalid(ctx, 'Missing the bytes: pass blob_id (POST /blob), content (text) or content_base64.') };
}

function destination(a: Args): Record<string, string | undefined> {
  const { type, id } = profileOf(a);
  const target = str(a, 'target_node_id');
  return {
    instance_id: id,
    profile_type: type,
    folder_id: str(a, 'parent_node_id', 'folder_id'),
    ...(target ? { action: 'update', file_id: target } : {}),
  };
}

export function blobUpload(ctx: ToolCtx): Record<string, unknown> | undefined {
  if (!ctx.mcpUrl) return undefined;
  const url = `${ctx.mcpUrl}/blob`;
  return {
    url,
    method: 'POST',
    headers: { 'Mcp-Session-Id': ctx.session.id },
    curl: `curl -X POST ${url} -H 'Mcp-Session-Id: ${ctx.session.id}' --data-binary @FILE`,
  };
}

/** Store one file's bytes: one call up to 4 MiB, else a session of 4 MiB chunks, completed. */
async function store(ctx: ToolCtx, a: Args, name: string, data: Buffer): Promise<ToolResult> {
  const dest = destination(a);
  const file = (d: Buffer): FilePart => ({ field: 'chunk', name, data: d });
  if (data.length <= SINGLE_CALL_MAX) {
    const res = await call(ctx, { method: 'POST', path: '/upload/', form: { ...dest, name, size: data.length }, file: file(data) });
    if (res.status !== 200) return answer(ctx, res);
    return ok(
      ctx,
      { upload_id: res.body?.id, node_id: res.body?.new_file_id ?? null, size: data.length, name },
      { next: [`storage action=details node_id=${String(res.body?.new_file_id)}`] },
    );
  }
  const open = await call(ctx, { method: 'POST', path: '/upload/', form: { ...dest, name, size: data.length } });
  if (open.status !== 200) return answer(ctx, open);
  const id = open.body?.id as string;
  for (let i = 0, order = 1; i < data.length; i += SINGLE_CALL_MAX, order++) {
    const part = data.subarray(i, i + SINGLE_CALL_MAX);
    const res = await call(ctx, { method: 'POST', path: `/upload/${id}/chunk/`, query: { order, size: part.length }, file: file(part) });
    if (res.status !== 200) return answer(ctx, res);
  }
  return finish(ctx, id);
}

/** Complete a session and wait for its end; a byte count that differs from `size` is 10522. */
async function finish(ctx: ToolCtx, id: string): Promise<ToolResult> {
  const done = await call(ctx, { method: 'POST', path: `/upload/${id}/complete/` });
  if (done.status !== 200) return answer(ctx, done);
  let session: Record<string, unknown> = {};
  for (let i = 0; i < 10; i++) {
    const res = await call(ctx, { method: 'GET', path: `/upload/${id}/details/`, query: { wait: 10 } });
    if (res.status !== 200) return answer(ctx, res);
    session = (res.body?.session ?? {}) as Record<string, unknown>;
    const status = String(session.status ?? '');
    if (status === 'stored' || status.endsWith('_failed')) break;
  }
  const status = String(session.status ?? '');
  if (status === 'assembly_failed') {
    // PARITY: agent guide v2.6 section 5: "mismatch fails finalize with code 10522 and forces a session cancel".
    return fail(
      ctx,
      400,
      10522,
      `${String(session.status_message ?? 'The chunks do not match the declared size.')} The session cannot recover: upload action=cancel upload_id=${id}, then retry (prefer stream-upload).`,
    );
  }
  if (status.endsWith('_failed')) return fail(ctx, 400, 1605, String(session.status_message ?? status));
  return ok(ctx, { upload_id: id, status, node_id: session.new_file_id ?? null }, { next: ['storage action=details node_id=<node_id>'] });
}

const streamUpload: ActionSpec = {
  summary: 'Upload one file in one call, size detected, finalized automatically (blob_id, content or content_base64)',
  params: ['profile_type', 'profile_id', 'filename', 'parent_node_id', 'target_node_id', 'blob_id', 'content', 'content_base64'],
  required: ['profile_id', 'filename'],
  async run(ctx, a) {
    const name = str(a, 'filename', 'name');
    if (!name) return invalid(ctx, 'Missing required parameter: filename');
    if (!profileOf(a).id) return invalid(ctx, 'Missing required parameter: profile_id');
    const { data, error } = bytesOf(ctx, a);
    return error ?? store(ctx, a, name, data!);
  },
};

const createSession: ActionSpec = {
  summary: 'Open a chunked session with the exact filesize (POST /current/upload/ without bytes)',
  params: ['profile_type', 'profile_id', 'filename', 'filesize', 'parent_node_id', 'target_node_id'],
  required: ['profile_id', 'filename', 'filesize'],
  async run(ctx, a) {
    const res = await call(ctx, {
      method: 'POST',
      path: '/upload/',
      form: { ...destination(a), name: str(a, 'filename', 'name'), size: str(a, 'filesize', 'size') },
    });
    if (res.status !== 200) return answer(ctx, res);
    const out: Record<string, unknown> = { upload_id: res.body?.id };
    const blob = blobUpload(ctx);
    if (blob) out.blob_upload = blob;
    return ok(ctx, out, {
      next: [
        `POST the bytes to /blob, then upload action=chunk upload_id=${String(res.body?.id)} blob_id=<blob_id>`,
        `upload action=finalize upload_id=${String(res.body?.id)}`,
      ],
      warnings: ['filesize must match the bytes exactly, or finalize fails with 10522.'],
    });
  },
};

const chunk: ActionSpec = {
  summary: 'Add a chunk (order from 1) to a chunked session',
  params: ['upload_id', 'order', 'blob_id', 'content', 'content_base64'],
  required: ['upload_id'],
  async run(ctx, a) {
    const id = str(a, 'upload_id');
    if (!id) return invalid(ctx, 'Missing required parameter: upload_id');
    const { data, error } = bytesOf(ctx, a);
    if (error) return error;
    const res = await call(ctx, {
      method: 'POST',
      path: `/upload/${encodeURIComponent(id)}/chunk/`,
      query: { order: str(a, 'order') ?? '1', size: data!.length },
      file: { field: 'chunk', name: 'chunk', data: data! },
    });
    return answer(ctx, res, { next: [`upload action=finalize upload_id=${id}`] });
  },
};

const batch: ActionSpec = {
  summary: 'Several small files in one call: files[] of {filename, blob_id|content|content_base64, folder_id?}; partial success is a success',
  params: ['profile_type', 'profile_id', 'folder_id', 'files'],
  required: ['profile_id', 'files'],
  async run(ctx, a) {
    let files = a.files;
    if (typeof files === 'string') {
      try {
        files = JSON.parse(files);
      } catch {
        return invalid(ctx, 'files must be a JSON array of {filename, blob_id|content|content_base64}.');
      }
    }
    if (!Array.isArray(files) || files.length === 0) return invalid(ctx, 'files must be a non-empty array.');
    if (files.length > BATCH_MAX_FILES) return invalid(ctx, `A batch holds at most ${BATCH_MAX_FILES} files.`);
    // CHOICE: the batch fans out as one REST single-call upload per item (each through the whole
    // pipeline), answering the guide's partial-success shape; items are checked before any is sent.
    const items = files.map((f) => (typeof f === 'object' && f !== null ? (f as Args) : {}));
    const results: Record<string, unknown>[] = [];
    let total = 0;
    for (const [i, item] of items.entries()) {
      const name = str(item, 'filename', 'name');
      const { data, error } = bytesOf(ctx, item);
      if (!name || error) {
        results.push({
          index: i,
          filename: name ?? null,
          status: 'error',
          retryable: false,
          error: name ? error!.structuredContent!.error : { code: 1605, text: 'filename is required' },
        });
        continue;
      }
      total += data!.length;
      if (data!.length > SINGLE_CALL_MAX || total > BATCH_MAX_TOTAL) {
        results.push({
          index: i,
          filename: name,
          status: 'error',
          retryable: false,
          error: { code: 1605, text: 'Batch files are at most 4 MB each and 100 MB in all.' },
        });
        continue;
      }
      const r = await store(ctx, { ...a, folder_id: str(item, 'folder_id') ?? str(a, 'folder_id') }, name, data!);
      const sc = r.structuredContent ?? {};
      results.push(
        r.isError
          ? { index: i, filename: name, status: 'error', retryable: Number(sc.status) === 429 || Number(sc.status) >= 500, error: sc.error }
          : { index: i, filename: name, status: 'ok', node_id: sc.node_id ?? null },
      );
    }
    const errored = results.filter((r) => r.status === 'error').length;
    return ok(
      ctx,
      { results, count_ok: results.length - errored, count_errored: errored, all_failed: errored === results.length },
      errored ? { warnings: ['Some files failed: retry only the errored entries, not the whole batch.'] } : {},
    );
  },
};

const text: ActionSpec = {
  summary: 'Upload text content as a file (a .md this way is a File, not a Note)',
  params: ['profile_type', 'profile_id', 'filename', 'content', 'parent_node_id'],
  required: ['profile_id', 'filename', 'content'],
  run: (ctx, a) => streamUpload.run(ctx, { ...a, blob_id: undefined, content_base64: undefined }),
};

export const uploadTool: ToolSpec = {
  name: 'upload',
  description:
    'Uploads. Default: POST /blob (raw bytes, Mcp-Session-Id header) -> stream-upload with blob_id. Known exact size: create-session -> chunk -> finalize (10522 on a size mismatch). batch for many small files; web-import for URLs.',
  actions: {
    'stream-upload': streamUpload,
    stream: streamUpload,
    text,
    'create-session': createSession,
    chunk,
    finalize: {
      summary: 'Complete a chunked session and wait for it to be stored',
      params: ['upload_id'],
      required: ['upload_id'],
      run: async (ctx, a) => (str(a, 'upload_id') ? finish(ctx, str(a, 'upload_id')!) : invalid(ctx, 'Missing required parameter: upload_id')),
    },
    batch,
    'blob-info': {
      summary: 'Where and how to POST bytes to the /blob sidecar',
      async run(ctx) {
        const blob = blobUpload(ctx);
        return blob
          ? ok(ctx, { blob_upload: blob })
          : fail(ctx, 501, 1501, 'The /blob sidecar is served on the MCP HTTP port only (not over stdio): pass content or content_base64.');
      },
    },
    status: rest('A session', 'GET', '/upload/{upload_id}/details/'),
    cancel: rest('Cancel a session', 'DELETE', '/upload/{upload_id}/'),
    'list-sessions': rest('Open sessions', 'GET', '/upload/details/'),
    'cancel-all': rest('Cancel every session', 'DELETE', '/upload/', { destructive: true }),
    'chunk-status': rest('Chunks of a session', 'GET', '/upload/{upload_id}/chunk/'),
    'chunk-delete': rest('Delete a chunk', 'DELETE', '/upload/{upload_id}/chunk/'),
    'web-import': rest('Import a file from a URL', 'POST', '/web_upload/', {
      fields: { source_url: ['url', 'source_url'], instance_id: ['profile_id', 'instance_id', 'workspace_id'], folder_id: ['parent_node_id', 'folder_id'] },
    }),
    url: rest('Import a file from a URL', 'POST', '/web_upload/', {
      fields: { source_url: ['url', 'source_url'], instance_id: ['profile_id', 'instance_id', 'workspace_id'], folder_id: ['parent_node_id', 'folder_id'] },
    }),
    'web-list': rest('Web imports', 'GET', '/web_upload/'),
    'web-cancel': rest('Cancel a web import', 'DELETE', '/web_upload/'),
    'web-status': rest('A web import', 'GET', '/web_upload/{upload_id}/details/'),
    limits: rest('Upload limits of your plan', 'GET', '/upload/limits/'),
    algos: rest('Hash algorithms', 'GET', '/upload/algos/'),
    extensions: rest('Blocked extensions', 'GET', '/upload/limits/extensions/'),
  },
};
