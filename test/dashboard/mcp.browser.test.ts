/**
 * MCP calls on the dashboard (issue 22 item 5), in chromium: a tool call's REST request is listed
 * with its tool and action, and a fault rule made in the page's form for one tool fails that
 * tool's next call and no other.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mcpEmulator, signedInWorkspace, type Connected } from '../mcp/support.js';
import { haveChromium, launch, watch, type Browser } from './browser.js';

const available = haveChromium();

describe.skipIf(!available)('MCP calls on the dashboard', () => {
  let emu: Awaited<ReturnType<typeof mcpEmulator>>;
  let browser: Browser;
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    emu = await mcpEmulator('v2');
    browser = await launch();
    page = await browser.context.newPage();
    page.setDefaultTimeout(15_000);
    ({ problems } = watch(page, new URL(emu.apiUrl).origin));
    await page.goto(`${emu.apiUrl}/_emulator/ui`);
    await page.locator('[data-testid=connection].live').waitFor();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await emu?.close();
  });

  it('names the tool and action of the requests an MCP call made, and targets a fault rule at one tool from the form', async () => {
    const c: Connected = await emu.connect('dashboard-test');
    const { ws } = await signedInWorkspace(c, 'v2');
    expect((await c.tool('storage', { action: 'list', profile_type: 'workspace', profile_id: ws })).isError).toBe(false);

    // The listing's REST request, shown with the tool that made it.
    const listed = page.locator('[data-testid=request]', { has: page.locator('[data-testid=request-mcp]', { hasText: 'MCP storage.list' }) });
    await listed.first().waitFor();
    await expect(listed.first().locator('.p').getAttribute('title')).resolves.toContain(`/current/workspace/${ws}/storage/`);

    // A rule for storage.list only, from the form.
    await page.locator('[data-testid=fault-tool]').fill('storage.list');
    await page.locator('[data-testid=fault-status]').fill('503');
    await page.locator('[data-testid=fault-times]').fill('1');
    await page.locator('[data-testid=fault-add]').click();
    await page.locator('[data-testid=fault] [data-testid=fault-rule-tool]', { hasText: 'storage.list' }).waitFor();

    expect((await c.tool('workspace', { action: 'details', workspace_id: ws })).isError).toBe(false);
    const failed = await c.tool('storage', { action: 'list', profile_type: 'workspace', profile_id: ws });
    expect(failed.isError).toBe(true);
    expect(failed.data.status).toBe(503);
    await page
      .locator('[data-testid=request]', { has: page.locator('.status.s5') })
      .locator('[data-testid=request-mcp]', { hasText: 'storage.list' })
      .waitFor();
    await page.locator('[data-testid=fault] .hits', { hasText: '1/1 hits' }).waitFor();
    expect(problems).toEqual([]);
  });
});
