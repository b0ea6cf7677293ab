// The same applicant's other applications (issue 7) in Debian's Chromium: the registration form
// checks the applicant when the request text loses focus; the new case's page shows the panel.
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { residentIdCheckChar } from '../../workflows/identifiers.js';
import { login, screenshot, useDemoBrowser } from './helpers.js';

const FIRST17 = '44030419800215123';
const ID = FIRST17 + residentIdCheckChar(FIRST17);

describe('browser: likely repeat applications (issue 7)', function () {
  this.timeout(90_000);
  const demo = useDemoBrowser();
  let page: Page;

  before(async () => {
    page = await demo.newPage();
  });

  const fillForm = async (description: string) => {
    await page.goto(`${demo.baseUrl}/applications/new`);
    await page.locator('[name="applicant.name"]').fill('上官重复');
    await page.locator('select[name="applicant.idType"]').selectOption('resident_id');
    await page.locator('[name="applicant.idNumber"]').fill(ID);
    await page.locator('[name="request.description"]').fill(description);
  };

  it('warns on the form when a paraphrase is typed, and shows the panel on the new case', async () => {
    await login(page, demo.baseUrl, 'caseworker');
    await fillForm('申请公开浦明路地块控制性详细规划调整的批复文件（2026年）');
    await Promise.all([page.waitForURL(/\/applications\/\d+\?registered=1$/), page.getByRole('button', { name: '登记' }).click()]);
    const first = (await page.locator('h1').first().innerText()).trim().split(/\s+/)[0]!;

    await fillForm('请提供2026年浦明路地块控规调整的批复');
    await page.locator('[name="request.purpose"]').focus(); // the description loses focus
    const hint = page.locator('.applicant-check');
    await hint.locator('text=疑似重复申请').waitFor({ timeout: 10_000 });
    assert.ok((await hint.innerText()).includes(first), 'names the earlier case');
    await screenshot(page, 'registration-repeat-check');

    await Promise.all([page.waitForURL(/\/applications\/\d+\?registered=1$/), page.getByRole('button', { name: '登记' }).click()]);
    const panel = page.locator('#related');
    await panel.waitFor();
    const text = await panel.innerText();
    assert.match(text, /疑似重复申请（相似度 \d+%）/);
    assert.ok(text.includes(first));
    await panel.screenshot({ path: (await screenshot(page, 'case-related')).replace(/\.png$/, '-panel.png') });
  });
});
