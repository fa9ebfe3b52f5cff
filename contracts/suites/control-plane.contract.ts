import { describe, expect } from 'vitest';
import { contract, setupContract } from '../harness.js';
import { Control } from '../control.js';

const c = setupContract(import.meta.url);

describe('control plane', () => {
  contract.emulatorOnly('health answers ok with the version', async () => {
    const res = await c.api().get('/_emulator/health');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ result: true, status: 'ok' });
    expect(res.body.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  contract.emulatorOnly('the clock moves forward, never back', async () => {
    const api = c.api();
    const before = Date.parse((await api.get('/_emulator/clock')).body.now as string);
    const advanced = await api.post('/_emulator/clock/advance', { seconds: 86_400 });
    expect(advanced.status).toBe(200);
    const after = Date.parse(advanced.body.now as string);
    expect(after - before).toBeGreaterThanOrEqual(86_400_000);
    expect(after - before).toBeLessThan(86_400_000 + 60_000);

    const back = await api.post('/_emulator/clock', { now: new Date(before).toISOString() });
    expect(back.status).toBe(400);
    expect(back.body.error).toMatchObject({ code: 1605 });
    const forward = await api.post('/_emulator/clock', { now: new Date(after + 3_600_000).toISOString() }, {});
    expect(forward.status).toBe(200);
    expect(Date.parse(forward.body.now as string)).toBeGreaterThanOrEqual(after + 3_600_000);
    // JSON bodies are accepted too.
    const json = await api.post('/_emulator/clock/advance', undefined, { json: { seconds: 1 } });
    expect(json.status).toBe(200);
    const bad = await api.post('/_emulator/clock/advance', { seconds: -5 });
    expect(bad.status).toBe(400);
  });

  contract.emulatorOnly('a persona is ready to use: verified, with an API key and a JWT', async () => {
    const res = await c.api().post('/_emulator/users/', { account_type: 'human', email: `${c.unique('p')}@example.test` });
    expect(res.status).toBe(200);
    const b = res.body as Record<string, string>;
    expect(b.user_id).toMatch(/^[1-9]\d{18}$/);
    expect(b.account_type).toBe('human');
    for (const token of [b.api_key!, b.auth_token!]) {
      const check = await c.api().get('/current/user/auth/check/', { token });
      expect(check.body.id).toBe(b.user_id);
    }
    const signIn = await c.api().get('/current/user/auth/', { basic: { email: b.email_address!, password: b.password! } });
    expect(signIn.status).toBe(200);
  });

  contract.emulatorOnly('state export, reset and import round-trip', async () => {
    const api = c.api();
    const p = await c.persona();
    const exported = await api.get('/_emulator/state');
    expect(exported.status).toBe(200);
    const state = exported.body.state as { format: string; version: number; tables: Record<string, unknown[]> };
    expect(state.format).toBe('fastio-emulator-state');
    expect(state.tables.users!.length).toBeGreaterThan(0);

    await new Control(api).reset();
    expect((await api.get('/current/user/auth/check/', { token: p.apiKey })).status).toBe(401);

    const imported = await api.put('/_emulator/state', { json: state });
    expect(imported.status).toBe(200);
    const check = await api.get('/current/user/auth/check/', { token: p.apiKey });
    expect(check.status).toBe(200);
    expect(check.body.id).toBe(p.userId);

    const newer = await api.put('/_emulator/state', { json: { ...state, version: 999 } });
    expect(newer.status).toBe(400);
    expect(newer.body.error).toMatchObject({ code: 1605 });
    // A refused import leaves the state as it was.
    expect((await api.get('/current/user/auth/check/', { token: p.apiKey })).status).toBe(200);
  });

  contract.emulatorOnly('the request journal lists recent requests with status and caller', async () => {
    const { api, persona } = await c.signedIn();
    await api.get('/current/user/auth/check/');
    await api.get('/current/missing/route/');
    const res = await c.api().get('/_emulator/requests', { query: { user_id: persona.userId } });
    const entries = res.body.requests as { method: string; path: string; status: number; userId: string; latencyMs: number }[];
    expect(entries[0]).toMatchObject({ method: 'GET', path: '/current/user/auth/check/', status: 200, userId: persona.userId });
    const missing = await c.api().get('/_emulator/requests', { query: { status: 404 } });
    expect((missing.body.requests as { path: string }[]).some((e) => e.path === '/current/missing/route/')).toBe(true);
  });

  contract.emulatorOnly('the route table lists every route with its parity status', async () => {
    const res = await c.api().get('/_emulator/routes');
    const routes = res.body.routes as { method: string; path: string; status: string; area: string }[];
    expect(routes.find((r) => r.method === 'GET' && r.path === '/current/user/auth/')).toMatchObject({ status: 'implemented', area: 'auth' });
    expect(routes.every((r) => ['implemented', 'partial', 'not-implemented'].includes(r.status))).toBe(true);
  });
});
