/**
 * The emulator's document parsers, off its event loop: a small pool of worker threads that read
 * PDF, DOCX and large text files (parse-worker.ts).
 *
 * - Each worker has a heap limit (`resourceLimits`): a document that makes a parser grow past it
 *   ends that worker (ERR_WORKER_OUT_OF_MEMORY), never the emulator.
 * - Each document has a wall-clock limit, enforced by terminating its worker (`worker.terminate()`
 *   stops even synchronous code that never yields); the next document gets a fresh worker.
 * - Memory a parser holds outside its JS heap (decoded PDF streams are typed arrays) is not under
 *   the heap limit; a watchdog samples the process's resident memory while documents are parsed
 *   and terminates the parsers if it grows past their budget.
 * - The pool is bounded: `size` workers (one less than the machine's cores, at most 2, so parsing
 *   never takes every core from the event loop), and at most `maxQueued` documents waiting; past
 *   that a document fails at once with `parse_error: limit parse_queue>N` instead of holding more
 *   memory. A flood of uploads queues; it does not multiply parsers.
 * - Workers start on the first document (start-up pays nothing), exit after `idleMs` without work,
 *   never keep the process alive (`unref`), and are terminated by `close()`.
 *
 * CHOICE: one pool per process, not per Emulator (`processParserPool`). Parser workers are a
 * machine resource: cores and memory. A pool per instance would multiply both by the number of
 * emulators in the process (a test run makes hundreds), so the bound would not be a bound; and a
 * warm worker (PDF.js loaded once) serves every instance. What is per instance is the handle
 * (`EmulatorParsers`): an emulator's documents go through it, and closing the emulator refuses its
 * later documents. No document, result or state crosses between instances: a job carries its bytes
 * in and its pages out. Documents of all instances wait in one first-come queue.
 *
 * Small text files (at most `inlineTextBytes`) are decoded on the calling thread: decoding and
 * paginating 256 KiB of text takes well under a millisecond, less than handing it to a worker.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { fromPackageRoot } from '../../paths.js';
import type { DocumentKind } from './document-types.js';
import type { DocumentParsers } from './extract.js';
import { parseInThisThread } from './parse-document.js';
import { timedOutReason, type ExtractLimits, type ParseOutcome } from './parse-limits.js';
import type { ParseReply, ParseRequest } from './parse-worker.js';

export interface ParserPoolOptions {
  /** Worker threads at most (default: cores - 1, between 1 and 2). */
  size: number;
  /** Documents waiting for a worker at most; more fail with `limit parse_queue`. */
  maxQueued: number;
  /** A worker's old-generation heap (`resourceLimits.maxOldGenerationSizeMb`). */
  heapMb: number;
  /** What a busy worker may add to the process's resident memory, heap and buffers together. */
  memoryBudgetMb: number;
  /** An idle worker exits after this long. */
  idleMs: number;
  /** Text files up to this size are decoded without a worker. */
  inlineTextBytes: number;
  /** The worker's script (default: the built parse-worker.js, see workerScript). */
  workerScript: string;
  /** Told about a worker that could not start or stopped unexpectedly. */
  onError: (err: unknown) => void;
}

/**
 * PARITY: CHOICE. The live service does not publish how it bounds its parsers. A worker gets a
 * 512 MB heap (the DOCX limits of parse-limits.ts keep mammoth inside it) and may add 768 MB to
 * the process in all; an idle worker lives 30 s.
 */
export function defaultParserPoolOptions(): ParserPoolOptions {
  return {
    size: Math.max(1, Math.min(2, availableParallelism() - 1)),
    maxQueued: 256,
    heapMb: 512,
    memoryBudgetMb: 768,
    idleMs: 30_000,
    inlineTextBytes: 256 * 1024,
    workerScript: workerScript(),
    onError: () => {},
  };
}

/**
 * The worker runs the compiled parse-worker.js under dist/, found from the package root: the same
 * file whether the emulator runs from dist/ (`npm start`, the bundled CLI, whose own modules live
 * in one file) or from the TypeScript sources under vitest, which does not transform worker
 * scripts. `npm test` builds first; a source checkout that was never built gets a clear reason.
 */
export function workerScript(): string {
  return fromPackageRoot('dist', 'emulator', 'intelligence', 'engine', 'parse-worker.js');
}

const TEXT_KINDS: ReadonlySet<DocumentKind> = new Set(['markdown', 'csv', 'json', 'code', 'text']);

