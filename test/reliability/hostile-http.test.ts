/**
 * Header abuse over real sockets (issue 9, item 2): broken HTTP, oversized headers, duplicate
 * headers, lengths that lie, dot segments. Node's parser refuses much of it before the app runs;
 * those answers are in the live envelope too (server.ts `answerClientError`). Every answer comes
 * within a timeout, is a 4xx in the envelope (or a success where the request is acceptable),
 * changes no state, and the server keeps serving.
 *
 * The emulator runs as the CLI in a child process: light-my-request (the in-process tests) swaps
 * the prototypes of every express app in its process, so a listening app must live elsewhere.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnEmulator, stopChild } from '../../contracts/target.js';
import { envelopeProblem, report } from './support.js';

describe('header abuse over real HTTP', () => {
  let emu: Awaited<ReturnType<typeof spawnEmulator>>;
  let port = 0;
  let token = '';
  const counts = { cases: 0, errors: 0, successes: 0 };

  beforeAll(async () => {
    emu = await spawnEmulator(['--log-level', 'silent']);
    port = Number(new URL(emu.url).port);
    const r = await fetch(`${emu.url}/_emulator/users/`, { method: 'POST', headers: { 'x-fastio-emulator-client': '1' } });
    token = ((await r.json()) as { api_key: string }).api_key;
  }, 30_000);
  afterAll(async () => {
    await stopChild(emu.child);
    report('hostile-http', counts);
  });

  /** The saved state, without its save time. */
  async function state(): Promise<string> {
    const { state } = (await (await fetch(`${emu.url}/_emulator/state`)).json()) as { state: { savedAt: string } };
    return JSON.stringify({ ...state, savedAt: null });
  }

  /** Send bytes as they are; the answer, or `timeout`. */
  function raw(bytes: string | Buffer, opts: { halfClose?: boolean; timeoutMs?: number } = {}): Promise<{ text: string; timeout: boolean }> {
    return new Promise((resolve) => {
      const socket = connect(port, '127.0.0.1');
      const chunks: Buffer[] = [];
      const timer = setTimeout(() => {
        socket.destroy();
        resolve({ text: Buffer.concat(chunks).toString('utf8'), timeout: true });
      }, opts.timeoutMs ?? 5_000);
      socket.on('data', (d: Buffer) => chunks.push(d));
      socket.on('error', () => {});
      socket.on('close', () => {
        clearTimeout(timer);
        resolve({ text: Buffer.concat(chunks).toString('utf8'), timeout: false });
      });
      socket.write(bytes, () => {
        if (opts.halfClose) socket.end();
      });
    });
  }

  function parse(text: string): { status: number; headers: Record<string, string>; body: string } {
    const end = text.indexOf('\r\n\r\n');
    const head = text.slice(0, end < 0 ? text.length : end).split('\r\n');
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head[0] ?? '')?.[1] ?? 0);
    const headers: Record<string, string> = {};
    for (const line of head.slice(1)) {
      const i = line.indexOf(':');
      if (i > 0) headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
    }
    return { status, headers, body: end < 0 ? '' : text.slice(end + 4) };
  }

  const auth = () => `Authorization: Bearer ${token}\r\n`;
  const cases: [string, () => string | Buffer, { halfClose?: boolean; mayPass?: boolean }?][] = [
    ['a 20 KB header', () => `GET /current/user/details/ HTTP/1.1\r\nHost: x\r\n${auth()}X-Big: ${'a'.repeat(20_000)}\r\nConnection: close\r\n\r\n`],
    [
      '3,000 headers',
      () =>
        `GET /current/user/details/ HTTP/1.1\r\nHost: x\r\n${auth()}${Array.from({ length: 3000 }, (_, i) => `X-H${i}: v\r\n`).join('')}Connection: close\r\n\r\n`,
    ],
    ['a 100 KB URL', () => `GET /current/${'a'.repeat(100_000)}/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`],
    [
      'two Authorization headers, the valid one first',
      () => `GET /current/user/details/ HTTP/1.1\r\nHost: x\r\n${auth()}Authorization: Bearer junk\r\nConnection: close\r\n\r\n`,
    ],
    [
      'two Authorization headers, the valid one second',
      () => `GET /current/user/details/ HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer junk\r\n${auth()}Connection: close\r\n\r\n`,
    ],
    ['Authorization without a scheme', () => `GET /current/user/details/ HTTP/1.1\r\nHost: x\r\nAuthorization: ${token}\r\nConnection: close\r\n\r\n`],
    [
      'Authorization of 8 KB',
      () => `GET /current/user/details/ HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${'a.b.'.repeat(2000)}c\r\nConnection: close\r\n\r\n`,
    ],
    ['Content-Length not a number', () => `POST /current/org/create/ HTTP/1.1\r\nHost: x\r\n${auth()}Content-Length: abc\r\nConnection: close\r\n\r\n`],
    ['negative Content-Length', () => `POST /current/org/create/ HTTP/1.1\r\nHost: x\r\n${auth()}Content-Length: -5\r\nConnection: close\r\n\r\n`],
    [
      'two different Content-Lengths',
      () => `POST /current/org/create/ HTTP/1.1\r\nHost: x\r\n${auth()}Content-Length: 3\r\nContent-Length: 5\r\nConnection: close\r\n\r\nabcde`,
    ],
    [
      'Content-Length and chunked',
      () => `POST /current/org/create/ HTTP/1.1\r\nHost: x\r\n${auth()}Content-Length: 3\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\n`,
    ],
    [
      'broken chunked body',
      () =>
        `POST /current/org/create/ HTTP/1.1\r\nHost: x\r\n${auth()}Transfer-Encoding: chunked\r\nContent-Type: application/json\r\nConnection: close\r\n\r\nzz\r\nabc\r\n0\r\n\r\n`,
    ],
    [
      'Content-Length longer than the body, then end of input',
      () => `POST /current/org/create/ HTTP/1.1\r\nHost: x\r\n${auth()}Content-Length: 100\r\nContent-Type: application/json\r\n\r\n{"domain":`,
      { halfClose: true },
    ],
    [
      'Content-Length shorter than the body',
      () =>
        `POST /current/org/create/ HTTP/1.1\r\nHost: x\r\n${auth()}Content-Length: 5\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{"domain":"x"}GET / HTTP/1.1\r\n\r\n`,
    ],
    ['a NUL in a header', () => `GET /current/user/details/ HTTP/1.1\r\nHost: x\r\nX-A: a\u0000b\r\nConnection: close\r\n\r\n`],
    ['an unknown method', () => `FROB /current/user/details/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`],
    ['a known method the API lacks', () => `PROPFIND /current/user/details/ HTTP/1.1\r\nHost: x\r\n${auth()}Connection: close\r\n\r\n`],
    ['binary garbage', () => Buffer.from([0, 1, 2, 255, 254, 13, 10, 13, 10])],
    ['dot segments towards the control plane', () => `GET /current/../_emulator/state HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`],
    ['encoded dot segments', () => `GET /current/%2e%2e/%2e%2e/_emulator/state HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`],
    [
      'dot segments in a node id',
      () => `GET /current/workspace/1234567890123456789/storage/../details/ HTTP/1.1\r\nHost: x\r\n${auth()}Connection: close\r\n\r\n`,
    ],
    ['a backslash path', () => `GET /current\\user\\details\\ HTTP/1.1\r\nHost: x\r\n${auth()}Connection: close\r\n\r\n`],
    ['an encoded NUL in the path', () => `GET /current/user/%00/details/ HTTP/1.1\r\nHost: x\r\n${auth()}Connection: close\r\n\r\n`],
    ['bad percent-encoding in the path', () => `GET /current/org/%E0%A4%A/details/ HTTP/1.1\r\nHost: x\r\n${auth()}Connection: close\r\n\r\n`],
    ['OPTIONS *', () => `OPTIONS * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`],
    ['absolute-form request target', () => `GET http://elsewhere.test/current/user/details/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`],
    ['HTTP/1.0 without Host', () => `GET /current/user/details/ HTTP/1.0\r\n\r\n`],
    ['an upgrade to something else', () => `GET /current/user/details/ HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n`],
    [
      'a WebSocket upgrade with a bad key',
      () =>
        `GET /api/websocket/?token=${token} HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: nope\r\n\r\n`,
    ],
    [
      'multipart with a lying Content-Length',
      () =>
        `POST /current/upload/ HTTP/1.1\r\nHost: x\r\n${auth()}Content-Type: multipart/form-data; boundary=b\r\nContent-Length: 999999999\r\nConnection: close\r\n\r\n--b\r\n`,
    ],
    [
      'charset trick on JSON',
      () =>
        `POST /current/org/create/ HTTP/1.1\r\nHost: x\r\n${auth()}Content-Type: application/json; charset=utf-32\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`,
    ],
    [
      'two Content-Types',
      () =>
        `POST /current/org/create/ HTTP/1.1\r\nHost: x\r\n${auth()}Content-Type: text/plain\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`,
    ],
  ];

  for (const [name, bytes, opts] of cases) {
    it(name, async () => {
      counts.cases++;
      const before = await state();
      const { text, timeout } = await raw(bytes(), opts ?? {});
      expect(timeout, `no answer within 5 s: ${JSON.stringify(text.slice(0, 200))}`).toBe(false);
      const res = parse(text);
      if (res.status >= 200 && res.status < 300) counts.successes++;
      else {
        counts.errors++;
        expect(res.status, text.slice(0, 300)).toBeGreaterThanOrEqual(400);
        expect(res.status, text.slice(0, 300)).toBeLessThan(500);
        if (res.status !== 101)
          expect(envelopeProblem({ status: res.status, text: res.body, headers: new Headers(res.headers) }), text.slice(0, 300)).toBeUndefined();
      }
      if (res.status < 400) expect(opts?.mayPass ?? name.startsWith('absolute-form'), `answered ${res.status}: ${text.slice(0, 200)}`).toBe(true);
      expect(await state()).toBe(before);
      // And the server still answers.
      expect((await fetch(`${emu.url}/_emulator/health`)).status).toBe(200);
    });
  }
});
