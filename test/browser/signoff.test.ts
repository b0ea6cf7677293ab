// Sign-off that shows what is signed (issue 13) in Debian's Chromium, on the demo data: the reviewer
// reads the reply as it prints beside the case's facts and approves it with an opinion; the head of
// the office reads the same, is asked once to confirm, and signs — or returns a reply with a reason.
// Screenshots of both views on a desktop and on a 390 px phone.
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { login, screenshot, useDemoBrowser } from './helpers.js';

describe('browser: review and sign-off beside the reply’s text (issue 13)', function () {
  this.timeout(120_000);
  const demo = useDemoBrowser();
  const PHONE = { width: 390, height: 844 };
  const DESKTOP = { width: 1280, height: 900 };

  /** Opens the case whose request mentions `text`, from the person's own list. */
  async function openCase(page: Page, text: string): Promise<string> {
    await page.goto(`${demo.baseUrl}/?text=${encodeURIComponent(text)}`);
    await page.locator('table a[href^="/applications/"]').first().click();
    await page.waitForLoadState('load');
    return page.url();
  }

  async function bothSizes(page: Page, name: string): Promise<void> {
    await page.setViewportSize(DESKTOP);
    await screenshot(page, `${name}-desktop`);
    await page.setViewportSize(PHONE);
    await screenshot(page, `${name}-phone`);
    // Nothing wider than the phone: the text and the facts wrap.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 1, `the page scrolls sideways by ${overflow}px on a phone`);
    await page.setViewportSize(DESKTOP);
  }

  it('the reviewer reads the reply as it prints beside the facts, and approves it with an opinion', async () => {
    const page = await demo.newPage();
    await login(page, demo.baseUrl, 'reviewer');
    await openCase(page, '潍坊路旧区改造');
    const signoff = page.locator('#signoff');
    assert.equal(await signoff.locator('h2').innerText(), '保密审查：答复书全文与案件事实');
    const printed = signoff.locator('article.printed');
    assert.equal(await printed.locator('.printed-title').innerText(), '政府信息公开申请答复书');
    assert.match(await printed.innerText(), /房屋征收范围红线图/);
    assert.match(await printed.locator('.printed-agency').innerText(), /东江区规划和自然资源局/);
    const facts = await signoff.locator('.signoff-facts').innerText();
    assert.match(facts, /部分公开/);
    assert.match(facts, /征收补偿资金监管账户明细：属于三类内部事务信息/);
    assert.match(await page.locator('.case-grid').innerText(), /证件[\s\S]*\*{4}/, 'the ID number is masked for the reviewer');
    assert.equal(await page.locator('text=预览').count(), 0, 'nothing to click through to read the reply');
    await bothSizes(page, 'signoff-review');

    const form = signoff.locator('#form-APPROVE_REVIEW');
    await form.locator('input[name="checklist"]').first().check();
    await form.locator('textarea[name="opinion"]').fill('经审查，红线图不涉及国家秘密；资金监管账户明细不予公开的理由成立，同意答复。');
    await Promise.all([page.waitForNavigation(), form.getByRole('button', { name: '审查通过' }).click()]);
    assert.match(await page.locator('.case-head .state').innerText(), /待签发/);
    assert.match(await page.locator('.timeline').innerText(), /审查意见：经审查，红线图不涉及国家秘密/);
  });

  it('the head of the office is asked once to confirm, then signs: number, seal and signature', async () => {
    const page = await demo.newPage();
    await login(page, demo.baseUrl, 'approver');
    await openCase(page, '潍坊路旧区改造');
    const signoff = page.locator('#signoff');
    assert.equal(await signoff.locator('h2').innerText(), '签发：答复书全文与案件事实');
    assert.match(await signoff.locator('.review-record').innerText(), /审查通过[\s\S]*同意答复/);
    const form = signoff.locator('#form-ISSUE_REPLY');
    assert.match(await form.locator('.confirm-issue').innerText(), /分配文号、加盖印章、对 PDF 进行数字签名[\s\S]*签发后不可撤回/);
    await bothSizes(page, 'signoff-approver');

    // Without the tick the browser does not send the form (and the server would refuse it).
    await form.getByRole('button', { name: '确认签发' }).click();
    assert.equal(await form.locator('input[name="confirm"]').evaluate((el) => (el as HTMLInputElement).validity.valueMissing), true);
    assert.match(await page.locator('.case-head .state').innerText(), /待签发/);

    await form.locator('input[name="confirm"]').check();
    await Promise.all([page.waitForNavigation(), form.getByRole('button', { name: '确认签发' }).click()]);
    assert.match(await page.locator('.case-head .state').innerText(), /已签发待送达/);
    const reply = page.locator('#documents article.doc').filter({ hasText: '政府信息公开申请答复书' }).first();
    assert.match(await reply.innerText(), /东规资公复〔\d{4}〕\d+号/);
    assert.match(await reply.locator('.badge').first().innerText(), /已签发/);
    await reply.locator('details.tech summary').click();
    await screenshot(page, 'signoff-signed');
  });

  it('the head of the office may instead return a reply to the reviewer, with a reason', async () => {
    const page = await demo.newPage();
    await login(page, demo.baseUrl, 'approver');
    await openCase(page, '征收土地方案批准文件');
    const form = page.locator('#form-RETURN_FROM_SIGNOFF');
    await form.locator(':scope > summary').click();
    await form.locator('input[name="to"][value="reviewer"]').check();
    await form.locator('textarea[name="reason"]').fill('请核对主动公开网址是否仍可访问');
    await Promise.all([page.waitForNavigation(), form.getByRole('button', { name: '签发前退回' }).click()]);
    assert.match(await page.locator('.case-head .state').innerText(), /保密审查中/);
    assert.match(await page.locator('.timeline').innerText(), /退回保密审查，理由：请核对主动公开网址是否仍可访问/);
  });

  it('the draft form gives 理由与依据 a full-width editor', async () => {
    const page = await demo.newPage();
    await login(page, demo.baseUrl, 'caseworker');
    await openCase(page, '建设用地供应计划执行情况');
    const form = page.locator('#form-DRAFT_REPLY');
    await form.locator(':scope > summary').click();
    const reasons = form.locator('textarea[name="reasons"]');
    const [box, formBox] = [await reasons.boundingBox(), await form.locator('form').boundingBox()];
    assert.ok(box && formBox);
    assert.ok(box.width >= formBox.width - 40, `the editor spans the form (${box.width} of ${formBox.width})`);
    assert.ok(box.height >= 200, `and has room to write (${box.height}px)`);
    await reasons.scrollIntoViewIfNeeded();
    await screenshot(page, 'reply-editor-reasons');
  });
});
