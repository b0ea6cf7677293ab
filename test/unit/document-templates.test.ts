import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DOCUMENT_KIND_LABELS, DOCUMENT_TEMPLATES_DIR, listTemplates, parseDocumentBody, renderDocumentText, templateNameFor,
  type DocumentTemplateData, type ReplyPrintFacts,
} from '../../server/documents/document-templates.js';
import { DECISIONS, DECISION_CODES } from '../../workflows/decisions.js';

// ---------------------------------------------------------------------------------------------
// Sample data

function full(overrides: Partial<DocumentTemplateData> = {}): DocumentTemplateData {
  return {
    agency: {
      name: '东江区规划和自然资源局',
      address: '东江区人民路1号',
      phone: '0760-12345678',
      reconsiderationBody: '东江区人民政府',
      court: '东江区人民法院',
    },
    application: {
      caseNumber: 'DJ2026-0012',
      receivedDate: '2026年3月2日',
      description: '东江区2025年度国有建设用地供应计划',
      documentTitle: '东江区2025年度国有建设用地供应计划',
      documentNumber: '东规资发〔2025〕8号',
      channel: '邮寄',
    },
    applicant: { name: '张某某', isOrganisation: false, address: '东江区幸福路8号', postcode: '528400' },
    issuedDate: '2026年3月12日',
    replyDue: '2026年3月30日',
    decision: {
      code: 'disclose',
      label: '予以公开',
      reasons: '该信息已于2025年4月10日在本机关门户网站主动公开',
      disclosed: '本机关门户网站“政府信息公开—计划规划”栏目',
      withheld: '附件3中涉及的个人身份信息',
      referTo: '东江区住房和城乡建设局（联系电话：0760-87654321）',
    },
    correction: { items: ['请写明所需文件的名称', '请提供身份证明复印件'], periodWorkingDays: 15, dueDate: '2026年3月25日' },
    extension: { workingDays: 20, reason: '所申请信息数量较大，需要调取档案并进行保密审查', newReplyDue: '2026年4月28日' },
    consultation: { kind: 'third_party', party: '东江某某置业有限公司', sentDate: '2026年3月5日', opinionDue: '2026年3月26日' },
    fee: {
      basis: 'per_page',
      basisLabel: '按量收费',
      pages: 120,
      amount: 1100,
      breakdown: ['31—100页：70页×10元/页＝700元', '101—120页：20页×20元/页＝400元'],
      paymentDue: '2026年4月9日',
      payment: '请于缴费期限内持本通知书到东江区人民路1号缴纳，或按本机关告知的其他方式缴纳。',
    },
    target: { title: '政府信息公开申请答复书', number: '东规资公复〔2026〕12号', issuedDate: '2026年3月20日', addressee: '张某某', method: '邮寄' },
    excessive: { monthCount: 36, note: '请说明逐件申请上述信息的用途', laterReplyDate: '2026年6月30日', reason: '所需信息约五百份，需逐份检索和保密审查' },
    ...overrides,
  };
}

/** Every optional string empty, every nullable field null: the least a template may be given. */
function sparse(overrides: Partial<DocumentTemplateData> = {}): DocumentTemplateData {
  return {
    agency: { name: '东江区规划和自然资源局', address: null, phone: null, reconsiderationBody: '', court: '' },
    application: { caseNumber: '', receivedDate: '', description: '', documentTitle: null, documentNumber: null, channel: '' },
    applicant: { name: '张某某', isOrganisation: false, address: null, postcode: null },
    issuedDate: '',
    replyDue: '',
    decision: { code: 'disclose', label: '予以公开', reasons: '', disclosed: '', withheld: '', referTo: '' },
    correction: { items: [], periodWorkingDays: 10, dueDate: '' },
    extension: { workingDays: 15, reason: '', newReplyDue: '' },
    consultation: { kind: 'agency', party: '', sentDate: '', opinionDue: '' },
    fee: { basis: 'per_application', basisLabel: '', pages: null, amount: 0, breakdown: [], paymentDue: '', payment: '' },
    target: { title: '', number: '', issuedDate: '', addressee: '', method: '' },
    excessive: { monthCount: null, note: '', laterReplyDate: '', reason: '' },
    ...overrides,
  };
}

/** A reply's data as stored before issue 12: free texts, no facts. */
function withDecision(data: DocumentTemplateData, code: string): DocumentTemplateData {
  const label = DECISIONS.find((d) => d.code === code)?.label ?? code;
  return { ...data, decision: { ...(data.decision ?? { reasons: '', disclosed: '', withheld: '', referTo: '' }), code, label } };
}

/** Issue 12: the facts each reply states, as printed (server/documents/reply-data.ts). */
const NOTICE = { title: '补正申请告知书', number: '东规资公补〔2026〕3号', issuedDate: '2026年3月4日' };
const SAMPLE_FACTS: Record<string, ReplyPrintFacts> = {
  disclose: { disclosure: { mode: 'provided', items: [{ title: '东江区2025年度国有建设用地供应计划', pages: 12 }, { title: '附图', pages: null }], delivery: 'paper' } },
  partial: {
    provided: [{ title: '房屋征收范围红线图', pages: 2 }],
    withheld: [
      { ground: 'withhold.law_prohibited', part: '征收档案中的评估报告', law: { name: '中华人民共和国档案法', article: '第二十七条' } },
      { ground: 'withhold.third_party', part: '资金监管账户明细', law: null },
    ],
    thirdParty: { askedDate: '2026年3月5日', opinion: 'object', answeredDate: '2026年3月9日', publicInterest: '不公开该账户明细不会对公共利益造成重大影响' },
  },
  'withhold.law_prohibited': { law: { name: '中华人民共和国档案法', article: '第二十七条' } },
  'withhold.inquiry': { law: { name: '不动产登记暂行条例', article: '第二十七条' } },
  'withhold.third_party': { thirdParty: { askedDate: '2026年3月5日', opinion: 'none', answeredDate: '2026年3月26日', publicInterest: '不公开不会对公共利益造成重大影响' } },
  'unavailable.not_held': { responsibleAgency: { name: '东江区住房和城乡建设局', contact: '联系电话：0760-87654321' } },
  'unavailable.unclear': { notice: NOTICE },
  'not_processed.repeat': { earlierReply: { number: '东规资公复〔2026〕3号', date: '2026年1月12日' } },
  'not_processed.excessive': {
    excessive: { count: 36, from: '2026年3月1日', to: '2026年3月20日', applicantAnswer: '申请人逾期未说明理由', askedDate: '2026年3月5日', notice: { title: '要求说明理由通知书', number: '东规资公理〔2026〕1号', issuedDate: '2026年3月5日' } },
  },
  'other.correction_lapsed': { notice: NOTICE },
  'other.fee_unpaid': { notice: { title: '收费通知书', number: '东规资公费〔2026〕2号', issuedDate: '2026年3月6日' } },
  'other.other': { basis: '申请人于2026年3月10日书面撤回申请' },
  'other.records_correction': {
    recordsCorrection: { record: '本机关2024年房屋征收补偿登记中您的姓名', outcome: 'corrected', correction: '“张某某”更正为“张某蒙”', correctedDate: '2026年3月10日', agency: null, forwarded: false },
  },
};

