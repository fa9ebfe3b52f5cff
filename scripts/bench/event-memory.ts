/**
 * Event memory: what the audit events and their indexes cost, loaded the way `--seed FILE` loads
 * them (state-generator.ts writes the file; buildEmulator reads it with the streaming reader,
 * shifts its times and imports it), so a change to the event table can be compared before/after
 * in one run of this script each. Printed:
 *   - load: time, resident set, heap in use after a full GC
 *   - the first events search (it builds the event indexes): its time, the garbage it makes
 *     (heap before/after GC) and its peak resident set (VmHWM, reset before the search)
 *   - heap in use / heap total / RSS after a full GC with the indexes built
 *   - searches by org, limit 250, rendered as the route renders them (one at a time): p50/p99/max,
 *     with the V8 GC pauses seen while they ran, and the peak resident set while they ran
 *
 *   npx tsc -p tsconfig.build.json && node --expose-gc dist/scripts/bench/event-memory.js [events] [queries] [--orgs N] [--keep FILE]
 *
 * The state file is written to the temporary folder (or to/from `--keep FILE`, reused when it
 * exists, so repeated runs skip the generation). Defaults: the scale shape (10,000 orgs of 10
 * workspaces, 1,000,000 events), 20,000 searches.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics } from 'node:v8';
import { buildEmulator } from '../../emulator/server.js';
import { eventJson } from '../../emulator/events/format.js';
import { SCALE_SHAPE, writeStateFile, type StateShape } from './state-generator.js';
import { summarize } from './stats.js';

const positional = process.argv.slice(2).filter((a, i, all) => !a.startsWith('--') && !(all[i - 1] ?? '').startsWith('--'));
const flag = (name: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const EVENTS = Number(positional[0] ?? SCALE_SHAPE.events);
const QUERIES = Number(positional[1] ?? 20_000);
const shape: StateShape = { ...SCALE_SHAPE, orgs: Number(flag('--orgs') ?? SCALE_SHAPE.orgs), events: EVENTS };

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');
const mb = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MB`;

function proc(): { rss: number; hwm: number } {
  const s = readFileSync('/proc/self/status', 'utf8');
  const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(s)?.[1] ?? NaN) * 1024;
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}
/** Reset VmHWM to the current RSS (Linux: writing 5 to clear_refs). */
function resetPeak(): void {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
  } catch {
    /* not Linux, or not allowed: the peak stays the process's own */
  }
}
/** After a full GC: V8 heap in use and total, old space in use, array buffers (off the heap: typed arrays), RSS. */
function afterGc(): { used: number; total: number; old: number; buffers: number; rss: number } {
  gc!();
  gc!();
  const m = process.memoryUsage();
  const old = getHeapSpaceStatistics().find((s) => s.space_name === 'old_space')?.space_used_size ?? NaN;
  return { used: m.heapUsed, total: m.heapTotal, old, buffers: m.arrayBuffers, rss: proc().rss };
}

/** GC pauses by kind (minor = scavenge, major = mark-compact), in ms. */
const pauses: { kind: number; ms: number }[] = [];
const obs = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) pauses.push({ kind: (e as unknown as { detail?: { kind: number } }).detail?.kind ?? 0, ms: e.duration });
});
obs.observe({ entryTypes: ['gc'] });
/** GC entries reach the observer on a later turn of the event loop: wait for them first. */
async function takePauses(): Promise<string> {
  await new Promise((r) => setTimeout(r, 20));
  const kinds: Record<number, string> = { 1: 'minor', 2: 'major', 4: 'incremental', 8: 'weakcb' };
  const by = new Map<string, number[]>();
  for (const p of pauses.splice(0)) {
    const k = kinds[p.kind] ?? String(p.kind);
    if (!by.has(k)) by.set(k, []);
    by.get(k)!.push(p.ms);
  }
  return (
    [...by].map(([k, ms]) => `${k} ${ms.length}× (max ${Math.max(...ms).toFixed(1)} ms, sum ${ms.reduce((a, b) => a + b, 0).toFixed(0)} ms)`).join('; ') ||
    'none'
  );
}

