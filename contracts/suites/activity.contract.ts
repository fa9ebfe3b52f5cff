import { describe, expect } from 'vitest';
import WebSocket from 'ws';
import { ApiClient } from '../client.js';
import { contract, setupContract } from '../harness.js';
import { expectApiError } from '../expect.js';
import { spawnEmulator, stopChild } from '../target.js';
import { addWorkspaceMember, createOrg, createWorkspace } from '../tenants.js';

const c = setupContract(import.meta.url);

/**
 * A WebSocket needs a real listener. The HTTP and live targets have one; the in-process target
 * does not, so there the test starts an emulator of its own on port 0 (and makes its personas
 * there). It runs as a child process: light-my-request, which drives the in-process target, rewires
 * express's shared request prototype, so a real server in this process would not work.
 */
async function listener(): Promise<{ baseUrl: string; persona: () => Promise<{ api: ApiClient; token: string; userId: string }>; close: () => Promise<void> }> {
  if (c.target.kind !== 'inprocess') {
    return {
      baseUrl: c.target.baseUrl,
      persona: async () => {
        const { api, persona } = await c.signedIn({ accountType: 'agent' });
        return { api, token: persona.token, userId: persona.userId };
      },
      close: async () => {},
    };
  }
  const { url, child } = await spawnEmulator();
  return {
    baseUrl: url,
    persona: async () => {
      const r = await new ApiClient(url, (u, i) => fetch(u, i)).post('/_emulator/users/', { account_type: 'agent' });
      const b = r.body as Record<string, string>;
      return { api: new ApiClient(url, (u, i) => fetch(u, i), b.auth_token), token: b.auth_token!, userId: b.user_id! };
    },
    close: () => stopChild(child),
  };
}

function socketUrl(baseUrl: string, token: string): string {
  const u = new URL(baseUrl);
  u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
  u.pathname = '/api/websocket/';
  u.search = `?token=${encodeURIComponent(token)}`;
  return u.toString();
}

describe('activity long-poll', () => {
  contract.unverified(
    'a poll with wait=30 returns within a second of a change made by another client, with the key',
    async () => {
      const owner = await c.signedIn({ accountType: 'agent' });
      const other = await c.signedIn({ accountType: 'agent' });
      const org = await createOrg(owner.api);
      const ws = await createWorkspace(owner.api, org.id);
      const first = await owner.api.get(`/current/activity/poll/${ws.id}/`, { query: { wait: 0 } });
      expect(first.status, first.text).toBe(200);
      const lastactivity = first.body.lastactivity as string;
      expect(typeof lastactivity).toBe('string');

      // Held for up to 30 s; this test's timeout is 10 s, so only the change can end it in time.
      const polling = owner.api.get(`/current/activity/poll/${ws.id}/`, { query: { wait: 30, lastactivity, updated: 1 } });
      await addWorkspaceMember(owner.api, ws.id, other.persona.userId, 'member');
      const changedAt = Date.now();
      const answer = await polling;
      const answeredAt = Date.now();
      expect(answer.status, answer.text).toBe(200);
      expect(answer.body.activity).toContain('members');
      expect(answeredAt - changedAt).toBeLessThan(1000);
      expect(answer.body.lastactivity).not.toBe(lastactivity);
    },
    10_000,
  );

  contract.unverified('only entities the caller may see: another tenant is refused with the tenancy codes', async () => {
    const a = await c.signedIn({ accountType: 'agent' });
    const b = await c.signedIn({ accountType: 'agent' });
    const org = await createOrg(a.api);
    const ws = await createWorkspace(a.api, org.id);
    expectApiError(await b.api.get(`/current/activity/poll/${org.id}/`), 404, 1609);
    expectApiError(await b.api.get(`/current/activity/poll/${ws.id}/`), 401, 10545);
    expectApiError(await b.api.get(`/current/activity/poll/${a.persona.userId}/`), 404, 1609);
    // The caller's own user id (uploads are user-scoped) and its own org are fine.
    expect((await b.api.get(`/current/activity/poll/${b.persona.userId}/`)).status).toBe(200);
    expect((await a.api.get(`/current/activity/poll/${org.id}/`)).status).toBe(200);
  });
});

describe('activity WebSocket', () => {
  contract.unverified(
    'pushes {"response": "activity", "activity": [...]} for a change the user may see; refuses a bad token',
    async () => {
      const server = await listener();
      try {
        const owner = await server.persona();
        const org = (await owner.api.post('/current/org/create/', { domain: c.unique('wsorg'), name: 'WebSocket org' })).body.org as {
          id: string;
          domain: string;
        };
        const socket = new WebSocket(socketUrl(server.baseUrl, owner.token));
        const message = new Promise<{ data: Record<string, unknown>; at: number }>((resolve) =>
          socket.once('message', (data) => resolve({ data: JSON.parse(String(data)) as Record<string, unknown>, at: Date.now() })),
        );
        await new Promise<void>((resolve, reject) => {
          socket.once('open', () => resolve());
          socket.once('error', reject);
        });
        const sent = Date.now();
        const update = await owner.api.post(`/current/org/${org.id}/update/`, { name: 'Renamed over WebSocket' });
        expect(update.status).toBe(200);
        const { data, at } = await message;
        expect(data.response).toBe('activity');
        expect(Array.isArray(data.activity) && data.activity.length > 0).toBe(true);
        expect(at - sent).toBeLessThan(1000);
        socket.close();
        await owner.api.post(`/current/org/${org.id}/close/`, { confirm: org.domain });

        const refused = await new Promise<number>((resolve, reject) => {
          const bad = new WebSocket(socketUrl(server.baseUrl, 'not-a-valid-token'));
          bad.once('unexpected-response', (req, res) => {
            resolve(res.statusCode ?? 0);
            req.destroy();
          });
          bad.once('open', () => reject(new Error('a bad token was accepted')));
          bad.once('error', () => {});
        });
        expect(refused).toBe(401);
      } finally {
        await server.close();
      }
    },
    15_000,
  );

  contract.emulatorOnly('a plain GET of the WebSocket path is told to upgrade (426)', async () => {
    const r = await c.api().get('/api/websocket/');
    expect(r.status).toBe(426);
    expect(r.body.result).toBe(false);
  });
});
