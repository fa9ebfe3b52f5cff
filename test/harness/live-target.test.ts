import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ApiClient, type FetchLike } from '../../contracts/client.js';
import { BudgetExceededError, estimateCredits, RunLedger } from '../../contracts/live-budget.js';
import { readLiveSettings } from '../../contracts/live-env.js';
import { closeResources, LiveTarget, LiveTransport } from '../../contracts/live.js';
import { CapabilityMissing } from '../../contracts/target.js';

const BASE = 'http://127.0.0.1:9';
const PREFIX = 'cttest01';
const KEYS = ['key-one', 'key-two'] as const;

interface Call {
  method: string;
  path: string;
  body: string;
  auth: string | null;
}

/** A scripted API: answers from `respond`, records every call. */
function fakeApi(respond: (call: Call, n: number) => { status?: number; body?: unknown; headers?: Record<string, string> }) {
  const calls: Call[] = [];
  const fetchFn: FetchLike = async (url, init) => {
    const u = new URL(url);
    const call = {
      method: init.method ?? 'GET',
      path: u.pathname,
      body: typeof init.body === 'string' ? init.body : '',
      auth: new Headers(init.headers).get('authorization'),
    };
    calls.push(call);
    const r = respond(call, calls.length);
    return new Response(JSON.stringify(r.body ?? { result: true }), { status: r.status ?? 200, headers: r.headers ?? {} });
  };
  return { calls, fetchFn };
}

function setup(respond: Parameters<typeof fakeApi>[0], maxCredits = 50, file = 'orgs.contract') {
  const ledger = RunLedger.create(join(mkdtempSync(join(tmpdir(), 'ledger-')), 'run.json'), {
    runId: 'r',
    prefix: PREFIX,
    startedAt: new Date().toISOString(),
    baseUrl: BASE,
    maxCredits,
  });
  const api = fakeApi(respond);
  const sleeps: number[] = [];
  let now = 1_800_000_000_000;
  const transport = new LiveTransport({
    baseUrl: BASE,
    ledger,
    file,
    prefix: PREFIX,
    apiKeys: KEYS,
    fetch: api.fetchFn,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
    now: () => now,
    log: () => {},
  });
  const client = (key = KEYS[0] as string) => new ApiClient(BASE, transport.fetch, key);
  return { ledger, transport, calls: api.calls, sleeps, client, nowSeconds: () => Math.floor(now / 1000) };
}

describe('live settings', () => {
  it('names each missing variable, and refuses two identical keys', () => {
    const none = readLiveSettings({});
    expect(none.ok).toBe(false);
    const problems = (none as { problems: string[] }).problems.join('\n');
    expect(problems).toContain('FASTIO_LIVE_API_KEY is not set');
    expect(problems).toContain('FASTIO_LIVE_API_KEY_2 is not set');
    const one = readLiveSettings({ FASTIO_LIVE_API_KEY: 'a' }) as { ok: false; problems: string[] };
    expect(one.problems).toHaveLength(1);
    expect(one.problems[0]).toMatch(/^FASTIO_LIVE_API_KEY_2 is not set/);
    const same = readLiveSettings({ FASTIO_LIVE_API_KEY: 'a', FASTIO_LIVE_API_KEY_2: 'a' }) as { ok: false; problems: string[] };
    expect(same.problems[0]).toContain('the same key');
    expect(
      (readLiveSettings({ FASTIO_LIVE_API_KEY: 'a', FASTIO_LIVE_API_KEY_2: 'b', FASTIO_LIVE_MAX_CREDITS: 'lots' }) as { problems: string[] }).problems[0],
    ).toContain('FASTIO_LIVE_MAX_CREDITS');
  });

  it('defaults to the live API and a small budget', () => {
    const ok = readLiveSettings({ FASTIO_LIVE_API_KEY: 'a', FASTIO_LIVE_API_KEY_2: 'b' });
    expect(ok).toEqual({ ok: true, settings: { baseUrl: 'https://api.fast.io', apiKeys: ['a', 'b'], maxCredits: 50, updateSnapshots: false } });
  });
});

