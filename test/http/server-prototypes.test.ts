import { afterAll, describe, expect, it } from 'vitest';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { startEmulator, type RunningEmulator } from '../../emulator/index.js';

/**
 * The HTTP server makes requests and responses with express's prototypes from the start, so
 * express's per-request `Object.setPrototypeOf` changes nothing (see expressNative in
 * emulator/server.ts: the prototype switch cost a new hidden class per request in the old heap).
 */
describe('the server builds express-native requests', () => {
  let running: RunningEmulator | undefined;
  afterAll(async () => running?.close());

  it('a request and its response carry express prototypes before express sees them, and answer as before', async () => {
    running = await startEmulator({ port: 0, host: '127.0.0.1' });
    const seen: { req: object; res: object }[] = [];
    running.server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
      seen.push({ req: Object.getPrototypeOf(req) as object, res: Object.getPrototypeOf(res) as object });
    });
    const res = await fetch(`${running.url}/_emulator/health`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { result: boolean }).result).toBe(true);
    expect(seen).toHaveLength(1);
    // express's app.request / app.response: objects with an own `app` property.
    expect(Object.prototype.hasOwnProperty.call(seen[0]!.req, 'app')).toBe(true);
    expect(Object.prototype.hasOwnProperty.call(seen[0]!.res, 'app')).toBe(true);
    expect(typeof (seen[0]!.req as { get?: unknown }).get).toBe('function');
  });
});
