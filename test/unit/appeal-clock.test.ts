// Expected dates were counted by hand against node_modules/chinese-days/dist/chinese-days.json
// (State Council notices); the counting is written out next to each case so it can be re-checked
// without running the code. Holiday arrangements used here:
//   2025 Spring Festival: 1/28–2/4 off; Sun 1/26 and Sat 2/8 worked.
//   2025 National Day + Mid-Autumn: 10/1–10/8 off; Sun 9/28 and Sat 10/11 worked.
//   2026 Spring Festival: 2/15–2/23 off; Sat 2/14 and Sat 2/28 worked.
//   2027: no official data in chinese-days 1.5.7 (weekends and statutory holidays, provisional).
import assert from 'node:assert/strict';
import { addCalendarMonths, computeAppealDeadlines, type AppealClockInput } from '../../workflows/appeal-clock.js';
import { WorkCalendar } from '../../workflows/calendar.js';

const cal = new WorkCalendar();

const RECON = { kind: 'reconsideration', procedure: 'ordinary' } as const;
const SIMPLE_RECON = { kind: 'reconsideration', procedure: 'simplified' } as const;
const FIRST = { kind: 'litigation', procedure: 'first_instance' } as const;
const SECOND = { kind: 'litigation', procedure: 'second_instance' } as const;

function clock(input: Partial<AppealClockInput> & Pick<AppealClockInput, 'kind' | 'procedure' | 'receivedDate'>) {
  return computeAppealDeadlines({ today: input.receivedDate, ...input }, cal);
}

