// Issue 14: a case conference (会商研判) walked in Chromium on the demo data. The consulted agency's
// caseworker finds the awaited opinion in their queue and gives it; the caseworker of the handling
// agency records the conclusion; the head of the office signs it off; the reply draft offers it for
// quoting. The case page says the conference does not stop the reply clock. Desktop and phone shots.
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { login, PHONE, screenshot, useDemoBrowser } from './helpers.js';

describe('browser: a case conference from the queue to the quoted conclusion (issue 14)', function () {
  this.timeout(120_000);
  const demo = useDemoBrowser();
  let casePath = '';

  async function fitsPhone(page: Page): Promise<void> {
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= PHONE.width, `the page is ${width} px wide on a ${PHONE.width} px screen`);
  }

  it('the other agency’s caseworker gives its opinion from the queue', async () => {
    const page = await demo.newPage();
    await login(page, demo.baseUrl, 'caseworker2');
    await page.goto(`${demo.baseUrl}/`);
    const line = page.locator('#queue tbody tr', { hasText: '提出会商意见' }).first();
    await line.waitFor();
    await Promise.all([page.waitForNavigation(), line.locator('a').first().click()]);
    assert.match(new URL(page.url()).pathname, /^\/conferences\/\d+$/);
    const conference = page.locator('article.conference').first();
    assert.match(await conference.innerText(), /杨高南路拓宽工程用地规划许可申请材料的公开范围/);
    assert.match(await conference.innerText(), /会商不停止答复期限计算/);
    // An empty opinion is refused beside its field, nothing recorded.
    await conference.locator('textarea[name="opinion"]').fill('  ');
    await Promise.all([page.waitForNavigation(), conference.getByRole('button', { name: '提交会商意见' }).click()]);
    assert.ok((await page.locator('.field-error[role="alert"]').count()) > 0, 'the refusal is shown beside the field');
    await page.locator('article.conference textarea[name="opinion"]').fill('施工方案由我委制作，同意公开；涉及施工单位报价的部分建议不予公开。');
    await Promise.all([page.waitForNavigation(), page.locator('article.conference').getByRole('button', { name: '提交会商意见' }).click()]);
    assert.match(await page.locator('article.conference').innerText(), /施工方案由我委制作，同意公开/);
    assert.equal(await page.locator('article.conference textarea[name="opinion"]').count(), 0, 'an opinion is given once');
    await screenshot(page, 'conference-opinion-given');
    const phone = await demo.newPage(PHONE);
    await login(phone, demo.baseUrl, 'caseworker2');
    await phone.goto(page.url());
    await fitsPhone(phone);
    await screenshot(phone, 'conference-opinion-phone');
  });

  it('the head of the office who convened it records the conclusion once all have answered, and signs it off', async () => {
    const page = await demo.newPage();
    await login(page, demo.baseUrl, 'approver');
    await page.goto(`${demo.baseUrl}/`);
    const line = page.locator('#queue tbody tr', { hasText: '记录研判意见' }).first();
    await line.waitFor();
    await Promise.all([page.waitForNavigation(), line.locator('a').first().click()]);
    const conference = page.locator('article.conference', { hasText: '杨高南路拓宽工程' });
    await conference.locator('details.event-form > summary').click();
    await conference.locator('textarea[name="conclusion"]').fill('经会商研判，建设单位提交的申请材料予以公开；施工单位报价属于商业秘密，依据第十五条、第三十七条区分处理。');
    await Promise.all([page.waitForNavigation(), conference.getByRole('button', { name: '保存研判意见' }).click()]);
    casePath = new URL(page.url()).pathname;
    assert.match(casePath, /^\/applications\/\d+$/, 'back on the case page');
    assert.match(await page.locator('article.conference', { hasText: '杨高南路拓宽工程' }).innerText(), /待公开工作机构负责人签批/);

    await page.goto(`${demo.baseUrl}/`);
    const signLine = page.locator('#queue tbody tr', { hasText: '签批研判意见' }).first();
    await signLine.waitFor();
    await Promise.all([page.waitForNavigation(), signLine.locator('a').first().click()]);
    const toSign = page.locator('article.conference', { hasText: '杨高南路拓宽工程' });
    await Promise.all([page.waitForNavigation(), toSign.getByRole('button', { name: '签批研判意见' }).click()]);
    const signed = page.locator('article.conference', { hasText: '杨高南路拓宽工程' });
    assert.match(await signed.innerText(), /已由[\s\S]*签批/);
    assert.equal(await signed.locator('form').count(), 0, 'a signed-off conference takes no more changes');
    await screenshot(page, 'conference-signed');
  });

  it('the case page shows the conference beside the clock, and the draft offers the conclusion to quote', async () => {
    const page = await demo.newPage();
    await login(page, demo.baseUrl, 'caseworker');
    await page.goto(`${demo.baseUrl}${casePath}`);
    assert.match(await page.locator('main').innerText(), /会商不停止答复期限计算/);
    assert.match(await page.locator('.timeline').innerText(), /研判意见/);
    const quote = page.locator('form[action$="/events"]:has(input[name="type"][value="DRAFT_REPLY"]) [data-conclusion], form[action$="/events"]:has(input[name="type"][value="DRAFT_REPLY"]) input[type="checkbox"][name*="onference"]');
    assert.ok((await quote.count()) > 0, 'the draft form offers the signed conclusion');
    await screenshot(page, 'conference-case-page');
    const phone = await demo.newPage(PHONE);
    await login(phone, demo.baseUrl, 'caseworker');
    await phone.goto(`${demo.baseUrl}${casePath}`);
    await fitsPhone(phone);
    // Every form of the page opened (delivery, correction, drafting…): still nothing wider than the phone.
    await phone.evaluate(() => document.querySelectorAll('details').forEach((d) => { d.open = true; }));
    await fitsPhone(phone);
    await screenshot(phone, 'conference-case-page-phone');
  });
});
