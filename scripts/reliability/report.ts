/**
 * RELIABILITY.md from a long reliability run (scripts/reliability/run.ts): the machine, the
 * command, vitest's verdict per test file, and each test's own summary (the counts it printed),
 * in the order of the issue's items.
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromPackageRoot } from '../../emulator/index.js';
import { machineInfo } from '../bench/report.js';

interface Section {
  /** the summary file's name (test-results/reliability/<name>.long.json) */
  name: string;
  title: string;
  what: string;
}

const SECTIONS: Section[] = [
  {
    name: 'isolation-property',
    title: 'Isolation property test',
    what: 'fast-check sequences over three tenants (every role, external workspace members, invitations, transfers, uploads, searches, chats, event queries, long-polls), checked after every step against a model of who may see what: no answer shows a caller an id, name, snippet or event of a tenant it may not see, and every refusal carries the documented code. `answers` counts the answers by status/code.',
  },
  {
    name: 'hostile-routes',
    title: 'Hostile input on every route',
    what: 'For every route in the route table: missing and extra fields, wrong types, overlong and empty strings, Unicode edge cases and NUL bytes, `__proto__`/`constructor` keys, JSON where a form is expected and the reverse, broken multipart, bodies over the limit, malformed ids, path traversal. Every refusal is a 4xx in the live envelope, nothing hangs, and the state after a refused request is the state before it (`restores` counts the state comparisons). `problems` must be 0.',
  },
  {
    name: 'hostile-http',
    title: 'Header and protocol abuse over real HTTP',
    what: 'Malformed requests sent on a raw socket (bad Content-Length, oversized headers, duplicate Authorization, broken chunking, bad WebSocket handshakes): each answered in the envelope.',
  },
  {
    name: 'races',
    title: 'Races',
    what: 'Concurrent credit-consuming requests against an almost spent budget (exactly the affordable ones succeed, the ledger sums to the charges, nothing goes below zero); concurrent member and workspace changes (one owner, one live `folder_name`, plan limits hold); and every place a service awaits, held open while another request changes what was checked.',
  },
  {
    name: 'auth-attacks',
    title: 'Auth attacks',
    what: 'Tampered JWTs, `alg: none` and algorithm confusion, expired tokens, a token from another emulator instance, revoked keys, tokens in query strings where not allowed, control-plane access from non-loopback addresses.',
  },
  {
    name: 'auth-brute-force',
    title: 'Basic brute force',
    what: 'Parallel sign-in attempts with wrong passwords: past the limit they are refused before the password is checked.',
  },
  {
    name: 'auth-control-plane-http',
    title: 'Control plane on loopback only',
    what: 'With `--host 0.0.0.0` the API answers on every address and `/_emulator/*` only on loopback; with `--control-token` it answers elsewhere only with the token.',
  },
  {
    name: 'crash-sigkill',
    title: 'Crash safety: SIGKILL during a write storm',
    what: 'The CLI with `--data`, killed with SIGKILL at seeded random moments during a write storm: the file always loads, and every write acknowledged before the last completed flush is in it (`guaranteed`), with the writes acknowledged after it kept as far as they were flushed (`inFlightKept`).',
  },
  {
    name: 'crash-read-only',
    title: 'Crash safety: read-only data directory',
    what: 'The emulator keeps serving from memory, reports `degraded` with the error on health, and writes again when it can.',
  },
  { name: 'crash-full-disk', title: 'Crash safety: full disk', what: 'The same with ENOSPC.' },
  {
    name: 'containment-secrets-and-data',
    title: 'Containment: secrets and data files',
    what: 'Pairs of emulators started with the same `--random-seed` and driven alike: the ids agree (`idsShared`), and no API key, password hash, secret, verification code or invitation code does (`secretsShared` must be 0). Then data files: a second emulator on a locked file is refused, the file opens again after a clean close, and a data path in a missing folder is refused.',
  },
  {
    name: 'containment-lifecycle',
    title: 'Containment: archived workspaces and look-alike names',
    what: 'Every workspace write route of the route table, called on an archived workspace by its owner and by a member, round after round: `writesAccepted` must be 0 while reads still answer. Then random folder names mixing composed and decomposed accents, some with a zero-width, bidi or control character spliced in: the spliced ones are refused with 400/1605 (`acceptedRefusable` must be 0), and two spellings of one NFC name never make two folders (`splitByForm` must be 0).',
  },
  {
    name: 'containment-bounds',
    title: 'Containment: held connections and the background queue',
    what: 'Floods of long-polls from one credential against a cap (`maxHeld` never above `cap`; the rest answered 429/1671), and floods of single-call uploads into an intelligent workspace against a background queue of 20 (`maxJobs` never above it; the rest answered 429).',
  },
  {
    name: 'parse-containment',
    title: 'Document parsing contained',
    what: "One tenant uploads crafted documents of every class (made by the test: a DOCX inflating into millions of tiny paragraphs, one of a million paragraphs under another namespace prefix, one whose zip lies about its sizes, a PDF whose one content stream inflates enormously, the same stream behind a second filter, a PDF of 20,000 pages; `copies` of each) while another tenant's requests run one after another and are timed. Judged: that tenant's p99 under 50 ms, every answer a 200, resident memory under `rssMb.bound` (before + the parser workers' budget + 256 MB), every crafted file `failed` with the reason in `reasons` and charged nothing, the ordinary PDF beside them `ready`.",
  },
  {
    name: 'soak',
    title: 'Soak',
    what: 'Mixed requests (reads, cross-tenant refusals, writes) at 64 keep-alive connections while long-polls stay open and are re-issued as they answer, against the HTTP server in a child process of its own. Judged: no 5xx and no connection error, every answer the one its request expects, no long-poll left in the hub after its client went away, resident memory after the run (after a full GC) within 10% of after warm-up. The audit events the writes add are state and stay; `eventsAdded` and the `curve` show what they cost.',
  },
];