describe('appeal clock: the answer', () => {
  it('reconsideration, ordinary: 10 working days across the National Day break (行政复议法 Art. 48)', () => {
    // Received Tue 2025-09-30. 10/1–10/8 off. 10/9 (1), 10/10 (2), Sat 10/11 worked (3), 10/13 (4),
    // 10/14 (5), 10/15 (6), 10/16 (7), 10/17 (8), 10/20 (9), 10/21 (10).
    const d = clock({ ...RECON, receivedDate: '2025-09-30', acceptedDate: '2025-09-26' });
    assert.equal(d.answerDue, '2025-10-21');
    assert.deepEqual(d.explanation, [
      '2025年9月30日收到行政复议申请书副本（起算日不计入），书面答复和证据应在10个工作日内提交，期限至2025年10月21日（行政复议法第四十八条，第八十八条：“十日”“五日”指工作日）。',
      // 9/26 + 60: 9/30 is day 4, 10/31 day 35, 11/25 (Tue) day 60.
      '行政复议决定期限：自2025年9月26日受理起60日，至2025年11月25日（行政复议法第六十二条）。',
    ]);
    assert.equal(d.provisional, false);
  });

  it('reconsideration, simplified: 5 working days (行政复议法 Art. 54)', () => {
    // 10/9 (1), 10/10 (2), Sat 10/11 (3), 10/13 (4), 10/14 (5).
    const d = clock({ ...SIMPLE_RECON, receivedDate: '2025-09-30' });
    assert.equal(d.answerDue, '2025-10-14');
    assert.match(d.explanation[0]!, /5个工作日内提交，期限至2025年10月14日（行政复议法第五十四条/);
  });

  it('a copy received on a Saturday counts from the next day, make-up Sunday included', () => {
    // Sat 2025-09-27. Sun 9/28 worked (1), 9/29 (2), 9/30 (3), 10/9 (4), 10/10 (5), Sat 10/11 (6),
    // 10/13 (7), 10/14 (8), 10/15 (9), 10/16 (10). Simplified: the fifth is 10/10.
    assert.equal(clock({ ...RECON, receivedDate: '2025-09-27' }).answerDue, '2025-10-16');
    assert.equal(clock({ ...SIMPLE_RECON, receivedDate: '2025-09-27' }).answerDue, '2025-10-10');
  });

  it('working days across the 2025 Spring Festival', () => {
    // Fri 2025-01-24. Sat 1/25 off; Sun 1/26 worked (1), 1/27 (2), 1/28–2/4 off, 2/5 (3), 2/6 (4),
    // 2/7 (5), Sat 2/8 worked (6), 2/10 (7), 2/11 (8), 2/12 (9), 2/13 (10).
    assert.equal(clock({ ...RECON, receivedDate: '2025-01-24' }).answerDue, '2025-02-13');
    assert.equal(clock({ ...SIMPLE_RECON, receivedDate: '2025-01-24' }).answerDue, '2025-02-07');
  });

  it('litigation: 15 days ending on National Day move to the first working day after the break (行政诉讼法 Art. 67)', () => {
    // 2025-09-16 + 15 = 10/1 (holiday); 10/2–10/8 off too → Thu 10/9.
    const d = clock({ ...FIRST, receivedDate: '2025-09-16', filedDate: '2025-08-17' });
    assert.equal(d.answerDue, '2025-10-09');
    assert.deepEqual(d.explanation, [
      '2025年9月16日收到起诉状副本（起算日不计入），答辩状和证据应在15日内提交，期限至2025年10月1日，该日为国庆节，顺延至2025年10月9日（行政诉讼法第六十七条；期间计算依第一百零一条适用民事诉讼法第八十五条）。',
      // 2025-08-17 + 6 months = 2026-02-17 (Spring Festival); 2/18–2/23 off → Tue 2/24.
      '第一审审理期限：自2025年8月17日立案起6个月，至2026年2月17日，该日为春节，顺延至2026年2月24日（行政诉讼法第八十一条；月的计算依民法典第二百零二条）。',
    ]);
  });

  it('litigation: 15 days ending on a weekend move to Monday', () => {
    // Fri 2025-03-07 + 15 = Sat 3/22 → Mon 3/24.
    const d = clock({ ...FIRST, receivedDate: '2025-03-07', filedDate: '2025-03-01' });
    assert.equal(d.answerDue, '2025-03-24');
    assert.match(d.explanation[0]!, /期限至2025年3月22日，该日为休息日，顺延至2025年3月24日/);
  });

  it('litigation: 15 days ending on a make-up working Sunday stay there', () => {
    // 2025-09-13 + 15 = Sun 9/28, a working day (调休上班).
    const d = clock({ ...FIRST, receivedDate: '2025-09-13' });
    assert.equal(d.answerDue, '2025-09-28');
    assert.doesNotMatch(d.explanation[0]!, /顺延/);
  });

  it('litigation: 15 days ending on an ordinary weekday', () => {
    // Mon 2025-11-03 + 15 = Tue 11/18.
    assert.equal(clock({ ...FIRST, receivedDate: '2025-11-03' }).answerDue, '2025-11-18');
  });

  it('second instance: the appellee answers within the same 15 days of the appeal copy', () => {
    const d = clock({ ...SECOND, receivedDate: '2025-09-16' });
    assert.equal(d.answerDue, '2025-10-09');
    assert.match(d.explanation[0]!, /收到上诉状副本/);
  });
});

