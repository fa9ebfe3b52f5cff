/**
 * `GET .../storage/{folder}/zip/`: a folder (or `root`) and everything live under it as one ZIP,
 * built with fflate's streaming `Zip`. PARITY: official client src/api/download.rs get_zip_url
 * (fetched with the bearer, written to disk as it comes). CHOICE: files and notes keep their
 * folder paths, empty folders are directory entries, the trash is left out; the bytes sent are
 * charged as bandwidth like a read (402/1696 past the budget, nothing sent); a folder holding more
 * than ZIP_MAX_BYTES answers 400/1605 (the pipeline sends an answer whole, so it is held in memory).
 */
import { Zip, ZipDeflate, ZipPassThrough } from 'fflate';
import { Errors } from '../http/errors.js';
import type { StorageNode, User } from '../store/model.js';
import type { WorkspaceScope } from '../tenancy/access.js';
import type { NodeTree } from './nodes.js';
import type { StorageCredits } from './storage-credits.js';
import type { Versions } from './versions.js';

/** PARITY: CHOICE. The most file bytes one folder ZIP holds. */
export const ZIP_MAX_BYTES = 1024 * 1024 * 1024;
/** Types whose bytes are compressed already: stored as they are. */
const STORED_AS_IS = /^(image\/(jpeg|png|gif|webp)|video\/|audio\/|application\/(zip|gzip|x-7z-compressed|pdf))/;

export class FolderZips {
  constructor(
    private readonly tree: NodeTree,
    private readonly versions: Versions,
    private readonly credits: StorageCredits,
  ) {}

  zip(user: User, scope: WorkspaceScope, ref: string, charge: boolean): { name: string; bytes: Buffer } {
    const folderId = this.tree.folder(scope, ref);
    const folder = folderId === 'root' ? undefined : this.tree.node(scope, folderId);
    const nodes = this.tree.descendants(scope.workspace.id, folderId);
    const total = nodes.reduce((sum, n) => sum + (n.type === 'folder' ? 0 : n.size), 0);
    if (total > ZIP_MAX_BYTES) throw Errors.invalidField('node_id', `This folder holds ${total} bytes; a ZIP holds at most ${ZIP_MAX_BYTES}.`);
    this.credits.settleHeldStorage(scope.org);

    const byId = new Map(nodes.map((n) => [n.id, n]));
    const pathOf = (n: StorageNode): string => {
      const parts = [n.name];
      for (let p = byId.get(n.parentId); p; p = byId.get(p.parentId)) parts.unshift(p.name);
      return parts.join('/');
    };
    const chunks: Uint8Array[] = [];
    let failure: Error | null = null;
    const zip = new Zip((err, data) => {
      if (err) failure = err;
      else chunks.push(data);
    });
    const hasChild = new Set(nodes.map((n) => n.parentId));
    for (const n of nodes.sort((a, b) => (pathOf(a) < pathOf(b) ? -1 : 1))) {
      if (n.type === 'folder') {
        if (hasChild.has(n.id)) continue;
        const dir = new ZipPassThrough(`${pathOf(n)}/`);
        zip.add(dir);
        dir.push(new Uint8Array(0), true);
        continue;
      }
      // PARITY: CHOICE. A share link (addlink) has no bytes: it is left out of the ZIP.
      if (n.type === 'link') continue;
      const entry = STORED_AS_IS.test(n.mimetype ?? '') ? new ZipPassThrough(pathOf(n)) : new ZipDeflate(pathOf(n), { level: 6 });
      entry.mtime = n.updated;
      zip.add(entry);
      entry.push(this.versions.bytesOf(n), true);
    }
    zip.end();
    if (failure) throw failure;
    const bytes = Buffer.concat(chunks);
    // Charged on the folder (or, for root, the workspace's first node) as one read of the ZIP's size.
    if (charge) this.credits.chargeBandwidth(scope.org, folder ?? { id: 'root', workspaceId: scope.workspace.id }, bytes.length, user.id);
    return { name: `${folder?.name ?? scope.workspace.name}.zip`, bytes };
  }
}
