import { defineConfig } from 'vitest/config';

/**
 * One set of contract files, several targets and dialects (vitest projects): the emulator in
 * process under both API dialects (`v2`, the default, and `2026-04`, the April profile) and the CLI
 * over real HTTP under v2. A test states the dialects it covers (contracts/harness.ts `dialects`);
 * under another it is skipped with the reason. The live target has its own config
 * (vitest.live.config.ts), run only on request (`npm run contracts:live`).
 *
 * CHOICE: the HTTP project runs v2 only. What HTTP adds over in-process is the transport (sockets,
 * the CLI's flags, headers on the wire), which does not depend on the dialect, while its cost
 * (a child process per file) does add up on a 2-core CI; the April behaviour is covered in process.
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
      { extends: true, test: { name: 'contracts:inprocess', ...contracts, env: { FASTIO_TARGET: 'inprocess', FASTIO_CONTRACT_DIALECT: 'v2' } } },
      { extends: true, test: { name: 'contracts:inprocess:2026-04', ...contracts, env: { FASTIO_TARGET: 'inprocess', FASTIO_CONTRACT_DIALECT: '2026-04' } } },
      { extends: true, test: { name: 'contracts:http', ...contracts, env: { FASTIO_TARGET: 'http', FASTIO_CONTRACT_DIALECT: 'v2' } } },
    ],
  },
});
