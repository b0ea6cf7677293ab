import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { serveNotice } from '../helpers/notices.js';
import { applicationBody, binary, createTestEnv, csrfOf, loginAgent, type TestEnv } from '../helpers/test-app.js';
import { tamper } from '../helpers/history.js';
import { requireTools } from '../pdf/pdf-helpers.js';
import { DECISIONS } from '../../workflows/decisions.js';
import { renderDocumentText, type DocumentTemplateData } from '../../server/documents/document-templates.js';

// Issue 12, read as a court would: every reply a caseworker can draft goes draft → confidentiality
// review → sign-off through the API on the real database, and the signed PDF, read back with
// pdftotext, cites exactly the Regulation's article and item its decision rests on (and never the
// alternative it did not take), states the facts behind it and the remedies the agency's setting
// gives it. The lapse replies and the transfer notice are issued as the desk issues them.

const REG = '《中华人民共和国政府信息公开条例》';
const FIRST = ['第二十三条第一款第（四）项', '自收到行政复议决定书之日起十五日内', '《中华人民共和国行政诉讼法》第四十五条'];
const ORDINARY = ['《中华人民共和国行政复议法》第二十条第一款', '自收到本答复之日起六个月内', '《中华人民共和国行政诉讼法》第四十六条第一款'];
/** The text as read, without line breaks and the page numbers (—1—) the layout puts between pages. */
const compact = (s: string) => s.replace(/\s+/gu, '').replace(/—\d+—/gu, '');

