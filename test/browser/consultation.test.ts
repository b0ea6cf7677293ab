// Two agencies, two people, two browsers: GHZY's caseworker consults JSJT through the platform,
// JSJT's caseworker answers from the inbox (征询件), and the answer appears in GHZY's case (issue 7).
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { DEMO_PASSWORD, login, screenshot, useDemoBrowser } from './helpers.js';
import { applicationBody } from '../helpers/test-app.js';
import { todayInShanghai } from '../../workflows/dates.js';

describe('browser: consultation between two agencies (征询件)', function () {
  this.timeout(90_000);
  const demo = useDemoBrowser();
  let ghzy: Page;
  let jsjt: Page;
  let caseId: number;

  before(async () => {
    [ghzy, jsjt] = [await demo.newPage(), await demo.newPage()];
    // A fresh application at GHZY, registered through the API (the registration form has its own test).
    const base = demo.baseUrl;
    const token = (await (await fetch(`${base}/api/auth/token`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: 'caseworker', password: DEMO_PASSWORD }) })).json()).token;
    const res = await fetch(`${base}/api/applications`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: JSON.stringify(applicationBody({ receivedDate: todayInShanghai(), request: { description: '申请公开东江大道改建工程的施工许可证及附图。' } })),
    });
    const text = await res.text();
    assert.equal(res.status, 201, text);
    caseId = JSON.parse(text).id;
  });

  it('GHZY sends the letter, JSJT answers from its inbox, GHZY sees the answer', async () => {
    const base = demo.baseUrl;
    await login(ghzy, base, 'caseworker');
    await ghzy.goto(`${base}/applications/${caseId}`);
    await ghzy.locator('#form-consult-agencies summary').click();
    await ghzy.locator('#form-consult-agencies input[name="agencyCodes"][value="DJQ-JSJT"]').check();
    await ghzy.locator('#form-consult-agencies textarea[name="parts"]').fill('施工许可证附图中由区建设和交通委制作的部分');
    await Promise.all([ghzy.waitForNavigation(), ghzy.locator('#form-consult-agencies button[type="submit"]').click()]);
    const row = ghzy.locator('tr.consultation[data-agency="DJQ-JSJT"]');
    await row.waitFor();
    assert.match(await row.innerText(), /待回复/);
    assert.match(await row.innerText(), /站内征询件/);
    await screenshot(ghzy, 'consultation-sent');

    await login(jsjt, base, 'caseworker2');
    const badge = jsjt.locator('#inbox-count');
    assert.ok(Number(await badge.innerText()) >= 1, 'the inbox count is in the navigation bar');
    await jsjt.goto(`${base}/consultations`);
    const item = jsjt.locator('#consultation-list tbody tr', { hasText: '施工许可证附图中由区建设和交通委制作的部分' });
    await item.waitFor();
    await screenshot(jsjt, 'consultation-inbox');
    await Promise.all([jsjt.waitForNavigation(), item.locator('a').first().click()]);
    assert.match(await jsjt.locator('#consultation-parts').innerText(), /施工许可证附图/);
    await jsjt.locator('#answer-form input[name="opinion"][value="object"]').check();
    await jsjt.locator('#answer-form textarea[name="reasons"]').fill('附图涉及在建工程安全，属于不予公开的情形');
    await jsjt.locator('#answer-form input[type="file"]').setInputFiles({ name: '复函.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4 reply') });
    await Promise.all([jsjt.waitForNavigation(), jsjt.locator('#answer-form button[type="submit"]').click()]);
    assert.equal(await jsjt.locator('#consultation-status').innerText(), '已答复');
    assert.equal(await jsjt.locator('#consultation-opinion').innerText(), '不同意公开');
    await screenshot(jsjt, 'consultation-answered');

    await ghzy.reload();
    const answered = ghzy.locator('tr.consultation[data-agency="DJQ-JSJT"] td.opinion');
    assert.match(await answered.innerText(), /不同意公开/);
    assert.match(await answered.innerText(), /附图涉及在建工程安全/);
    assert.match(await answered.innerText(), /在系统内答复/);
    assert.ok(await ghzy.locator('.files a', { hasText: '复函.pdf' }).count() >= 1, 'the answer’s file is in the case');
    await screenshot(ghzy, 'consultation-in-case');
  });
});
