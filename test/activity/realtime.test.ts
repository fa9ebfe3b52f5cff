/**
 * The long-poll and the WebSocket over a real listener (startEmulator on port 0): waking on a
 * change, leaving nothing behind when a client goes away, and who may watch what.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { startEmulator, type RunningEmulator } from '../../emulator/index.js';
import { UNIT_TEST_DIALECT } from '../support/client.js';

let emu: RunningEmulator;

beforeAll(async () => {
  emu = await startEmulator({ port: 0, apiDialect: UNIT_TEST_DIALECT });
});

afterAll(async () => {
  await emu.close();
});

interface Persona {
  id: string;
  apiKey: string;
  jwt: string;
}

async function call(method: string, path: string, token?: string, form?: Record<string, string>, signal?: AbortSignal) {
  const res = await fetch(`${emu.url}${path}`, {
    method,
    headers: {
      'x-fastio-emulator-client': '1',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
    },
    ...(form ? { body: new URLSearchParams(form).toString() } : {}),
    ...(signal ? { signal } : {}),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> & { error?: { code: number } } };
}

async function persona(verified = true): Promise<Persona> {
  const r = await call('POST', '/_emulator/users/', undefined, { verified: String(verified) });
  return { id: r.body.user_id as string, apiKey: r.body.api_key as string, jwt: r.body.auth_token as string };
}

let domains = 0;
async function tenant(owner: Persona) {
  const org = (await call('POST', '/current/org/create/', owner.apiKey, { domain: `rt-${process.pid}-${domains++}`, name: 'Realtime org' })).body.org as {
    id: string;
  };
  const ws = (
    await call('POST', `/current/org/${org.id}/create/workspace/`, owner.apiKey, {
      folder_name: `rt-ws-${domains++}`,
      name: 'Realtime workspace',
      perm_join: 'Member or above',
      perm_member_manage: 'Admin or above',
    })
  ).body.workspace as { id: string };
  return { orgId: org.id, workspaceId: ws.id };
}

/** A socket and the messages it receives, awaited one at a time. */
async function connect(token: string) {
  const socket = new WebSocket(`${emu.url.replace('http', 'ws')}/api/websocket/?token=${encodeURIComponent(token)}`);
  const queue: Record<string, unknown>[] = [];
  const waiters: ((m: Record<string, unknown>) => void)[] = [];
  socket.on('message', (data) => {
    const m = JSON.parse(String(data)) as Record<string, unknown>;
    const w = waiters.shift();
    if (w) w(m);
    else queue.push(m);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
  return {
    socket,
    closed,
    next: () => (queue.length > 0 ? Promise.resolve(queue.shift()!) : new Promise<Record<string, unknown>>((r) => waiters.push(r))),
  };
}

/** The answer of a refused upgrade. */
function refusedWith(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    socket.once('unexpected-response', (req, res) => {
      resolve(res.statusCode ?? 0);
      req.destroy();
    });
    socket.once('open', () => reject(new Error('the upgrade was accepted')));
    socket.once('error', () => {});
  });
}

describe('activity long-poll', () => {
  it('answers as soon as another client changes the entity, with the key and a new cursor', { timeout: 5_000 }, async () => {
    const owner = await persona();
    const { workspaceId } = await tenant(owner);
    const first = await call('GET', `/current/activity/poll/${workspaceId}/?wait=0`, owner.apiKey);
    expect(first.status).toBe(200);
    const cursor = first.body.lastactivity as string;
    expect(typeof cursor).toBe('string');
    // Held for up to 30 s; the test's own timeout is 5 s, so only the change can end it.
    const polling = call('GET', `/current/activity/poll/${workspaceId}/?wait=30&lastactivity=${cursor}`, owner.jwt);
    await vi.waitFor(() => expect(emu.emulator.activityHub.waiting).toBe(1));
    await call('POST', `/current/workspace/${workspaceId}/update/`, owner.apiKey, { name: 'Renamed' });
    const answer = await polling;
    expect(answer.body.activity).toEqual(['settings']);
    expect(Number(answer.body.lastactivity)).toBeGreaterThan(Number(cursor));
    // Nothing new since: an immediate poll with the new cursor is empty.
    const again = await call('GET', `/current/activity/poll/${workspaceId}/?lastactivity=${answer.body.lastactivity as string}`, owner.apiKey);
    expect(again.body.activity).toEqual([]);
  });

  it('leaves no waiter behind when the client disconnects', async () => {
    const owner = await persona();
    const { orgId } = await tenant(owner);
    const controller = new AbortController();
    const polling = call('GET', `/current/activity/poll/${orgId}/?wait=95`, owner.apiKey, undefined, controller.signal).catch((e: Error) => e);
    await vi.waitFor(() => expect(emu.emulator.activityHub.waiting).toBe(1));
    controller.abort();
    expect(await polling).toBeInstanceOf(Error);
    await vi.waitFor(() => expect(emu.emulator.activityHub.waiting).toBe(0));
  });

  it('watches only what the caller may see', async () => {
    const a = await persona();
    const b = await persona();
    const ta = await tenant(a);
    const org = await call('GET', `/current/activity/poll/${ta.orgId}/`, b.apiKey);
    expect([org.status, org.body.error?.code]).toEqual([404, 1609]);
    const ws = await call('GET', `/current/activity/poll/${ta.workspaceId}/`, b.apiKey);
    expect([ws.status, ws.body.error?.code]).toEqual([401, 10545]);
    const user = await call('GET', `/current/activity/poll/${a.id}/`, b.apiKey);
    expect([user.status, user.body.error?.code]).toEqual([404, 1609]);
    expect((await call('GET', `/current/activity/poll/${b.id}/`, b.apiKey)).status).toBe(200);
    expect((await call('GET', `/current/activity/poll/${ta.orgId}/?lastactivity=later`, a.apiKey)).status).toBe(400);
  });
});

