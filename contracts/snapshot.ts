/**
 * Snapshot parity (LocalStack's habit): a live run records what the real API answered, normalised
 * so it can be compared; every emulator run compares its own answer with that recording.
 *
 * - The normaliser replaces what differs between any two runs (ids, tokens, emails, times, the
 *   run's unique names) with stable references, keeping identity: within one test the same raw id
 *   always becomes the same `<id:N>`, so "the id from create equals the id from get" survives.
 *   Keys are visited in sorted order, so the numbering does not depend on JSON key order.
 * - The differ compares two normalised answers path by path. Known divergences are declared per
 *   JSON path with a reason (`$.user.plan`, `$.items[*].size`, `*` for any key) and skipped;
 *   `shapeOnly` paths compare JSON types only (values that differ per account).
 * - Snapshots are written only from a live run with FASTIO_UPDATE_SNAPSHOTS (`--update-snapshots`),
 *   never from an emulator target and never from an answer carrying the emulator's header.
 * - With no recording for a name, an emulator run asserts nothing and says so: the outcome is
 *   `no-live-snapshot`, written to the coverage record and the parity report.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

// ---------------------------------------------------------------------------------------------
// Paths

export type PathSegment = string | number;

export function formatPath(segments: readonly PathSegment[]): string {
  let out = '$';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else if (s === '*') out += '.*';
    else if (/^[A-Za-z_][\w-]*$/.test(s)) out += `.${s}`;
    else out += `[${JSON.stringify(s)}]`;
  }
  return out;
}

/** Parse `$.a.b[0]["x y"].*[*]` into segments; `*` matches any key or index. */
export function parsePath(path: string): PathSegment[] {
  if (!path.startsWith('$')) throw new Error(`a JSON path starts with "$", got "${path}"`);
  const out: PathSegment[] = [];
  const re = /\.([A-Za-z_*][\w-]*)|\[(\d+|\*)\]|\[("(?:[^"\\]|\\.)*")\]/y;
  re.lastIndex = 1;
  while (re.lastIndex < path.length) {
    const at = re.lastIndex;
    const m = re.exec(path);
    if (!m) throw new Error(`cannot read the JSON path "${path}" at "${path.slice(at)}"`);
    if (m[1] !== undefined) out.push(m[1]);
    else if (m[2] !== undefined) out.push(m[2] === '*' ? '*' : Number(m[2]));
    else out.push(JSON.parse(m[3]!) as string);
  }
  return out;
}

/** Does `pattern` match `path` exactly, or a parent of it (a declared path covers its subtree)? */
export function pathCovers(pattern: readonly PathSegment[], path: readonly PathSegment[]): boolean {
  if (pattern.length > path.length) return false;
  return pattern.every((p, i) => p === '*' || p === path[i]);
}

// ---------------------------------------------------------------------------------------------
// Normaliser

const JWT = /^eyJ[\w-]*\.[\w-]+\.[\w-]*$/;
const NUMERIC_ID = /^[1-9]\d{18}$/;
const OPAQUE_ID = /^(?=[0-9a-z]*\d)(?=[0-9a-z]*[a-z])[0-9a-z]{28,32}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const FASTIO_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC$/;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;
const SECRET_KEY = /(^|_)(token|api_key|secret|password|key_secret)$/i;
const TIME_KEY = /(^|_)(time|expires|expiry|created|updated|modified|deleted|date|at|start|end)$/i;
const EMBEDDED = /\b[1-9]\d{18}\b|\b(?=[0-9a-z]*\d)(?=[0-9a-z]*[a-z])[0-9a-z]{28,32}\b|[\w.+-]+@[\w-]+(\.[\w-]+)+/g;

export class Normaliser {
  private readonly refs = new Map<string, string>();
  private readonly counters = new Map<string, number>();
  private literals: string[] = [];

  /** Values unique to this run (domains, names, memos): replaced wherever they appear. */
  constructor(literals: Iterable<string> = []) {
    for (const l of literals) this.addLiteral(l);
  }

  addLiteral(value: string): void {
    if (value.length < 4 || this.literals.includes(value)) return;
    this.literals.push(value);
    this.literals.sort((a, b) => b.length - a.length);
  }

