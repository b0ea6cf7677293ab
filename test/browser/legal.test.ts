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

  it('registers a suit: the form shows only the chosen kind\'s fields, pre-filled from the agency, and the case speaks of 答辩 (issue 13)', async () => {
    const base = demo.baseUrl;
    await page.goto(`${base}/appeals`);
    await page.locator('table.grid tbody tr', { hasText: '行政诉讼' }).locator('a[href^="/applications/"]').click();
    await page.locator('a', { hasText: '登记复议、诉讼案件' }).click();
    const recon = page.locator('fieldset[data-kind="reconsideration"]');
    const suit = page.locator('fieldset[data-kind="litigation"]');
    assert.ok(await recon.isVisible());
    assert.ok(!(await suit.isVisible()), 'the suit\'s fields are hidden');
    assert.equal(await recon.locator('input[name="body"]').inputValue(), '东江区人民政府', 'the 复议机关 from the agency\'s settings');
    assert.ok(await recon.locator('input[value="simplified"]').isChecked());
    await recon.locator('input[name="externalCaseNumber"]').fill('东府复〔2026〕31号');

    await page.locator('[data-appeal-kinds] a', { hasText: '行政诉讼' }).click();
    assert.ok(await suit.isVisible());
    assert.ok(!(await recon.isVisible()));
    assert.equal(await suit.locator('input[name="body"]').inputValue(), '东江区人民法院', 'the court from the agency\'s settings');
    assert.ok(await suit.locator('input[value="first_instance"]').isChecked());
    assert.match(await suit.innerText(), /收到起诉状（上诉状）副本之日/);
    await page.locator('[data-appeal-kinds] a', { hasText: '行政复议' }).click();
    assert.equal(await recon.locator('input[name="externalCaseNumber"]').inputValue(), '东府复〔2026〕31号', 'what was typed is kept');
    await page.locator('[data-appeal-kinds] a', { hasText: '行政诉讼' }).click();
    await suit.locator('input[name="externalCaseNumber"]').fill('（2026）沪0115行初301号');
    await screenshot(page, 'appeal-new-litigation');
    await Promise.all([page.waitForNavigation(), page.locator('form[data-appeal-form] button[type="submit"]').click()]);

    await page.locator('h2', { hasText: '期限' }).waitFor();
    const deadlines = await page.locator('.deadlines').innerText();
    assert.match(deadlines, /答辩期限/);
    assert.doesNotMatch(deadlines, /答复期限/);
    assert.ok(await page.locator('summary', { hasText: '起草答辩状' }).isVisible());
    assert.equal(await page.locator('summary', { hasText: /^起草答复$/ }).count(), 0);
    assert.match(await page.locator('.case-head .state').innerText(), /已收到起诉状副本/);
    await screenshot(page, 'appeal-litigation');
  });
});
