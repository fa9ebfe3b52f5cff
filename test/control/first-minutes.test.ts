import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, prettyMessage } from '../../emulator/logger.js';
import { inProcessEmulator, WS_FORM } from '../support/client.js';

describe('GET /', () => {
  it('redirects a browser to the dashboard and answers API clients with the 404 envelope', async () => {
    const emu = await inProcessEmulator();
    const browser = await emu.inject({ method: 'GET', url: '/', headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
    expect(browser.status).toBe(302);
    expect(browser.headers.get('location')).toBe('/_emulator/ui');
    const api = await emu.inject({ method: 'GET', url: '/', headers: { accept: 'application/json' } });
    expect(api.status).toBe(404);
    expect(api.body.result).toBe(false);
    expect(api.body.error?.code).toBe(9992);
  });
});

describe('PUT /_emulator/state content type', () => {
  it("refuses curl's default form type with a message naming application/json, and imports the same bytes sent as JSON", async () => {
    const emu = await inProcessEmulator();
    await emu.ok('POST', '/_emulator/users/');
    const payload = JSON.stringify((await emu.ok('GET', '/_emulator/state')).state);
    // curl -d as it is (no client header): the control guard's rule names the JSON content type
    const bare = await emu.inject({
      method: 'PUT',
      url: '/_emulator/state',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-fastio-emulator-client': '' },
      payload,
    });
    expect(bare.status).toBe(403);
    expect(bare.body.error?.text).toContain('application/json');
    // with the client header the guard lets it through, and the import itself names the type
    const form = await emu.inject({ method: 'PUT', url: '/_emulator/state', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload });
    expect(form.status).toBe(415);
    expect(form.body.error?.text).toContain('Content-Type: application/json');
    await emu.ok('POST', '/_emulator/reset');
    expect(emu.emulator.db.users.size).toBe(0);
    const json = await emu.inject({ method: 'PUT', url: '/_emulator/state', headers: { 'content-type': 'application/json' }, payload });
    expect(json.status).toBe(200);
    expect(emu.emulator.db.users.size).toBe(1);
  });
});

describe('POST /_emulator/reset', () => {
  it('puts the clock back at real time', async () => {
    const emu = await inProcessEmulator();
    await emu.ok('POST', '/_emulator/clock/advance', { json: { seconds: 86_400 } });
    expect(emu.emulator.clock.offset).toBeGreaterThanOrEqual(86_400_000);
    await emu.ok('POST', '/_emulator/reset');
    expect(emu.emulator.clock.offset).toBe(0);
    expect(Math.abs(emu.emulator.clock.now() - Date.now())).toBeLessThan(5_000);
  });
});

describe('enum errors', () => {
  it('name the allowed values when the field is missing and when it is wrong', async () => {
    const emu = await inProcessEmulator();
    const t = await emu.tenant({ label: 'enums' });
    const missing = await emu.call('POST', `/current/org/${t.org.id}/create/workspace/`, {
      token: t.user.token,
      form: { perm_member_manage: WS_FORM.perm_member_manage, folder_name: 'enum-missing', name: 'x' },
    });
    expect(missing.status).toBe(400);
    const m = missing.body.error?.params?.find((p) => p.name === 'perm_join');
    expect(m?.message).toContain('Expected one of: Member or above, Admin or above, Only Org Owners');
    const wrong = await emu.call('POST', `/current/org/${t.org.id}/create/workspace/`, {
      token: t.user.token,
      form: { ...WS_FORM, perm_join: 'everyone', folder_name: 'enum-wrong', name: 'x' },
    });
    expect(wrong.status).toBe(400);
    const w = wrong.body.error?.params?.find((p) => p.name === 'perm_join');
    expect(w?.message).toBe('Expected one of: Member or above, Admin or above, Only Org Owners.');
  });
});

describe('access log levels', () => {
  async function logged(level: 'info' | 'debug', paths: string[]): Promise<{ level: number; path?: string; msg: string }[]> {
    const out = new PassThrough();
    let text = '';
    out.on('data', (d: Buffer) => (text += d.toString()));
    const logger = await createLogger(level, 'json', out);
    const emu = await inProcessEmulator({ logger });
    for (const p of paths) await emu.inject({ method: 'GET', url: p });
    logger.flush?.();
    await new Promise((r) => setImmediate(r));
    return text
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { level: number; path?: string; msg: string })
      .filter((l) => l.msg === 'request');
  }

  it("logs the dashboard's own polls at debug and other control requests at info", async () => {
    const paths = ['/_emulator/overview', '/_emulator/ui', '/_emulator/state'];
    const info = await logged('info', paths);
    expect(info.map((l) => l.path)).toEqual(['/_emulator/state']);
    const debug = await logged('debug', paths);
    expect(debug.map((l) => [l.path, l.level])).toEqual([
      ['/_emulator/overview', 20],
      ['/_emulator/ui', 20],
      ['/_emulator/state', 30],
    ]);
  });

  it('colours 4xx and 5xx statuses in pretty access lines', () => {
    const colors = { red: (s: string) => `<red>${s}</red>`, yellow: (s: string) => `<yellow>${s}</yellow>` };
    const line = (status: number) => prettyMessage({ msg: 'request', method: 'GET', path: '/x', status, ms: 1 }, 'msg', 'info', { colors });
    expect(line(200)).toBe('GET /x 200 1 ms');
    expect(line(404)).toBe('GET /x <yellow>404</yellow> 1 ms');
    expect(line(503)).toBe('GET /x <red>503</red> 1 ms');
  });
});
