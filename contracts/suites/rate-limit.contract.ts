import { expect } from 'vitest';
import { contract, setupContract } from '../harness.js';

// This file's emulator allows 5 requests a minute per credential.
const c = setupContract(import.meta.url, { emulatorFlags: { rateLimit: '5/60' } });

contract.emulatorOnly('a spent request budget answers 429 in the envelope, with the headers', async () => {
  const { api } = await c.signedIn();
  const statuses: number[] = [];
  let last;
  for (let i = 0; i < 7; i++) {
    last = await api.get('/current/user/auth/check/');
    statuses.push(last.status);
  }
  expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
  expect(last!.body.result).toBe(false);
  expect(last!.body.error).toMatchObject({ code: 1671 });
  expect(last!.headers.get('x-ve-limit-avail')).toBe('0');
  expect(last!.headers.get('x-ve-limit-max')).toBe('5');
  // Another credential has its own budget.
  const other = await c.signedIn();
  expect((await other.api.get('/current/user/auth/check/')).status).toBe(200);
});
