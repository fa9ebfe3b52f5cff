/**
 * Build the dashboard (emulator/ui/, Preact) into dist/ui/: app.js, app.css and index.html. The
 * emulator serves these files itself (GET /_emulator/ui), so the page works offline: everything it
 * needs is bundled, nothing comes from a CDN. The folder is emptied first, so it holds exactly
 * what this build wrote (the emulator serves only the files it finds there).
 */
import { copyFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { fromPackageRoot } from '../emulator/paths.js';

const source = fromPackageRoot('emulator', 'ui');
const out = fromPackageRoot('dist', 'ui');

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

await build({
  entryPoints: { app: join(source, 'main.tsx') },
  outdir: out,
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['chrome110', 'firefox110', 'safari16'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  minify: true,
  // No source map: the page is small, and the package ships no maps (package.json `files`).
  sourcemap: false,
  legalComments: 'eof',
  logLevel: 'warning',
});
copyFileSync(join(source, 'index.html'), join(out, 'index.html'));

const written = readdirSync(out).sort();
for (const name of ['index.html', 'app.js', 'app.css']) {
  if (!written.includes(name)) throw new Error(`build-ui: ${name} was not written to ${out}`);
}