/** A reply's data as drafted since issue 12: the decision's facts (codes without facts take none). */
function withFacts(data: DocumentTemplateData, variant: string): DocumentTemplateData {
  const code = variant === 'other.records_correction' ? 'other.other' : variant;
  const d = withDecision(data, code);
  return { ...d, decision: { ...d.decision!, disclosed: '', withheld: '', referTo: code === 'unavailable.not_held' ? '' : d.decision!.referTo, facts: SAMPLE_FACTS[variant] ?? {} } };
}

function dataFor(name: string, base: DocumentTemplateData): DocumentTemplateData {
  if (name.startsWith('reply.')) return withFacts(base, name.slice('reply.'.length));
  if (name === 'consultation_letter.third_party') return { ...base, consultation: { ...base.consultation!, kind: 'third_party' } };
  if (name === 'consultation_letter.agency') return { ...base, consultation: { ...base.consultation!, kind: 'agency' } };
  return base;
}

const NON_REPLY = [
  'receipt', 'correction_notice', 'extension_notice', 'consultation_letter.third_party', 'consultation_letter.agency', 'fee_notice',
  'delivery_receipt', 'reasons_request', 'later_reply_notice',
];
/** One reply template per decision code, and Art. 41's (counted as other.other). */
const REPLIES = [...DECISION_CODES.map((c) => `reply.${c}`), 'reply.other.records_correction'];
const ALL = [...NON_REPLY, ...REPLIES];

const WITHHOLDING_REMEDY =
  '如对本答复不服，应当先自收到本答复之日起六十日内向东江区人民政府申请行政复议（《中华人民共和国行政复议法》第二十条第一款、第二十三条第一款第（四）项）；' +
  '对行政复议决定不服的，可以自收到行政复议决定书之日起十五日内向东江区人民法院提起行政诉讼，行政复议机关逾期不作决定的，可以自复议期满之日起十五日内向东江区人民法院提起行政诉讼（《中华人民共和国行政诉讼法》第四十五条）。';
const ORDINARY_REMEDY =
  '如对本答复不服，可以自收到本答复之日起六十日内向东江区人民政府申请行政复议（《中华人民共和国行政复议法》第二十条第一款），或者自收到本答复之日起六个月内向东江区人民法院提起行政诉讼（《中华人民共和国行政诉讼法》第四十六条第一款）。';

/**
 * The article(s) each reply must cite (《中华人民共和国政府信息公开条例》, 国务院令第711号) with the facts
 * of SAMPLE_FACTS, and what it must not (the alternative it did not take).
 */
const REPLY_ARTICLES: Record<string, { cites: string[]; not?: string[] }> = {
  disclose: { cites: ['第三十六条第（二）项', '1.东江区2025年度国有建设用地供应计划（共12页）。', '2.附图。', '以纸质形式随本答复书一并提供'], not: ['第（一）项'] },
  partial: {
    cites: [
      '第三十七条', '第三十六条第（二）项', '1.房屋征收范围红线图（共2页）。',
      '1.征收档案中的评估报告：属于法律、行政法规禁止公开的政府信息，根据《中华人民共和国档案法》第二十七条和《中华人民共和国政府信息公开条例》第十四条、第三十六条第（三）项的规定，不予公开。',
      '2.资金监管账户明细：涉及商业秘密、个人隐私等，公开会对第三方合法权益造成损害，根据《中华人民共和国政府信息公开条例》第十五条、第三十六条第（三）项的规定，不予公开。',
      '本机关于2026年3月5日依照《中华人民共和国政府信息公开条例》第三十二条的规定书面征求第三方的意见，第三方于2026年3月9日书面答复不同意公开，并说明了理由。',
      '对公共利益进行了权衡：不公开该账户明细不会对公共利益造成重大影响。',
    ],
  },
  'withhold.state_secret': { cites: ['第十四条', '第三十六条第（三）项'] },
  'withhold.law_prohibited': { cites: ['属于《中华人民共和国档案法》第二十七条规定禁止公开的政府信息', '根据《中华人民共和国档案法》第二十七条和《中华人民共和国政府信息公开条例》第十四条、第三十六条第（三）项'] },
  'withhold.security_stability': { cites: ['第十四条', '第三十六条第（三）项'] },
  'withhold.third_party': { cites: ['第十五条', '第三十二条', '第三十六条第（三）项', '本机关于2026年3月5日', '第三方在规定期限内未提出意见', '对公共利益进行了权衡：不公开不会对公共利益造成重大影响。'] },
  'withhold.internal_affairs': { cites: ['第十六条第一款', '第三十六条第（三）项'] },
  'withhold.process_info': { cites: ['第十六条第二款', '第三十六条第（三）项'] },
  'withhold.enforcement_file': { cites: ['第十六条第二款', '第三十六条第（三）项'] },
  'withhold.inquiry': { cites: ['第三十六条第（七）项', '《不动产登记暂行条例》第二十七条'], not: ['第十四条'] },
  'unavailable.not_held': { cites: ['第三十六条第（五）项', '负责公开该政府信息的行政机关为东江区住房和城乡建设局，联系电话：0760-87654321。'], not: ['第（四）项', '无需另行'] },
  'unavailable.needs_creation': { cites: ['第三十八条'] },
  'unavailable.unclear': { cites: ['第三十条', '本机关已于2026年3月4日以《补正申请告知书》（东规资公补〔2026〕3号）'] },
  'not_processed.petition': { cites: ['第三十九条第一款'] },
  'not_processed.repeat': { cites: ['第三十六条第（六）项', '本机关已于2026年1月12日就您提出的相同政府信息公开申请作出答复（东规资公复〔2026〕3号）'] },
  'not_processed.publication': { cites: ['第三十九条第二款'] },
  'not_processed.excessive': { cites: ['第三十五条', '2026年3月1日至2026年3月20日期间，您共提出政府信息公开申请36件', '以《要求说明理由通知书》（东规资公理〔2026〕1号）', '您的答复情况：申请人逾期未说明理由。'] },
  'not_processed.confirm_or_reissue': { cites: ['第二条', '第三十八条'] },
  'other.correction_lapsed': { cites: ['第三十条', '视为您放弃申请', '本机关已于2026年3月4日以《补正申请告知书》（东规资公补〔2026〕3号）', '补正期限截至2026年3月25日'] },
  'other.fee_unpaid': { cites: ['国办函〔2020〕109号', '视为您放弃申请', '本机关已于2026年3月6日以《收费通知书》（东规资公费〔2026〕2号）', '缴费期限截至2026年4月9日'] },
  'other.other': { cites: ['终止处理', '依据：申请人于2026年3月10日书面撤回申请。'] },
  'other.records_correction': { cites: ['第四十一条', '本机关已于2026年3月10日予以更正，更正的内容为：“张某某”更正为“张某蒙”。'], not: ['政府信息公开申请（'] },
};

