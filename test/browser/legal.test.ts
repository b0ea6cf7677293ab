// The legal staff's day in the browser: deadlines in their queue (issue 13), the case log, an appeal page
// with its forms, and an event recorded through them — against the demo data.
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { login, screenshot, useDemoBrowser } from './helpers.js';

describe('browser: reconsideration and litigation (法制)', function () {
  this.timeout(60_000);
  const demo = useDemoBrowser();
  let page: Page;

  before(async () => {
    page = await demo.newPage();
  });

  it('shows appeal deadlines in the queue and records a hearing from the appeal page', async () => {
    const base = demo.baseUrl;
    await login(page, base, 'legal', undefined, 'legal-login');
    await page.locator('#queue tbody tr', { hasText: '提交答复和证据' }).first().waitFor();
    await screenshot(page, 'legal-inbox');

    await page.goto(`${base}/appeals`);
    await page.locator('h1', { hasText: '复议诉讼案件' }).waitFor();
    const rows = await page.locator('table.grid tbody tr').count();
    assert.ok(rows >= 2, `${rows} appeals in the log`);
    await screenshot(page, 'appeals-log');

    await page.locator('table.grid tbody tr a', { hasText: '东府复' }).first().click();
    await page.locator('h2', { hasText: '期限' }).waitFor();
    await page.locator('#form-RECORD_HEARING summary').click();
    await page.locator('#form-RECORD_HEARING textarea[name="note"]').fill('复议机关书面审理，调取了检索记录');
    await page.locator('#form-RECORD_HEARING button[type="submit"]').click();
    await page.locator('.timeline', { hasText: '复议机关书面审理' }).waitFor();
    assert.match(await page.locator('.case-head .state').innerText(), /审理中/);
    await screenshot(page, 'appeal');
  });
});
