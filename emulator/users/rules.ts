import type { Dialect } from '../catalogue/index.js';

/**
 * What the auth area does differently per API dialect, as data: the emulator hands the running
 * dialect's rules to UserService once (emulator.ts), as it hands the plan catalog to billing, and
 * the routes read them from there. No service asks which dialect is running.
 */
export interface AuthRules {
  /** lifetime of a JWT from HTTP Basic sign-in (and of a control-plane persona's JWT) */
  readonly jwtLifetimeSeconds: number;
  /**
   * Sign-up answers one neutral success for new and existing emails (`signup_request_accepted`,
   * `signed_in: false`) and mails the existing account instead of answering 409.
   */
  readonly uniformSignUp: boolean;
}

const DAY_SECONDS = 24 * 3600;

export const AUTH_RULES: Readonly<Record<Dialect, AuthRules>> = Object.freeze({
  // PARITY: `expires_in: 3600` (API notes "Auth and users"; agent guide v1.29 "Authentication &
  // Token Lifecycle": tokens last 1 hour). A duplicate email answers 409/1660 (CHOICE).
  '2026-04': Object.freeze({ jwtLifetimeSeconds: 3600, uniformSignUp: false }),
  // PARITY: agent guide v2.6 SKILL.md section 3 "Basic JWT sessions last 30 days, no refresh";
  // section 7: sign-up is uniform for new and existing emails, the existing account is emailed.
  v2: Object.freeze({ jwtLifetimeSeconds: 30 * DAY_SECONDS, uniformSignUp: true }),
});

export function authRulesFor(dialect: Dialect): AuthRules {
  return AUTH_RULES[dialect];
}
