/**
 * Scale: the emulator holding the scale state (10,000 orgs, 100,000 workspaces,
 * 1,000,000 events, with their owners, keys and memberships), loaded the way a user would load it
 * (`--seed FILE`). Measured: generation, time from spawn to the first 200 with that seed,
 * resident memory (from /proc, so it is the process's own figure), the workspace list at that
 * scale next to the same list in a one-org state (its cost must not grow with the total), and the
 * events search (by org, limit 250) over HTTP against that state.
 *
 * Chunk search over 10,000 passages is not part of this state (it holds no files): search.ts (the
 * engine) and search-http.ts (through the route, over HTTP) measure it in a workspace of their own.
 */
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { emulatorArgs, figuresOf, interleaved, writeBenchPlans, type Ratio, type Target, type TargetFigures } from './http.js';
import { runLoad } from './load.js';
import { memoryOf, startServer, type ServerProcess } from './processes.js';
import { ownerApiKey, rowsOf, writeStateFile, type StateShape } from './state-generator.js';
import { median } from './stats.js';

export interface ScaleBenchOptions {
  shape: StateShape;
  /** load rounds for the workspace list */
  rounds: number;
  durationSec: number;
  connections: number;
  workDir: string;
  logDir: string;
  log: (msg: string) => void;
}

export interface MemoryAfterGc {
  rssBytes: number;
  heapUsedBytes: number;
  heapTotalBytes: number;
  externalBytes: number;
}

export interface ScaleResult {
  shape: StateShape;
  rows: Record<string, number>;
  totalRows: number;
  fileBytes: number;
  generateMs: number;
  command: string;
  /** spawn to the first 200 from /_emulator/health with --seed */
  readyMs: number;
  rssReadyBytes: number;
  /** the largest resident set sampled (every 250 ms) from ready, through the list runs, to 2 s after them */
  rssServingMaxBytes: number;
  /** VmHWM: the peak over the process's life, reading and parsing the seed file included */
  peakRssBytes: number;
  /** an emulator with an empty state, same flags, for reference */
  emptyRssBytes: number;
  /** after a full garbage collection (memory-probe.ts): what the loaded state itself holds */
  afterGc?: MemoryAfterGc;
  emptyAfterGc?: MemoryAfterGc;
  list: { route: string; connections: number; scale: TargetFigures; small: TargetFigures; ratio: Ratio } | undefined;
  /** `GET /current/events/search/?org_id=…&limit=250` over 200 orgs, each as its owner */
  eventsSearch?: { route: string; eventsPerOrg: number; firstSearchMs: number; figures: TargetFigures; loaded: TargetFigures; loadedConnections: number };
  eventsSkipped?: string;
  /** search routes in this build, as its route table lists them */
  routesPresent: { eventsSearch: boolean; storageSearch: boolean };
  listSkipped?: string;
}

async function hasRoute(url: string, method: string, path: string): Promise<boolean> {
  const body = (await (await fetch(`${url}/_emulator/routes`)).json()) as { routes: { method: string; path: string }[] };
  return body.routes.some((r) => r.method === method && r.path === path);
}

