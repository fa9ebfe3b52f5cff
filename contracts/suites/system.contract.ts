import { describe, expect } from 'vitest';
import { contract, setupContract } from '../harness.js';

/** The health check and the service status (client src/api/system.rs): no credentials, both dialects. */
const c = setupContract(import.meta.url, { dialects: ['v2', '2026-04'] });

describe('system', () => {
  contract.unverified('ping answers without a token, and with any token', async () => {
    const anon = await c.api().get('/current/ping/', { token: null });
    expect(anon.status).toBe(200);
    expect(anon.body).toMatchObject({ result: true, pong: true });
    expect((await c.api().get('/current/ping/', { token: 'not-a-real-token' })).status).toBe(200);
  });

  contract.unverified('system status answers operational without a token; two personas see the same answer shape', async () => {
    const anon = await c.api().get('/current/system/status/', { token: null });
    expect(anon.status).toBe(200);
    expect(anon.body).toMatchObject({ status: 'operational', components: { api: 'operational' } });
    const a = await c.signedIn();
    const b = await c.signedIn();
    const [ra, rb] = [await a.api.get('/current/system/status/'), await b.api.get('/current/system/status/')];
    expect(Object.keys(ra.body).sort()).toEqual(Object.keys(rb.body).sort());
    expect(ra.body.status).toBe(rb.body.status);
  });
});
