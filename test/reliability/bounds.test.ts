/**
 * Bounded everywhere: every resource one client can hold or fill has a limit, and each test here
 * fails if its limit is removed.
 *
 * - slow clients: headers (and bodies) that arrive too slowly are answered 408 and closed;
 * - long-polls and WebSockets per credential: past the cap, the live 429 envelope;
 * - queues: the background job queue admits no new chain when full (429), the event forwarder
 *   drops its oldest events past its bound, and a WebSocket consumer that does not read is cut off.
 */
import { EventEmitter } from 'node:events';
import { createServer } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { ActivitySockets } from '../../emulator/activity/websocket.js';
import { EventForwarder } from '../../emulator/events/forwarder.js';
import { startEmulator, type RunningEmulator } from '../../emulator/index.js';
import { silentLogger } from '../../emulator/logger.js';
import { JobQueue } from '../../emulator/storage/job-queue.js';
import type { AuditEvent } from '../../emulator/store/model.js';
import { inProcessEmulator, WS_FORM } from '../support/client.js';

vi.setConfig({ testTimeout: 30_000 });

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function running(options: Parameters<typeof startEmulator>[0]): Promise<RunningEmulator> {
  const emu = await startEmulator({ port: 0, ...options });
  cleanups.push(() => emu.close());
  return emu;
}

/** Resolve when `cond` holds, checking after each turn of the event loop (no fixed sleeps). */
async function until(cond: () => boolean, what: string, limitMs = 5000): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > limitMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Write `text` one byte every `everyMs`; resolves with what the server answered once it closes. */
function drip(port: number, text: string, everyMs: number): Promise<{ answer: string; closedAfterMs: number; bytesSent: number }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket: Socket = connect(port, '127.0.0.1');
    let answer = '';
    let sent = 0;
    let timer: NodeJS.Timeout | undefined;
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => (answer += d));
    socket.on('error', () => {});
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ answer, closedAfterMs: Date.now() - started, bytesSent: sent });
    });
    socket.on('connect', () => {
      timer = setInterval(() => {
        if (sent >= text.length) {
          clearInterval(timer);
          reject(new Error(`the whole request went through without the server closing: ${answer}`));
          socket.destroy();
          return;
        }
        if (!socket.destroyed) socket.write(text[sent++]!);
      }, everyMs);
    });
  });
}