  /** The reference for a raw value: the same raw value gets the same reference. */
  ref(kind: string, raw: string): string {
    const known = this.refs.get(raw);
    if (known) return known;
    const n = (this.counters.get(kind) ?? 0) + 1;
    this.counters.set(kind, n);
    const ref = `<${kind}:${n}>`;
    this.refs.set(raw, ref);
    return ref;
  }

  normalise(value: unknown, key = ''): unknown {
    if (typeof value === 'string') return this.normaliseString(value, key);
    if (typeof value === 'number') {
      if (TIME_KEY.test(key)) {
        if (value >= 1e9 && value < 1e10) return '<epoch:s>';
        if (value >= 1e12 && value < 1e13) return '<epoch:ms>';
      }
      return value;
    }
    if (Array.isArray(value)) return value.map((v) => this.normalise(v, key));
    if (value && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(value).sort()) out[k] = this.normalise((value as Record<string, unknown>)[k], k);
      return out;
    }
    return value;
  }

  private normaliseString(s: string, key: string): string {
    const known = this.refs.get(s);
    if (known) return known;
    if (JWT.test(s)) return this.ref('jwt', s);
    if (NUMERIC_ID.test(s) || OPAQUE_ID.test(s)) return this.ref('id', s);
    if (UUID.test(s)) return this.ref('uuid', s);
    if (FASTIO_TIME.test(s)) return '<time:fastio>';
    if (ISO_TIME.test(s)) return '<time:iso8601>';
    if (SECRET_KEY.test(key) && s.length >= 16) return this.ref('secret', s);
    for (const literal of this.literals) if (s === literal) return this.ref('unique', s);
    if (EMAIL.test(s) && !/\s/.test(s)) return this.ref('email', s);
    // Inside free text (error messages, resource paths): the run's names, ids and emails.
    let out = s;
    for (const literal of this.literals) if (out.includes(literal)) out = out.split(literal).join(this.ref('unique', literal));
    out = out.replace(EMBEDDED, (m) => this.refs.get(m) ?? (m.includes('@') ? this.ref('email', m) : this.ref('id', m)));
    return out;
  }
}

// ---------------------------------------------------------------------------------------------
// Differ

export interface Difference {
  path: string;
  kind: 'missing' | 'extra' | 'type' | 'value' | 'length';
  live?: unknown;
  emulator?: unknown;
}

export interface DiffOptions {
  /** known divergences: these paths (and their subtrees) are not compared */
  ignore?: readonly string[];
  /** compare JSON types only under these paths (values that differ per account or per run) */
  shapeOnly?: readonly string[];
}

export interface DiffResult {
  differences: Difference[];
  /** declared divergences that did differ this time */
  divergencesSeen: string[];
}

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

/** Compare a live answer (expected) with an emulator answer, both normalised. */
export function diffJson(live: unknown, emulator: unknown, opts: DiffOptions = {}): DiffResult {
  const ignore = (opts.ignore ?? []).map((p) => ({ raw: p, seg: parsePath(p) }));
  const shapeOnly = (opts.shapeOnly ?? []).map(parsePath);
  const differences: Difference[] = [];
  const seen = new Set<string>();

  const walk = (a: unknown, b: unknown, path: PathSegment[], shape: boolean): void => {
    const ignored = ignore.find((i) => pathCovers(i.seg, path));
    if (ignored) {
      if (JSON.stringify(a) !== JSON.stringify(b)) seen.add(ignored.raw);
      return;
    }
    const shapeHere = shape || shapeOnly.some((s) => pathCovers(s, path));
    const ta = jsonType(a);
    const tb = jsonType(b);
    if (ta !== tb) {
      differences.push({ path: formatPath(path), kind: 'type', live: a, emulator: b });
      return;
    }
    if (ta === 'array') {
      const xa = a as unknown[];
      const xb = b as unknown[];
      if (shapeHere) {
        // Lists whose length varies: every emulator item has the shape of the first live item.
        if (xa.length > 0) xb.forEach((item, i) => walk(xa[0], item, [...path, i], true));
        return;
      }
      if (xa.length !== xb.length) differences.push({ path: formatPath(path), kind: 'length', live: xa.length, emulator: xb.length });
      for (let i = 0; i < Math.min(xa.length, xb.length); i++) walk(xa[i], xb[i], [...path, i], false);
      return;
    }
    if (ta === 'object') {
      const oa = a as Record<string, unknown>;
      const ob = b as Record<string, unknown>;
      const keys = [...new Set([...Object.keys(oa), ...Object.keys(ob)])].sort();
      for (const k of keys) {
        const p = [...path, k];
        if (ignore.some((i) => pathCovers(i.seg, p))) {
          walk(oa[k], ob[k], p, shapeHere);
          continue;
        }
        if (!(k in ob)) differences.push({ path: formatPath(p), kind: 'missing', live: oa[k] });
        else if (!(k in oa)) differences.push({ path: formatPath(p), kind: 'extra', emulator: ob[k] });
        else walk(oa[k], ob[k], p, shapeHere);
      }
      return;
    }
    if (!shapeHere && a !== b) differences.push({ path: formatPath(path), kind: 'value', live: a, emulator: b });
  };

  walk(live, emulator, [], false);
  return { differences, divergencesSeen: [...seen] };
}