const BAD_TEXT = ['undefined', 'null', 'NaN', '[object', '<%', '%>', '。。', '，。', '：。', '“”', '（）', '《》', '于，'];

function assertClean(name: string, title: string, body: string): void {
  for (const bad of BAD_TEXT) assert.ok(!(title + '\n' + body).includes(bad), `${name}: contains ${JSON.stringify(bad)}\n${body}`);
  assert.ok(title.length > 0 && !title.includes('\n'), `${name}: title`);
  assert.ok(!body.includes('\n\n\n'), `${name}: paragraphs are separated by exactly one blank line`);
  for (const p of body.split('\n\n')) {
    assert.ok(p.length > 0 && !p.includes('\n'), `${name}: no line breaks inside a paragraph: ${JSON.stringify(p)}`);
    assert.equal(p, p.trim(), `${name}: paragraphs are trimmed`);
  }
}

// ---------------------------------------------------------------------------------------------

describe('document templates: catalogue and names', () => {
  it('has one template per document type and one reply per decision code, each with a version', () => {
    const list = listTemplates();
    assert.deepEqual(list.map((t) => t.name).sort(), [...ALL].sort());
    assert.equal(list.filter((t) => t.name.startsWith('reply.')).length, 22, 'one per decision code, and Art. 41\'s');
    for (const t of list) {
      assert.ok(Number.isInteger(t.version) && t.version >= 1, `${t.name} version`);
      // The version is the one written on the file's first line.
      const first = readFileSync(join(DOCUMENT_TEMPLATES_DIR, `${t.name}.ejs`), 'utf8').split('\n')[0];
      assert.equal(first, `<%# version: ${t.version} %>`, t.name);
    }
  });

  it('records the template name and version on every rendering', () => {
    const r = renderDocumentText('receipt', full());
    assert.equal(r.templateName, 'receipt');
    assert.equal(r.templateVersion, listTemplates().find((t) => t.name === 'receipt')!.version);
    assert.deepEqual(renderDocumentText('receipt', full()), r, 'cached templates render the same');
  });

  it('derives template names from kind and variant', () => {
    assert.equal(templateNameFor('reply', 'withhold.third_party'), 'reply.withhold.third_party');
    assert.equal(templateNameFor('consultation_letter', 'agency'), 'consultation_letter.agency');
    assert.equal(templateNameFor('receipt'), 'receipt');
    assert.equal(templateNameFor('fee_notice', null), 'fee_notice');
    assert.throws(() => templateNameFor('memo' as never), /unknown document kind/);
  });

  it('labels every kind', () => {
    assert.deepEqual(DOCUMENT_KIND_LABELS, {
      reply: '答复书',
      receipt: '登记回执',
      correction_notice: '补正申请告知书',
      extension_notice: '延期答复告知书',
      consultation_letter: '征求意见书（函）',
      fee_notice: '收费通知书',
      delivery_receipt: '送达回证',
      reasons_request: '说明理由通知书',
      later_reply_notice: '延迟答复告知书',
    });
  });

  it('refuses unknown templates, partials and paths with a clear error', () => {
    assert.throws(() => renderDocumentText('reply.withhold.unknown', full()), /unknown document template: "reply\.withhold\.unknown"/);
    assert.throws(() => renderDocumentText('reply', full()), /unknown document template/);
    assert.throws(() => renderDocumentText('_remedies', full()), /unknown document template/);
    assert.throws(() => renderDocumentText('../pages/login', full()), /unknown document template/);
  });

  it('refuses to render a document without the data it is about', () => {
    assert.throws(() => renderDocumentText('fee_notice', full({ fee: null })), /needs data\.fee/);
    assert.throws(() => renderDocumentText('reply.disclose', full({ decision: null })), /needs data\.decision/);
    assert.throws(() => renderDocumentText('delivery_receipt', full({ target: null })), /needs data\.target/);
  });
});

describe('document templates: every template renders', () => {
  for (const name of ALL) {
    it(`${name}: full data`, () => {
      const r = renderDocumentText(name, dataFor(name, full()));
      assertClean(name, r.title, r.body);
      const { addressee, paragraphs } = parseDocumentBody(r.body);
      if (name === 'delivery_receipt') assert.equal(addressee, null, 'a 送达回证 is a form without an addressee');
      else if (name.startsWith('consultation_letter')) assert.equal(addressee, '东江某某置业有限公司：');
      else assert.equal(addressee, '张某某：');
      assert.ok(paragraphs.length >= 2, name);
      // The layout adds the agency name, the date and the number: the text does not repeat them.
      assert.ok(!r.body.includes('东江区规划和自然资源局'), `${name}: no signature block`);
      assert.ok(!r.body.includes('2026年3月12日'), `${name}: no issue date`);
    });

    it(`${name}: empty optional fields read naturally`, () => {
      const r = renderDocumentText(name, dataFor(name, sparse()));
      assertClean(name, r.title, r.body);
    });
  }

  // Drafts stored before issue 12 keep their data: free texts and no facts. They still render.
  for (const code of DECISION_CODES) {
    it(`reply.${code}: data stored before issue 12 (no facts) still renders`, () => {
      for (const base of [full(), sparse({ agency: full().agency })]) {
        const r = renderDocumentText(`reply.${code}`, withDecision(base, code));
        assertClean(code, r.title, r.body);
        assert.ok(r.body.includes('《中华人民共和国政府信息公开条例》') || code === 'other.other', code);
      }
    });
  }

  it('fills in sections missing from stored data', () => {
    const data = full() as Partial<DocumentTemplateData>;
    delete data.consultation;
    const r = renderDocumentText('reply.withhold.third_party', withDecision(data as DocumentTemplateData, 'withhold.third_party'));
    assertClean('reply.withhold.third_party', r.title, r.body);
  });
});

