#!/usr/bin/env node
/**
 * Build only when a source changed since the last build: `npm start` and `npm test` call this
 * instead of `npm run build`, so a built checkout starts in well under a second instead of paying
 * for tsc and esbuild every time.
 *
 * Plain JavaScript on purpose: it runs before anything is compiled. The build's inputs are the
 * TypeScript, TSX, CSS and HTML under the compiled folders, the tsconfig files and package.json;
 * the stamp (dist/.build-stamp) records the newest input's mtime and the number of inputs, so an
 * edited, added or deleted source rebuilds. `--force` builds regardless; `--stamp` only records
 * the stamp (the last step of `npm run build`, so a manual build counts too).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const stampFile = join(root, 'dist', '.build-stamp');
const SOURCE_DIRS = ['emulator', 'contracts', 'fixtures', 'scripts'];
const SOURCE_EXT = /\.(ts|tsx|mts|css|html)$/;
const CONFIG_FILES = ['package.json', 'tsconfig.json', 'tsconfig.build.json', join('emulator', 'ui', 'tsconfig.json')];

function inputs() {
  let newest = 0;
  let count = 0;
  const visit = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) visit(path);
      else if (SOURCE_EXT.test(entry.name)) {
        count++;
        newest = Math.max(newest, statSync(path).mtimeMs);
      }
    }
  };
  for (const dir of SOURCE_DIRS) if (existsSync(join(root, dir))) visit(join(root, dir));
  for (const file of CONFIG_FILES) {
    const path = join(root, file);
    if (existsSync(path)) {
      count++;
      newest = Math.max(newest, statSync(path).mtimeMs);
    }
  }
  return { newest, count };
}

function readStamp() {
  try {
    return JSON.parse(readFileSync(stampFile, 'utf8'));
  } catch {
    return undefined;
  }
}

const now = inputs();
if (process.argv.includes('--stamp')) {
  writeFileSync(stampFile, JSON.stringify(now) + '\n');
  process.exit(0);
}
const stamp = readStamp();
const fresh =
  !process.argv.includes('--force') &&
  stamp !== undefined &&
  stamp.newest === now.newest &&
  stamp.count === now.count &&
  existsSync(join(root, 'dist', 'cli.mjs'));
if (!fresh) {
  const why = stamp === undefined ? 'no build yet' : 'sources changed';
  process.stderr.write(`building (${why})...\n`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const r = spawnSync(npm, ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
