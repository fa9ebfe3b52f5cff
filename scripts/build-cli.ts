/**
 * Bundle the CLI (dist/cli.mjs). Start-up is measured from spawn to the first 200, and loading a
 * few hundred small modules through Node's ESM loader costs more than evaluating one bundle
 * (scripts/bench/startup: about 80 ms less on the CI machine size). Code that only some runs need
 * (the `seed` generator and faker, WebSockets, multipart, JWT signing) is reached through dynamic
 * imports; with code splitting those become chunks loaded on first use, so start-up neither parses
 * nor evaluates them. Document parsers, the image codec (jimp, 1.5 MB minified: previews only) and
 * pretty logs stay external (node_modules, on first use).
 *
 * The package's two library entry points (`fastio-emulator`, `fastio-emulator/vitest`) are bundled
 * in the same build, so they share its chunks: the tarball carries the code once, not once as the
 * CLI bundle and again as tsc's module tree (their types stay in dist/emulator/*.d.ts). The parse
 * worker stays tsc's dist/emulator/intelligence/engine/parse-worker.js (a worker loads a file).
 */
import { rmSync } from 'node:fs';
import { build, type Plugin } from 'esbuild';
import { fromPackageRoot } from '../emulator/paths.js';

/**
 * zod's namespace export (`z.locales`) keeps all ~45 message locales in the bundle, since the
 * namespace object escapes tree shaking; the emulator speaks English only (zod registers `en`
 * itself) and never calls `z.locales.*`, so the locales index is reduced to `en`.
 */
const zodEnglishOnly: Plugin = {
  name: 'zod-english-only',
  setup(b) {
    b.onResolve({ filter: /\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]v4[\\/](classic|core)$/.test(args.resolveDir) ? { path: `${args.resolveDir}/../locales/en.js`, namespace: 'zod-en' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'zod-en' }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(args.path)};`,
      loader: 'js',
      resolveDir: args.path.replace(/[\\/][^\\/]+$/, ''),
    }));
  },
};

rmSync(fromPackageRoot('dist', 'cli-chunks'), { recursive: true, force: true });

await build({
  entryPoints: ['cli', 'index', 'testing'].map((name) => fromPackageRoot('dist', 'emulator', `${name}.js`)),
  outdir: fromPackageRoot('dist'),
  entryNames: '[name]',
  chunkNames: 'cli-chunks/[name]-[hash]',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  minify: true,
  logLevel: 'warning',
  // iconv-lite (body-parser's charsets): bundled, its CJK tables (about 450 KB) were parsed at every
  // start; from node_modules it loads a table on first use of that charset.
  external: ['pdfjs-dist', 'mammoth', 'jimp', 'pino-pretty', '@faker-js/faker', 'cli-progress', 'iconv-lite'],
  plugins: [zodEnglishOnly],
  // CommonJS dependencies inside an ES module bundle need a `require` of their own.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
});
