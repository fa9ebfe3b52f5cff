/**
 * `GET /{org|workspace|share}/{id}/members/invitations/list/{state}/`, both dialects: the inviter's
 * list of invitations in one state (official client src/api/invitation.rs and org.rs
 * list_invitations, `--state`, at 96b1551 and 41dde01); the same entries and permission as the
 * unfiltered list, and nothing for another tenant.
 */
import { describe, expect } from 'vitest';
import type { ApiClient } from '../client.js';
import { contract, setupContract } from '../harness.js';
import { expectApiError } from '../expect.js';
import { createShare, ownerWithWorkspace } from '../tenants.js';

const c = setupContract(import.meta.url);

interface Entry {
  email_address: string;
  state: string;
  invite: { id: string };
}

async function invite(api: ApiClient, path: string, email: string, permissions = 'member'): Promise<string> {
  const res = await api.post(`${path}/members/${encodeURIComponent(email)}/`, { permissions });
  expect(res.status, res.text).toBe(200);
  return (res.body.member as Entry).invite.id;
}

async function byState(api: ApiClient, path: string, state: string): Promise<Entry[]> {
  const res = await api.get(`${path}/members/invitations/list/${state}/`);
  expect(res.status, res.text).toBe(200);
  return res.body.invitations as Entry[];
}

describe('invitations by state', () => {
  for (const type of ['org', 'workspace', 'share'] as const) {
    contract.unverified(`a ${type}'s pending and declined invitations are listed apart; accepted is empty; an unknown state is 400/1605`, async () => {
      const owner = await ownerWithWorkspace(c);
      const id = type === 'org' ? owner.org.id : type === 'workspace' ? owner.ws.id : (await createShare(owner.api, owner.ws.id)).id;
      const path = `/current/${type}/${id}`;
      const decliner = await c.signedIn();
      const waiting = `${c.unique('waiting')}@example.test`;
      const perm = type === 'share' ? 'view' : 'member';
      await invite(owner.api, path, waiting, perm);
      const declinedId = await invite(owner.api, path, decliner.persona.email, perm);
      const answer = await decliner.api.post(`${path}/members/invitation/${declinedId}/`, { state: 'declined' });
      expect(answer.status, answer.text).toBe(200);

      expect((await byState(owner.api, path, 'pending')).map((e) => e.email_address)).toEqual([waiting]);
      expect((await byState(owner.api, path, 'declined')).map((e) => [e.email_address, e.state])).toEqual([[decliner.persona.email, 'declined']]);
      expect(await byState(owner.api, path, 'expired')).toEqual([]);
      expect(await byState(owner.api, path, 'accepted')).toEqual([]);
      const page = await owner.api.get(`${path}/members/invitations/list/pending/`, { query: { limit: '1', offset: '0' } });
      expect(page.body.pagination).toMatchObject({ total: 1, limit: 1, offset: 0 });
      expectApiError(await owner.api.get(`${path}/members/invitations/list/lost/`), 400, 1605);
      // The union of the states is the unfiltered list.
      const all = await owner.api.get(`${path}/members/invitations/list/`);
      expect((all.body.invitations as Entry[]).map((e) => e.invite.id).sort()).toHaveLength(2);
    });
  }

  contract.unverified("another tenant is refused each entity's list by state as the unfiltered list refuses it, and learns none of its addresses", async () => {
    const a = await ownerWithWorkspace(c);
    const b = await ownerWithWorkspace(c);
    const share = await createShare(a.api, a.ws.id);
    const secret = `${c.unique('secret')}@example.test`;
    for (const [type, id, perm] of [
      ['org', a.org.id, 'member'],
      ['workspace', a.ws.id, 'member'],
      ['share', share.id, 'view'],
    ] as const) {
      await invite(a.api, `/current/${type}/${id}`, secret, perm);
      const res = await b.api.get(`/current/${type}/${id}/members/invitations/list/pending/`);
      const unfiltered = await b.api.get(`/current/${type}/${id}/members/invitations/list/`);
      // The org and the share answer 404/1609; the workspace 401/10545 (not a member), as the unfiltered list.
      expect([res.status, res.body.error?.code], `${type}: ${res.text}`).toEqual([unfiltered.status, unfiltered.body.error?.code]);
      expect([404, 401]).toContain(res.status);
      expect(res.text).not.toContain(secret);
      expect((await byState(a.api, `/current/${type}/${id}`, 'pending')).map((e) => e.email_address)).toEqual([secret]);
    }
  });
});
