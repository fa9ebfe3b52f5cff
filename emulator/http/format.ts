/**
 * Wire formatting shared by every area.
 * PARITY: the live API renders times as `YYYY-MM-DD HH:MM:SS UTC` (the official client's billing
 * tests carry server-formatted dates in this form: MediaFire/fastio_cli src/bin/fastio/commands/org.rs).
 */
export function formatTime(ms: number): string;
export function formatTime(ms: number | null | undefined): string | null;
export function formatTime(ms: number | null | undefined): string | null {
  if (ms === null || ms === undefined) return null;
  const sec = Math.floor(ms / 1000);
  const slot = sec & (TIME_CACHE_SIZE - 1);
  if (cachedSeconds[slot] === sec) return cachedTexts[slot]!;
  const iso = new Date(sec * 1000).toISOString();
  const text = `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
  cachedSeconds[slot] = sec;
  cachedTexts[slot] = text;
  return text;
}

/**
 * A memo of recently formatted seconds (direct-mapped): a list of records renders the same few
 * timestamps again and again, and a Date plus toISOString per field showed in the profiles. It is
 * shared by every instance in the process, which is harmless: it maps a number to its text and
 * holds no state of any emulator.
 */
const TIME_CACHE_SIZE = 4096;
const cachedSeconds = new Float64Array(TIME_CACHE_SIZE).fill(NaN);
const cachedTexts: (string | undefined)[] = new Array(TIME_CACHE_SIZE);

/**
 * Parse a time given by a client: ISO 8601, `YYYY-MM-DD HH:MM:SS UTC` (the API's own form),
 * `YYYY-MM-DD`, or epoch seconds. Returns undefined when it is none of these.
 */
export function parseTime(input: string): number | undefined {
  const s = input.trim();
  if (/^\d{9,11}$/.test(s)) return Number(s) * 1000;
  const api = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(?:\s*UTC)?$/.exec(s);
  const candidate = api ? `${api[1]}T${api[2]}Z` : /^\d{4}-\d{2}-\d{2}$/.test(s) ? `${s}T00:00:00Z` : s;
  if (!/^\d{4}-\d{2}-\d{2}T/.test(candidate)) return undefined;
  const ms = Date.parse(candidate);
  return Number.isNaN(ms) ? undefined : ms;
}
