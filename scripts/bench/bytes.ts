/**
 * Bytes at scale (issue 18 item 7): a state holding `totalBytes` of stored files, with `--data`.
 *
 * One CLI with `--data` (April dialect, plan `pro`: 1 TB of storage and no credit ceiling, so
 * the plan is not what is measured) takes `files` single-call uploads of `fileBytes` random,
 * incompressible bytes each (distinct, so the content-addressed blob store keeps every one), then
 *
 *  - waits until the upload jobs settle and the persistence layer reports nothing dirty;
 *  - exports the whole state (`GET /_emulator/state`, which carries the bytes), read as a stream;
 *  - stops (SIGTERM: the final flush), starts again on the same `--data`, and reads a sample of
 *    the files back, comparing their SHA-256 with what was sent.
 *
 * Resident memory is read from /proc/<pid>/status: VmRSS after each step and VmHWM (the peak) of
 * each process. The target: the peak stays below twice the stored bytes.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fromPackageRoot } from '../../emulator/paths.js';
import { startServer, type ServerProcess } from './processes.js';

export interface BytesBenchOptions {
  files: number;
  fileBytes: number;
  /** uploads in flight at once */
  concurrency: number;
  /** files read back after the restart */
  readBack: number;
  workDir: string;
  logDir: string;
  log: (msg: string) => void;
}

export interface BytesBenchResult {
  files: number;
  fileBytes: number;
  storedBytes: number;
  uploadMs: number;
  /** from the last upload's answer until the jobs settled and the journal held every write */
  settleMs: number;
  export: { status: number; ms: number; bytes: number };
  /** SIGTERM to exit (the final flush) */
  stopMs: number;
  /** spawn to the first answer, on the saved state */
  restartMs: number;
  readBack: { files: number; matching: number; ms: number };
  /** MB resident: after the uploads settled, after the export, peak of the first process; after the restart and the reads, peak of the second */
  rssMb: { afterUploads: number; afterExport: number; peakFirst: number; afterRestart: number; peakSecond: number };
  /** the larger peak over the stored bytes */
  peakOverStored: number;
  dataOnDiskBytes: number;
  command: string;
}

const CONTROL = { 'x-fastio-emulator-client': '1' };
const MB = 1024 * 1024;

function memoryOf(pid: number): { rssMb: number; hwmMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMb: Math.round(kb('VmRSS') / 1024), hwmMb: Math.round(kb('VmHWM') / 1024) };
}

