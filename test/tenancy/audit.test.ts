import { describe, expect, it } from 'vitest';
import { inProcessEmulator, WS_FORM } from '../support/client.js';

/** Every tenancy mutation records one audit event naming who, what, where. */
describe('audit events for tenancy mutations', () => {
  it('records the documented event for each mutation, with caller, org, workspace and object', async () => {
    const emu = await inProcessEmulator();
    const events = () => emu.emulator.db.events.toArray();
    const agent = await emu.persona('agent');
    const human = await emu.persona('human');
    const helper = await emu.persona('human');

    const step = async (method: string, path: string, token: string, form: Record<string, string> | undefined, expected: string) => {
      const before = events().length;
      const r = await emu.call(method, path, { token, form });
      expect(r.status, r.text).toBe(200);
      const added = events().slice(before);
      expect(added.map((e) => e.event)).toEqual([expected]);
      return { body: r.body, event: added[0]! };
    };

    const { body: created, event: orgCreated } = await step(
      'POST',
      '/current/org/create/',
      agent.token,
      { domain: 'audited', name: 'Audited Org' },
      'org_created',
    );
    const org = created.org as { id: string };
    expect(orgCreated).toMatchObject({ category: 'org', subcategory: 'lifecycle', orgId: org.id, callingUserId: agent.id, objectId: org.id });
    await step('POST', `/current/org/${org.id}/update/`, agent.token, { name: 'Audited Org 2' }, 'org_updated');
    const { event: added } = await step('POST', `/current/org/${org.id}/members/${helper.id}/`, agent.token, { permissions: 'member' }, 'added_member_to_org');
    expect(added).toMatchObject({ userId: helper.id, subcategory: 'members' });
    await step('POST', `/current/org/${org.id}/member/${helper.id}/update/`, agent.token, { permissions: 'admin' }, 'membership_updated');
    const { body: wsBody, event: wsEvent } = await step(
      'POST',
      `/current/org/${org.id}/create/workspace/`,
      agent.token,
      { ...WS_FORM, folder_name: 'aud-ws', name: 'Audited' },
      'workspace_created',
    );
    const ws = wsBody.workspace as { id: string };
    expect(wsEvent).toMatchObject({ workspaceId: ws.id, orgId: org.id, category: 'workspace' });
    await step('POST', `/current/workspace/${ws.id}/update/`, agent.token, { name: 'Audited 2' }, 'workspace_updated');
    await step('POST', `/current/workspace/${ws.id}/members/${human.id}/`, agent.token, { permissions: 'guest' }, 'added_member_to_workspace');
    await step('DELETE', `/current/workspace/${ws.id}/members/${human.id}/`, agent.token, undefined, 'removed_member_from_workspace');
    await step('POST', `/current/workspace/${ws.id}/archive/`, agent.token, undefined, 'workspace_archived');
    await step('POST', `/current/workspace/${ws.id}/unarchive/`, agent.token, undefined, 'workspace_unarchived');
    const { body: tok } = await step('POST', `/current/org/${org.id}/transfer/token/create/`, agent.token, undefined, 'org_transfer_token_created');
    const { event: done } = await step('POST', '/current/org/transfer/claim/', human.token, { token: tok.token as string }, 'org_transfer_completed');
    expect(done).toMatchObject({ orgId: org.id, userId: human.id, data: { previous_owner: agent.id, plan: 'free' } });
    await step('DELETE', `/current/org/${org.id}/members/${helper.id}/`, human.token, undefined, 'removed_member_from_org');
    await step('DELETE', `/current/workspace/${ws.id}/delete/?confirm=aud-ws`, human.token, undefined, 'workspace_deleted');
    await step('POST', `/current/org/${org.id}/close/`, human.token, { confirm: org.id }, 'org_closed');

    // A refused request records nothing.
    const before = events().length;
    expect((await emu.call('POST', `/current/org/${org.id}/update/`, { token: helper.token, form: { name: 'Nope' } })).status).toBe(404);
    expect(events().length).toBe(before);
  });
});
