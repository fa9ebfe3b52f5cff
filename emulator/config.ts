import { DEFAULT_DIALECT, DIALECTS, isDialect, type Dialect } from './catalogue/index.js';

/**
 * One place that decides the emulator's settings: flags over environment over defaults, returned
 * frozen. Nothing else reads `process.env`.
 */
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
export type LogFormat = 'pretty' | 'json';

export interface EmulatorConfig {
  host: string;
  port: number;
  /** persist state to this JSON file (lowdb) */
  dataFile: string | undefined;
  /** load this state or scenario file at start */
  seedFile: string | undefined;
  /** replace the plan catalog */
  plansFile: string | undefined;
  logLevel: LogLevel;
  logFormat: LogFormat;
  /** PARITY: CHOICE. Per-token request budget: `max` requests per `windowSeconds`. */
  rateLimit: { max: number; windowSeconds: number };
  /** JSON and form bodies larger than this answer 413. */
  bodyLimitBytes: number;
  /** multipart bodies (uploads) larger than this answer 413. */
  uploadLimitBytes: number;
  /** how long writes are coalesced before a flush to `dataFile` */
  flushDelayMs: number;
  /** delay between the steps of ingestion (pending -> in_progress -> ready) */
  ingestDelayMs: number;
  /** seed for ids and fault probabilities; unset = cryptographic randomness */
  randomSeed: string | undefined;
  /** when set, the control plane requires `Authorization: Bearer <token>` (and may listen beyond loopback) */
  controlToken: string | undefined;
  /** POST every audit event to this URL (emulator-only webhook) */
  forwardEventsTo: string | undefined;
  forwardSecret: string | undefined;
  /**
   * PARITY: CHOICE bounds on what one client can hold. A request's headers must arrive within
   * `headersTimeoutMs` and the whole request (body included) within `requestTimeoutMs`, or the
   * connection is answered 408 and closed; an idle keep-alive connection closes after
   * `keepAliveTimeoutMs`.
   */
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
  /** concurrent long-polls (`/activity/poll/` and upload details with `wait`) per credential; more answer 429 */
  maxLongPollsPerCredential: number;
  /** open WebSockets per credential; more are refused with 429 */
  maxWebSocketsPerCredential: number;
  /** a WebSocket whose unsent data passes this is cut off (a consumer that does not read) */
  maxWebSocketBufferedBytes: number;
  /** upload and ingestion chains in the background queue; new uploads and notes answer 429 past it */
  maxBackgroundJobs: number;
  /**
   * The API dialect served (one at a time): which routes exist, and the plan catalog (see
   * DIALECT_PLANS). `2026-04` is today's behaviour and the default for now.
   */
  apiDialect: Dialect;
}

export const DEFAULTS: Readonly<EmulatorConfig> = Object.freeze({
  host: '127.0.0.1',
  port: 3278,
  dataFile: undefined,
  seedFile: undefined,
  plansFile: undefined,
  logLevel: 'info',
  logFormat: 'json',
  rateLimit: Object.freeze({ max: 100_000, windowSeconds: 60 }),
  bodyLimitBytes: 1024 * 1024,
  uploadLimitBytes: 8 * 1024 * 1024,
  flushDelayMs: 100,
  ingestDelayMs: 50,
  randomSeed: undefined,
  controlToken: undefined,
  forwardEventsTo: undefined,
  forwardSecret: undefined,
  headersTimeoutMs: 20_000,
  requestTimeoutMs: 120_000,
  keepAliveTimeoutMs: 65_000,
  maxLongPollsPerCredential: 10,
  maxWebSocketsPerCredential: 10,
  maxWebSocketBufferedBytes: 1024 * 1024,
  maxBackgroundJobs: 10_000,
  apiDialect: DEFAULT_DIALECT,
});

const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export class ConfigError extends Error {}

function envNumber(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const v = env[name];
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new ConfigError(`${name} must be a number, got "${v}"`);
  return n;
}

