import assert from 'node:assert/strict';
import {
  DEADLINES, EVENT_DATE_LABELS, ISSUE_TERMS, PRODUCT_NAME, TERMS, appealAnswerDueLabel, documentStatusLabel, issueVerb, workingDaysLeftText,
} from '../../workflows/terms.js';
import { APPLICATION_EVENT_TYPES, APPLICATION_STATES } from '../../workflows/application.machine.js';
import { APPEAL_EVENT_DATE_LABELS, APPEAL_EVENT_TYPES, appealEventLabel, appealStateLabel } from '../../workflows/appeal.machine.js';
import { beijingDate, beijingTime } from '../../workflows/dates.js';

// Issue 13: one term per concept, in one module that pages and documents read.
describe('the glossary (workflows/terms.ts)', () => {
  it('names each deadline for what it is: the reply, a litigation answer and a consultation are three words', () => {
    assert.equal(DEADLINES.replyDue, '答复期限');
    assert.equal(DEADLINES.litigationAnswerDue, '答辩期限');
    assert.equal(DEADLINES.opinionDue, '意见期限');
    assert.equal(appealAnswerDueLabel('litigation'), '答辩期限');
    assert.equal(appealAnswerDueLabel('reconsideration'), '复议答复期限');
    const names = Object.values(DEADLINES);
    assert.equal(new Set(names).size, names.length, 'no two deadlines share a name');
    assert.equal(names.filter((n) => n === '答复期限').length, 1, '答复期限 is the reply\'s alone');
  });

  it('办理中 is one state; all open cases are 未办结', () => {
    assert.equal(APPLICATION_STATES.processing, '办理中');
    assert.equal(TERMS.CASE_TERMS.open, '未办结');
    assert.equal(Object.values(APPLICATION_STATES).filter((l) => l === '办理中').length, 1);
  });

  it('签发 is the approver\'s sign-off of a reply; every other document is sent (发出)', () => {
    assert.equal(issueVerb('reply'), '签发');
    for (const kind of ['receipt', 'correction_notice', 'extension_notice', 'consultation_letter', 'fee_notice', 'reasons_request', 'later_reply_notice']) {
      assert.equal(issueVerb(kind), '发出', kind);
    }
    assert.equal(documentStatusLabel('reply', 'issued'), '已签发');
    assert.equal(documentStatusLabel('fee_notice', 'issued'), '已发出');
    assert.equal(documentStatusLabel('fee_notice', 'draft'), '草稿');
    assert.equal(ISSUE_TERMS.documentDate, '成文日期');
  });

  it('an appeal speaks the words of its kind: a suit is answered with a 答辩状, the button is not 起草答复', () => {
    assert.equal(appealEventLabel('litigation', 'DRAFT_ANSWER'), '起草答辩状');
    assert.equal(appealEventLabel('litigation', 'SUBMIT_ANSWER'), '提交答辩状和证据');
    assert.equal(appealEventLabel('reconsideration', 'DRAFT_ANSWER'), '起草复议答复书');
    assert.equal(appealStateLabel('litigation', 'answer_submitted'), '已提交答辩状和证据');
    assert.equal(appealStateLabel('reconsideration', 'received'), '已收到复议申请书副本');
    assert.equal(appealEventLabel('litigation', 'REGISTER'), '登记');
    for (const type of APPEAL_EVENT_TYPES) {
      for (const kind of ['reconsideration', 'litigation']) assert.doesNotMatch(appealEventLabel(kind, type), /^起草答复$|[A-Z_]{3,}/, `${kind} ${type}`);
    }
  });

  it('labels every event\'s date for what it is, never 生效日期', () => {
    for (const type of APPLICATION_EVENT_TYPES) {
      assert.match(EVENT_DATE_LABELS[type], /\p{Script=Han}/u, type);
      assert.doesNotMatch(EVENT_DATE_LABELS[type], /生效/, type);
    }
    for (const type of APPEAL_EVENT_TYPES) assert.doesNotMatch(APPEAL_EVENT_DATE_LABELS[type], /生效/, type);
    assert.equal(EVENT_DATE_LABELS.CORRECTION_RECEIVED, '收到补正之日');
    assert.equal(EVENT_DATE_LABELS.ISSUE_REPLY, '签发日期');
  });

  it('says how far a deadline is in words: 已超期 3 个工作日, never -3', () => {
    assert.equal(workingDaysLeftText(-3), '已超期 3 个工作日');
    assert.equal(workingDaysLeftText(0), '今日到期');
    assert.equal(workingDaysLeftText(2), '剩 2 个工作日');
    assert.equal(workingDaysLeftText(null), '—');
  });

  it('has one product name', () => {
    assert.equal(PRODUCT_NAME, '政府信息公开申请办理系统');
  });
});

describe('times people read are Beijing time', () => {
  it('shows a stored UTC instant in Beijing time, to the minute, across midnight', () => {
    assert.equal(beijingTime('2026-12-04T16:30:00.000Z'), '2026-12-05 00:30');
    assert.equal(beijingTime('2026-12-05T01:26:02.996Z', true), '2026-12-05 09:26:02');
    assert.equal(beijingDate('2026-12-31T17:00:00Z'), '2027-01-01');
    assert.equal(beijingTime('not a time'), 'not a time');
  });
});