function show(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? 'undefined' : s.length > 120 ? `${s.slice(0, 117)}...` : s;
}

/** One line per difference, path first. */
export function formatDifferences(differences: readonly Difference[]): string {
  return differences
    .map((d) => {
      switch (d.kind) {
        case 'missing':
          return `  ${d.path}: only in the live answer (live: ${show(d.live)})`;
        case 'extra':
          return `  ${d.path}: only in the emulator's answer (emulator: ${show(d.emulator)})`;
        case 'type':
          return `  ${d.path}: type differs: live ${jsonType(d.live)} ${show(d.live)}, emulator ${jsonType(d.emulator)} ${show(d.emulator)}`;
        case 'length':
          return `  ${d.path}: live has ${show(d.live)} items, emulator ${show(d.emulator)}`;
        case 'value':
          return `  ${d.path}: live ${show(d.live)}, emulator ${show(d.emulator)}`;
      }
    })
    .join('\n');
}

// ---------------------------------------------------------------------------------------------
// Snapshot files

export interface SnapshotEntry {
  /** the date of the live run that recorded it (YYYY-MM-DD) */
  recorded: string;
  /** the base URL it was recorded from */
  source: string;
  /** `METHOD path`, normalised */
  request: string;
  status: number;
  body: unknown;
}

export interface SnapshotFile {
  format: 'fastio-contract-snapshots';
  version: 1;
  /** the contract file, e.g. `auth.contract` */
  file: string;
  updated: string;
  snapshots: Record<string, SnapshotEntry>;
}

/** The divergence key for the HTTP status (every other key is a JSON path into the body). */
export const STATUS = 'status';

export interface SnapshotOptions {
  /** known divergences of this answer: JSON path (or `status`) -> reason */
  divergences?: Record<string, string>;
  /** paths compared by JSON type only */
  shapeOnly?: string[];
}

/** Error wording is the service's own: compared by type only unless a test says otherwise. */
export const DEFAULT_SHAPE_ONLY = ['$.error.text', '$.error.params[*].message'];

export type SnapshotOutcome = 'matched' | 'differs' | 'recorded' | 'no-live-snapshot';

export interface SnapshotRecord {
  name: string;
  request: string;
  outcome: SnapshotOutcome;
  /** the live recording's date, when there is one */
  recorded?: string;
  /** declared divergences that differed in this run, with their reasons */
  divergences: { path: string; reason: string }[];
}

export class SnapshotMismatchError extends Error {
  override name = 'SnapshotMismatchError';
}

export class SnapshotWriteRefused extends Error {
  override name = 'SnapshotWriteRefused';
}

export interface SnapshotResponse {
  status: number;
  headers: Headers;
  body: unknown;
  request: { method: string; path: string };
}

export interface SnapshotBookOptions {
  /** where the file lives: contracts/snapshots/<file>.snapshot.json */
  path: string;
  file: string;
  target: 'inprocess' | 'http' | 'live';
  /** record instead of compare (live only) */
  update: boolean;
  baseUrl: string;
  /** divergences declared for the whole file */
  fileDivergences?: Record<string, string>;
  today?: () => string;
}