describe('activity WebSocket', () => {
  it('pushes changes of entities the user may see, follows membership changes, and refuses bad tokens', async () => {
    const a = await persona();
    const b = await persona();
    const ta = await tenant(a);
    const tb = await tenant(b);
    const sa = await connect(a.jwt);
    const sb = await connect(b.apiKey);

    await call('POST', `/current/workspace/${ta.workspaceId}/update/`, a.apiKey, { name: 'A renamed' });
    expect(await sa.next()).toEqual({ response: 'activity', activity: ['settings'], entity_id: ta.workspaceId });
    // B's first message is about B's own change: A's change was not sent to B.
    await call('POST', `/current/org/${tb.orgId}/update/`, b.apiKey, { name: 'B renamed' });
    expect(await sb.next()).toEqual({ response: 'activity', activity: ['settings'], entity_id: tb.orgId });

    // B joins A's workspace: B hears of it (the workspace's members, B's memberships) and then of
    // A's workspace changes.
    await call('POST', `/current/workspace/${ta.workspaceId}/members/${b.id}/`, a.apiKey, { permissions: 'member' });
    expect([await sb.next(), await sb.next()]).toEqual([
      { response: 'activity', activity: ['members'], entity_id: ta.workspaceId },
      { response: 'activity', activity: ['memberships'], entity_id: b.id },
    ]);
    await call('POST', `/current/workspace/${ta.workspaceId}/update/`, a.apiKey, { name: 'A again' });
    expect(await sb.next()).toEqual({ response: 'activity', activity: ['settings'], entity_id: ta.workspaceId });
    // Removed again: the next push B gets is about B's own org, not A's workspace.
    await call('DELETE', `/current/workspace/${ta.workspaceId}/members/${b.id}/`, a.apiKey);
    expect(await sb.next()).toEqual({ response: 'activity', activity: ['memberships'], entity_id: b.id });
    await call('POST', `/current/workspace/${ta.workspaceId}/update/`, a.apiKey, { name: 'A third' });
    await call('POST', `/current/org/${tb.orgId}/update/`, b.apiKey, { name: 'B again' });
    expect(await sb.next()).toEqual({ response: 'activity', activity: ['settings'], entity_id: tb.orgId });

    const base = `${emu.url.replace('http', 'ws')}/api/websocket/`;
    expect(await refusedWith(base)).toBe(401);
    expect(await refusedWith(`${base}?token=not-a-token`)).toBe(401);
    const unverified = await persona(false);
    expect(await refusedWith(`${base}?token=${unverified.apiKey}`)).toBe(403);

    sa.socket.close();
    sb.socket.close();
    await Promise.all([sa.closed, sb.closed]);
    await vi.waitFor(() => expect(emu.sockets.size).toBe(0));
  });

  it('closes a socket whose API key is revoked, at the next push', async () => {
    const a = await persona();
    const ta = await tenant(a);
    const key = (await call('POST', '/current/user/auth/key/', a.jwt, { memo: 'short-lived' })).body as { api_key: string; id?: string };
    const s = await connect(key.api_key);
    const keys = (await call('GET', '/current/user/auth/keys/', a.jwt)).body.api_keys as { id: string; memo: string }[];
    const id = keys.find((k) => k.memo === 'short-lived')!.id;
    expect((await call('DELETE', `/current/user/auth/key/${id}/`, a.jwt)).status).toBe(200);
    await call('POST', `/current/org/${ta.orgId}/update/`, a.jwt, { name: 'After revoke' });
    expect(await s.closed).toBe(4401);
  });

  it('a plain GET of the WebSocket path is told to upgrade', async () => {
    const r = await call('GET', '/api/websocket/');
    expect(r.status).toBe(426);
  });
});