async function json(res: Response, what: string): Promise<Record<string, unknown>> {
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${what} answered ${res.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as Record<string, unknown>;
}

function form(fields: Record<string, string>): RequestInit {
  return { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() };
}

async function untilPersisted(url: string): Promise<void> {
  for (;;) {
    await json(await fetch(`${url}/_emulator/jobs/settle`, { method: 'POST', headers: CONTROL }), 'POST /_emulator/jobs/settle');
    const health = await json(await fetch(`${url}/_emulator/health`, { headers: CONTROL }), 'GET /_emulator/health');
    // Persisted = in the journal on disk (what a restart replays); folding the journal into the
    // snapshot happens later, and the stop's final flush is timed on its own.
    const p = health.persistence as { journal: { unwritten: number } };
    if (p.journal.unwritten === 0) return;
    // Polling a flag the emulator's own flush clears: the interval bounds the figure's resolution.
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Bytes under `dir`: the state file, its journal and the blob folder. */
function diskBytes(dir: string): number {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) if (e.isFile()) total += statSync(join(e.parentPath, e.name)).size;
  return total;
}

export async function runBytesBench(opts: BytesBenchOptions): Promise<BytesBenchResult> {
  const dataDir = join(opts.workDir, 'bytes-data');
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const args = [
    fromPackageRoot('dist', 'cli.mjs'),
    'start',
    '--port',
    '{port}',
    '--data',
    join(dataDir, 'state.json'),
    '--api-dialect',
    '2026-04',
    '--log-level',
    'warn',
  ];
  const start = (name: string) => startServer({ name, args, readyPath: '/current/ping/', logDir: opts.logDir, readyTimeoutMs: 120_000 });
  let server: ServerProcess = await start('bytes-first');
  const command = server.command;
  try {
    const url = server.url;
    const persona = await json(await fetch(`${url}/_emulator/users/`, { method: 'POST', headers: CONTROL }), 'POST /_emulator/users/');
    const auth = { authorization: `Bearer ${persona.api_key as string}` };
    const call = async (path: string, fields: Record<string, string>) => {
      const init = form(fields);
      return json(await fetch(`${url}${path}`, { ...init, headers: { ...(init.headers as Record<string, string>), ...auth } }), `POST ${path}`);
    };
    const org = (await call('/current/org/create/', { domain: `bytes-${Date.now().toString(36)}`, name: 'Bytes bench', billing_plan: 'pro' })).org as {
      id: string;
    };
    const ws = (
      await call(`/current/org/${org.id}/create/workspace/`, {
        folder_name: 'bytes-bench',
        name: 'Bytes bench',
        perm_join: 'Member or above',
        perm_member_manage: 'Member or above',
      })
    ).workspace as { id: string };

    // Upload: `concurrency` at a time, each file's digest kept for the read-back.
    const digests = new Map<string, string>();
    const uploadStart = performance.now();
    let next = 0;
    const worker = async () => {
      while (next < opts.files) {
        const i = next++;
        const name = `blob-${String(i).padStart(5, '0')}.bin`;
        const bytes = randomBytes(opts.fileBytes);
        digests.set(name, createHash('sha256').update(bytes).digest('hex'));
        const body = new FormData();
        for (const [k, v] of Object.entries({
          name,
          size: String(bytes.length),
          action: 'create',
          instance_id: ws.id,
          folder_id: 'root',
          profile_type: 'workspace',
        }))
          body.append(k, v);
        body.append('chunk', new Blob([bytes], { type: 'application/octet-stream' }), name);
        await json(await fetch(`${url}/current/upload/`, { method: 'POST', headers: auth, body }), 'POST /current/upload/');
      }
    };
    await Promise.all(Array.from({ length: opts.concurrency }, worker));
    const uploadMs = performance.now() - uploadStart;
    const settleStart = performance.now();
    await untilPersisted(url);
    const settleMs = performance.now() - settleStart;
    const afterUploads = memoryOf(server.pid).rssMb;
    opts.log(
      `   ${opts.files} files of ${opts.fileBytes / MB} MB uploaded in ${Math.round(uploadMs)} ms; settled and persisted ${Math.round(settleMs)} ms later; ${afterUploads} MB resident`,
    );

    // Export: read as a stream, counting bytes, never holding the document.
    const exportStart = performance.now();
    const res = await fetch(`${url}/_emulator/state`, { headers: CONTROL });
    let exportBytes = 0;
    if (res.body) for await (const piece of res.body) exportBytes += (piece as Uint8Array).length;
    const exported = { status: res.status, ms: Math.round(performance.now() - exportStart), bytes: exportBytes };
    const afterExport = memoryOf(server.pid).rssMb;
    const peakFirst = memoryOf(server.pid).hwmMb;
    opts.log(`   export: ${exported.status}, ${Math.round(exportBytes / MB)} MB in ${exported.ms} ms; ${afterExport} MB resident, peak ${peakFirst} MB`);

    const stopStart = performance.now();
    await server.stop();
    const stopMs = Math.round(performance.now() - stopStart);
    const dataOnDiskBytes = diskBytes(dataDir);

    const restartStart = performance.now();
    server = await start('bytes-second');
    const restartMs = Math.round(performance.now() - restartStart);

    // Read a sample back (spread over the files) and compare digests.
    const list = await json(
      await fetch(`${server.url}/current/workspace/${ws.id}/storage/root/list/?page_size=500`, { headers: auth }),
      'GET storage/root/list/',
    );
    const nodes = ((list.response as { nodes?: unknown } | undefined)?.nodes ?? list.nodes ?? (list.files as unknown)) as { id: string; name: string }[];
    if (!Array.isArray(nodes) || nodes.length !== opts.files)
      throw new Error(`after the restart the folder lists ${Array.isArray(nodes) ? nodes.length : 'no'} files, not ${opts.files}`);
    const step = Math.max(1, Math.floor(nodes.length / opts.readBack));
    const sample = nodes.filter((_, i) => i % step === 0).slice(0, opts.readBack);
    const readStart = performance.now();
    let matching = 0;
    for (const n of sample) {
      const r = await fetch(`${server.url}/current/workspace/${ws.id}/storage/${n.id}/read/`, { headers: auth });
      const got = createHash('sha256')
        .update(Buffer.from(await r.arrayBuffer()))
        .digest('hex');
      if (r.status === 200 && got === digests.get(n.name)) matching++;
    }
    const readMs = Math.round(performance.now() - readStart);
    const second = memoryOf(server.pid);
    opts.log(
      `   restart: ready in ${restartMs} ms, ${matching}/${sample.length} files read back intact in ${readMs} ms; ${second.rssMb} MB resident, peak ${second.hwmMb} MB`,
    );

    const storedBytes = opts.files * opts.fileBytes;
    return {
      files: opts.files,
      fileBytes: opts.fileBytes,
      storedBytes,
      uploadMs: Math.round(uploadMs),
      settleMs: Math.round(settleMs),
      export: exported,
      stopMs,
      restartMs,
      readBack: { files: sample.length, matching, ms: readMs },
      rssMb: { afterUploads, afterExport, peakFirst, afterRestart: second.rssMb, peakSecond: second.hwmMb },
      peakOverStored: Math.round((100 * Math.max(peakFirst, second.hwmMb) * MB) / storedBytes) / 100,
      dataOnDiskBytes,
      command,
    };
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const mbOf = (b: number) => `${Math.round(b / MB).toLocaleString('en-US')} MB`;

/** The report's section 5: what was run and the figures (report.ts calls it). */
export function bytesSection(r: BytesBenchResult | undefined, error: string | undefined): string[] {
  if (!r) return ['## 5. Bytes at scale (`--data`)', `Not run${error ? `: ${error}` : ''}.`];
  return [
    '## 5. Bytes at scale (`--data`)',
    `One CLI with \`--data\` (\`${r.command.replace(/--port \d+/, '--port PORT').replace(/\/tmp\/[^ ]+\/bytes-data/, '$TMP/bytes-data')}\`) takes ` +
      `${r.files.toLocaleString('en-US')} single-call uploads of ${mbOf(r.fileBytes)} of random bytes each (${mbOf(r.storedBytes)} stored), ` +
      'exports the state (`GET /_emulator/state`, read as a stream), stops, starts again on the same files and reads a sample back. ' +
      'Resident memory from /proc/PID/status (VmRSS; the peak is VmHWM).',
    [
      '| step | figure |',
      '|---|---|',
      `| uploads | ${(r.uploadMs / 1000).toFixed(1)} s (${((r.storedBytes / MB / r.uploadMs) * 1000).toFixed(0)} MB/s); jobs settled and journal written ${r.settleMs} ms after the last answer |`,
      `| export | ${r.export.status}, ${mbOf(r.export.bytes)} in ${(r.export.ms / 1000).toFixed(1)} s |`,
      `| stop (final flush) | ${r.stopMs} ms; on disk ${mbOf(r.dataOnDiskBytes)} |`,
      `| restart on the saved state | ready in ${r.restartMs} ms; ${r.readBack.matching}/${r.readBack.files} files read back intact in ${r.readBack.ms} ms |`,
      `| resident memory, first process | ${r.rssMb.afterUploads} MB after the uploads, ${r.rssMb.afterExport} MB after the export, peak ${r.rssMb.peakFirst} MB |`,
      `| resident memory, after the restart | ${r.rssMb.afterRestart} MB after the reads, peak ${r.rssMb.peakSecond} MB |`,
      `| peak over stored bytes | ${r.peakOverStored.toFixed(2)}× |`,
    ].join('\n'),
  ];
}