describe('live transport', () => {
  it('never sends a request to the control plane or to another origin', async () => {
    const t = setup(() => ({}));
    await expect(t.client().get('/_emulator/health')).rejects.toThrow(/never calls the emulator's control plane/);
    await expect(t.client().post('/_emulator/users/')).rejects.toThrow(/contract.emulatorOnly/);
    await expect(t.transport.fetch('https://example.test/current/user/details/', {})).rejects.toThrow(/talks only to/);
    expect(t.calls).toEqual([]);
  });

  it('waits for the window to reset when x-ve-limit-avail reaches 0', async () => {
    const t = setup(() => ({ headers: { 'x-ve-limit-avail': '0', 'x-ve-limit-max': '5', 'x-ve-limit-expires': String(t.nowSeconds() + 30) } }));
    await t.client().get('/current/user/details/');
    expect(t.sleeps).toEqual([]);
    await t.client().get('/current/user/details/');
    expect(t.sleeps).toHaveLength(1);
    expect(t.sleeps[0]).toBeGreaterThanOrEqual(29_000);
    expect(t.sleeps[0]).toBeLessThanOrEqual(31_000);
    // Another credential has its own window.
    await t.client(KEYS[1]).get('/current/user/details/');
    expect(t.sleeps).toHaveLength(1);
  });

  it('backs off on 429 and retries until the request goes through', async () => {
    const t = setup((_c, n) => (n <= 2 ? { status: 429, body: { result: false, error: { code: 1671 } } } : {}));
    const res = await t.client().get('/current/user/details/');
    expect(res.status).toBe(200);
    expect(t.calls).toHaveLength(3);
    expect(t.sleeps).toEqual([1000, 2000]);
  });

  it('gives the 429 back after the last retry', async () => {
    const t = setup(() => ({ status: 429, headers: { 'retry-after': '3' } }));
    const res = await t.client().get('/current/user/details/');
    expect(res.status).toBe(429);
    expect(t.calls).toHaveLength(6);
    expect(t.sleeps).toEqual([3000, 3000, 4000, 8000, 16000]);
  });

  it('refuses org domains without the run prefix', async () => {
    const t = setup(() => ({ body: { result: true, org: { id: '1' } } }));
    await expect(t.client().post('/current/org/create/', { domain: 'acme', name: 'Acme' })).rejects.toThrow(/run prefix "cttest01"/);
    expect(t.calls).toEqual([]);
  });
});

describe('credit budget', () => {
  it('estimates credits by route: plain calls are free, chat and uploads are not, plan changes are never sent', () => {
    expect(estimateCredits('GET', '/current/user/details/').credits).toBe(0);
    expect(estimateCredits('POST', '/current/org/create/').credits).toBe(0);
    expect(estimateCredits('POST', '/current/workspace/1/ai/chat/').credits).toBe(25);
    expect(estimateCredits('POST', '/current/upload/').credits).toBe(20);
    expect(estimateCredits('POST', '/current/workspace/1/update/', new URLSearchParams('intelligence=true')).credits).toBe(20);
    expect(estimateCredits('POST', '/current/workspace/1/update/', new URLSearchParams('name=x')).credits).toBe(0);
    expect(estimateCredits('POST', '/current/org/1/billing/').credits).toBe(Infinity);
  });

  it('refuses the request that would pass the budget, before sending it, and stops the run', async () => {
    const t = setup(() => ({}), 30);
    await t.client().post('/current/workspace/1/ai/chat/', { question: 'q' });
    expect(t.ledger.snapshot.spent).toBe(25);
    await expect(t.client().post('/current/workspace/1/ai/chat/', { question: 'q' })).rejects.toThrow(BudgetExceededError);
    await expect(t.client().post('/current/workspace/1/ai/chat/', { question: 'q' })).rejects.toThrow(/FASTIO_LIVE_MAX_CREDITS=30/);
    expect(t.calls).toHaveLength(1);
    // Stopped: even free requests are refused now, except clean-up.
    await expect(t.client().get('/current/user/details/')).rejects.toThrow(/the live run stopped/);
    const cleanup = await new ApiClient(BASE, t.transport.cleanupFetch, KEYS[0]).post('/current/org/1/close/', { confirm: 'x' });
    expect(cleanup.status).toBe(200);
    expect(t.calls).toHaveLength(2);
    expect(t.ledger.snapshot.stopped).toContain('may cost 25 credits');
  });

  it('holds across files of one run: the ledger is the file', async () => {
    const a = setup(() => ({}), 30);
    await a.client().post('/current/workspace/1/ai/chat/', { question: 'q' });
    const b = new LiveTransport({
      baseUrl: BASE,
      ledger: RunLedger.open(a.ledger.file),
      file: 'other.contract',
      prefix: PREFIX,
      apiKeys: KEYS,
      fetch: async () => new Response('{}'),
      log: () => {},
    });
    await expect(new ApiClient(BASE, b.fetch, KEYS[0]).post('/current/upload/', { name: 'f' })).rejects.toThrow(/25 of FASTIO_LIVE_MAX_CREDITS=30/);
  });

  it('never sends a plan change, without stopping the run', async () => {
    const t = setup(() => ({}));
    await expect(t.client().post('/current/org/1/billing/', { billing_plan: 'pro' })).rejects.toThrow(/never sent to the live API/);
    expect((await t.client().get('/current/user/details/')).status).toBe(200);
  });
});

describe('clean-up', () => {
  const orgAnswer = (call: Call) => {
    if (call.path === '/current/org/create/') return { body: { result: true, org: { id: `77${new URLSearchParams(call.body).get('domain')!.length}` } } };
    return {};
  };

  it('tracks every org created and closes those the tests left open, with the domain as confirm', async () => {
    const t = setup(orgAnswer);
    await t.client().post('/current/org/create/', { domain: `${PREFIX}-a`, name: 'A' });
    await t.client(KEYS[1]).post('/current/org/create/', { domain: `${PREFIX}-bb`, name: 'B' });
    // The test closed the first one itself.
    await t.client().post(`/current/org/${'77' + `${PREFIX}-a`.length}/close/`, { confirm: `${PREFIX}-a` });
    const open = t.ledger.open();
    expect(open.map((r) => [r.kind, r.domain, r.persona])).toEqual([['org', `${PREFIX}-bb`, 1]]);

    const failures = await closeResources(open, t.ledger, BASE, KEYS, t.transport.cleanupFetch);
    expect(failures).toEqual([]);
    const close = t.calls.at(-1)!;
    expect(close).toMatchObject({ method: 'POST', path: `/current/org/77${`${PREFIX}-bb`.length}/close/`, auth: 'Bearer key-two' });
    expect(new URLSearchParams(close.body).get('confirm')).toBe(`${PREFIX}-bb`);
    expect(t.ledger.open()).toEqual([]);
  });

  it('counts a 404 as closed, and reports a close that failed', async () => {
    const t = setup((call) => {
      if (call.path === '/current/org/create/')
        return { body: { result: true, id: new URLSearchParams(call.body).get('domain') === `${PREFIX}-gone` ? '1' : '2' } };
      if (call.path === '/current/org/1/close/') return { status: 404 };
      if (call.path === '/current/org/2/close/') return { status: 403, body: { result: false, error: { code: 1680, text: 'denied' } } };
      return {};
    });
    await t.client().post('/current/org/create/', { domain: `${PREFIX}-gone` });
    await t.client().post('/current/org/create/', { domain: `${PREFIX}-stuck` });
    const failures = await closeResources(t.ledger.open(), t.ledger, BASE, KEYS, t.transport.cleanupFetch);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toContain(`org 2 (${PREFIX}-stuck): 403`);
    expect(t.ledger.open().map((r) => [r.id, r.state])).toEqual([['2', 'close-failed']]);
  });

  it("the live target's close() closes what its file created, even after a failed test", async () => {
    const t = setup(orgAnswer);
    const target = new LiveTarget(BASE, t.transport, t.ledger, 'orgs.contract', [], {});
    await target.client(KEYS[0]).post('/current/org/create/', { domain: `${PREFIX}-x` });
    // (a test failing here leaves the org open)
    await target.close();
    expect(t.calls.at(-1)).toMatchObject({ method: 'POST', path: `/current/org/77${`${PREFIX}-x`.length}/close/` });
    expect(t.ledger.open()).toEqual([]);
  });
});

describe('live personas', () => {
  function target() {
    const t = setup(() => ({}));
    return new LiveTarget(
      BASE,
      t.transport,
      t.ledger,
      'f',
      [
        { info: { userId: '1111111111111111111', email: 'agent@x.test', accountType: 'agent' }, apiKey: KEYS[0] },
        { info: { userId: '2222222222222222222', email: 'human@x.test', accountType: 'human' }, apiKey: KEYS[1] },
      ],
      {},
    );
  }

  it('hands out each persona once per test, by account type, and names the missing capability', async () => {
    const live = target();
    live.beginTest('t1');
    const human = await live.persona({ accountType: 'human' });
    expect(human).toMatchObject({ userId: '2222222222222222222', apiKey: KEYS[1], token: KEYS[1] });
    await expect(live.persona({ accountType: 'human' })).rejects.toMatchObject({ capability: 'account-type' });
    expect((await live.persona()).userId).toBe('1111111111111111111');
    await expect(live.persona()).rejects.toBeInstanceOf(CapabilityMissing);
    await expect(live.persona()).rejects.toMatchObject({ capability: 'many-personas' });
    live.beginTest('t2');
    expect((await live.persona()).userId).toBe('1111111111111111111');
    await expect(live.persona({ verified: false })).rejects.toMatchObject({ capability: 'sign-up' });
  });

  it('has no password to give', async () => {
    const live = target();
    live.beginTest('t');
    const p = await live.persona();
    expect(() => p.password).toThrow(CapabilityMissing);
    expect(live.capabilities.size).toBe(0);
    expect(live.canControl).toBe(false);
  });
});
