import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { cliPath, stopChild } from '../../contracts/target.js';
import { ENV_VARS } from '../../emulator/config.js';

/** The environment without any FASTIO_EMULATOR_* variable of the machine running the tests. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('FASTIO_EMULATOR_')));
  return { ...env, ...extra };
}

const children: ChildProcess[] = [];
afterEach(async () => {
  await Promise.all(children.splice(0).map((c) => stopChild(c)));
});

/** Start the CLI and collect stdout up to the banner's last line. */
async function start(args: string[], opts: { env?: Record<string, string>; cwd?: string } = {}): Promise<{ url: string; banner: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [cliPath(), 'start', ...args], { env: cleanEnv(opts.env), cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const lines: string[] = [];
  const banner = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner within 20 s: ${lines.join('\n')} ${stderr}`)), 20_000);
    createInterface({ input: child.stdout! }).on('line', (l) => {
      lines.push(l);
      if (l === 'Press Ctrl+C to stop.') {
        clearTimeout(timer);
        resolve(lines.join('\n'));
      }
    });
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${stderr}`)));
  });
  return { url: /listening on (http:\/\/\S+)/.exec(banner)![1]!, banner, child };
}

function run(args: string[], opts: { env?: Record<string, string>; cwd?: string } = {}) {
  return spawnSync(process.execPath, [cliPath(), ...args], { encoding: 'utf8', timeout: 20_000, env: cleanEnv(opts.env), cwd: opts.cwd });
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

// Each test spawns the CLI, some several times: slow on a loaded machine.
describe('start banner', { timeout: 60_000 }, () => {
  it('names the API base, the dashboard, the state, how to make a user and how to stop', async () => {
    const { url, banner } = await start(['--port', '0', '--log-level', 'warn']);
    // V2 is the default dialect (issue 16); `--api-dialect 2026-04` is the April profile.
    expect(banner.split('\n')[0]).toMatch(/^fastio-emulator \S+ listening on http:\/\/127\.0\.0\.1:\d+ \(API dialect v2\)$/);
    expect(banner).toMatch(/API dialect\s+v2\n/);
    expect(banner).toMatch(new RegExp(`API base\\s+${url}/current\\n`));
    expect(banner).toMatch(new RegExp(`Dashboard\\s+${url}/_emulator/ui\\n`));
    expect(banner).toMatch(/State\s+in memory \(empty/);
    expect(banner).toContain(`curl -X POST -H 'x-fastio-emulator-client: 1' ${url}/_emulator/users/`);
    expect(banner).toContain('Ctrl+C');
  });

  it('serves v2 unless --api-dialect or FASTIO_EMULATOR_API_DIALECT names the April profile; health and --help agree', async () => {
    const april = await start(['--port', '0', '--log-level', 'warn', '--api-dialect', '2026-04']);
    expect(april.banner.split('\n')[0]).toMatch(/\(API dialect 2026-04\)$/);
    const fromEnv = await start(['--port', '0', '--log-level', 'warn'], { env: { FASTIO_EMULATOR_API_DIALECT: '2026-04' } });
    expect(((await (await fetch(`${fromEnv.url}/_emulator/health`)).json()) as { api_dialect: string }).api_dialect).toBe('2026-04');
    const v2 = await start(['--port', '0', '--log-level', 'warn']);
    expect(((await (await fetch(`${v2.url}/_emulator/health`)).json()) as { api_dialect: string }).api_dialect).toBe('v2');
    const help = run(['start', '--help']).stdout.replace(/\s+/g, ' ');
    expect(help).toMatch(/--api-dialect <dialect> .*2026-04 \(the April-2026 profile\); default v2/);
  });

  it('prints a persona table with a header whose columns hold the longest email', async () => {
    const { banner } = await start(['--port', '0', '--log-level', 'warn', '--seed', 'demo']);
    expect(banner).toMatch(/State\s+in memory, seeded from scenario "demo" \(\d+ users, 3 orgs, \d+ workspaces\)/);
    const lines = banner.split('\n');
    const header = lines.find((l) => /^\s+ROLE\s+EMAIL\s+PASSWORD\s+API KEY$/.test(l));
    expect(header).toBeDefined();
    const first = lines.indexOf(header!) + 2;
    const rows = lines.slice(first, lines.indexOf('', first));
    expect(rows.length).toBeGreaterThan(3);
    const keyColumn = header!.indexOf('API KEY');
    const emailColumn = header!.indexOf('EMAIL');
    for (const row of rows) {
      // Every email sits in its column and every key starts under the header, however long the email.
      expect(row.slice(emailColumn)).toMatch(/^\S+@\S+/);
      expect(row.slice(keyColumn)).toMatch(/^\S{20,}$/);
      expect(row[keyColumn - 1]).toBe(' ');
    }
    expect(banner).not.toContain('No users yet');
  });

  it('says what a --data start loaded', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'emu-banner-')), 'state.json');
    const first = await start(['--port', '0', '--log-level', 'warn', '--data', file]);
    expect(first.banner).toMatch(/State\s+\S+state\.json \(new, empty\)/);
    expect((await fetch(`${first.url}/_emulator/users/`, { method: 'POST', headers: { 'x-fastio-emulator-client': '1' } })).status).toBe(200);
    await stopChild(first.child, 'SIGTERM');
    const second = await start(['--port', '0', '--log-level', 'warn', '--data', file]);
    expect(second.banner).toMatch(/State\s+\S+state\.json \(loaded 1 user, 0 orgs, 0 workspaces\)/);
  });
});

