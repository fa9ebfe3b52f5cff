/**
 * The request journal: the last N requests the emulator answered (method, path, status, latency,
 * caller, org), kept in a ring buffer so it costs the same at any traffic.
 */
export interface JournalEntry {
  seq: number;
  requestId: string;
  method: string;
  path: string;
  status: number;
  latencyMs: number;
  userId: string | null;
  orgId: string | null;
  /** emulator clock, ms */
  time: number;
}

export interface JournalFilter {
  method?: string | undefined;
  /** substring of the path */
  path?: string | undefined;
  status?: number | undefined;
  userId?: string | undefined;
  orgId?: string | undefined;
  /** only entries after this sequence number */
  since?: number | undefined;
  /** include `/_emulator/*` requests (default false) */
  includeControl?: boolean | undefined;
  limit?: number | undefined;
}

export class RequestJournal {
  private readonly ring: (JournalEntry | undefined)[];
  private next = 0;
  private seq = 0;

  constructor(readonly capacity = 1000) {
    this.ring = new Array(capacity);
  }

  record(entry: Omit<JournalEntry, 'seq'>): void {
    this.ring[this.next] = { seq: ++this.seq, ...entry, latencyMs: Math.round(entry.latencyMs * 1000) / 1000 };
    this.next = (this.next + 1) % this.capacity;
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
      if (filter.status !== undefined && e.status !== filter.status) continue;
      if (filter.userId && e.userId !== filter.userId) continue;
      if (filter.orgId && e.orgId !== filter.orgId) continue;
      out.push(e);
    }
    return out;
  }

  clear(): void {
    this.ring.fill(undefined);
    this.next = 0;
  }
}
