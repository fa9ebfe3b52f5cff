/**
 * The dashboard in a real browser: Debian's chromium, driven by playwright-core. The page is served
 * by an emulator started here (the built files in dist/ui/, `npm test` builds them first).
 * Without chromium: required in CI, skipped loudly elsewhere (browser.ts).
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../emulator/index.js';
import { UNIT_TEST_DIALECT, WS_FORM } from '../support/client.js';
import { apiClient, haveChromium, launch, screenshot, watch, type Browser } from './browser.js';

const available = haveChromium();

let emu: RunningEmulator;
let browser: Browser;
let api: ReturnType<typeof apiClient>;

/** A tenant: an owner, an org, a workspace, a second member. */
async function seedTenant(domain: string, name: string, accountType: 'agent' | 'human') {
  const owner = await api('POST', '/_emulator/users/', undefined, { account_type: accountType, first_name: name.split(' ')[0]!, last_name: 'Owner' });
  const token = owner.api_key as string;
  const org = (await api('POST', '/current/org/create/', token, { domain, name })).org as { id: string };
  await api('POST', `/current/org/${org.id}/create/workspace/`, token, { ...WS_FORM, folder_name: 'contracts', name: 'Contracts' });
  const colleague = await api('POST', '/_emulator/users/', undefined, { account_type: 'human', first_name: 'Dana', last_name: name.split(' ')[0]! });
  await api('POST', `/current/org/${org.id}/members/${colleague.email_address as string}/`, token, { permissions: 'admin' });
  return { token, orgId: org.id };
}

describe.skipIf(!available)('dashboard in a real browser', () => {
  beforeAll(async () => {
    // The unit tests' dialect: the seeded orgs spend without buying a V2 plan first.
    emu = await startEmulator({ port: 0, apiDialect: UNIT_TEST_DIALECT });
    api = apiClient(emu.url);
    browser = await launch();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await emu?.close();
  });

  it('shows a seeded tenant, then a change made through the API without a reload', async () => {
    const stamp = Date.now().toString(36);
    const acme = await seedTenant(`acme-${stamp}`, 'Acme Inc', 'human');
    await seedTenant(`globex-${stamp}`, 'Globex Corporation', 'agent');

    const page: Page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.setDefaultTimeout(15_000);
    const { problems, foreign } = watch(page, emu.url);
    let navigations = 0;
    page.on('framenavigated', (f) => {
      if (f === page.mainFrame()) navigations++;
    });

    try {
      await page.goto(`${emu.url}/_emulator/ui`);
      const acmeCard = page.locator(`[data-testid=org][data-domain="acme-${stamp}"]`);
      await acmeCard.waitFor();
      await expect(acmeCard.locator('h3').textContent()).resolves.toBe('Acme Inc');
      await page.locator(`[data-testid=org][data-domain="globex-${stamp}"]`).waitFor();
      await expect(acmeCard.locator('[data-testid=workspace]').count()).resolves.toBe(1);
      await expect(acmeCard.locator('[data-testid=credit-gauge]').getAttribute('data-used')).resolves.toBe('0');
      await expect(acmeCard.locator('ul[aria-label="organization members"] [data-testid=member]').count()).resolves.toBe(2);
      await page.locator('[data-testid=connection].live').waitFor();
      expect(navigations).toBe(1);

      // A change through the API: the new workspace appears on the same page (no reload).
      const created = (
        await api('POST', `/current/org/${acme.orgId}/create/workspace/`, acme.token, { ...WS_FORM, folder_name: 'research', name: 'Research Lab' })
      ).workspace as { id: string };
      await acmeCard.locator(`[data-testid=workspace][data-workspace-id="${created.id}"]`).waitFor();
      await expect(acmeCard.locator(`[data-workspace-id="${created.id}"] .ws-name`).textContent()).resolves.toBe('Research Lab');
      // A share of it appears under it, with its reach.
      const share = (
        await api('POST', `/current/workspace/${created.id}/create/share/`, acme.token, {
          title: 'Client deliverables',
          share_type: 'send',
          access_options: 'Anyone with the link',
        })
      ).share as { id: string };
      const shareRow = acmeCard.locator(`[data-workspace-id="${created.id}"] [data-testid=share][data-share-id="${share.id}"]`);
      await shareRow.waitFor();
      await expect(shareRow.textContent()).resolves.toContain('link');
      // The event stream and the request journal saw it too.
      await page.locator('[data-testid=event]', { hasText: 'workspace_created' }).first().waitFor();
      await page.locator('[data-testid=request]', { hasText: 'POST' }).first().waitFor();
      // So does the clock, when the control plane moves it.
      await api('POST', '/_emulator/clock/advance', undefined, { seconds: String(3 * 86400) });
      await page.locator('[data-testid=clock] .clock-offset', { hasText: '+3d' }).waitFor();

      expect(navigations).toBe(1);
      expect(problems).toEqual([]);
      expect(foreign).toEqual([]);
    } finally {
      await screenshot(page, 'dashboard');
    }
  }, 60_000);
});
