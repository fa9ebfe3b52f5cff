import { Errors } from '../http/errors.js';

/**
 * Background work of the storage and intelligence areas, off the request path: upload assembly
 * (assembling -> complete -> storing -> stored) and ingestion (pending -> in_progress -> ready).
 *
 * Each step runs after `--ingest-delay-ms` on a real timer. A test never sleeps to wait for one:
 * `settle()` resolves once nothing is scheduled or running (a step that schedules the next one
 * keeps the queue busy until the chain ends), and the emulator-only `POST /_emulator/jobs/settle`
 * does the same over HTTP. `drain()` runs what is scheduled at once instead of at its timer.
 *
 * `reset()` (state replaced or reset) turns every step already scheduled into a no-op, and tells
 * steps that are awaiting (a PDF being parsed) to drop their result: each step receives an
 * `alive()` check to call after every await before it writes anything.
 */
export type Job = (alive: () => boolean) => void | Promise<void>;

interface Scheduled {
  timer: NodeJS.Timeout;
  run: () => Promise<void>;
}

export class JobQueue {
  private running = 0;
  private generation = 0;
  private waiters: (() => void)[] = [];
  /** steps whose timer has not fired yet */
  private readonly scheduled = new Set<Scheduled>();
  /** woken when a step is scheduled or ends (drain waits on it) */
  private changeWaiters: (() => void)[] = [];

  constructor(
    private readonly defaultDelayMs: number,
    private readonly onError: (err: unknown) => void,
    private readonly maxJobs = Number.POSITIVE_INFINITY,
  ) {}

  /**
   * Bounded at the door: a request that starts background work (an upload completing, a file or
   * note stored, so ingestion follows) calls this first and is answered 429 while `maxJobs` steps
   * are scheduled or running. Steps a running chain schedules are never refused: each chain holds
   * one step at a time, so admitting chains bounds the queue, and no chain is left half done.
   */
  admit(): void {
    if (this.running >= this.maxJobs) throw Errors.backgroundQueueFull(this.maxJobs);
  }

  /** Steps scheduled or running. */
  get size(): number {
    return this.running;
  }

  /** Run `job` after the configured delay (or `delayMs`). A failing job is logged, never thrown. */
  after(job: Job, delayMs = this.defaultDelayMs): void {
    const generation = this.generation;
    const alive = () => generation === this.generation;
    this.running++;
    const entry: Scheduled = {
      timer: undefined as unknown as NodeJS.Timeout,
      run: async () => {
        this.scheduled.delete(entry);
        try {
          if (alive()) await job(alive);
        } catch (err) {
          this.onError(err);
        } finally {
          this.running--;
          if (this.running === 0) this.wake();
          this.changed();
        }
      },
    };
    entry.timer = setTimeout(() => void entry.run(), delayMs);
    // A pending ingestion must not keep a process alive on its own (the server does that).
    entry.timer.unref();
    this.scheduled.add(entry);
    this.changed();
  }

  /**
   * Run every scheduled step now instead of at its timer, including the steps they schedule,
   * until nothing is left: a test starts a race-free sequence (upload, delete, then drain) and
   * does not wait for the configured delay.
   */
  async drain(): Promise<void> {
    while (this.scheduled.size > 0 || this.running > 0) {
      const due = [...this.scheduled];
      if (due.length === 0) {
        // Steps are running (a document being parsed): wait until one ends or schedules another.
        await new Promise<void>((resolve) => this.changeWaiters.push(resolve));
        continue;
      }
      for (const entry of due) clearTimeout(entry.timer);
      await Promise.all(due.map((entry) => entry.run()));
    }
  }

  /** Resolves when no step is scheduled or running. */
  settle(): Promise<void> {
    if (this.running === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Every step scheduled so far becomes a no-op. */
  reset(): void {
    this.generation++;
  }

  private changed(): void {
    const waiting = this.changeWaiters;
    this.changeWaiters = [];
    for (const w of waiting) w();
  }

  private wake(): void {
    const waiting = this.waiters;
    this.waiters = [];
    for (const w of waiting) w();
  }
}
