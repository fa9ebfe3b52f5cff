/**
 * Entry of a parser worker thread (started by parser-pool.ts): reads one document at a time with
 * the parsers of parse-document.ts and posts the outcome back. A parser that runs away is not this
 * file's problem: the pool terminates the thread at its deadline, and the thread's heap limit
 * (`resourceLimits`) ends it if it grows too large, without touching the emulator's own heap.
 */
import { parentPort } from 'node:worker_threads';
import type { DocumentKind } from './document-types.js';
import { parseInThisThread } from './parse-document.js';
import type { ExtractLimits, ParseOutcome } from './parse-limits.js';

export interface ParseRequest {
  id: number;
  bytes: Uint8Array;
  kind: DocumentKind;
  limits: ExtractLimits;
}

export interface ParseReply {
  id: number;
  outcome: ParseOutcome;
}

const port = parentPort;
if (port === null) throw new Error('parse-worker.js runs only as a worker thread');

port.on('message', (request: ParseRequest) => {
  void parseInThisThread(request.bytes, request.kind, request.limits).then((outcome) => port.postMessage({ id: request.id, outcome } satisfies ParseReply));
});
