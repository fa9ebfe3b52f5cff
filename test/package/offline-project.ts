/**
 * An empty project that installs the packed tarball the way a user's project would, without the
 * network: its package-lock.json is cut from this repository's lockfile (the same versions this
 * repository is tested with), so `npm ci --offline` takes every tarball from the local npm cache
 * (the one `npm ci` in this checkout filled). CHOICE: a lockfile rather than
 * `npm install --offline <tarball>`: without a lockfile npm asks the registry for each package's
 * version list, which the cache of an `npm ci` does not hold (ENOTCACHED).
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

interface LockEntry {
  version?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  dev?: boolean;
  devOptional?: boolean;
  peer?: boolean;
  [key: string]: unknown;
}

interface Manifest {
  name: string;
  version: string;
  license: string;
  bin: Record<string, string>;
  engines: Record<string, string>;
  dependencies: Record<string, string>;
}

/** Where node would find `name` from the package at `from` (its own node_modules, then its parents'). */
function resolveFrom(packages: Record<string, LockEntry>, from: string, name: string): string | undefined {
  let base = from;
  for (;;) {
    const path = `${base ? `${base}/` : ''}node_modules/${name}`;
    if (packages[path]) return path;
    if (!base) return undefined;
    const i = base.lastIndexOf('/node_modules/');
    base = i < 0 ? '' : base.slice(0, i);
  }
}

/**
 * Write package.json and package-lock.json into `dir`: the tarball plus `extra` packages (their
 * versions as locked here, e.g. vitest and typescript for the vitest example).
 */
export function writeOfflineProject(repoRoot: string, dir: string, tarball: string, extra: string[]): void {
  const lock = JSON.parse(readFileSync(join(repoRoot, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as Manifest;
  const { packages } = lock;
  const keep = new Set<string>();
  const visit = (path: string): void => {
    if (keep.has(path)) return;
    keep.add(path);
    const entry = packages[path]!;
    const wanted: [string, boolean][] = [
      ...Object.keys(entry.dependencies ?? {}).map((n): [string, boolean] => [n, false]),
      ...Object.keys(entry.optionalDependencies ?? {}).map((n): [string, boolean] => [n, true]),
      ...Object.keys(entry.peerDependencies ?? {}).map((n): [string, boolean] => [n, true]),
    ];
    for (const [name, optional] of wanted) {
      const found = resolveFrom(packages, path, name);
      if (found) visit(found);
      else if (!optional) throw new Error(`the lockfile has no ${name}, which ${path} needs`);
    }
  };
  for (const name of [...Object.keys(manifest.dependencies), ...extra]) {
    if (!packages[`node_modules/${name}`]) throw new Error(`the lockfile has no ${name}`);
    visit(`node_modules/${name}`);
  }
  const resolved = `file:${tarball}`;
  const dependencies: Record<string, string> = { [manifest.name]: resolved };
  for (const name of extra) dependencies[name] = packages[`node_modules/${name}`]!.version!;
  const out: { name: string; version: string; lockfileVersion: number; requires: boolean; packages: Record<string, unknown> } = {
    name: 'first-project',
    version: '0.0.0',
    lockfileVersion: 3,
    requires: true,
    packages: {
      '': { name: 'first-project', version: '0.0.0', dependencies },
      [`node_modules/${manifest.name}`]: {
        version: manifest.version,
        resolved,
        integrity: `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`,
        license: manifest.license,
        dependencies: manifest.dependencies,
        bin: manifest.bin,
        engines: manifest.engines,
      },
    },
  };
  for (const path of [...keep].sort()) {
    const { dev: _dev, devOptional: _devOptional, peer: _peer, ...entry } = packages[path]!;
    out.packages[path] = entry;
  }
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify({ name: 'first-project', version: '0.0.0', private: true, type: 'module', dependencies }, null, 2)}\n`,
  );
  writeFileSync(join(dir, 'package-lock.json'), `${JSON.stringify(out, null, 2)}\n`);
}
