// The reply-wording library (答复口径, issue 7) in Debian's Chromium: the library pages, the
// approval waiting for the second manager, and the reply editor's search that inserts the approved
// wording at the cursor and records the passage used.
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { login, screenshot, useDemoBrowser } from './helpers.js';

describe('browser: reply passages (issue 7)', function () {
  this.timeout(90_000);
  const demo = useDemoBrowser();
  let page: Page;

  beforeEach(async () => {
    page = await demo.newPage();
  });

  it('shows the library by topic and the revision awaiting the other manager, marked against the version in force', async () => {
    await login(page, demo.baseUrl, 'manager');
    await page.goto(`${demo.baseUrl}/passages`);
    const rows = page.locator('table.grid tbody tr');
    assert.ok((await rows.count()) >= 5);
    assert.match(await page.locator('table.grid').innerText(), /第 2 版待审批/);
    await screenshot(page, 'passages-library');
    await page.getByRole('link', { name: '规划许可证已批后公布' }).click();
    const pending = page.locator('#pending');
    await pending.waitFor();
    assert.match(await pending.locator('ins').first().innerText(), /附图可在线浏览和下载/);
    assert.ok(await page.getByRole('button', { name: '审批通过第 2 版' }).isVisible());
    await screenshot(page, 'passage-pending-approval');
  });

  it('the caseworker searches from the reply editor, inserts at the cursor, and the draft records the passage', async () => {
    await login(page, demo.baseUrl, 'caseworker');
    await page.goto(`${demo.baseUrl}/?text=${encodeURIComponent('控制性详细规划')}`);
    await page.locator('table a[href^="/applications/"]').first().click();
    const form = page.locator('#form-DRAFT_REPLY');
    await form.locator(':scope > summary').click();
    await form.locator('select[name="decision"]').selectOption('withhold.process_info');
    const reasons = form.locator('textarea[name="reasons"]');
    await reasons.fill('经审查，');
    await form.locator('[data-passage-query]').fill('过程性信息');
    const result = form.locator('[data-passage-results] li', { hasText: '讨论记录、请示报告等过程性信息' });
    await result.waitFor();
    await result.getByRole('button', { name: /插入/ }).click();
    assert.match(await reasons.inputValue(), /^经审查，您申请公开的信息属于本机关在履行行政管理职能过程中形成的讨论记录/);
    assert.match(await form.locator('[data-passage-used]').innerText(), /第2版/);
    await screenshot(page, 'reply-editor-passages');
    await Promise.all([page.waitForLoadState('load'), form.getByRole('button', { name: '拟写答复' }).click()]);
    const timeline = page.locator('.timeline');
    await timeline.waitFor();
    assert.match(await timeline.innerText(), /引用答复口径：讨论记录、请示报告等过程性信息（第 2 版）/);
  });
});