describe('slow clients', () => {
  it('headers sent byte by byte slower than the header timeout: 408 and closed, before they end', async () => {
    const emu = await running({ headersTimeoutMs: 300, requestTimeoutMs: 600 });
    // 40 ms a byte: each byte comes well within the timeout, the headers as a whole do not.
    const request = `GET /current/user/auth/check/ HTTP/1.1\r\nHost: 127.0.0.1\r\nx-padding: ${'p'.repeat(60)}\r\n\r\n`;
    const { answer, closedAfterMs, bytesSent } = await drip(emu.port, request, 40);
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(answer).toContain('"result":false');
    expect(bytesSent).toBeLessThan(request.length);
    expect(closedAfterMs).toBeLessThan(3000);
    console.log(`[reliability] bounds: slow headers closed after ${closedAfterMs} ms (${bytesSent} of ${request.length} bytes)`);
  });

  it('a body sent slower than the request timeout: 408 and closed', async () => {
    const emu = await running({ headersTimeoutMs: 200, requestTimeoutMs: 500 });
    const body = 'email_address=slow%40body.example&password=long+enough&tos_agree=true&x=' + 'y'.repeat(40);
    const head = `POST /current/user/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n`;
    const socket = connect(emu.port, '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    socket.write(head);
    const dripped = new Promise<{ answer: string; closedAfterMs: number }>((resolve) => {
      const started = Date.now();
      let answer = '';
      let i = 0;
      socket.setEncoding('utf8');
      socket.on('data', (d: string) => (answer += d));
      socket.on('error', () => {});
      const timer = setInterval(() => (i < body.length && !socket.destroyed ? socket.write(body[i++]!) : undefined), 40);
      socket.on('close', () => {
        clearInterval(timer);
        resolve({ answer, closedAfterMs: Date.now() - started });
      });
    });
    const { answer, closedAfterMs } = await dripped;
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(closedAfterMs).toBeLessThan(3000);
  });

  it('the timeouts are configurable and checked', async () => {
    await expect(startEmulator({ port: 0, headersTimeoutMs: 1000, requestTimeoutMs: 500 })).rejects.toThrow(/headersTimeoutMs/);
  });
});

describe('held connections per credential', () => {
  it('WebSockets past the cap are refused with 429 in the envelope; closing one frees its slot', async () => {
    const emu = await running({ maxWebSocketsPerCredential: 2 });
    const persona = (await (await fetch(`${emu.url}/_emulator/users/`, { method: 'POST', headers: { 'x-fastio-emulator-client': '1' } })).json()) as {
      api_key: string;
    };
    const url = `${emu.url.replace('http', 'ws')}/api/websocket/?token=${encodeURIComponent(persona.api_key)}`;
    const open = () =>
      new Promise<{ ws: WebSocket } | { status: number; body: string }>((resolve, reject) => {
        const ws = new WebSocket(url);
        ws.once('open', () => resolve({ ws }));
        ws.once('unexpected-response', (_req, res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (body += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        });
        ws.once('error', reject);
      });
    const a = await open();
    const b = await open();
    expect('ws' in a && 'ws' in b).toBe(true);
    const c = await open();
    expect('status' in c && c.status).toBe(429);
    expect('body' in c && (JSON.parse(c.body) as { error: { code: number } }).error.code).toBe(1671);
    if ('ws' in a) {
      const closed = new Promise((r) => a.ws.once('close', r));
      a.ws.close();
      await closed;
    }
    await until(() => emu.emulator.held.size === 1, 'the closed socket giving its slot back');
    const d = await open();
    expect('ws' in d).toBe(true);
    for (const s of [b, d]) if ('ws' in s) s.ws.terminate();
  }, 30_000);

  // In-process (light-my-request) after the real servers: with this long-poll test first, the next
  // real server in the same worker failed in Node's HTTP parser (`incoming._addHeaderLines is not a
  // function`). Not understood yet; the order keeps each test about its own bound.
  it('long-polls (activity and upload details with wait) past the cap answer 429 in the envelope; another credential is not counted', async () => {
    const emu = await inProcessEmulator({ maxLongPollsPerCredential: 2, ingestDelayMs: 3_600_000 });
    const owner = await emu.persona('agent');
    const org = (await emu.ok('POST', '/current/org/create/', { token: owner.token, form: { domain: 'held-polls', name: 'Held Polls' } })).org as {
      id: string;
    };
    const ws = (
      await emu.ok('POST', `/current/org/${org.id}/create/workspace/`, { token: owner.token, form: { ...WS_FORM, folder_name: 'held', name: 'Held' } })
    ).workspace as {
      id: string;
    };
    // An upload session left assembling (the step is an hour away): its details can wait.
    const opened = await emu.ok('POST', '/current/upload/', { token: owner.token, form: { instance_id: ws.id, name: 'w.txt', size: '1' } });
    const uploadId = (opened.id ?? (opened.upload as { id: string } | undefined)?.id) as string;
    await emu.ok('POST', `/current/upload/${uploadId}/chunk/?order=1`, { token: owner.token, form: { chunk: 'w' } });
    await emu.ok('POST', `/current/upload/${uploadId}/complete/`, { token: owner.token });

    const poll = (token: string, wait = 30) => emu.call('GET', `/current/activity/poll/${ws.id}/?wait=${wait}`, { token: token });
    const held = [poll(owner.token), poll(owner.token)];
    await until(() => emu.emulator.held.size === 2, 'two polls held');

    const third = await poll(owner.token);
    expect([third.status, third.body.error?.code, third.body.error?.text]).toEqual([429, 1671, expect.stringMatching(/long-polls.*at most 2/)]);
    // Upload details with wait share the budget.
    const details = await emu.call('GET', `/current/upload/${uploadId}/details/?wait=30`, { token: owner.token });
    expect(details.status).toBe(429);
    // Without wait nothing is held: answered at once.
    expect((await emu.call('GET', `/current/upload/${uploadId}/details/`, { token: owner.token })).status).toBe(200);
    // Another key of the same user has its own budget.
    const other = emu.emulator.users.createApiKey(emu.emulator.db.users.get(owner.id)!, { memo: 'second' }).secret;
    const otherPoll = poll(other);
    await until(() => emu.emulator.held.size === 3, 'the other credential holding a poll');

    // A change answers the held polls; their slots come back.
    await emu.ok('POST', `/current/workspace/${ws.id}/storage/root/createfolder/`, { token: owner.token, form: { name: 'wake' } });
    expect((await Promise.all([...held, otherPoll])).map((r) => r.status)).toEqual([200, 200, 200]);
    await until(() => emu.emulator.held.size === 0, 'every slot given back');
    expect((await poll(owner.token, 0)).status).toBe(200);
  }, 30_000);
});

/** A stand-in socket past the handshake: records what is sent, and never drains (bufferedAmount is set by the test). */
class StuckSocket extends EventEmitter {
  readonly OPEN = 1;
  readyState = 1;
  bufferedAmount = 0;
  sent: string[] = [];
  terminated = false;
  send(data: string): void {
    this.sent.push(data);
  }
  ping(): void {}
  close(): void {
    this.terminate();
  }
  terminate(): void {
    if (this.terminated) return;
    this.terminated = true;
    this.readyState = 3;
    this.emit('close');
  }
}

describe('bounded queues', () => {
  it('a WebSocket consumer whose unsent data passes the bound is cut off; a reading one keeps its pushes', async () => {
    const emu = await inProcessEmulator({ maxWebSocketBufferedBytes: 4096 });
    const owner = await emu.persona('agent');
    const org = (await emu.ok('POST', '/current/org/create/', { token: owner.token, form: { domain: 'slow-consumer', name: 'Slow Consumer' } })).org as {
      id: string;
    };
    const ws = (
      await emu.ok('POST', `/current/org/${org.id}/create/workspace/`, { token: owner.token, form: { ...WS_FORM, folder_name: 'slow', name: 'Slow' } })
    ).workspace as {
      id: string;
    };
    const sockets = new ActivitySockets(emu.emulator);
    cleanups.push(() => sockets.close());
    const caller = await emu.emulator.users.authenticate(owner.token);
    const stuck = new StuckSocket();
    const reading = new StuckSocket();
    sockets.accept(stuck as never, caller);
    sockets.accept(reading as never, caller);
    await emu.ok('POST', `/current/workspace/${ws.id}/storage/root/createfolder/`, { token: owner.token, form: { name: 'one' } });
    await until(() => stuck.sent.length > 0 && reading.sent.length > 0, 'the first push');
    // The stuck consumer has not read: its buffer is over the bound at the next push.
    stuck.bufferedAmount = 4097;
    const before = stuck.sent.length;
    await emu.ok('POST', `/current/workspace/${ws.id}/storage/root/createfolder/`, { token: owner.token, form: { name: 'two' } });
    await until(() => reading.sent.length > 1, 'the second push to the reading socket');
    expect(stuck.terminated).toBe(true);
    expect(stuck.sent.length).toBe(before);
    expect(reading.terminated).toBe(false);
    expect(sockets.size).toBe(1);
  });

  it('the background job queue admits no new upload chain when full (429), and admits again once it drains', async () => {
    const emu = await inProcessEmulator({ maxBackgroundJobs: 3, ingestDelayMs: 3_600_000 });
    const owner = await emu.persona('agent');
    const org = (await emu.ok('POST', '/current/org/create/', { token: owner.token, form: { domain: 'full-queue', name: 'Full Queue' } })).org as {
      id: string;
    };
    const ws = (
      await emu.ok('POST', `/current/org/${org.id}/create/workspace/`, { token: owner.token, form: { ...WS_FORM, folder_name: 'full', name: 'Full' } })
    ).workspace as {
      id: string;
    };
    const session = async (n: number) => {
      const opened = await emu.ok('POST', '/current/upload/', { token: owner.token, form: { instance_id: ws.id, name: `f${n}.txt`, size: '1' } });
      const id = (opened.id ?? (opened.upload as { id: string } | undefined)?.id) as string;
      await emu.ok('POST', `/current/upload/${id}/chunk/?order=1`, { token: owner.token, form: { chunk: 'x' } });
      return id;
    };
    const ids = await Promise.all([1, 2, 3, 4].map(session));
    for (const id of ids.slice(0, 3)) await emu.ok('POST', `/current/upload/${id}/complete/`, { token: owner.token });
    expect(emu.emulator.jobs.size).toBe(3);
    const refused = await emu.call('POST', `/current/upload/${ids[3]}/complete/`, { token: owner.token });
    expect([refused.status, refused.body.error?.code, refused.body.error?.text]).toEqual([429, 1671, expect.stringMatching(/background queue is full/)]);
    const note = await emu.call('POST', `/current/workspace/${ws.id}/storage/root/createnote/`, { token: owner.token, form: { name: 'n.md', content: 'n' } });
    expect(note.status).toBe(429);
    // The refused session is untouched: it completes once the queue has room.
    expect(emu.emulator.db.uploads.get(ids[3]!)!.status).toBe('uploading');
    await emu.emulator.jobs.drain();
    expect(emu.emulator.jobs.size).toBe(0);
    expect((await emu.call('POST', `/current/upload/${ids[3]}/complete/`, { token: owner.token })).status).toBe(200);
  });

  it('a running chain is never refused its next step, even when the queue is full', async () => {
    const queue = new JobQueue(
      0,
      (err) => {
        throw err;
      },
      1,
    );
    const steps: string[] = [];
    queue.admit();
    queue.after(() => {
      steps.push('first');
      queue.after(() => void steps.push('second'));
    });
    expect(() => queue.admit()).toThrow(/background queue is full/);
    await queue.settle();
    expect(steps).toEqual(['first', 'second']);
    expect(() => queue.admit()).not.toThrow();
  });

  it('the event forwarder keeps at most maxQueue events behind a receiver that never answers, dropping the oldest', async () => {
    const hung = createServer(() => {});
    await new Promise<void>((r) => hung.listen(0, '127.0.0.1', r));
    cleanups.push(
      () =>
        new Promise<void>((r) => {
          hung.close(() => r());
          hung.closeAllConnections();
        }),
    );
    const url = `http://127.0.0.1:${(hung.address() as AddressInfo).port}/hook`;
    const f = new EventForwarder({ url, secret: 's', log: silentLogger(), maxQueue: 5, timeoutMs: 60_000 });
    cleanups.push(() => f.close(0));
    for (let i = 0; i < 50; i++) f.enqueue(forwarded(i));
    const status = f.status();
    expect(status.pending).toBeLessThanOrEqual(5);
    expect(status.dropped).toBe(45);
  });
});

function forwarded(n: number): AuditEvent {
  return {
    id: `a${String(n).padStart(28, '0')}`,
    event: 'org_updated',
    category: 'org',
    subcategory: 'settings',
    orgId: '1234567890123456789',
    workspaceId: null,
    shareId: null,
    userId: null,
    callingUserId: null,
    objectId: null,
    data: { n },
    acknowledged: false,
    created: Date.UTC(2026, 3, 1),
  };
}
