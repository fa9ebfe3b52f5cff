/**
 * `POST /workspace/{id}/storage/{parent}/addlink/` (issue 18 item 1): a share link node in a
 * folder. PARITY: the two dialects send the target differently: V2 (official client 96b1551
 * src/api/storage.rs add_link) `type=share` and `share=<id>`, April (41dde01) `share_id=<id>`.
 * A link node has no bytes: it is listed and moved like any node, has no versions, previews or
 * downloads (those answer 400/1605), is left out of ZIPs and copied as a link.
 */
import { z } from 'zod';
import { defineRoute } from '../http/define.js';
import { callerOf } from '../http/context.js';
import { Errors } from '../http/errors.js';
import { lazy, profileId } from '../http/schema.js';
import { AuditEvents } from '../events/catalogue.js';
import { OpaqueType } from '../store/ids.js';
import { nodeJson } from './format.js';
import { workspaceNodeParams } from './schema.js';

export const addLinkBody = lazy(() =>
  z
    .object({
      type: z.enum(['share'], { message: 'The only link target type is "share".' }).optional(),
      share: profileId().optional(),
      share_id: profileId().optional(),
    })
    .refine((b) => b.share !== undefined || b.share_id !== undefined, {
      message: 'Name the share (`share`, or `share_id` in the April form).',
      path: ['share'],
    }),
);

export const storageAddLinkRoutes = [
  defineRoute({
    method: 'POST',
    path: '/current/workspace/:workspace_id/storage/:node_id/addlink/',
    area: 'storage',
    summary: 'Add a link to a share into a folder (V2: `type=share`, `share`; April: `share_id`)',
    params: workspaceNodeParams,
    body: addLinkBody,
    access: { workspace: 'workspace_id', action: 'workspace.storage.write' },
    parity: {
      status: 'implemented',
      source: 'official client 96b1551 src/api/storage.rs add_link, commands/files.rs add_link; 41dde01 src/api/storage.rs add_link',
      choices: [
        'answers the link under `node`: type `link`, named after the share title, `link: {type: share, share}`; no size, version or ai fields',
        'both forms are taken in both dialects; `share` wins when both are sent',
        'the share must be one the caller reaches (else the share answers: 401/115069) and of the same org as the workspace (else 400/1605)',
        'a node of the same name in the folder answers 409/1660; a file id as the parent 400/1605',
        'records workspace_storage_link_added (touches storage:{id})',
      ],
    },
    handler: (ctx, { params, body, scope }, emu) => {
      const { user } = callerOf(ctx);
      const parentId = emu.storage.folder(scope, params.node_id);
      const shareRef = body.share ?? body.share_id!;
      const share = emu.shares.access.scope({ user }, shareRef, 'share.details').share;
      if (share.orgId !== scope.org.id) throw Errors.invalidField('share', 'The share belongs to another organization.');
      const name = (share.title || share.id).slice(0, 255);
      for (const n of emu.db.nodes.find('parent', `${scope.workspace.id}/${parentId}`)) {
        if (n.trashed === null && n.name === name) throw Errors.conflict(`A ${n.type} named "${name}" already exists in this folder.`);
      }
      const now = emu.clock.now();
      const link = emu.db.nodes.insert({
        id: emu.ids.opaqueId(OpaqueType.node),
        workspaceId: scope.workspace.id,
        orgId: scope.org.id,
        parentId,
        type: 'link',
        link: { type: 'share', shareId: share.id },
        name,
        size: 0,
        mimetype: null,
        versionId: null,
        blobId: null,
        hash: null,
        ai: { state: 'disabled', reason: null, pages: null, updated: now },
        createdBy: user.id,
        created: now,
        updated: now,
        trashed: null,
      });
      emu.audit.record(
        AuditEvents.storageLinkAdded({ orgId: scope.org.id, workspaceId: scope.workspace.id }, user.id, link, {
          name,
          parent_id: parentId,
          share_id: share.id,
        }),
      );
      return { node: nodeJson(link) };
    },
  }),
];
