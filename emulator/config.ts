import { DEFAULT_DIALECT, DIALECTS, type Dialect } from './catalogue/index.js';

/**
 * One place that decides the emulator's settings: flags over environment over the optional config
 * file (`fastio-emulator.json`) over defaults, checked with one zod schema and returned frozen.
 * Nothing else reads `process.env` for settings.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';

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
  /** `--durability`: strict fsyncs the journal before an answer goes out; relaxed does not */
  durability: 'relaxed' | 'strict';
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
   * DIALECT_PLAN_FILES). `v2` (today's API) by default; `2026-04` is the April profile.
   */
  apiDialect: Dialect;
  /** serve the MCP server (emulator/mcp/: /mcp, /sse, /blob) on this port; undefined: no MCP listener */
  mcpPort: number | undefined;
  /** PARITY: CHOICE. Hosts `web_upload` may fetch from besides loopback (`--web-upload-hosts a.test,b.test:8080`). */
  webUploadHosts: readonly string[];
  /** CHOICE. A local folder the emulator import provider reads as its remote drive (`--import-root <dir>`); write-backs are written into it. */
  importRoot: string | undefined;
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
  durability: 'relaxed',
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
  mcpPort: undefined,
  webUploadHosts: Object.freeze([]),
  importRoot: undefined,
});

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const satisfies readonly LogLevel[];

/** A setting that is wrong (a flag, a variable, the config file): the CLI exits 2, like a bad flag. */
export class ConfigError extends Error {}

/** The name of the optional config file looked up in the working directory. */
export const CONFIG_FILE_NAME = 'fastio-emulator.json';

/**
 * Every environment variable the emulator reads, with the config key it sets and its `--help` line.
 * The CLI prints this table in `start --help`; the README lists the same names.
 */
export const ENV_VARS = [
  { name: 'FASTIO_EMULATOR_PORT', key: 'port', help: 'port to listen on (--port)' },
  { name: 'FASTIO_EMULATOR_HOST', key: 'host', help: 'address to listen on (--host)' },
  { name: 'FASTIO_EMULATOR_DATA', key: 'dataFile', help: 'state file (--data)' },
  { name: 'FASTIO_EMULATOR_SEED', key: 'seedFile', help: 'state file or scenario loaded into an empty start (--seed)' },
  { name: 'FASTIO_EMULATOR_PLANS', key: 'plansFile', help: 'plan catalog (--plans)' },
  { name: 'FASTIO_EMULATOR_LOG_LEVEL', key: 'logLevel', help: 'log level (--log-level)' },
  { name: 'FASTIO_EMULATOR_LOG_FORMAT', key: 'logFormat', help: 'pretty or json (--log-format)' },
  { name: 'FASTIO_EMULATOR_RATE_LIMIT', key: 'rateLimit', help: 'MAX/SECONDS or off (--rate-limit)' },
  { name: 'FASTIO_EMULATOR_FLUSH_DELAY_MS', key: 'flushDelayMs', help: 'snapshot delay after recovery, retry wait (--flush-delay-ms)' },
  { name: 'FASTIO_EMULATOR_DURABILITY', key: 'durability', help: 'relaxed or strict (--durability)' },
  { name: 'FASTIO_EMULATOR_INGEST_DELAY_MS', key: 'ingestDelayMs', help: 'ingestion step delay (--ingest-delay-ms)' },
  { name: 'FASTIO_EMULATOR_RANDOM_SEED', key: 'randomSeed', help: 'seed for ids and faults (--random-seed)' },
  { name: 'FASTIO_EMULATOR_CONTROL_TOKEN', key: 'controlToken', help: 'control plane token (--control-token)' },
  { name: 'FASTIO_EMULATOR_FORWARD_EVENTS_TO', key: 'forwardEventsTo', help: 'event webhook URL (--forward-events-to)' },
  { name: 'FASTIO_EMULATOR_FORWARD_SECRET', key: 'forwardSecret', help: 'event webhook secret (--forward-secret)' },
  { name: 'FASTIO_EMULATOR_API_DIALECT', key: 'apiDialect', help: 'API dialect to serve (--api-dialect)' },
  { name: 'FASTIO_EMULATOR_MCP_PORT', key: 'mcpPort', help: 'serve MCP on this port (--mcp-port)' },
  { name: 'FASTIO_EMULATOR_CONFIG', key: undefined, help: `config file (--config; default ./${CONFIG_FILE_NAME} if present)` },
] as const satisfies readonly { name: string; key: keyof EmulatorConfig | undefined; help: string }[];

/** Parse `MAX/SECONDS` (for example `600/60`) or `off`. */
export function parseRateLimit(s: string): { max: number; windowSeconds: number } {
  if (s === 'off') return { max: Number.MAX_SAFE_INTEGER, windowSeconds: 60 };
  const m = /^(\d+)\/(\d+)$/.exec(s.trim());
  if (!m || Number(m[1]) < 1 || Number(m[2]) < 1) throw new ConfigError(`rate limit must look like MAX/SECONDS (e.g. 600/60) or "off", got "${s}"`);
  return { max: Number(m[1]), windowSeconds: Number(m[2]) };
}