/** Parse `MAX/SECONDS` (for example `600/60`) or `off`. */
export function parseRateLimit(s: string): { max: number; windowSeconds: number } {
  if (s === 'off') return { max: Number.MAX_SAFE_INTEGER, windowSeconds: 60 };
  const m = /^(\d+)\/(\d+)$/.exec(s.trim());
  if (!m || Number(m[1]) < 1 || Number(m[2]) < 1) throw new ConfigError(`rate limit must look like MAX/SECONDS (e.g. 600/60) or "off", got "${s}"`);
  return { max: Number(m[1]), windowSeconds: Number(m[2]) };
}

export function loadConfig(flags: Partial<EmulatorConfig> = {}, env: NodeJS.ProcessEnv = {}): Readonly<EmulatorConfig> {
  const fromEnv: Partial<EmulatorConfig> = {};
  const port = envNumber(env, 'FASTIO_EMULATOR_PORT');
  if (port !== undefined) fromEnv.port = port;
  if (env.FASTIO_EMULATOR_HOST) fromEnv.host = env.FASTIO_EMULATOR_HOST;
  if (env.FASTIO_EMULATOR_DATA) fromEnv.dataFile = env.FASTIO_EMULATOR_DATA;
  if (env.FASTIO_EMULATOR_LOG_LEVEL) fromEnv.logLevel = env.FASTIO_EMULATOR_LOG_LEVEL as LogLevel;
  if (env.FASTIO_EMULATOR_RATE_LIMIT) fromEnv.rateLimit = parseRateLimit(env.FASTIO_EMULATOR_RATE_LIMIT);
  if (env.FASTIO_EMULATOR_CONTROL_TOKEN) fromEnv.controlToken = env.FASTIO_EMULATOR_CONTROL_TOKEN;
  if (env.FASTIO_EMULATOR_API_DIALECT) fromEnv.apiDialect = env.FASTIO_EMULATOR_API_DIALECT as Dialect;

  const defined = Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined)) as Partial<EmulatorConfig>;
  const config: EmulatorConfig = { ...DEFAULTS, ...fromEnv, ...defined };

  if (!Number.isInteger(config.port) || config.port < 0 || config.port > 65535)
    throw new ConfigError(`port must be an integer from 0 to 65535, got ${config.port}`);
  if (!LOG_LEVELS.includes(config.logLevel)) throw new ConfigError(`log level must be one of ${LOG_LEVELS.join(', ')}, got "${config.logLevel}"`);
  if (!isDialect(config.apiDialect)) throw new ConfigError(`API dialect must be one of ${DIALECTS.join(', ')}, got "${String(config.apiDialect)}"`);
  if (config.logFormat !== 'pretty' && config.logFormat !== 'json') throw new ConfigError(`log format must be pretty or json, got "${config.logFormat}"`);
  for (const k of ['bodyLimitBytes', 'uploadLimitBytes', 'flushDelayMs', 'ingestDelayMs'] as const) {
    if (!Number.isFinite(config[k]) || config[k] < 0) throw new ConfigError(`${k} must be a non-negative number`);
  }
  for (const k of [
    'headersTimeoutMs',
    'requestTimeoutMs',
    'keepAliveTimeoutMs',
    'maxLongPollsPerCredential',
    'maxWebSocketsPerCredential',
    'maxWebSocketBufferedBytes',
    'maxBackgroundJobs',
  ] as const) {
    if (!Number.isInteger(config[k]) || config[k] < 1) throw new ConfigError(`${k} must be a whole number of at least 1`);
  }
  // Node refuses a header timeout longer than the request timeout.
  if (config.headersTimeoutMs > config.requestTimeoutMs) throw new ConfigError('headersTimeoutMs must not be longer than requestTimeoutMs');
  return Object.freeze({ ...config, rateLimit: Object.freeze({ ...config.rateLimit }) });
}
