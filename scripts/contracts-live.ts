/**
 * `npm run contracts:live [-- --update-snapshots] [vitest args]`: the contract suites against the
 * live API. Checks the credentials first (exit 2 naming each missing variable), then runs vitest
 * with vitest.live.config.ts (or the `--config` given) and exits with its code.
 *
 * `--update-snapshots` records the live answers into contracts/snapshots/ (FASTIO_UPDATE_SNAPSHOTS=1).
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { LIVE_ENV, liveSettingsMessage, readLiveSettings } from '../contracts/live-env.js';
import { fromPackageRoot } from '../emulator/paths.js';

const args = process.argv.slice(2);
const env: NodeJS.ProcessEnv = { ...process.env };
const update = args.indexOf('--update-snapshots');
if (update >= 0) {
  args.splice(update, 1);
  env[LIVE_ENV.updateSnapshots] = '1';
}

const settings = readLiveSettings(env);
if (!settings.ok) {
  process.stderr.write(liveSettingsMessage(settings.problems));
  process.exit(2);
}

const vitest = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');
const config = args.some((a) => a === '--config' || a.startsWith('--config=')) ? [] : ['--config', 'vitest.live.config.ts'];
const child = spawn(process.execPath, [vitest, 'run', ...config, ...args], { cwd: fromPackageRoot(), env, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
