// Issue 14: the administrator manages the systems connected through the data exchange on pages —
// adds one (its secret shown once, on that page only), sees it listed, revokes it — and reads the
// webhook delivery log. The secret works at /api/oauth/token until the client is revoked.
import assert from 'node:assert/strict';
import { login, PHONE, screenshot, useDemoBrowser } from './helpers.js';

describe('browser: connected systems on the admin pages (issue 14)', function () {
  this.timeout(90_000);
  const demo = useDemoBrowser();

  async function token(clientId: string, secret: string): Promise<number> {
    const res = await fetch(`${demo.baseUrl}/api/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: secret }).toString(),
    });
    return res.status;
  }

  it('adds a client with its secret shown once, lists it, and revokes it', async () => {
    const page = await demo.newPage();
    await login(page, demo.baseUrl, 'admin');
    await page.goto(`${demo.baseUrl}/admin/clients`);
    assert.equal(await page.locator('h1').innerText(), '对接系统');
    await page.locator('#name').fill('东江区行政复议案件管理系统');
    await page.locator('select#agency').selectOption('DJQ');
    await page.locator('input[name="scopes"][value="exchange:read"]').check();
    await page.locator('input[name="scopes"][value="exchange:write"]').check();
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: '添加并生成密钥' }).click()]);
    const clientId = (await page.locator('#client-id').innerText()).trim();
    const secret = (await page.locator('#client-secret').innerText()).trim();
    assert.ok(clientId && secret.length >= 32, 'the id and the secret are shown');
    await screenshot(page, 'admin-client-added');
    assert.equal(await token(clientId, secret), 200, 'the secret shown is the one that works');

    // Shown once: the list shows the client, never its secret.
    await page.goto(`${demo.baseUrl}/admin/clients`);
    const row = page.locator('table.grid tbody tr', { hasText: '东江区行政复议案件管理系统' });
    assert.match(await row.innerText(), /东江区人民政府[\s\S]*启用/);
    assert.ok(!(await page.content()).includes(secret), 'the secret is not on the page again');

    const phone = await demo.newPage(PHONE);
    await login(phone, demo.baseUrl, 'admin');
    await phone.goto(`${demo.baseUrl}/admin/clients`);
    const width = await phone.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= PHONE.width, `the page is ${width} px wide on a ${PHONE.width} px screen`);
    assert.ok(await phone.locator('table.grid tbody tr', { hasText: '东江区行政复议案件管理系统' }).locator('button', { hasText: '停用' }).isVisible());
    await screenshot(phone, 'admin-clients-phone');

    await Promise.all([page.waitForNavigation(), row.getByRole('button', { name: '停用' }).click()]);
    assert.match(await page.locator('.flash').innerText(), /已停用 东江区行政复议案件管理系统/);
    assert.match(await page.locator('table.grid tbody tr', { hasText: '东江区行政复议案件管理系统' }).innerText(), /已停用/);
    assert.equal(await token(clientId, secret), 401, 'a revoked client gets no token');
    await screenshot(page, 'admin-clients');
  });

  it('shows the webhook delivery log in Chinese', async () => {
    const page = await demo.newPage();
    await login(page, demo.baseUrl, 'admin');
    const res = await page.goto(`${demo.baseUrl}/admin/webhooks`);
    assert.equal(res?.status(), 200);
    const text = await page.locator('main').innerText();
    assert.doesNotMatch(text, /\b(pending|delivered|failed|undefined|null)\b/, 'no raw status codes');
    await screenshot(page, 'admin-webhooks');
  });
});

describe('browser: an agency’s signing certificate on the admin page (issue 15)', function () {
  this.timeout(90_000);
  const demo = useDemoBrowser();

  it('shows who holds the certificate, who issued it and until when, in Chinese', async () => {
    const page = await demo.newPage();
    await login(page, demo.baseUrl, 'admin');
    await page.goto(`${demo.baseUrl}/admin/agencies`);
    const link = page.locator('a[href^="/admin/agencies/"]', { hasText: '东江区规划和自然资源局' }).first();
    await Promise.all([page.waitForNavigation(), link.click()]);
    const text = await page.locator('main').innerText();
    assert.match(text, /印章与签名证书/);
    assert.match(text, /自签名证书（仅供演示、测试）/);
    assert.match(text, /证书持有者/);
    await screenshot(page, 'admin-agency-certificate');
  });
});
