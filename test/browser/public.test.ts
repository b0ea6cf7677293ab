// Issue 16: an applicant applies and follows the case on a phone (390 px), against the real server
// and a real SMTP server; a caseworker confirms the application in between.
import assert from 'node:assert/strict';
import { residentIdCheckChar } from '../../workflows/identifiers.js';
import { startSmtp, type TestSmtp } from '../helpers/smtp.js';
import { login, PHONE, screenshot, useDemoBrowser } from './helpers.js';

const FIRST17 = '31011519850606404';
const ID = FIRST17 + residentIdCheckChar(FIRST17);

describe('browser: applying online and tracking the case on a phone', function () {
  this.timeout(60_000);
  let smtp: TestSmtp;
  before(async () => {
    smtp = await startSmtp();
  });
  after(async () => smtp.close());
  const demo = useDemoBrowser({ env: () => ({ SMTP_URL: smtp.url, MAIL_FROM: 'gongkai@djq.example.gov.cn' }) });

  /** No element wider than the screen: nothing to scroll sideways. */
  const noSideScroll = async (page: import('playwright-core').Page) => {
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 390, `page is ${width}px wide`);
  };

  it('applies, confirms the email code, keeps the tracking number, and follows the case once confirmed', async () => {
    const page = await demo.newPage(PHONE);
    await page.goto(`${demo.baseUrl}/apply`);
    await page.locator('h1', { hasText: '网上申请政府信息公开' }).waitFor();
    await screenshot(page, 'public-apply-phone');
    await noSideScroll(page);
    await page.selectOption('#agency', { label: '东江区规划和自然资源局' });
    await page.check('input[name="applicant.kind"][value="natural_person"]');
    await page.fill('[id="applicant.name"]', '周某某');
    await page.fill('[id="applicant.idNumber"]', ID);
    await page.fill('#email', 'zhou@example.cn');
    await page.fill('[id="request.description"]', '申请公开锦绣路地块建设工程规划许可证及附图。');
    await page.click('button[type="submit"]');
    await page.locator('h1', { hasText: '验证电子邮箱' }).waitFor();
    const mail = await smtp.waitFor('zhou@example.cn', /验证码/);
    // Asking again at once is refused, saying how long to wait (a new code at most once a minute).
    await page.click('button:has-text("重新获取验证码")');
    await page.locator('.alert', { hasText: '秒后再重新获取' }).waitFor();
    await page.goBack();
    await page.fill('#code', /(\d{6})/.exec(mail.subject)![1]!);
    await screenshot(page, 'public-code-phone');
    await noSideScroll(page);
    await page.click('button:has-text("提交申请")');
    await page.locator('h1', { hasText: '申请已提交' }).waitFor();
    await screenshot(page, 'public-done-phone');
    await noSideScroll(page);
    const number = (await page.textContent('#tracking-number'))!.trim();
    const code = (await page.textContent('#access-code'))!.trim();

    // The caseworker of the agency confirms it in 网上申请.
    const staff = await demo.newPage();
    await login(staff, demo.baseUrl, 'caseworker');
    await staff.goto(`${demo.baseUrl}/online-submissions`);
    await staff.locator('section', { hasText: number }).locator('button', { hasText: '确认并登记' }).click();
    await staff.waitForURL(/\/applications\/\d+/);

    await page.goto(`${demo.baseUrl}/track`);
    await page.fill('#trackingNumber', number);
    await page.fill('#accessCode', code);
    await page.click('button[type="submit"]');
    await page.locator('h1', { hasText: '申请办理进度' }).waitFor();
    await page.locator('.stage', { hasText: '办理中' }).waitFor();
    assert.match((await page.textContent('main'))!, /答复期限/);
    assert.match((await page.textContent('main'))!, /登记回执/);
    await screenshot(page, 'public-track-phone');
    await noSideScroll(page);
  });

  it('a wrong access code is refused in Chinese, as an unknown number', async () => {
    const page = await demo.newPage(PHONE);
    await page.goto(`${demo.baseUrl}/track`);
    await page.fill('#trackingNumber', 'W2026010100000000');
    await page.fill('#accessCode', 'AAAA-BBBB-CCCC');
    await page.click('button[type="submit"]');
    await page.locator('.alert', { hasText: '查询号或查询码不正确' }).waitFor();
    await screenshot(page, 'public-track-wrong-phone');
  });

  it('the administrator chooses what counts as delivery online, on a phone too', async () => {
    const page = await demo.newPage(PHONE);
    await login(page, demo.baseUrl, 'admin');
    await page.goto(`${demo.baseUrl}/admin/agencies`);
    const link = page.locator('a[href^="/admin/agencies/"]', { hasText: '东江区规划和自然资源局' }).first();
    await Promise.all([page.waitForNavigation(), link.click()]);
    await page.locator('legend', { hasText: '网上送达以何为准' }).waitFor();
    assert.ok(await page.isChecked('input[name="onlineDeliveryOn"][value="download"]'), 'the download by default');
    await page.check('input[name="onlineDeliveryOn"][value="email"]');
    await page.locator('legend', { hasText: '网上送达以何为准' }).scrollIntoViewIfNeeded();
    await screenshot(page, 'admin-agency-online-delivery-phone');
    await noSideScroll(page);
    await Promise.all([page.waitForNavigation(), page.click('button:has-text("保存")')]);
    await page.locator('.flash', { hasText: '已保存' }).waitFor();
    assert.ok(await page.isChecked('input[name="onlineDeliveryOn"][value="email"]'));
  });
});
