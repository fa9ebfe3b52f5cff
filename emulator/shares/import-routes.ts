/**
 * Importing a share into a workspace: `POST /current/workspace/{workspace_id}/import/share/{share_id}/`
 * (both dialects; official client src/api/workspace.rs import_share, an empty JSON body; the agent
 * guide names the event `share_imported_to_workspace`). The sources say no more than that.
 *
 * CHOICE (what an import is): a snapshot copy. The share's live folders, files and notes are copied
 * into a new folder at the target workspace's root, named after the share's title (" (2)" and so
 * on when that name is taken); the copy is the target workspace's own (later changes to the share
 * do not reach it), its bytes held storage of the target org, ingested as any stored version is.
 * The caller needs write in the target workspace and the right to download from the share (share
 * role view, download_security as for downloads); the target may be in another org (a share
 * member importing what it was sent). At most 1,000 nodes per import (400/1605 beyond, nothing
 * copied). `import/enable/` and `import/disable/` are the cloud imports' switch (imports/source-routes.ts).
 */
import { callerOf } from '../http/context.js';
import { defineRoute } from '../http/define.js';
import { Errors } from '../http/errors.js';
import { AuditEvents } from '../events/catalogue.js';
import { nodeJson } from '../storage/format.js';
import type { StorageNode } from '../store/model.js';
import { z } from 'zod';
import { lazy } from '../http/schema.js';
import { ShareStorage } from './share-storage.js';

/** PARITY: CHOICE. The most nodes one import copies. */
export const MAX_IMPORT_NODES = 1000;

const importParams = lazy(() => z.object({ workspace_id: z.string().min(1).max(100), share_id: z.string().min(1).max(100) }));

export const shareImportRoutes = [
  defineRoute({
    method: 'POST',
    path: '/current/workspace/:workspace_id/import/share/:share_id/',
    area: 'shares',
    summary: "Copy a share's files into a new folder at the workspace's root (a snapshot)",
    params: importParams,
    access: { workspace: 'workspace_id', action: 'workspace.storage.write' },
    parity: {
      status: 'implemented',
      source: 'official client 96b1551 and 41dde01 src/api/workspace.rs import_share; agent guide "Share lifecycle" (share_imported_to_workspace)',
      choices: [
        'an import is a snapshot copy of the share’s live folders, files and notes into a new root folder of the workspace named after the share title; answers the folder under `node` and `nodes_imported`',
        'needs workspace write in the target and share download rights (view; download_security medium/high refuse guests and view, 403/1680); a share the caller has no role in answers 401/115069',
        'the copy is held storage of the target org (plan limits 402/1685, storage credits); not charged as bandwidth',
        'at most 1,000 nodes per import (400/1605, nothing copied)',
        'records share_imported_to_workspace in the target workspace, the new folder as its object and share_id in its data',
      ],
    },
    handler: (ctx, { params, scope }, emu) => {
      const caller = callerOf(ctx);
      const st = new ShareStorage(emu);
      const s = st.openForUser(caller, params.share_id, 'download');
      // Collect first: a refused import copies nothing.
      const plan: { node: StorageNode; parent: string }[] = [];
      const walk = (folderId: string, parent: string) => {
        for (const child of emu.db.nodes.find('parent', `${s.ws.workspace.id}/${folderId}`)) {
          if (child.trashed !== null) continue;
          plan.push({ node: child, parent });
          if (plan.length > MAX_IMPORT_NODES)
            throw Errors.invalidField('share_id', `A share of more than ${MAX_IMPORT_NODES} files and folders cannot be imported at once.`);
          if (child.type === 'folder') walk(child.id, child.id);
        }
      };
      walk(s.root, s.root);
      // A title may hold what a node name may not (slashes, control characters).
      const name =
        s.share.share.title
          .replace(/[\\/\p{Cc}]/gu, '-')
          .trim()
          .slice(0, 255) || s.share.share.id;
      const folder = emu.storage.createFolder(caller.user, scope, 'root', name === '.' || name === '..' ? s.share.share.id : name, true);
      const copies = new Map<string, string>([[s.root, folder.id]]);
      for (const { node, parent } of plan) {
        const parentId = copies.get(parent)!;
        // A share link (addlink) has no bytes to import.
        if (node.type === 'link') continue;
        if (node.type === 'folder') copies.set(node.id, emu.storage.createFolder(caller.user, scope, parentId, node.name, true).id);
        else
          emu.storage.storeVersion(caller.user, scope.workspace, scope.org, {
            parentId,
            name: node.name,
            bytes: emu.storage.bytesOf(node),
            type: node.type,
            declaredMimetype: node.mimetype ?? undefined,
            via: 'share_import',
          });
      }
      emu.audit.record(AuditEvents.shareImported(caller.user, { orgId: scope.org.id, workspaceId: scope.workspace.id }, s.share.share, folder.id, plan.length));
      return { node: nodeJson(folder), nodes_imported: plan.length };
    },
  }),
];
