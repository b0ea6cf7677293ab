// Registering an application through the real form, in Debian's Chromium, against the real server
// (started from source on a fresh SQLite database with the demo data).
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { residentIdCheckChar } from '../../workflows/identifiers.js';
import { launchBrowser, login, screenshot, startServer, type RunningServer } from './helpers.js';

const FIRST17 = '11010519491231002';
const VALID_ID = FIRST17 + residentIdCheckChar(FIRST17);
/** Same 17 digits, another check character: fails the GB 11643 check. */
const WRONG_ID = FIRST17 + (residentIdCheckChar(FIRST17) === '0' ? '1' : '0');

describe('browser: registering an application (承办人)', function () {
  this.timeout(60_000);
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  let page: Page;

  before(async function () {
    this.timeout(90_000);
    server = await startServer();
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  beforeEach(async () => {
    context = await browser!.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
    page = await context.newPage();
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') {
      await screenshot(page, `failed-${this.currentTest.title.replace(/[^\w-]+/g, '_').slice(0, 60)}`).catch(() => {});
      console.error(`--- server output ---\n${server?.output().slice(-4000)}`);
    }
    await context?.close();
  });

  it('logs in, registers through the form, shows the case and finds it in the inbox', async () => {
    const base = server!.baseUrl;
    await login(page, base, 'caseworker', undefined, 'login');
    assert.equal(new URL(page.url()).pathname, '/');
    await page.locator('h1', { hasText: '工作台' }).waitFor();

    await page.goto(`${base}/applications/new`);
    await page.locator('input[name="applicant.kind"][value="natural_person"]').check();
    await page.locator('[name="applicant.name"]').fill('欧阳测试');
    await page.locator('select[name="applicant.idType"]').selectOption('resident_id');
    await page.locator('[name="applicant.idNumber"]').fill(VALID_ID);
    await page.locator('[name="applicant.phone"]').fill('13812345678');
    await page.locator('select[name="channel"]').selectOption('in_person');
    const received = await page.locator('[name="receivedDate"]').inputValue();
    assert.match(received, /^\d{4}-\d{2}-\d{2}$/, 'the received date defaults to today');
    await page.locator('[name="request.description"]').fill('请公开本区2026年度城市更新项目的规划许可文件（浏览器测试）');
    await screenshot(page, 'registration-form');

    await Promise.all([page.waitForURL(/\/applications\/\d+\?registered=1$/), page.getByRole('button', { name: '登记' }).click()]);
    const h1 = (await page.locator('h1').first().innerText()).trim();
    const caseNumber = h1.split(/\s+/)[0]!;
    assert.ok(caseNumber.length >= 4, `a case number in the h1 (got ${JSON.stringify(h1)})`);
    assert.match(caseNumber, /\d/);
    const body = await page.locator('main').innerText();
    assert.ok(body.includes('欧阳测试'), 'the case page shows the applicant');
    assert.ok(body.includes('申请已登记'), 'the case page confirms the registration');
    await screenshot(page, 'case');

    await page.goto(`${base}/`);
    const link = page.locator('table a', { hasText: caseNumber });
    await link.first().waitFor({ timeout: 10_000 });
    assert.match((await link.first().getAttribute('href')) ?? '', /^\/applications\/\d+$/);
    const row = page.locator('tr', { has: page.locator('a', { hasText: caseNumber }) }).first();
    assert.ok((await row.innerText()).includes('欧阳测试'), 'the inbox row shows the applicant');
    await screenshot(page, 'inbox');
  });

  it('rejects a resident ID with a wrong check digit, next to the field, keeping what was typed', async () => {
    const base = server!.baseUrl;
    await login(page, base, 'caseworker');
    await page.goto(`${base}/applications/new`);
    await page.locator('[name="applicant.name"]').fill('司马错号');
    await page.locator('select[name="applicant.idType"]').selectOption('resident_id');
    await page.locator('[name="applicant.idNumber"]').fill(WRONG_ID);
    await page.locator('[name="request.description"]').fill('请公开某某文件');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: '登记' }).click()]);

    assert.equal(new URL(page.url()).pathname, '/applications', 'stays on the form (no redirect to a case)');
    const idRow = page.locator('.row', { has: page.locator('[name="applicant.idNumber"]') });
    const error = idRow.locator('.field-error');
    await error.waitFor();
    const message = await error.innerText();
    assert.match(message, /[\u4e00-\u9fff]/, 'the message is in Chinese');
    assert.ok(message.includes('身份证'), `the message names the ID number (got ${JSON.stringify(message)})`);
    assert.equal(await page.locator('[name="applicant.idNumber"]').getAttribute('aria-invalid'), 'true');
    assert.equal(await page.locator('[name="applicant.name"]').inputValue(), '司马错号', 'keeps the typed name');
    assert.equal(await page.locator('[name="applicant.idNumber"]').inputValue(), WRONG_ID, 'keeps the typed ID number');
    assert.equal(await page.locator('[name="request.description"]').inputValue(), '请公开某某文件');
    const nameRow = page.locator('.row', { has: page.locator('[name="applicant.name"]') });
    assert.equal(await nameRow.count(), 1, 'the name field has its row');
    assert.equal(await nameRow.locator('.field-error').count(), 0, 'no error on the valid name');
    await screenshot(page, 'registration-form-errors');
  });
});
