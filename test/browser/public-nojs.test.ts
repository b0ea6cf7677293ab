// Issue 16: /apply on a phone with JavaScript turned off (labels tied to every field, errors announced
// and tied to their field, all in Chinese), and /track on a phone for a case with a reply: the remedies,
// the verify link, the signed reply downloaded. Against the real server and a real SMTP server.
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { residentId } from '../helpers/test-app.js';
import { startSmtp, type TestSmtp } from '../helpers/smtp.js';
import { DEMO_PASSWORD, PHONE, screenshot, useDemoBrowser } from './helpers.js';

const ID = residentId('31011519850606404');
/** Latin words a person may see on these pages: file formats and units. */
const ALLOWED_LATIN = new Set(['PDF', 'JPEG', 'PNG', 'TIFF', 'MB']);

describe('browser: the public side on a phone, without JavaScript too', function () {
  this.timeout(90_000);
  let smtp: TestSmtp;
  before(async () => {
    smtp = await startSmtp();
  });
  after(async () => smtp.close());
  const demo = useDemoBrowser({ env: () => ({ SMTP_URL: smtp.url, MAIL_FROM: 'gongkai@djq.example.gov.cn' }) });

  const noSideScroll = async (page: Page) => {
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 390, `page is ${width}px wide`);
  };
  /** What a person reads: no English words, no codes (file formats aside). */
  const chineseOnly = async (page: Page) => {
    // The case number (受理编号, e.g. DJQ-GHZY-2026-0001) is a reference the applicant quotes, as printed on the documents.
    const text = (await page.locator('main').innerText()).replace(/[A-Z]+(-[A-Z]+)*-\d{4}-\d{4}/g, '');
    const latin = [...text.matchAll(/[A-Za-z_]{2,}/g)].map((m) => m[0]).filter((w) => !ALLOWED_LATIN.has(w));
    assert.deepEqual(latin, [], `Latin words on ${page.url()}`);
  };
  /** Every field a person fills has a label tied to it. */
  const labelled = async (page: Page) => {
    const unlabelled = await page.evaluate(() => [...document.querySelectorAll('main form input:not([type=hidden]), main form select, main form textarea')]
      .filter((el) => !el.closest('[aria-hidden="true"]'))
      .filter((el) => !((el as HTMLInputElement).labels?.length || el.getAttribute('aria-labelledby') || el.getAttribute('aria-label')))
      .map((el) => el.getAttribute('name')));
    assert.deepEqual(unlabelled, []);
  };

  it('applies without JavaScript: every field labelled, errors announced and tied to their field, attachments sent', async () => {
    const page = await demo.newPage(PHONE, { javaScript: false });
    await page.goto(`${demo.baseUrl}/apply`);
    await page.locator('h1', { hasText: '网上申请政府信息公开' }).waitFor();
    await screenshot(page, 'public-apply-phone-nojs');
    await noSideScroll(page);
    await labelled(page);
    await chineseOnly(page);
    // The honeypot is out of sight and out of the accessibility tree.
    const box = (await page.locator('#website').boundingBox())!;
    assert.ok(box.x + box.width < 0, 'off screen');
    assert.equal(await page.locator('.hp').getAttribute('aria-hidden'), 'true');

    await page.selectOption('#agency', { label: '东江区规划和自然资源局' });
    await page.check('input[name="applicant.kind"][value="natural_person"]');
    await page.fill('[id="applicant.name"]', '周某某');
    await page.fill('[id="applicant.idNumber"]', ID.slice(0, 17) + (ID.endsWith('0') ? '1' : '0'));
    await page.fill('#email', 'nojs@example.cn');
    await page.fill('[id="request.description"]', '申请公开锦绣路地块建设工程规划许可证及附图。');
    await page.fill('[id="request.purpose"]', '了解本人住房周边规划');
    await page.selectOption('[id="request.delivery"]', { label: '电子邮件' });
    await page.setInputFiles('#attachments', { name: '身份证明.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n') });
    await Promise.all([page.waitForNavigation(), page.click('button[type="submit"]')]);
    // Refused: announced at the top, linked to the field, and the field says why.
    await page.locator('.alert[role="alert"]').first().waitFor();
    const idField = page.locator('[id="applicant.idNumber"]');
    assert.equal(await idField.getAttribute('aria-invalid'), 'true');
    const describedBy = (await idField.getAttribute('aria-describedby'))!;
    const message = page.locator(`[id="${describedBy}"]`);
    assert.match((await message.innerText()), /校验位/);
    assert.equal(await message.getAttribute('role'), 'alert');
    assert.ok(await page.locator('.error-summary a[href="#applicant.idNumber"]').count(), 'the summary links to the field');
    assert.equal(await page.inputValue('[id="request.purpose"]'), '了解本人住房周边规划', 'what was typed stays');
    await screenshot(page, 'public-apply-errors-phone-nojs');
    await noSideScroll(page);
    await chineseOnly(page);

    await page.fill('[id="applicant.idNumber"]', ID);
    await page.setInputFiles('#attachments', { name: '身份证明.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n') });
    await Promise.all([page.waitForNavigation(), page.click('button[type="submit"]')]);
    await page.locator('h1', { hasText: '验证电子邮箱' }).waitFor();
    await labelled(page);
    const mail = await smtp.waitFor('nojs@example.cn', /验证码/);
    await page.fill('#code', /(\d{6})/.exec(mail.subject)![1]!);
    await Promise.all([page.waitForNavigation(), page.click('button:has-text("提交申请")')]);
    await page.locator('h1', { hasText: '申请已提交' }).waitFor();
    await screenshot(page, 'public-done-phone-nojs');
    await noSideScroll(page);
    const number = (await page.textContent('#tracking-number'))!.trim();
    const code = (await page.textContent('#access-code'))!.trim();

    await page.goto(`${demo.baseUrl}/track`);
    await labelled(page);
    await page.fill('#trackingNumber', number);
    await page.fill('#accessCode', code);
    await Promise.all([page.waitForNavigation(), page.click('button[type="submit"]')]);
    await page.locator('.stage', { hasText: '待确认' }).waitFor();
    await noSideScroll(page);
    await chineseOnly(page);
  });

  it('tracks a case with a reply on a phone: the remedies, the verify link, the signed reply downloaded', async () => {
    const base = demo.baseUrl;
    const post = async (path: string, body: unknown, token?: string) => {
      const r = await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
      const json = await r.json() as Record<string, any>;
      assert.ok(r.ok, `${path}: ${r.status} ${JSON.stringify(json)}`);
      return json;
    };
    const token = async (username: string) => (await post('/api/auth/token', { username, password: DEMO_PASSWORD })).token as string;
    const started = await post('/api/public/applications', {
      agency: 'DJQ-GHZY', email: 'reply.phone@example.cn',
      applicant: { kind: 'natural_person', name: '吴某某', idType: 'resident_id', idNumber: ID },
      request: { description: '申请公开锦绣路地块建设工程规划许可证。', delivery: 'online' },
    });
    const codeMail = await smtp.waitFor('reply.phone@example.cn', /验证码/);
    const done = await post(`/api/public/applications/${started.submissionId}/confirm`, { code: /(\d{6})/.exec(codeMail.subject)![1] });
    const [cw, rev, appr] = [await token('caseworker'), await token('reviewer'), await token('approver')];
    const waiting = await (await fetch(`${base}/api/online-submissions`, { headers: { authorization: `Bearer ${cw}` } })).json() as { items: { id: number; trackingNumber: string }[] };
    const sub = waiting.items.find((s) => s.trackingNumber === done.trackingNumber)!;
    const app = await post(`/api/online-submissions/${sub.id}/confirm`, {}, cw);
    const today = app.receivedDate as string;
    const event = (who: string, body: Record<string, unknown>) => post(`/api/applications/${app.id}/events`, { date: today, ...body }, who);
    await event(cw, { type: 'DRAFT_REPLY', decision: 'disclose', disclosure: { mode: 'provided', items: [{ title: '建设工程规划许可证' }], delivery: 'online' } });
    await event(cw, { type: 'SUBMIT_FOR_REVIEW' });
    await event(rev, { type: 'APPROVE_REVIEW' });
    await event(appr, { type: 'ISSUE_REPLY' });
    const told = await smtp.waitFor('reply.phone@example.cn', /已答复/);
    const link = /\/track\?t=\S+/.exec(told.text)![0];

    // The email link opens the case without the code.
    const page = await demo.newPage(PHONE);
    await page.goto(`${base}${link}`);
    await page.locator('.stage', { hasText: '已答复' }).waitFor();
    await page.locator('#remedy h2', { hasText: '救济途径' }).waitFor();
    assert.match(await page.locator('#remedy').innerText(), /六十日内.*申请行政复议.*六个月内.*提起行政诉讼/s);
    assert.equal(await page.getAttribute('#verify-link', 'href'), '/verify');
    await screenshot(page, 'public-track-reply-phone');
    await noSideScroll(page);
    await chineseOnly(page);
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('.doc-list button', { hasText: '答复书' }).click()]);
    assert.match(download.suggestedFilename(), /答复书.*\.pdf$/);
    const bytes = await (await import('node:fs/promises')).readFile((await download.path())!);
    assert.equal(bytes.subarray(0, 5).toString('latin1'), '%PDF-');
    // The verify page is a click away and says what it checks, in Chinese.
    await Promise.all([page.waitForNavigation(), page.click('#verify-link')]);
    await page.locator('h1', { hasText: '文书验证' }).waitFor();

    // The same page without JavaScript.
    const plain = await demo.newPage(PHONE, { javaScript: false });
    await plain.goto(`${base}${link}`);
    await plain.locator('#remedy').waitFor();
    await screenshot(plain, 'public-track-reply-phone-nojs');
    await noSideScroll(plain);
  });
});
