/**
 * The top of a V8 CPU profile (`node --cpu-prof`), by self time and by inclusive time per
 * function, for writing the "cause" of a missed target.
 *
 *   node --cpu-prof --cpu-prof-dir=prof dist/cli.mjs start ...   (load it, then SIGTERM)
 *   node dist/scripts/bench/profile-summary.js prof/*.cpuprofile [--top 25]
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface FrameCost {
  frame: string;
  selfMs: number;
  selfShare: number;
  totalMs: number;
  totalShare: number;
}

function frameName(n: ProfileNode): string {
  const { functionName, url, lineNumber } = n.callFrame;
  const file = url
    ? url
        .replace(/^file:\/\//, '')
        .replace(/^.*\/node_modules\//, '~/')
        .replace(/^.*\/(dist|emulator)\//, '$1/')
    : '';
  return `${functionName || '(anonymous)'}${file ? ` ${file}:${lineNumber + 1}` : ''}`;
}

export function summarizeProfile(profile: CpuProfile, top = 25): { totalMs: number; bySelf: FrameCost[]; byTotal: FrameCost[] } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const totalUs = profile.timeDeltas.reduce((a, b) => a + b, 0);

  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const node = byId.get(id)!;
    self.set(frameName(node), (self.get(frameName(node)) ?? 0) + us);
    // Count each frame once per stack, even when it recurses.
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const name = frameName(byId.get(cur)!);
      if (seen.has(name)) continue;
      seen.add(name);
      inclusive.set(name, (inclusive.get(name) ?? 0) + us);
    }
  }
  const cost = (frame: string): FrameCost => ({
    frame,
    selfMs: (self.get(frame) ?? 0) / 1000,
    selfShare: (self.get(frame) ?? 0) / totalUs,
    totalMs: (inclusive.get(frame) ?? 0) / 1000,
    totalShare: (inclusive.get(frame) ?? 0) / totalUs,
  });
  const bySelf = [...self.keys()]
    .map(cost)
    .sort((a, b) => b.selfMs - a.selfMs)
    .slice(0, top);
  const byTotal = [...inclusive.keys()]
    .filter((f) => !f.startsWith('(root)'))
    .map(cost)
    .sort((a, b) => b.totalMs - a.totalMs)
    .slice(0, top);
  return { totalMs: totalUs / 1000, bySelf, byTotal };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const topIdx = args.indexOf('--top');
  const top = topIdx >= 0 ? Number(args[topIdx + 1]) : 25;
  const files = args.filter((a, i) => a.endsWith('.cpuprofile') && i !== topIdx + 1);
  for (const file of files) {
    const s = summarizeProfile(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, top);
    const pct = (x: number) => `${(x * 100).toFixed(1).padStart(5)}%`;
    console.log(`${file}: ${s.totalMs.toFixed(0)} ms sampled`);
    console.log('  self time');
    for (const f of s.bySelf) console.log(`  ${pct(f.selfShare)} ${f.selfMs.toFixed(0).padStart(7)} ms  ${f.frame}`);
    console.log('  inclusive time');
    for (const f of s.byTotal) console.log(`  ${pct(f.totalShare)} ${f.totalMs.toFixed(0).padStart(7)} ms  ${f.frame}`);
  }
}
