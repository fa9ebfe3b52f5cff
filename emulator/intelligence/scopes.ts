/**
 * `files_scope` and `folders_scope`: which files a search or a chat may read. Both are
 * comma-separated `nodeId:value` pairs, parsed by one parser; each kind says what its value is
 * and how its node is resolved. Every node is resolved against THIS workspace's tree (storage's
 * scoped lookups) before the engine sees it, so a scope cannot reach another workspace.
 */
import { Errors } from '../http/errors.js';
import { normalizeOpaqueId } from '../store/ids.js';
import type { WorkspaceScope } from '../tenancy/access.js';
import type { IntelligenceDeps } from './service.js';

/** PARITY: agent guide v1.29: at most 100 `files_scope` pairs and 100 `folders_scope` pairs, depth 1-10. */
export const MAX_SCOPE_REFS = 100;
export const MAX_FOLDER_DEPTH = 10;

/** What a request may read: files (node id -> version id) and the files under folders; both together are a union. */
export interface Scopes {
  fileScope?: ReadonlyMap<string, string>;
  folderScope?: ReadonlySet<string>;
}

/** One kind of scope string: its field, what it counts, the node ids it takes and what follows the colon. */
interface ScopeKind<V> {
  field: 'files_scope' | 'folders_scope';
  noun: string;
  ref: RegExp;
  expected: string;
  /** The value after the colon, or undefined when it is not valid. */
  value(raw: string): V | undefined;
}

/** `nodeId:versionId`; an empty version means the current one (''). */
const FILES_SCOPE: ScopeKind<string> = {
  field: 'files_scope',
  noun: 'files',
  ref: /^2[0-9a-z]{28,29}$/,
  expected: 'Expected comma-separated nodeId:versionId pairs.',
  value: (raw) => normalizeOpaqueId(raw),
};

/**
 * `nodeId:depth` (`root` allowed). PARITY: CHOICE. Depth 1 is the files directly in the folder,
 * depth n reaches n-1 levels of subfolders; no depth means 10.
 */
const FOLDERS_SCOPE: ScopeKind<number> = {
  field: 'folders_scope',
  noun: 'folders',
  ref: /^(root|2[0-9a-z]{28,29})$/,
  expected: `Expected comma-separated nodeId:depth pairs, depth 1-${MAX_FOLDER_DEPTH}.`,
  value: (raw) => {
    const depth = raw === '' ? MAX_FOLDER_DEPTH : Number(raw);
    return Number.isInteger(depth) && depth >= 1 && depth <= MAX_FOLDER_DEPTH ? depth : undefined;
  },
};

/**
 * The pairs of a scope string, each node resolved by `resolve` (which throws the lookup's error).
 * Undefined when the string is absent or blank. `lenient` skips pairs whose node is gone (a chat's
 * stored scope); a malformed pair is refused either way. Pairs are checked and resolved in order,
 * so the first bad pair decides the answer.
 */
function parseScope<V, T>(raw: string | undefined, kind: ScopeKind<V>, resolve: (ref: string) => T, lenient: boolean): { target: T; value: V }[] | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  const pairs = raw
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  if (pairs.length > MAX_SCOPE_REFS) throw Errors.invalidField(kind.field, `At most ${MAX_SCOPE_REFS} ${kind.noun}.`);
  const out: { target: T; value: V }[] = [];
  for (const pair of pairs) {
    const [rawRef = '', rawValue = '', ...rest] = pair.split(':');
    const ref = normalizeOpaqueId(rawRef);
    const value = kind.value(rawValue);
    if (rest.length > 0 || !kind.ref.test(ref) || value === undefined) throw Errors.invalidField(kind.field, kind.expected);
    let target: T;
    try {
      target = resolve(ref);
    } catch (err) {
      if (lenient) continue;
      throw err;
    }
    out.push({ target, value });
  }
  return out;
}

export class ScopeResolver {
  constructor(private readonly d: Pick<IntelligenceDeps, 'db' | 'storage'>) {}

  /** Both scope strings of a request, resolved in this workspace. */
  resolve(scope: WorkspaceScope, files: string | undefined, folders: string | undefined, lenient = false): Scopes {
    const out: Scopes = {};
    const fileScope = this.files(scope, files, lenient);
    const folderScope = this.folders(scope, folders, lenient);
    if (fileScope) out.fileScope = fileScope;
    if (folderScope) out.folderScope = folderScope;
    return out;
  }

  private files(scope: WorkspaceScope, raw: string | undefined, lenient: boolean): Map<string, string> | undefined {
    const pairs = parseScope(raw, FILES_SCOPE, (ref) => this.d.storage.file(scope, ref, FILES_SCOPE.field), lenient);
    return pairs && new Map(pairs.map(({ target, value }) => [target.id, value === '' ? (target.versionId ?? '') : value]));
  }

  /** The files under each folder, down to its depth. */
  private folders(scope: WorkspaceScope, raw: string | undefined, lenient: boolean): Set<string> | undefined {
    const pairs = parseScope(raw, FOLDERS_SCOPE, (ref) => this.d.storage.folder(scope, ref, FOLDERS_SCOPE.field), lenient);
    if (!pairs) return undefined;
    const files = new Set<string>();
    const ws = scope.workspace.id;
    for (const { target: folderId, value: depth } of pairs) {
      let level = [folderId];
      for (let d = 1; d <= depth && level.length > 0; d++) {
        const next: string[] = [];
        for (const parent of level) {
          for (const child of this.d.db.nodes.find('parent', `${ws}/${parent}`)) {
            if (child.trashed !== null) continue;
            if (child.type === 'folder') next.push(child.id);
            else files.add(child.id);
          }
        }
        level = next;
      }
    }
    return files;
  }
}
