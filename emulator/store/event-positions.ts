/**
 * The position lists the event table's indexes are made of (event-table.ts): ascending positions
 * into its `created`-ordered array, small ones as arrays, long ones as Uint32Arrays, and read-only
 * views of the rebuild's arena.
 */

const SMALL_LIST_MAX = 256;
/** Shared by views and copies before their own storage is set (never written: capacity 0). */
const EMPTY_POSITIONS: number[] = [];

/**
 * An ascending list of positions: a plain array while small (capacity doubling from 2, so short
 * lists waste little), a growable Uint32Array (4 bytes a position) once past SMALL_LIST_MAX.
 */
export class PositionList {
  private small: number[] | null;
  private big: Uint32Array | null = null;
  /** where the list starts in `big` (non-zero only in a read-only view of the arena) */
  private start = 0;
  length: number;

  constructor(first: number[] = []) {
    this.small = first;
    this.length = first.length;
  }

  /** A read-only view of `length` positions of the arena from `start` (a query's; never pushed to). */
  static view(arena: Uint32Array, start: number, length: number): PositionList {
    const list = new PositionList(EMPTY_POSITIONS);
    list.small = null;
    list.big = arena;
    list.start = start;
    list.length = length;
    return list;
  }

  /** A growable copy of `length` positions of the arena from `start` (an arena list getting a new event). */
  static copyOf(arena: Uint32Array, start: number, length: number): PositionList {
    if (length < SMALL_LIST_MAX) {
      const small = new Array<number>(length);
      for (let i = 0; i < length; i++) small[i] = arena[start + i]!;
      return new PositionList(small);
    }
    const list = new PositionList(EMPTY_POSITIONS);
    list.small = null;
    list.big = arena.slice(start, start + length);
    list.length = length;
    return list;
  }

  push(pos: number): void {
    const small = this.small;
    if (small) {
      if (this.length === small.length) {
        if (this.length >= SMALL_LIST_MAX) {
          this.big = new Uint32Array(this.length * 2);
          this.big.set(small);
          this.small = null;
          this.big[this.length++] = pos;
          return;
        }
        const grown = new Array<number>(Math.max(2, this.length * 2));
        for (let i = 0; i < this.length; i++) grown[i] = small[i]!;
        this.small = grown;
      }
      this.small![this.length++] = pos;
      return;
    }
    let big = this.big!;
    if (this.length === big.length) {
      const grown = new Uint32Array(Math.ceil(big.length * 1.5));
      grown.set(big);
      this.big = big = grown;
    }
    big[this.length++] = pos;
  }

  at(i: number): number {
    return this.small ? this.small[i]! : this.big![this.start + i]!;
  }

  /** Insert keeping the order (acknowledged lists: rare, and short). */
  insertSorted(pos: number): void {
    const i = this.lowerBoundValue(pos);
    if (i < this.length && this.at(i) === pos) return;
    this.push(pos);
    for (let j = this.length - 1; j > i; j--) this.set(j, this.at(j - 1));
    this.set(i, pos);
  }

  removeValue(pos: number): void {
    const i = this.lowerBoundValue(pos);
    if (i >= this.length || this.at(i) !== pos) return;
    for (let j = i; j < this.length - 1; j++) this.set(j, this.at(j + 1));
    this.length--;
  }

  /** First index whose position is >= `pos`. */
  lowerBoundValue(pos: number): number {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.at(mid) < pos) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private set(i: number, pos: number): void {
    if (this.small) this.small[i] = pos;
    else this.big![i] = pos;
  }
}

/**
 * A list as its map (or scope) holds it: a number >= 0 is a list of that one position (most keys
 * recorded one at a time, an object id, hold one event); a number < 0 is arena list `~p`; else a
 * growable list.
 */
export type Posting = number | PositionList;

/** The list a missing key reads as. */
export const EMPTY_LIST = new PositionList();
