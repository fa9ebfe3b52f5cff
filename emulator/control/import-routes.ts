/**
 * The emulator import provider's remote drive, set and read by tests (emulator/imports/remote.ts):
 * `POST /_emulator/imports/tree` replaces the files under a path (a remote change when a file's
 * bytes differ), `GET /_emulator/imports/tree?path=` lists them with their bytes. Composed by
 * controlRoutes (routes.ts).
 */
import { z } from 'zod';
import { defineRoute } from '../http/define.js';
import { Errors } from '../http/errors.js';
import { lazy } from '../http/schema.js';
import type { AnyRoute } from '../http/route.js';
import { normalizeRemotePath } from '../imports/remote.js';
import type { RemoteFile } from '../store/import-model.js';
import { formatTime } from '../http/format.js';

const SOURCE = 'emulator control plane (no live counterpart): the drive of the `emulator` import provider';

const treeBody = lazy(() =>
  z.object({
    path: z.string().min(1).max(1024),
    files: z
      .array(
        z
          .object({ path: z.string().min(1).max(1024), content: z.string().max(10_000_000).optional(), content_base64: z.string().max(14_000_000).optional() })
          .refine((f) => (f.content === undefined) !== (f.content_base64 === undefined), 'Send one of content or content_base64.'),
      )
      .max(2000),
  }),
);
const treeQuery = lazy(() => z.object({ path: z.string().min(1).max(1024).optional() }));

function fileJson(prefix: string, f: RemoteFile, withBytes: boolean): Record<string, unknown> {
  return {
    path: f.id,
    relative_path: prefix === '/' ? f.id.slice(1) : f.id.slice(prefix.length + 1),
    size: f.size,
    revision: f.rev,
    modified: formatTime(f.modified),
    ...(withBytes ? { content_base64: f.data } : {}),
  };
}

export function importControlRoutes(): AnyRoute[] {
  return [
    defineRoute({
      method: 'POST',
      path: '/_emulator/imports/tree',
      area: 'control',
      summary: "Replace the emulator import provider's remote files under `path` (JSON: path, files[{path, content | content_base64}])",
      auth: 'none',
      emulatorOnly: true,
      body: treeBody,
      parity: {
        status: 'implemented',
        source: SOURCE,
        choices: ['a file whose bytes are unchanged keeps its revision; files under the path not sent are removed'],
      },
      handler: (_ctx, { body }, emu) => {
        const prefix = normalizeRemotePath(body.path, 'path');
        const files = body.files.map((f) => ({
          path: f.path,
          bytes: f.content !== undefined ? Buffer.from(f.content, 'utf8') : Buffer.from(f.content_base64 ?? '', 'base64'),
        }));
        if (new Set(files.map((f) => normalizeRemotePath(f.path, 'files.path'))).size !== files.length)
          throw Errors.invalidField('files', 'Two files have the same path.');
        const out = emu.imports.drive.replaceTree(prefix, files);
        return { path: prefix, files: out.map((f) => fileJson(prefix, f, false)) };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/_emulator/imports/tree',
      area: 'control',
      summary: "The emulator import provider's remote files under `path` (default `/`), with their bytes",
      auth: 'none',
      emulatorOnly: true,
      query: treeQuery,
      parity: { status: 'implemented', source: SOURCE },
      handler: (_ctx, { query }, emu) => {
        const prefix = normalizeRemotePath(query.path ?? '/', 'path');
        return { path: prefix, files: emu.imports.drive.files(prefix).map((f) => fileJson(prefix, f, true)) };
      },
    }),
  ];
}