/** Sampling period of the memory watchdog while a document is parsed. */
const WATCHDOG_MS = 50;

interface Job {
  id: number;
  bytes: Uint8Array;
  kind: DocumentKind;
  limits: ExtractLimits;
  resolve: (outcome: ParseOutcome) => void;
}

interface Slot {
  worker: Worker | undefined;
  job: Job | undefined;
  deadline: NodeJS.Timeout | undefined;
  idle: NodeJS.Timeout | undefined;
}

export interface ParserPoolStats {
  workersStarted: number;
  workersRunning: number;
  busy: number;
  queued: number;
  parsed: number;
  timedOut: number;
  outOfMemory: number;
  queueFull: number;
}

export class ParserPool implements DocumentParsers {
  private readonly options: ParserPoolOptions;
  private readonly slots: Slot[];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;
  private watchdog: NodeJS.Timeout | undefined;
  /** Resident memory when the pool last went from idle to busy: what the budget is added to. */
  private rssBaseline = 0;
  private readonly counts = { workersStarted: 0, parsed: 0, timedOut: 0, outOfMemory: 0, queueFull: 0 };

  constructor(options: Partial<ParserPoolOptions> = {}) {
    this.options = { ...defaultParserPoolOptions(), ...options };
    this.slots = Array.from({ length: Math.max(1, this.options.size) }, () => ({ worker: undefined, job: undefined, deadline: undefined, idle: undefined }));
  }

  parse(bytes: Uint8Array, kind: DocumentKind, limits: ExtractLimits): Promise<ParseOutcome> {
    if (TEXT_KINDS.has(kind) && bytes.length <= this.options.inlineTextBytes) return parseInThisThread(bytes, kind, limits);
    if (this.closed) return Promise.resolve({ ok: false, reason: 'parse_error: the emulator is closing' });
    if (this.queue.length >= this.options.maxQueued) {
      this.counts.queueFull++;
      return Promise.resolve({ ok: false, reason: `parse_error: limit parse_queue>${this.options.maxQueued}` });
    }
    return new Promise((resolve) => {
      // A copy the worker receives by transfer: the stored bytes stay where they are.
      this.queue.push({ id: this.nextId++, bytes: new Uint8Array(bytes), kind, limits, resolve });
      this.dispatch();
    });
  }

  stats(): ParserPoolStats {
    return {
      ...this.counts,
      workersRunning: this.slots.filter((s) => s.worker !== undefined).length,
      busy: this.slots.filter((s) => s.job !== undefined).length,
      queued: this.queue.length,
    };
  }

