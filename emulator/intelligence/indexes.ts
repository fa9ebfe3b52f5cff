/**
 * The per-workspace search indexes: derived state, never saved. One WorkspaceSearchIndex per
 * workspace, so one workspace's passages cannot appear in another's results.
 *
 * An index is filled lazily: ingestion adds each file as it becomes ready, and the first search of
 * a workspace adds whatever is `ready` in the stored state but not indexed yet (after a restart or
 * a state import, everything). Start-up therefore never parses a document.
 */
import { WorkspaceSearchIndex } from './engine/search-index.js';

/** Adds the workspace's ready files that `index` lacks; `isCurrent()` turns false if the index was dropped meanwhile. */
export type IndexFiller = (workspaceId: string, index: WorkspaceSearchIndex, isCurrent: () => boolean) => Promise<void>;

interface Entry {
  index: WorkspaceSearchIndex;
  /** every ready file of the workspace is in the index */
  complete: boolean;
  filling: Promise<void> | undefined;
}

export class WorkspaceIndexes {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly fill: IndexFiller) {}

  /** The index, if the workspace has one in memory (possibly incomplete). */
  peek(workspaceId: string): WorkspaceSearchIndex | undefined {
    return this.entries.get(workspaceId)?.index;
  }

  /** The index a freshly ingested file goes into (made empty when absent; completed on first search). */
  forIngestion(workspaceId: string): WorkspaceSearchIndex {
    return this.entry(workspaceId).index;
  }

  /** The index holding every ready file of the workspace. */
  async complete(workspaceId: string): Promise<WorkspaceSearchIndex> {
    const entry = this.entry(workspaceId);
    if (!entry.complete) {
      entry.filling ??= this.fill(workspaceId, entry.index, () => this.entries.get(workspaceId) === entry)
        .then(() => {
          entry.complete = true;
        })
        .finally(() => {
          entry.filling = undefined;
        });
      await entry.filling;
    }
    return entry.index;
  }

  /** Intelligence switched off: the workspace's index is flushed. */
  drop(workspaceId: string): void {
    this.entries.delete(workspaceId);
  }

  clear(): void {
    this.entries.clear();
  }

  private entry(workspaceId: string): Entry {
    let entry = this.entries.get(workspaceId);
    if (!entry) this.entries.set(workspaceId, (entry = { index: new WorkspaceSearchIndex(), complete: false, filling: undefined }));
    return entry;
  }
}
