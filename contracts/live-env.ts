/**
 * The live target's settings, read from the environment in one place. This module imports nothing
 * from vitest, so the live vitest config and the `contracts:live` script can check the
 * credentials before any test machinery starts, and say exactly what is missing.
 */

export const LIVE_ENV = {
  baseUrl: 'FASTIO_LIVE_BASE_URL',
  apiKey: 'FASTIO_LIVE_API_KEY',
  apiKey2: 'FASTIO_LIVE_API_KEY_2',
  maxCredits: 'FASTIO_LIVE_MAX_CREDITS',
  updateSnapshots: 'FASTIO_UPDATE_SNAPSHOTS',
} as const;

export const DEFAULT_LIVE_BASE_URL = 'https://api.fast.io';

/**
 * Small on purpose: a contract run should spend almost nothing. Plain API calls cost no credits on
 * Fast.io; storage, bandwidth, AI tokens and ingestion do (see contracts/live-budget.ts).
 */
export const DEFAULT_LIVE_MAX_CREDITS = 50;

export interface LiveSettings {
  baseUrl: string;
  /** two API keys of two independent verified accounts */
  apiKeys: readonly [string, string];
  maxCredits: number;
  /** write snapshots from this run (`--update-snapshots`) */
  updateSnapshots: boolean;
}

export type LiveSettingsResult = { ok: true; settings: LiveSettings } | { ok: false; problems: string[] };

function isTrue(v: string | undefined): boolean {
  return v !== undefined && /^(1|true|yes)$/i.test(v.trim());
}

/** Read and check the live settings. Every problem is listed, each naming its variable. */
export function readLiveSettings(env: NodeJS.ProcessEnv): LiveSettingsResult {
  const problems: string[] = [];
  const key1 = env[LIVE_ENV.apiKey]?.trim() ?? '';
  const key2 = env[LIVE_ENV.apiKey2]?.trim() ?? '';
  if (!key1) problems.push(`${LIVE_ENV.apiKey} is not set: the API key of the first live persona (a verified account).`);
  if (!key2) problems.push(`${LIVE_ENV.apiKey2} is not set: the API key of the second live persona (another verified account).`);
  if (key1 && key2 && key1 === key2)
    problems.push(`${LIVE_ENV.apiKey} and ${LIVE_ENV.apiKey2} are the same key: the two personas must be independent accounts.`);

  const rawBase = env[LIVE_ENV.baseUrl]?.trim() || DEFAULT_LIVE_BASE_URL;
  let baseUrl = rawBase.replace(/\/+$/, '');
  try {
    const u = new URL(rawBase);
    if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error('not http');
    if (u.pathname.replace(/\/+$/, '') !== '')
      problems.push(`${LIVE_ENV.baseUrl} must be an origin without a path (paths start with /current/), got "${rawBase}".`);
    baseUrl = u.origin;
  } catch {
    problems.push(`${LIVE_ENV.baseUrl} must be an http(s) URL, got "${rawBase}".`);
  }

  let maxCredits = DEFAULT_LIVE_MAX_CREDITS;
  const rawMax = env[LIVE_ENV.maxCredits]?.trim();
  if (rawMax) {
    maxCredits = Number(rawMax);
    if (!Number.isFinite(maxCredits) || maxCredits < 0) problems.push(`${LIVE_ENV.maxCredits} must be a number of credits (0 or more), got "${rawMax}".`);
  }

  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, settings: { baseUrl, apiKeys: [key1, key2], maxCredits, updateSnapshots: isTrue(env[LIVE_ENV.updateSnapshots]) } };
}

/** The message printed when the live run cannot start. */
export function liveSettingsMessage(problems: string[]): string {
  return [
    'contracts:live cannot start:',
    ...problems.map((p) => `  - ${p}`),
    '',
    'The live run needs:',
    `  ${LIVE_ENV.apiKey}      API key of persona 1 (required)`,
    `  ${LIVE_ENV.apiKey2}    API key of persona 2, another account (required)`,
    `  ${LIVE_ENV.baseUrl}     default ${DEFAULT_LIVE_BASE_URL}`,
    `  ${LIVE_ENV.maxCredits}  credit budget of the run, default ${DEFAULT_LIVE_MAX_CREDITS}`,
    '',
  ].join('\n');
}

/** True when the URL names this machine (the live rehearsal points the live target at an emulator). */
export function isLoopbackUrl(url: string): boolean {
  try {
    const host = new URL(url).hostname;
    return host === 'localhost' || host === '[::1]' || host === '::1' || /^127\./.test(host);
  } catch {
    return false;
  }
}
