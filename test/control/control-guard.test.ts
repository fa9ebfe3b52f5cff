/**
 * The control plane belongs to the developer's own tools (issue 14): every control route in the
 * route table is sent cross-site requests (a foreign Origin with the simple content types a page
 * may send without a preflight) and rebinding requests (a foreign Host); all are refused with 403
 * in the envelope and the state is unchanged. The emulator's own clients (JSON, or the
 * x-fastio-emulator-client header) still get through.
 */
import { inject } from 'light-my-request';
import { describe, expect, it } from 'vitest';
import { buildEmulator, createApp } from '../../emulator/index.js';
import { exposureWarning } from '../../emulator/server.js';
import { HostRule } from '../../emulator/http/control-guard.js';

type Built = Awaited<ReturnType<typeof buildEmulator>>;

async function setup() {
  const built = await buildEmulator({ port: 0 });
  const app = createApp({ emulator: built.emulator, routes: built.routes });
  const send = async (method: string, url: string, headers: Record<string, string>, payload?: string) => {
    const res = await inject(app as never, {
      method: method as 'GET',
      url,
      headers,
      ...(payload !== undefined ? { payload } : {}),
      remoteAddress: '127.0.0.1',
    });
    return { status: res.statusCode, body: JSON.parse(res.payload || '{}') as { result?: boolean; error?: { code: number } } };
  };
  return { built, send };
}

/** A concrete path for a route's path (parameters filled with a plausible value). */
function pathOf(path: string): string {
  return path.replace(/:([a-z_]+)/g, (_m, name: string) => (name === 'asset' ? 'index.html' : 'x1'));
}

/** Everything a control request could change. */
function snapshot(b: Built) {
  return {
    state: b.emulator.exportState().tables,
    offset: b.emulator.clock.offset,
    faults: b.emulator.faults.list().map((f) => f.id),
    jobs: b.emulator.jobs.size,
    mailbox: b.emulator.mailer.list(undefined).length,
  };
}

const SIMPLE_BODIES: { label: string; headers: Record<string, string>; payload?: string }[] = [
  { label: 'form', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'seconds=60&status=500&account_type=human' },
  { label: 'text/plain', headers: { 'content-type': 'text/plain' }, payload: '{"seconds":60}' },
  {
    label: 'multipart',
    headers: { 'content-type': 'multipart/form-data; boundary=b' },
    payload: '--b\r\nContent-Disposition: form-data; name="seconds"\r\n\r\n60\r\n--b--\r\n',
  },
  { label: 'no content type', headers: {} },
];

describe('control plane guard', () => {
  it('refuses cross-site and rebinding requests on every control route, leaving the state as it was', async () => {
    const { built, send } = await setup();
    const control = built.routes.filter((r) => r.area === 'control');
    expect(control.length).toBeGreaterThan(15);
    // Something to lose: a persona, a moved clock, a fault rule (sent as the emulator's own client).
    const own = { 'x-fastio-emulator-client': '1', 'content-type': 'application/x-www-form-urlencoded' };
    expect((await send('POST', '/_emulator/users/', own, 'account_type=human')).status).toBe(200);
    expect((await send('POST', '/_emulator/clock/advance', own, 'seconds=60')).status).toBe(200);
    expect((await send('POST', '/_emulator/faults', own, 'path=/current/never/&status=503')).status).toBe(200);
    const before = snapshot(built);
    const refusals: string[] = [];
    const expectRefused = (label: string, r: { status: number; body: { result?: boolean; error?: { code: number } } }) => {
      if (r.status !== 403 || r.body.result !== false || typeof r.body.error?.code !== 'number')
        refusals.push(`${label}: ${r.status} ${JSON.stringify(r.body)}`);
    };
    let sent = 0;
    for (const route of control) {
      const url = pathOf(route.path);
      const name = `${route.method} ${route.path}`;
      // Rebinding: a page on evil.example whose name now resolves to 127.0.0.1.
      for (const host of ['evil.example', 'evil.example:4000', '127.0.0.1.evil.example', 'localhost.evil.example']) {
        expectRefused(`${name} Host ${host}`, await send(route.method, url, { host, 'x-fastio-emulator-client': '1' }));
        sent++;
      }
      // Cross-site: a foreign Origin, with every simple content type, with or without a body.
      for (const origin of ['http://evil.example', 'null', 'http://localhost:1']) {
        for (const b of SIMPLE_BODIES) {
          expectRefused(
            `${name} Origin ${origin} ${b.label}`,
            await send(route.method, url, { origin, ...b.headers }, route.method === 'GET' ? undefined : b.payload),
          );
          sent++;
        }
      }
      // State-changing routes without a non-simple signal, even with no Origin at all.
      if (route.method !== 'GET') {
        for (const b of SIMPLE_BODIES) {
          expectRefused(`${name} no signal ${b.label}`, await send(route.method, url, b.headers, b.payload));
          sent++;
        }
      }
    }
    expect(refusals).toEqual([]);
    expect(sent).toBeGreaterThan(200);
    expect(snapshot(built)).toEqual(before);
  });

  it('lets the emulator own clients through: JSON, or the client header, from its own origin', async () => {
    const { built, send } = await setup();
    expect((await send('POST', '/_emulator/users/', { 'content-type': 'application/json' }, '{"account_type":"human"}')).status).toBe(200);
    expect(
      (await send('POST', '/_emulator/clock/advance', { 'x-fastio-emulator-client': '1', 'content-type': 'application/x-www-form-urlencoded' }, 'seconds=5'))
        .status,
    ).toBe(200);
    expect(
      (
        await send(
          'POST',
          '/_emulator/clock/advance',
          { host: '127.0.0.1:4000', origin: 'http://127.0.0.1:4000', 'content-type': 'application/json' },
          '{"seconds":5}',
        )
      ).status,
    ).toBe(200);
    for (const host of ['localhost', 'localhost:4000', '127.0.0.1', '127.9.9.9:1', '[::1]:4000']) {
      expect((await send('GET', '/_emulator/health', { host })).status, host).toBe(200);
    }
    expect(built.emulator.clock.offset).toBe(10_000);
    expect((await send('POST', '/_emulator/reset', { 'x-fastio-emulator-client': '1' })).status).toBe(200);
    expect(built.emulator.db.users.size).toBe(0);
  });

  it('names the configured host, and with a wildcard host the addresses of this machine', () => {
    const named = new HostRule('emulator.internal');
    expect(named.allows('emulator.internal:4000')).toBe(true);
    expect(named.allows('EMULATOR.internal')).toBe(true);
    expect(named.allows('other.internal')).toBe(false);
    expect(named.allows(undefined)).toBe(false);
    expect(named.allows('localhost:abc')).toBe(false);
    expect(new HostRule('0.0.0.0').allows('0.0.0.0:4000')).toBe(true);
  });

  it('warns loudly when listening beyond loopback without --control-token', () => {
    expect(exposureWarning('0.0.0.0', undefined)).toMatch(/WARNING: listening on 0\.0\.0\.0 without --control-token/);
    expect(exposureWarning('::', undefined)).toMatch(/WARNING/);
    expect(exposureWarning('0.0.0.0', 'secret')).toBeUndefined();
    expect(exposureWarning('127.0.0.1', undefined)).toBeUndefined();
    expect(exposureWarning('localhost', undefined)).toBeUndefined();
  });
});
