import { PassThrough } from 'node:stream';
import { inject } from 'light-my-request';
import { describe, expect, it } from 'vitest';
import { createLogger, prettyMessage } from '../../emulator/logger.js';
import { inProcess, WS_FORM } from './helpers.js';

describe('GET /', () => {
  it('redirects a browser to the dashboard and answers API clients with the 404 envelope', async () => {
    const emu = await inProcess();
    const browser = await inject(emu.app as never, { method: 'GET', url: '/', headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
    expect(browser.statusCode).toBe(302);
    expect(browser.headers.location).toBe('/_emulator/ui');
    const api = await inject(emu.app as never, { method: 'GET', url: '/', headers: { accept: 'application/json' } });
    expect(api.statusCode).toBe(404);
    const body = JSON.parse(api.payload) as { result: boolean; error: { code: number } };
    expect(body.result).toBe(false);
    expect(body.error.code).toBe(9992);
  });
});

describe('PUT /_emulator/state content type', () => {
  it("answers 415 naming application/json for curl's default form type, and imports the same bytes sent as JSON", async () => {
    const emu = await inProcess();
    await emu.ok('POST', '/_emulator/users/');
    const exported = (await emu.ok('GET', '/_emulator/state')).state;
    const payload = JSON.stringify(exported);
    // curl -d as it is: the control guard's rule names the JSON content type
    const form = await inject(emu.app as never, {
      method: 'PUT',
      url: '/_emulator/state',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload,
      remoteAddress: '127.0.0.1',
    });
    expect(form.statusCode).toBe(403);
    expect((JSON.parse(form.payload) as { error: { text: string } }).error.text).toContain('application/json');
    // with the client header the guard lets it through, and the import itself names the type
    const formWithHeader = await inject(emu.app as never, {
      method: 'PUT',
      url: '/_emulator/state',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-fastio-emulator-client': '1' },
      payload,
      remoteAddress: '127.0.0.1',
    });
    expect(formWithHeader.statusCode).toBe(415);
    expect((JSON.parse(formWithHeader.payload) as { error: { text: string } }).error.text).toContain('Content-Type: application/json');
    await emu.ok('POST', '/_emulator/reset');
    const json = await inject(emu.app as never, {
      method: 'PUT',
      url: '/_emulator/state',
      headers: { 'content-type': 'application/json' },
      payload,
      remoteAddress: '127.0.0.1',
    });
    expect(json.statusCode).toBe(200);
    expect(emu.emulator.db.users.size).toBe(1);
  });
});

describe('POST /_emulator/reset', () => {
  it('puts the clock back at real time', async () => {
    const emu = await inProcess();
    await emu.ok('POST', '/_emulator/clock/advance', { json: { seconds: 86_400 } });
    expect(emu.emulator.clock.offset).toBeGreaterThanOrEqual(86_400_000);
    await emu.ok('POST', '/_emulator/reset');
    expect(emu.emulator.clock.offset).toBe(0);
    expect(Math.abs(emu.emulator.clock.now() - Date.now())).toBeLessThan(5_000);
  });
});

describe('enum errors', () => {
  it('name the allowed values when the field is missing and when it is wrong', async () => {
    const emu = await inProcess();
    const t = await emu.tenant('enums');
    const missing = await emu.call('POST', `/current/org/${t.orgId}/create/workspace/`, {
      token: t.token,
      form: { perm_member_manage: WS_FORM.perm_member_manage, folder_name: 'enum-missing', name: 'x' },
    });
    expect(missing.status).toBe(400);
    const m = missing.body.error!.params!.find((p) => p.name === 'perm_join') as { message: string } | undefined;
    expect(m?.message).toContain('Expected one of: Member or above, Admin or above, Only Org Owners');
    const wrong = await emu.call('POST', `/current/org/${t.orgId}/create/workspace/`, {
      token: t.token,
      form: { ...WS_FORM, perm_join: 'everyone', folder_name: 'enum-wrong', name: 'x' },
    });
    expect(wrong.status).toBe(400);
    const w = wrong.body.error!.params!.find((p) => p.name === 'perm_join') as { message: string } | undefined;
    expect(w?.message).toBe('Expected one of: Member or above, Admin or above, Only Org Owners.');
  });
});

describe('access log levels', () => {
  async function logged(level: 'info' | 'debug', paths: string[]): Promise<{ level: number; path?: string; msg: string }[]> {
    const out = new PassThrough();
    let text = '';
    out.on('data', (d: Buffer) => (text += d.toString()));
    const logger = await createLogger(level, 'json', out);
    const emu = await inProcess({ logger });
    for (const p of paths) await inject(emu.app as never, { method: 'GET', url: p, remoteAddress: '127.0.0.1' });
    logger.flush?.();
    await new Promise((r) => setImmediate(r));
    return text
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { level: number; path?: string; msg: string })
      .filter((l) => l.msg === 'request');
  }

  it("logs the dashboard's own polls at debug and other control requests at info", async () => {
    const paths = ['/_emulator/overview', '/_emulator/ui', '/_emulator/health'];
    const info = await logged('info', paths);
    expect(info.map((l) => l.path)).toEqual(['/_emulator/health']);
    const debug = await logged('debug', paths);
    expect(debug.map((l) => [l.path, l.level])).toEqual([
      ['/_emulator/overview', 20],
      ['/_emulator/ui', 20],
      ['/_emulator/health', 30],
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
