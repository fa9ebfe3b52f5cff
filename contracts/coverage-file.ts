/**
 * The coverage records the contract harness writes, one per contract file, target and dialect
 * (test-results/contract-coverage/<target>-<dialect>-<file>.json), and which the parity report
 * reads (scripts/parity.ts readCoverage). No vitest here: the parity script imports it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Dialect } from '../emulator/catalogue/index.js';
import { fromPackageRoot } from '../emulator/paths.js';
import type { Capability } from './target.js';
import type { SnapshotRecord } from './snapshot.js';

export type Marker = { kind: 'live-validated'; date: string } | { kind: 'emulator-only' } | { kind: 'unverified' };

export interface TestRecord {
  name: string;
  /** suites and name, ` > ` between levels */
  fullName: string;
  /** null: the test was not defined through `contract.*` */
  marker: Marker | null;
  requires: Capability[];
  /** the dialect the target spoke */
  dialect?: Dialect;
  outcome: 'passed' | 'failed' | 'skipped';
  skipReason?: string;
  requests: [method: string, path: string, status: number][];
  snapshots: SnapshotRecord[];
}

export interface CoverageRecord {
  target: string;
  /** the dialect the target spoke (absent in records written before dialects had their own files) */
  dialect?: Dialect;
  file: string;
  writtenAt?: string;
  tests: TestRecord[];
}

/** Where coverage records and live-run ledgers go (the live rehearsal points it at a temporary folder). */
export function resultsDir(): string {
  return process.env.FASTIO_CONTRACT_RESULTS_DIR || fromPackageRoot('test-results');
}

/** The record of one contract file run on one target under one dialect. */
export function coverageFileName(target: string, dialect: Dialect, file: string): string {
  return `${target}-${dialect}-${file}.json`;
}

/** A test defined with plain `test`/`it`: recorded without a marker, as failed. */
export function unmarkedRecord(name: string, fullName: string): TestRecord {
  return { name, fullName, marker: null, requires: [], outcome: 'failed', requests: [], snapshots: [] };
}

/** Write a file's record (nothing when it has no tests); every test carries the dialect. */
export function writeCoverageRecord(record: { target: string; dialect: Dialect; file: string; tests: TestRecord[] }): void {
  if (record.tests.length === 0) return;
  const dir = join(resultsDir(), 'contract-coverage');
  mkdirSync(dir, { recursive: true });
  for (const t of record.tests) t.dialect ??= record.dialect;
  const out: CoverageRecord = { target: record.target, dialect: record.dialect, file: record.file, writtenAt: new Date().toISOString(), tests: record.tests };
  writeFileSync(join(dir, coverageFileName(record.target, record.dialect, record.file)), JSON.stringify(out, null, 1));
}
