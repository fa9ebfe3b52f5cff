/**
 * BENCHMARKS.md from one run's results: machine, commands, the targets with their verdicts (and
 * causes of misses), then each section's figures. Nothing here is a figure of its own: every
 * number comes from the results passed in.
 */
import { bytesSection } from './bytes.js';
import { cpus, release, totalmem, type as osType, arch } from 'node:os';
import { fromPackageRoot } from '../../emulator/paths.js';
import { OBSERVATIONS } from './causes.js';
import type { TargetFigures, Ratio } from './http.js';
import { CHUNK_SEARCH_PASSAGES, evaluateTargets, THRESHOLDS, type BenchResults, type TargetRow } from './targets.js';

export interface Machine {
  cpu: string;
  cores: number;
  memoryBytes: number;
  node: string;
  os: string;
}

export function machineInfo(): Machine {
  const c = cpus();
  return {
    cpu: c[0]?.model.trim() ?? 'unknown',
    cores: c.length,
    memoryBytes: totalmem(),
    node: process.version,
    os: `${osType()} ${release()} ${arch()}`,
  };
}

export interface RunInfo {
  command: string;
  startedAt: Date;
  finishedAt: Date;
  machine: Machine;
  /** 1-minute load average when each section started and ended */
  load: { section: string; start: number; end: number }[];
  workDir: string;
  autocannonVersion: string;
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (v: number) => (Number.isFinite(v) ? `${v < 10 ? v.toFixed(2) : v.toFixed(1)}` : '—');
const ratio = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '—' : `${v.toFixed(2)}×`);
const mb = (b: number) => `${(b / 1e6).toFixed(b < 1e7 ? 1 : 0)} MB`;

function tidy(command: string, workDir: string): string {
  const root = fromPackageRoot();
  return command
    .replaceAll(workDir, '$TMP')
    .replaceAll(`file://${root}/`, '')
    .replaceAll(`${root}/`, '')
    .replace(/--port \d+/g, '--port PORT');
}

