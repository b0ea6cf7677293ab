import assert from 'node:assert/strict';
import request from 'supertest';
import { createTestEnv, csrfOf, residentId, type TestEnv } from '../helpers/test-app.js';
import { startSmtp, type TestSmtp } from '../helpers/smtp.js';

/** The statutory form as an applicant fills it online (issue 16). */
function publicBody(email: string) {
  return {
    agency: 'GHZY', email,
    applicant: { kind: 'natural_person', name: '李秀英', idType: 'resident_id', idNumber: residentId('31011519780405202') },
    request: { description: '申请公开东江区某地块的建设工程规划许可证。', delivery: 'email' },
  };
}

/** Issue 16: the applicant asks for the email code again. Its own database: the abuse counters start at zero. */
describe('asking for the email code again (issue 16)', () => {
  let env: TestEnv;
  let smtp: TestSmtp;
  const codeOf = (text: string) => /验证码[：:]\s*(\d{6})/.exec(text)![1]!;

  before(async () => {
    smtp = await startSmtp();
    env = await createTestEnv({ today: '2026-11-20' });
    env.ctx.config.mail = { smtpUrl: smtp.url, from: 'gongkai@djq.example.gov.cn', publicBaseUrl: 'https://gk.djq.example.gov.cn' };
  });
  after(async () => {
    await env.close();
    await smtp.close();
  });

  it('a new code can be asked for: the one before stops working; asking again within a minute is refused (429, in Chinese)', async () => {
    const email = 'resend@example.cn';
    const started = await request(env.app).post('/api/public/applications').send(publicBody(email));
    assert.equal(started.status, 202);
    const id = started.body.submissionId as string;
    const first = codeOf((await smtp.waitFor(email, /验证码/)).subject);
    const tooSoon = await request(env.app).post(`/api/public/applications/${id}/resend`);
    assert.equal(tooSoon.status, 429);
    assert.match(tooSoon.body.message, /验证码刚刚发出，请 \d+ 秒后再重新获取/);
    // A minute later.
    await env.db('online_submissions').where({ public_id: id }).update({ code_sent_at: new Date(Date.now() - 61_000).toISOString() });
    const resent = await request(env.app).post(`/api/public/applications/${id}/resend`);
    assert.equal(resent.status, 202, JSON.stringify(resent.body));
    assert.equal(resent.body.email, email);
    const mail = await smtp.waitFor(email, /验证码/);
    assert.match(mail.text, /此前发送的验证码已失效/);
    const second = codeOf(mail.subject);
    if (second !== first) {
      const old = await request(env.app).post(`/api/public/applications/${id}/confirm`).send({ code: first });
      assert.equal(old.status, 422, 'the first code no longer works');
    }
    assert.equal((await request(env.app).post(`/api/public/applications/${id}/confirm`).send({ code: second })).status, 201);
    // Sent: no more codes for it.
    assert.equal((await request(env.app).post(`/api/public/applications/${id}/resend`)).status, 404);
  });

  it('resending counts against the per-address limit of submissions', async () => {
    const email = 'resend.limit@example.cn';
    const started = await request(env.app).post('/api/public/applications').send(publicBody(email));
    assert.equal(started.status, 202);
    const id = started.body.submissionId as string;
    const back = () => env.db('online_submissions').where({ public_id: id }).update({ code_sent_at: new Date(Date.now() - 61_000).toISOString() });
    for (let i = 0; i < 4; i++) {
      await back();
      assert.equal((await request(env.app).post(`/api/public/applications/${id}/resend`)).status, 202, `resend ${i + 1}`);
    }
    await back();
    const over = await request(env.app).post(`/api/public/applications/${id}/resend`);
    assert.equal(over.status, 429);
    assert.match(over.body.message, /过于频繁/);
  });

  it('the code page offers a new code without JavaScript; too soon, it says how long to wait', async () => {
    const agent = request.agent(env.app);
    const csrf = csrfOf((await agent.get('/apply')).text);
    const fields: Record<string, string> = {
      _csrf: csrf, agency: 'GHZY', email: 'resend.form@example.cn', website: '', 'applicant.kind': 'natural_person', 'applicant.name': '何某某', 'applicant.idType': 'resident_id',
      'applicant.idNumber': residentId('31011519900101303'), 'request.description': '申请公开某路段拓宽工程的立项批复。', 'request.delivery': 'online',
    };
    const page = await agent.post('/apply').type('form').send(fields);
    assert.equal(page.status, 200);
    const action = /action="(\/apply\/[^"]+\/resend)"/.exec(page.text)![1]!;
    assert.match(page.text, /重新获取验证码/);
    await smtp.waitFor('resend.form@example.cn', /验证码/);
    const soon = await agent.post(action).type('form').send({ _csrf: csrf });
    assert.equal(soon.status, 429);
    assert.match(soon.text, /秒后再重新获取/);
    const publicId = /\/apply\/([^/]+)\/resend/.exec(action)![1]!;
    await env.db('online_submissions').where({ public_id: publicId }).update({ code_sent_at: new Date(Date.now() - 61_000).toISOString() });
    const again = await agent.post(action).type('form').send({ _csrf: csrf });
    assert.equal(again.status, 200);
    assert.match(again.text, /新的验证码已发送，之前的验证码已失效/);
    assert.match((await smtp.waitFor('resend.form@example.cn', /验证码/)).text, /此前发送的验证码已失效/);
  });
});
