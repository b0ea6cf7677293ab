// Issue 13: each role's day, walked from its queue (待我处理) in Debian's Chromium on the demo data —
// the caseworker registers and drafts, the reviewer reviews, the approver signs off, the caseworker
// records the delivery; legal staff open an appeal; a consulted agency's caseworker answers a letter.
// Every queue is photographed on a desktop (1280 px) and a phone (390 px), where the case number and
// the deadline columns must stay on the screen and nothing may overflow.
//
// The case page and its sign-off are being reworked: the walk finds its forms by their actions and
// the event they send (input name="type"), opening whatever <details> holds them.
import assert from 'node:assert/strict';
import type { Locator, Page } from 'playwright-core';
import { residentIdCheckChar } from '../../workflows/identifiers.js';
import { login, PHONE, screenshot, useDemoBrowser } from './helpers.js';

const FIRST17 = '11010519800512003';
const ID_NUMBER = FIRST17 + residentIdCheckChar(FIRST17);
const REQUEST = '请公开东江区2026年度老旧小区改造项目的建设工程规划许可证（工作台流程测试）';

describe('browser: each role’s day from its queue (issue 13)', function () {
  this.timeout(90_000);
  const demo = useDemoBrowser();
  let caseNumber = '';
  let caseId = 0;

  /** The line of the queue for a case (by its number, or what the line says). */
  const queueLine = (page: Page, text: string) => page.locator('#queue tbody tr', { hasText: text });

  async function home(page: Page): Promise<void> {
    await page.goto(`${demo.baseUrl}/`);
    await page.locator('#queue').waitFor();
  }

  /** Opens the case from its line in the queue: the page where the step is taken. */
  async function openFromQueue(page: Page, text: string, step: string): Promise<void> {
    const line = queueLine(page, text);
    await line.first().waitFor();
    assert.match(await line.first().innerText(), new RegExp(step), `the line says ${step}`);
    await Promise.all([page.waitForNavigation(), line.first().locator('a').first().click()]);
  }

  /** Makes a form usable whatever holds it (a closed <details>), fills it and submits it. */
  async function submit(page: Page, form: Locator, fill?: (form: Locator) => Promise<void>): Promise<void> {
    await form.first().waitFor({ state: 'attached' });
    await form.first().evaluate((f) => {
      for (let d = f.closest('details'); d; d = d.parentElement?.closest('details') ?? null) d.open = true;
    });
    if (fill) await fill(form.first());
    const [response] = await Promise.all([page.waitForNavigation(), form.first().locator('button[type="submit"]').last().click()]);
    const refused = await page.locator('.field-error[role="alert"]').allInnerTexts();
    assert.ok(response && response.status() < 400, `refused (${response?.status()}): ${refused.join(' ')}`);
  }

  /** The form that sends one event of the case (the machine's event type is its hidden field). */
  const eventForm = (page: Page, type: string) => page.locator(`form[action$="/events"]:has(input[name="type"][value="${type}"])`);

  /** The queue on a phone: photographed, the case number and deadline columns on the screen, nothing wider than it. */
  async function phoneQueue(username: string, name: string): Promise<void> {
    const phone = await demo.newPage(PHONE);
    await login(phone, demo.baseUrl, username);
    await home(phone);
    await fitsPhone(phone, '#queue table', ['案件编号', '期限', '剩余工作日']);
    await screenshot(phone, `${name}-phone`);
  }

  async function fitsPhone(page: Page, table: string, columns: string[]): Promise<void> {
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= PHONE.width, `the page is ${width} px wide on a ${PHONE.width} px screen`);
    for (const label of columns) {
      const th = page.locator(`${table} thead th`, { hasText: label }).first();
      assert.ok(await th.isVisible(), `${label} is shown`);
      const box = (await th.boundingBox())!;
      assert.ok(box.x >= 0 && box.x + box.width <= PHONE.width + 0.5, `${label} is on the screen (${Math.round(box.x)}–${Math.round(box.x + box.width)} px)`);
    }
    const hidden = await page.locator(`${table} tbody tr`).first().locator('td.opt').count();
    if (hidden) assert.ok(!(await page.locator(`${table} tbody tr`).first().locator('td.opt').first().isVisible()), 'the optional columns give way');
  }

  it('the caseworker starts from the queue, registers an application, finds it there and drafts the reply from it', async () => {
    const page = await demo.newPage();
    await login(page, demo.baseUrl, 'caseworker');
    assert.equal(new URL(page.url()).pathname, '/', 'lands on the queue');
    assert.match(await page.locator('#tab-queue').innerText(), /待我处理\s*\d+/);
    assert.equal(await page.locator('#tab-queue').getAttribute('aria-current'), 'page');
    const first = queueLine(page, '').first();
    assert.match(await first.getAttribute('class') ?? '', /overdue/, 'the overdue case leads the demo queue');
    await screenshot(page, 'queue-caseworker');
    await phoneQueue('caseworker', 'queue-caseworker');

    await Promise.all([page.waitForNavigation(), page.locator('nav a[href="/applications/new"]').click()]);
    await page.locator('[name="applicant.name"]').fill('欧阳晓峰');
    await page.locator('select[name="applicant.idType"]').selectOption('resident_id');
    await page.locator('[name="applicant.idNumber"]').fill(ID_NUMBER);
    await page.locator('[name="applicant.phone"]').fill('13912345678');
    await page.locator('[name="request.description"]').fill(REQUEST);
    await Promise.all([page.waitForURL(/\/applications\/\d+\?registered=1$/), page.getByRole('button', { name: '登记' }).click()]);
    caseId = Number(/\/applications\/(\d+)/.exec(page.url())![1]);
    caseNumber = (await page.locator('h1').first().innerText()).trim().split(/\s+/)[0]!;

    await home(page);
    await openFromQueue(page, caseNumber, '办理');
    assert.equal(new URL(page.url()).pathname, `/applications/${caseId}`);
    await submit(page, eventForm(page, 'DRAFT_REPLY'), async (form) => {
      await form.locator('select[name="decision"]').selectOption('disclose');
      await form.locator('input[name="disclose/disclosure.mode"][value="provided"]').check();
      await form.locator('textarea[name="disclose/disclosure.items"]').fill('建设工程规划许可证｜2');
    });
    await home(page);
    await openFromQueue(page, caseNumber, '送保密审查');
    await submit(page, eventForm(page, 'SUBMIT_FOR_REVIEW'));
    await home(page);
    assert.equal(await queueLine(page, caseNumber).count(), 0, 'in review: no longer the caseworker’s');
  });

  it('the reviewer finds it in their queue and passes the review from there', async () => {
    const page = await demo.newPage();
    await login(page, demo.baseUrl, 'reviewer');
    await home(page);
    assert.match(await queueLine(page, caseNumber).innerText(), /保密审查/);
    await screenshot(page, 'queue-reviewer');
    await phoneQueue('reviewer', 'queue-reviewer');
    await openFromQueue(page, caseNumber, '保密审查');
    await submit(page, eventForm(page, 'APPROVE_REVIEW'));
    await home(page);
    assert.equal(await queueLine(page, caseNumber).count(), 0);
  });

  it('the approver finds it in theirs and signs the reply off', async () => {
    const page = await demo.newPage();
    await login(page, demo.baseUrl, 'approver');
    await home(page);
    assert.match(await queueLine(page, caseNumber).innerText(), /签发答复/);
    await screenshot(page, 'queue-approver');
    await phoneQueue('approver', 'queue-approver');
    await openFromQueue(page, caseNumber, '签发答复');
    await submit(page, eventForm(page, 'ISSUE_REPLY'), async (form) => {
      await form.locator('input[name="confirm"]').check();
    });
    await home(page);
    assert.equal(await queueLine(page, caseNumber).count(), 0);
  });

  it('the caseworker records the delivery from the queue, and the case leaves it', async () => {
    const page = await demo.newPage();
    await login(page, demo.baseUrl, 'caseworker');
    await home(page);
    await screenshot(page, 'queue-caseworker-delivery');
    await openFromQueue(page, caseNumber, '记录答复送达');
    // The reply's own delivery form (issue 12: every delivery is recorded on its document).
    const documents: { id: number; kind: string; status: string }[] = await page.evaluate(
      async (id) => (await (await fetch(`/api/applications/${id}`)).json()).documents, caseId);
    const reply = documents.find((d) => d.kind === 'reply' && d.status === 'issued')!;
    await submit(page, page.locator(`form[action="/documents/${reply.id}/delivered"]`), async (form) => {
      await form.locator('select[name="method"]').selectOption('mail');
      await form.locator('input[name="trackingNumber"]').fill('EMS1234567890');
    });
    const state = await page.evaluate(async (id) => (await (await fetch(`/api/applications/${id}`)).json()).state, caseId);
    assert.equal(state, 'closed');
    await home(page);
    assert.equal(await queueLine(page, caseNumber).count(), 0, 'closed: in nobody’s queue');
  });

  it('legal staff open the appeal whose answer is due from their queue and answer it', async () => {
    const page = await demo.newPage();
    await login(page, demo.baseUrl, 'legal');
    await home(page);
    const line = queueLine(page, '提交答复和证据').first();
    const number = (await line.locator('a').first().innerText()).trim();
    assert.match(number, /行初/, 'the litigation, by its court number');
    await screenshot(page, 'queue-legal');
    await phoneQueue('legal', 'queue-legal');
    await openFromQueue(page, number, '提交答复和证据');
    assert.match(new URL(page.url()).pathname, /^\/appeals\/\d+$/);
    assert.match(await page.locator('main').innerText(), new RegExp(number.replace(/[()（）]/g, '.')));
    await submit(page, page.locator('form[action$="/events"]:has(input[name="type"][value="SUBMIT_ANSWER"])'));
    await home(page);
    assert.match(await queueLine(page, number).innerText(), /跟进审理，记录决定/, 'answered: the decision is next');
  });

  it('the consulted agency’s caseworker answers the letter from their queue', async () => {
    const page = await demo.newPage();
    await login(page, demo.baseUrl, 'caseworker2');
    await home(page);
    const letter = queueLine(page, '答复征询件').first();
    assert.match(await letter.innerText(), /来函：东江区规划和自然资源局/);
    const number = (await letter.locator('a').first().innerText()).trim();
    await screenshot(page, 'queue-caseworker2');
    await phoneQueue('caseworker2', 'queue-caseworker2');
    await openFromQueue(page, number, '答复征询件');
    assert.match(new URL(page.url()).pathname, /^\/consultations\/\d+$/);
    await submit(page, page.locator('form[action$="/answer"]'), async (form) => {
      await form.locator('input[name="opinion"][value="consent"]').check();
    });
    assert.equal(await page.locator('#consultation-status').innerText(), '已答复');
    await home(page);
    assert.equal(await queueLine(page, '答复征询件').count(), 0);
  });

  it('the manager keeps the dashboard as home; the cases of every agency, filtered by agency, are a click away', async () => {
    const page = await demo.newPage();
    await login(page, demo.baseUrl, 'manager');
    assert.equal(new URL(page.url()).pathname, '/dashboard');
    await Promise.all([page.waitForNavigation(), page.locator('nav[aria-label="主导航"] a', { hasText: '工作台' }).click()]);
    await page.locator('#all-cases').waitFor();
    await page.locator('#all-cases select[name="agency"]').selectOption('DJQ-JSJT');
    await Promise.all([page.waitForNavigation(), page.locator('#all-cases form.filters button[type="submit"]').click()]);
    assert.equal(new URL(page.url()).searchParams.get('agency'), 'DJQ-JSJT', 'the filter is in the URL');
    const numbers = await page.locator('#all-cases tbody tr td:first-child a').allInnerTexts();
    assert.ok(numbers.length > 0 && numbers.every((n) => n.startsWith('DJQ-JSJT-')), numbers.join(' '));
    await Promise.all([page.waitForNavigation(), page.locator('#all-cases thead th a', { hasText: '案件编号' }).click()]);
    assert.equal(new URL(page.url()).searchParams.get('sort'), 'case', 'sorted by the header link, in the URL');
    assert.equal(new URL(page.url()).searchParams.get('agency'), 'DJQ-JSJT', 'keeping the filter');
    assert.equal(await page.locator('#all-cases thead th', { hasText: '案件编号' }).getAttribute('aria-sort'), 'ascending');
    await screenshot(page, 'cases-manager');

    const phone = await demo.newPage(PHONE);
    await login(phone, demo.baseUrl, 'manager');
    await phone.goto(page.url());
    await phone.locator('#all-cases').waitFor();
    await fitsPhone(phone, '#all-cases table', ['案件编号', '答复期限', '剩余工作日']);
    await screenshot(phone, 'cases-manager-phone');
  });
});
