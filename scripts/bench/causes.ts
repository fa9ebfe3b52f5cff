/**
 * Why a target is missed, written by whoever profiled it (`node --cpu-prof`, then
 * `node dist/scripts/bench/profile-summary.js FILE.cpuprofile`), keyed by target id (see
 * targets.ts). BENCHMARKS.md prints the entry under a missed target and nothing for a met one, so
 * an entry can stay while a fix is under way. Figures belong in BENCHMARKS.md, not here: say what
 * costs the time, not how much it was on one run.
 */

/** Shared by the authenticated reads: what the emulator does per request that the ceiling does not. */
const PIPELINE_COST =
  'profiled on GET /current/user/details/ (unbundled dist/emulator/cli.js under --cpu-prof, 50 connections): there is no single hot spot; ' +
  'the emulator\u2019s own work on top of express is spread over identify (a randomUUID request id, a Context, a `finish` listener and a ' +
  'journal entry per request, two extra headers), API-key authentication (a SHA-256 of the token on every request: the JWT path caches its ' +
  'verification, the API-key path does not), the rate-limit bookkeeping and its three headers, the route match, formatTime (a Date and ' +
  'toISOString per timestamp) and JSON.stringify of `{result: true, ...body}` in render, plus the garbage all of that makes. The socket ' +
  'write (writev) is the largest single item in both the emulator and the ceiling on this machine. Candidates, biggest first: cache ' +
  'API-key lookups by token like the JWT cache, build the journal entry and log fields only when something reads them, and render ' +
  'timestamps without a Date per call.';

