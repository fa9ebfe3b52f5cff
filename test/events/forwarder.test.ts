import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { cliPath, stopChild } from '../../contracts/target.js';
import { EventForwarder, SIGNATURE_HEADER } from '../../emulator/events/forwarder.js';
import { startEmulator } from '../../emulator/index.js';
import { silentLogger } from '../../emulator/logger.js';
import type { AuditEvent } from '../../emulator/store/model.js';

interface Delivery {
  headers: IncomingMessage['headers'];
  body: string;
  res: ServerResponse;
}

/** A local webhook receiver: each delivery is handed to the test, which decides the answer. */
async function receiver() {
  const queue: Delivery[] = [];
  const waiters: ((d: Delivery) => void)[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      const d = { headers: req.headers, body, res };
      const w = waiters.shift();
      if (w) w(d);
      else queue.push(d);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  cleanups.push(
    () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  );
  return {
    url,
    next: () => (queue.length > 0 ? Promise.resolve(queue.shift()!) : new Promise<Delivery>((r) => waiters.push(r))),
  };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

const sign = (secret: string, body: string) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

function event(name: string): AuditEvent {
  return {
    id: `a${name.padEnd(28, '0').slice(0, 28)}`,
    event: name,
    category: 'org',
    subcategory: 'settings',
    orgId: '1234567890123456789',
    workspaceId: null,
    shareId: null,
    userId: null,
    callingUserId: null,
    objectId: null,
    data: { n: 1 },
    acknowledged: false,
    created: Date.UTC(2026, 3, 1),
  };
}

describe('event forwarding', () => {
  it('signs each delivery, retries a 500 with the same body, and keeps the order', async () => {
    const hook = await receiver();
    const f = new EventForwarder({ url: hook.url, secret: 's3cret', log: silentLogger(), retryBaseMs: 5 });
    f.enqueue(event('first'));
    f.enqueue(event('second'));
    const a1 = await hook.next();
    expect(a1.headers['x-fastio-emulator-attempt']).toBe('1');
    a1.res.writeHead(500).end();
    const a2 = await hook.next();
    expect(a2.headers['x-fastio-emulator-attempt']).toBe('2');
    expect(a2.body).toBe(a1.body);
    expect(a2.headers[SIGNATURE_HEADER]).toBe(sign('s3cret', a2.body));
    expect(JSON.parse(a2.body)).toMatchObject({ event: 'first', org_id: '1234567890123456789', created: '2026-04-01 00:00:00 UTC' });
    a2.res.writeHead(204).end();
    const b = await hook.next();
    expect(JSON.parse(b.body)).toMatchObject({ event: 'second' });
    expect(b.headers['x-fastio-emulator-event']).toBe('second');
    b.res.writeHead(200).end();
    await f.close(2000);
    expect(f.status()).toEqual({ delivered: 2, failed: 0, dropped: 0, pending: 0 });
  });

  it('does not retry a refusal (4xx), and gives up after the last attempt', async () => {
    const hook = await receiver();
    const f = new EventForwarder({ url: hook.url, secret: 'x', log: silentLogger(), retryBaseMs: 1, maxAttempts: 3 });
    f.enqueue(event('refused'));
    (await hook.next()).res.writeHead(400).end();
    f.enqueue(event('failing'));
    for (let i = 0; i < 3; i++) (await hook.next()).res.writeHead(503).end();
    f.enqueue(event('last'));
    (await hook.next()).res.writeHead(200).end();
    await f.close(2000);
    expect(f.status()).toEqual({ delivered: 1, failed: 2, dropped: 0, pending: 0 });
  });

  it('never holds up the request that caused an event', async () => {
    const hook = await receiver();
    const emu = await startEmulator({ port: 0, forwardEventsTo: hook.url, forwardSecret: 'shh' });
    cleanups.push(() => emu.close());
    // The receiver answers nothing until the API call is done.
    const r = await fetch(`${emu.url}/_emulator/users/`, { method: 'POST', headers: { 'x-fastio-emulator-client': '1' } });
    expect(r.status).toBe(200);
    const { user_id } = (await r.json()) as { user_id: string };
    const d = await hook.next();
    expect(JSON.parse(d.body)).toMatchObject({ event: 'user_created', user_id });
    expect(d.headers[SIGNATURE_HEADER]).toBe(sign('shh', d.body));
    d.res.writeHead(200).end();
  });

  it('start --forward-events-to prints the secret it signs with', async () => {
    const hook = await receiver();
    const child = spawn(process.execPath, [cliPath(), 'start', '--port', '0', '--log-level', 'warn', '--forward-events-to', hook.url], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    cleanups.push(() => stopChild(child));
    const lines = createInterface({ input: child.stdout! });
    const [first, second] = await new Promise<string[]>((resolve) => {
      const got: string[] = [];
      lines.on('line', (l) => {
        got.push(l);
        if (got.length === 2) resolve(got);
      });
    });
    const url = /listening on (\S+)/.exec(first!)![1]!;
    const secret = /signature secret: (\S+?)\)?$/.exec(second!)?.[1];
    expect(second).toContain(`forwarding events to ${hook.url}`);
    expect(secret).toBeTruthy();
    await fetch(`${url}/_emulator/users/`, { method: 'POST', headers: { 'x-fastio-emulator-client': '1' } });
    const d = await hook.next();
    expect(d.headers[SIGNATURE_HEADER]).toBe(sign(secret!, d.body));
    d.res.writeHead(200).end();

    const bad = spawn(process.execPath, [cliPath(), 'start', '--port', '0', '--forward-events-to', 'ftp://example.com/'], { stdio: 'ignore' });
    const code = await new Promise<number | null>((r) => bad.once('exit', r));
    expect(code).toBe(2);
  });
});
