import { describe, expect, it } from 'vitest';
import { JobQueue } from '../../emulator/storage/job-queue.js';
import { HOLD_JOBS, inProcessEmulator } from '../support/client.js';

describe('JobQueue', () => {
  it('settles only after chained steps end, and drain runs steps without their delay', async () => {
    const errors: unknown[] = [];
    const queue = new JobQueue(3_600_000, (e) => errors.push(e));
    const order: string[] = [];
    queue.after(() => {
      order.push('a');
      queue.after(async () => {
        await Promise.resolve();
        order.push('b');
      });
    });
    queue.after(() => {
      throw new Error('boom');
    });
    expect(queue.size).toBe(2);
    let settled = false;
    const settling = queue.settle().then(() => (settled = true));
    await queue.drain();
    await settling;
    expect(order).toEqual(['a', 'b']);
    expect(settled).toBe(true);
    expect(queue.size).toBe(0);
    expect(errors).toHaveLength(1);
  });

  it('makes scheduled steps no-ops after reset, and tells running steps they are stale', async () => {
    const queue = new JobQueue(3_600_000, () => {});
    const ran: string[] = [];
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => (release = r));
    queue.after(async (alive) => {
      await gate;
      ran.push(alive() ? 'alive' : 'stale');
    });
    // drain starts the first step, which waits on the gate.
    const draining = queue.drain();
    queue.after(() => void ran.push('never'));
    queue.reset();
    release();
    await draining;
    expect(ran).toEqual(['stale']);
    expect(queue.size).toBe(0);
  });

  it('runs ingestion on real timers with --ingest-delay-ms 0', async () => {
    const emu = await inProcessEmulator({ ...HOLD_JOBS, ingestDelayMs: 0 });
    const { user, ws } = await emu.tenant({ intelligence: true });
    const id = await emu.upload(user.token, ws.id, 'note.txt', 'the pruning schedule is in March');
    await emu.emulator.jobs.settle();
    expect((await emu.node(user.token, ws.id, id)).ai.state).toBe('ready');
  });
});
