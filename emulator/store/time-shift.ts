import type { StateFile } from './db.js';
import { TIME_FIELDS } from './model.js';

/**
 * Seeds are templates: a scenario made on one day should look current on the day it is loaded
 * (credits used "this period", invitations not yet expired). `shiftTimes` moves every timestamp of
 * a state by the same amount, so the seed's `savedAt` becomes the load time and every interval
 * between records is kept.
 */
const TIME_KEYS: ReadonlySet<string> = new Set(TIME_FIELDS);

/** Shift in place: the rows come straight from JSON.parse and nothing else holds them. */
function shiftValue(value: unknown, delta: number): void {
  if (Array.isArray(value)) {
    for (const v of value) if (v && typeof v === 'object') shiftValue(v, delta);
    return;
  }
  if (!value || typeof value !== 'object') return;
  const o = value as Record<string, unknown>;
  for (const k in o) {
    const v = o[k];
    if (typeof v === 'number') {
      if (TIME_KEYS.has(k)) o[k] = v + delta;
    } else if (v && typeof v === 'object') shiftValue(v, delta);
  }
}

/**
 * Move the state's times so its `savedAt` becomes `toMs`. The state is changed in place (a seed
 * freshly read from its file): copying every row of a large scenario costs more than the load.
 */
export function shiftTimes(state: StateFile, toMs: number): StateFile {
  const from = Date.parse(state.savedAt);
  if (!Number.isFinite(from)) return state;
  const delta = toMs - from;
  if (delta === 0) return state;
  for (const rows of Object.values(state.tables)) for (const row of rows) shiftValue(row, delta);
  state.savedAt = new Date(toMs).toISOString();
  return state;
}
