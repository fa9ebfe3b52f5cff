import { defineConfig } from 'vitest/config';
import { liveTestConfig } from './contracts/live-config.js';

/**
 * The contract suites against the live API (`npm run contracts:live`): opt-in, credentials
 * required (FASTIO_LIVE_API_KEY, FASTIO_LIVE_API_KEY_2), files one at a time, budget-guarded.
 */
export default defineConfig(liveTestConfig(['contracts/suites/**/*.contract.ts']));
