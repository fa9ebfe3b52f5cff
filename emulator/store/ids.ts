import { randomInt } from 'node:crypto';
import { cryptoRandom, type RandomSource } from './random.js';

/**
 * Id formats, as the live API issues them.
 * PARITY: users, orgs, workspaces and shares have 19-digit numeric ids; storage nodes, uploads,
 * transfer handles and AI objects have opaque ids of 29 lower-case base-36 characters whose first
 * character names the type (MediaFire/fastio_cli src/opaque_id.rs). Display forms may carry a
 * hyphen every five characters; `normalizeOpaqueId` strips them.
 */
export const OpaqueType = {
  node: '2',
  version: '3',
  upload: '5',
  share: '6',
  asset: '8',
  aiJob: '9',
  general: 'a',
  aiTransaction: 'b',
  metadata: 'c',
  aiAgentKey: 'd',
  orgTransfer: 'e',
  chunkManifest: 'f',
} as const;
export type OpaqueType = (typeof OpaqueType)[keyof typeof OpaqueType];

const BASE36 = '0123456789abcdefghijklmnopqrstuvwxyz';
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export const PROFILE_ID_PATTERN = /^[1-9]\d{18}$/;
export const OPAQUE_ID_PATTERN = /^[0-9a-z]{29,30}$/;

export function isProfileId(s: string): boolean {
  return PROFILE_ID_PATTERN.test(s);
}

export function normalizeOpaqueId(s: string): string {
  return s.replace(/-/g, '').toLowerCase();
}

export function isOpaqueId(s: string, type?: OpaqueType): boolean {
  const raw = normalizeOpaqueId(s);
  return OPAQUE_ID_PATTERN.test(raw) && (type === undefined || raw.startsWith(type));
}

/**
 * Issues ids and secrets. Profile ids (63 bits) are tracked so one is never handed out twice in an
 * instance; opaque ids and secrets are long enough that tracking them would only cost memory.
 *
 * Two sources: `random` draws ids (seeded under `--random-seed`, so runs are reproducible), and
 * `secrets` draws everything that grants access or proves possession (API keys, transfer tokens,
 * invitation codes, verification codes, password salts). Secrets come from `node:crypto` whatever
 * the seed says: a seed is printed in scripts and CI logs, and must not let anyone recompute a key.
 * Only the fixture generator passes a seeded `secrets` source, for the demo logins it publishes.
 */
export class IdGenerator {
  private readonly issued = new Set<string>();
  private readonly secretsAreCrypto: boolean;

  constructor(
    private readonly random: RandomSource,
    private readonly secrets: RandomSource = cryptoRandom(),
  ) {
    this.secretsAreCrypto = secrets.kind === 'crypto';
  }

  /** Remember ids that already exist (after loading a state file) so they are never issued again. */
  reserve(id: string): void {
    this.issued.add(id);
  }

  profileId(): string {
    for (;;) {
      const bytes = this.random.bytes(19);
      const codes = new Array<number>(19);
      codes[0] = 49 + (bytes[0]! % 9);
      for (let i = 1; i < 19; i++) codes[i] = 48 + (bytes[i]! % 10);
      const id = String.fromCharCode(...codes);
      if (this.claim(id)) return id;
    }
  }

  /** 28 base-36 characters carry 144 bits: collisions are not a practical concern. */
  opaqueId(type: OpaqueType): string {
    return this.chars(28, BASE36, type);
  }

  /**
   * An opaque id that is also a secret (an invitation code: whoever holds it may accept). Drawn
   * from the secret source, in the id's format.
   */
  secretOpaqueId(type: OpaqueType): string {
    return this.chars(28, BASE36, type, this.secrets);
  }

  /** A random secret of `length` characters from [0-9A-Za-z] (API keys, transfer tokens). */
  secret(length: number): string {
    return this.chars(length, BASE62, '', this.secrets);
  }

  /** Raw bytes from the secret source (password salts). */
  secretBytes(n: number): Uint8Array {
    return this.secrets.bytes(n);
  }

  /**
   * A numeric one-time code (email verification), every digit uniform: `crypto.randomInt` rejects
   * the draws that `byte % 10` would have folded onto 0-5.
   */
  numericCode(digits: number): string {
    const codes = new Array<number>(digits);
    for (let i = 0; i < digits; i++) codes[i] = 48 + (this.secretsAreCrypto ? randomInt(10) : uniformDigit(this.secrets));
    return String.fromCharCode(...codes);
  }

  /**
   * Built with one `String.fromCharCode` call: appending character by character leaves V8 a rope
   * of pieces (about 10x the memory per id) until something flattens it.
   */
  private chars(n: number, alphabet: string, prefix = '', source: RandomSource = this.random): string {
    const bytes = source.bytes(n);
    const codes = new Array<number>(prefix.length + n);
    for (let i = 0; i < prefix.length; i++) codes[i] = prefix.charCodeAt(i);
    for (let i = 0; i < n; i++) codes[prefix.length + i] = alphabet.charCodeAt(bytes[i]! % alphabet.length);
    return String.fromCharCode(...codes);
  }

  private claim(id: string): boolean {
    if (this.issued.has(id)) return false;
    this.issued.add(id);
    return true;
  }
}

/** A digit in 0-9 from a non-crypto source, without modulo bias (bytes of 250 and above are redrawn). */
function uniformDigit(source: RandomSource): number {
  for (;;) {
    const b = source.bytes(1)[0]!;
    if (b < 250) return b % 10;
  }
}
