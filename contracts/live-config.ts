/**
 * The vitest configuration of a live run. It checks the credentials when it loads, so a run
 * without them stops before any test machinery starts, naming what is missing (exit code 2).
 */
import type { ViteUserConfig } from 'vitest/config';
import { liveSettingsMessage, readLiveSettings } from './live-env.js';

export function liveTestConfig(include: string[]): ViteUserConfig {
  const live = readLiveSettings(process.env);
  if (!live.ok) {
    process.stderr.write(liveSettingsMessage(live.problems));
    process.exit(2);
  }
  return {
    test: {
      name: 'contracts:live',
      include,
      setupFiles: ['contracts/setup.ts'],
      globalSetup: ['contracts/live-setup.ts'],
      env: { FASTIO_TARGET: 'live' },
      // One file at a time, one test at a time: the live API's rate limits and the credit budget
      // are shared by the whole run.
      fileParallelism: false,
      maxWorkers: 1,
      sequence: { concurrent: false },
      testTimeout: 120_000,
      hookTimeout: 300_000,
    },
  };
}
