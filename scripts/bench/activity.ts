/**
 * Activity latency: how long after a change its WebSocket push and its long-poll answer arrive.
 * The emulator runs as the CLI in a child process (as a user runs it); the client here changes an
 * org (`POST /current/org/{id}/update/`) and times the push, from the moment the change request is
 * sent, and from the moment its answer arrives.
 *
 *   npm run build && node dist/scripts/bench/activity.js [changes]
 */
import WebSocket from 'ws';
import { spawnEmulator, stopChild } from '../../contracts/target.js';
import { summarize } from './stats.js';

const CHANGES = Number(process.argv[2] ?? 500);

async function call(url: string, method: string, path: string, token?: string, form?: Record<string, string>): Promise<Record<string, unknown>> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      // the project's own clients name themselves on the control plane
      ...(path.startsWith('/_emulator/') ? { 'x-fastio-emulator-client': '1' } : {}),
    },
    ...(form ? { body: new URLSearchParams(form).toString() } : {}),
  });
  if (res.status !== 200) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as Record<string, unknown>;
}

function line(name: string, samples: number[]): string {
  const s = summarize(samples);
  return `${name.padEnd(52)} ${s.p50.toFixed(2).padStart(7)} ${s.p90.toFixed(2).padStart(7)} ${s.p99.toFixed(2).padStart(7)} ${s.max.toFixed(2).padStart(7)}`;
}

async function main(): Promise<void> {
  const { url, child } = await spawnEmulator(['--rate-limit', 'off']);
  try {
    const persona = await call(url, 'POST', '/_emulator/users/');
    const token = persona.api_key as string;
    const org = (await call(url, 'POST', '/current/org/create/', token, { domain: `bench-${Date.now().toString(36)}`, name: 'Bench org' })).org as {
      id: string;
    };

    // WebSocket pushes.
    const socket = new WebSocket(`${url.replace('http', 'ws')}/api/websocket/?token=${token}`);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    let waiting: ((at: number) => void) | undefined;
    socket.on('message', () => {
      const at = performance.now();
      waiting?.(at);
      waiting = undefined;
    });
    const fromSend: number[] = [];
    const fromAnswer: number[] = [];
    for (let i = 0; i < CHANGES + 20; i++) {
      const pushed = new Promise<number>((resolve) => (waiting = resolve));
      const sent = performance.now();
      await call(url, 'POST', `/current/org/${org.id}/update/`, token, { name: `Bench org ${i}` });
      const answered = performance.now();
      const at = await pushed;
      if (i < 20) continue; // warm-up
      fromSend.push(at - sent);
      fromAnswer.push(at - answered);
    }
    socket.close();

    // Long-polls: held with wait=30, woken by the change.
    let cursor = (await call(url, 'GET', `/current/activity/poll/${org.id}/?wait=0`, token)).lastactivity as string;
    const pollWake: number[] = [];
    for (let i = 0; i < Math.min(CHANGES, 200) + 10; i++) {
      const polling = call(url, 'GET', `/current/activity/poll/${org.id}/?wait=30&lastactivity=${cursor}`, token);
      // Let the poll reach the server before the change (an earlier change would answer at once anyway).
      await new Promise((resolve) => setTimeout(resolve, 2));
      await call(url, 'POST', `/current/org/${org.id}/update/`, token, { name: `Polled ${i}` });
      const changed = performance.now();
      const answer = await polling;
      if (i >= 10) pollWake.push(performance.now() - changed);
      cursor = answer.lastactivity as string;
    }

    console.log(`activity latency, ${CHANGES} changes (ms)                  p50     p90     p99     max`);
    console.log(line('WebSocket push, from sending the change', fromSend));
    console.log(line('WebSocket push, after the change answer arrived', fromAnswer));
    console.log(line('long-poll answer, after the change answer arrived', pollWake));
  } finally {
    await stopChild(child);
  }
}

await main();
