import { describe, expect, it } from 'vitest';
import type { Overview } from '../../emulator/control/overview-types.js';
import type { StorageNode } from '../../emulator/store/model.js';
import { buildOverview, waitForOverviewChange } from '../../emulator/control/overview.js';
import { inProcessEmulator, WS_FORM } from '../support/client.js';

describe('dashboard overview', () => {
  it('shows tenants with workspaces, members, credits, events and requests', async () => {
    const emu = await inProcessEmulator();
    const t = await emu.tenant({ label: 'ovw' });
    const other = await emu.ok('POST', '/_emulator/users/', { form: { account_type: 'human', first_name: 'Dana', last_name: 'Scully' } });
    await emu.ok('POST', `/current/org/${t.org.id}/members/${other.email_address as string}/`, { token: t.user.token, form: { permissions: 'admin' } });
    // An address is invited, not added: its owner accepts (members/invitations.ts), here without a request of its own.
    emu.emulator.members.invitations.acceptAll(emu.emulator.db.users.get(other.user_id as string)!);
    const doc = (await emu.ok('GET', '/_emulator/overview')) as unknown as Overview;
    expect(doc.totals).toMatchObject({ orgs: 1, workspaces: 1, users: 2 });
    const org = doc.orgs[0]!;
    expect(org).toMatchObject({ id: t.org.id, domain: t.org.domain, transfer_pending: false });
    expect(org.credits.used).toBe(0);
    expect(org.credits.limit === null || org.credits.limit > 0).toBe(true);
    expect(org.members.map((m) => [m.user_id, m.role]).sort()).toEqual(
      [
        [t.user.id, 'owner'],
        [other.user_id, 'admin'],
      ].sort(),
    );
    expect(org.members.find((m) => m.user_id === other.user_id)).toMatchObject({ name: 'Dana Scully', email: other.email_address, account_type: 'human' });
    expect(org.workspaces).toEqual([expect.objectContaining({ id: t.ws.id, files_total: 0, files: [], intelligence: false })]);
    expect(doc.events.map((e) => e.event)).toContain('workspace_created');
    expect(doc.requests[0]).toMatchObject({
      method: 'POST',
      path: `/current/org/${t.org.id}/members/${other.email_address as string}/`,
      status: 200,
      org_id: t.org.id,
    });
    expect(doc.requests.some((r) => r.path.startsWith('/_emulator'))).toBe(false);
  });

  it('reads files and ledger entries from the tables, and filters orgs', async () => {
    const emu = await inProcessEmulator();
    const a = await emu.tenant({ label: 'alpha' });
    await emu.tenant({ label: 'beta' });
    const org = emu.emulator.db.orgs.get(a.org.id)!;
    emu.emulator.ledger.charge(org, { kind: 'ingestion', units: 3, credits: 30 });
    const now = emu.emulator.clock.now();
    // A row as an older or hand-made state file might hold it (the storage area owns the full
    // shape): the overview reads the fields it shows and nothing else.
    emu.emulator.db.nodes.insert({
      id: '2aaaaaaaaaaaaaaaaaaaaaaaaaaaa',
      workspaceId: a.ws.id!,
      orgId: a.org.id,
      parentId: 'root',
      type: 'file',
      name: 'contract.pdf',
      size: 2048,
      mimetype: 'application/pdf',
      versionId: null,
      blobId: null,
      ai: { state: 'in_progress', reason: null, pages: null, updated: now },
      createdBy: a.user.id,
      created: now,
      updated: now,
      trashed: null,
    } as StorageNode);
    const doc = buildOverview(emu.emulator, emu.journal, { q: 'alpha' });
    expect(doc.orgs_total).toBe(1);
    const shown = doc.orgs[0]!;
    expect(shown.credits).toMatchObject({ used: 30, by_kind: { ingestion: 30 } });
    const ws = shown.workspaces[0]!;
    expect(ws).toMatchObject({ files_total: 1, ai_states: { in_progress: 1 } });
    expect(ws.files[0]).toMatchObject({ name: 'contract.pdf', ai: { state: 'in_progress' } });
    expect(doc.totals.files).toBe(1);
    expect(ws.shares).toEqual([]);
  });

  it("lists a workspace's live shares with their reach and members, and no other workspace's", async () => {
    const emu = await inProcessEmulator();
    const a = await emu.tenant({ label: 'alpha' });
    const b = await emu.tenant({ label: 'beta' });
    const create = (t: typeof a, form: Record<string, string>) => emu.ok('POST', `/current/workspace/${t.ws.id}/create/share/`, { token: t.user.token, form });
    const open = (await create(a, { title: 'Client deliverables', share_type: 'send', access_options: 'Anyone with the link' })).share as { id: string };
    const gone = (await create(a, { title: 'Old room' })).share as { id: string; custom_name: string };
    await create(b, { title: 'Beta room' });
    await emu.ok('DELETE', `/current/share/${gone.id}/delete/`, { token: a.user.token, form: { confirm: gone.id } });
    const doc = buildOverview(emu.emulator, emu.journal, {});
    const wsA = doc.orgs.find((o) => o.id === a.org.id)!.workspaces[0]!;
    expect(wsA.shares).toEqual([
      expect.objectContaining({
        id: open.id,
        title: 'Client deliverables',
        share_type: 'send',
        access_options: 'Anyone with the link',
        archived: false,
        members: 1,
      }),
    ]);
    expect(doc.orgs.find((o) => o.id === b.org.id)!.workspaces[0]!.shares.map((s) => s.title)).toEqual(['Beta room']);
  });

  it('long-polls: answers as soon as what it shows changes, and at once for an old hash', async () => {
    const emu = await inProcessEmulator();
    const t = await emu.tenant({ label: 'poll' });
    const build = () => buildOverview(emu.emulator, emu.journal);
    const first = build();
    expect(build().hash).toBe(first.hash);
    const stale = await waitForOverviewChange(build, emu.journal, 'an-old-hash', 60_000, new AbortController().signal);
    expect(stale.hash).toBe(first.hash);

    const waiting = waitForOverviewChange(build, emu.journal, first.hash, 60_000, new AbortController().signal);
    await emu.ok('POST', `/current/org/${t.org.id}/create/workspace/`, {
      token: t.user.token,
      form: { ...WS_FORM, folder_name: 'second', name: 'Second one' },
    });
    const changed = await waiting;
    expect(changed.hash).not.toBe(first.hash);
    expect(changed.orgs[0]!.workspaces.map((w) => w.name)).toContain('Second one');
  });

  it('long-polls: reading the dashboard changes nothing it shows; moving the clock does', async () => {
    const emu = await inProcessEmulator();
    const build = () => buildOverview(emu.emulator, emu.journal);
    const first = build();
    const controller = new AbortController();
    let settled = false;
    const waiting = waitForOverviewChange(build, emu.journal, first.hash, 60_000, controller.signal).then((d) => {
      settled = true;
      return d;
    });
    await emu.ok('GET', '/_emulator/overview');
    await emu.ok('GET', '/_emulator/requests');
    expect(settled).toBe(false);
    await emu.ok('POST', '/_emulator/clock/advance', { form: { seconds: '3600' } });
    const moved = await waiting;
    expect(moved.clock.offset_ms).toBeGreaterThanOrEqual(3_600_000);
    expect(moved.hash).not.toBe(first.hash);
  });

  it('long-polls: a client going away ends the wait', async () => {
    const emu = await inProcessEmulator();
    const build = () => buildOverview(emu.emulator, emu.journal);
    const first = build();
    const controller = new AbortController();
    const waiting = waitForOverviewChange(build, emu.journal, first.hash, 60_000, controller.signal);
    controller.abort();
    expect((await waiting).hash).toBe(first.hash);
  });

  it('the route answers at once without `wait`, and validates its query', async () => {
    const emu = await inProcessEmulator();
    const first = await emu.ok('GET', '/_emulator/overview');
    const again = await emu.ok('GET', `/_emulator/overview?after=${first.hash as string}`);
    expect(again.hash).toBe(first.hash);
    expect((await emu.call('GET', '/_emulator/overview?wait=600')).status).toBe(400);
  });
});
