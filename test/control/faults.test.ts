import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { compilePathGlob, faultRuleBody, FaultRules, type FaultRuleInput } from '../../emulator/control/faults.js';
import { seededRandom } from '../../emulator/store/random.js';
import { inProcessEmulator } from '../support/client.js';

function rules(seed = 'faults') {
  return new FaultRules(seededRandom(seed), () => 0);
}

/** A rule as a client sends it (JSON), validated by the route's schema. */
function rule(input: z.input<ReturnType<typeof faultRuleBody>>): FaultRuleInput {
  return faultRuleBody().parse(input);
}

describe('fault rules (unit)', () => {
  it('match path globs, with or without trailing slashes, and route or OpenAPI parameter syntax', async () => {
    const glob = await compilePathGlob('/current/org/*/create/workspace/');
    expect(glob('/current/org/123/create/workspace/')).toBe(true);
    expect(glob('/current/org/123/create/workspace')).toBe(true);
    expect(glob('/current/org/123/list/workspaces/')).toBe(false);
    expect(glob('/current/org/1/2/create/workspace/')).toBe(false);
    expect((await compilePathGlob('/current/org/:org_id/create/workspace/'))('/current/org/9/create/workspace')).toBe(true);
    expect((await compilePathGlob('/current/workspace/{workspace_id}/details/'))('/current/workspace/9/details/')).toBe(true);
    expect((await compilePathGlob('/current/**'))('/current/org/9/create/workspace/')).toBe(true);
    expect((await compilePathGlob('/current/{org,workspace}/*/details/'))('/current/workspace/9/details/')).toBe(true);
    expect((await compilePathGlob('/current/{org,workspace}/*/details/'))('/current/user/9/details/')).toBe(false);
  });

  it('filter by method and org, and never touch the control plane', async () => {
    const r = rules();
    await r.add(rule({ method: 'post', path: '/current/**', org_id: '1234567890123456789', status: 503 }));
    expect(r.decide({ method: 'GET', path: '/current/x/', orgId: '1234567890123456789' })).toBeUndefined();
    expect(r.decide({ method: 'POST', path: '/current/x/', orgId: '9234567890123456789' })).toBeUndefined();
    expect(r.decide({ method: 'POST', path: '/current/x/', orgId: undefined })).toBeUndefined();
    const hit = r.decide({ method: 'POST', path: '/current/x/', orgId: '1234567890123456789' });
    expect(hit?.error).toMatchObject({ status: 503 });
    const any = rules();
    await any.add(rule({ status: 500 }));
    expect(any.decide({ method: 'GET', path: '/_emulator/health', orgId: undefined })).toBeUndefined();
    expect(any.decide({ method: 'GET', path: '/current/user/details/', orgId: undefined })?.error?.status).toBe(500);
  });

  it('stop after `times` hits and count hits only when the rule applies', async () => {
    const r = rules();
    const added = await r.add(rule({ path: '/current/a/', status: 500, times: 2 }));
    expect(r.decide({ method: 'GET', path: '/current/b/', orgId: undefined })).toBeUndefined();
    expect(added.hits).toBe(0);
    expect(r.decide({ method: 'GET', path: '/current/a/', orgId: undefined })?.ruleIds).toEqual([added.id]);
    expect(r.decide({ method: 'GET', path: '/current/a/', orgId: undefined })?.ruleIds).toEqual([added.id]);
    expect(r.decide({ method: 'GET', path: '/current/a/', orgId: undefined })).toBeUndefined();
    expect(r.get(added.id)?.hits).toBe(2);
  });

  it('draw probabilities from the seeded source: the same seed gives the same hits', async () => {
    const run = async (seed: string) => {
      const r = rules(seed);
      await r.add(rule({ path: '/current/**', status: 503, probability: 0.3 }));
      return Array.from({ length: 400 }, () => (r.decide({ method: 'GET', path: '/current/x/', orgId: undefined }) ? 1 : 0)).join('');
    };
    const a = await run('seed-1');
    expect(await run('seed-1')).toBe(a);
    expect(await run('seed-2')).not.toBe(a);
    const hits = [...a].filter((c) => c === '1').length;
    // 400 draws at p = 0.3: 120 expected; the seeded sequence is fixed, so this bound never flakes.
    expect(hits).toBeGreaterThan(80);
    expect(hits).toBeLessThan(160);
    const never = rules();
    await never.add(rule({ status: 503, probability: 0 }));
    expect(never.decide({ method: 'GET', path: '/current/x/', orgId: undefined })).toBeUndefined();
  });

  it('add up delays, keep jitter within its bounds, and end the list at the first error', async () => {
    const r = rules();
    const slow = await r.add(rule({ delay_ms: 100, jitter_ms: 20 }));
    const slower = await r.add(rule({ path: '/current/**', delay_ms: 50 }));
    const failing = await r.add(rule({ status: 502 }));
    const unreached = await r.add(rule({ status: 500 }));
    for (let i = 0; i < 50; i++) {
      const d = r.decide({ method: 'GET', path: '/current/x/', orgId: undefined })!;
      expect(d.ruleIds).toEqual([slow.id, slower.id, failing.id]);
      expect(d.delayMs).toBeGreaterThanOrEqual(130);
      expect(d.delayMs).toBeLessThanOrEqual(170);
      expect(d.error?.status).toBe(502);
    }
    expect(unreached.hits).toBe(0);
  });

  it('answer the default live code for a status unless the rule names one', async () => {
    const r = rules();
    expect((await r.add(rule({ status: 429 }))).code).toBe(1671);
    expect((await r.add(rule({ status: 402 }))).code).toBe(1696);
    expect((await r.add(rule({ status: 503 }))).code).toBe(1500);
    expect((await r.add(rule({ status: 503, code: 4242 }))).code).toBe(4242);
  });
});

