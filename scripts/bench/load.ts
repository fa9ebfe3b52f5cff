/**
 * One load run with autocannon (programmatic API), with every response's latency kept at
 * sub-millisecond resolution. autocannon's own histogram records whole milliseconds (and, with a
 * rate, adds coordinated-omission samples), too coarse for a server that answers in 0.1 ms; the
 * per-response `responseTime` it emits is a float from `process.hrtime`, so the percentiles here
 * come from those.
 */
import autocannon from 'autocannon';
import { percentile } from './stats.js';

export interface LoadRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  headers?: Record<string, string>;
  /** A fixed body, or one built per request (unique names for creates). */
  body?: string | (() => string);
}

export interface LoadOptions {
  /** base URL, `http://127.0.0.1:PORT` */
  url: string;
  requests: readonly LoadRequest[];
  connections: number;
  durationSec: number;
  /** requests per second over all connections (autocannon `overallRate`) */
  overallRate?: number;
}

export interface Latency {
  n: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
}

export interface LoadResult {
  /** 2xx responses per second over the run */
  rps: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  durationSec: number;
  statusCodes: Record<string, number>;
  /** ms, over 2xx responses */
  latency: Latency;
  /** ms, every 2xx latency (for pooling rounds) */
  samples: Float64Array;
  /** CPU time the server process used during the run, ms (set by the caller that knows the process) */
  serverCpuMs?: number;
}

/** Growable Float64Array: a run at 40k req/s keeps 400k samples without boxing each one. */
class SampleBuffer {
  private buf = new Float64Array(1 << 16);
  length = 0;
  push(v: number): void {
    if (this.length === this.buf.length) {
      const next = new Float64Array(this.buf.length * 2);
      next.set(this.buf);
      this.buf = next;
    }
    this.buf[this.length++] = v;
  }
  toArray(): Float64Array {
    return this.buf.slice(0, this.length);
  }
}

export function latencyOf(samples: Float64Array): Latency {
  const s = Float64Array.from(samples).sort();
  let sum = 0;
  for (const v of s) sum += v;
  const arr = s as unknown as number[];
  return {
    n: s.length,
    mean: s.length ? sum / s.length : NaN,
    p50: percentile(arr, 50),
    p90: percentile(arr, 90),
    p99: percentile(arr, 99),
    p999: percentile(arr, 99.9),
    max: s.length ? s[s.length - 1]! : NaN,
  };
}

function toAutocannon(r: LoadRequest): autocannon.Request {
  const headers = { ...(r.headers ?? {}) };
  const base: autocannon.Request = { method: r.method, path: r.path, headers };
  if (typeof r.body === 'string') base.body = r.body;
  else if (typeof r.body === 'function') {
    const make = r.body;
    base.setupRequest = (req) => ({ ...req, body: make() });
  }
  return base;
}

export function runLoad(opts: LoadOptions): Promise<LoadResult> {
  const samples = new SampleBuffer();
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: opts.url,
        connections: opts.connections,
        duration: opts.durationSec,
        requests: opts.requests.map(toAutocannon),
        timeout: 10,
        ...(opts.overallRate ? { overallRate: opts.overallRate } : {}),
      },
      (err, result) => {
        if (err) return reject(err);
        const statusCodes: Record<string, number> = {};
        for (const [code, { count }] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = count;
        const all = samples.toArray();
        const ok = all.length;
        resolve({
          rps: ok / result.duration,
          ok,
          non2xx: result.non2xx,
          errors: result.errors,
          timeouts: result.timeouts,
          durationSec: result.duration,
          statusCodes,
          latency: latencyOf(all),
          samples: all,
        });
      },
    );
    instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
      if (status >= 200 && status < 300) samples.push(ms);
    });
  });
}

/** Pool the samples of several runs into one latency summary. */
export function pooledLatency(runs: readonly LoadResult[]): Latency {
  const total = runs.reduce((a, r) => a + r.samples.length, 0);
  const all = new Float64Array(total);
  let at = 0;
  for (const r of runs) {
    all.set(r.samples, at);
    at += r.samples.length;
  }
  return latencyOf(all);
}