  /** Terminates every worker; documents in flight or waiting fail, later ones are refused. */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.resolve({ ok: false, reason: 'parse_error: the emulator is closing' });
    await Promise.all(this.slots.map((slot) => this.retire(slot, 'parse_error: the emulator is closing', false)));
    this.stopWatchdog();
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (this.queue.length === 0) break;
      if (slot.job !== undefined) continue;
      const job = this.queue.shift()!;
      this.run(slot, job);
    }
    if (this.slots.some((s) => s.job !== undefined)) this.startWatchdog();
    else this.stopWatchdog();
  }

  private run(slot: Slot, job: Job): void {
    clearTimeout(slot.idle);
    slot.idle = undefined;
    let worker: Worker;
    try {
      worker = slot.worker ?? this.startWorker(slot);
    } catch (err) {
      this.options.onError(err);
      job.resolve({ ok: false, reason: `parse_error: the parser could not start (${(err as Error).message})` });
      return;
    }
    slot.job = job;
    slot.deadline = setTimeout(
      () => {
        this.counts.timedOut++;
        void this.retire(slot, timedOutReason(job.limits.timeoutMs));
      },
      Math.max(0, job.limits.timeoutMs),
    );
    slot.deadline.unref();
    worker.postMessage({ id: job.id, bytes: job.bytes, kind: job.kind, limits: job.limits } satisfies ParseRequest, [job.bytes.buffer as ArrayBuffer]);
  }

  private startWorker(slot: Slot): Worker {
    if (!existsSync(this.options.workerScript)) {
      throw new Error(`${this.options.workerScript} is missing: run npm run build`);
    }
    const worker = new Worker(this.options.workerScript, {
      resourceLimits: { maxOldGenerationSizeMb: this.options.heapMb, maxYoungGenerationSizeMb: 32, stackSizeMb: 4 },
    });
    // A parser must not keep the process alive on its own (the server does that).
    worker.unref();
    this.counts.workersStarted++;
    slot.worker = worker;
    worker.on('message', (reply: ParseReply) => {
      if (slot.worker !== worker || slot.job?.id !== reply.id) return;
      this.counts.parsed++;
      this.finish(slot, reply.outcome);
      this.scheduleIdle(slot);
      this.dispatch();
    });
    worker.on('error', (err: Error & { code?: string }) => {
      if (slot.worker !== worker) return;
      if (err.code === 'ERR_WORKER_OUT_OF_MEMORY') {
        this.counts.outOfMemory++;
        this.finish(slot, { ok: false, reason: `parse_error: limit memory>${this.options.heapMb}MB` });
      } else {
        this.options.onError(err);
        this.finish(slot, { ok: false, reason: `parse_error: the parser stopped (${err.message.slice(0, 150)})` });
      }
    });
    worker.on('exit', () => {
      if (slot.worker !== worker) return;
      slot.worker = undefined;
      clearTimeout(slot.idle);
      slot.idle = undefined;
      this.finish(slot, { ok: false, reason: 'parse_error: the parser stopped unexpectedly' });
      this.dispatch();
    });
    return worker;
  }

  /** Settles the slot's document (once) and frees the slot. */
  private finish(slot: Slot, outcome: ParseOutcome): void {
    clearTimeout(slot.deadline);
    slot.deadline = undefined;
    const job = slot.job;
    slot.job = undefined;
    job?.resolve(outcome);
  }

  /** Ends the slot's worker, settling its document with `reason`; the slot starts a new worker when needed. */
  private async retire(slot: Slot, reason: string, redispatch = true): Promise<void> {
    const worker = slot.worker;
    slot.worker = undefined;
    clearTimeout(slot.idle);
    slot.idle = undefined;
    this.finish(slot, { ok: false, reason });
    if (redispatch && !this.closed) this.dispatch();
    await worker?.terminate();
  }

  private scheduleIdle(slot: Slot): void {
    clearTimeout(slot.idle);
    slot.idle = setTimeout(() => {
      if (slot.job === undefined) void this.retire(slot, 'parse_error: the parser stopped unexpectedly');
    }, this.options.idleMs);
    slot.idle.unref();
  }

  private startWatchdog(): void {
    if (this.watchdog !== undefined) return;
    this.rssBaseline = process.memoryUsage.rss();
    const ceiling = () => this.rssBaseline + this.slots.length * this.options.memoryBudgetMb * 1024 * 1024;
    this.watchdog = setInterval(() => {
      if (process.memoryUsage.rss() <= ceiling()) return;
      // Which parser grew is not visible from here; every busy one is over the shared budget. The
      // next documents start once the memory is given back, against a baseline measured then.
      this.stopWatchdog();
      const busy = this.slots.filter((slot) => slot.job !== undefined);
      this.counts.outOfMemory += busy.length;
      const reason = `parse_error: limit memory>${this.options.memoryBudgetMb}MB`;
      void Promise.all(busy.map((slot) => this.retire(slot, reason, false))).then(() => {
        if (!this.closed) this.dispatch();
      });
    }, WATCHDOG_MS);
    this.watchdog.unref();
  }

  private stopWatchdog(): void {
    clearInterval(this.watchdog);
    this.watchdog = undefined;
  }
}

/** The process's pool, made on first use: the one module-level object of the engine (see CHOICE above). */
let processPool: ParserPool | undefined;

export function processParserPool(): ParserPool {
  return (processPool ??= new ParserPool());
}

/** One emulator's way to the process's parser pool; `close()` ends its use of it. */
export class EmulatorParsers implements DocumentParsers {
  private closed = false;

  constructor(private readonly pool: ParserPool = processParserPool()) {}

  parse(bytes: Uint8Array, kind: DocumentKind, limits: ExtractLimits): Promise<ParseOutcome> {
    if (this.closed) return Promise.resolve({ ok: false, reason: 'parse_error: the emulator is closing' });
    return this.pool.parse(bytes, kind, limits);
  }

  stats(): ParserPoolStats {
    return this.pool.stats();
  }

  /** Later documents of this emulator are refused; the workers stay for the process's other emulators and exit when idle. */
  close(): void {
    this.closed = true;
  }
}
