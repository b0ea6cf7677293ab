// The reply editor (issue 12) in Debian's Chromium: the facts of the chosen decision only, the draft
// saying what the law and the case say.
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { login, screenshot, useDemoBrowser } from './helpers.js';

describe('browser: the reply editor states the facts of its decision (issue 12)', function () {
  this.timeout(90_000);
  const demo = useDemoBrowser();
  let page: Page;

  beforeEach(async () => {
    page = await demo.newPage();
  });

  it('shows only the chosen decision’s fieldset; a partial disclosure lists what is provided and each part withheld on its ground', async () => {
    await login(page, demo.baseUrl, 'caseworker');
    await page.goto(`${demo.baseUrl}/?text=${encodeURIComponent('控制性详细规划')}`);
    await page.locator('table a[href^="/applications/"]').first().click();
    const form = page.locator('#form-DRAFT_REPLY');
    await form.locator(':scope > summary').click();
    const fieldset = (code: string) => form.locator(`.reply-fieldset[data-decision="${code}"]`);
    assert.ok(await fieldset('disclose').isVisible());
    assert.ok(!(await fieldset('partial').isVisible()), 'only the chosen decision’s facts are shown');
    await form.locator('select[name="decision"]').selectOption('partial');
    assert.ok(await fieldset('partial').isVisible());
    assert.ok(!(await fieldset('disclose').isVisible()));
    await form.locator('textarea[name="reasons"]').fill('附图中的管线资料属于过程性信息。');
    await form.locator('textarea[name="partial/provided"]').fill('控制性详细规划局部调整批复｜3');
    await form.locator('input[name="partial/withheld.part"]').first().fill('管线综合论证会议纪要');
    await form.locator('select[name="partial/withheld.ground"]').first().selectOption('withhold.process_info');
    await screenshot(page, 'reply-editor-partial');
    await Promise.all([page.waitForLoadState('load'), form.getByRole('button', { name: '拟写答复' }).click()]);
    const draft = page.locator('#documents textarea[name="body"]').last();
    await draft.waitFor({ state: 'attached' });
    const text = await draft.inputValue();
    assert.match(text, /第三十七条/);
    assert.match(text, /1\.管线综合论证会议纪要：属于行政机关在履行行政管理职能过程中形成的过程性信息/);
  });
});
