import { describe, expect, it } from 'vitest';
import { IdGenerator } from '../../emulator/store/ids.js';
import { seededRandom, type RandomSource } from '../../emulator/store/random.js';
import { inProcessEmulator } from '../support/client.js';

/**
 * `--random-seed` makes ids reproducible, never secrets: two emulators started with the same seed
 * and driven through the same calls issue the same ids, and no key, token, code or salt in common.
 */
async function drive(seed: string) {
  const emu = await inProcessEmulator({ randomSeed: seed, ingestDelayMs: 3_600_000 });
  const email = 'same-person@secrets.example';
  const password = 'the same password';
  // Sign-up: a salted hash and an emailed verification code.
  const signUp = await emu.call('POST', '/current/user/', { form: { email_address: email, password, tos_agree: 'true', agent: 'true' } });
  expect(signUp.status).toBe(200);
  const user = emu.emulator.db.users.toArray().find((u) => u.emailKey === email)!;
  const { secret: apiKey } = emu.emulator.users.createApiKey(user, { memo: 'k' });
  const { token: jwt } = await emu.emulator.users.issueToken(user.id);
  expect((await emu.call('POST', '/current/user/email/validate/', { token: apiKey, form: { email } })).status).toBe(200);
  const verificationCode = emu.emulator.db.emailCodes.get(user.emailKey)!.code;
  emu.emulator.users.markVerified(user.id);
  const org = await emu.ok('POST', '/current/org/create/', { token: apiKey, form: { domain: 'same-seed-org', name: 'Same Seed' } });
  const orgId = (org.org as { id: string }).id;
  const invite = await emu.ok('POST', `/current/org/${orgId}/members/invitee@secrets.example/`, { token: apiKey, form: { permissions: 'member' } });
  const transfer = await emu.ok('POST', `/current/org/${orgId}/transfer/token/create/`, { token: apiKey });
  const db = emu.emulator.db;
  return {
    emu,
    ids: { user: user.id, org: orgId },
    secrets: {
      passwordHash: user.passwordHash,
      verificationCode,
      apiKey,
      jwt,
      invitation: db.orgMembers.toArray().find((m) => m.status === 'pending')!.invite!.id,
      transferToken: transfer.token as string,
    },
    invite,
  };
}

describe('--random-seed and secrets', () => {
  it('two runs with one seed share ids but no secret', async () => {
    const a = await drive('one-seed');
    const b = await drive('one-seed');
    expect(b.ids).toEqual(a.ids);
    for (const [name, value] of Object.entries(a.secrets)) {
      expect(value, name).toBeTruthy();
      expect(b.secrets[name as keyof typeof a.secrets], name).not.toBe(value);
    }
    // The JWT secret is the instance's own: a token of one run is refused by the other.
    expect((await a.emu.call('GET', '/current/user/auth/check/', { token: a.secrets.jwt })).status).toBe(200);
    expect((await b.emu.call('GET', '/current/user/auth/check/', { token: a.secrets.jwt })).status).toBe(401);
    // The same password under another salt.
    expect(a.secrets.passwordHash.split('$').length).toBeGreaterThan(1);
  });

  it('verification codes are drawn without modulo bias', () => {
    // A source whose bytes are 250-255 first: `byte % 10` would turn them into 0-5.
    const bytes = [255, 252, 7, 250, 3];
    const source: RandomSource = { kind: 'seeded', next: () => 0, bytes: (n) => Uint8Array.from(bytes.splice(0, n)) };
    expect(new IdGenerator(seededRandom('ids'), source).numericCode(2)).toBe('73');
    // The crypto path: many codes, every digit seen, always the asked length.
    const ids = new IdGenerator(seededRandom('ids'));
    const seen = new Set(Array.from({ length: 200 }, () => ids.numericCode(6)).join(''));
    expect(seen.size).toBe(10);
    expect(ids.numericCode(6)).toMatch(/^\d{6}$/);
  });
});