// Each test spawns the CLI, some several times: slow on a loaded machine.
describe('configuration', { timeout: 60_000 }, () => {
  it('reads every FASTIO_EMULATOR_* variable (no flag default hides them)', async () => {
    const port = await freePort();
    const { url, child } = await start([], {
      env: {
        FASTIO_EMULATOR_PORT: String(port),
        FASTIO_EMULATOR_HOST: '127.0.0.1',
        FASTIO_EMULATOR_RATE_LIMIT: '5/60',
        FASTIO_EMULATOR_CONTROL_TOKEN: 'sesame-token',
        FASTIO_EMULATOR_LOG_LEVEL: 'debug',
        FASTIO_EMULATOR_LOG_FORMAT: 'json',
      },
    });
    expect(url).toBe(`http://127.0.0.1:${port}`);
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    expect((await fetch(`${url}/_emulator/state`)).status).toBe(401);
    const ok = await fetch(`${url}/_emulator/state`, { headers: { 'x-emulator-control-token': 'sesame-token' } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('x-ve-limit-max')).toBe('5');
    // debug level and json format: the dashboard's poll is logged, as a JSON line
    await fetch(`${url}/_emulator/overview`, { headers: { 'x-emulator-control-token': 'sesame-token' } });
    await expect.poll(() => out, { timeout: 5_000 }).toMatch(/"level":20,.*"path":"\/_emulator\/overview"/);
  });

  it('takes flags over variables over fastio-emulator.json, and --config FILE', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'emu-config-'));
    writeFileSync(join(dir, 'fastio-emulator.json'), JSON.stringify({ rateLimit: '3/60', logLevel: 'warn' }));
    const limit = async (url: string) => (await fetch(`${url}/_emulator/health`)).headers.get('x-ve-limit-max');
    expect(await limit((await start(['--port', '0'], { cwd: dir })).url)).toBe('3');
    expect(await limit((await start(['--port', '0'], { cwd: dir, env: { FASTIO_EMULATOR_RATE_LIMIT: '4/60' } })).url)).toBe('4');
    expect(await limit((await start(['--port', '0', '--rate-limit', '6/60'], { cwd: dir, env: { FASTIO_EMULATOR_RATE_LIMIT: '4/60' } })).url)).toBe('6');
    const other = join(dir, 'other.json');
    writeFileSync(other, JSON.stringify({ rateLimit: '8/60', logLevel: 'warn' }));
    expect(await limit((await start(['--port', '0', '--config', other])).url)).toBe('8');
  });

  it('exits 2 for a missing --config file, an unknown key and a bad variable, naming the culprit', () => {
    const dir = mkdtempSync(join(tmpdir(), 'emu-config-'));
    const missing = run(['start', '--port', '0', '--config', join(dir, 'nope.json')]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('nope.json does not exist');
    writeFileSync(join(dir, 'fastio-emulator.json'), JSON.stringify({ prot: 1234 }));
    const typo = run(['start', '--port', '0'], { cwd: dir });
    expect(typo.status).toBe(2);
    expect(typo.stderr).toContain('"prot"');
    const badEnv = run(['start', '--port', '0'], { env: { FASTIO_EMULATOR_LOG_LEVEL: 'loud' } });
    expect(badEnv.status).toBe(2);
    expect(badEnv.stderr).toContain('FASTIO_EMULATOR_LOG_LEVEL');
  });

  it('documents every variable in start --help', () => {
    const help = run(['start', '--help']);
    expect(help.status).toBe(0);
    for (const v of ENV_VARS) expect(help.stdout).toContain(v.name);
    expect(help.stdout).toContain('--config <file>');
  });
});

// Each test spawns the CLI, some several times: slow on a loaded machine.
describe('usage errors and listen errors', { timeout: 60_000 }, () => {
  it('exits 2 on an unknown command, with a suggestion', () => {
    const typo = run(['strat']);
    expect(typo.status).toBe(2);
    expect(typo.stderr).toContain("unknown command 'strat' (did you mean start?)");
    const bogus = run(['bogus']);
    expect(bogus.status).toBe(2);
    expect(bogus.stderr).toContain("unknown command 'bogus'");
    expect(bogus.stderr).not.toContain('too many arguments');
  });

  it('exits 2 on an unknown --seed scenario, naming the known ones', () => {
    const r = run(['start', '--port', '0', '--seed', 'dem']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('did you mean demo?');
    expect(r.stderr).toMatch(/known scenarios: .*demo.*credits-exhausted/);
  });

  it('prints one line and exits 1 when the port is taken or the address is not on this machine', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    try {
      const port = (blocker.address() as AddressInfo).port;
      const inUse = run(['start', '--port', String(port)]);
      expect(inUse.status).toBe(1);
      expect(inUse.stderr.trim().split('\n')).toHaveLength(1);
      expect(inUse.stderr).toContain(`port ${port}`);
      expect(inUse.stderr).toContain('already in use');
    } finally {
      await new Promise((r) => blocker.close(r));
    }
    // 192.0.2.1 is TEST-NET-1 (RFC 5737): no machine has it.
    const notHere = run(['start', '--port', '0', '--host', '192.0.2.1']);
    expect(notHere.status).toBe(1);
    expect(notHere.stderr.trim().split('\n')).toHaveLength(1);
    expect(notHere.stderr).toContain('cannot listen on 192.0.2.1');
    expect(notHere.stderr).not.toMatch(/\n\s+at /);
  });
});
