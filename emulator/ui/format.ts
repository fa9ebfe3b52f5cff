/** Small display helpers for the dashboard. */

const pad = (n: number) => String(n).padStart(2, '0');

/** `YYYY-MM-DD HH:MM:SS UTC`, the wire format's way of writing times. */
export function utc(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} UTC`;
}

/** `HH:MM:SS` of an ISO time, for lists. */
export function timeOfDay(iso: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

export function date(iso: string | null | undefined): string {
  return iso ? iso.slice(0, 10) : '';
}

/** How far the emulator clock runs ahead of real time. */
export function offset(ms: number): string {
  if (ms <= 0) return 'real time';
  const s = Math.round(ms / 1000);
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const parts = [d ? `${d}d` : '', h ? `${h}h` : '', m ? `${m}m` : '', !d && !h && !m ? `${s}s` : ''].filter(Boolean);
  return `+${parts.join(' ')} ahead`;
}

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

export function credits(n: number): string {
  if (n > 0 && n < 0.01) return '<0.01';
  return Number.isInteger(n) ? n.toLocaleString('en-US') : n.toLocaleString('en-US', { maximumFractionDigits: 2 });
}

/** The last digits of a long id, enough to tell rows apart. */
export function shortId(id: string | null): string {
  if (!id) return '';
  return id.length > 8 ? `…${id.slice(-6)}` : id;
}

/** A path with its long ids cut to their last characters: `/current/org/…7530/create/workspace/`. */
export function abbreviatePath(path: string): string {
  return path.replace(/\/([0-9a-z]{12,})(?=\/|$)/g, (_m, id: string) => `/…${id.slice(-4)}`);
}

/**
 * The share of a limit used, in whole percent, never rounding a gap away: 9,962 of 10,000 shows
 * 99%, not 100% (100% means nothing is left); a little use shows `<1%`, not 0%.
 */
export function percentUsed(used: number, limit: number): string {
  if (limit <= 0) return '100%';
  if (used <= 0) return '0%';
  const pct = (used / limit) * 100;
  if (used >= limit) return `${Math.floor(pct)}%`;
  if (pct < 1) return '<1%';
  return `${Math.min(99, Math.floor(pct))}%`;
}
