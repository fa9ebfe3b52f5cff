/**
 * Wrong guesses at a mailed code (email verification, email change), counted per account across
 * resends: a fresh code keeps the count, so asking for new codes never buys new guesses. The count
 * starts again only a window after its first failure, or when a code is given right.
 * PARITY: CHOICE (the sources give no numbers): 5 wrong guesses per 24 hours per account and code
 * purpose, the same 5 tries each code had alone.
 */
import type { EmailCode } from '../store/model.js';

export const CODE_MAX_FAILURES = 5;
export const CODE_FAILURE_WINDOW_MS = 24 * 3600 * 1000;

/** The failure count a fresh code carries over from the row it replaces. */
export function carriedFailures(previous: EmailCode | undefined, now: number): Pick<EmailCode, 'attempts' | 'failedSince'> {
  if (!previous || previous.attempts === 0 || previous.failedSince === undefined || previous.failedSince === null) return { attempts: 0, failedSince: null };
  if (now - previous.failedSince >= CODE_FAILURE_WINDOW_MS) return { attempts: 0, failedSince: null };
  return { attempts: previous.attempts, failedSince: previous.failedSince };
}

/** Has this account used up its guesses (within the window)? */
export function outOfGuesses(row: EmailCode, now: number): boolean {
  return row.attempts >= CODE_MAX_FAILURES && row.failedSince !== undefined && row.failedSince !== null && now - row.failedSince < CODE_FAILURE_WINDOW_MS;
}

/** The row's fields after one more wrong guess. */
export function oneMoreFailure(row: EmailCode, now: number): Pick<EmailCode, 'attempts' | 'failedSince'> {
  const fresh = row.failedSince === undefined || row.failedSince === null || now - row.failedSince >= CODE_FAILURE_WINDOW_MS;
  return fresh ? { attempts: 1, failedSince: now } : { attempts: row.attempts + 1, failedSince: row.failedSince };
}