describe('document templates: issue 7 wording', () => {
  it('a transfer notice names the receiving agency and its contact under Art. 36(五), and promises nothing on its behalf', () => {
    const data = withFacts(full(), 'unavailable.not_held');
    data.decision!.facts = { responsibleAgency: { name: '东江区建设和交通委员会', contact: '联系地址：东江区世纪大道2号；联系电话：0760-22223333' } };
    const r = renderDocumentText('reply.unavailable.not_held', { ...data, transfer: { agencyName: '东江区建设和交通委员会', caseNumber: 'DJQ-JSJT-2026-0007', date: '2026年3月10日', contact: '联系地址：东江区世纪大道2号；联系电话：0760-22223333' } });
    assert.ok(r.body.includes('根据《中华人民共和国政府信息公开条例》第三十六条第（五）项的规定，现告知您：负责公开该政府信息的行政机关为东江区建设和交通委员会，联系地址：东江区世纪大道2号；联系电话：0760-22223333。'), r.body);
    assert.ok(r.body.includes('本机关已于2026年3月10日将您的申请材料转送该机关（该机关登记编号：DJQ-JSJT-2026-0007）'), r.body);
    assert.ok(!r.body.includes('无需另行') && !r.body.includes('将自收到之日起依法向您作出答复'), r.body);
    assert.ok(!r.body.includes('第（四）项'));
  });

  it('Art. 35: asking for reasons states the month’s count; the later date states the date and why', () => {
    const ask = renderDocumentText('reasons_request', full());
    assert.equal(ask.title, '要求说明理由通知书');
    assert.ok(ask.body.includes('本月已向本级人民政府及其部门提出政府信息公开申请36件'));
    assert.ok(ask.body.includes('第三十五条'));
    const later = renderDocumentText('later_reply_notice', full());
    assert.ok(later.body.includes('确定延迟答复的合理期限至2026年6月30日（含当日）'));
    assert.ok(later.body.includes('因所需信息约五百份，需逐份检索和保密审查'));
  });

  it('Art. 35: the request for reasons sets a period from receipt and says what follows if no reasons come', () => {
    const ask = renderDocumentText('reasons_request', full({ excessive: { ...full().excessive!, periodWorkingDays: 10, month: '2026年11月' } }));
    assert.ok(ask.body.includes('您2026年11月已向本级人民政府及其部门提出政府信息公开申请36件'), ask.body);
    assert.ok(ask.body.includes('请您自收到本通知书之日起10个工作日内向本机关书面说明申请理由'), ask.body);
    assert.ok(ask.body.includes('您逾期未说明理由的，本机关将不予处理'), ask.body);
  });

  it('a request the applicant wrapped in quotation marks is quoted once (issue 12)', () => {
    for (const description of ['“东江大道改建工程施工许可证”。', '"东江大道改建工程施工许可证"', '“‘东江大道改建工程施工许可证’”']) {
      const data = full({ application: { ...full().application, documentTitle: null, documentNumber: null, description } });
      for (const name of ['receipt', 'correction_notice', 'consultation_letter.third_party', 'fee_notice', 'reasons_request']) {
        const r = renderDocumentText(name, dataFor(name, data));
        assert.ok(r.body.includes('“东江大道改建工程施工许可证”'), `${name}: ${r.body}`);
        assert.ok(!/“[‘'"“]|[’'"”]”/.test(r.body), `${name}: no doubled quotation marks\n${r.body}`);
      }
    }
  });

  it('a consultation letter through the platform names the parts concerned', () => {
    const r = renderDocumentText('consultation_letter.agency', { ...dataFor('consultation_letter.agency', full()), consultationParts: '施工许可证附图' });
    assert.ok(r.body.includes('本机关拟公开的政府信息为：施工许可证附图。'), r.body);
  });
});

describe('document templates: replies', () => {
  const withholding = new Set<string>(DECISIONS.filter((d) => d.withholds).map((d) => d.code));

  it('withholding decisions are exactly partial and withhold.*', () => {
    assert.deepEqual([...withholding].sort(), DECISION_CODES.filter((c) => c === 'partial' || c.startsWith('withhold.')).sort());
  });

  for (const name of REPLIES) {
    const variant = name.slice('reply.'.length);
    const code = variant === 'other.records_correction' ? 'other.other' : variant;
    it(`${name}: cites its legal basis, the facts behind it, and the right remedies`, () => {
      for (const [kind, base] of [['full', full()], ['sparse', sparse({ agency: full().agency })]] as const) {
        const r = renderDocumentText(name, withFacts(base, variant));
        assertClean(name, r.title, r.body);
        assert.equal(r.title, variant === 'other.records_correction' ? '政府信息更正申请答复书' : '政府信息公开申请答复书');
        if (kind === 'full') assert.ok(r.body.includes('本机关于2026年3月2日收到'), 'receipt date');
        const expected = REPLY_ARTICLES[variant]!;
        const cites = kind === 'sparse' ? expected.cites.filter((c) => !/期限截至/.test(c)) : expected.cites;
        for (const article of cites) assert.ok(r.body.includes(article), `${name} (${kind}) cites ${article}\n${r.body}`);
        for (const article of expected.not ?? []) assert.ok(!r.body.includes(article), `${name} (${kind}) does not cite ${article}\n${r.body}`);
        assert.ok(r.body.includes('《中华人民共和国政府信息公开条例》') || code === 'other.fee_unpaid' || code === 'other.other', name);
        const last = r.body.split('\n\n').at(-1);
        if (withholding.has(code)) {
          assert.equal(last, WITHHOLDING_REMEDY, name);
          assert.ok(!r.body.includes('六个月'), `${name}: no direct litigation`);
        } else {
          assert.equal(last, ORDINARY_REMEDY, name);
          assert.ok(!r.body.includes('第二十三条'), `${name}: no 复议前置`);
        }
      }
    });
  }

  it('the remedies follow the agency’s setting for the decision, not the template’s default', () => {
    const first = withFacts(full(), 'not_processed.repeat');
    first.decision!.reconsiderationFirst = true;
    assert.equal(renderDocumentText('reply.not_processed.repeat', first).body.split('\n\n').at(-1), WITHHOLDING_REMEDY);
    const ordinary = withFacts(full(), 'withhold.process_info');
    ordinary.decision!.reconsiderationFirst = false;
    assert.equal(renderDocumentText('reply.withhold.process_info', ordinary).body.split('\n\n').at(-1), ORDINARY_REMEDY);
  });

  it('disclose: published cites Art. 36(一) with where and since when; later cites 36(二) with way, channel and time; never both', () => {
    const published = withFacts(full(), 'disclose');
    published.decision!.facts = { disclosure: { mode: 'published', url: 'https://www.djq.gov.cn/ghzy/2025/jh.html', section: '“计划规划”', publishedDate: '2025年4月10日' } };
    const p = renderDocumentText('reply.disclose', published).body;
    assert.ok(p.includes('根据《中华人民共和国政府信息公开条例》第三十六条第（一）项的规定，现告知您获取该政府信息的方式和途径：该政府信息已于2025年4月10日在“计划规划”栏目主动公开，网址：https://www.djq.gov.cn/ghzy/2025/jh.html'), p);
    assert.ok(!p.includes('第（二）项') && !p.includes('““'), p);
    const later = withFacts(full(), 'disclose');
    later.decision!.facts = { disclosure: { mode: 'later', items: [{ title: '供应计划', pages: 3 }], delivery: 'pickup', availableDate: '2026年3月20日' } };
    const l = renderDocumentText('reply.disclose', later).body;
    assert.ok(l.includes('第三十六条第（二）项的规定，本机关决定予以公开，现告知您获取该政府信息的方式、途径和时间：您可以自2026年3月20日起到本机关领取以下政府信息：'), l);
    assert.ok(l.includes('1.供应计划（共3页）。') && l.includes('联系地址：东江区人民路1号'), l);
    assert.ok(!l.includes('第（一）项'), l);
  });

  it('not_held without a responsible agency: Art. 36(四) with the search done, never 36(五)', () => {
    const data = withFacts(full(), 'unavailable.not_held');
    data.decision!.facts = { search: '检索了本机关2019年至2025年的收文、发文登记簿和档案目录' };
    const r = renderDocumentText('reply.unavailable.not_held', data).body;
    assert.ok(r.includes('检索情况：检索了本机关2019年至2025年的收文、发文登记簿和档案目录。'), r);
    assert.ok(r.includes('第三十六条第（四）项') && r.includes('该政府信息不存在') && !r.includes('第（五）项'), r);
  });

  it('Art. 41: a correction not this agency’s to make names the competent agency and its contact', () => {
    const data = withFacts(full(), 'other.records_correction');
    data.decision!.facts = { recordsCorrection: { record: '户籍登记中您的出生日期', outcome: 'not_competent', correction: '', correctedDate: '', agency: { name: '东江区公安分局', contact: '0760-110' }, forwarded: true } };
    const r = renderDocumentText('reply.other.records_correction', data).body;
    assert.ok(r.includes('本机关已将您的申请转送有权更正的行政机关东江区公安分局（联系方式：0760-110）处理'), r);
  });

  it('states what was requested and when it was received', () => {
    const r = renderDocumentText('reply.disclose', full());
    assert.ok(r.body.includes('本机关于2026年3月2日收到您提出的政府信息公开申请（申请编号：DJ2026-0012）'), r.body);
    assert.ok(r.body.includes('《东江区2025年度国有建设用地供应计划》（文号：东规资发〔2025〕8号）'), r.body);
    const d = renderDocumentText('reply.disclose', full({ application: { ...full().application, documentTitle: null, documentNumber: null } }));
    assert.ok(d.body.includes('您申请公开“东江区2025年度国有建设用地供应计划”。'), d.body);
  });

  it('includes the reasons, the disclosed and the withheld parts where given', () => {
    const partial = renderDocumentText('reply.partial', withDecision(full(), 'partial'));
    assert.ok(partial.body.includes('予以公开的内容：本机关门户网站“政府信息公开—计划规划”栏目。'), partial.body);
    assert.ok(partial.body.includes('不予公开的内容：附件3中涉及的个人身份信息。'), partial.body);
    assert.ok(partial.body.includes('不予公开的理由：该信息已于2025年4月10日在本机关门户网站主动公开。'), partial.body);
    const disclose = renderDocumentText('reply.disclose', full());
    assert.ok(disclose.body.includes('该信息已于2025年4月10日在本机关门户网站主动公开。'), disclose.body);
    assert.ok(disclose.body.includes('获取方式：本机关门户网站“政府信息公开—计划规划”栏目。'), disclose.body);
    const secret = renderDocumentText('reply.withhold.state_secret', withDecision(sparse({ agency: full().agency }), 'withhold.state_secret'));
    assert.ok(secret.body.includes('经审查，您申请公开的政府信息属于依法确定为国家秘密的政府信息。'), secret.body);
  });

  it('not_held names the responsible agency under Art. 36(五), or says the information does not exist under 36(四)', () => {
    const referred = renderDocumentText('reply.unavailable.not_held', withDecision(full(), 'unavailable.not_held'));
    assert.ok(referred.body.includes('第三十六条第（五）项'));
    assert.ok(referred.body.includes('负责公开该政府信息的行政机关为东江区住房和城乡建设局（联系电话：0760-87654321）'), referred.body);
    const none = renderDocumentText('reply.unavailable.not_held', withDecision(sparse(), 'unavailable.not_held'));
    assert.ok(none.body.includes('第三十六条第（四）项') && none.body.includes('该政府信息不存在'), none.body);
    assert.ok(!none.body.includes('第（五）项'));
  });

  it('third-party withholding mentions the consultation without naming the third party', () => {
    const r = renderDocumentText('reply.withhold.third_party', withDecision(full(), 'withhold.third_party'));
    assert.ok(r.body.includes('本机关已于2026年3月5日依照《中华人民共和国政府信息公开条例》第三十二条的规定书面征求第三方的意见'), r.body);
    assert.ok(!r.body.includes('东江某某置业有限公司'));
  });

  it('addresses an organisation as 贵单位', () => {
    const org = full({ applicant: { name: '东江某某律师事务所', isOrganisation: true, address: null, postcode: null } });
    const r = renderDocumentText('reply.withhold.process_info', withDecision(org, 'withhold.process_info'));
    assert.ok(r.body.startsWith('东江某某律师事务所：'));
    assert.ok(r.body.includes('收到贵单位提出的政府信息公开申请'), r.body);
    assert.ok(!r.body.includes('您'), r.body);
  });

  it('falls back to a generic reconsideration body and court', () => {
    const r = renderDocumentText('reply.not_processed.repeat', withDecision(sparse(), 'not_processed.repeat'));
    assert.ok(r.body.includes('向有管辖权的行政复议机关申请行政复议（《中华人民共和国行政复议法》第二十条第一款），或者自收到本答复之日起六个月内向有管辖权的人民法院提起行政诉讼'), r.body);
  });
});

describe('document templates: notices', () => {
  it('receipt: date, channel, case number, reply due date and Art. 33', () => {
    const r = renderDocumentText('receipt', full());
    assert.equal(r.title, '政府信息公开申请登记回执');
    assert.ok(r.body.includes('本机关于2026年3月2日收到您通过邮寄方式提交的政府信息公开申请'), r.body);
    assert.ok(r.body.includes('申请编号为DJ2026-0012'));
    assert.ok(r.body.includes('第三十三条') && r.body.includes('20个工作日内予以答复（答复期限截至2026年3月30日）'), r.body);
    assert.ok(r.body.includes('延长的期限最长不超过20个工作日'));
    assert.ok(r.body.includes('联系电话：0760-12345678'));
    const inPerson = renderDocumentText('receipt', full({ application: { ...full().application, channel: '当面' } }));
    assert.ok(inPerson.body.includes('收到您当面提交的'), inPerson.body);
  });

  it('correction notice: one-time, the grounds of this case, every item, guidance, the period from receipt and the consequence', () => {
    const items = ['请写明所需文件的名称', '请提供身份证明复印件', '请说明所需信息的形成时间'];
    const r = renderDocumentText('correction_notice', full({
      correction: { items, periodWorkingDays: 15, dueDate: '2026年3月25日', grounds: ['申请内容不明确', '未提供申请人的身份证明'], guidance: '可参照本机关门户网站公布的文件目录填写文件名称' },
    }));
    assert.equal(r.title, '补正申请告知书');
    const { paragraphs } = parseDocumentBody(r.body);
    items.forEach((item, i) => assert.ok(paragraphs.includes(`${i + 1}.${item}。`), `item ${i + 1}\n${r.body}`));
    assert.ok(r.body.includes('经审查，您的申请存在以下情形：申请内容不明确；未提供申请人的身份证明，需要补正。'), r.body);
    assert.ok(r.body.includes('本机关现一次性告知您需要补正的全部事项'), r.body);
    assert.ok(paragraphs.includes('可参照本机关门户网站公布的文件目录填写文件名称。'), r.body);
    assert.ok(r.body.includes('请您自收到本告知书之日起15个工作日内，将补正后的申请提交本机关'), r.body);
    assert.ok(!r.body.includes('2026年3月25日'), 'no absolute date: the notice is received after it is drafted (§2.8)');
    assert.ok(r.body.includes('答复期限自本机关收到补正的申请之日起计算'));
    assert.ok(r.body.includes('视为放弃申请，本机关不再处理该政府信息公开申请'));
    assert.ok(r.body.includes('第三十条'));
    const none = renderDocumentText('correction_notice', full({ correction: { items, periodWorkingDays: 10, dueDate: '' } }));
    assert.ok(none.body.includes('经审查，您的申请需要补正。') && !none.body.includes('内容不明确'), 'no ground chosen: none claimed');
  });

  it('extension notice: reason, working days, new due date, Art. 33(2)', () => {
    const r = renderDocumentText('extension_notice', full());
    assert.equal(r.title, '延期答复告知书');
    assert.ok(r.body.includes('因所申请信息数量较大，需要调取档案并进行保密审查，本机关需要延长答复期限'), r.body);
    assert.ok(r.body.includes('第三十三条第二款') && r.body.includes('政府信息公开工作机构负责人同意'));
    assert.ok(r.body.includes('答复期限延长20个工作日，本机关将于2026年4月28日前（含当日）作出答复'), r.body);
  });

  it('third-party consultation: Art. 32, what would be disclosed, why this party, 15 working days from receipt; the applicant is not named', () => {
    const r = renderDocumentText('consultation_letter.third_party', { ...full({ consultation: { ...full().consultation!, ground: 'trade_secret' } }), consultationParts: '总平面图中的户型设计' });
    assert.equal(r.title, '征求意见书');
    assert.ok(r.body.includes('第三十二条'));
    assert.ok(r.body.includes('本机关拟公开的政府信息为：总平面图中的户型设计。该信息可能涉及贵单位的商业秘密'), r.body);
    assert.ok(r.body.includes('自收到本征求意见书之日起15个工作日内'), r.body);
    assert.ok(!r.body.includes('2026年3月26日'), 'no absolute date (§2.8)');
    assert.ok(r.body.includes('逾期未提出意见的，由本机关依照'));
    assert.ok(r.body.includes('公共利益造成重大影响'));
    assert.ok(!r.body.includes('张某某'), 'the applicant is not disclosed to the third party');
    const person = renderDocumentText('consultation_letter.third_party', full({ consultation: { ...full().consultation!, party: '李某某', ground: 'privacy' } }));
    assert.ok(person.body.startsWith('李某某：') && person.body.includes('该信息可能涉及您的个人隐私'), person.body);
    const other = renderDocumentText('consultation_letter.third_party', full({ consultation: { ...full().consultation!, ground: 'other', groundNote: '该信息载有贵单位提交的施工方案' } }));
    assert.ok(other.body.includes('为：该申请所涉政府信息。该信息载有贵单位提交的施工方案，公开后可能损害贵单位的合法权益。根据'), other.body);
    assert.ok(!other.body.includes('商业秘密、个人隐私'), 'no hard-coded ground');
  });

  it('agency consultation: what would be disclosed, jointly made (Art. 34), 15 working days from receipt, deemed consent', () => {
    const r = renderDocumentText('consultation_letter.agency', full({ consultation: { kind: 'agency', party: '东江区住房和城乡建设局', sentDate: '2026年3月5日', opinionDue: '2026年3月26日', ground: 'joint' } }));
    assert.equal(r.title, '征求意见函');
    assert.ok(r.body.startsWith('东江区住房和城乡建设局：'));
    assert.ok(r.body.includes('该政府信息由本机关与贵单位共同制作。根据《中华人民共和国政府信息公开条例》第三十四条的规定'), r.body);
    assert.ok(r.body.includes('自收到本函之日起15个工作日内') && r.body.includes('逾期未提出意见的，视为同意公开'), r.body);
    assert.ok(!r.body.includes('2026年3月26日'), 'no absolute date (§2.8)');
    const other = renderDocumentText('consultation_letter.agency', full({ consultation: { kind: 'agency', party: '东江区住房和城乡建设局', sentDate: '', opinionDue: '', ground: 'other', groundNote: '该信息涉及贵单位正在办理的审批事项' } }));
    assert.ok(other.body.includes('因该信息涉及贵单位正在办理的审批事项，现征求贵单位对公开该政府信息的意见。') && !other.body.includes('共同制作'), other.body);
  });

  it('fee notice: basis, standard, breakdown, amount, how and by when to pay', () => {
    const r = renderDocumentText('fee_notice', full());
    assert.equal(r.title, '收费通知书');
    assert.ok(r.body.includes('国办函〔2020〕109号'));
    assert.ok(r.body.includes('计收方式：按量收费。'));
    assert.ok(r.body.includes('31—100页（含100页）的部分，每页收费10元'));
    assert.ok(r.body.includes('共计120页'));
    assert.ok(r.body.includes('（1）31—100页：70页×10元/页＝700元。') && r.body.includes('（2）101—120页：20页×20元/页＝400元。'), r.body);
    assert.ok(r.body.includes('应缴金额：人民币1100元。'), r.body);
    assert.ok(r.body.includes('缴费方式：请于缴费期限内持本通知书到东江区人民路1号缴纳'), r.body);
    assert.ok(r.body.includes('缴费时请注明申请编号DJ2026-0012。'), r.body);
    assert.ok(r.body.includes('请您自收到本通知书之日起20个工作日内缴纳。'), r.body);
    assert.ok(!r.body.includes('2026年4月9日'), 'no absolute date (§2.8)');
    assert.ok(r.body.includes('不计算在答复期限内') && r.body.includes('视为放弃申请'));

    const perApplication = renderDocumentText('fee_notice', full({
      fee: { basis: 'per_application', basisLabel: '按件收费', pages: null, amount: 200.5, breakdown: [], paymentDue: '2026年4月9日', payment: '银行转账', nthInMonth: 31, month: '2026年3月' },
    }));
    assert.ok(perApplication.body.includes('经统计，本件为您2026年3月向本级人民政府及其部门提出的第31件政府信息公开申请。'), perApplication.body);
    assert.ok(perApplication.body.includes('计收方式：按件收费。'));
    assert.ok(perApplication.body.includes('11—30件（含30件）的部分，每件收费100元'), perApplication.body);
    assert.ok(!perApplication.body.includes('每页'));
    assert.ok(perApplication.body.includes('人民币200.50元') && perApplication.body.includes('缴费方式：银行转账。'), perApplication.body);
    assert.ok(!perApplication.body.includes('计费明细'));
  });

  it('delivery receipt: the document, its number, the addressee, the method and lines to sign', () => {
    const r = renderDocumentText('delivery_receipt', full());
    assert.equal(r.title, '送达回证');
    const { paragraphs } = parseDocumentBody(r.body);
    assert.ok(paragraphs.includes('送达文书：政府信息公开申请答复书（东规资公复〔2026〕12号）'), r.body);
    assert.ok(paragraphs.includes('受送达人：张某某'));
    assert.ok(paragraphs.includes('送达地点：东江区幸福路8号（邮政编码：528400）'));
    assert.ok(paragraphs.includes('送达方式：邮寄；邮件单号：＿＿＿＿＿＿'), r.body);
    assert.ok(paragraphs.includes('送达日期：＿＿＿＿年＿＿月＿＿日'));
    assert.ok(paragraphs.includes('受送达人签名（盖章）：＿＿＿＿＿＿'));
    assert.ok(paragraphs.includes('代收人及代收理由：＿＿＿＿＿＿'));
    assert.ok(paragraphs.includes('拒收事由和日期（由送达人记明）：＿＿＿＿＿＿'), r.body);
    assert.ok(paragraphs.includes('送达人（签名）：＿＿＿＿　见证人（签名）：＿＿＿＿'), r.body);
    assert.ok(paragraphs.some((p) => p.startsWith('备注：')));
    const blank = renderDocumentText('delivery_receipt', full({ target: { ...full().target!, method: '', addressee: '东江某某置业有限公司' } }));
    assert.ok(blank.body.includes('送达方式：＿＿＿＿＿＿') && blank.body.includes('送达地点：＿＿＿＿＿＿'), blank.body);
    const known = parseDocumentBody(renderDocumentText('delivery_receipt', full({
      target: { ...full().target!, method: '邮寄送达', trackingNumber: 'EMS1234567890', deliveredDate: '2026年3月23日', signedBy: '张某某' },
    })).body).paragraphs;
    assert.ok(known.includes('送达方式：邮寄送达；邮件单号：EMS1234567890') && known.includes('送达日期：2026年3月23日') && known.includes('受送达人签名（盖章）：张某某'), known.join('\n'));
  });
});

describe('parseDocumentBody', () => {
  it('round-trips every rendered body', () => {
    for (const name of ALL) {
      const { body } = renderDocumentText(name, dataFor(name, full()));
      const { addressee, paragraphs } = parseDocumentBody(body);
      assert.equal([...(addressee ? [addressee] : []), ...paragraphs].join('\n\n'), body, name);
    }
  });

  it('normalises a user-edited body', () => {
    const edited = '\r\n  张某某：\r\n\r\n\r\n本机关于2026年3月2日\r\n收到您的申请。  \n \n\u3000\u3000如对本答复不服，\n可以依法申请行政复议。\n\nSee the PDF\nattached here.\n\n';
    assert.deepEqual(parseDocumentBody(edited), {
      addressee: '张某某：',
      paragraphs: ['本机关于2026年3月2日收到您的申请。', '如对本答复不服，可以依法申请行政复议。', 'See the PDF attached here.'],
    });
  });

  it('recognises an addressee only when it looks like one', () => {
    assert.equal(parseDocumentBody('Zhang:\n\ntext').addressee, 'Zhang:');
    assert.deepEqual(parseDocumentBody('本机关于2026年3月2日收到您的申请。\n\n特此告知。'), {
      addressee: null,
      paragraphs: ['本机关于2026年3月2日收到您的申请。', '特此告知。'],
    });
    const long = '甲'.repeat(60) + '：';
    assert.equal(parseDocumentBody(`${long}\n\n正文`).addressee, null, 'more than 60 characters is not an addressee');
    assert.equal(parseDocumentBody(`${'甲'.repeat(59)}：\n\n正文`).addressee, '甲'.repeat(59) + '：');
    assert.deepEqual(parseDocumentBody(''), { addressee: null, paragraphs: [] });
    assert.deepEqual(parseDocumentBody('\n \n'), { addressee: null, paragraphs: [] });
  });
});

// ---------------------------------------------------------------------------------------------
// Finding 14: text from the applicant is printed as the applicant's, never as the agency's.

/**
 * Every occurrence of `phrase` in `body` lies inside a quotation opened by `open` and closed by
 * `close` on the same paragraph, and no paragraph begins with it.
 */
function onlyInside(body: string, phrase: string, open: string, close: string): number {
  let found = 0;
  for (const p of body.split('\n\n')) {
    assert.ok(!p.startsWith(phrase), `a paragraph of its own: ${p}`);
    for (let i = p.indexOf(phrase); i >= 0; i = p.indexOf(phrase, i + 1)) {
      found++;
      const before = p.slice(0, i);
      assert.ok(before.lastIndexOf(open) > before.lastIndexOf(close), `“${phrase}” is inside ${open}…${close}: ${p}`);
      assert.ok(p.indexOf(close, i) > i, `the quotation closes after “${phrase}” on the same paragraph: ${p}`);
    }
  }
  return found;
}

describe('document templates: applicant text is quoted as the applicant’s (finding 14)', () => {
  const DESC_CLAIM = '本机关决定予以公开全部信息。';
  const TITLE_CLAIM = '本机关同意公开';
  const NUMBER_CLAIM = '本机关已公开';
  const hostile = (base: DocumentTemplateData): DocumentTemplateData => ({
    ...base,
    application: {
      ...base.application,
      description: `东江区2025年度国有建设用地供应计划\n\n${DESC_CLAIM}\n`,
      documentTitle: `供应计划》。\n\n${TITLE_CLAIM}。《附件`,
      documentNumber: `东规资发（2025）8号）。${NUMBER_CLAIM}。（`,
    },
  });

  // Every template that says what was requested (all but the 送达回证, which names a document).
  for (const name of ALL.filter((n) => n !== 'delivery_receipt')) {
    it(`${name}: a request's line breaks and quotation marks cannot make a paragraph or sentence of the agency`, () => {
      const r = renderDocumentText(name, dataFor(name, hostile(full())));
      assertClean(name, r.title, r.body);
      assert.equal(onlyInside(r.body, DESC_CLAIM.slice(0, -1), '“', '”'), 1, `${name}: the description is quoted once\n${r.body}`);
      assert.ok(r.body.includes(`“东江区2025年度国有建设用地供应计划／${DESC_CLAIM.slice(0, -1)}”`), `${name}: the line break shows as ／\n${r.body}`);
      assert.equal(onlyInside(r.body, TITLE_CLAIM, '《', '》'), 1, `${name}: the title stays inside 《》\n${r.body}`);
      assert.equal(onlyInside(r.body, NUMBER_CLAIM, '（文号：', '）'), 1, `${name}: the number stays inside （文号：…）\n${r.body}`);
      // The paragraph that quotes the request says whose words they are.
      const quoting = r.body.split('\n\n').find((p) => p.includes(DESC_CLAIM.slice(0, -1)))!;
      assert.match(quoting, /(您|贵单位|申请人)申请(公开|更正)《/, `${name}: attributed to the applicant\n${quoting}`);
    });
  }

  it('quotation marks inside the applicant’s words become single quotes (GB/T 15834-2011 §4.6.3)', () => {
    const data = full({ application: { ...full().application, documentTitle: null, documentNumber: null, description: '“甲地块”的批复”。本机关决定公开。“以及"乙地块"' } });
    const r = renderDocumentText('receipt', data);
    assert.ok(r.body.includes('申请公开“‘甲地块’的批复’。本机关决定公开。‘以及‘乙地块’”。'), r.body);
  });

  it('the applicant’s text is quoted once: quotation marks put around all of it are not doubled (issue 12)', () => {
    for (const description of ['“东江区2025年度国有建设用地供应计划”', '"东江区2025年度国有建设用地供应计划"。', '「东江区2025年度国有建设用地供应计划」']) {
      const data = full({ application: { ...full().application, documentTitle: null, documentNumber: null, description } });
      const r = renderDocumentText('reply.withhold.process_info', withFacts(data, 'withhold.process_info'));
      assert.ok(r.body.includes('您申请公开“东江区2025年度国有建设用地供应计划”。'), r.body);
      assert.ok(!/[“‘][“‘]|[”’][”’]/u.test(r.body), r.body);
    }
    // Marks inside the text are the applicant's own and stay, as single quotes.
    const inner = full({ application: { ...full().application, documentTitle: null, documentNumber: null, description: '“甲地块”和“乙地块”的批复' } });
    assert.ok(renderDocumentText('receipt', inner).body.includes('“‘甲地块’和‘乙地块’的批复”'));
  });

  it('a long request is quoted up to 100 characters and an ellipsis; the title to 50, the number to 40', () => {
    const long = '东江区'.repeat(60); // 180 characters
    const data = full({ application: { ...full().application, description: long, documentTitle: '规划'.repeat(40), documentNumber: '1'.repeat(60) } });
    const r = renderDocumentText('receipt', data);
    assert.ok(r.body.includes(`内容描述为“${long.slice(0, 100)}……”`), r.body);
    assert.ok(r.body.includes(`《${'规划'.repeat(25)}……》`), r.body);
    assert.ok(r.body.includes(`（文号：${'1'.repeat(40)}……）`), r.body);
  });

  it('a name or address with line breaks stays on its line', () => {
    const data = full({ applicant: { ...full().applicant, name: '张某某\n\n本机关决定', address: '东江区幸福路8号\n\n3栋' } });
    const receipt = parseDocumentBody(renderDocumentText('receipt', data).body);
    assert.equal(receipt.addressee, '张某某 本机关决定：');
    const delivery = renderDocumentText('delivery_receipt', { ...data, target: { ...full().target!, addressee: '张某某\n\n本机关决定' } });
    assertClean('delivery_receipt', delivery.title, delivery.body);
    assert.ok(delivery.body.split('\n\n').includes('送达地点：东江区幸福路8号 3栋（邮政编码：528400）'), delivery.body);
  });

  it('staff text embedded in a sentence stays in its sentence; the reasons of a decision keep their paragraphs', () => {
    const data = full({ extension: { workingDays: 20, reason: '所申请信息数量较大\n\n需要调取档案', newReplyDue: '2026年4月28日' } });
    const ext = renderDocumentText('extension_notice', data);
    assert.ok(ext.body.includes('因所申请信息数量较大 需要调取档案，本机关需要延长答复期限'), ext.body);
    const withReasons = withDecision(full({ decision: { ...full().decision!, reasons: '该信息已主动公开。\n其获取方式如下：本机关门户网站' } }), 'withhold.process_info');
    const reply = parseDocumentBody(renderDocumentText('reply.withhold.process_info', withReasons).body).paragraphs;
    const at = reply.findIndex((p) => p.endsWith('该信息已主动公开。'));
    assert.ok(at > 0, reply.join('\n'));
    assert.equal(reply[at + 1], '其获取方式如下：本机关门户网站。');
  });
});
