/**
 * The V2 plan catalog and the subscription gate as data: the gate follows the catalog's
 * upgrade-only plan, whatever the dialect; the April file stays valid and ungated.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DIALECT_PLAN_FILES, PlanCatalog, defaultPlansFile } from '../../emulator/billing/plans.js';
import { expectApiError } from '../../contracts/expect.js';
import { inProcessEmulator, WS_FORM } from '../support/client.js';

describe('plan catalogs', () => {
  it('each dialect names its file; V2 lists Solo, Business, Growth in cents and starts new and claimed orgs on the upgrade-only none', () => {
    expect(DIALECT_PLAN_FILES).toEqual({ '2026-04': 'plans.json', v2: 'plans-v2.json' });
    const v2 = PlanCatalog.load(defaultPlansFile('v2'));
    expect(v2.offered().map((p) => [p.id, p.name, p.amount, p.interval])).toEqual([
      ['solo_monthly', 'Solo', 2900, 'month'],
      ['business_v2_monthly', 'Business', 9900, 'month'],
      ['growth_monthly', 'Growth', 29900, 'month'],
    ]);
    expect(v2.defaults).toEqual({ new_org: { agent: 'none', human: 'none' }, claimed_org: 'none', ended_subscription: 'none' });
    expect(v2.isUpgradeOnly('none')).toBe(true);
    expect(v2.choices.length).toBeGreaterThan(0);
    const april = PlanCatalog.load(defaultPlansFile('2026-04'));
    expect(april.plans.some((p) => p.upgrade_only || p.amount !== null)).toBe(false);
    expect(april.defaults).toMatchObject({ new_org: { agent: 'agent', human: 'free' }, claimed_org: 'free' });
  });

  it('refuses defaults that name a plan the file does not list', () => {
    const dir = mkdtempSync(join(tmpdir(), 'plans-'));
    const file = join(dir, 'bad.json');
    const row = {
      id: 'p',
      name: 'P',
      account_types: ['human'],
      credits_per_period: null,
      storage_bytes: null,
      max_file_bytes: null,
      workspaces: null,
      members_per_workspace: null,
      features: [],
    };
    writeFileSync(file, JSON.stringify({ defaults: { new_org: { agent: 'p', human: 'p' }, claimed_org: 'gone' }, plans: [row] }));
    expect(() => PlanCatalog.load(file)).toThrow(/claimed_org names plan gone/);
  });

  it('the gate is the catalog: an upgrade-only default plan gates the April dialect too, and a plan choice opens it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plans-'));
    const file = join(dir, 'gated.json');
    const base = { account_types: ['agent', 'human'], storage_bytes: null, max_file_bytes: null, workspaces: null, members_per_workspace: null, features: [] };
    writeFileSync(
      file,
      JSON.stringify({
        defaults: { new_org: { agent: 'locked', human: 'locked' }, claimed_org: 'locked' },
        plans: [
          { ...base, id: 'locked', name: 'Locked', credits_per_period: 0, offered: false, upgrade_only: true },
          { ...base, id: 'open', name: 'Open', credits_per_period: null },
        ],
      }),
    );
    const emu = await inProcessEmulator({ apiDialect: '2026-04', plansFile: file });
    const user = await emu.persona('human');
    const org = (await emu.ok('POST', '/current/org/create/', { token: user.token, form: { domain: 'gated-org' } })).org as { id: string; plan: string };
    expect(org.plan).toBe('locked');
    const ws = { token: user.token, form: { ...WS_FORM, folder_name: 'gated-ws', name: 'Gated' } };
    expectApiError(await emu.call('POST', `/current/org/${org.id}/create/workspace/`, ws), 402, 1688);
    expect((await emu.ok('GET', '/current/org/billing/plan/list/', { token: user.token })).plans).toMatchObject([{ id: 'open' }]);
    await emu.ok('POST', `/current/org/${org.id}/billing/`, { token: user.token, form: { billing_plan: 'open' } });
    expect((await emu.call('POST', `/current/org/${org.id}/create/workspace/`, ws)).status).toBe(200);
  });

  it('v2 tenant(): subscribed by default, upgrade-only with plan none', async () => {
    const emu = await inProcessEmulator({ apiDialect: 'v2' });
    const paid = await emu.tenant();
    expect(emu.emulator.db.orgs.get(paid.org.id)!.plan).toBe('growth_monthly');
    const unpaid = await emu.tenant({ plan: 'none' });
    expect(unpaid.ws.id).toBe('');
    expectApiError(
      await emu.call('POST', `/current/org/${unpaid.org.id}/members/${paid.user.id}/`, { token: unpaid.user.token, form: { permissions: 'member' } }),
      402,
      1688,
    );
  });
});
