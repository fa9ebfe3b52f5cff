/**
 * Why a target is missed, written by whoever profiled it (`node --cpu-prof`, then
 * `node dist/scripts/bench/profile-summary.js FILE.cpuprofile`), keyed by target id (see
 * targets.ts). BENCHMARKS.md prints the entry under a missed target and nothing for a met one, so
 * an entry can stay while a fix is under way. Figures belong in BENCHMARKS.md, not here: say what
 * costs the time, not how much it was on one run.
 */

/** Shared by the authenticated reads: what the emulator does per request that the ceiling does not. */
const PIPELINE_COST =
  'profiled on GET /current/user/details/ and the org reads (unbundled dist/emulator/cli.js under --cpu-prof, 50 connections): no ' +
  'single hot spot is left; the emulator\u2019s own work on top of express is the request id and context, the journal record (a ' +
  'preallocated ring, overwritten in place), the API-key lookup (cached by token), the rate-limit bookkeeping and its three headers, ' +
  'the route match, query validation (zod), the access check, and JSON.stringify of the answer. The socket write (writev) is the ' +
  'largest single item in both the emulator and the ceiling on this machine, and young-generation GC takes most of the rest of the ' +
  'difference.';

export const CAUSES: Readonly<Record<string, string>> = {
  'startup.empty':
    'profiled earlier (`--cpu-prof` on the CLI from spawn to the first 200): @faker-js/faker was loaded at every start through a ' +
    'static import esbuild made of a dynamic one; the CLI bundle is now split (scripts/build-cli.ts), so faker loads only for ' +
    'scenario generation. What remains over bare node is loading the bundle and building the app.',
  'startup.large':
    'profiled earlier (`--cpu-prof`, `--seed large`): reading and parsing the scenario file, moving its times to now and building ' +
    'the tables; the time shift now works on the freshly parsed rows in place and the reader streams the file.',
  'http.express-ratio.user-details-api-key': PIPELINE_COST,
  'http.express-ratio.user-details-jwt': PIPELINE_COST,
  'http.express-ratio.org-details': `${PIPELINE_COST} Org details adds the access check (org and role lookups) and the ledger's subscriber flag.`,
  'http.express-ratio.org-list-workspaces':
    'profiled (GET /current/org/{id}/list/workspaces/ with 10 workspaces, --cpu-prof, 50 connections): on top of the pipeline cost ' +
    'every route pays, the page\u2019s own cost was serialising it (JSON.stringify of ten workspace objects, about 1-2 \u00b5s each) and ' +
    'two store lookups per workspace for the caller\u2019s role. Fixed: a workspace row keeps its wire text per role (rows are ' +
    'immutable, so the text lives as long as the row) and a list joins the texts; the org role is looked up once per list and an ' +
    'org owner needs no membership lookup. Server CPU per request fell by about 17% in side-by-side runs; what remains is the ' +
    'shared pipeline (see the other reads).',
  'http.p99-at-1000':
    'traced on a quiet machine (the evenly paced load; in the server a PerformanceObserver logged every GC pause with its wall-clock ' +
    'time, in the client every request\u2019s start and latency): most of the slowest 1% of requests overlap a young-generation GC ' +
    'scavenge of a few milliseconds, or a moment the host did not schedule the process. The minimal express app has the same kind of ' +
    'tail (its p99 in the same rounds is in the table above: on this 2-core machine it has been 5 ms or more in every full run so ' +
    'far); ' +
    'bare node:http, which allocates a fraction per request, does not. The emulator already cut what lived past one scavenge (the ' +
    'request journal reuses preallocated records; API-key lookups are cached); what is left is express\u2019s own per-request garbage ' +
    'and the host.',
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
    'a create is a write: it validates the body, checks folder_name against an index, the plan\u2019s workspace limit (counted from ' +
    'the org\u2019s live-workspace index, not by listing), inserts the workspace and the owner\u2019s membership, records an audit ' +
    'event (with its indexes and activity touches) and journals the request. Its cost no longer grows with the org\u2019s workspaces ' +
    '(the rounds add to one org, and req/s does not fall round after round).',
};