describe('fault rules through the pipeline', () => {
  it('answer an injected error in the live envelope, with the rule id in a header and in the journal', async () => {
    const emu = await inProcessEmulator();
    const t = await emu.tenant({ label: 'flt' });
    const added = await emu.call('POST', '/_emulator/faults', {
      form: { method: 'GET', path: '/current/user/details/', status: '503', code: '1500', times: '1' },
    });
    expect(added.status).toBe(200);
    const fault = added.body.fault as { id: string; times: number; hits: number; active: boolean };
    expect(fault).toMatchObject({ times: 1, hits: 0, active: true });
    expect(fault.id).toMatch(/^fault_\d+$/);

    const failed = await emu.call('GET', '/current/user/details/', { token: t.user.token });
    expect(failed.status).toBe(503);
    expect(failed.body).toEqual({ result: false, error: { code: 1500, text: expect.stringContaining(fault.id), resource: 'GET /current/user/details/' } });
    expect(failed.headers.get('x-fastio-emulator-fault')).toBe(fault.id);
    // times = 1: the next request is served.
    expect((await emu.call('GET', '/current/user/details/', { token: t.user.token })).status).toBe(200);

    const listed = (await emu.ok('GET', '/_emulator/faults')).faults as { id: string; hits: number; remaining: number; active: boolean }[];
    expect(listed).toEqual([expect.objectContaining({ id: fault.id, hits: 1, remaining: 0, active: false })]);
    const journal = (await emu.ok('GET', '/_emulator/requests?faulted=true')).requests as { path: string; status: number; faults: string[] }[];
    expect(journal).toEqual([expect.objectContaining({ path: '/current/user/details/', status: 503, faults: [fault.id] })]);
  });

  it('match org_id on workspace routes too (the org comes from the resolved workspace)', async () => {
    const emu = await inProcessEmulator();
    const a = await emu.tenant({ label: 'orga' });
    const b = await emu.tenant({ label: 'orgb' });
    await emu.ok('POST', '/_emulator/faults', { form: { org_id: a.org.id, status: '500' } });
    const wsA = await emu.call('GET', `/current/workspace/${a.ws.id}/details/`, { token: a.user.token });
    expect(wsA.status).toBe(500);
    expect(wsA.body.error?.code).toBe(1500);
    const orgA = await emu.call('GET', `/current/org/${a.org.id}/details/`, { token: a.user.token });
    expect(orgA.status).toBe(500);
    // Another tenant, and routes that name no org, are untouched.
    expect((await emu.call('GET', `/current/workspace/${b.ws.id}/details/`, { token: b.user.token })).status).toBe(200);
    expect((await emu.call('GET', '/current/user/details/', { token: a.user.token })).status).toBe(200);
  });

  it('apply only to requests that pass authentication and validation', async () => {
    const emu = await inProcessEmulator();
    const t = await emu.tenant({ label: 'auth' });
    await emu.ok('POST', '/_emulator/faults', { form: { path: '/current/org/*/create/workspace/', status: '503' } });
    expect((await emu.call('POST', `/current/org/${t.org.id}/create/workspace/`, { form: {} })).status).toBe(401);
    expect((await emu.call('POST', `/current/org/${t.org.id}/create/workspace/`, { token: t.user.token, form: {} })).status).toBe(400);
    expect(
      (
        await emu.call('POST', `/current/org/${t.org.id}/create/workspace/`, {
          token: t.user.token,
          form: { folder_name: 'x1', name: 'X one', perm_join: 'Member or above', perm_member_manage: 'Member or above' },
        })
      ).status,
    ).toBe(503);
  });

  it('delay without failing: the request is served and marked', async () => {
    const emu = await inProcessEmulator();
    const t = await emu.tenant({ label: 'slow' });
    const rule = (await emu.ok('POST', '/_emulator/faults', { json: { path: '/current/user/details/', delay_ms: 5 } })).fault as { id: string };
    const res = await emu.call('GET', '/current/user/details/', { token: t.user.token });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-fastio-emulator-fault')).toBe(rule.id);
  });

  it('mark the response with every rule that applied; an injected 429 says when to retry', async () => {
    const emu = await inProcessEmulator();
    const t = await emu.tenant({ label: 'both' });
    const slow = (await emu.ok('POST', '/_emulator/faults', { form: { delay_ms: '1' } })).fault as { id: string };
    const limited = (await emu.ok('POST', '/_emulator/faults', { form: { path: '/current/user/details/', status: '429' } })).fault as { id: string };
    const res = await emu.call('GET', '/current/user/details/', { token: t.user.token });
    expect(res.status).toBe(429);
    expect(res.body.error?.code).toBe(1671);
    expect(res.headers.get('x-fastio-emulator-fault')).toBe(`${slow.id},${limited.id}`);
    expect(res.headers.get('retry-after')).toBe('1');
  });

  it('never apply to the control plane, and go with reset', async () => {
    const emu = await inProcessEmulator();
    await emu.ok('POST', '/_emulator/faults', { form: { status: '500' } });
    expect((await emu.call('GET', '/_emulator/health')).status).toBe(200);
    expect((await emu.call('GET', '/_emulator/faults')).status).toBe(200);
    await emu.ok('POST', '/_emulator/reset');
    expect((await emu.ok('GET', '/_emulator/faults')).faults).toEqual([]);
  });

  it('refuse invalid rules with 400/1605 and a param per field', async () => {
    const emu = await inProcessEmulator();
    const cases: [Record<string, string>, string][] = [
      [{}, 'status'],
      [{ status: '200' }, 'status'],
      [{ status: '503', probability: '1.5' }, 'probability'],
      [{ status: '503', method: 'FETCH' }, 'method'],
      [{ code: '1500', delay_ms: '10' }, 'code'],
      [{ delay_ms: '10', jitter_ms: '-1' }, 'jitter_ms'],
      [{ jitter_ms: '5', status: '500' }, 'jitter_ms'],
      [{ status: '500', path: 'current/**' }, 'path'],
      [{ status: '500', path: '/_emulator/**' }, 'path'],
      [{ status: '500', org_id: 'acme' }, 'org_id'],
      [{ status: '500', times: '0' }, 'times'],
    ];
    for (const [form, field] of cases) {
      const res = await emu.call('POST', '/_emulator/faults', { form });
      expect(res.status, JSON.stringify(form)).toBe(400);
      expect(res.body.error?.code).toBe(1605);
      expect(res.body.error?.params?.map((p) => p.name)).toContain(field);
    }
    expect((await emu.ok('GET', '/_emulator/faults')).faults).toEqual([]);
  });

  it('delete one rule by id (404 for an unknown id) or all of them', async () => {
    const emu = await inProcessEmulator();
    const one = (await emu.ok('POST', '/_emulator/faults', { form: { status: '500' } })).fault as { id: string };
    const two = (await emu.ok('POST', '/_emulator/faults', { form: { status: '502' } })).fault as { id: string };
    expect((await emu.call('DELETE', `/_emulator/faults/${one.id}`)).status).toBe(200);
    const missing = await emu.call('DELETE', `/_emulator/faults/${one.id}`);
    expect(missing.status).toBe(404);
    expect(missing.body.error?.code).toBe(1609);
    expect(((await emu.ok('GET', '/_emulator/faults')).faults as { id: string }[]).map((f) => f.id)).toEqual([two.id]);
    expect((await emu.ok('DELETE', '/_emulator/faults')).removed).toBe(1);
    expect((await emu.ok('GET', '/_emulator/faults')).faults).toEqual([]);
  });

  it('keep two emulators in one process apart', async () => {
    const a = await inProcessEmulator();
    const b = await inProcessEmulator();
    await a.ok('POST', '/_emulator/faults', { form: { status: '500' } });
    expect((await b.ok('GET', '/_emulator/faults')).faults).toEqual([]);
  });
});
