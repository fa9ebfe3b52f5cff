import { formatTime } from '../http/format.js';
import type { ApiKey, User } from '../store/model.js';

/** A user as the API shows it to that user. */
export function userJson(u: User): Record<string, unknown> {
  return {
    id: u.id,
    email_address: u.email,
    account_type: u.accountType,
    first_name: u.firstName,
    last_name: u.lastName,
    email_verified: u.emailVerified,
    created: formatTime(u.created),
    updated: formatTime(u.updated),
  };
}

/** A user as other members see them (no verification state). */
export function publicUserJson(u: User): Record<string, unknown> {
  return { id: u.id, email_address: u.email, account_type: u.accountType, first_name: u.firstName, last_name: u.lastName };
}

export function apiKeyJson(k: ApiKey): Record<string, unknown> {
  return {
    id: k.id,
    memo: k.memo,
    scopes: k.scopes,
    agent_name: k.agentName,
    expires: formatTime(k.expires),
    created: formatTime(k.created),
    key_hint: `…${k.keyTail}`,
  };
}
