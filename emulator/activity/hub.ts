/**
 * Activity: what changed, per entity (workspace, org, or user), as short keys such as
 * `storage:{node_id}`, `ai_state:{node_id}`, `ai_chat:{chat_id}`, `upload:{upload_id}`, `members`.
 * Pollers ask "what changed after cursor X" and may wait for the next change; WebSocket clients
 * subscribe.
 *
 * Every change gets a stamp: microseconds on the emulator clock, strictly increasing across the
 * hub (two changes in one millisecond get consecutive stamps). A cursor is a stamp, so it is also a
 * time: a client may pass the time of an earlier answer instead of a cursor it was given. An answer
 * returns the hub's latest stamp as the next cursor, computed in the same synchronous step as the
 * keys, so a change made between two polls is always in the second answer.
 *
 * Each entity keeps, per key, only its latest change (older entries for a key are compacted away),
 * so memory grows with the number of distinct keys, not with the number of changes, and nothing is
 * ever dropped that a poller could still need.
 *
 * PARITY: the long-poll `GET /current/activity/poll/{entity_id}/?wait=&lastactivity=` and its keys
 * are from the API notes ("Events and activity") and the agent guide (section 13); `lastactivity`
 * travels as a string.
 */
import { Listeners, type Observable } from '../listeners.js';

export interface ActivityEntry {
  /** microseconds on the emulator clock, unique and increasing */
  stamp: number;
  key: string;
}

export interface ActivitySince {
  /** distinct keys changed after the cursor, in the order of their latest change */
  keys: string[];
  /** the cursor to pass next time */
  cursor: number;
}

class EntityLog {
  /** ascending stamps; an entry whose key changed again later is stale and compacted away */
  entries: ActivityEntry[] = [];
  readonly latest = new Map<string, number>();

  add(entry: ActivityEntry): void {
    this.entries.push(entry);
    this.latest.set(entry.key, entry.stamp);
    // Compact when at least half the entries are stale: amortised O(1) per change.
    if (this.entries.length > 2 * this.latest.size + 16) this.entries = this.entries.filter((e) => this.latest.get(e.key) === e.stamp);
  }

  since(cursor: number): string[] {
    const entries = this.entries;
    let lo = 0;
    let hi = entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (entries[mid]!.stamp <= cursor) lo = mid + 1;
      else hi = mid;
    }
    const keys: string[] = [];
    for (let i = lo; i < entries.length; i++) {
      const e = entries[i]!;
      // Only the latest entry of a key counts (it is after the cursor too, and later in order).
      if (this.latest.get(e.key) === e.stamp) keys.push(e.key);
    }
    return keys;
  }
}

export class ActivityHub {
  private last = 0;
  private readonly logs = new Map<string, EntityLog>();
  private readonly touches: Listeners<[entityId: string, entry: ActivityEntry]>;
  /** Every change, as it happens, once per entity (WebSocket fan-out). */
  readonly touched: Observable<[entityId: string, entry: ActivityEntry]>;
  private readonly waiters = new Map<string, Set<() => void>>();

  constructor(
    private readonly now: () => number,
    onListenerError: (err: unknown) => void = () => {},
  ) {
    this.touched = this.touches = new Listeners(onListenerError);
  }

  /** The latest stamp: a cursor that means "from now on". */
  get cursor(): number {
    return this.last;
  }

  /** Record that `key` changed for each entity. */
  touch(entityIds: Iterable<string | null | undefined>, key: string): void {
    const stamp = Math.max(this.now() * 1000, this.last + 1);
    this.last = stamp;
    const entry: ActivityEntry = { stamp, key };
    for (const id of new Set(entityIds)) {
      if (!id) continue;
      let log = this.logs.get(id);
      if (!log) this.logs.set(id, (log = new EntityLog()));
      log.add(entry);
      this.touches.emit(id, entry);
      const waiting = this.waiters.get(id);
      if (waiting) {
        this.waiters.delete(id);
        for (const wake of waiting) wake();
      }
    }
  }

  /** Keys changed for the entity after `cursor`, and the next cursor. */
  since(entityId: string, cursor: number): ActivitySince {
    return { keys: this.logs.get(entityId)?.since(cursor) ?? [], cursor: this.last };
  }

  /**
   * Changes after `cursor`, waiting up to `timeoutMs` for the first one. Resolves early when the
   * signal aborts (the client went away) and leaves no waiter behind in any case.
   */
  wait(entityId: string, cursor: number, timeoutMs: number, signal?: AbortSignal): Promise<ActivitySince> {
    const now = this.since(entityId, cursor);
    if (now.keys.length > 0 || timeoutMs <= 0 || signal?.aborted) return Promise.resolve(now);
    return new Promise((resolve) => {
      let set = this.waiters.get(entityId);
      if (!set) this.waiters.set(entityId, (set = new Set()));
      const finish = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', finish);
        const s = this.waiters.get(entityId);
        if (s) {
          s.delete(finish);
          if (s.size === 0) this.waiters.delete(entityId);
        }
        resolve(this.since(entityId, cursor));
      };
      const timer = setTimeout(finish, timeoutMs);
      signal?.addEventListener('abort', finish, { once: true });
      set.add(finish);
    });
  }

  /** Pending long-polls, for tests and health. */
  get waiting(): number {
    let n = 0;
    for (const s of this.waiters.values()) n += s.size;
    return n;
  }

  /** Forget every entity's changes (state reset or import). Stamps keep increasing. */
  clear(): void {
    this.logs.clear();
  }
}

/**
 * `lastactivity` on the wire: epoch seconds with six decimals (the stamp), a string. Clients that
 * pass a time instead (the `YYYY-MM-DD HH:MM:SS UTC` form, ISO 8601) get changes at or after it.
 */
export function formatCursor(stamp: number): string {
  const seconds = Math.floor(stamp / 1e6);
  const micros = stamp - seconds * 1e6;
  return `${seconds}.${String(micros).padStart(6, '0')}`;
}

/** Parse a cursor, or a time (inclusive), into a stamp; undefined when it is neither. */
export function parseCursor(text: string, parseTime: (s: string) => number | undefined): number | undefined {
  const s = text.trim();
  const m = /^(\d{1,11})(?:\.(\d{1,6}))?$/.exec(s);
  if (m) return Number(m[1]) * 1e6 + Number((m[2] ?? '').padEnd(6, '0'));
  const ms = parseTime(s);
  return ms === undefined ? undefined : ms * 1000 - 1;
}
