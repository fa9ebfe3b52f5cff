/**
 * File locks (issue 18, item 3; official client src/api/locking.rs): acquire, status, heartbeat,
 * release, and what another member of the workspace gets while the lock is held (409/1660).
 * Both dialects serve these routes. Another tenant's refusals are in storage-nodes.contract.ts.
 */
import { describe, expect } from 'vitest';
import { uploaded } from '../files.js';
import { contract, setupContract } from '../harness.js';
import { expectApiError } from '../expect.js';
import { addWorkspaceMember, createOrg, createWorkspace } from '../tenants.js';

const c = setupContract(import.meta.url);

interface LockJson {
  locked: boolean;
  node_id: string;
  holder?: string;
  expires?: string;
  duration?: number;
  client_info?: Record<string, unknown> | null;
  lock_token?: string;
}

async function storageTenant() {
  const { api, persona } = await c.signedIn();
  const org = await createOrg(api);
  const ws = await createWorkspace(api, org.id, { intelligence: false });
  return { api, persona, org, ws, base: `/current/workspace/${ws.id}/storage` };
}

describe('lock lifecycle', () => {
  contract.unverified('acquire answers a token; status shows the holder without it; heartbeat renews; release frees the file', async () => {
    const { api, persona, ws, base } = await storageTenant();
    const file = await uploaded(api, ws.id, 'draft.txt', 'draft');
    expect((await api.get(`${base}/${file}/lock/`)).body.lock).toEqual({ locked: false, node_id: file });
    const acquired = await api.post(`${base}/${file}/lock/`, { duration: 120, client_info: JSON.stringify({ app: 'contract' }) });
    expect(acquired.status, acquired.text).toBe(200);
    const token = acquired.body.lock_token as string;
    expect(token).toEqual(expect.any(String));
    expect(acquired.body.lock).toMatchObject({ locked: true, node_id: file, holder: persona.userId, duration: 120, client_info: { app: 'contract' } });

    const status = await api.get(`${base}/${file}/lock/`);
    expect(status.status, status.text).toBe(200);
    const lock = status.body.lock as LockJson;
    expect(lock).toMatchObject({ locked: true, holder: persona.userId });
    expect(status.text).not.toContain(token);

    // The holder acquiring again renews the same lock.
    expect((await api.post(`${base}/${file}/lock/`, {})).body.lock_token).toBe(token);
    const beat = await api.post(`${base}/${file}/lock/heartbeat/`, { lock_token: token });
    expect(beat.status, beat.text).toBe(200);
    expect(beat.body.lock).toMatchObject({ locked: true, lock_token: token });
    expectApiError(await api.post(`${base}/${file}/lock/heartbeat/`, { lock_token: 'not-the-token' }), 400, 1605);
    expectApiError(await api.delete(`${base}/${file}/lock/`, { form: { lock_token: 'not-the-token' } }), 400, 1605);

    // The holder writes as usual.
    expect((await api.post(`${base}/${file}/update/`, { name: 'draft-2.txt' })).status).toBe(200);
    expect((await api.delete(`${base}/${file}/lock/`, { form: { lock_token: token } })).status).toBe(200);
    expect((await api.get(`${base}/${file}/lock/`)).body.lock).toEqual({ locked: false, node_id: file });
    expectApiError(await api.post(`${base}/${file}/lock/heartbeat/`, { lock_token: token }), 404, 1609);
    expectApiError(await api.delete(`${base}/${file}/lock/`, { form: { lock_token: token } }), 404, 1609);
  });

  contract.unverified('a folder cannot be locked; duration outside 60-3600 and a client_info that is not a JSON object are 400/1605', async () => {
    const { api, ws, base } = await storageTenant();
    const file = await uploaded(api, ws.id, 'a.txt', 'a');
    const folder = (await api.post(`${base}/root/createfolder/`, { name: 'F' })).body.node as { id: string };
    expectApiError(await api.post(`${base}/${folder.id}/lock/`, {}), 400, 1605);
    expectApiError(await api.post(`${base}/${file}/lock/`, { duration: 30 }), 400, 1605);
    expectApiError(await api.post(`${base}/${file}/lock/`, { duration: 3601 }), 400, 1605);
    expectApiError(await api.post(`${base}/${file}/lock/`, { client_info: '[1,2]' }), 400, 1605);
    expectApiError(await api.post(`${base}/${file}/lock/heartbeat/`, {}), 400, 1605);
    expect((await api.get(`${base}/${file}/lock/`)).body.lock).toMatchObject({ locked: false });
  });
});

describe('another member while the lock is held', () => {
  contract.unverified('a second member of the workspace is refused 409/1660 (lock, writes) until the holder releases', async () => {
    const { api, ws, base } = await storageTenant();
    const member = await c.signedIn();
    await addWorkspaceMember(api, ws.id, member.persona.userId, 'member');
    const file = await uploaded(api, ws.id, 'contract.txt', 'held');
    const dest = (await api.post(`${base}/root/createfolder/`, { name: 'Elsewhere' })).body.node as { id: string };
    const token = (await api.post(`${base}/${file}/lock/`, {})).body.lock_token as string;

    // The member sees the lock (never the token) and is refused every write.
    const seen = await member.api.get(`${base}/${file}/lock/`);
    expect(seen.status, seen.text).toBe(200);
    expect(seen.body.lock).toMatchObject({ locked: true });
    expect(seen.text).not.toContain(token);
    expectApiError(await member.api.post(`${base}/${file}/lock/`, {}), 409, 1660);
    expectApiError(await member.api.post(`${base}/${file}/update/`, { name: 'mine.txt' }), 409, 1660);
    expectApiError(await member.api.post(`${base}/${file}/move/`, { parent: dest.id }), 409, 1660);
    expectApiError(await member.api.delete(`${base}/${file}/delete/`), 409, 1660);
    expectApiError(await member.api.post(`${base}/${file}/lock/heartbeat/`, { lock_token: token.slice(0, -1) }), 400, 1605);
    expectApiError(await member.api.delete(`${base}/${file}/lock/`, { form: { lock_token: 'guess' } }), 400, 1605);
    // Nothing changed.
    const details = (await api.get(`${base}/${file}/details/`)).body.node as { name: string; parent: string; deleted: boolean };
    expect(details).toMatchObject({ name: 'contract.txt', parent: 'root', deleted: false });

    expect((await api.delete(`${base}/${file}/lock/`, { form: { lock_token: token } })).status).toBe(200);
    const renamed = await member.api.post(`${base}/${file}/update/`, { name: 'mine.txt' });
    expect(renamed.status, renamed.text).toBe(200);
    const theirs = await member.api.post(`${base}/${file}/lock/`, {});
    expect(theirs.status, theirs.text).toBe(200);
    expectApiError(await api.post(`${base}/${file}/update/`, { name: 'owner.txt' }), 409, 1660);
  });
});
