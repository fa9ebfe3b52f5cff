import { pino, type Logger } from 'pino';
import type { LogFormat, LogLevel } from './config.js';

/**
 * The emulator's logger: JSON lines (pino) or, for a person at a terminal, pino-pretty in process
 * (no worker thread, so start-up stays fast). Writes are buffered off the request path.
 *
 * The access line (one per request, app.ts) carries `reqId, method, path, status, ms, user, org,
 * workspace, fault`; JSON keeps them as fields, pretty prints them on one line.
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
        ignore: `pid,hostname,${ACCESS_FIELDS.join(',')}`,
        messageFormat: prettyMessage,
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

const ACCESS_FIELDS = ['reqId', 'method', 'path', 'status', 'ms', 'user', 'org', 'workspace', 'fault'] as const;

/** The colour functions pino-pretty hands to `messageFormat` (identity functions when colour is off). */
interface PrettyColors {
  red?: (s: string) => string;
  yellow?: (s: string) => string;
}

/**
 * `GET /current/user/details/ 200 1.2 ms user=… org=…` for access lines, the status yellow for a
 * 4xx and red for a 5xx when the terminal shows colour; other messages keep their request, if any.
 */
export function prettyMessage(log: Record<string, unknown>, messageKey: string, _level?: string, extras?: { colors?: PrettyColors }): string {
  const msg = String(log[messageKey] ?? '');
  if (msg === 'request' && typeof log.method === 'string') {
    const who = (['user', 'org', 'workspace', 'fault'] as const).filter((k) => log[k] !== undefined && log[k] !== null).map((k) => `${k}=${String(log[k])}`);
    const status = Number(log.status);
    const paint = status >= 500 ? extras?.colors?.red : status >= 400 ? extras?.colors?.yellow : undefined;
    const shown = paint ? paint(String(log.status)) : String(log.status);
    return [log.method, log.path, shown, `${String(log.ms)} ms`, ...who].join(' ');
  }
  return typeof log.method === 'string' ? `${msg} (${log.method} ${String(log.path)})` : msg;
}
