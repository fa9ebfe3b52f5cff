/**
 * An open-loop, evenly paced load: requests start on a fixed schedule (every 1/rate s) whatever
 * the answers do, over a pool of keep-alive connections, and each latency runs from the moment
 * the request was issued (a request waiting for a free connection is waiting on the server).
 *
 * Why not autocannon's `overallRate` alone: autocannon paces per connection per second (each
 * connection sends its quota back to back when the second starts, then idles), so at "1,000 req/s"
 * the server sees a burst of 1,000 requests, 50 at a time, at the top of every second. That
 * measures latency under bursts; the "p99 at 1,000 req/s" target is about a steady 1,000 req/s.
 * The bench reports both, with the ceilings, so the difference is visible.
 */
import { Agent, request } from 'node:http';
import { latencyOf, type LoadRequest, type LoadResult } from './load.js';

export interface PacedOptions {
  url: string;
  requests: readonly LoadRequest[];
  rps: number;
  durationSec: number;
  connections: number;
}

export async function runPaced(opts: PacedOptions): Promise<LoadResult> {
  const target = new URL(opts.url);
  const agent = new Agent({ keepAlive: true, maxSockets: opts.connections });
  const latencies: number[] = [];
  const statusCodes: Record<string, number> = {};
  let errors = 0;
  let inFlight = 0;
  let issued = 0;
  const total = Math.round(opts.rps * opts.durationSec);
  const intervalMs = 1000 / opts.rps;

  const issue = (r: LoadRequest): void => {
    const started = performance.now();
    inFlight++;
    const body = typeof r.body === 'function' ? r.body() : r.body;
    const req = request({ host: target.hostname, port: target.port, method: r.method, path: r.path, headers: { ...(r.headers ?? {}) }, agent }, (res) => {
      res.on('data', () => {});
      res.on('end', () => {
        inFlight--;
        const code = res.statusCode ?? 0;
        statusCodes[code] = (statusCodes[code] ?? 0) + 1;
        if (code >= 200 && code < 300) latencies.push(performance.now() - started);
      });
    });
    req.on('error', () => {
      inFlight--;
      errors++;
    });
    req.end(body);
  };

  const t0 = performance.now();
  await new Promise<void>((resolve) => {
    // A 1 ms ticker issues whatever the schedule says is due: timer lateness becomes a tiny
    // catch-up (one or two requests in the same tick), never a second-long burst.
    const timer = setInterval(() => {
      const due = Math.min(total, Math.floor((performance.now() - t0) / intervalMs) + 1);
      while (issued < due) issue(opts.requests[issued++ % opts.requests.length]!);
      if (issued >= total) {
        clearInterval(timer);
        resolve();
      }
    }, 1);
  });
  while (inFlight > 0) await new Promise((r) => setTimeout(r, 5));
  const durationSec = (performance.now() - t0) / 1000;
  agent.destroy();
  const samples = Float64Array.from(latencies);
  const ok = samples.length;
  return {
    rps: ok / durationSec,
    ok,
    non2xx: Object.entries(statusCodes).reduce((a, [k, v]) => (Number(k) >= 200 && Number(k) < 300 ? a : a + v), 0),
    errors,
    timeouts: 0,
    durationSec,
    statusCodes,
    latency: latencyOf(samples),
    samples,
  };
}
