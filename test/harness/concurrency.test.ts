/**
 * The contract harness keeps each test's records apart when tests run at once (`test.concurrent`).
 * Two contract tests against the in-process target meet halfway, so each makes requests while the
 * other is running; each must then find exactly its own requests on its record. A harness that
 * kept "the current test" at module level would record one test's requests on the other's record
 * (and drop the rest when the first test ended), and this file would fail.
 */
import { describe, expect } from 'vitest';
import { contract, recordedRequests, setupContract } from '../../contracts/harness.js';

const c = setupContract(import.meta.url);

/** Resolves once `parties` callers have arrived; rejects after `timeoutMs` (the tests did not overlap). */
function meetingPoint(parties: number, timeoutMs: number): () => Promise<void> {
  let arrived = 0;
  let release!: () => void;
  const everyone = new Promise<void>((resolve) => (release = resolve));
  return async () => {
    arrived += 1;
    if (arrived === parties) release();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`only ${arrived} of ${parties} tests reached the meeting point: they did not run concurrently`)), timeoutMs);
    });
    try {
      await Promise.race([everyone, late]);
    } finally {
      clearTimeout(timer);
    }
  };
}

describe('contract tests running concurrently', () => {
  const halfway = meetingPoint(2, 15_000);
  const paths = { first: '/current/user/details/', second: '/current/user/auth/check/' } as const;

  for (const who of ['first', 'second'] as const) {
    contract.emulatorOnly(
      `${who}: its record holds its own requests only, and its persona sees only itself`,
      async () => {
        const { api, persona } = await c.signedIn();
        const path = paths[who];
        const before = await api.get(path);
        expect(before.status, before.text).toBe(200);
        await halfway();
        const after = await api.get(path);
        expect(after.status, after.text).toBe(200);
        const me = await api.get('/current/user/details/');
        expect((me.body.user as { id: string }).id, me.text).toBe(persona.userId);

        const expected: [string, string, number][] = [
          ['GET', path, 200],
          ['GET', path, 200],
          ['GET', '/current/user/details/', 200],
        ];
        expect(recordedRequests()).toEqual(expected);
      },
      { concurrent: true },
    );
  }
});