describe('appeal clock: the decision', () => {
  it('reconsideration: 60 days from acceptance, rolled past National Day (行政复议法 Art. 62)', () => {
    // 2025-08-02 + 60: 8/31 is day 29, 9/30 day 59, 10/1 day 60 (holiday) → Thu 10/9.
    const d = clock({ ...RECON, receivedDate: '2025-08-08', acceptedDate: '2025-08-02' });
    assert.equal(d.decisionExpected, '2025-10-09');
    assert.equal(d.explanation[1], '行政复议决定期限：自2025年8月2日受理起60日，至2025年10月1日，该日为国庆节，顺延至2025年10月9日（行政复议法第六十二条）。');
  });

  it('reconsideration: the extension days are added to the 60', () => {
    // 2025-08-02 + 90 = Fri 10/31. + 65 = 10/6 (Mid-Autumn) → 10/9.
    const d = clock({ ...RECON, receivedDate: '2025-08-08', acceptedDate: '2025-08-02', decisionExtensionDays: 30 });
    assert.equal(d.decisionExpected, '2025-10-31');
    assert.match(d.explanation[1]!, /起60日，经延长30日，共90日，至2025年10月31日/);
    assert.equal(clock({ ...RECON, receivedDate: '2025-08-08', acceptedDate: '2025-08-02', decisionExtensionDays: 5 }).decisionExpected, '2025-10-09');
  });

  it('simplified reconsideration: 30 days, never extended', () => {
    // 2025-09-01 + 30 = 10/1 (holiday) → 10/9.
    const d = clock({ ...SIMPLE_RECON, receivedDate: '2025-09-03', acceptedDate: '2025-09-01', decisionExtensionDays: 10 });
    assert.equal(d.decisionExpected, '2025-10-09');
    assert.ok(d.explanation.includes('简易程序案件不适用延长复议期限，所记录的延长未计入。'));
  });

  it('without an acceptance or filing date, counts from the receipt of the copy and says so', () => {
    // 2025-09-30 + 60: 10/31 is day 31, 11/29 (Sat) day 60 → Mon 12/1.
    const d = clock({ ...RECON, receivedDate: '2025-09-30' });
    assert.equal(d.decisionExpected, '2025-12-01');
    assert.equal(d.explanation[1], '未记录受理日期，暂以收到副本之日（2025年9月30日）起算审理期限。');
    const l = clock({ ...FIRST, receivedDate: '2025-09-16', filedDate: null });
    assert.ok(l.explanation.includes('未记录立案日期，暂以收到副本之日（2025年9月16日）起算审理期限。'));
    // 2025-09-16 + 6 months = Mon 2026-03-16.
    assert.equal(l.decisionExpected, '2026-03-16');
  });

  it('first instance: 6 months ending in the 2025 Spring Festival (行政诉讼法 Art. 81)', () => {
    // 2024-07-31 + 6 months = 2025-01-31 (holiday); 2/1–2/4 off → Wed 2/5.
    assert.equal(clock({ ...FIRST, receivedDate: '2024-08-05', filedDate: '2024-07-31' }).decisionExpected, '2025-02-05');
  });

  it('first instance: 6 months from the 31st end on the last day of February', () => {
    // 2024-08-31 + 6 months: February 2025 has no 31st → Fri 2/28, a working day.
    const d = clock({ ...FIRST, receivedDate: '2024-09-05', filedDate: '2024-08-31' });
    assert.equal(d.decisionExpected, '2025-02-28');
    assert.match(d.explanation[1]!, /至2025年2月28日（该月没有31日，以月末日为期间最后一日）（行政诉讼法第八十一条/);
  });

  it('simplified first instance: 45 days (行政诉讼法 Art. 83)', () => {
    // 2024-12-20 + 45: 12/31 is day 11, 1/31 day 42, 2/3 day 45 (holiday); 2/4 off → Wed 2/5.
    const d = clock({ ...FIRST, simplified: true, receivedDate: '2024-12-25', filedDate: '2024-12-20' });
    assert.equal(d.decisionExpected, '2025-02-05');
    assert.match(d.explanation[1]!, /第一审简易程序审理期限：自2024年12月20日立案起45日，至2025年2月3日，该日为春节（调休），顺延至2025年2月5日（行政诉讼法第八十三条）/);
  });

  it('second instance: 3 months from the appeal petition (行政诉讼法 Art. 88)', () => {
    // 2024-11-30 + 3 months: no 2/30 → Fri 2025-02-28.
    assert.equal(clock({ ...SECOND, receivedDate: '2024-12-05', filedDate: '2024-11-30' }).decisionExpected, '2025-02-28');
    // 2025-11-30 + 3 months → 2026-02-28, a Saturday but a make-up working day: not moved.
    const d = clock({ ...SECOND, receivedDate: '2025-12-05', filedDate: '2025-11-30' });
    assert.equal(d.decisionExpected, '2026-02-28');
    assert.match(d.explanation[1]!, /第二审审理期限：自2025年11月30日收到上诉状起3个月，至2026年2月28日（该月没有30日/);
    assert.doesNotMatch(d.explanation[1]!, /顺延/);
  });

  it('the simplified flag means nothing for a second instance', () => {
    assert.equal(clock({ ...SECOND, simplified: true, receivedDate: '2024-12-05', filedDate: '2024-11-30' }).decisionExpected, '2025-02-28');
  });
});

