import { describe, expect, it } from 'vitest';
import { PERIOD_MS } from '../../emulator/billing/ledger.js';
import { GB, GIB } from '../../emulator/storage/storage-credits.js';
import { HOLD_JOBS, inProcessEmulator } from '../support/client.js';

describe('downloads', () => {
  it('requestread hands out a token that opens read/ without a bearer, for that node, until it expires', async () => {
    const emu = await inProcessEmulator(HOLD_JOBS);
    const { user, ws } = await emu.tenant({ intelligence: false });
    const id = await emu.upload(user.token, ws.id, 'Report "Q1".txt', 'quarterly numbers');
    const other = await emu.upload(user.token, ws.id, 'other.txt', 'other');
    const base = `/current/workspace/${ws.id}/storage`;
    const { token, expires } = await emu.ok('GET', `${base}/${id}/requestread/`, { token: user.token });
    expect(typeof token).toBe('string');
    expect(expires).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC$/);
    const read = await emu.download(`${base}/${id}/read/?token=${encodeURIComponent(token as string)}`);
    expect(read.status).toBe(200);
    expect(read.bytes.toString()).toBe('quarterly numbers');
    expect(read.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(read.headers.get('content-disposition')).toBe(`attachment; filename*=UTF-8''${encodeURIComponent('Report "Q1".txt')}`);
    // The token opens only its node, and nothing without it or with a forged one.
    expect((await emu.call('GET', `${base}/${other}/read/?token=${encodeURIComponent(token as string)}`)).status).toBe(401);
    expect((await emu.call('GET', `${base}/${id}/read/?token=${encodeURIComponent(`${token as string}x`)}`)).status).toBe(401);
    expect((await emu.call('GET', `${base}/${id}/read/`)).status).toBe(401);
    // A member removed from the workspace loses the token's access.
    const member = await emu.persona('human');
    await emu.ok('POST', `/current/workspace/${ws.id}/members/${member.id}/`, { token: user.token, form: { permissions: 'member' } });
    const memberToken = (await emu.ok('GET', `${base}/${id}/requestread/`, { token: member.token })).token as string;
    await emu.ok('DELETE', `/current/workspace/${ws.id}/members/${member.id}/`, { token: user.token });
    const gone = await emu.call('GET', `${base}/${id}/read/?token=${encodeURIComponent(memberToken)}`);
    expect([gone.status, gone.body.error?.code]).toEqual([401, 10545]);
    emu.emulator.clock.advance(3601);
    expect((await emu.call('GET', `${base}/${id}/read/?token=${encodeURIComponent(token as string)}`)).status).toBe(401);
  });

  it('charges bandwidth per byte sent (212 per 10^9), not for HEAD, and refuses past the budget with 402/1696', async () => {
    const emu = await inProcessEmulator(HOLD_JOBS);
    const { user, org, ws } = await emu.tenant({ intelligence: false });
    const bytes = new Uint8Array(5000).fill(65);
    const id = await emu.upload(user.token, ws.id, 'a.txt', bytes);
    const path = `/current/workspace/${ws.id}/storage/${id}/read/`;
    expect((await emu.download(path, user.token)).status).toBe(200);
    expect((await emu.download(path, user.token, 'HEAD')).status).toBe(200);
    const rows = emu.ledger(org.id, 'bandwidth');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ units: 5000, objectId: id, userId: user.id, workspaceId: ws.id });
    expect(rows[0]!.credits).toBeCloseTo((5000 / GB) * 212, 12);

    const orgRow = emu.emulator.db.orgs.get(org.id)!;
    emu.emulator.ledger.charge(orgRow, { kind: 'conversions', units: 1, credits: emu.emulator.ledger.remaining(orgRow)! });
    const refused = await emu.call('GET', path, { token: user.token });
    expect([refused.status, refused.body.error?.code]).toEqual([402, 1696]);
    expect(refused.body.error?.text).toMatch(/10000 of 10000 credits/);
    expect(emu.ledger(org.id, 'bandwidth')).toHaveLength(1);
    // Storage and reading details keep working.
    expect((await emu.call('GET', `/current/workspace/${ws.id}/storage/${id}/details/`, { token: user.token })).status).toBe(200);
    expect(await emu.upload(user.token, ws.id, 'b.txt', 'more')).toMatch(/^2/);
  });
});

describe('storage credits', () => {
  it('charges a stored version for the rest of the period, and held bytes once per later period', async () => {
    const emu = await inProcessEmulator(HOLD_JOBS);
    const { user, org, ws } = await emu.tenant({ intelligence: false });
    const orgRow = () => emu.emulator.db.orgs.get(org.id)!;
    const size = 3 * 1024 * 1024;
    const id = await emu.upload(user.token, ws.id, 'big.bin', new Uint8Array(size));
    const { end } = emu.emulator.ledger.period(orgRow());
    const stored = emu.emulator.db.nodes.get(id)!.updated;
    const [first] = emu.ledger(org.id, 'storage');
    expect(first).toMatchObject({ units: size, objectId: id });
    // Within a second of the store time (the charge reads the clock a moment after the node's time).
    expect(first!.credits).toBeCloseTo((size / GIB) * 100 * ((end - stored) / PERIOD_MS), 6);

    // A later period: the bytes held at its start are charged in full, once, at the first storage operation.
    emu.emulator.clock.advance(PERIOD_MS / 1000 + 60);
    await emu.upload(user.token, ws.id, 'small.bin', new Uint8Array(1024));
    await emu.upload(user.token, ws.id, 'small2.bin', new Uint8Array(1024));
    const held = emu.ledger(org.id, 'storage').filter((e) => e.objectId?.startsWith('storage-period:'));
    expect(held).toHaveLength(1);
    expect(held[0]).toMatchObject({ units: size });
    expect(held[0]!.credits).toBeCloseTo((size / GIB) * 100, 9);

    // A restart (state exported and imported) does not charge the same period twice.
    const copy = await inProcessEmulator(HOLD_JOBS);
    copy.emulator.importState(emu.emulator.exportState());
    const before = copy.emulator.db.ledger.size;
    copy.emulator.storage.settleHeldStorage(copy.emulator.db.orgs.get(org.id)!);
    expect(copy.emulator.db.ledger.size).toBe(before);
  });

  it('never refuses storage for credits: past the budget only what is left is charged', async () => {
    const emu = await inProcessEmulator(HOLD_JOBS);
    const { user, org, ws } = await emu.tenant({ intelligence: false });
    const orgRow = emu.emulator.db.orgs.get(org.id)!;
    emu.emulator.ledger.charge(orgRow, { kind: 'conversions', units: 1, credits: 10_000 });
    const id = await emu.upload(user.token, ws.id, 'after.bin', new Uint8Array(4096));
    expect(id).toMatch(/^2/);
    const [row] = emu.ledger(org.id, 'storage');
    expect(row).toMatchObject({ units: 4096, credits: 0 });
    expect(emu.emulator.ledger.used(orgRow)).toBe(10_000);
  });
});
