import { defineConfig } from 'vitest/config';

/**
 * One set of contract files, several targets (vitest projects): the emulator in process and the
 * CLI over real HTTP. The live target has its own config (vitest.live.config.ts), run only on request
 * (`npm run contracts:live`).
 */
const contracts = { include: ['contracts/suites/**/*.contract.ts'], setupFiles: ['contracts/setup.ts'] };

export default defineConfig({
  test: {
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // `extends: true`: an inline project takes the root options above (the timeouts) only when told;
    // without it every project ran with vitest's 5 s default.
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: ['test/official-client/**'] } },
      // The official Fast.io CLI driven against the emulator (skipped, with one line, without the binary).
      { extends: true, test: { name: 'official-client', include: ['test/official-client/**/*.test.ts'], testTimeout: 300_000 } },
      { extends: true, test: { name: 'contracts:inprocess', ...contracts, env: { FASTIO_TARGET: 'inprocess' } } },
      { extends: true, test: { name: 'contracts:http', ...contracts, env: { FASTIO_TARGET: 'http' } } },
    ],
  },
});
