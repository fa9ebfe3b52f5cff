/**
 * The dashboard's actions, each driven through the page in chromium and checked against the
 * emulator itself: make a persona (its logins copied and usable), move the clock, add and remove
 * fault rules (and see one refused), open the JSON of a request and of an event, the credit
 * percentage that never rounds a gap away, a 400 px window, reset. Then the same page against an
 * emulator with a control token, which it passes from `#token=`. Every request the page makes goes
 * through the control guard (Host, Origin, x-fastio-emulator-client).
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

async function openPage(url: string): Promise<{ page: Page; problems: string[]; foreign: string[] }> {
  const page = await browser.context.newPage();
  page.setDefaultTimeout(15_000);
  const watched = watch(page, new URL(url).origin);
  await page.goto(url);
  await page.locator('[data-testid=connection].live').waitFor();
  return { page, ...watched };
}

const offsetText = (page: Page) => page.locator('[data-testid=clock] .clock-offset').textContent();

describe.skipIf(!available)('dashboard actions in a real browser', () => {
  beforeAll(async () => {
    // The unit tests' dialect: the seeded orgs spend without buying a V2 plan first.
    emu = await startEmulator({ port: 0, apiDialect: UNIT_TEST_DIALECT });
    api = apiClient(emu.url);
    browser = await launch();
    await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: emu.url });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await emu?.close();
  });

  it('makes a persona, moves the clock, adds and removes faults, shows JSON, fits 400 px, resets', async () => {
    // An agent-plan org (5,000 credits) with 4,981 used: 99.62 %, which must not show as 100 %.
    const owner = await api('POST', '/_emulator/users/', undefined, { account_type: 'agent' });
    const token = owner.api_key as string;
    const org = (await api('POST', '/current/org/create/', token, { domain: `gap-${Date.now().toString(36)}`, name: 'Almost Full Ltd' })).org as { id: string };
    await api('POST', `/current/org/${org.id}/create/workspace/`, token, { ...WS_FORM, folder_name: 'reports', name: 'Quarterly reports with a long name' });
    await api('POST', '/_emulator/ledger/charge', undefined, { org_id: org.id, kind: 'ai_tokens', credits: '4981' });

    const { page, problems, foreign } = await openPage(`${emu.url}/_emulator/ui`);
    try {
      const card = page.locator(`[data-testid=org][data-org-id="${org.id}"]`);
      await card.locator('[data-testid=credit-gauge][data-used="4981"]').waitFor();
      await expect(card.locator('.gauge-pct').textContent()).resolves.toBe(' · 99%');

      // Make a persona: its logins are shown, copy puts them on the clipboard, and they work.
      await page.locator('[data-testid=persona-type]').selectOption('human');
      await page.locator('[data-testid=make-persona]').click();
      const made = page.locator('[data-testid=persona-result]');
      await made.waitFor();
      const apiKey = (await made.locator('[data-field=api_key] .value').textContent())!;
      const email = (await made.locator('[data-field=email] .value').textContent())!;
      expect(email).toMatch(/@/);
      await made.locator('[data-testid=copy-api_key]').click();
      await made.locator('[data-testid=copy-api_key]', { hasText: 'copied' }).waitFor();
      await expect(page.evaluate('navigator.clipboard.readText()')).resolves.toBe(apiKey);
      const me = (await api('GET', '/current/user/details/', apiKey)).user as { email_address: string; account_type?: string };
      expect(me.email_address).toBe(email);

      // The clock: a preset step, then a custom number of seconds.
      await page.locator('[data-testid=clock-advance-86400]').click();
      await page.locator('[data-testid=clock] .clock-offset', { hasText: '+1d ahead' }).waitFor();
      await page.locator('[data-testid=clock-seconds]').fill('3600');
      await page.locator('[data-testid=clock-advance]').click();
      await page.locator('[data-testid=clock] .clock-offset', { hasText: '+1d 1h ahead' }).waitFor();
      const clock = await api('GET', '/_emulator/clock');
      expect(clock, JSON.stringify(clock)).toMatchObject({ offset_ms: expect.closeTo(90_000_000, -4) as unknown });

      // A fault rule the control plane refuses: its error is shown, nothing is added.
      await page.locator('[data-testid=fault-status]').fill('');
      await page.locator('[data-testid=fault-add]').click();
      await page.locator('.fault-form [data-testid=action-error]', { hasText: '400' }).waitFor();
      await expect(page.locator('[data-testid=fault]').count()).resolves.toBe(0);

      // A fault rule for one request: added from the form, it answers 503 once.
      await page.locator('[data-testid=fault-method]').selectOption('GET');
      await page.locator('[data-testid=fault-path]').fill('/current/user/details/');
      await page.locator('[data-testid=fault-status]').fill('503');
      await page.locator('[data-testid=fault-times]').fill('1');
      await page.locator('[data-testid=fault-add]').click();
      const rule = page.locator('[data-testid=fault]');
      await rule.waitFor();
      await expect(rule.locator('code').textContent()).resolves.toBe('GET /current/user/details/');
      const faulted = await fetch(`${emu.url}/current/user/details/`, { headers: { authorization: `Bearer ${apiKey}` } });
      expect(faulted.status).toBe(503);
      await rule.locator('.hits', { hasText: '1/1 hits' }).waitFor();

      // The faulted request's JSON, completed from the journal (its request id, its fault).
      const row = page.locator('[data-testid=request]', { has: page.locator('.status.s5') }).first();
      await row.click();
      const detail = page.locator('[data-testid=detail][data-kind=request]');
      await detail.locator('[data-testid=detail-json]', { hasText: '"requestId"' }).waitFor();
      const requestJson = JSON.parse((await detail.locator('[data-testid=detail-json]').textContent())!) as Record<string, unknown>;
      expect(requestJson).toMatchObject({ method: 'GET', path: '/current/user/details/', status: 503 });
      expect(requestJson.faults).toEqual([expect.any(String)]);
      await page.locator('[data-testid=detail-close]').click();
      // The browser applies the close on its own schedule: wait for the panel to go, then count.
      await page.locator('[data-testid=detail]').waitFor({ state: 'detached' });
      await expect(page.locator('[data-testid=detail]').count()).resolves.toBe(0);

      // An event's JSON, opened from the keyboard.
      const event = page.locator('[data-testid=event]', { hasText: 'workspace_created' }).first();
      await event.focus();
      await page.keyboard.press('Enter');
      const eventJson = JSON.parse((await page.locator('[data-testid=detail][data-kind=event] [data-testid=detail-json]').textContent())!) as Record<
        string,
        unknown
      >;
      expect(eventJson).toMatchObject({ event: 'workspace_created', org_id: org.id });
      await page.keyboard.press('Escape');
      await page.locator('[data-testid=detail]').waitFor({ state: 'detached' });
      await expect(page.locator('[data-testid=detail]').count()).resolves.toBe(0);

      // Remove the rule; then add two and clear them all.
      await rule.locator('[data-testid=fault-remove]').click();
      await page.locator('.faults [data-testid=fault]').waitFor({ state: 'detached' });
      expect(((await api('GET', '/_emulator/faults')).faults as unknown[]).length).toBe(0);
      for (const path of ['/a/', '/b/']) {
        await page.locator('[data-testid=fault-path]').fill(path);
        await page.locator('[data-testid=fault-status]').fill('500');
        await page.locator('[data-testid=fault-add]').click();
        await page.locator('[data-testid=fault] code', { hasText: path }).waitFor();
      }
      await page.locator('[data-testid=fault-clear]').click();
      await page.locator('.faults .empty').waitFor();

      // A 400 px window: nothing wider than the screen, the actions still reachable.
      await page.setViewportSize({ width: 400, height: 800 });
      await page.locator('[data-testid=persona-result]').scrollIntoViewIfNeeded();
      // Name any element whose box ends past the window's edge (outside a scrolling list, which clips it), so a
      // failure says what overflows rather than only by how much.
      const past = (await page.evaluate(`[...document.querySelectorAll('body *')]
        .filter((e) => !e.closest('ol, ul, pre') && e.getBoundingClientRect().right > 400.5)
        .map((e) => e.tagName.toLowerCase() + '.' + [...e.classList].join('.') + ' ' + Math.round(e.getBoundingClientRect().right) + 'px ' + (e.textContent ?? '').slice(0, 40))`)) as string[];
      expect(past).toEqual([]);
      const widths = (await page.evaluate('({ doc: document.documentElement.scrollWidth, body: document.body.scrollWidth })')) as { doc: number; body: number };
      expect(widths.doc).toBeLessThanOrEqual(400);
      expect(widths.body).toBeLessThanOrEqual(400);
      for (const id of ['reset', 'clock-advance-3600', 'make-persona', 'fault-add']) {
        const box = (await page.locator(`[data-testid=${id}]`).boundingBox())!;
        expect(box.x + box.width, id).toBeLessThanOrEqual(400);
      }
      await screenshot(page, 'dashboard-400px');
      await page.setViewportSize({ width: 1400, height: 1000 });

      // Reset, after a confirmation: no tenants, the clock back to real time.
      await page.locator('[data-testid=reset]').click();
      await page.locator('[data-testid=reset-confirm]').click();
      await page.locator('[data-testid=no-tenants]').waitFor();
      await expect(offsetText(page)).resolves.toBe('real time');
      expect(((await api('GET', '/_emulator/overview')).totals as { users: number }).users).toBe(0);

      expect(problems).toEqual([]);
      expect(foreign).toEqual([]);
    } finally {
      await screenshot(page, 'dashboard-actions');
      await page.close();
    }
  }, 90_000);

  it('acts on an emulator with a control token, which it takes from #token=', async () => {
    const guarded = await startEmulator({ port: 0, controlToken: 'dash-secret', apiDialect: UNIT_TEST_DIALECT });
    try {
      // Without the token the page loads (its files hold no data) but cannot read or act.
      const without = await browser.context.newPage();
      await without.goto(`${guarded.url}/_emulator/ui`);
      await without.locator('main.boot', { hasText: '401' }).waitFor();
      await without.close();

      const { page, problems } = await openPage(`${guarded.url}/_emulator/ui#token=dash-secret`);
      try {
        await page.locator('[data-testid=clock-advance-3600]').click();
        await page.locator('[data-testid=clock] .clock-offset', { hasText: '+1h ahead' }).waitFor();
        await page.locator('[data-testid=make-persona]').click();
        await page.locator('[data-testid=persona-result]').waitFor();
        await page.locator('[data-testid=reset]').click();
        await page.locator('[data-testid=reset-confirm]').click();
        await page.locator('[data-testid=clock] .clock-offset', { hasText: 'real time' }).waitFor();
        expect(problems).toEqual([]);
      } finally {
        await page.close();
      }
    } finally {
      await guarded.close();
    }
  }, 60_000);
});