export const CAUSES: Readonly<Record<string, string>> = {
  'startup.empty':
    'profiled (`--cpu-prof` on the CLI from spawn to the first 200): @faker-js/faker and its locale modules load at every start. ' +
    'fixtures/factories.ts imports faker and is reached only through dynamic imports (scenario generation), but esbuild bundles those ' +
    'dynamic imports into dist/cli.mjs and, faker being external, emits `import {Faker, base, en} from "@faker-js/faker"` as a static ' +
    'import of the bundle, which ES modules evaluate before anything else. Fix in scripts/build-cli.ts (keep fixtures/generate out of the ' +
    'bundle, or `splitting: true` so dynamic imports become chunks) or import faker dynamically inside the factories.',
  'startup.large':
    'profiled (`--cpu-prof`, unbundled CLI, `--seed large`): it pays the empty start first (faker, above), then reads and parses the ' +
    'scenario file, then shiftTimes (emulator/store/time-shift.ts) copies every row of the seed, recursively, through Object.entries to ' +
    'move its times to now, then importState builds the tables and their indexes; the copies make a good part of the garbage ' +
    'collection time. Options: fix the empty start; shift the known time fields of the freshly parsed rows in place (they are not shared) ' +
    'instead of copying every object.',
  'http.express-ratio.user-details-api-key': PIPELINE_COST,
  'http.express-ratio.user-details-jwt': PIPELINE_COST,
  'http.express-ratio.org-details': `${PIPELINE_COST} Org details adds the access check (org and role lookups) and the ledger's subscriber flag.`,
  'http.express-ratio.org-list-workspaces':
    'profiled (GET /current/org/{id}/list/workspaces/ with 10 workspaces): on top of the per-request pipeline cost of every route, the ' +
    'handler formats each workspace (workspaceJson: two formatTime calls, a Date and toISOString each, and a role lookup per workspace) and ' +
    'render stringifies the 3.5 KB page; the ceiling sends bytes serialised once. The cost grows with the page, as it should, but each item ' +
    'costs more than it needs to: cache the formatted times on the row (rows are immutable) or format without a Date.',
  'http.p99-at-1000':
    'traced on a quiet machine (the evenly paced load; in the server a PerformanceObserver logged every GC pause with its wall-clock ' +
    'time, in the client every request\u2019s start and latency): most of the emulator\u2019s slowest 1% of requests overlap a GC pause, ' +
    'nearly all of them young-generation scavenges of several milliseconds each. The scavenges are that long because request objects ' +
    'are still alive when they run and are copied, then promoted; the minimal express app has the same kind of tail (fewer of its ' +
    'slowest requests coincide with a GC, the rest is the machine), and bare node:http, which allocates a fraction per request, does ' +
    'not. On a loaded machine descheduling adds to it. What would shorten it: less allocation per request (see the pipeline costs under ' +
    'the throughput target), above all what lives past one scavenge: the request journal keeps an object per request until the ring ' +
    'wraps, so every one of them is promoted; a ring of preallocated records would not be.',
  'scale.rss':
    'not the store\u2019s size but V8\u2019s collection schedule: after a forced full GC the whole state holds the heap shown in the figure, ' +
    'and the resident set falls with it; between major collections V8 lets the old generation grow to a multiple of the live heap (its ' +
    'limit is sized from the machine\u2019s memory), and loading the seed leaves its JSON text and parse garbage behind. Options: cap the ' +
    'heap for large states (`--max-old-space-size`, trading CPU for memory), or make rows smaller (intern repeated strings such as org ' +
    'and user ids and event names on import).',
  'persistence.write-ratio':
    'every flush rewrites the whole state (JSON.stringify of every row, then the file write on libuv\u2019s thread pool), so its cost grows ' +
    'with the state, not with the writes since the last flush; under a steady write load flushes run back to back every --flush-delay-ms, ' +
    'and on 2 cores that work competes with the request loop and the load generator. Options: remember each row\u2019s serialised form (rows ' +
    'are immutable, so unchanged rows would cost a lookup), append changes to a journal and compact it now and then, or space flushes by ' +
    'a multiple of the last flush\u2019s duration.',
  'persistence.flush-block':
    'profiled in process (a PerformanceObserver on GC next to the loop-turn recording): the flush\u2019s own synchronous steps stay under ' +
    'a millisecond (about 128K characters each, CHUNK_CHARS in emulator/store/persistence.ts; see the p99.9 turn); the longest turns ' +
    'during a flush contain young-generation collections, which the flush sets off because it allocates about as much in strings as the ' +
    'file holds, and which take longer the larger the heap and the slower the host (the idle windows show the host\u2019s own stalls). ' +
    'To remove most of them the flush must allocate less: remember each row\u2019s serialised form (rows are immutable, so an unchanged ' +
    'row would cost a lookup, at the price of memory about the size of the file), or append changes to a journal instead of rewriting ' +
    'the state.',
};

/** Notes under a throughput row that has no target, keyed by scenario id (http-scenarios.ts). */
export const OBSERVATIONS: Readonly<Record<string, string>> = {
  'scale-list':
    'traced (both emulators under the same list load, a PerformanceObserver logging GC pauses): the lookup does not grow with the ' +
    'state (the org index hands the list its own workspaces), but young-generation collections take about twice as long in the process ' +
    'holding the scale state as in the one-org process, which is where a difference in the tail comes from.',
  'persistence-during-flush':
    'traced (the same load on two emulators holding the large state, one with --data, with a PerformanceObserver logging every GC ' +
    'pause): the reads\u2019 worst cases line up with young-generation collections, which take several milliseconds each in an emulator ' +
    'holding this much state, with or without --data; with --data the flush\u2019s strings and buffers add collections and the occasional ' +
    'longer one. None lines up with a synchronous step of the flush itself (see the loop turns above). The CPU the flushes take shows ' +
    'in the --data emulator\u2019s lower req/s and higher CPU µs/req here: every flush rewrites the whole state.',
  'org-create-workspace':
    'profiled: WorkspaceService.create counts the org\u2019s live workspaces with `ofOrg(org).length` on every create, which materialises ' +
    'and filters every workspace of the org, even when the plan has no workspace limit; so a create costs more the more workspaces the org ' +
    'has (the rounds here add to one org, and req/s falls round after round). The org index already holds the ids: count only when the ' +
    'plan has a limit, and count live workspaces with an index (or a counter) instead of building the list.',
};
