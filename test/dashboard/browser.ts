/**
 * Shared plumbing of the dashboard's browser tests: Debian's chromium driven by playwright-core,
 * and a small control/API client for setting up what the page shows.
 *
 * Without chromium: in CI (`CI` set; .ci/run installs it) the tests fail and say how to install
 * it; elsewhere (a fresh machine) they are skipped with one loud line, so `npm test` is green.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { fromPackageRoot } from '../../emulator/index.js';

export const CHROMIUM = process.env.FASTIO_EMULATOR_CHROMIUM ?? '/usr/bin/chromium';
const INSTALL = `apt-get install -y chromium, or FASTIO_EMULATOR_CHROMIUM=<path>`;

/** Is there a browser to drive? Throws in CI without one; elsewhere says loudly that it skips. */
export function haveChromium(): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env.CI) throw new Error(`${CHROMIUM} is missing: the dashboard's browser tests need Debian's chromium in CI (${INSTALL}; .ci/run installs it)`);
  console.warn(`\n!!! SKIPPED the dashboard's browser tests: no chromium at ${CHROMIUM} (${INSTALL}). In CI they are required.\n`);
  return false;
}

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

export async function launch(viewport = { width: 1400, height: 1000 }): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'emu-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
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
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Page errors, console errors and requests to anywhere but the emulator, collected for a final check. */
export function watch(page: Page, origin: string): { problems: string[]; foreign: string[] } {
  const problems: string[] = [];
  const foreign: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    // A refused request (the tests provoke some) is logged by the browser as a console error.
    if (m.type() === 'error' && !/status of (4|5)\d\d/.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  page.on('request', (r) => {
    if (!r.url().startsWith(origin) && !r.url().startsWith('data:')) foreign.push(r.url());
  });
  return { problems, foreign };
}

/** Saved whether the test passed or not: on a failure it shows what the page had. */
export async function screenshot(page: Page, name: string): Promise<void> {
  const out = fromPackageRoot('test-results');
  mkdirSync(out, { recursive: true });
  await page.screenshot({ path: join(out, `${name}.png`), fullPage: true });
}

export function apiClient(base: string) {
  return async function api(method: string, path: string, token?: string, form?: Record<string, string>): Promise<Record<string, unknown>> {
    const res = await fetch(`${base}${path}`, {
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
  };
}
