import { pino, type Logger } from 'pino';
import type { LogFormat, LogLevel } from './config.js';

/**
 * The emulator's logger: JSON lines (pino) or, for a person at a terminal, pino-pretty in process
 * (no worker thread, so start-up stays fast). Writes are buffered off the request path.
 */
export async function createLogger(level: LogLevel, format: LogFormat, destination: NodeJS.WritableStream | undefined = undefined): Promise<Logger> {
  if (level === 'silent') return pino({ level: 'silent' });
  if (format === 'pretty') {
    const { default: pretty } = await import('pino-pretty');
    return pino(
      { level },
      pretty({
        colorize: Boolean((destination ?? process.stdout) === process.stdout && process.stdout.isTTY),
        translateTime: 'HH:MM:ss.l',
        ignore: 'pid,hostname',
        destination: destination ?? 1,
        sync: false,
      }),
    );
  }
  return pino({ level, base: undefined }, destination ?? pino.destination({ dest: 1, sync: false }));
}

/** A logger that drops everything (tests, the programmatic API by default). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