describe('appeal clock: months', () => {
  it('the same day N months later, or the last day of a shorter month', () => {
    assert.equal(addCalendarMonths('2025-01-31', 1), '2025-02-28');
    assert.equal(addCalendarMonths('2024-01-31', 1), '2024-02-29');
    assert.equal(addCalendarMonths('2025-03-31', 1), '2025-04-30');
    assert.equal(addCalendarMonths('2025-08-17', 6), '2026-02-17');
    assert.equal(addCalendarMonths('2025-12-15', 1), '2026-01-15');
    assert.equal(addCalendarMonths('2025-03-31', -1), '2025-02-28');
    assert.throws(() => addCalendarMonths('2025-02-30', 1), RangeError);
  });

  it('31 Jan + 1 month, then moved to a working day', () => {
    // 2025-01-31 + 1 month = Fri 2/28, a working day; 2024-12-31 + 1 month = 2025-01-31 (Spring
    // Festival) → Wed 2/5.
    assert.equal(cal.nextWorkingDayOnOrAfter(addCalendarMonths('2025-01-31', 1)), '2025-02-28');
    assert.equal(cal.nextWorkingDayOnOrAfter(addCalendarMonths('2024-12-31', 1)), '2025-02-05');
  });
});

describe('appeal clock: after the decision', () => {
  it('a first-instance judgment may be appealed within 15 days (行政诉讼法 Art. 85)', () => {
    // 2025-09-16 + 15 = 10/1 → 10/9.
    const base = { ...FIRST, receivedDate: '2025-08-01', filedDate: '2025-07-25' };
    const d = clock({ ...base, decision: { date: '2025-09-16', outcome: 'upheld', decisionForm: 'judgment' }, answerSubmitted: true, today: '2025-10-09' });
    assert.equal(d.appealDeadline, '2025-10-09');
    assert.equal(d.appealWindowOpen, true);
    assert.ok(d.explanation.includes('2025年9月16日作出第一审判决（以该日为送达日），上诉期限15日，至2025年10月1日，该日为国庆节，顺延至2025年10月9日（行政诉讼法第八十五条）。'));
    assert.equal(clock({ ...base, decision: { date: '2025-09-16', outcome: 'upheld' }, today: '2025-10-10' }).appealWindowOpen, false);
    // No form given: a judgment. Mon 2025-11-03 + 15 = Tue 11/18.
    assert.equal(clock({ ...base, decision: { date: '2025-11-03', outcome: 'corrected' } }).appealDeadline, '2025-11-18');
  });

  it('a first-instance ruling within 10 days', () => {
    // 2025-09-26 + 10 = 10/6 (Mid-Autumn) → 10/9. 2025-11-03 + 10 = Thu 11/13.
    const base = { ...FIRST, receivedDate: '2025-08-01' };
    const d = clock({ ...base, decision: { date: '2025-09-26', outcome: 'upheld', decisionForm: 'ruling' }, today: '2025-09-26' });
    assert.equal(d.appealDeadline, '2025-10-09');
    assert.match(d.explanation.at(-1)!, /第一审裁定（以该日为送达日），上诉期限10日，至2025年10月6日，该日为中秋，顺延至2025年10月9日/);
    assert.equal(clock({ ...base, decision: { date: '2025-11-03', outcome: 'corrected', decisionForm: 'ruling' } }).appealDeadline, '2025-11-13');
  });

  it('a second-instance judgment is final', () => {
    const d = clock({ ...SECOND, receivedDate: '2025-08-01', decision: { date: '2025-09-16', outcome: 'upheld', decisionForm: 'judgment' } });
    assert.equal(d.appealDeadline, null);
    assert.equal(d.appealWindowOpen, false);
    assert.ok(d.explanation.includes('2025年9月16日作出第二审裁判，为终审裁判，不能再上诉（行政诉讼法第七条）。'));
  });

  it('a reconsideration decision may be taken to court within 15 days (行政诉讼法 Art. 45)', () => {
    // Fri 2025-03-07 + 15 = Sat 3/22 → Mon 3/24.
    const base = { ...RECON, receivedDate: '2025-01-24', acceptedDate: '2025-01-20' };
    const upheld = clock({ ...base, decision: { date: '2025-03-07', outcome: 'upheld' }, today: '2025-03-24' });
    assert.equal(upheld.appealDeadline, '2025-03-24');
    assert.equal(upheld.appealWindowOpen, true);
    assert.ok(upheld.explanation.includes('2025年3月7日作出行政复议决定（以该日为送达日），申请人不服的，可以在15日内提起行政诉讼，期限至2025年3月22日，该日为休息日，顺延至2025年3月24日（行政诉讼法第四十五条）。'));
    assert.ok(upheld.explanation.some((s) => /共同被告（行政诉讼法第二十六条第二款）/.test(s)));
    const corrected = clock({ ...base, decision: { date: '2025-03-07', outcome: 'corrected', newReplyDueDate: '2025-04-08' }, today: '2025-03-25' });
    assert.equal(corrected.appealDeadline, '2025-03-24');
    assert.equal(corrected.appealWindowOpen, false);
    assert.equal(corrected.newReplyDue, '2025-04-08');
    assert.ok(corrected.explanation.includes('决定/裁判责令重新答复，重新答复期限为2025年4月8日。'));
    assert.ok(!corrected.explanation.some((s) => /共同被告/.test(s)));
  });

  it('mediation, settlement, withdrawal or termination opens no window', () => {
    for (const setup of [RECON, FIRST]) {
      const d = clock({ ...setup, receivedDate: '2025-08-01', decision: { date: '2025-09-16', outcome: 'other', decisionForm: 'ruling' } });
      assert.equal(d.appealDeadline, null);
      assert.equal(d.appealWindowOpen, false);
    }
  });

  it('a closed case has no open window', () => {
    const d = clock({ ...FIRST, receivedDate: '2025-08-01', decision: { date: '2025-11-03', outcome: 'upheld' }, closed: true, today: '2025-11-04' });
    assert.equal(d.appealDeadline, '2025-11-18');
    assert.equal(d.appealWindowOpen, false);
  });

  it('no decision, no window and no new reply', () => {
    const d = clock({ ...RECON, receivedDate: '2025-09-30' });
    assert.equal(d.appealDeadline, null);
    assert.equal(d.appealWindowOpen, false);
    assert.equal(d.newReplyDue, null);
  });
});

