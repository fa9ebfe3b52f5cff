import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DashboardAssets } from '../../emulator/control/dashboard.js';
import { ApiError } from '../../emulator/http/errors.js';
import { inProcessEmulator } from '../support/client.js';

function builtDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'emu-ui-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>x</title>');
  writeFileSync(join(dir, 'app.js'), 'console.log(1)');
  writeFileSync(join(dir, 'app.css'), 'body{}');
  writeFileSync(join(dir, 'app.js.map'), '{}');
  mkdirSync(join(dir, 'nested'));
  writeFileSync(join(dir, 'nested', 'secret.txt'), 'no');
  writeFileSync(join(dir, '.hidden'), 'no');
  return dir;
}

function refused(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('dashboard assets', () => {
  it('serve the built files with their content types', () => {
    const assets = new DashboardAssets(builtDir());
    expect(assets.index().contentType).toBe('text/html; charset=utf-8');
    expect(assets.index().headers['content-security-policy']).toContain("default-src 'self'");
    expect(assets.asset('app.js').contentType).toBe('text/javascript; charset=utf-8');
    expect(assets.asset('app.css').contentType).toBe('text/css; charset=utf-8');
    expect(assets.asset('app.js.map').contentType).toBe('application/json; charset=utf-8');
  });

  it('serve nothing but the files of the build folder', () => {
    const dir = builtDir();
    const assets = new DashboardAssets(join(dir, 'nested', '..'));
    for (const name of ['../index.html', 'nested/secret.txt', 'nested', '.hidden', '/etc/passwd', '..', '%2e%2e', 'APP.JS']) {
      const e = refused(() => assets.asset(name));
      expect(e.status, name).toBe(404);
      expect(e.code).toBe(1609);
    }
  });

  it('say how to build when the folder is missing', () => {
    const e = refused(() => new DashboardAssets(join(tmpdir(), 'no-such-ui-dir')).index());
    expect(e.status).toBe(404);
    expect(e.message).toContain('npm run build');
  });

  it('over HTTP: the page and its assets, and traversal refused in the live envelope', async () => {
    const emu = await inProcessEmulator();
    for (const path of ['/_emulator/ui', '/_emulator/ui/']) {
      const page = await emu.call('GET', path);
      expect(page.status, `${path}: ${page.text.slice(0, 200)}`).toBe(200);
      expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(page.text).toContain('/_emulator/ui/app.js');
    }
    const js = await emu.call('GET', '/_emulator/ui/app.js');
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await emu.call('GET', '/_emulator/ui/app.css')).headers.get('content-type')).toBe('text/css; charset=utf-8');
    for (const path of [
      '/_emulator/ui/..%2F..%2Fpackage.json',
      '/_emulator/ui/%2e%2e',
      '/_emulator/ui/../../package.json',
      '/_emulator/ui/..%5Cpackage.json',
      '/_emulator/ui/nope.js',
    ]) {
      const res = await emu.call('GET', path);
      expect(res.status, path).toBe(404);
      expect(res.body.result).toBe(false);
      expect([1609, 9992]).toContain(res.body.error?.code);
      expect(res.text).not.toContain('fastio-emulator"');
    }
  });
});
