import assert from 'node:assert/strict';
import request from 'supertest';
import { applicationBody, binary, createTestEnv, type TestEnv } from '../helpers/test-app.js';
import { compactText, requireTools } from '../pdf/pdf-helpers.js';
import { editAgencyDetails } from '../../server/admin/admin-service.js';
import { findAgencyByCode } from '../../server/admin/agency-store.js';

// Issue 12: what the notices say, read back from the issued, signed PDFs (pdftotext). Each states its
// period relative to the addressee's receipt (§2.8) and never an absolute date it could fall short of;
// each says why and what, as chosen for its case; the applicant's words are quoted once.
describe('the notices as issued: periods from receipt and the content of each case (issue 12)', function () {
  this.timeout(90_000);
  let env: TestEnv;
  let appId: number;
  const tokens: Record<string, string> = {};
  const auth = (who: string) => ({ Authorization: `Bearer ${tokens[who]}` });
  const send = async (body: object) => {
    const r = await request(env.app).post(`/api/applications/${appId}/events`).set(auth('cw')).send(body);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body;
  };
  const documents = async () => (await request(env.app).get(`/api/applications/${appId}/documents`).set(auth('cw'))).body.items as { id: number; kind: string; variant: string | null; status: string; templateVersion: number }[];
  /** Issues the newest draft of `kind` and returns its PDF's text, white space removed. */
  const issued = async (kind: string, date = '2026-11-05') => {
    const doc = (await documents()).filter((d) => d.kind === kind && d.status === 'draft').at(-1)!;
    const r = await request(env.app).post(`/api/documents/${doc.id}/issue`).set(auth('cw')).send({ date });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const pdf = (await request(env.app).get(`/api/documents/${doc.id}/pdf`).set(auth('cw')).buffer(true).parse(binary)).body as Buffer;
    return { id: doc.id, version: r.body.templateVersion as number, text: compactText(pdf) };
  };
  const noDoubledQuotes = (text: string) => assert.doesNotMatch(text, /“[‘“"]|[’”"]”/, text);

  before(async () => {
    requireTools('pdftotext');
    env = await createTestEnv({ today: '2026-11-20' });
    for (const u of ['cw', 'admin']) tokens[u] = await env.token(u);
    const ghzy = (await findAgencyByCode(env.db, 'GHZY'))!;
    await editAgencyDetails(env.db, ghzy.id, { address: '东江区丁香路1000号', paymentDetails: '收款单位：东江区财政局非税收入专户；开户银行：东江农商银行世纪支行；账号：310100001234' }, { id: 0, username: 'admin', role: 'admin', agencyId: ghzy.id });
    // The applicant put the request in quotation marks: it is quoted once, with the documents' own marks.
    const r = await request(env.app).post('/api/applications').set(auth('cw'))
      .send(applicationBody({ receivedDate: '2026-11-02', request: { description: '“东江大道改建工程施工许可证”。' } }));
    assert.equal(r.status, 201, JSON.stringify(r.body));
    appId = r.body.id;
  });
  after(async () => env.close());

  it('the correction notice: one-time, the grounds chosen for the case, what to supply, the period from receipt', async () => {
    await send({
      type: 'REQUEST_CORRECTION', date: '2026-11-04', grounds: ['unclear', 'no_identity'], periodWorkingDays: 10,
      items: ['请写明所需施工许可证的工程名称或许可证编号', '请提供申请人身份证复印件'], guidance: '可在本机关门户网站“建设工程许可”栏目查询许可证编号',
    });
    const { text, version } = await issued('correction_notice');
    assert.equal(version, 3);
    assert.ok(text.includes('您申请公开“东江大道改建工程施工许可证”。'), text);
    noDoubledQuotes(text);
    assert.ok(text.includes('经审查，您的申请存在以下情形：申请内容不明确；未提供申请人的身份证明，需要补正。'), text);
    assert.ok(text.includes('本机关现一次性告知您需要补正的全部事项'), text);
    assert.ok(text.includes('1.请写明所需施工许可证的工程名称或许可证编号。') && text.includes('2.请提供申请人身份证复印件。'), text);
    assert.ok(text.includes('可在本机关门户网站“建设工程许可”栏目查询许可证编号。'), text);
    assert.ok(text.includes('请您自收到本告知书之日起10个工作日内，将补正后的申请提交本机关'), text);
    assert.doesNotMatch(text, /请您于\d{4}年/, 'no absolute date');
    await send({ type: 'CORRECTION_RECEIVED', date: '2026-11-06' });
  });

  it('the third-party letter: which information would be disclosed, why this party, 15 working days from receipt', async () => {
    await send({ type: 'START_CONSULTATION', date: '2026-11-09', kind: 'third_party', party: '上海东江建设工程有限公司', ground: 'trade_secret', parts: '施工许可证所附的施工组织设计' });
    const { text, version } = await issued('consultation_letter', '2026-11-10');
    assert.equal(version, 3);
    assert.ok(text.includes('经审查，本机关拟公开的政府信息为：施工许可证所附的施工组织设计。该信息可能涉及贵单位的商业秘密，公开后可能损害贵单位的合法权益。'), text);
    assert.ok(text.includes('第三十二条'));
    assert.ok(text.includes('请贵单位自收到本征求意见书之日起15个工作日内向本机关提出书面意见'), text);
    assert.doesNotMatch(text, /即\d{4}年/, 'no absolute date');
    noDoubledQuotes(text);
  });

  it('the letter to an agency outside the platform: made jointly (Art. 34), 15 working days from receipt, deemed consent', async () => {
    await send({ type: 'START_CONSULTATION', date: '2026-11-10', kind: 'agency', party: '东江区城市管理局', ground: 'joint' });
    const { text, version } = await issued('consultation_letter', '2026-11-10');
    assert.equal(version, 4);
    assert.ok(text.includes('经审查，本机关拟公开的政府信息为：该申请所涉政府信息。该政府信息由本机关与贵单位共同制作。根据《中华人民共和国政府信息公开条例》第三十四条的规定，现征求贵单位对公开该政府信息的意见。'), text);
    assert.ok(text.includes('请贵单位自收到本函之日起15个工作日内向本机关提出书面意见') && text.includes('逾期未提出意见的，视为同意公开'), text);
  });

  it('the fee notice: the month’s count, how to pay (the agency’s details), 20 working days from receipt', async () => {
    const body = await send({ type: 'ISSUE_FEE_NOTICE', date: '2026-11-11', basis: 'per_page', pages: 45 });
    assert.equal(body.history.at(-1).payload.amount, 150);
    const { text, version } = await issued('fee_notice', '2026-11-11');
    assert.equal(version, 3);
    assert.ok(text.includes('四、缴费方式：收款单位：东江区财政局非税收入专户；开户银行：东江农商银行世纪支行；账号：310100001234。缴费时请注明申请编号'), text);
    assert.ok(text.includes('五、缴费期限：请您自收到本通知书之日起20个工作日内缴纳。'), text);
    assert.ok(text.includes('共计45页') && text.includes('人民币150元'), text);
    assert.doesNotMatch(text, /截至\d{4}年/, 'no absolute date');
    noDoubledQuotes(text);
    await send({ type: 'RECORD_PAYMENT', date: '2026-11-12' });

    // 按件: the applicant's eleventh application of the month is the first that costs anything.
    for (let i = 0; i < 10; i++) {
      const r = await request(env.app).post('/api/applications').set(auth('cw')).send(applicationBody({ receivedDate: '2026-11-03' }));
      assert.equal(r.status, 201);
    }
    const r = await request(env.app).post('/api/applications').set(auth('cw')).send(applicationBody({ receivedDate: '2026-11-16' }));
    const eleventh = r.body.id as number;
    const notice = await request(env.app).post(`/api/applications/${eleventh}/events`).set(auth('cw')).send({ type: 'ISSUE_FEE_NOTICE', date: '2026-11-17', basis: 'per_application' });
    assert.equal(notice.status, 200, JSON.stringify(notice.body));
    const nth = notice.body.history.at(-1).payload.nthInMonth as number;
    assert.ok(nth >= 11, String(nth));
    const doc = notice.body.documents.find((d: { kind: string }) => d.kind === 'fee_notice');
    assert.ok(doc.body.includes(`经统计，本件为您2026年11月向本级人民政府及其部门提出的第${nth}件政府信息公开申请。`), doc.body);
  });

  it('the request for reasons (Art. 35): a period from receipt and its consequence', async () => {
    await send({ type: 'REQUEST_REASONS', date: '2026-11-12', note: '请说明逐件申请施工许可证的用途', periodWorkingDays: 10 });
    const { text, version } = await issued('reasons_request', '2026-11-12');
    assert.equal(version, 3);
    assert.ok(text.includes('请您自收到本通知书之日起10个工作日内向本机关书面说明申请理由。请说明逐件申请施工许可证的用途。'), text);
    assert.ok(text.includes('您逾期未说明理由的，本机关将不予处理。'), text);
    assert.equal((await request(env.app).get(`/api/applications/${appId}`).set(auth('cw'))).body.deadlines.reasonsDue, '2026-11-26', 'issued Thu 12 Nov + 10, awaiting delivery');
  });

  it('the delivery receipt: place, method, tracking number, date, signature, refusal and witness', async () => {
    const correction = (await documents()).find((d) => d.kind === 'correction_notice')!;
    const blank = await request(env.app).post(`/api/documents/${correction.id}/delivery-receipt`).set(auth('cw')).send({ method: 'mail', trackingNumber: 'EMS1122334455' });
    assert.equal(blank.status, 201, JSON.stringify(blank.body));
    assert.equal(blank.body.templateVersion, 4);
    const before = compactText((await request(env.app).get(`/api/documents/${blank.body.id}/pdf`).set(auth('cw')).buffer(true).parse(binary)).body as Buffer);
    // Issue 13: the served document's date is its 成文日期 (a notice is sent, not signed off).
    for (const field of ['成文日期：2026年', '送达地点：东江区浦明路88弄5号（邮政编码：200120）', '送达方式：邮寄送达；邮件单号：EMS1122334455', '送达日期：＿＿＿＿年＿＿月＿＿日', '受送达人签名（盖章）：', '拒收事由和日期（由送达人记明）：', '见证人（签名）：', '送达人（签名）：']) {
      assert.ok(before.includes(field), `${field}\n${before}`);
    }
    assert.equal((await request(env.app).post(`/api/documents/${correction.id}/delivered`).set(auth('cw')).send({ date: '2026-11-06', method: 'mail', trackingNumber: 'EMS1122334455', signedBy: '张建国' })).status, 200);
    const filled = await request(env.app).post(`/api/documents/${correction.id}/delivery-receipt`).set(auth('cw')).send({});
    const after = compactText((await request(env.app).get(`/api/documents/${filled.body.id}/pdf`).set(auth('cw')).buffer(true).parse(binary)).body as Buffer);
    assert.ok(after.includes('送达日期：2026年11月6日') && after.includes('受送达人签名（盖章）：张建国') && after.includes('邮件单号：EMS1122334455'), after);
  });
});