function readSnapshotFile(path: string, file: string): SnapshotFile {
  if (!existsSync(path)) return { format: 'fastio-contract-snapshots', version: 1, file, updated: '', snapshots: {} };
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as SnapshotFile;
  if (parsed.format !== 'fastio-contract-snapshots' || parsed.version !== 1) throw new Error(`${path} is not a version-1 snapshot file`);
  return parsed;
}

/** One contract file's snapshots. */
export class SnapshotBook {
  private readonly stored: SnapshotFile;
  private readonly recorded = new Map<string, SnapshotEntry>();
  private readonly today: () => string;

  constructor(private readonly opts: SnapshotBookOptions) {
    this.stored = readSnapshotFile(opts.path, opts.file);
    this.today = opts.today ?? (() => new Date().toISOString().slice(0, 10));
  }

  /**
   * Compare (emulator targets, live without update) or record (live with update) one answer.
   * `key` names the snapshot within the file (test name and snapshot name).
   */
  match(key: string, name: string, response: SnapshotResponse, normaliser: Normaliser, options: SnapshotOptions = {}): SnapshotRecord {
    const request = `${response.request.method} ${normaliser.normalise(response.request.path) as string}`;
    const body = normaliser.normalise(response.body);
    const divergences = { ...this.opts.fileDivergences, ...options.divergences };

    if (this.opts.update) {
      if (this.opts.target !== 'live') {
        throw new SnapshotWriteRefused(`snapshots are written only from a live run; FASTIO_UPDATE_SNAPSHOTS is set on the ${this.opts.target} target`);
      }
      if (response.headers.has('x-fastio-emulator')) {
        throw new SnapshotWriteRefused(
          `refusing to record "${name}": the answer came from the emulator (x-fastio-emulator header), not the live API at ${this.opts.baseUrl}`,
        );
      }
      this.recorded.set(key, { recorded: this.today(), source: this.opts.baseUrl, request, status: response.status, body });
      return { name, request, outcome: 'recorded', divergences: [] };
    }

    const live = this.stored.snapshots[key];
    if (!live) return { name, request, outcome: 'no-live-snapshot', divergences: [] };
    const { differences, divergencesSeen } = diffJson(live.body, body, {
      ignore: Object.keys(divergences).filter((k) => k !== STATUS),
      shapeOnly: [...DEFAULT_SHAPE_ONLY, ...(options.shapeOnly ?? [])],
    });
    if (live.status !== response.status && STATUS in divergences) divergencesSeen.unshift(STATUS);
    const statusDiffers = live.status !== response.status && !(STATUS in divergences);
    const record: SnapshotRecord = {
      name,
      request,
      outcome: differences.length > 0 || statusDiffers ? 'differs' : 'matched',
      recorded: live.recorded,
      divergences: divergencesSeen.map((path) => ({ path, reason: divergences[path]! })),
    };
    if (record.outcome === 'differs') {
      const lines = [
        `the ${this.opts.target} answer differs from the live snapshot "${name}" (recorded ${live.recorded} from ${live.source}, ${live.request}):`,
        ...(statusDiffers ? [`  status: live ${live.status}, ${this.opts.target} ${response.status}`] : []),
        formatDifferences(differences),
        'If the difference is known, declare it: snapshot.match(name, res, { divergences: { "<path>": "<reason>" } }).',
      ].filter((l) => l.length > 0);
      throw new SnapshotMismatchError(lines.join('\n'));
    }
    return record;
  }

  /** Write what this run recorded (live with update only), keeping the file's other entries. */
  flush(): void {
    if (this.recorded.size === 0) return;
    if (!this.opts.update || this.opts.target !== 'live') throw new SnapshotWriteRefused('snapshots are written only from a live run');
    const current = readSnapshotFile(this.opts.path, this.opts.file);
    for (const [k, v] of this.recorded) current.snapshots[k] = v;
    current.updated = this.today();
    const sorted: Record<string, SnapshotEntry> = {};
    for (const k of Object.keys(current.snapshots).sort()) sorted[k] = current.snapshots[k]!;
    current.snapshots = sorted;
    mkdirSync(dirname(this.opts.path), { recursive: true });
    const tmp = `${this.opts.path}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(current, null, 2)}\n`);
    renameSync(tmp, this.opts.path);
    this.recorded.clear();
  }
}
