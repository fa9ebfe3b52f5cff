import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { cliPath } from '../../contracts/target.js';

function exec(args: string[], env: NodeJS.ProcessEnv = process.env) {
  return spawnSync(process.execPath, [cliPath(), 'exec', ...args], { encoding: 'utf8', timeout: 30_000, env });
}

/** A node one-liner as the command under exec. */
function node(code: string): string[] {
  return [process.execPath, '-e', code];
}

describe('fastio-emulator exec', () => {
  it("runs the command with FASTIO_API_BASE pointing at a live emulator, and exits with the command's code", () => {
    const r = exec([
      '--',
      ...node(`
        const base = process.env.FASTIO_API_BASE;
        fetch(base + '/_emulator/health').then((res) => res.json()).then((b) => {
          console.log(JSON.stringify({ base, status: b.status, key: process.env.FASTIO_API_KEY ?? null }));
          process.exit(7);
        });`),
    ]);
    expect(r.status, r.stderr).toBe(7);
    const out = JSON.parse(r.stdout.trim()) as { base: string; status: string; key: string | null };
    expect(out.base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(out.status).toBe('ok');
    expect(out.key).toBeNull();
    // The emulator stopped with the command.
    const after = spawnSync(process.execPath, ['-e', `fetch('${out.base}/_emulator/health').then(() => process.exit(0), () => process.exit(3))`], {
      timeout: 10_000,
    });
    expect(after.status).toBe(3);
  });

  it("--with-persona exports a ready persona; options after the command are the command's own", () => {
    const r = exec([
      '--with-persona',
      '--persona-type',
      'human',
      '--',
      ...node(`
        const e = process.env;
        fetch(e.FASTIO_API_BASE + '/current/user/details/', { headers: { authorization: 'Bearer ' + e.FASTIO_API_KEY } })
          .then((res) => res.json())
          .then((b) => console.log(JSON.stringify({ user: b.user, id: e.FASTIO_USER_ID, email: e.FASTIO_USER_EMAIL, jwt: e.FASTIO_AUTH_TOKEN.split('.').length, argv: process.argv.slice(1) })));`),
      '--',
      '--with-persona',
      'x',
    ]);
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim()) as {
      user: { id: string; email_address: string; account_type: string };
      id: string;
      email: string;
      jwt: number;
      argv: string[];
    };
    expect(out.user.id).toBe(out.id);
    expect(out.user.email_address).toBe(out.email);
    expect(out.user.account_type).toBe('human');
    expect(out.jwt).toBe(3);
    expect(out.argv).toEqual(['--with-persona', 'x']);
  });

  it('a command that cannot be found exits 127; a command killed by a signal exits 128 + its number', () => {
    const missing = exec(['--', 'fastio-no-such-command-here']);
    expect(missing.status).toBe(127);
    expect(missing.stderr).toContain('cannot run "fastio-no-such-command-here"');
    const killed = exec(['--', ...node("process.kill(process.pid, 'SIGKILL')")]);
    expect(killed.status).toBe(137);
  });

  it('forwards SIGTERM to the command and exits with what the command chose', async () => {
    const child = spawn(
      process.execPath,
      [
        cliPath(),
        'exec',
        '--',
        ...node("process.on('SIGTERM', () => { console.log('got SIGTERM'); process.exit(42); }); console.log('ready'); setInterval(() => {}, 1000);"),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const lines: string[] = [];
    const rl = createInterface({ input: child.stdout });
    await new Promise<void>((resolve, reject) => {
      rl.on('line', (line) => {
        lines.push(line);
        if (line === 'ready') resolve();
      });
      child.once('exit', () => reject(new Error(`exec ended before the command was ready: ${lines.join('\n')}`)));
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(42);
    expect(lines).toContain('got SIGTERM');
  }, 30_000);
});