describe('appeal clock: answer status', () => {
  // Answer due Tue 2025-10-21 (received 2025-09-30, ordinary reconsideration).
  const status = (today: string, extra: Partial<AppealClockInput> = {}) => {
    const d = clock({ ...RECON, receivedDate: '2025-09-30', today, ...extra });
    return { overdue: d.answerOverdue, soon: d.answerDueSoon };
  };

  it('due soon with at most 3 working days left, overdue the day after', () => {
    // Working days in (today, 10/21]: from 10/15: 16, 17, 20, 21 = 4; from 10/16: 3.
    assert.deepEqual(status('2025-10-15'), { overdue: false, soon: false });
    assert.deepEqual(status('2025-10-16'), { overdue: false, soon: true });
    assert.deepEqual(status('2025-10-21'), { overdue: false, soon: true });
    assert.deepEqual(status('2025-10-22'), { overdue: true, soon: false });
    // During the holiday: 10/9, 10, 11, 13–17, 20, 21 = 10 working days left.
    assert.deepEqual(status('2025-10-03'), { overdue: false, soon: false });
  });

  it('a submitted answer, or a closed case, is neither due soon nor overdue', () => {
    assert.deepEqual(status('2025-10-16', { answerSubmitted: true }), { overdue: false, soon: false });
    assert.deepEqual(status('2025-10-22', { answerSubmitted: true }), { overdue: false, soon: false });
    assert.deepEqual(status('2025-10-22', { closed: true }), { overdue: false, soon: false });
  });

  it('a holiday makes 15 calendar days feel short', () => {
    // Litigation received 2025-09-16, answer due 10/9; on 9/30 only 10/9 is left as a working day.
    const d = clock({ ...FIRST, receivedDate: '2025-09-16', today: '2025-09-30' });
    assert.equal(d.answerDueSoon, true);
  });
});

