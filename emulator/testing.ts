/**
 * A vitest `globalSetup` for users' own test suites (`fastio-emulator/vitest`): starts an emulator
 * on a free port before the tests, hands its URL (and a ready persona) to them, stops it after.
 *
 *   // vitest.config.ts
 *   export default defineConfig({ test: { globalSetup: ['fastio-emulator/vitest'] } });
 *
 *   // a test
 *   import { inject } from 'vitest';
 *   const { url, persona } = inject('fastioEmulator');   // or process.env.FASTIO_API_BASE / FASTIO_API_KEY
 *
 * For other options, make a set-up file of your own:
 *
 *   // test/emulator.setup.ts
 *   import { fastioEmulator } from 'fastio-emulator/vitest';
 *   export default fastioEmulator({ persona: 'human', start: { seedFile: 'test/state.json' } });
 *
 * The values are also exported as environment variables (FASTIO_API_BASE, FASTIO_API_KEY, ...,
 * the same names as `fastio-emulator exec`), which the test workers inherit.
 */
import type { TestProject } from 'vitest/node';
import { EXEC_ENV, personaEnv } from './cli-exec.js';
import { startEmulator, type StartOptions } from './server.js';
import type { Dialect } from './catalogue/index.js';

export interface ProvidedPersona {
  userId: string;
  email: string;
  password: string;
  apiKey: string;
  /** a JWT, valid 3600 s on the emulator clock */
  authToken: string;
}

export interface ProvidedEmulator {
  /** `http://127.0.0.1:<port>`; API paths start with `/current/` */
  url: string;
  /** the API dialect it serves */
  dialect: Dialect;
  persona: ProvidedPersona | null;
}

declare module 'vitest' {
  interface ProvidedContext {
    fastioEmulator: ProvidedEmulator;
  }
}

export interface FastioEmulatorSetupOptions {
  /** make a ready persona (default: an agent account); false for none */
  persona?: boolean | 'agent' | 'human';
  /** set FASTIO_API_BASE and friends in the environment of the test workers (default true) */
  env?: boolean;
  /** the API dialect to serve (default v2; `2026-04` for the April profile); the same as `start.apiDialect` */
  apiDialect?: Dialect;
  /** options of the emulator (port 0 and host 127.0.0.1 unless given) */
  start?: StartOptions;
}

type GlobalSetup = (project: TestProject) => Promise<() => Promise<void>>;

/** A vitest global set-up with these options. */
export function fastioEmulator(options: FastioEmulatorSetupOptions = {}): GlobalSetup {
  return async (project) => {
    const running = await startEmulator({ port: 0, host: '127.0.0.1', ...options.start, ...(options.apiDialect ? { apiDialect: options.apiDialect } : {}) });
    const dialect = running.emulator.config.apiDialect;
    const previous = new Map<string, string | undefined>();
    try {
      const wanted = options.persona ?? true;
      const vars: Record<string, string> = { [EXEC_ENV.base]: running.url, [EXEC_ENV.emulator]: running.url, [EXEC_ENV.dialect]: dialect };
      if (wanted) Object.assign(vars, await personaEnv(running.url, wanted === 'human' ? 'human' : 'agent'));
      const persona: ProvidedPersona | null = wanted
        ? {
            userId: vars[EXEC_ENV.userId]!,
            email: vars[EXEC_ENV.email]!,
            password: vars[EXEC_ENV.password]!,
            apiKey: vars[EXEC_ENV.apiKey]!,
            authToken: vars[EXEC_ENV.token]!,
          }
        : null;
      project.provide('fastioEmulator', { url: running.url, dialect, persona });
      if (options.env ?? true) {
        for (const [k, v] of Object.entries(vars)) {
          previous.set(k, process.env[k]);
          process.env[k] = v;
        }
      }
    } catch (err) {
      await running.close();
      throw err;
    }
    return async () => {
      for (const [k, v] of previous) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      await running.close();
    };
  };
}

/** `globalSetup: ['fastio-emulator/vitest']`: an emulator and an agent persona. */
export default fastioEmulator();