async function main(): Promise<void> {
  const keep = flag('--keep');
  const file = keep ?? join(tmpdir(), `event-memory-${process.pid}.json`);
  let orgIds: string[];
  if (keep && existsSync(keep) && existsSync(`${keep}.orgs`)) {
    orgIds = JSON.parse(readFileSync(`${keep}.orgs`, 'utf8')) as string[];
  } else {
    const g0 = performance.now();
    const gen = await writeStateFile(file, shape);
    orgIds = gen.orgIds;
    if (keep) writeFileSync(`${keep}.orgs`, JSON.stringify(orgIds));
    console.log(
      `generated ${gen.totalRows.toLocaleString('en')} rows (${(gen.bytes / 1e6).toFixed(0)} MB) in ${((performance.now() - g0) / 1000).toFixed(1)} s`,
    );
  }
  const base = afterGc();
  resetPeak();
  try {
    const l0 = performance.now();
    const { emulator } = await buildEmulator({ seedFile: file });
    const loadMs = performance.now() - l0;
    const loadPeak = proc().hwm;
    const loaded = afterGc();
    console.log(
      `load (--seed path): ${(loadMs / 1000).toFixed(1)} s, peak rss ${mb(loadPeak)}; after GC: heap used ${mb(loaded.used)} (events and rows ${mb(loaded.used - base.used)}), heap total ${mb(loaded.total)}, rss ${mb(loaded.rss)}`,
    );
    await takePauses();

    // The first search builds the indexes.
    const table = emulator.db.events;
    resetPeak();
    const before = process.memoryUsage().heapUsed;
    const r0 = performance.now();
    const first = table.query({ scopes: { org: orgIds[0]! }, limit: 250, offset: 0 });
    const rebuildMs = performance.now() - r0;
    const heapRaw = process.memoryUsage().heapUsed;
    const rebuildPeak = proc().hwm;
    const rebuildPauses = await takePauses();
    const built = afterGc();
    console.log(
      `first search (index build): ${rebuildMs.toFixed(0)} ms (${first.total} events in org 0), peak rss ${mb(rebuildPeak)}, heap grew ${mb(heapRaw - before)} before GC; GC: ${rebuildPauses}`,
    );
    console.log(
      `indexes built, after GC: heap used ${mb(built.used)} + array buffers ${mb(built.buffers)} (indexes ${mb(built.used + built.buffers - loaded.used - loaded.buffers)}, ${((built.used + built.buffers - base.used - base.buffers) / EVENTS).toFixed(0)} bytes per event with the rows), old space ${mb(built.old)}, heap total ${mb(built.total)}, rss ${mb(built.rss)}`,
    );

    // Searches as the route runs them: by org, limit 250, the page rendered as JSON.
    const picks = Array.from({ length: 200 }, (_, k) => orgIds[Math.floor((k * orgIds.length) / 200)]!);
    for (let i = 0; i < 500; i++) table.query({ scopes: { org: picks[i % picks.length]! }, limit: 250, offset: 0 });
    await takePauses();
    resetPeak();
    const samples: number[] = [];
    for (let i = 0; i < QUERIES; i++) {
      const s = performance.now();
      const page = table.query({ scopes: { org: picks[i % picks.length]! }, limit: 250, offset: 0 });
      JSON.stringify({
        result: true,
        events: page.events.map(eventJson),
        pagination: { total: page.total, limit: 250, offset: 0, has_more: page.total > 250 },
      });
      samples.push(performance.now() - s);
    }
    const st = summarize(samples);
    const servingPeak = proc().hwm;
    console.log(
      `search by org, limit 250, rendered (${QUERIES.toLocaleString('en')}, one at a time): p50 ${st.p50.toFixed(3)} ms, p99 ${st.p99.toFixed(3)} ms, max ${st.max.toFixed(3)} ms; peak rss ${mb(servingPeak)}; GC: ${await takePauses()}`,
    );
    const end = afterGc();
    console.log(
      `end, after GC: heap used ${mb(end.used)} + array buffers ${mb(end.buffers)}, heap total ${mb(end.total)}, rss ${mb(end.rss)} (${emulator.db.events.size.toLocaleString('en')} events)`,
    );
  } finally {
    obs.disconnect();
    if (!keep) rmSync(file, { force: true });
  }
}

await main();