function table(head: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.map((c) => String(c).replaceAll('|', '\\|')).join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

function figuresTable(figures: TargetFigures[]): string {
  return table(
    ['target', 'req/s (median)', 'req/s per round', 'server CPU µs/req', 'p50 ms', 'p99 ms', 'p99 ms (median of rounds)', 'max ms', 'non-2xx + errors'],
    figures.map((f) => [
      f.label,
      int(f.rps),
      f.rpsRounds.map(int).join(', '),
      Number.isFinite(f.cpuUsPerRequest) ? int(f.cpuUsPerRequest) : '—',
      ms(f.latency.p50),
      ms(f.latency.p99),
      ms(f.p99Median),
      ms(f.latency.max),
      f.failures,
    ]),
  );
}

function ratioRows(ratios: Ratio[], figures: TargetFigures[]): string {
  const by = new Map(figures.map((f) => [f.id, f]));
  return table(
    ['A / B', 'req/s ratio (median)', 'per round', 'CPU-time ratio: B µs/req ÷ A µs/req'],
    ratios.map((r) => {
      const a = by.get(r.of);
      const b = by.get(r.to);
      return [
        `${a?.label ?? r.of} / ${b?.label ?? r.to}`,
        ratio(r.median),
        r.rounds.map((v) => v.toFixed(2)).join(', '),
        a && b ? ratio(b.cpuUsPerRequest / a.cpuUsPerRequest) : '—',
      ];
    }),
  );
}

function targetsTable(rows: TargetRow[]): string {
  const out = [
    table(
      ['section', 'target', 'figure', 'verdict'],
      rows.map((r) => [r.section, r.target, r.figure, `**${r.verdict}**`]),
    ),
  ];
  const notes = rows.filter((r) => r.cause || r.note);
  if (notes.length) {
    out.push('');
    for (const r of notes) {
      if (r.cause) out.push(`- ${r.target} — **MISSED**. cause: ${r.cause}`);
      if (r.note) out.push(`- ${r.target}: ${r.note}`);
    }
  }
  return out.join('\n');
}

export function renderReport(results: BenchResults, run: RunInfo): string {
  const m = run.machine;
  const mins = (run.finishedAt.getTime() - run.startedAt.getTime()) / 60000;
  const targets = evaluateTargets(results);
  const out: string[] = [];
  const p = (...lines: string[]) => out.push(...lines, '');

  p(
    '# Benchmarks',
    `Written by \`${run.command}\` on ${run.startedAt.toISOString().replace('T', ' ').slice(0, 16)} UTC (${mins.toFixed(1)} min, ${results.quick ? '**quick pass**: short runs, one round, figures are indicative only' : 'full run'}). ` +
      'Every figure below comes from that run; run it again to refresh this file. Comparisons are made in the same run, with targets taking turns ' +
      '(rounds in rotating order) so they share the machine\u2019s noise, and ratios are taken round by round (their median is reported).',
  );

  p('## Machine');
  p(
    table(
      ['', ''],
      [
        ['CPU', `${m.cpu} (${m.cores} cores)`],
        ['memory', `${(m.memoryBytes / 2 ** 30).toFixed(1)} GiB`],
        ['Node.js', m.node],
        ['OS', m.os],
        ['date', run.startedAt.toISOString()],
        ['1-min load average (start → end of each section)', run.load.map((l) => `${l.section} ${l.start.toFixed(1)} → ${l.end.toFixed(1)}`).join('; ')],
      ],
    ),
    '',
    `The load generator (autocannon ${run.autocannonVersion}, programmatic API) runs in the bench process and every server in its own process, so on ${m.cores} cores ` +
      'the generator and the server under test compete with each other and with anything else running: a load average above the core count ' +
      'during a section means other work shared the machine. Absolute req/s here are this machine\u2019s; the ratios are the figures to compare.',
  );

  p('## Commands');
  const cmds = [`\`${run.command}\` (builds with \`npm run build\`, then runs \`node dist/scripts/bench/index.js${results.quick ? ' --quick' : ''}\`)`];
  if (results.http) {
    for (const [id, c] of Object.entries(results.http.emulatorCommands)) cmds.push(`${id}: \`${tidy(c, run.workDir)}\``);
    const seen = new Set<string>();
    for (const s of results.http.scenarios)
      for (const f of s.figures)
        if (f.kind !== 'emulator' && !seen.has(f.id)) {
          seen.add(f.id);
          cmds.push(`${f.label}: \`${tidy(f.command, run.workDir)}\``);
        }
  }
  if (results.persistence) {
    cmds.push(`persistence, with --data: \`${tidy(results.persistence.commands.disk, run.workDir)}\``);
    cmds.push(`persistence, in memory: \`${tidy(results.persistence.commands.mem, run.workDir)}\``);
  }
  if (results.scale) cmds.push(`scale: \`${tidy(results.scale.command, run.workDir)}\``);
  p(...cmds.map((c) => `- ${c}`));
  p(
    '`$TMP` is the run\u2019s temporary folder, `PORT` a free port picked for each server. Every server listens on 127.0.0.1. ' +
      'The emulator runs with `--rate-limit off` in throughput runs: the limiter still runs on every request (same cost), but a run at ' +
      '10k req/s would spend the default budget (100,000 per 60 s) and measure 429s. The throughput runs also load `--plans` with the ' +
      'April-2026 catalog minus its workspace and member limits, so a create benchmark can make thousands of workspaces in one org.',
  );

  p('## Targets (issue 8)');
  p(targetsTable(targets));
  if (Object.keys(results.errors).length) {
    p('### Sections that failed in this run', ...Object.entries(results.errors).map(([k, v]) => `- ${k}: ${v}`));
  }

  // 1. Startup
  p('## 1. Startup');
  const st = results.startup;
  if (!st) p(`Not run${results.errors.startup ? `: ${results.errors.startup}` : ''}.`);
  else {
    p(
      `Spawn of a process to the first 200 from its health URL (\`/_emulator/health\` for the emulator CLI, \`/\` for a bare node:http server ` +
        `started the same way: scripts/bench/servers/bare-server.ts), ${st.empty.runs} runs each, interleaved, after one warm-up each.`,
    );
    const rows: (string | number)[][] = [];
    const add = (label: string, s: typeof st.empty.emulator) => rows.push([label, ms(s.p50), ms(s.min), ms(s.p90), ms(s.max)]);
    add('emulator CLI, empty state', st.empty.emulator);
    add('bare node:http', st.empty.bare);
    if (st.large) add(`emulator CLI, \`large\` scenario (${st.large.extraArgs.join(' ')})`, st.large.emulator);
    p(table(['', 'p50 ms', 'min ms', 'p90 ms', 'max ms'], rows));
    p(`Overhead of the emulator over bare node (medians): **${ms(st.empty.overheadMs)} ms** (target ≤ ${THRESHOLDS.startupOverheadMs} ms).`);
    if (!st.large) p(`\`large\` scenario: not measured — ${st.largeSkipped ?? 'skipped'}.`);
  }

  // 2. Throughput
  p('## 2. Throughput and latency');
  const h = results.http;
  if (!h) p(`Not run${results.errors.http ? `: ${results.errors.http}` : ''}.`);
  else {
    p(
      `Keep-alive, ${h.connections} connections, closed loop (autocannon), ${h.rounds} round(s) of ${h.durationSec} s per target after a ${h.warmupSec} s warm-up each; ` +
        'latencies are every response\u2019s own time (autocannon\u2019s per-response figure, in \u00b5s resolution), pooled over rounds. ' +
        'The emulator is measured twice: `--log-level warn` is what a CI job runs (per-request lines at thousands of requests per second ' +
        'only fill the job log; warnings and errors still show), and the targets are judged on it; `--log-level info` is the default ' +
        '(`npm start`, a person at a terminal) and is shown for what logging costs. Its log goes to a file, as a CI job would keep it.',
      '',
      'Server CPU µs/req is the CPU time (user + system, all threads, from /proc) the server process used during a run divided by the ' +
        'requests it answered: unlike req/s it barely moves when other work shares the machine, so its ratio is the steadier comparison ' +
        '(on an idle machine, a single-threaded server\u2019s req/s is about 1 / its CPU per request). The targets are judged on req/s, as the issue states them.',
      '',
      'The ceilings answer the exact body the emulator answered for the same request (written to a file after the emulator\u2019s first ' +
        'answer), after the same Bearer check; they serialise it once at start. The peers serve the same record: json-server 0.17 as a ' +
        'singular resource routed to the same path (it pretty-prints it and checks no token), Prism `mock` from a one-route OpenAPI ' +
        'document whose example is the body and whose operation requires a Bearer token.',
      '',
      'The minimal express app is written as express apps are (`app.listen`), so express switches the prototype of every request and ' +
        'response (`Object.setPrototypeOf`), which in V8 leaves new hidden classes in the old generation on every request and makes each ' +
        'young-generation GC take milliseconds. The emulator\u2019s server creates its requests and responses with express\u2019s ' +
        'prototypes from the start (`expressNative` in emulator/server.ts), so that switch costs it nothing: where the emulator answers ' +
        'faster than the framework ceiling, this is why.',
    );
    for (const s of h.scenarios) {
      p(`### ${s.title}`);
      if (s.skipped) {
        p(`Not measured: ${s.skipped}.`);
        continue;
      }
      if (s.sampleBytes !== undefined) p(`Response body: ${s.sampleBytes} bytes.`);
      p(figuresTable(s.figures));
      p(ratioRows(s.ratios, s.figures));
      if (s.unavailable.length) p(...s.unavailable.map((u) => `- ${u.label}: not measurable here — ${u.reason}`));
      if (s.notes.length) p(...s.notes);
      if (OBSERVATIONS[s.id]) p(`Observation: ${OBSERVATIONS[s.id]}`);
    }
    if (h.notes.length) p(...h.notes.map((n) => `- ${n}`));
    const r = h.rate;
    if (r) {
      p(`### p99 at ${int(r.rps)} req/s (${h.scenarios.find((s) => s.id === r.scenarioId)?.title ?? r.scenarioId})`);
      p(
        `Two load shapes, ${r.rounds} round(s) of ${r.durationSec} s per target, interleaved. **Evenly paced** (scripts/bench/paced.ts, the ` +
          `target\u2019s figure): a request every ${(1000 / r.rps).toFixed(1)} ms whatever the answers do, over up to ${r.connections} keep-alive ` +
          `connections, each latency from the moment the request was issued. **autocannon \`overallRate\`**: autocannon paces each connection ` +
          `per second (its quota goes out back to back when the second starts), so the server sees a burst of ${int(r.rps)} requests, ` +
          `${r.connections} at a time, at the top of every second: that is latency under bursts, shown for comparison.`,
      );
      p('Evenly paced:', '', figuresTable(r.paced));
      p('autocannon `overallRate`:', '', figuresTable(r.autocannon));
    }
  }

  // 3. Scale
  p('## 3. Scale');
  const sc = results.scale;
  if (!sc) p(`Not run${results.errors.scale ? `: ${results.errors.scale}` : ''}.`);
  else {
    p(
      `A generated state (scripts/bench/state-generator.ts) of ${int(sc.shape.orgs)} orgs, ${int(sc.shape.orgs * sc.shape.workspacesPerOrg)} workspaces and ` +
        `${int(sc.shape.events)} audit events, with one owner (and API key) per org, the owner\u2019s org and workspace memberships: ` +
        `${int(sc.totalRows)} rows, ${mb(sc.fileBytes)} of JSON${results.quick ? ' (**--quick: one tenth of the issue\u2019s scale**)' : ''}. ` +
        'Loaded with `--seed FILE`, the import path a user has; memory is the process\u2019s resident set from /proc. For the figures ' +
        '"after a full GC" the emulator runs with `--expose-gc --import scripts/bench/servers/memory-probe.js` (a bench-only preload ' +
        'that collects garbage and reports `process.memoryUsage()` on SIGUSR2; the emulator\u2019s code is unchanged).',
    );
    p(
      table(
        ['', ''],
        [
          [
            'rows per table',
            Object.entries(sc.rows)
              .map(([k, v]) => `${k} ${int(v)}`)
              .join(', '),
          ],
          ['generating the file', `${int(sc.generateMs)} ms`],
          ['spawn to first 200 with `--seed`', `${int(sc.readyMs)} ms`],
          ['resident memory when ready', mb(sc.rssReadyBytes)],
          ['resident memory, largest while serving (sampled every 250 ms through the list runs)', mb(sc.rssServingMaxBytes)],
          ['peak resident memory over the process\u2019s life (VmHWM, loading included)', mb(sc.peakRssBytes)],
          ['resident memory of an empty emulator', mb(sc.emptyRssBytes)],
          ...(sc.afterGc
            ? [
                ['after a full GC: resident memory', mb(sc.afterGc.rssBytes)],
                [
                  'after a full GC: V8 heap in use / heap total / external',
                  `${mb(sc.afterGc.heapUsedBytes)} / ${mb(sc.afterGc.heapTotalBytes)} / ${mb(sc.afterGc.externalBytes)}`,
                ],
              ]
            : []),
          ...(sc.emptyAfterGc
            ? [['empty emulator after a full GC: resident / heap in use', `${mb(sc.emptyAfterGc.rssBytes)} / ${mb(sc.emptyAfterGc.heapUsedBytes)}`]]
            : []),
        ],
      ),
    );
    if (sc.list) {
      p(
        `Workspace list at this scale (\`${sc.list.route}\`, ${sc.list.connections} connections, 200 different orgs as their owners) next to the ` +
          'same list in a state of one org with the same shape. The workspaces table indexes workspaces by org (org id → set of ids), so ' +
          'a list reads only its org\u2019s workspaces; it builds the whole visible list, then slices the page (`limit`, `offset`).',
      );
      p(figuresTable([sc.list.scale, sc.list.small]));
      p(`p99 at scale / p99 with one org: **${ratio(sc.list.ratio.median)}** (per round: ${sc.list.ratio.rounds.map((v) => v.toFixed(2)).join(', ')}).`);
      if (OBSERVATIONS['scale-list']) p(`Observation: ${OBSERVATIONS['scale-list']}`);
    } else p(`Workspace list at scale: not measured — ${sc.listSkipped ?? 'skipped'}.`);
  }
  const se = results.search;
  const sh = results.searchHttp;
  p('### Chunk search');
  if (!sh) p(`Through the route: not measured — ${results.errors['search-http'] ?? 'not run'}.`);
  else {
    p(
      `Through the route (scripts/bench/search-http.ts): an emulator in the bench process (\`startEmulator\`, ingestion without delay, rate limit off), ` +
        `one human persona, an org on the pro plan, one workspace with intelligence on; generated text files (seeded, Zipf-distributed words, about one ` +
        `passage per paragraph) uploaded with \`POST /current/upload/\` in batches of 50 and ingested (\`POST /_emulator/jobs/settle\`) until the ` +
        `workspace index holds at least ${int(sh.targetPassages)} passages: **${int(sh.passages)} passages in ${int(sh.files)} files**, uploaded and ` +
        `ingested in ${int(sh.ingestMs)} ms${sh.targetPassages < CHUNK_SEARCH_PASSAGES ? ` (**--quick: ${int(sh.targetPassages)} passages asked, not the issue\u2019s ${int(CHUNK_SEARCH_PASSAGES)}**; the target is not judged on it)` : ''}. ` +
        'Then `GET /current/workspace/{id}/storage/search/` with a seeded mix of queries (two-word, three- and four-word, misspelt, questions), ' +
        `one request at a time over keep-alive \`fetch\`, ${sh.shapes[0]?.queries ?? 0} measured per shape after 50 unmeasured; the client shares the ` +
        'process with the server, so the figures include it. The checksum (sum of `pagination.total`) is equal across runs when search is deterministic.',
    );
    p(
      table(
        ['query shape', 'queries', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'checksum'],
        sh.shapes.map((s) => [s.shape, int(s.queries), ms(s.p50Ms), ms(s.p95Ms), ms(s.p99Ms), ms(s.maxMs), int(s.checksum)]),
      ),
    );
  }
  if (!se) p(`The engine alone: not measured — ${results.searchSkipped ?? results.errors.search ?? 'not run'}.`);
  else
    p(
      `The engine alone: \`runSearchBench\` from scripts/bench/search.ts (the intelligence engine\u2019s own benchmark) in the bench process, no route and no HTTP: ` +
        `${int(se.passages)} passages in one workspace index, ${int(se.queries)} queries, limit 10: p50 **${ms(se.p50Ms)} ms**, p99 ${ms(se.p99Ms)} ms.`,
    );
  const ev = sc?.eventsSearch;
  p('### Events search');
  if (!ev) p(`Not measured: ${sc?.eventsSkipped ?? 'not run'}.`);
  else {
    p(
      `\`${ev.route}\` against the scale state, 200 different orgs (about ${int(ev.eventsPerOrg)} events each) as their owners: one connection, one request ` +
        `at a time (a search's own latency, the target's figure), then ${ev.loadedConnections} connections in a closed loop (throughput; latency there is mostly queueing). ` +
        `The event table keeps its indexes (by org, workspace, user, name, category…) as sorted position lists, builds them on the first search after a load ` +
        `(${ms(ev.firstSearchMs)} ms here), and walks the shortest list that answers the filters from the newest end, so a page costs what it returns.`,
    );
    p(figuresTable([ev.figures, ev.loaded]));
  }
  p(
    '### Not measured yet',
    '- Resident memory with search indexes: the scale state holds no ingested files, so the memory figures above include the event indexes ' +
      '(the events search builds them before the largest and the after-GC readings) but no search index; chunk search is measured in a workspace of its own (above).',
  );

  // 4. Persistence
  p('## 4. Persistence (`--data`)');
  const ps = results.persistence;
  if (!ps) p(`Not run${results.errors.persistence ? `: ${results.errors.persistence}` : ''}.`);
  else {
    const w = ps.writes;
    p(
      `**Write throughput**: \`${w.route}\` (creates one API key per request: a write that changes one row and costs no password hashing), ` +
        `${w.mem.rpsRounds.length} round(s) per emulator, alternating, each run starting from an empty state (reset, new persona). ` +
        `Flushes during each --data run: ${w.flushesPerRun.join(', ')}.`,
    );
    p(figuresTable([w.mem, w.disk]));
    p(
      `with --data / in memory: **${ratio(w.ratio.median)}** (per round: ${w.ratio.rounds.map((v) => v.toFixed(2)).join(', ')}; target ≥ ${THRESHOLDS.writeRatio}).`,
    );
    p(
      '**Flush time against state size**: the emulator\u2019s own Persistence (emulator/store/persistence.ts) in the bench process, loaded with a ' +
        'generated state of each size (same proportions as the scale state), each flush timed; meanwhile a setImmediate chain records every ' +
        'turn of the event loop (the longest is what a request arriving then would wait), and after each flush the same recording runs with ' +
        'nothing to do for as long, which shows what the machine alone does to the loop (GC of the bench process included).',
    );
    p(
      table(
        ['rows', 'file', 'flush ms (median)', 'flush ms, each', 'longest loop turn ms, each flush', 'p99.9 loop turn ms', 'longest turn ms, each idle window'],
        ps.flushBySize.map((f) => [
          int(f.rows),
          mb(f.fileBytes),
          ms(f.flushMs),
          f.flushMsRuns.map((v) => ms(v)).join(', '),
          f.maxBlockPerFlush.map((v) => ms(v)).join(', '),
          ms(f.p999BlockMs),
          f.idleMaxPerWindow.map((v) => ms(v)).join(', '),
        ]),
      ),
    );
    const d = ps.duringFlush;
    p(
      `**Requests during flushes of the large state** (${int(d.rows)} rows, ${mb(d.stateBytes)}, imported with \`PUT /_emulator/state\` into both emulators): ` +
        `\`${d.route}\` closed loop on ${d.connections} connections (few, so a block shows as latency rather than queueing) while a writer creates an ` +
        `API key every ${d.writeEveryMs} ms, which keeps a flush always running or due on the --data emulator (flushes per run: ${d.flushesPerRun.join(', ')}).`,
    );
    p(figuresTable([d.mem, d.disk]));
    p(
      `Worst read latency per round: with --data ${d.diskMaxRounds.map((v) => ms(v)).join(', ')} ms; without ${d.memMaxRounds.map((v) => ms(v)).join(', ')} ms.`,
    );
    if (OBSERVATIONS['persistence-during-flush']) p(`Observation: ${OBSERVATIONS['persistence-during-flush']}`);
  }
  for (const paragraph of bytesSection(results.bytes, results.errors.bytes)) p(paragraph);
  return out.join('\n').replace(/\n{3,}/g, '\n\n');
}
