/**
 * The emulator under soak, in a child process of its own so that its memory is measured apart
 * from the load generator's. Forked by soak.ts with `--expose-gc`; it starts a real HTTP server
 * (`startEmulator`, the same code as `fastio-emulator start`) and answers the parent over IPC:
 *
 *   -> { type: 'memory' }   <- { type: 'memory', rss, heapUsed, external, arrayBuffers, waiting }
 *   -> { type: 'stop' }     <- exits once the server is closed
 *
 * `memory` runs two full garbage collections first, so two samples compare what the process
 * holds, not when V8 last collected. `waiting` is the number of long-polls the hub still holds.
 */
import { startEmulator } from '../../emulator/index.js';
import { parseRateLimit } from '../../emulator/config.js';

interface Message {
  type: 'memory' | 'stop';
}

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc || !process.send) {
  console.error('soak-server: run me through soak.ts (fork with --expose-gc and an IPC channel)');
  process.exit(2);
}

const running = await startEmulator({
  port: 0,
  // The soak's requests are the April dialect's (its orgs spend without buying a plan first).
  apiDialect: '2026-04',
  host: '127.0.0.1',
  logLevel: 'silent',
  // Throughput is what is soaked here; the rate limiter is tested on its own.
  rateLimit: parseRateLimit('off'),
  // Ingestion runs on a short timer, as in `start`, so documents become searchable during the soak.
  ingestDelayMs: 5,
  // The soak holds hundreds of long-polls from a few credentials: the per-credential cap (tested on
  // its own in test/reliability/bounds.test.ts) is lifted, as the rate limiter is.
  maxLongPollsPerCredential: Number.MAX_SAFE_INTEGER,
});

/**
 * Memory once garbage is gone: a full collection, a pause for the pages V8 and the allocator give
 * back, again; the smallest resident figure of three such samples (a sample can only be too high).
 */
async function settledMemory(): Promise<NodeJS.MemoryUsage> {
  let best: NodeJS.MemoryUsage | undefined;
  for (let i = 0; i < 3; i++) {
    gc!();
    await new Promise((r) => setTimeout(r, 100));
    gc!();
    const u = process.memoryUsage();
    if (!best || u.rss < best.rss) best = u;
  }
  return best!;
}

process.on('message', (m: Message) => {
  if (m.type === 'memory') {
    void settledMemory().then((u) =>
      process.send!({
        type: 'memory',
        rss: u.rss,
        heapTotal: u.heapTotal,
        heapUsed: u.heapUsed,
        external: u.external,
        arrayBuffers: u.arrayBuffers,
        waiting: running.emulator.activityHub.waiting,
        events: running.emulator.db.events.size,
      }),
    );
  } else if (m.type === 'stop') {
    void running.close().then(() => process.exit(0));
  }
});
process.on('disconnect', () => void running.close().then(() => process.exit(0)));
process.send({ type: 'ready', url: running.url, pid: process.pid });
