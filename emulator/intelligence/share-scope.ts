/**
 * What a share's AI may read: the files the share holds, and nothing else of its workspace. Every
 * share chat, search and summary asks `shareContents` first and hands the engine only that set
 * (or the part of it a request's references name), so an answer can never cite a file outside
 * the share, though the passages live in the workspace's one index.
 *
 * PARITY: agent guide "Two Storage Modes": a shared-folder share (`workspace_folder`) shows the
 * live contents of its workspace folder, "indexed through the parent workspace"; a portal
 * (`independent`) has its own storage. CHOICE: both are read through the share's backing folder
 * (`folderNodeId`): the whole tree below it, trashed nodes left out. A share without a backing
 * folder holds nothing an answer may cite (its own storage is the share storage area's; when that
 * keeps a portal's files under a backing folder, they count here without a change).
 */
import { Errors } from '../http/errors.js';
import type { Db } from '../store/db.js';
import { normalizeOpaqueId } from '../store/ids.js';
import type { Share } from '../store/share-model.js';
import type { ShareScope } from '../shares/access.js';
import type { WorkspaceScope } from '../tenancy/access.js';

export interface ShareContents {
  /** the share's root folder, if it has one */
  root: string | null;
  files: ReadonlySet<string>;
  folders: ReadonlySet<string>;
}

/** PARITY: CHOICE. At most this many levels below the share's root are read (the storage tree is shallower). */
const MAX_SHARE_DEPTH = 64;

export function shareContents(db: Db, share: Share): ShareContents {
  const files = new Set<string>();
  const folders = new Set<string>();
  const root = share.folderNodeId;
  if (root === null) return { root, files, folders };
  const rootNode = db.nodes.get(root);
  if (!rootNode || rootNode.workspaceId !== share.workspaceId || rootNode.trashed !== null) return { root, files, folders };
  folders.add(root);
  let level = [root];
  for (let depth = 0; depth < MAX_SHARE_DEPTH && level.length > 0; depth++) {
    const next: string[] = [];
    for (const parent of level) {
      for (const child of db.nodes.find('parent', `${share.workspaceId}/${parent}`)) {
        if (child.trashed !== null) continue;
        if (child.type === 'folder') {
          folders.add(child.id);
          next.push(child.id);
        } else files.add(child.id);
      }
    }
    level = next;
  }
  return { root, files, folders };
}

/**
 * The workspace scope the intelligence parts read a share's workspace through (its index, its
 * node lookups). It carries no workspace standing: the share's access decided already, and every
 * node it finds is checked against `shareContents` before use.
 */
export function shareWorkspaceScope(sc: ShareScope): WorkspaceScope {
  return { kind: 'workspace', org: sc.org, workspace: sc.workspace, role: 'guest', orgRole: undefined, action: 'workspace.ai.read' };
}

/**
 * A request's folder references with `root` read as the share's root. PARITY: CHOICE. A share
 * without a root folder refuses `root` like any node it does not hold (401/115069).
 */
export function shareFolderScope(raw: string | undefined, held: ShareContents): string | undefined {
  if (raw === undefined) return undefined;
  return raw
    .split(',')
    .map((pair) => {
      const [ref = '', ...rest] = pair.trim().split(':');
      if (ref !== 'root') return pair;
      if (held.root === null) throw Errors.notShared();
      return [held.root, ...rest].join(':');
    })
    .join(',');
}

/** Every node a request's scope strings name must be one the share holds (else 401/115069, like a node of another tenant). */
export function assertHeld(raw: string | undefined, held: ReadonlySet<string>): void {
  if (raw === undefined) return;
  for (const pair of raw.split(',')) {
    const ref = normalizeOpaqueId(pair.trim().split(':')[0] ?? '');
    if (ref !== '' && !held.has(ref)) throw Errors.notShared();
  }
}
