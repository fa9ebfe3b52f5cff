/**
 * Semantic search over THIS workspace: its own index ranks the `ready` passages (one hit per file,
 * its best passage); with intelligence off, file names only. Hits are checked against the stored
 * nodes again, so a stale index entry never leaks a node of another workspace or a trashed one.
 */
import type { StorageNode } from '../store/model.js';
import type { WorkspaceScope } from '../tenancy/access.js';
import type { MatchSource } from './engine/search-types.js';
import { tokenize } from './engine/tokenize.js';
import type { WorkspaceIndexes } from './indexes.js';
import type { SearchInput } from './schema.js';
import type { ScopeResolver, Scopes } from './scopes.js';
import type { IntelligenceDeps } from './service.js';

export interface SearchRow {
  node: StorageNode;
  versionId: string | null;
  page: number | null;
  relevanceScore: number;
  snippet: string | null;
  matchSource: MatchSource;
}

export interface SearchResultPage {
  rows: SearchRow[];
  total: number;
  limit: number;
  offset: number;
}

export class Search {
  constructor(
    private readonly d: Pick<IntelligenceDeps, 'db'>,
    private readonly indexes: WorkspaceIndexes,
    private readonly scopes: ScopeResolver,
  ) {}

  /**
   * Ranks the `ready` passages of THIS workspace (one hit per file, its best passage). With
   * intelligence off there is no index: PARITY: CHOICE, the search then matches file names only
   * (`match_source: keyword`, no snippet), like the live keyword-only search. `within` narrows it
   * to a share's files (the caller resolved the share's scope strings into it).
   */
  async search(scope: WorkspaceScope, input: SearchInput, within?: ReadonlySet<string>): Promise<SearchResultPage> {
    const limit = input.limit ?? (input.details ? 10 : 100);
    const offset = input.offset ?? 0;
    // `within`: the only files a share's search may find (share-scope.ts), its scope already applied.
    const scopes: Scopes = within ? { folderScope: within } : this.scopes.resolve(scope, input.files_scope, input.folders_scope);
    if (!scope.workspace.intelligence) return this.nameSearch(scope, input.search, scopes, limit, offset);
    const index = await this.indexes.complete(scope.workspace.id);
    const result = index.search(input.search, { limit, offset, ...scopes });
    const rows: SearchRow[] = [];
    for (const hit of result.hits) {
      const node = this.d.db.nodes.get(hit.nodeId);
      // The index holds only this workspace's nodes; the check keeps a stale entry from leaking.
      if (!node || node.workspaceId !== scope.workspace.id || node.trashed !== null) continue;
      rows.push({
        node,
        versionId: hit.versionId,
        page: hit.page,
        relevanceScore: hit.relevanceScore,
        snippet: hit.snippet,
        matchSource: hit.matchSource,
      });
    }
    return { rows, total: result.total, limit, offset };
  }

  private nameSearch(scope: WorkspaceScope, query: string, scopes: Scopes, limit: number, offset: number): SearchResultPage {
    const terms = [...new Set(tokenize(query))];
    const scored: SearchRow[] = [];
    if (terms.length > 0) {
      for (const node of this.d.db.nodes.find('workspace', scope.workspace.id)) {
        if (node.type === 'folder' || node.trashed !== null) continue;
        if (scopes.fileScope || scopes.folderScope) {
          const inFiles = scopes.fileScope?.has(node.id) ?? false;
          const inFolders = scopes.folderScope?.has(node.id) ?? false;
          if (!inFiles && !inFolders) continue;
        }
        const nameTerms = tokenize(node.name);
        const found = terms.filter((t) => nameTerms.some((n) => n.includes(t))).length;
        if (found === 0) continue;
        scored.push({
          node,
          versionId: node.versionId,
          page: null,
          relevanceScore: Math.round((found / terms.length) * 10_000) / 10_000,
          snippet: null,
          matchSource: 'keyword',
        });
      }
    }
    scored.sort(
      (a, b) => b.relevanceScore - a.relevanceScore || (a.node.name < b.node.name ? -1 : a.node.name > b.node.name ? 1 : a.node.id < b.node.id ? -1 : 1),
    );
    return { rows: scored.slice(offset, offset + limit), total: scored.length, limit, offset };
  }
}