export async function runScaleBench(opts: ScaleBenchOptions): Promise<ScaleResult> {
  const { log } = opts;
  const plans = writeBenchPlans(opts.workDir);
  const stateFile = join(opts.workDir, 'scale-state.json');
  const smallFile = join(opts.workDir, 'scale-small-state.json');
  log(`  generating ${rowsOf(opts.shape).toLocaleString('en-US')} rows`);
  const g0 = performance.now();
  const generated = await writeStateFile(stateFile, opts.shape);
  const generateMs = performance.now() - g0;
  // The same tenant shape, one org: the list must cost the same in both.
  const smallState = await writeStateFile(smallFile, { orgs: 1, workspacesPerOrg: opts.shape.workspacesPerOrg, events: 0 });

  const probeModule = pathToFileURL(fileURLToPath(new URL('./servers/memory-probe.js', import.meta.url))).href;
  const start = (name: string, extra: string[], probeFile?: string) =>
    startServer({
      name,
      args: [...(probeFile ? ['--expose-gc', '--import', probeModule] : []), ...emulatorArgs('warn', plans, extra)],
      ...(probeFile ? { env: { MEMORY_PROBE_FILE: probeFile } } : {}),
      readyPath: '/_emulator/health',
      readyStatus: 200,
      readyTimeoutMs: 600_000,
      logDir: opts.logDir,
    });
  const probeFiles = { scale: join(opts.workDir, 'memory-scale.json'), empty: join(opts.workDir, 'memory-empty.json') };

  log(`  starting with --seed (${(generated.bytes / 1e6).toFixed(0)} MB)`);
  const t0 = performance.now();
  const scale = await start('emulator-scale', ['--seed', stateFile], probeFiles.scale);
  const readyMs = performance.now() - t0;
  let small: ServerProcess | undefined;
  let empty: ServerProcess | undefined;
  try {
    const rssReady = memoryOf(scale.pid);
    // Sample the resident set while the emulator serves: V8 lets garbage pile up between major
    // collections, so one reading could land anywhere in that cycle.
    let rssServingMax = rssReady?.rssBytes ?? NaN;
    const sampler = setInterval(() => {
      const m = memoryOf(scale.pid);
      if (m) rssServingMax = Math.max(rssServingMax, m.rssBytes);
    }, 250);
    empty = await start('emulator-empty', [], probeFiles.empty);
    await sleep(500);
    const emptyRss = memoryOf(empty.pid);
    const emptyAfterGc = await memoryAfterGc(empty, probeFiles.empty);
    await empty.stop();
    empty = undefined;

    const routesPresent = {
      eventsSearch: await hasRoute(scale.url, 'GET', '/current/events/search/'),
      storageSearch: await hasRoute(scale.url, 'GET', '/current/workspace/:workspace_id/storage/search/'),
    };
    let list: ScaleResult['list'];
    let listSkipped: string | undefined;
    const listPath = '/current/org/:org_id/list/workspaces/';
    if (!(await hasRoute(scale.url, 'GET', listPath))) {
      listSkipped = `GET ${listPath} is not in this build`;
    } else {
      small = await start('emulator-one-org', ['--seed', smallFile]);
      // A spread of tenants, each request as that org's owner.
      const picks = Array.from({ length: 200 }, (_, k) => Math.floor((k * generated.orgIds.length) / 200));
      const targets: Target[] = [
        {
          id: 'scale',
          label: `${opts.shape.orgs.toLocaleString('en-US')} orgs`,
          kind: 'emulator',
          server: scale,
          requests: picks.map((i) => ({
            method: 'GET' as const,
            path: `/current/org/${generated.orgIds[i]}/list/workspaces/`,
            headers: { authorization: `Bearer ${ownerApiKey(i)}` },
          })),
        },
        {
          id: 'small',
          label: '1 org',
          kind: 'emulator',
          server: small,
          requests: [{ method: 'GET', path: `/current/org/${smallState.orgIds[0]}/list/workspaces/`, headers: { authorization: `Bearer ${ownerApiKey(0)}` } }],
        },
      ];
      const probe = await fetch(`${scale.url}${targets[0]!.requests[0]!.path}`, { headers: targets[0]!.requests[0]!.headers! });
      if (probe.status !== 200) {
        listSkipped = `the list answered ${probe.status}: ${(await probe.text()).slice(0, 200)}`;
      } else {
        log(`  workspace list, ${opts.connections} connections`);
        for (const t of targets) await runLoad({ url: t.server.url, requests: t.requests, connections: opts.connections, durationSec: 1 });
        const runs = await interleaved(
          targets,
          opts.rounds,
          (t) => runLoad({ url: t.server.url, requests: t.requests, connections: opts.connections, durationSec: opts.durationSec }),
          log,
        );
        const a = runs.get('scale')!;
        const b = runs.get('small')!;
        const rounds = a.map((r, i) => r.latency.p99 / b[i]!.latency.p99);
        list = {
          route: `GET ${listPath}`,
          connections: opts.connections,
          scale: figuresOf(targets[0]!, a),
          small: figuresOf(targets[1]!, b),
          ratio: { of: 'scale', to: 'small', median: median(rounds), rounds },
        };
      }
    }
    // Events search at this scale: filtered by org, limit 250, each request as that org's owner.
    // The event indexes are built on the first search after a load; that first answer is timed on
    // its own, then the figures come from the warm indexes.
    let eventsSearch: ScaleResult['eventsSearch'];
    let eventsSkipped: string | undefined;
    if (!routesPresent.eventsSearch) eventsSkipped = 'GET /current/events/search/ is not in this build';
    else if (opts.shape.events === 0) eventsSkipped = 'the state has no events';
    else {
      const picks = Array.from({ length: 200 }, (_, k) => Math.floor((k * generated.orgIds.length) / 200));
      const target: Target = {
        id: 'events',
        label: `events search, ${opts.shape.events.toLocaleString('en-US')} events`,
        kind: 'emulator',
        server: scale,
        requests: picks.map((i) => ({
          method: 'GET' as const,
          path: `/current/events/search/?org_id=${generated.orgIds[i]}&limit=250`,
          headers: { authorization: `Bearer ${ownerApiKey(i)}` },
        })),
      };
      const f0 = performance.now();
      const first = await fetch(`${scale.url}${target.requests[0]!.path}`, { headers: target.requests[0]!.headers! });
      const firstSearchMs = performance.now() - f0;
      if (first.status !== 200) eventsSkipped = `the search answered ${first.status}: ${(await first.text()).slice(0, 200)}`;
      else {
        await first.arrayBuffer();
        // The target's figure is a search's own latency: one connection, one request at a time.
        // Under concurrent load a closed loop's latency is mostly queueing; that is shown beside it.
        log(`  events search (first search ${firstSearchMs.toFixed(0)} ms): 1 connection, then ${opts.connections}`);
        await runLoad({ url: scale.url, requests: target.requests, connections: 1, durationSec: 1 });
        const single: Awaited<ReturnType<typeof runLoad>>[] = [];
        const loaded: Awaited<ReturnType<typeof runLoad>>[] = [];
        for (let r = 0; r < opts.rounds; r++) {
          single.push(await runLoad({ url: scale.url, requests: target.requests, connections: 1, durationSec: opts.durationSec }));
          loaded.push(await runLoad({ url: scale.url, requests: target.requests, connections: opts.connections, durationSec: opts.durationSec }));
        }
        eventsSearch = {
          route: 'GET /current/events/search/?org_id=…&limit=250',
          eventsPerOrg: Math.round(opts.shape.events / Math.max(1, opts.shape.orgs)),
          firstSearchMs,
          figures: figuresOf({ ...target, id: 'events-1', label: 'events search, 1 connection' }, single),
          loaded: figuresOf({ ...target, id: 'events-n', label: `events search, ${opts.connections} connections` }, loaded),
          loadedConnections: opts.connections,
        };
      }
    }
    await sleep(2000);
    clearInterval(sampler);
    const settled = memoryOf(scale.pid);
    rssServingMax = Math.max(rssServingMax, settled?.rssBytes ?? 0);
    const afterGc = await memoryAfterGc(scale, probeFiles.scale);
    return {
      shape: opts.shape,
      rows: generated.rows,
      totalRows: generated.totalRows,
      fileBytes: statSync(stateFile).size,
      generateMs,
      command: scale.command,
      readyMs,
      rssReadyBytes: rssReady?.rssBytes ?? NaN,
      rssServingMaxBytes: rssServingMax,
      peakRssBytes: settled?.peakRssBytes ?? NaN,
      emptyRssBytes: emptyRss?.rssBytes ?? NaN,
      ...(afterGc ? { afterGc } : {}),
      ...(emptyAfterGc ? { emptyAfterGc } : {}),
      list,
      routesPresent,
      ...(listSkipped ? { listSkipped } : {}),
      ...(eventsSearch ? { eventsSearch } : {}),
      ...(eventsSkipped ? { eventsSkipped } : {}),
    };
  } finally {
    await scale.stop();
    await small?.stop();
    await empty?.stop();
    rmSync(stateFile, { force: true });
    rmSync(smallFile, { force: true });
  }
}

/** Ask the probe in `server` for a full GC and its memory figures; RSS is then read from /proc. */
async function memoryAfterGc(server: ServerProcess, file: string): Promise<MemoryAfterGc | undefined> {
  rmSync(file, { force: true });
  server.child.kill('SIGUSR2');
  for (let i = 0; i < 200 && !existsSync(file); i++) await sleep(50);
  if (!existsSync(file)) return undefined;
  await sleep(50);
  const m = JSON.parse(readFileSync(file, 'utf8')) as { heapUsed: number; heapTotal: number; external: number };
  // V8 hands freed pages back to the OS from a background thread after the collection: read the
  // resident set once it has stopped falling.
  let rss = memoryOf(server.pid)?.rssBytes ?? NaN;
  for (let i = 0; i < 20; i++) {
    await sleep(500);
    const next = memoryOf(server.pid)?.rssBytes ?? NaN;
    const settled = Math.abs(next - rss) < rss * 0.005;
    rss = next;
    if (settled) break;
  }
  return { rssBytes: rss, heapUsedBytes: m.heapUsed, heapTotalBytes: m.heapTotal, externalBytes: m.external };
}
