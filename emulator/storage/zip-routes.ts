/** A folder as a ZIP (zip.ts), served by both dialects. */
import { defineRoute } from '../http/define.js';
import { callerOf } from '../http/context.js';
import { RawResponse } from '../http/route.js';
import { workspaceNodeParams } from './schema.js';

export const storageZipRoutes = [
  defineRoute({
    method: 'GET',
    path: '/current/workspace/:workspace_id/storage/:node_id/zip/',
    area: 'storage',
    summary: 'A folder (or `root`) and everything live under it as one ZIP (application/zip); bandwidth credits',
    params: workspaceNodeParams,
    access: { workspace: 'workspace_id', action: 'workspace.storage.read' },
    parity: {
      status: 'implemented',
      source: 'official client src/api/download.rs get_zip_url, commands download folder',
      choices: [
        'entries keep their folder paths; empty folders are directory entries; the trash is left out; images, media, PDFs and archives are stored, the rest deflated (fflate)',
        'the ZIP bytes are charged as bandwidth (212 credits per 10^9 bytes); past the budget 402/1696 and nothing is sent; HEAD is not charged',
        'a file id answers 400/1605 (not a folder); a folder holding more than 1 GiB of files answers 400/1605',
        "another workspace's node id answers 401/115069",
      ],
    },
    handler: (ctx, { params, scope }, emu) => {
      const { name, bytes } = emu.storage.zips.zip(callerOf(ctx).user, scope, params.node_id, ctx.method !== 'HEAD');
      return new RawResponse(bytes, 'application/zip', 200, {
        'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(name)}`,
        'content-length': String(bytes.length),
      });
    },
  }),
];
