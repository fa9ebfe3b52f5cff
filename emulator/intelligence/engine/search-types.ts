/**
 * What a workspace search index takes and answers (search-index.ts): the documents it indexes, the
 * options of a search and its hits. Apart from the index so the routes and the chat can name them
 * without the index's code.
 */
import type { Passage } from './chunk.js';

export type MatchSource = 'keyword' | 'semantic' | 'both';

export interface IndexedDocument {
  nodeId: string;
  versionId: string;
  passages: readonly Passage[];
}

/** Node ids allowed, or node id -> the version that must be the indexed one (`files_scope`). */
export type FileScope = ReadonlySet<string> | ReadonlyMap<string, string>;
/** Node ids allowed, or a test on the node id (`folders_scope`, resolved by the caller). */
export type FolderScope = ReadonlySet<string> | ((nodeId: string) => boolean);

export interface SearchOptions {
  /** Default 10. */
  limit?: number;
  /** Default 0. */
  offset?: number;
  fileScope?: FileScope;
  folderScope?: FolderScope;
  /**
   * `node` (default): one hit per file, its best passage, and `total` counts files, like the
   * live file search. `passage`: every matching passage, `total` counts passages; the chat uses
   * this to gather context from several passages of one file.
   */
  groupBy?: 'node' | 'passage';
}

export interface SearchHit {
  nodeId: string;
  versionId: string;
  /** Opaque, unique in the workspace: `{nodeId}:{versionId}:{ordinal}`. */
  passageId: string;
  page: number;
  /** 0..1, rounded to 4 decimals; not increasing down the result list. */
  relevanceScore: number;
  snippet: string;
  matchSource: MatchSource;
  /** The whole passage, for the chat's answer builder. The search route does not send it. */
  text: string;
}

export interface SearchResult {
  total: number;
  hits: SearchHit[];
}
