/**
 * The soak (issue 9, item 6) in its CI size: mixed requests at 64 connections while long-polls
 * stay open, against the emulator's HTTP server in a child process of its own (so that its
 * memory is measured apart from the load). `npm run soak` runs the long form: 200,000 requests
 * and 1,000 long-polls. What is judged is in scripts/reliability/soak.ts.
 */
import { describe, expect, it } from 'vitest';
import { runSoak } from '../../scripts/reliability/soak.js';
import { report, scale } from './support.js';

describe('soak', () => {
  const requests = scale(20_000, 200_000);
  const longPolls = scale(200, 1_000);

  it(
    `${requests} mixed requests at 64 connections with ${longPolls} long-polls open: no 5xx, every answer the expected one, no long-poll left behind, memory flat`,
    async () => {
      const r = await runSoak({ requests, connections: 64, longPolls, warmup: scale(5_000, 40_000) });
      const mb = (n: number) => Math.round(n / 1e5) / 10;
      report('soak', {
        requests: r.requests,
        connections: r.connections,
        seconds: r.seconds,
        requestsPerSecond: r.requestsPerSecond,
        statusCounts: r.statusCounts,
        fiveXx: r.fiveXx,
        connectionErrors: r.connectionErrors,
        unexpected: r.unexpected,
        latencyMs: r.latencyMs,
        longPolls: r.longPolls,
        memoryMb: {
          rssAfterWarmup: mb(r.memory.afterWarmup.rss),
          rssAfterRun: mb(r.memory.afterRun.rss),
          heapAfterWarmup: mb(r.memory.afterWarmup.heapUsed),
          heapAfterRun: mb(r.memory.afterRun.heapUsed),
          rssRatio: r.memory.rssRatio,
          heapRatio: r.memory.heapRatio,
          allowedRatio: r.memory.allowedRatio,
          eventsAdded: r.memory.afterRun.events - r.memory.afterWarmup.events,
          curve: r.memory.curve.map((c) => ({ requests: c.requests, rss: mb(c.rss), heap: mb(c.heapUsed), events: c.events })),
        },
        problems: r.problems,
      });
      expect(r.unexpectedSamples).toEqual([]);
      expect(r.problems).toEqual([]);
      expect(r.fiveXx).toBe(0);
      expect(r.requests).toBe(requests);
      expect(r.longPolls.leftBehind).toBe(0);
      expect(r.longPolls.statusCounts).toEqual({ '200': expect.any(Number) });
      expect(r.memory.rssRatio).toBeLessThanOrEqual(r.memory.allowedRatio);
    },
    scale(120_000, 900_000),
  );
});
