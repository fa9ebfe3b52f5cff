/**
 * The request journal: the last N requests the emulator answered (method, path, status, latency,
 * caller, org and workspace, the fault rules that hit it), kept in a ring buffer so it costs the
 * same at any traffic. Listeners hear of each entry (the dashboard's long-poll wakes on them).
 */
export interface JournalEntry {
  seq: number;
  requestId: string;
  method: string;
  path: string;
  status: number;
  latencyMs: number;
  userId: string | null;
  /** the org the request acted on: set from the resolved scope, so workspace routes have it too */
  orgId: string | null;
  workspaceId: string | null;
  /** ids of the fault rules that applied (`/_emulator/faults`), empty when none */
  faults: readonly string[];
  /** emulator clock, ms */
  time: number;
  /** `tool.action` when an MCP tool call made the request (emulator/mcp/), else null */
  mcp?: string | null;
}

export interface JournalFilter {
  method?: string | undefined;
  /** substring of the path */
  path?: string | undefined;
  /** an exact status, or a class: 400 exactly, or `4xx` */
  status?: number | `${1 | 2 | 3 | 4 | 5}xx` | undefined;
  userId?: string | undefined;
  orgId?: string | undefined;
  workspaceId?: string | undefined;
  /** only requests a fault rule hit */
  faulted?: boolean | undefined;
  /** only requests made by this MCP tool (`upload`) or tool.action (`upload.stream-upload`) */
  mcp?: string | undefined;
  /** only entries after this sequence number */
  since?: number | undefined;
  /** include `/_emulator/*` requests (default false) */
  includeControl?: boolean | undefined;
  limit?: number | undefined;
}

const NO_FAULTS: readonly string[] = Object.freeze([]);

/**
 * The ring's records are made once and then overwritten in place: a record per request that lived
 * until the ring wrapped would outlive every young-generation collection and be promoted, which the
 * benchmarks showed in the latency tail. `list()` hands out copies.
 */
export class RequestJournal {
  private readonly ring: JournalEntry[] = [];
  private next = 0;
  private seq = 0;
  private readonly listeners = new Set<(entry: Readonly<JournalEntry>) => void>();

  constructor(readonly capacity = 1000) {}

  /** Record one request (the argument is read, not kept). */
  record(input: Omit<JournalEntry, 'seq'>): void {
    let e = this.ring[this.next];
    if (!e) this.ring[this.next] = e = { ...input, mcp: input.mcp ?? null, seq: 0 };
    e.seq = ++this.seq;
    e.requestId = input.requestId;
    e.method = input.method;
    e.path = input.path;
    e.status = input.status;
    e.latencyMs = Math.round(input.latencyMs * 1000) / 1000;
    e.userId = input.userId;
    e.orgId = input.orgId;
    e.workspaceId = input.workspaceId;
    e.faults = input.faults.length === 0 ? NO_FAULTS : [...input.faults];
    e.time = input.time;
    e.mcp = input.mcp ?? null;
    this.next = (this.next + 1) % this.capacity;
    // Listeners see the record before it can be overwritten; one that keeps it must copy it.
    for (const l of this.listeners) l(e);
  }

  /** The sequence number of the last entry recorded (0 before any). */
  get lastSeq(): number {
    return this.seq;
  }

  /** Hear of every entry as it is recorded; returns the unsubscribe function. */
  onRecord(listener: (entry: Readonly<JournalEntry>) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Newest first. */
  list(filter: JournalFilter = {}): JournalEntry[] {
    const out: JournalEntry[] = [];
    const limit = filter.limit ?? 100;
    for (let i = 1; i <= this.capacity && out.length < limit; i++) {
      const e = this.ring[(this.next - i + this.capacity) % this.capacity];
      if (!e) break;
      if (filter.since !== undefined && e.seq <= filter.since) break;
      if (!filter.includeControl && e.path.startsWith('/_emulator')) continue;
      if (filter.method && e.method !== filter.method.toUpperCase()) continue;
      if (filter.path && !e.path.includes(filter.path)) continue;
      if (filter.status !== undefined && !statusMatches(e.status, filter.status)) continue;
      if (filter.userId && e.userId !== filter.userId) continue;
      if (filter.orgId && e.orgId !== filter.orgId) continue;
      if (filter.workspaceId && e.workspaceId !== filter.workspaceId) continue;
      if (filter.faulted !== undefined && e.faults.length > 0 !== filter.faulted) continue;
      if (filter.mcp && !(e.mcp === filter.mcp || e.mcp?.startsWith(`${filter.mcp}.`))) continue;
      out.push({ ...e });
    }
    return out;
  }

  clear(): void {
    this.ring.length = 0;
    this.next = 0;
  }
}

function statusMatches(status: number, filter: NonNullable<JournalFilter['status']>): boolean {
  if (typeof filter === 'number') return status === filter;
  return Math.floor(status / 100) === Number(filter[0]);
}