describe('replies cite the exact legal basis and the facts behind it (issue 12)', function () {
  this.timeout(120_000);
  let env: TestEnv;
  const tokens: Record<string, string> = {};
  const auth = (who: string) => ({ Authorization: `Bearer ${tokens[who]}` });
  const send = (id: number, who: string, body: object) => request(env.app).post(`/api/applications/${id}/events`).set(auth(who)).send(body);
  const ok = async (id: number, who: string, body: object) => {
    const r = await send(id, who, body);
    assert.equal(r.status, 200, `${JSON.stringify(body)} → ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const register = async (receivedDate = '2026-11-02', who = 'cw', request_?: object) => {
    const r = await request(env.app).post('/api/applications').set(auth(who)).send(applicationBody({ receivedDate, ...(request_ ? { request: request_ } : {}) }));
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body.id as number;
  };
  const documents = async (id: number, who = 'cw') => (await request(env.app).get(`/api/applications/${id}/documents`).set(auth(who))).body.items as {
    id: number; kind: string; status: string; number: string | null; issuedDate: string | null; templateName: string; templateVersion: number;
  }[];
  const issueNotice = async (id: number, kind: string, date: string) => {
    const doc = (await documents(id)).find((d) => d.kind === kind && d.status === 'draft')!;
    const r = await request(env.app).post(`/api/documents/${doc.id}/issue`).set(auth('cw')).send({ date });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body as { number: string; issuedDate: string };
  };
  let n = 0;
  const textOf = async (docId: number, who = 'cw') => {
    const pdf = (await request(env.app).get(`/api/documents/${docId}/pdf`).set(auth(who)).buffer(true).parse(binary)).body as Buffer;
    const file = join(env.dataDir, `reply-${++n}.pdf`);
    writeFileSync(file, pdf);
    const r = spawnSync('pdftotext', [file, '-'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return compact(r.stdout);
  };
  /** Review and sign-off: the signed reply's text as printed. */
  const signed = async (id: number, date = '2026-11-10', staff = ['cw', 'rev', 'appr']) => {
    const [cw, rev, appr] = staff as [string, string, string];
    await ok(id, cw, { type: 'SUBMIT_FOR_REVIEW', date });
    await ok(id, rev, { type: 'APPROVE_REVIEW', date });
    await ok(id, appr, { type: 'ISSUE_REPLY', date });
    const reply = (await documents(id, cw)).find((d) => d.kind === 'reply' && d.status === 'issued')!;
    return { text: await textOf(reply.id, cw), reply };
  };
  const draftAndSign = async (decision: string, facts: object, opts: { id?: number; date?: string } = {}) => {
    const id = opts.id ?? (await register());
    const date = opts.date ?? '2026-11-10';
    await ok(id, 'cw', { type: 'DRAFT_REPLY', date, decision, ...facts });
    return { id, ...(await signed(id, date)) };
  };
  const has = (text: string, ...parts: string[]) => {
    for (const p of parts) assert.ok(text.includes(compact(p)), `expected “${p}” in\n${text}`);
  };
  const lacks = (text: string, ...parts: string[]) => {
    for (const p of parts) assert.ok(!text.includes(compact(p)), `did not expect “${p}” in\n${text}`);
  };
  const remedies = (text: string, first: boolean) => {
    if (first) {
      has(text, ...FIRST);
      lacks(text, '六个月');
    } else {
      has(text, ...ORDINARY);
      lacks(text, '第二十三条');
    }
  };
  const thirdPartyConsulted = async (id: number, opinion: 'object' | 'none' = 'object') => {
    const view = await ok(id, 'cw', { type: 'START_CONSULTATION', date: '2026-11-03', kind: 'third_party', party: '东江某某置业有限公司' });
    const consultationId = view.consultations.at(-1).id as string;
    await ok(id, 'cw', { type: 'RECORD_OPINION', date: '2026-11-06', consultationId, opinion, ...(opinion === 'object' ? { reasons: '涉及商业秘密' } : {}) });
    return consultationId;
  };
  const earlier: { number?: string; date?: string } = {};

  before(async () => {
    requireTools('pdftotext');
    env = await createTestEnv({ today: '2026-11-20' });
    for (const u of ['cw', 'rev', 'appr', 'cw2', 'rev2', 'appr2']) tokens[u] = await env.token(u);
  });
  after(async () => env.close());

  describe('予以公开: Art. 36(一) or 36(二), never both', () => {
    it('provided with the reply: Art. 36(二), each document listed with its pages, and how it is handed over', async () => {
      const { text, reply } = await draftAndSign('disclose', {
        disclosure: { mode: 'provided', items: [{ title: '东江区控制性详细规划局部调整批复', pages: 3 }, { title: '批复附图', pages: 1 }], delivery: 'paper' },
      });
      has(text, `${REG}第三十六条第（二）项的规定，本机关决定予以公开`, '1.东江区控制性详细规划局部调整批复（共3页）。', '2.批复附图（共1页）。', '上述政府信息以纸质形式随本答复书一并提供。');
      lacks(text, '第三十六条第（一）项', '第（一）项、第（二）项');
      remedies(text, false);
      Object.assign(earlier, { number: reply.number, date: reply.issuedDate });
    });

    it('already published: Art. 36(一), where and since when', async () => {
      const { text } = await draftAndSign('disclose', {
        disclosure: { mode: 'published', url: 'https://www.djq.gov.cn/ghzy/kg/2025.html', section: '控制性详细规划', publishedDate: '2025-04-10' },
      });
      has(text, `${REG}第三十六条第（一）项`, '该政府信息已于2025年4月10日在“控制性详细规划”栏目主动公开', 'https://www.djq.gov.cn/ghzy/kg/2025.html');
      lacks(text, '第三十六条第（二）项', '第（二）项');
      remedies(text, false);
    });

    it('on the spot: the same facts, the same citation, in the reply issued there and then', async () => {
      const id = await register('2026-11-10');
      const done = await ok(id, 'cw', {
        type: 'REPLY_ON_THE_SPOT', date: '2026-11-10', decision: 'disclose',
        disclosure: { mode: 'published', url: 'https://www.djq.gov.cn/ghzy/ndbg/2025.html', section: '政府信息公开年度报告' },
      });
      // Issued there and then (issue 12: a case closed on the spot has its reply issued, not a draft).
      const reply = done.documents.find((d: { kind: string; status: string }) => d.kind === 'reply' && d.status === 'issued');
      assert.ok(reply, 'the on-the-spot reply is issued in the same transaction');
      const text = await textOf(reply.id);
      has(text, `${REG}第三十六条第（一）项`, '该政府信息已在“政府信息公开年度报告”栏目主动公开', 'https://www.djq.gov.cn/ghzy/ndbg/2025.html');
      lacks(text, '第（二）项');
    });

    it('provided later: Art. 36(二) with the way, the channel and the date (另行提供)', async () => {
      const { text } = await draftAndSign('disclose', {
        disclosure: { mode: 'later', items: [{ title: '2025年度建设用地供应台账', pages: 240 }], delivery: 'email', availableDate: '2026-12-04' },
      });
      has(text, `${REG}第三十六条第（二）项`, '获取该政府信息的方式、途径和时间', '本机关将于2026年12月4日前以电子文档形式向您申请时提供的电子邮箱发送以下政府信息', '1.2025年度建设用地供应台账（共240页）。');
      lacks(text, '第三十六条第（一）项');
    });
  });

  it('部分公开: Art. 37 for separating, 36(二) for the part provided, and each part withheld with its own ground and 36(三)', async () => {
    const id = await register();
    const consultationId = await thirdPartyConsulted(id);
    const { text } = await draftAndSign('partial', {
      reasons: '评估报告依法归档管理；账户明细涉及第三方商业秘密。',
      provided: [{ title: '房屋征收范围红线图', pages: 2 }],
      withheld: [
        { ground: 'withhold.law_prohibited', part: '征收档案中的评估报告', law: { name: '《中华人民共和国档案法》', article: '第二十七条' } },
        { ground: 'withhold.third_party', part: '资金监管账户明细' },
        { ground: 'withhold.process_info', part: '征收指挥部会议纪要' },
      ],
      thirdParty: { consultationId, publicInterest: '不公开该账户明细不会对公共利益造成重大影响' },
    }, { id });
    has(text,
      `${REG}第三十七条的规定`,
      `根据${REG}第三十六条第（二）项的规定，向您提供以下政府信息`, '1.房屋征收范围红线图（共2页）。',
      `1.征收档案中的评估报告：属于法律、行政法规禁止公开的政府信息，根据《中华人民共和国档案法》第二十七条和${REG}第十四条、第三十六条第（三）项的规定，不予公开。`,
      `2.资金监管账户明细：涉及商业秘密、个人隐私等，公开会对第三方合法权益造成损害，根据${REG}第十五条、第三十六条第（三）项的规定，不予公开。`,
      `3.征收指挥部会议纪要：属于行政机关在履行行政管理职能过程中形成的过程性信息，根据${REG}第十六条第二款、第三十六条第（三）项的规定，不予公开。`,
      '本机关于2026年11月3日', '第三方于2026年11月6日书面答复不同意公开', '对公共利益进行了权衡：不公开该账户明细不会对公共利益造成重大影响。',
      '不予公开的理由：评估报告依法归档管理；账户明细涉及第三方商业秘密。');
    lacks(text, '《《', '东江某某置业有限公司');
    remedies(text, true);
  });

  describe('不予公开: the ground, its article, Art. 36(三), and reconsideration first', () => {
    const plain: [string, string[]][] = [
      ['withhold.state_secret', ['依法确定为国家秘密', `${REG}第十四条、第三十六条第（三）项`]],
      ['withhold.security_stability', ['国家安全、公共安全、经济安全、社会稳定', `${REG}第十四条、第三十六条第（三）项`]],
      ['withhold.internal_affairs', ['内部事务信息', `${REG}第十六条第一款、第三十六条第（三）项`]],
      ['withhold.process_info', ['过程性信息', `${REG}第十六条第二款、第三十六条第（三）项`]],
      ['withhold.enforcement_file', ['行政执法案卷信息', `${REG}第十六条第二款、第三十六条第（三）项`]],
    ];
    for (const [decision, cites] of plain) {
      it(`${decision}: ${cites.at(-1)!.slice(REG.length)}`, async () => {
        const { text } = await draftAndSign(decision, { reasons: '经审查，理由如下：某某。' });
        has(text, ...cites, '理由如下：某某。');
        remedies(text, true);
      });
    }

    it('withhold.law_prohibited: the law and its article, printed with Art. 14', async () => {
      const { text } = await draftAndSign('withhold.law_prohibited', { reasons: '该档案尚在封闭期内。', law: { name: '中华人民共和国档案法', article: '第二十七条' } });
      has(text, '属于《中华人民共和国档案法》第二十七条规定禁止公开的政府信息', `根据《中华人民共和国档案法》第二十七条和${REG}第十四条、第三十六条第（三）项的规定`);
      remedies(text, true);
    });

    it('withhold.inquiry: the special law and its article, under Art. 36(七)', async () => {
      const { text } = await draftAndSign('withhold.inquiry', { reasons: '不动产登记资料依法查询。', law: { name: '不动产登记暂行条例', article: '第二十七条' }, referTo: '东江区不动产登记中心' });
      has(text, '《不动产登记暂行条例》第二十七条对该类信息的获取有特别规定', `${REG}第三十六条第（七）项`, '请您依照《不动产登记暂行条例》的规定向东江区不动产登记中心申请查询');
      remedies(text, true);
    });

    it('withhold.third_party: the date the third party was asked, its opinion (or silence), and the public-interest weighing', async () => {
      const objecting = await register();
      const c1 = await thirdPartyConsulted(objecting);
      const objected = await draftAndSign('withhold.third_party', { reasons: '该信息涉及第三方商业秘密。', thirdParty: { consultationId: c1, publicInterest: '该信息仅涉及企业内部经营，不公开不会对公共利益造成重大影响' } }, { id: objecting });
      has(objected.text, '本机关于2026年11月3日依照', '第三方于2026年11月6日书面答复不同意公开', '对公共利益进行了权衡：该信息仅涉及企业内部经营，不公开不会对公共利益造成重大影响。', `${REG}第十五条、第三十二条、第三十六条第（三）项`);
      lacks(objected.text, '东江某某置业有限公司');
      remedies(objected.text, true);
      const silentCase = await register();
      const c2 = await thirdPartyConsulted(silentCase, 'none');
      const silent = await draftAndSign('withhold.third_party', { reasons: '该信息涉及个人隐私。', thirdParty: { consultationId: c2, publicInterest: '不公开不会对公共利益造成重大影响' } }, { id: silentCase });
      has(silent.text, '本机关于2026年11月3日依照', '第三方在规定期限内未提出意见');
      lacks(silent.text, '不同意公开');
    });
  });

  describe('本机关不掌握: Art. 36(四) with the search, or 36(五) with the agency and its contact — never both', () => {
    it('36(四): the search done, and that the information does not exist', async () => {
      const { text } = await draftAndSign('unavailable.not_held', { reasons: '本机关未制作或获取该信息。', search: '检索了本机关2019年至2026年的收文、发文登记簿和档案目录' });
      has(text, '检索情况：检索了本机关2019年至2026年的收文、发文登记簿和档案目录。', `${REG}第三十六条第（四）项`, '该政府信息不存在');
      lacks(text, '第（五）项');
      remedies(text, false);
    });

    it('36(五): the agency responsible and its contact', async () => {
      const { text } = await draftAndSign('unavailable.not_held', {
        reasons: '该信息由区住房和城乡建设局制作并保存。', responsibleAgency: { name: '东江区住房和城乡建设局', contact: '联系电话：0760-87654321' },
      });
      has(text, `${REG}第三十六条第（五）项`, '负责公开该政府信息的行政机关为东江区住房和城乡建设局，联系电话：0760-87654321。');
      lacks(text, '第（四）项', '该政府信息不存在');
    });

    it('both alternatives at once are refused, naming the field', async () => {
      const id = await register();
      const r = await send(id, 'cw', { type: 'DRAFT_REPLY', date: '2026-11-10', decision: 'unavailable.not_held', reasons: '理由', search: '检索', responsibleAgency: { name: '甲局', contact: '电话1' } });
      assert.equal(r.status, 422);
      assert.ok(r.body.fields?.search, JSON.stringify(r.body));
    });
  });

  it('unavailable.needs_creation cites Art. 38; unavailable.unclear the correction notice by its date and number (Art. 30)', async () => {
    const needs = (await draftAndSign('unavailable.needs_creation', { reasons: '需要对现有信息进行汇总统计。' })).text;
    has(needs, `${REG}第三十八条`);
    remedies(needs, false);
    const id = await register();
    await ok(id, 'cw', { type: 'REQUEST_CORRECTION', date: '2026-11-03', items: ['请写明所需文件的名称'], periodWorkingDays: 10 });
    const notice = await issueNotice(id, 'correction_notice', '2026-11-03');
    await ok(id, 'cw', { type: 'CORRECTION_RECEIVED', date: '2026-11-05' });
    const { text } = await draftAndSign('unavailable.unclear', { reasons: '补正后仍未写明所需文件。' }, { id });
    has(text, `本机关已于2026年11月3日以《补正申请告知书》（${notice.number}）依照${REG}第三十条`, `${REG}第二十九条第二款第（二）项、第三十条`);
    remedies(text, false);
  });

  describe('不予处理: the article, and the facts behind it', () => {
    it('not_processed.repeat: the earlier reply’s date and number (Art. 36(六))', async () => {
      assert.ok(earlier.number, 'an earlier reply was issued above');
      const { text } = await draftAndSign('not_processed.repeat', { reasons: '两次申请的内容相同。', earlierReply: { number: earlier.number, date: earlier.date } });
      has(text, `本机关已于2026年11月10日就您提出的相同政府信息公开申请作出答复（${earlier.number}）`, `${REG}第三十六条第（六）项`);
      remedies(text, false);
    });

    it('not_processed.excessive: the request for reasons by its notice, the count and period, and the applicant’s answer (Art. 35)', async () => {
      const id = await register();
      const asked = await ok(id, 'cw', { type: 'REQUEST_REASONS', date: '2026-11-03' });
      const monthCount = asked.history.at(-1).payload.monthCount as number;
      const notice = await issueNotice(id, 'reasons_request', '2026-11-03');
      const { text } = await draftAndSign('not_processed.excessive', {
        reasons: '申请人未说明正当理由。',
        excessive: { count: monthCount, period: { from: '2026-11-01', to: '2026-11-03' }, applicantAnswer: '申请人于2026年11月6日答复称“需要逐件核对”，未说明用途' },
      }, { id });
      has(text, `2026年11月1日至2026年11月3日期间，您共提出政府信息公开申请${monthCount}件`, `本机关已于2026年11月3日以《${'要求说明理由通知书'}》（${notice.number}）`,
        '您的答复情况：申请人于2026年11月6日答复称“需要逐件核对”，未说明用途。', `${REG}第三十五条`);
      remedies(text, false);
    });

    for (const [decision, article] of [['not_processed.petition', '第三十九条第一款'], ['not_processed.publication', '第三十九条第二款'], ['not_processed.confirm_or_reissue', '第二条、第三十八条']]) {
      it(`${decision}: ${article}`, async () => {
        const { text } = await draftAndSign(decision!, { reasons: '理由如下：某某。' });
        has(text, `${REG}${article}`, '理由如下：某某。');
        remedies(text, false);
      });
    }
  });

  describe('其他处理', () => {
    it('other.other: the stated reason and basis', async () => {
      const { text } = await draftAndSign('other.other', { reasons: '申请人书面撤回申请。', basis: '申请人于2026年11月6日提交的《撤回申请书》' });
      has(text, '申请人书面撤回申请。', '依据：申请人于2026年11月6日提交的《撤回申请书》。本机关终止处理该政府信息公开申请。');
      remedies(text, false);
    });

    it('Art. 41: a request to correct the applicant’s own records has its own reply (counted as other.other)', async () => {
      const id = await register('2026-11-02', 'cw', { description: '本人在房屋征收补偿登记中的姓名有误，申请更正。' });
      const { text, reply } = await draftAndSign('other.other', {
        recordsCorrection: { record: '本机关2024年房屋征收补偿登记中您的姓名', outcome: 'corrected', correction: '“张建囯”更正为“张建国”', correctedDate: '2026-11-09' },
      }, { id });
      assert.equal(reply.templateName, 'reply.other.records_correction');
      has(text, '政府信息更正申请答复书', `${REG}第四十一条`, '本机关已于2026年11月9日予以更正，更正的内容为：“张建囯”更正为“张建国”。');
      lacks(text, '政府信息公开申请答复书');
      remedies(text, false);
      assert.equal((await request(env.app).get(`/api/applications/${id}`).set(auth('cw'))).body.decision, 'other.other', 'counted in （六）3');
    });

    it('other.correction_lapsed: the correction notice’s date and number and the period that ran out (Art. 30)', async () => {
      const id = await register();
      await ok(id, 'cw', { type: 'REQUEST_CORRECTION', date: '2026-11-02', items: ['请写明所需文件的名称'], periodWorkingDays: 3 });
      // Issued on 2 Nov, received on 4 Nov: the 3 working days run to 9 Nov (§2.8), lapsed on the 20th.
      const notice = await serveNotice(env.app, tokens.cw!, id, 'correction_notice', '2026-11-02', '2026-11-04');
      const lapsed = await ok(id, 'cw', { type: 'CORRECTION_LAPSED', date: '2026-11-20' });
      const draft = lapsed.documents.find((d: { kind: string; status: string }) => d.kind === 'reply' && d.status === 'draft');
      const signedReply = await request(env.app).post(`/api/documents/${draft.id}/issue`).set(auth('appr')).send({ date: '2026-11-20' });
      assert.equal(signedReply.status, 200, JSON.stringify(signedReply.body));
      const text = await textOf(draft.id);
      has(text, `本机关已于2026年11月2日以《补正申请告知书》（${notice.number}）依照${REG}第三十条`, '补正期限截至2026年11月9日', '视为您放弃申请');
      remedies(text, false);
    });

    it('other.fee_unpaid: the fee notice’s date and number and the payment period that ran out', async () => {
      const id = await register('2026-09-01');
      await ok(id, 'cw', { type: 'ISSUE_FEE_NOTICE', date: '2026-09-02', basis: 'per_page', pages: 120 });
      const notice = await serveNotice(env.app, tokens.cw!, id, 'fee_notice', '2026-09-02', '2026-09-04');
      const lapsed = await ok(id, 'cw', { type: 'FEE_LAPSED', date: '2026-11-20' });
      const draft = lapsed.documents.find((d: { kind: string; status: string }) => d.kind === 'reply' && d.status === 'draft');
      assert.equal((await request(env.app).post(`/api/documents/${draft.id}/issue`).set(auth('appr')).send({ date: '2026-11-20' })).status, 200);
      const text = await textOf(draft.id);
      has(text, `本机关已于2026年9月2日以《收费通知书》（${notice.number}）向您发出收费通知`, '缴费期限截至', '国办函〔2020〕109号');
      remedies(text, false);
    });
  });

  it('every decision that refuses anything is refused without reasons (422 naming reasons); 予以公开 needs none', async () => {
    const id = await register();
    const refusing = DECISIONS.filter((d) => !['disclose', 'other.correction_lapsed', 'other.fee_unpaid'].includes(d.code));
    for (const d of refusing) {
      const r = await send(id, 'cw', { type: 'DRAFT_REPLY', date: '2026-11-10', decision: d.code });
      assert.equal(r.status, 422, d.code);
      assert.ok(r.body.fields?.reasons, `${d.code}: ${JSON.stringify(r.body)}`);
      assert.match(r.body.message, /须写明理由/);
    }
    const onTheSpot = await send(id, 'cw', { type: 'REPLY_ON_THE_SPOT', date: '2026-11-10', decision: 'not_processed.publication' });
    assert.equal(onTheSpot.status, 422);
    assert.ok(onTheSpot.body.fields?.reasons, 'a reply on the spot too');
    const missing = await send(id, 'cw', { type: 'DRAFT_REPLY', date: '2026-11-10', decision: 'disclose' });
    assert.equal(missing.status, 422);
    assert.ok(missing.body.fields?.['disclosure.mode'], 'but it says how the information is obtained');
    assert.equal((await documents(id)).filter((d) => d.kind === 'reply').length, 0, 'nothing was drafted');
  });

  it('the remedies paragraph follows the agency’s setting of which decisions carry reconsideration first', async () => {
    // 东江区建设和交通委员会 (JSJT): the administrator's page sets the list (not free text).
    const admin = await loginAgent(env.app, 'admin');
    const jsjt = (await env.db('agencies').where({ code: 'JSJT' }).first('id')).id as number;
    const page = await admin.get(`/admin/agencies/${jsjt}`);
    assert.equal(page.status, 200);
    assert.match(page.text, /复议前置的答复类型/);
    const saved = await admin.post(`/admin/agencies/${jsjt}`).type('form')
      .send(`_csrf=${encodeURIComponent(csrfOf(page.text))}&reconsiderationBody=${encodeURIComponent('东江区人民政府')}&court=${encodeURIComponent('东江区人民法院')}` +
        `&address=${encodeURIComponent('东江区锦绣路300号')}&phone=0760-22223333&reconsiderationFirst=&reconsiderationFirst=partial&reconsiderationFirst=not_processed.repeat`);
    assert.equal(saved.status, 303, saved.text);
    const agency = await env.db('agencies').where({ id: jsjt }).first('reconsideration_first');
    assert.deepEqual(JSON.parse(agency.reconsideration_first), ['partial', 'not_processed.repeat']);
    const draftJsjt = async (decision: string, facts: object) => {
      const id = await register('2026-11-02', 'cw2');
      await ok(id, 'cw2', { type: 'DRAFT_REPLY', date: '2026-11-10', decision, ...facts });
      return (await signed(id, '2026-11-10', ['cw2', 'rev2', 'appr2'])).text;
    };
    // Withholding as process information: no longer listed, so the ordinary remedies.
    remedies(await draftJsjt('withhold.process_info', { reasons: '属于过程性信息。' }), false);
    // A repeat: listed, so reconsideration first.
    remedies(await draftJsjt('not_processed.repeat', { reasons: '重复申请。', earlierReply: { number: '东建交公复〔2026〕1号', date: '2026-10-09' } }), true);
    // Back to the default: withholding replies and partial.
    const again = await admin.get(`/admin/agencies/${jsjt}`);
    assert.equal((await admin.post(`/admin/agencies/${jsjt}`).type('form')
      .send(`_csrf=${encodeURIComponent(csrfOf(again.text))}&reconsiderationBody=${encodeURIComponent('东江区人民政府')}&court=${encodeURIComponent('东江区人民法院')}` +
        `&address=${encodeURIComponent('东江区锦绣路300号')}&phone=0760-22223333&reconsiderationFirstDefault=1`)).status, 303);
    assert.equal((await env.db('agencies').where({ id: jsjt }).first('reconsideration_first')).reconsideration_first, null);
    const refused = await admin.post(`/admin/agencies/${jsjt}`).type('form').send(`_csrf=${encodeURIComponent(csrfOf(again.text))}&reconsiderationFirst=withhold.nothing`);
    assert.equal(refused.status, 422);
  });

  it('the transfer notice names the receiving agency and its contact (Art. 36(五)) and promises nothing on its behalf', async () => {
    const id = await register();
    const t = await ok(id, 'appr', { type: 'TRANSFER', date: '2026-11-10', agencyCode: 'JSJT', reason: '该工程档案由区建设和交通委制作并保存。' });
    const notice = t.documents.find((d: { kind: string; status: string }) => d.kind === 'reply' && d.status === 'issued');
    assert.ok(notice, 'issued at the transfer');
    const text = await textOf(notice.id);
    has(text, `${REG}第三十六条第（五）项`, '负责公开该政府信息的行政机关为东江区建设和交通委员会，联系地址：东江区锦绣路300号；联系电话：0760-22223333。',
      `本机关已于2026年11月10日将您的申请材料转送该机关（该机关登记编号：${t.transfer.to.caseNumber}）`);
    lacks(text, '无需另行', '无需另行提出申请', '将自收到之日起依法向您作出答复', '第（四）项');
    remedies(text, false);
    // An agency with no contact on record cannot be named under Art. 36(五): refused before anything is written.
    const other = await register();
    const refused = await send(other, 'appr', { type: 'TRANSFER', date: '2026-11-10', agencyCode: 'DJQ', reason: '由区政府办公室保存。' });
    assert.equal(refused.status, 422);
    assert.match(refused.body.message, /未登记联系地址或电话/);
  });

  it('a draft recorded before issue 12 (no facts in its payload) still previews, is reviewed and signed as it was written', async () => {
    const id = await register();
    await ok(id, 'cw', { type: 'DRAFT_REPLY', date: '2026-11-10', decision: 'disclose', disclosure: { mode: 'provided', items: [{ title: '规划批复文件' }], delivery: 'paper' } });
    const draft = (await documents(id)).find((d) => d.kind === 'reply')!;
    // As the version before left it: the payload, the draft in the snapshot, and the stored document.
    const oldBody = [
      '张建国：',
      '本机关于2026年11月2日收到您提出的政府信息公开申请（申请编号：GHZY-2026-0001），您申请公开“某地块控制性详细规划调整的批复文件”。现答复如下：',
      `经审查，您申请公开的政府信息属于可以公开的政府信息。根据${REG}第三十六条第（一）项、第（二）项的规定，本机关决定予以公开。`,
      '予以公开的政府信息及获取方式：规划批复文件。',
      '如对本答复不服，可以自收到本答复之日起六十日内向东江区人民政府申请行政复议，或者自收到本答复之日起六个月内向东江区人民法院提起行政诉讼。',
    ].join('\n\n');
    const row = await env.db('applications').where({ id }).first('snapshot');
    const snapshot = typeof row.snapshot === 'string' ? JSON.parse(row.snapshot) : row.snapshot;
    const { details: _dropped, ...oldDraft } = snapshot.context.draft;
    snapshot.context.draft = { ...oldDraft, disclosed: '规划批复文件' };
    const doc = await env.db('documents').where({ id: draft.id }).first('data');
    const data = JSON.parse(doc.data);
    const { facts: _f, reconsiderationFirst: _r, ...oldDecision } = data.decision;
    data.decision = { ...oldDecision, disclosed: '规划批复文件' };
    await tamper(env.db, async () => {
      await env.db('applications').where({ id }).update({ snapshot: JSON.stringify(snapshot) });
      const ev = await env.db('application_events').where({ application_id: id, type: 'DRAFT_REPLY' }).first('id');
      await env.db('application_events').where({ id: ev.id }).update({ payload: JSON.stringify({ decision: 'disclose', disclosed: '规划批复文件' }) });
      await env.db('documents').where({ id: draft.id }).update({ body: oldBody, data: JSON.stringify(data), template_version: 2 });
    });
    // The case page (its reply editor reads the old payload) and the preview render.
    const cwPage = await loginAgent(env.app, 'cw');
    assert.equal((await cwPage.get(`/applications/${id}`)).status, 200);
    has(await textOf(draft.id), '予以公开的政府信息及获取方式：规划批复文件。');
    // The current template renders the stored data without the new facts.
    const again = renderDocumentText('reply.disclose', data as DocumentTemplateData);
    assert.ok(again.body.includes('予以公开的政府信息及获取方式：规划批复文件。') && !/undefined|null/.test(again.body), again.body);
    // Review and sign-off issue it as written, recording the version it was drafted from.
    const { text, reply } = await signed(id);
    has(text, '予以公开的政府信息及获取方式：规划批复文件。');
    assert.equal(reply.templateVersion, 2);
  });

  describe('the reply editor without JavaScript', () => {
    it('turns the chosen decision’s fieldset into the event, leaves the others out, and keeps what was typed on a refusal', async () => {
      const id = await register();
      const agent = await loginAgent(env.app, 'cw');
      const page = await agent.get(`/applications/${id}`);
      assert.equal(page.status, 200);
      assert.match(page.text, /name="partial\/withheld.ground"/);
      assert.match(page.text, /<details class="reply-fieldset" data-decision="disclose" open>/, 'the default decision’s fieldset is open');
      const form = (extra: string) =>
        `_csrf=${encodeURIComponent(csrfOf(page.text))}&type=DRAFT_REPLY&version=1&date=2026-11-10&decision=partial&reasons=${encodeURIComponent('会议纪要属于过程性信息。')}` +
        `&${encodeURIComponent('disclose/disclosure.url')}=${encodeURIComponent('https://ignored.example/')}` +
        `&${encodeURIComponent('partial/provided')}=${encodeURIComponent('规划批复文件｜3\n附图')}${extra}`;
      const row = (ground: string, part: string) =>
        `&${encodeURIComponent('partial/withheld.part')}=${encodeURIComponent(part)}&${encodeURIComponent('partial/withheld.ground')}=${ground}` +
        `&${encodeURIComponent('partial/withheld.law.name')}=&${encodeURIComponent('partial/withheld.law.article')}=`;
      // No part withheld: refused, and the page shows what was typed.
      const refused = await agent.post(`/applications/${id}/events`).type('form').send(form(row('', '') + row('', '')));
      assert.equal(refused.status, 422);
      assert.match(refused.text, /部分公开的，须逐项写明不予公开的内容及其依据/);
      assert.match(refused.text, /规划批复文件｜3\n附图<\/textarea>/, 'the list typed is kept');
      assert.match(refused.text, /会议纪要属于过程性信息。<\/textarea>/, 'and the reasons');
      assert.match(refused.text, /<option value="partial" selected>/);
      const saved = await agent.post(`/applications/${id}/events`).type('form').send(form(row('withhold.process_info', '征收指挥部会议纪要') + row('', '')));
      assert.equal(saved.status, 303, saved.text);
      const view = (await request(env.app).get(`/api/applications/${id}`).set(auth('cw'))).body;
      assert.deepEqual(view.history.at(-1).payload, {
        decision: 'partial', reasons: '会议纪要属于过程性信息。',
        provided: [{ title: '规划批复文件', pages: 3 }, { title: '附图' }],
        withheld: [{ ground: 'withhold.process_info', part: '征收指挥部会议纪要' }],
      });
      // The editor shows the draft's facts again.
      const after = await agent.get(`/applications/${id}`);
      assert.match(after.text, /value="征收指挥部会议纪要"/);
    });

    it('offers the earlier reply of a likely repeat for the caseworker to confirm (Art. 36(六))', async () => {
      const first = await register('2026-11-02', 'cw', { description: '申请公开东江区2026年第5批次农用地转用批复文件。' });
      await ok(first, 'cw', { type: 'DRAFT_REPLY', date: '2026-11-10', decision: 'disclose', disclosure: { mode: 'provided', items: [{ title: '批复' }], delivery: 'paper' } });
      const { reply } = await signed(first);
      const second = await register('2026-11-12', 'cw', { description: '申请公开东江区2026年第5批次农用地转用批复文件。' });
      const agent = await loginAgent(env.app, 'cw');
      const page = await agent.get(`/applications/${second}`);
      assert.ok(page.text.includes(`name="not_processed.repeat/earlierReply.number" value="${reply.number}"`), 'prefilled');
      assert.ok(page.text.includes('name="not_processed.repeat/earlierReply.date" value="2026-11-10"'));
    });
  });
});
