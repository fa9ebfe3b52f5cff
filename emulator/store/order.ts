/**
 * Creation order for listings. Rows made in the same millisecond keep the order they were made
 * in: tables list rows (and index keys) in insertion order, so the position in the input breaks
 * ties. Ids are random and cannot: a tie broken by id made two-row listings flip at random.
 */
export interface Created {
  created: number;
}

export function oldestFirst<T extends Created>(rows: Iterable<T>): T[] {
  return ordered(rows, 1);
}

export function newestFirst<T extends Created>(rows: Iterable<T>): T[] {
  return ordered(rows, -1);
}

function ordered<T extends Created>(rows: Iterable<T>, dir: 1 | -1): T[] {
  const order = [...rows].map((row, i) => ({ row, i }));
  order.sort((a, b) => (a.row.created - b.row.created || a.i - b.i) * dir);
  return order.map((o) => o.row);
}
