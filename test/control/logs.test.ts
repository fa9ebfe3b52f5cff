/**
 * Access logs of the CLI: one line per request, `--log-format json|pretty`, `--log-level`. The CLI
 * runs as a child process (the built bundle, as `npm start` runs it) and its stdout is read line by line.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { fromPackageRoot } from '../../emulator/index.js';
import { prettyMessage } from '../../emulator/logger.js';

interface Cli {
  url: string;
  lines: string[];
  /** the first line (already read or still to come) that matches */
  line(match: (line: string) => boolean): Promise<string>;
  stop(): Promise<void>;
}

const running: Cli[] = [];

async function startCli(args: string[]): Promise<Cli> {
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [fromPackageRoot('dist', 'cli.mjs'), 'start', '--port', '0', ...args], {
    env: { ...process.env, FASTIO_EMULATOR_PORT: undefined, FASTIO_EMULATOR_LOG_LEVEL: undefined },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const lines: string[] = [];
  const waiters: { match: (l: string) => boolean; resolve: (l: string) => void }[] = [];
  createInterface({ input: child.stdout }).on('line', (l) => {
    lines.push(l);
    for (const w of [...waiters]) {
      if (!w.match(l)) continue;
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(l);
    }
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const line = (match: (l: string) => boolean) =>
    new Promise<string>((resolve, reject) => {
      const found = lines.find(match);
      if (found !== undefined) return resolve(found);
      const timer = setTimeout(() => reject(new Error(`no such line within 10 s; stdout so far:\n${lines.join('\n')}\nstderr: ${stderr}`)), 10_000);
      waiters.push({ match, resolve: (l) => (clearTimeout(timer), resolve(l)) });
      void exited.then(() => reject(new Error(`the CLI exited; stdout:\n${lines.join('\n')}\nstderr: ${stderr}`)));
    });
  const first = await line((l) => l.includes('listening on'));
  const cli: Cli = {
    url: /listening on (http:\/\/\S+)/.exec(first)![1]!,
    lines,
    line,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
  running.push(cli);
  return cli;
}

afterEach(async () => {
  await Promise.all(running.splice(0).map((c) => c.stop()));
});

async function tenant(url: string) {
  const p = (await (await fetch(`${url}/_emulator/users/`, { method: 'POST', headers: { 'x-fastio-emulator-client': '1' } })).json()) as {
    api_key: string;
    user_id: string;
  };
  const auth = { authorization: `Bearer ${p.api_key}` };
  const created = await fetch(`${url}/current/org/create/`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded' },
    body: `domain=logs-${Date.now().toString(36)}&name=Logs+org`,
  });
  const org = ((await created.json()) as { org: { id: string } }).org;
  return { userId: p.user_id, orgId: org.id, auth };
}

describe('access logs', () => {
  it('--log-format json: one JSON line per request, with status, latency, user and org', async () => {
    const cli = await startCli(['--log-format', 'json']);
    const t = await tenant(cli.url);
    const res = await fetch(`${cli.url}/current/org/${t.orgId}/details/`, { headers: t.auth });
    expect(res.status).toBe(200);
    const requestId = res.headers.get('x-request-id')!;
    const raw = await cli.line((l) => l.includes(requestId));
    const entry = JSON.parse(raw) as Record<string, unknown>;
    expect(entry).toMatchObject({
      level: 30,
      msg: 'request',
      reqId: requestId,
      method: 'GET',
      path: `/current/org/${t.orgId}/details/`,
      status: 200,
      user: t.userId,
      org: t.orgId,
    });
    expect(typeof entry.ms).toBe('number');
    expect(typeof entry.time).toBe('number');
    // Exactly one line for that request.
    expect(cli.lines.filter((l) => l.includes(requestId))).toHaveLength(1);
  });

  it('--log-format pretty: one readable line per request', async () => {
    const cli = await startCli(['--log-format', 'pretty']);
    const t = await tenant(cli.url);
    await fetch(`${cli.url}/current/org/${t.orgId}/details/`, { headers: t.auth });
    const raw = await cli.line((l) => l.includes(`/current/org/${t.orgId}/details/`));
    expect(() => JSON.parse(raw)).toThrow();
    expect(raw).toContain(`INFO`);
    expect(raw).toContain(`GET /current/org/${t.orgId}/details/ 200`);
    expect(raw).toContain(`user=${t.userId}`);
    expect(raw).toContain(`org=${t.orgId}`);
    const lineIndex = cli.lines.indexOf(raw);
    // No multi-line field dump after it.
    expect(cli.lines[lineIndex + 1] ?? '').not.toMatch(/^\s+reqId:/);
  });

  it('--log-level warn: no access lines', async () => {
    const cli = await startCli(['--log-format', 'json', '--log-level', 'warn']);
    await tenant(cli.url);
    // Stopping flushes the log: whatever was logged is on stdout once the process exits.
    await cli.stop();
    expect(cli.lines.filter((l) => l.includes('"msg":"request"'))).toEqual([]);
    expect(cli.lines[0]).toContain('listening on');
  });

  it('pretty message: access lines on one line, others keep their request', () => {
    expect(prettyMessage({ msg: 'request', method: 'GET', path: '/x/', status: 404, ms: 1.5, user: 'u1', org: undefined, fault: 'fault_1' }, 'msg')).toBe(
      'GET /x/ 404 1.5 ms user=u1 fault=fault_1',
    );
    expect(prettyMessage({ msg: 'unexpected error', method: 'POST', path: '/y/' }, 'msg')).toBe('unexpected error (POST /y/)');
    expect(prettyMessage({ msg: 'stopping' }, 'msg')).toBe('stopping');
  });
});