const wholeNumber = (min: number, max: number) => z.number().int().min(min).max(max);
const nonEmpty = z.string().min(1);
const rateLimitSchema = z.object({ max: z.number().int().min(1), windowSeconds: z.number().int().min(1) });

/** The one schema every source of settings is checked against, after merging. */
const configSchema = z
  .looseObject({
    host: nonEmpty,
    port: wholeNumber(0, 65535),
    dataFile: nonEmpty.optional(),
    seedFile: nonEmpty.optional(),
    plansFile: nonEmpty.optional(),
    logLevel: z.enum(LOG_LEVELS),
    logFormat: z.enum(['pretty', 'json']),
    rateLimit: rateLimitSchema,
    bodyLimitBytes: wholeNumber(0, Number.MAX_SAFE_INTEGER),
    uploadLimitBytes: wholeNumber(0, Number.MAX_SAFE_INTEGER),
    flushDelayMs: wholeNumber(0, Number.MAX_SAFE_INTEGER),
    durability: z.enum(['relaxed', 'strict']),
    ingestDelayMs: wholeNumber(0, Number.MAX_SAFE_INTEGER),
    randomSeed: z.string().optional(),
    controlToken: nonEmpty.optional(),
    forwardEventsTo: z.url({ protocol: /^https?$/ }).optional(),
    forwardSecret: nonEmpty.optional(),
    headersTimeoutMs: wholeNumber(1, Number.MAX_SAFE_INTEGER),
    requestTimeoutMs: wholeNumber(1, Number.MAX_SAFE_INTEGER),
    keepAliveTimeoutMs: wholeNumber(1, Number.MAX_SAFE_INTEGER),
    maxLongPollsPerCredential: wholeNumber(1, Number.MAX_SAFE_INTEGER),
    maxWebSocketsPerCredential: wholeNumber(1, Number.MAX_SAFE_INTEGER),
    maxWebSocketBufferedBytes: wholeNumber(1, Number.MAX_SAFE_INTEGER),
    maxBackgroundJobs: wholeNumber(1, Number.MAX_SAFE_INTEGER),
    apiDialect: z.enum(DIALECTS),
    mcpPort: wholeNumber(0, 65535).optional(),
    webUploadHosts: z.array(nonEmpty),
    importRoot: nonEmpty.optional(),
  })
  // Node refuses a header timeout longer than the request timeout.
  .refine((c) => c.headersTimeoutMs <= c.requestTimeoutMs, {
    message: 'headersTimeoutMs must not be longer than requestTimeoutMs',
    path: ['headersTimeoutMs'],
  }) satisfies z.ZodType<Partial<EmulatorConfig>>;

/**
 * The config file's keys are the long flags in camelCase (`port`, `data`, `logLevel`,
 * `rateLimit`: "600/60"), so a flag, its variable and its file key are one setting.
 */
const fileSchema = z.strictObject({
  $schema: z.string().optional(),
  port: wholeNumber(0, 65535).optional(),
  host: nonEmpty.optional(),
  data: nonEmpty.optional(),
  seed: nonEmpty.optional(),
  plans: nonEmpty.optional(),
  logLevel: z.enum(LOG_LEVELS).optional(),
  logFormat: z.enum(['pretty', 'json']).optional(),
  rateLimit: z.string().optional(),
  flushDelayMs: wholeNumber(0, 60_000).optional(),
  durability: z.enum(['relaxed', 'strict']).optional(),
  ingestDelayMs: wholeNumber(0, 600_000).optional(),
  randomSeed: z.string().optional(),
  controlToken: nonEmpty.optional(),
  forwardEventsTo: nonEmpty.optional(),
  forwardSecret: nonEmpty.optional(),
  apiDialect: z.enum(DIALECTS).optional(),
  mcpPort: wholeNumber(0, 65535).optional(),
  webUploadHosts: z.array(nonEmpty).optional(),
  importRoot: nonEmpty.optional(),
});

function describeIssues(error: z.ZodError, source: string, nameOf: (key: string) => string): string {
  return error.issues
    .map((i) => {
      const key = i.path.length > 0 ? nameOf(String(i.path[0])) : source;
      if (i.code === 'unrecognized_keys') return `${source}: unknown key${i.keys.length > 1 ? 's' : ''} ${i.keys.map((k) => `"${k}"`).join(', ')}`;
      if (i.code === 'invalid_value') return `${key}: expected one of ${i.values.map(String).join(', ')}`;
      return `${key}: ${i.message}`;
    })
    .join('; ');
}

