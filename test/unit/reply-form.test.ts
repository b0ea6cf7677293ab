import assert from 'node:assert/strict';
import { parseItemLines, replyEventFromForm, replyFormDefaults, replyFormValues } from '../../server/routes/reply-form.js';

// Issue 12: the reply editor works without JavaScript — one fieldset per decision, named
// `<decision>/<path>`; only the chosen decision's fields become the event.
describe('the reply editor’s form encoding', () => {
  const base = { type: 'DRAFT_REPLY', date: '2026-11-10', version: '3', reasons: '理由' };

  it('reads a list of documents one per line, with pages after ｜', () => {
    assert.deepEqual(parseItemLines('规划批复｜3\n\n 附图 \n会议纪要 | 12页\n说明｜第二稿'), [
      { title: '规划批复', pages: 3 }, { title: '附图' }, { title: '会议纪要', pages: 12 }, { title: '说明｜第二稿' },
    ]);
  });

  it('keeps only the chosen decision’s fieldset, and within it the chosen alternative', () => {
    const form = {
      ...base, decision: 'disclose',
      'disclose/disclosure.mode': 'published', 'disclose/disclosure.url': 'https://www.djq.gov.cn/a', 'disclose/disclosure.section': '',
      'disclose/disclosure.publishedDate': '2026-01-05', 'disclose/disclosure.items': '不会保存', 'disclose/disclosure.delivery': 'paper',
      'partial/provided': '另一个答复类型', 'unavailable.not_held/search': '另一个答复类型',
    };
    assert.deepEqual(replyEventFromForm(form), {
      ...base, decision: 'disclose', disclosure: { mode: 'published', url: 'https://www.djq.gov.cn/a', publishedDate: '2026-01-05' },
    });
  });

  it('zips repeated rows, drops empty ones, and carries the third party only for a part withheld on its behalf', () => {
    const form = {
      ...base, decision: 'partial', 'partial/provided': '红线图｜2',
      'partial/withheld.part': ['评估报告', '', '账户明细'], 'partial/withheld.ground': ['withhold.law_prohibited', '', 'withhold.process_info'],
      'partial/withheld.law.name': ['中华人民共和国档案法', '', ''], 'partial/withheld.law.article': ['第二十七条', '', ''],
      'partial/thirdParty.consultationId': 'c3', 'partial/thirdParty.publicInterest': '',
    };
    assert.deepEqual(replyEventFromForm(form), {
      ...base, decision: 'partial', provided: [{ title: '红线图', pages: 2 }],
      withheld: [
        { ground: 'withhold.law_prohibited', part: '评估报告', law: { name: '中华人民共和国档案法', article: '第二十七条' } },
        { ground: 'withhold.process_info', part: '账户明细' },
      ],
    });
    const third = replyEventFromForm({ ...form, 'partial/withheld.ground': ['withhold.third_party', '', ''] });
    assert.deepEqual(third.thirdParty, { consultationId: 'c3' });
  });

  it('Art. 36(四) or (五) as the form says, never both', () => {
    const form = { ...base, decision: 'unavailable.not_held', 'unavailable.not_held/search': '检索了收文簿', 'unavailable.not_held/responsibleAgency.name': '甲局', 'unavailable.not_held/responsibleAgency.contact': '电话1' };
    assert.deepEqual(replyEventFromForm({ ...form, 'unavailable.not_held/alternative': 'search' }), { ...base, decision: 'unavailable.not_held', search: '检索了收文簿' });
    assert.deepEqual(replyEventFromForm({ ...form, 'unavailable.not_held/alternative': 'agency' }), { ...base, decision: 'unavailable.not_held', responsibleAgency: { name: '甲局', contact: '电话1' } });
  });

  it('other.other: a basis, or an Art. 41 correction when ticked', () => {
    const form = { ...base, decision: 'other.other', 'other.other/basis': '申请人撤回', 'other.other/recordsCorrection.record': '姓名', 'other.other/recordsCorrection.outcome': 'not_competent', 'other.other/recordsCorrection.agency.name': '公安分局', 'other.other/recordsCorrection.agency.contact': '110', 'other.other/recordsCorrection.correction': '不会保存', 'other.other/recordsCorrection.forwarded': 'on' };
    assert.deepEqual(replyEventFromForm(form), { ...base, decision: 'other.other', basis: '申请人撤回' });
    assert.deepEqual(replyEventFromForm({ ...form, 'other.other/recordsCorrection': 'on' }), {
      ...base, decision: 'other.other', recordsCorrection: { record: '姓名', outcome: 'not_competent', agency: { name: '公安分局', contact: '110' }, forwarded: true },
    });
  });

  it('a field the form does not know stays, for the schema to refuse; other events pass untouched', () => {
    assert.equal(replyEventFromForm({ ...base, decision: 'disclose', 'disclose/nonsense': 'x' })['disclose/nonsense'], 'x');
    assert.equal(replyEventFromForm({ ...base, decision: 'disclose', 'withhold.whatever/x': 'y' })['withhold.whatever/x'], 'y');
    const other = { type: 'RECORD_DELIVERY', 'disclose/disclosure.url': 'x' };
    assert.equal(replyEventFromForm(other), other);
  });

  it('shows a draft’s facts again, and otherwise what the case holds, for the caseworker to confirm', () => {
    const payload = { decision: 'partial', reasons: '理由', provided: [{ title: '红线图', pages: 2 }], withheld: [{ ground: 'withhold.process_info', part: '纪要', law: null }] };
    assert.deepEqual(replyEventFromForm({ ...base, ...replyFormValues('partial', payload), decision: 'partial' }), {
      ...base, decision: 'partial', provided: [{ title: '红线图', pages: 2 }], withheld: [{ ground: 'withhold.process_info', part: '纪要' }],
    });
    // A payload recorded before issue 12 (free texts) shows its decision and reasons, and no facts.
    const old = replyFormDefaults({ request: {}, consultations: [], history: [{ type: 'DRAFT_REPLY', date: '2026-10-01', payload: { decision: 'partial', reasons: '理由', disclosed: '红线图', withheld: '账户明细', referTo: null } }] }, null);
    assert.equal(old.decision, 'partial');
    assert.equal(old.reasons, '理由');
    assert.equal(old['partial/withheld.part'], undefined);
    const v = replyFormDefaults({
      request: { delivery: 'email' },
      consultations: [{ id: 'c1', kind: 'third_party', opinion: 'consent' }, { id: 'c2', kind: 'third_party', opinion: 'object' }],
      history: [{ type: 'REQUEST_REASONS', date: '2026-11-09', payload: { monthCount: 31 } }],
    }, { applications: [{ likelyRepeat: true, reply: { number: '东规资公复〔2026〕3号', issuedDate: '2026-10-12' } }] });
    assert.equal(v['disclose/disclosure.delivery'], 'email');
    assert.equal(v['withhold.third_party/thirdParty.consultationId'], 'c2');
    assert.equal(v['not_processed.repeat/earlierReply.number'], '东规资公复〔2026〕3号');
    assert.equal(v['not_processed.repeat/earlierReply.date'], '2026-10-12');
    assert.equal(v['not_processed.excessive/excessive.count'], '31');
    assert.equal(v['not_processed.excessive/excessive.period.from'], '2026-11-01');
    assert.equal(v['not_processed.excessive/excessive.period.to'], '2026-11-09');
  });
});