describe('appeal clock: provisional calendar data', () => {
  it('a deadline counted into a year without official data is provisional', () => {
    // 2026-12-20 + 15 = Mon 2027-01-04 (2027 counted by weekends and its statutory holidays; the
    // 4th is neither).
    const d = clock({ ...FIRST, receivedDate: '2026-12-20', filedDate: '2026-12-20' });
    assert.equal(d.answerDue, '2027-01-04');
    assert.equal(d.provisional, true);
    assert.deepEqual(d.provisionalYears, [2027]);
    assert.equal(
      d.explanation.at(-1),
      '2027年尚无官方节假日安排数据：相关期限已扣除《全国年节及纪念日放假办法》规定的法定节假日（农历节日按历法推算），调休上班日和补休日期尚未公布，数据发布后可能调整。',
    );
  });

  it('so is a decision period reaching into such a year, until an admin enters its days', () => {
    // 2026-09-01 + 6 months = Mon 2027-03-01.
    const input = { ...FIRST, receivedDate: '2026-09-05', filedDate: '2026-09-01', today: '2026-09-05' } as const;
    const d = computeAppealDeadlines(input, cal);
    assert.equal(d.decisionExpected, '2027-03-01');
    assert.equal(d.provisional, true);
    const withData = computeAppealDeadlines(input, new WorkCalendar([{ date: '2027-01-01', kind: 'holiday', note: '元旦' }]));
    assert.equal(withData.provisional, false);
    assert.deepEqual(withData.provisionalYears, []);
  });

  it('a case within covered years is not provisional', () => {
    assert.equal(clock({ ...FIRST, receivedDate: '2025-09-16', filedDate: '2025-08-17' }).provisional, false);
  });
});

describe('appeal clock: input errors', () => {
  it('throws on unusable required input', () => {
    assert.throws(() => clock({ ...RECON, receivedDate: '2025-9-30' }), RangeError);
    assert.throws(() => computeAppealDeadlines({ ...RECON, receivedDate: '2025-09-30', today: '' }, cal), RangeError);
    assert.throws(() => clock({ kind: 'litigation', procedure: 'ordinary', receivedDate: '2025-09-30' }), RangeError);
    assert.throws(() => clock({ ...RECON, receivedDate: '2025-09-30', decisionExtensionDays: 31 }), RangeError);
    assert.throws(() => clock({ ...RECON, receivedDate: '2025-09-30', decision: { date: 'soon', outcome: 'upheld' } }), RangeError);
  });

  it('treats a malformed acceptance date as not recorded', () => {
    const d = clock({ ...RECON, receivedDate: '2025-09-30', acceptedDate: '2025-09-31' });
    assert.equal(d.decisionExpected, '2025-12-01');
    assert.match(d.explanation[1]!, /未记录受理日期/);
  });
});
