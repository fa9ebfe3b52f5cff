/**
 * The dashboard in a real browser: Debian's chromium, driven by playwright-core. The page is served
 * by an emulator started here (the built files in dist/ui/, `npm test` builds them first).
 *
 * Chromium missing is a failure with the way to install it, not a skip: CI (.ci/run) installs it.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromPackageRoot, startEmulator, type RunningEmulator } from '../../emulator/index.js';
import { UNIT_TEST_DIALECT } from '../support/client.js';

const CHROMIUM = '/usr/bin/chromium';
const WS_FORM = { perm_join: 'Member or above', perm_member_manage: 'Member or above' };

let emu: RunningEmulator;
let browser: BrowserContext;
let profile: string;

async function api(method: string, path: string, token?: string, form?: Record<string, string>): Promise<Record<string, unknown>> {
  const res = await fetch(`${emu.url}${path}`, {
    method,
    headers: {
      'x-fastio-emulator-client': '1',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
    },
    ...(form ? { body: new URLSearchParams(form).toString() } : {}),
  });
  const body = (await res.json()) as Record<string, unknown>;
  if (res.status !== 200) throw new Error(`${method} ${path} -> ${res.status} ${JSON.stringify(body)}`);
  return body;
}

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

describe('dashboard in a real browser', () => {
  beforeAll(async () => {
    // Without chromium the test itself fails, with the way to install it (below).
    if (!existsSync(CHROMIUM)) return;
    emu = await startEmulator({ port: 0, apiDialect: UNIT_TEST_DIALECT });
    profile = mkdtempSync(join(tmpdir(), 'emu-chromium-'));
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1400, height: 1000 },
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        // containers often have a small /dev/shm
        '--disable-dev-shm-usage',
      ],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await emu?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it('shows a seeded tenant, then a change made through the API without a reload', async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`${CHROMIUM} is missing: the dashboard test needs Debian's chromium (apt-get install -y chromium; .ci/run installs it)`);
    }
    const stamp = Date.now().toString(36);
    const acme = await seedTenant(`acme-${stamp}`, 'Acme Inc', 'human');
    await seedTenant(`globex-${stamp}`, 'Globex Corporation', 'agent');

    const page: Page = browser.pages()[0] ?? (await browser.newPage());
    page.setDefaultTimeout(15_000);
    const problems: string[] = [];
    const foreign: string[] = [];
    let navigations = 0;
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`);
    });
    page.on('request', (r) => {
      if (!r.url().startsWith(emu.url) && !r.url().startsWith('data:')) foreign.push(r.url());
    });
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
      // Saved whether the test passed or not: on a failure it shows what the page had.
      const out = fromPackageRoot('test-results');
      mkdirSync(out, { recursive: true });
      await page.screenshot({ path: join(out, 'dashboard.png'), fullPage: true });
    }
  }, 60_000);
});
