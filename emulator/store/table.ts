/**
 * A keyed collection with secondary indexes. Rows are replaced, never mutated in place
 * (`update` builds a new object), so a snapshot taken for persistence holds consistent rows
 * while requests go on.
 */
export interface Row {
  id: string;
}

/** One committed change of a table, as the journal records it. */
export type TableChange = { table: string; op: 'put'; row: Row } | { table: string; op: 'delete'; id: string } | { table: string; op: 'clear' };

type IndexKey<T> = (row: T) => string | undefined | null | readonly string[];

export interface TableSpec<T> {
  /** Non-unique indexes: key -> ids in insertion order. */
  indexes?: Record<string, IndexKey<T>>;
  /** Unique indexes: key -> one id. Inserting a duplicate key throws (services check first). */
  unique?: Record<string, IndexKey<T>>;
}

function keysOf<T>(fn: IndexKey<T>, row: T): readonly string[] {
  const k = fn(row);
  if (k === undefined || k === null) return [];
  return typeof k === 'string' ? [k] : k;
}

export class Table<T extends Row> {
  private readonly rows = new Map<string, T>();
  private readonly indexes = new Map<string, { fn: IndexKey<T>; map: Map<string, Set<string>> }>();
  private readonly uniques = new Map<string, { fn: IndexKey<T>; map: Map<string, string> }>();

  constructor(
    readonly name: string,
    spec: TableSpec<T> = {},
    private readonly onChange: (change: TableChange) => void = () => {},
  ) {
    for (const [k, fn] of Object.entries(spec.indexes ?? {})) this.indexes.set(k, { fn, map: new Map() });
    for (const [k, fn] of Object.entries(spec.unique ?? {})) this.uniques.set(k, { fn, map: new Map() });
  }

  get size(): number {
    return this.rows.size;
  }

  get(id: string): T | undefined {
    return this.rows.get(id);
  }

  has(id: string): boolean {
    return this.rows.has(id);
  }

  values(): IterableIterator<T> {
    return this.rows.values();
  }

  toArray(): T[] {
    return [...this.rows.values()];
  }

  /** Rows whose index `index` has key `key`, in insertion order. */
  find(index: string, key: string): T[] {
    const ids = this.indexMap(index).get(key);
    if (!ids) return [];
    const out: T[] = [];
    for (const id of ids) out.push(this.rows.get(id)!);
    return out;
  }

  count(index: string, key: string): number {
    return this.indexMap(index).get(key)?.size ?? 0;
  }

  /** The ids under an index key, without materialising rows. */
  idsFor(index: string, key: string): ReadonlySet<string> {
    return this.indexMap(index).get(key) ?? EMPTY;
  }

  findOne(unique: string, key: string): T | undefined {
    const u = this.uniques.get(unique);
    if (!u) throw new Error(`table ${this.name} has no unique index ${unique}`);
    const id = u.map.get(key);
    return id === undefined ? undefined : this.rows.get(id);
  }

  insert(row: T): T {
    if (this.rows.has(row.id)) throw new Error(`table ${this.name}: duplicate id ${row.id}`);
    for (const [name, u] of this.uniques) {
      for (const k of keysOf(u.fn, row)) {
        if (u.map.has(k)) throw new Error(`table ${this.name}: duplicate ${name} ${k}`);
      }
    }
    this.rows.set(row.id, row);
    this.addToIndexes(row);
    this.onChange({ table: this.name, op: 'put', row });
    return row;
  }

  /** Replace a row with `{...row, ...patch}` (or the result of `patch(row)`) and re-index it. */
  update(id: string, patch: Partial<T> | ((row: T) => T)): T {
    const prev = this.rows.get(id);
    if (!prev) throw new Error(`table ${this.name}: no row ${id}`);
    const next = typeof patch === 'function' ? patch(prev) : ({ ...prev, ...patch } as T);
    if (next.id !== id) throw new Error(`table ${this.name}: update may not change the id`);
    for (const [name, u] of this.uniques) {
      for (const k of keysOf(u.fn, next)) {
        const owner = u.map.get(k);
        if (owner !== undefined && owner !== id) throw new Error(`table ${this.name}: duplicate ${name} ${k}`);
      }
    }
    this.rows.set(id, next);
    this.reindex(prev, next);
    this.onChange({ table: this.name, op: 'put', row: next });
    return next;
  }

  delete(id: string): T | undefined {
    const prev = this.rows.get(id);
    if (!prev) return undefined;
    this.removeFromIndexes(prev);
    this.rows.delete(id);
    this.onChange({ table: this.name, op: 'delete', id });
    return prev;
  }

  clear(): void {
    this.rows.clear();
    for (const i of this.indexes.values()) i.map.clear();
    for (const u of this.uniques.values()) u.map.clear();
    this.onChange({ table: this.name, op: 'clear' });
  }

  /** Replace the whole content (loading a state file). */
  load(rows: readonly T[]): void {
    this.clear();
    for (const row of rows) {
      this.rows.set(row.id, row);
      this.addToIndexes(row);
    }
  }

  private indexMap(index: string): Map<string, Set<string>> {
    const i = this.indexes.get(index);
    if (!i) throw new Error(`table ${this.name} has no index ${index}`);
    return i.map;
  }

  private addToIndexes(row: T): void {
    for (const { fn, map } of this.indexes.values()) {
      for (const k of keysOf(fn, row)) {
        let set = map.get(k);
        if (!set) map.set(k, (set = new Set()));
        set.add(row.id);
      }
    }
    for (const { fn, map } of this.uniques.values()) {
      for (const k of keysOf(fn, row)) map.set(k, row.id);
    }
  }

  /** Move only the index keys that changed, so unchanged keys keep their insertion order. */
  private reindex(prev: T, next: T): void {
    for (const { fn, map } of this.indexes.values()) {
      const before = keysOf(fn, prev);
      const after = keysOf(fn, next);
      for (const k of before) {
        if (after.includes(k)) continue;
        const set = map.get(k);
        set?.delete(prev.id);
        if (set && set.size === 0) map.delete(k);
      }
      for (const k of after) {
        if (before.includes(k)) continue;
        let set = map.get(k);
        if (!set) map.set(k, (set = new Set()));
        set.add(next.id);
      }
    }
    for (const { fn, map } of this.uniques.values()) {
      for (const k of keysOf(fn, prev)) if (map.get(k) === prev.id) map.delete(k);
      for (const k of keysOf(fn, next)) map.set(k, next.id);
    }
  }

  private removeFromIndexes(row: T): void {
    for (const { fn, map } of this.indexes.values()) {
      for (const k of keysOf(fn, row)) {
        const set = map.get(k);
        if (!set) continue;
        set.delete(row.id);
        if (set.size === 0) map.delete(k);
      }
    }
    for (const { fn, map } of this.uniques.values()) {
      for (const k of keysOf(fn, row)) if (map.get(k) === row.id) map.delete(k);
    }
  }
}

const EMPTY: ReadonlySet<string> = new Set();
