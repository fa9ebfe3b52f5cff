/**
 * Bundle the CLI into one file (dist/cli.mjs). Start-up is measured from spawn to the first 200,
 * and loading a few hundred small modules through Node's ESM loader costs more than evaluating one
 * bundle (measured with scripts/bench/startup: about 80 ms less on the CI machine size). Heavy
 * parsers that only ingestion needs stay external and load on first use.
 */
import { build } from 'esbuild';
import { fromPackageRoot } from '../emulator/paths.js';

await build({
  entryPoints: [fromPackageRoot('dist', 'emulator', 'cli.js')],
  outfile: fromPackageRoot('dist', 'cli.mjs'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  minify: true,
  logLevel: 'warning',
  external: ['pdfjs-dist', 'mammoth', 'pino-pretty'],
  // CommonJS dependencies inside an ES module bundle need a `require` of their own.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
});