function envValue(name: string, key: keyof EmulatorConfig, raw: string): unknown {
  if (key === 'rateLimit') {
    try {
      return parseRateLimit(raw);
    } catch (e) {
      throw new ConfigError(`${name}: ${(e as Error).message}`);
    }
  }
  if (key === 'port' || key === 'mcpPort' || key === 'flushDelayMs' || key === 'ingestDelayMs') {
    if (!/^\d+$/.test(raw.trim())) throw new ConfigError(`${name} must be a whole number, got "${raw}"`);
    return Number(raw);
  }
  return raw;
}

function fromEnvironment(env: NodeJS.ProcessEnv): Partial<Record<keyof EmulatorConfig, unknown>> {
  const out: Partial<Record<keyof EmulatorConfig, unknown>> = {};
  for (const v of ENV_VARS) {
    const raw = env[v.name];
    if (v.key === undefined || raw === undefined || raw === '') continue;
    out[v.key] = envValue(v.name, v.key, raw);
  }
  return out;
}

/** Read and check a config file; `required` (from --config) makes a missing file an error. */
function fromFile(path: string, required: boolean): Partial<Record<keyof EmulatorConfig, unknown>> {
  if (!existsSync(path)) {
    if (required) throw new ConfigError(`config file ${path} does not exist`);
    return {};
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new ConfigError(`config file ${path} is not valid JSON: ${(e as Error).message}`);
  }
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(describeIssues(parsed.error, `config file ${path}`, (k) => `${path}: "${k}"`));
  const f = parsed.data;
  const base = dirname(path);
  // Paths in the file are relative to the file, as in tsconfig.json or firebase.json.
  const rel = (p: string | undefined) => (p === undefined ? undefined : resolve(base, p));
  const seed = f.seed !== undefined && (f.seed.includes('/') || f.seed.includes('\\') || f.seed.endsWith('.json')) ? rel(f.seed) : f.seed;
  let rateLimit: EmulatorConfig['rateLimit'] | undefined;
  if (f.rateLimit !== undefined) {
    try {
      rateLimit = parseRateLimit(f.rateLimit);
    } catch (e) {
      throw new ConfigError(`${path}: "rateLimit": ${(e as Error).message}`);
    }
  }
  const out: Partial<Record<keyof EmulatorConfig, unknown>> = {
    port: f.port,
    host: f.host,
    dataFile: rel(f.data),
    seedFile: seed,
    plansFile: rel(f.plans),
    logLevel: f.logLevel,
    logFormat: f.logFormat,
    rateLimit,
    flushDelayMs: f.flushDelayMs,
    durability: f.durability,
    ingestDelayMs: f.ingestDelayMs,
    randomSeed: f.randomSeed,
    controlToken: f.controlToken,
    forwardEventsTo: f.forwardEventsTo,
    forwardSecret: f.forwardSecret,
    apiDialect: f.apiDialect,
    mcpPort: f.mcpPort,
    webUploadHosts: f.webUploadHosts,
    importRoot: rel(f.importRoot),
  };
  return definedOnly(out);
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export interface ConfigSources {
  /** a config file to read (`--config`): it must exist */
  configFile?: string;
  /** look for `fastio-emulator.json` here when no file is named (the CLI passes the working directory) */
  cwd?: string;
  /** defaults that depend on the caller (the CLI's log format follows the terminal), below the file */
  defaults?: Partial<EmulatorConfig>;
}

/** Where the file the config came from, if any, was found. */
export function configFilePath(env: NodeJS.ProcessEnv, sources: ConfigSources): { path: string; required: boolean } | undefined {
  const named = sources.configFile ?? (env.FASTIO_EMULATOR_CONFIG || undefined);
  if (named) return { path: resolve(sources.cwd ?? '.', named), required: true };
  if (sources.cwd) return { path: join(sources.cwd, CONFIG_FILE_NAME), required: false };
  return undefined;
}

/**
 * The settings, once: flags over environment over the config file over defaults, checked
 * against one schema and frozen. Nothing else reads `process.env` for settings.
 */
export function loadConfig(flags: Partial<EmulatorConfig> = {}, env: NodeJS.ProcessEnv = {}, sources: ConfigSources = {}): Readonly<EmulatorConfig> {
  const file = configFilePath(env, sources);
  const fromConfigFile = file ? fromFile(file.path, file.required) : {};
  const merged = { ...DEFAULTS, ...definedOnly(sources.defaults ?? {}), ...fromConfigFile, ...fromEnvironment(env), ...definedOnly(flags) };
  const parsed = configSchema.safeParse(definedOnly(merged));
  if (!parsed.success) {
    const envName = (key: string) => ENV_VARS.find((v) => v.key === key)?.name;
    throw new ConfigError(describeIssues(parsed.error, 'config', (k) => (envName(k) ? `${k} (${envName(k)})` : k)));
  }
  const config: EmulatorConfig = { ...DEFAULTS, ...parsed.data };
  return Object.freeze({ ...config, rateLimit: Object.freeze({ ...config.rateLimit }) });
}
