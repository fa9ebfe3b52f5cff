/**
 * Loaded into a server under test with `node --expose-gc --import <this file>`: on SIGUSR2 it runs
 * a full garbage collection and writes `process.memoryUsage()` as JSON to MEMORY_PROBE_FILE. The
 * scale benchmark uses it to tell the memory the state holds from garbage V8 has not collected
 * yet (reading a 450 MB seed file leaves that much behind for a while). The server's own code is
 * unchanged.
 */
import { writeFileSync } from 'node:fs';

const out = process.env.MEMORY_PROBE_FILE;
if (out) {
  process.on('SIGUSR2', () => {
    (globalThis as { gc?: () => void }).gc?.();
    writeFileSync(out, JSON.stringify(process.memoryUsage()));
  });
}
