import { describe, expect, it } from 'vitest';
import { ApiError } from '../../emulator/http/errors.js';
import type { Caller } from '../../emulator/http/context.js';
import { ORG_ACTIONS, ORG_TABLE, WORKSPACE_ACTIONS, WORKSPACE_TABLE } from '../../emulator/tenancy/permissions.js';
import { inProcessEmulator, WS_FORM } from '../support/client.js';

/**
 * Walks every cell of the permission table through the real access path (users holding each role
 * in a real org and workspace). The expectations are written out here, independently of the
 * table's representation: Y = allowed, N = refused with 403/1680.
 */
const ORG_EXPECTED: Record<string, string | Record<string, string>> = {
  // owner admin member external
  'org.details': 'YYYN',
  'org.update': 'YYNN',
  'org.close': 'YNNN',
  'org.leave': 'NYYN',
  'org.members.list': 'YYYN',
  'org.members.manage': { 'Member or above': 'YYYN', 'Admin or above': 'YYNN', 'Owner only': 'YNNN' },
  'org.members.transfer': 'YNNN',
  'org.workspaces.list': 'YYYN',
  'org.workspaces.create': 'YYNN',
  'org.billing.view': 'YYNN',
  'org.billing.manage': 'YYNN',
  'org.transfer.manage': 'YNNN',
  'org.events.view': 'YYNN',
};

const WORKSPACE_EXPECTED: Record<string, string | Record<string, string>> = {
  // owner admin member guest
  'workspace.details': 'YYYY',
  'workspace.update': 'YYNN',
  'workspace.archive': 'YYNN',
  'workspace.delete': 'YNNN',
  'workspace.leave': 'NYYY',
  'workspace.members.list': 'YYYY',
  'workspace.members.manage': { 'Member or above': 'YYYN', 'Admin or above': 'YYNN' },
  'workspace.members.transfer': 'YNNN',
  'workspace.storage.read': 'YYYY',
  'workspace.storage.write': 'YYYN',
  'workspace.ai.read': 'YYYY',
  'workspace.ai.chat': 'YYYN',
  'workspace.events.view': 'YYYY',
};

function outcome(fn: () => unknown): string {
  try {
    fn();
    return 'Y';
  } catch (e) {
    if (e instanceof ApiError && e.status === 403 && e.code === 1680) return 'N';
    if (e instanceof ApiError) return `${e.status}/${e.code}`;
    throw e;
  }
}

describe('permission table', async () => {
  const emu = await inProcessEmulator();
  const access = emu.emulator.access;
  const caller = (id: string): Caller => ({ user: emu.emulator.db.users.get(id)!, credential: { kind: 'api_key', keyId: 'x' } });

  const owner = await emu.persona();
  const admin = await emu.persona();
  const member = await emu.persona();
  const external = await emu.persona();
  const stranger = await emu.persona();
  const wsAdmin = await emu.persona();
  const wsMember = await emu.persona();
  const wsGuest = await emu.persona();
  const org = (await emu.ok('POST', '/current/org/create/', { token: owner.token, form: { domain: 'perm-org', name: 'Permissions' } })).org as { id: string };
  await emu.ok('POST', `/current/org/${org.id}/members/${admin.id}/`, { token: owner.token, form: { permissions: 'admin' } });
  await emu.ok('POST', `/current/org/${org.id}/members/${member.id}/`, { token: owner.token, form: { permissions: 'member' } });
  const ws = (
    await emu.ok('POST', `/current/org/${org.id}/create/workspace/`, { token: owner.token, form: { ...WS_FORM, folder_name: 'perm-ws', name: 'Perm' } })
  ).workspace as { id: string };
  await emu.ok('POST', `/current/workspace/${ws.id}/members/${external.id}/`, { token: owner.token, form: { permissions: 'guest' } });
  for (const [u, role] of [
    [wsAdmin, 'admin'],
    [wsMember, 'member'],
    [wsGuest, 'guest'],
  ] as const) {
    await emu.ok('POST', `/current/workspace/${ws.id}/members/${u.id}/`, { token: owner.token, form: { permissions: role } });
  }

  function setOrgSetting(value: string) {
    emu.emulator.db.orgs.update(org.id, { permMemberManage: value });
  }
  function setWorkspace(patch: { permMemberManage?: string; permJoin?: string }) {
    emu.emulator.db.workspaces.update(ws.id, patch);
  }

  it('has an expectation for every action, and the table covers every action', () => {
    expect(Object.keys(ORG_EXPECTED).sort()).toEqual([...ORG_ACTIONS].sort());
    expect(Object.keys(ORG_TABLE).sort()).toEqual([...ORG_ACTIONS].sort());
    expect(Object.keys(WORKSPACE_EXPECTED).sort()).toEqual([...WORKSPACE_ACTIONS].sort());
    expect(Object.keys(WORKSPACE_TABLE).sort()).toEqual([...WORKSPACE_ACTIONS].sort());
  });

  for (const action of ORG_ACTIONS) {
    const exp = ORG_EXPECTED[action]!;
    const settings = typeof exp === 'string' ? { 'Member or above': exp } : exp;
    for (const [setting, row] of Object.entries(settings)) {
      it(`${action} with perm_member_manage=${setting}: ${row}`, () => {
        setOrgSetting(setting);
        const got = [owner, admin, member, external].map((u) => outcome(() => access.org(caller(u.id), org.id, action))).join('');
        expect(got).toBe(row);
        // No relation at all: as if the org did not exist.
        expect(outcome(() => access.org(caller(stranger.id), org.id, action))).toBe('404/1609');
      });
    }
  }

  for (const action of WORKSPACE_ACTIONS) {
    const exp = WORKSPACE_EXPECTED[action]!;
    const settings = typeof exp === 'string' ? { 'Member or above': exp } : exp;
    for (const [setting, row] of Object.entries(settings)) {
      it(`${action} with perm_member_manage=${setting}: ${row}`, () => {
        setWorkspace({ permMemberManage: setting });
        // Explicit roles: the creator (owner), and admin/member/guest rows.
        const explicit = [owner, wsAdmin, wsMember, wsGuest].map((u) => outcome(() => access.workspace(caller(u.id), ws.id, action))).join('');
        expect(explicit).toBe(row);
        // Roles carried from the org: org admin acts as workspace admin without joining.
        expect(outcome(() => access.workspace(caller(admin.id), ws.id, action))).toBe(row[1]);
        // Org members who have not joined, and strangers: not a member of this workspace.
        expect(outcome(() => access.workspace(caller(member.id), ws.id, action))).toBe('401/10545');
        expect(outcome(() => access.workspace(caller(stranger.id), ws.id, action))).toBe('401/10545');
      });
    }
  }

  const JOIN_EXPECTED: Record<string, string> = {
    // org owner, admin, member; a stranger is always 401/10545
    'Member or above': 'YYY',
    'Admin or above': 'YYN',
    'Only Org Owners': 'YNN',
  };
  for (const [permJoin, row] of Object.entries(JOIN_EXPECTED)) {
    it(`workspace.join with perm_join=${permJoin}: ${row}`, () => {
      setWorkspace({ permJoin });
      const got = [owner, admin, member]
        .map((u) => outcome(() => access.authorize(caller(u.id), { workspace: 'w', action: 'workspace.join' }, { w: ws.id })))
        .join('');
      expect(got).toBe(row);
      expect(outcome(() => access.authorize(caller(stranger.id), { workspace: 'w', action: 'workspace.join' }, { w: ws.id }))).toBe('401/10545');
    });
  }
});
