/**
 * The peers the throughput benchmark compares with, installed from npm into scripts/bench/peers/
 * only (its own package.json and lock; node_modules there is gitignored). `npm test` and CI never
 * need them: the bench installs them on first use.
 *
 * - json-server 0.17 serving the same record (a singular resource, routed to the same path).
 * - Stoplight Prism (`prism mock`) on a one-route OpenAPI document whose example is the same body
 *   and whose operation requires a Bearer token (Prism answers 401 without one).
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fromPackageRoot } from '../../emulator/paths.js';
import { startServer, type ServerProcess } from './processes.js';

export const PEERS_DIR = fromPackageRoot('scripts', 'bench', 'peers');

export interface PeerPackage {
  id: 'json-server' | 'prism';
  label: string;
  npmName: string;
  /** why this version (from peers/package.json `benchNotes`) */
  note?: string;
  /** the installed version, when installed */
  version?: string;
  /** why it cannot be measured here, when it cannot */
  unavailable?: string;
}

interface PackageJson {
  version: string;
  bin?: string | Record<string, string>;
  engines?: { node?: string };
}

function installed(npmName: string): PackageJson | undefined {
  const file = join(PEERS_DIR, 'node_modules', npmName, 'package.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as PackageJson) : undefined;
}

function binOf(npmName: string): string {
  const pkg = installed(npmName)!;
  const bin = typeof pkg.bin === 'string' ? pkg.bin : Object.values(pkg.bin ?? {})[0];
  if (!bin) throw new Error(`${npmName} has no bin`);
  return join(PEERS_DIR, 'node_modules', npmName, bin);
}

/** `>=A.B.C` (the only form these packages use) against the running Node. */
export function nodeSatisfies(range: string | undefined, version = process.versions.node): boolean {
  if (!range) return true;
  const m = /^>=\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(range.trim());
  if (!m) return true;
  const want = [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)];
  const have = version.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    if (have[i]! > want[i]!) return true;
    if (have[i]! < want[i]!) return false;
  }
  return true;
}

/** Install the peers if they are missing; say per peer whether it can run on this Node. */
export async function ensurePeers(log: (msg: string) => void): Promise<PeerPackage[]> {
  const wanted = JSON.parse(readFileSync(join(PEERS_DIR, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
    benchNotes?: Record<string, string>;
  };
  const peers: PeerPackage[] = [
    { id: 'json-server', label: 'json-server', npmName: 'json-server' },
    { id: 'prism', label: 'Stoplight Prism', npmName: '@stoplight/prism-cli' },
  ];
  for (const p of peers) {
    const note = wanted.benchNotes?.[p.npmName];
    if (note) p.note = note;
  }
  if (peers.some((p) => installed(p.npmName)?.version !== wanted.dependencies[p.npmName])) {
    log(`installing the peers: npm install --prefix scripts/bench/peers`);
    try {
      const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
      await promisify(execFile)(npm, ['install', '--prefix', PEERS_DIR, '--no-audit', '--no-fund', '--loglevel', 'error'], { cwd: PEERS_DIR });
    } catch (e) {
      const reason = `npm install failed: ${((e as Error).message ?? '').split('\n')[0]}`;
      for (const p of peers) if (!installed(p.npmName)) p.unavailable = reason;
    }
  }
  for (const p of peers) {
    const pkg = installed(p.npmName);
    if (!pkg) {
      p.unavailable ??= 'not installed';
      continue;
    }
    p.version = pkg.version;
    if (!nodeSatisfies(pkg.engines?.node)) {
      p.unavailable = `${p.npmName}@${pkg.version} requires Node ${pkg.engines?.node}; this is Node ${process.versions.node}`;
    }
  }
  return peers;
}

/** Start a peer serving `body` at `GET path` (Bearer `token` for Prism). */
export async function startPeer(peer: PeerPackage, path: string, token: string, body: string, workDir: string, logDir: string): Promise<ServerProcess> {
  void token; // Prism checks that a Bearer token is present; no peer checks its value.
  if (peer.id === 'json-server') {
    const db = join(workDir, 'json-server-db.json');
    const routes = join(workDir, 'json-server-routes.json');
    writeFileSync(db, JSON.stringify({ record: JSON.parse(body) as unknown }));
    // json-server's routes map the emulator's path (with and without the slash) onto the resource.
    writeFileSync(routes, JSON.stringify({ [path]: '/record', [path.replace(/\/$/, '')]: '/record' }));
    return startServer({
      name: `json-server ${peer.version}`,
      args: [binOf(peer.npmName), '--quiet', '--host', '127.0.0.1', '--port', '{port}', '--routes', routes, db],
      readyPath: path,
      readyStatus: 200,
      logDir,
    });
  }
  const doc = join(workDir, 'prism-openapi.json');
  writeFileSync(
    doc,
    JSON.stringify(
      {
        openapi: '3.0.3',
        info: { title: 'fastio-emulator bench: one route', version: '1' },
        paths: {
          [path]: {
            get: {
              operationId: 'read',
              security: [{ bearer: [] }],
              responses: { '200': { description: 'the record', content: { 'application/json': { example: JSON.parse(body) as unknown } } } },
            },
          },
        },
        components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      },
      null,
      2,
    ),
  );
  // `-v warn`: Prism logs every request at info; warn is its equivalent of the emulator's CI setting.
  return startServer({
    name: `prism ${peer.version}`,
    args: [binOf(peer.npmName), 'mock', '--host', '127.0.0.1', '--port', '{port}', '-v', 'warn', doc],
    readyPath: path,
    readyTimeoutMs: 60_000,
    logDir,
  });
}
