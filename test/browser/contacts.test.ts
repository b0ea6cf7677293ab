// Contacts with the applicant and data-form information (issue 14) in Debian's Chromium: the case page's
// contact form, the timeline, and the data files of a data-form request, on a desk and on a phone.
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { login, PHONE, screenshot, useDemoBrowser } from './helpers.js';

describe('browser: contacts and data-form information (issue 14)', function () {
  this.timeout(90_000);
  const demo = useDemoBrowser();

  /** The case page of the first case in the queue whose row mentions `text`. */
  const openCase = async (page: Page, text: string) => {
    await page.goto(`${demo.baseUrl}/?view=all&text=${encodeURIComponent(text)}`);
    const link = page.locator('main a[href^="/applications/"]').filter({ hasText: /GHZY-\d{4}-\d+/ }).first();
    await Promise.all([page.waitForURL(/\/applications\/\d+$/), link.click()]);
  };

  it('records a contact from the case page; it shows in the list and the timeline, the state unchanged', async () => {
    const page = await demo.newPage();
    await login(page, demo.baseUrl, 'caseworker');
    await openCase(page, '东方路1200号');
    const state = await page.locator('h1 .state').innerText();
    await page.locator('#form-contact summary').click();
    await page.locator('#form-contact select[name="channel"]').selectOption('sms');
    await page.locator('#form-contact textarea[name="summary"]').fill('短信告知申请人答复将于期限内作出，申请人回复表示知悉。');
    await page.locator('#form-contact select[name="outcome"]').selectOption('explained');
    await Promise.all([page.waitForURL(/contact=saved/), page.getByRole('button', { name: '保存沟通记录' }).click()]);
    assert.equal(await page.locator('h1 .state').innerText(), state);
    assert.ok((await page.locator('#contacts').innerText()).includes('短信告知申请人答复将于期限内作出'));
    assert.ok((await page.locator('.timeline-contact').first().innerText()).includes('与申请人沟通（短信）'));
    await page.locator('#contacts').scrollIntoViewIfNeeded();
    await screenshot(page, 'case-contacts');
  });

  it('a data-form request shows its data file and the reply lists it, readable at 390 px', async () => {
    const page = await demo.newPage(PHONE);
    await login(page, demo.baseUrl, 'caseworker');
    await openCase(page, '统计数据');
    const panel = page.locator('#data-files');
    assert.ok((await panel.innerText()).includes('统计数据'));
    assert.ok((await panel.innerText()).includes('2025年建设工程规划许可证核发台账'));
    await panel.scrollIntoViewIfNeeded();
    await screenshot(page, 'case-data-files-phone');
    // The contacts and data panels stay within the phone's width (their tables scroll inside their own box).
    const wide = await page.evaluate(() => [...document.querySelectorAll('#data-files, #data-files *:not(.table-wrap *), #contacts, #contacts *:not(.table-wrap *)')]
      .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1).map((e) => `${e.tagName}.${e.className}`));
    assert.deepEqual(wide, [], 'wider than the phone');
  });
});