interface VitestJson {
  testResults?: { name: string; status: string; assertionResults?: { title: string; status: string; duration?: number }[] }[];
}

function cell(v: unknown): string {
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/**
 * The report as it stands, split at its `## ` headings (title -> body lines), and its test table's
 * rows by file: a filtered run (`npm run soak -- containment`) rewrites what it ran and keeps the
 * rest, marked with the run that wrote it, instead of blanking every other section.
 */
export function readPrevious(text: string): { written: string; sections: Map<string, string[]>; testRows: Map<string, string> } {
  const sections = new Map<string, string[]>();
  const testRows = new Map<string, string>();
  let current: string[] | undefined;
  for (const line of text.split('\n')) {
    const h = /^## (.+)$/.exec(line);
    if (h) {
      current = [];
      sections.set(h[1]!, current);
      continue;
    }
    current?.push(line);
  }
  for (const line of sections.get('Tests') ?? []) {
    const row = /^\| (test\/\S+) \|/.exec(line);
    if (row) testRows.set(row[1]!, line);
  }
  const date = /^\| written \| ([^ |]+)/m.exec(text)?.[1] ?? 'an earlier run';
  const machine = /^\| machine \| ([^|]+?) \|$/m.exec(text)?.[1];
  const written = machine ? `${date} (${machine})` : date;
  return { written, sections, testRows };
}

export function renderReliability(o: {
  resultsDir: string;
  vitestJson: string;
  command: string;
  seconds: number;
  exitStatus: number;
  /** a filtered run: sections and test rows it did not rerun are kept from this report text */
  previous?: string;
  /** where to write (RELIABILITY.md at the package root unless given) */
  out?: string;
}): string {
  const m = machineInfo();
  const previous = o.previous !== undefined ? readPrevious(o.previous) : undefined;
  const lines: string[] = [
    '# Reliability',
    '',
    'The last long run of the reliability tests (test/reliability/), written by `npm run soak`. `npm test` runs the same tests in their CI size;',
    'this is their long form. Every figure below is what the test itself counted and printed.',
    '',
    '| | |',
    '|---|---|',
    `| command | \`${o.command}\` |`,
    `| written | ${new Date().toISOString()} (the run took ${Math.round(o.seconds)} s) |`,
    `| result | ${o.exitStatus === 0 ? 'every test passed' : `**FAILED** (vitest exit status ${o.exitStatus})`} |`,
    `| machine | ${m.cpu}, ${m.cores} cores, ${Math.round(m.memoryBytes / 2 ** 30)} GiB, ${m.os} |`,
    `| node | ${m.node} |`,
    '',
  ];

  if (existsSync(o.vitestJson)) {
    const v = JSON.parse(readFileSync(o.vitestJson, 'utf8')) as VitestJson;
    lines.push('## Tests', '', '| file | tests | passed | failed | seconds |', '|---|---|---|---|---|');
    const failures: string[] = [];
    const rerun = new Set((v.testResults ?? []).map((f) => f.name.replace(fromPackageRoot() + '/', '')));
    const kept = [...(previous?.testRows ?? new Map<string, string>())].filter(([file]) => !rerun.has(file));
    const rows: [string, string][] = [...kept];
    for (const f of v.testResults ?? []) {
      const file = f.name.replace(fromPackageRoot() + '/', '');
      const tests = f.assertionResults ?? [];
      const failed = tests.filter((a) => a.status !== 'passed' && a.status !== 'skipped');
      for (const a of failed) failures.push(`- ${file}: ${a.title} (**${a.status}**)`);
      const seconds = tests.reduce((n, a) => n + (a.duration ?? 0), 0) / 1000;
      rows.push([file, `| ${file} | ${tests.length} | ${tests.filter((a) => a.status === 'passed').length} | ${failed.length} | ${seconds.toFixed(1)} |`]);
    }
    rows.sort(([a], [b]) => a.localeCompare(b));
    lines.push(...rows.map(([, row]) => row));
    if (kept.length > 0) lines.push('', `Rows of files this run did not select are from the run of ${previous!.written}.`);
    if (failures.length > 0) lines.push('', 'Failed:', '', ...failures);
    lines.push('');
  }

  const present = new Set(
    readdirSync(o.resultsDir)
      .filter((f) => f.endsWith('.long.json'))
      .map((f) => f.slice(0, -'.long.json'.length)),
  );
  for (const s of SECTIONS) {
    lines.push(`## ${s.title}`, '', s.what, '');
    if (!present.has(s.name)) {
      const before = previous?.sections.get(s.title) ?? [];
      const table = before.filter((l) => l.startsWith('|'));
      if (table.length > 0) {
        lines.push(`_Not rerun by this command: the figures of the run of ${keptFrom(before, previous!.written)}._`, '', ...table, '');
      } else lines.push('_No summary from this run (not selected, or the test failed before it reported)._', '');
      continue;
    }
    present.delete(s.name);
    lines.push(...summaryTable(join(o.resultsDir, `${s.name}.long.json`)), '');
  }
  for (const name of [...present].sort()) lines.push(`## ${name}`, '', ...summaryTable(join(o.resultsDir, `${name}.long.json`)), '');

  const out = o.out ?? fromPackageRoot('RELIABILITY.md');
  writeFileSync(out, lines.join('\n'));
  return out;
}

/** When a kept section's figures were measured: the run it already named, else the report's. */
function keptFrom(body: string[], written: string): string {
  for (const l of body) {
    const m = /^_Not rerun by this command: the figures of the run of (.+)\._$/.exec(l);
    if (m) return m[1]!;
  }
  return written;
}

function summaryTable(file: string): string[] {
  const doc = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  const rows = ['| figure | value |', '|---|---|'];
  for (const [k, v] of Object.entries(doc)) {
    if (k === 'name' || k === 'mode' || k === 'node') continue;
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      for (const [k2, v2] of Object.entries(v as Record<string, unknown>)) rows.push(`| ${k}.${k2} | ${cell(v2)} |`);
    } else rows.push(`| ${k} | ${cell(v)} |`);
  }
  return rows;
}
