// Expected dates were counted by hand against the State Council notices (chinese-days data); the
// counting is spelled out in comments so each case can be re-checked without running the code.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { type CalendarOverride, WorkCalendar } from '../../workflows/calendar.js';
import { type ClockEvent, computeDeadlines } from '../../workflows/clock.js';
import { addDays, compareDates } from '../../workflows/dates.js';

const cal = new WorkCalendar();

let seqCounter = 0;
function ev(type: string, date: string, payload: Record<string, unknown> = {}): ClockEvent {
  return { seq: ++seqCounter, type, date, payload };
}
const consult = (date: string, id: string, kind: 'third_party' | 'agency' = 'third_party', party = '某某公司') =>
  ev('START_CONSULTATION', date, { consultationId: id, kind, party });
const opinion = (date: string, id: string) => ev('RECORD_OPINION', date, { consultationId: id, opinion: '同意公开' });

describe('reply clock: worked examples (domain.md §2)', () => {
  it('received Mon 2024-09-02 is due 2024-09-30 across Mid-Autumn', () => {
    const d = computeDeadlines({ receivedDate: '2024-09-02', events: [], today: '2024-09-02' }, cal);
    assert.equal(d.replyDue, '2024-09-30');
    assert.deepEqual(d.explanation, ['2024年9月2日收到申请（起算日不计入），加20个工作日，答复期限为2024年9月30日。']);
    assert.equal(d.provisional, false);
    assert.deepEqual(d.provisionalYears, []);
  });

  it('received 2025-01-20 is due 2025-02-21 across Spring Festival', () => {
    const d = computeDeadlines({ receivedDate: '2025-01-20', events: [], today: '2025-01-20' }, cal);
    assert.equal(d.replyDue, '2025-02-21');
  });

  it('received 2024-04-01: correction notice due 2024-04-11; corrected on 2024-04-15 restarts the clock to 2024-05-14', () => {
    const before = computeDeadlines({ receivedDate: '2024-04-01', events: [], today: '2024-04-01' }, cal);
    assert.equal(before.correctionNoticeDue, '2024-04-11');
    const events = [
      ev('REQUEST_CORRECTION', '2024-04-03', { items: ['申请内容描述不明确'], periodWorkingDays: 10 }),
      ev('CORRECTION_RECEIVED', '2024-04-15'),
    ];
    const d = computeDeadlines({ receivedDate: '2024-04-01', events, today: '2024-04-15' }, cal);
    assert.equal(d.correctionNoticeDue, '2024-04-11');
    assert.equal(d.replyDue, '2024-05-14');
    // 3 Apr + 10: 4–6 off, Sun 7 (1), 8–12 (6), 15–18 (10).
    assert.equal(d.correctionDue, '2024-04-18');
    assert.deepEqual(d.explanation, [
      '2024年4月1日收到申请（起算日不计入），加20个工作日，答复期限为2024年4月29日。',
      '2024年4月3日发出补正通知，补正期限为10个工作日（至2024年4月18日）。',
      '2024年4月15日收到补正后的申请，答复期限自该日重新起算（起算日不计入），加20个工作日，为2024年5月14日。',
    ]);
  });
});

describe('reply clock: across every holiday period', () => {
  const cases: [string, string][] = [
    // Fri 20 Sep: 23–27 (5), Sun 29 (6), 30 (7), 1–7 Oct off, 8–11 (11), Sat 12 (12), 14–18 (17), 21–23 (20).
    ['2024-09-20', '2024-10-23'],
    // Mon 22 Sep 2025: 23–26 (4), Sun 28 (5), 29–30 (7), 1–8 Oct off, 9–10 (9), Sat 11 (10), 13–17 (15), 20–24 (20).
    ['2025-09-22', '2025-10-24'],
    // Mon 9 Feb 2026: 10–13 (4), Sat 14 (5), 15–23 off, 24–27 (9), Sat 28 (10), 2–6 Mar (15), 9–13 (20).
    ['2026-02-09', '2026-03-13'],
    // Mon 15 Apr 2024: 16–19 (4), 22–26 (9), Sun 28 (10), 29–30 (12), 1–5 May off, 6–10 (17), Sat 11 (18), 13–14 (20).
    ['2024-04-15', '2024-05-14'],
    // Mon 22 Dec 2025: 23–26 (4), 29–31 (7), 1–3 Jan off, Sun 4 (8), 5–9 (13), 12–16 (18), 19–20 (20).
    ['2025-12-22', '2026-01-20'],
    // Mon 26 May 2025: 27–30 (4), 31 May–2 Jun off, 3–6 (8), 9–13 (13), 16–20 (18), 23–24 (20).
    ['2025-05-26', '2025-06-24'],
  ];
  for (const [received, due] of cases) {
    it(`received ${received} is due ${due}`, () => {
      assert.equal(computeDeadlines({ receivedDate: received, events: [], today: received }, cal).replyDue, due);
    });
  }
});

describe('reply clock: consultations (Arts. 32, 34)', () => {
  it('a third-party consultation stops the reply clock until the opinion arrives', () => {
    // Sent Thu 5 Sep, replied Thu 12 Sep: stopped 6, 9, 10, 11, 12 = 5 working days.
    // 30 Sep + 5: 1–7 Oct off, 8–11 (4), Sat 12 Oct make-up day (5).
    const events = [consult('2024-09-05', 'c1'), opinion('2024-09-12', 'c1')];
    const d = computeDeadlines({ receivedDate: '2024-09-02', events, today: '2024-09-13' }, cal);
    assert.equal(d.replyDue, '2024-10-12');
    // 5 Sep + 15: 6 (1), 9–13 (6), Sat 14 (7), 18–20 (10), 23–27 (15).
    assert.deepEqual(d.consultations, [
      { id: 'c1', kind: 'third_party', sentDate: '2024-09-05', opinionDue: '2024-09-27', repliedDate: '2024-09-12', noticeStatus: 'recorded' },
    ]);
    assert.ok(d.explanation.includes('2024年9月5日向某某公司征求意见（第三方，条例第三十二条），意见期限至2024年9月27日；2024年9月12日收到意见，其间5个工作日不计入答复期限。'));
    assert.equal(d.explanation.at(-1), '不计入答复期限的工作日共5个，答复期限顺延至2024年10月12日。');
  });

  it('overlapping consultations stop the clock once', () => {
    // Received Mon 3 Mar 2025, base due Mon 31 Mar.
    // A: 5→12 Mar stops 6, 7, 10, 11, 12. B: 10→14 Mar stops 11, 12, 13, 14. Union: 7 days.
    // 31 Mar + 7: 1–3 Apr (3), 4–6 Qingming off, 7–10 (7).
    const events = [consult('2025-03-05', 'a'), consult('2025-03-10', 'b', 'agency', '区财政局'), opinion('2025-03-12', 'a'), opinion('2025-03-14', 'b')];
    const d = computeDeadlines({ receivedDate: '2025-03-03', events, today: '2025-03-20' }, cal);
    assert.equal(d.replyDue, '2025-04-10');
    assert.equal(d.explanation.at(-1), '不计入答复期限的工作日共7个（重叠部分只计一次），答复期限顺延至2025年4月10日。');
    assert.ok(d.explanation.some((s) => s.includes('向区财政局征求意见（其他机关，条例第三十四条）')));
  });

  it('an unanswered consultation stops the clock at most until the 15-working-day opinion period ends', () => {
    // Sent Wed 5 Mar 2025; opinion due: 6–7 (2), 10–14 (7), 17–21 (12), 24–26 (15) → 26 Mar.
    // 31 Mar + 15: 1–3 (3), 7–11 (8), 14–18 (13), 21–22 (15) → 22 Apr.
    const events = [consult('2025-03-05', 'c1')];
    const d = computeDeadlines({ receivedDate: '2025-03-03', events, today: '2025-04-30' }, cal);
    assert.equal(d.consultations[0]?.opinionDue, '2025-03-26');
    assert.equal(d.replyDue, '2025-04-22');
    assert.ok(d.explanation.some((s) => s.includes('意见期限届满未收到意见')));
  });

  it('a late opinion stops the clock only until the opinion period ended', () => {
    const events = [consult('2025-03-05', 'c1'), opinion('2025-04-02', 'c1')];
    const d = computeDeadlines({ receivedDate: '2025-03-03', events, today: '2025-04-03' }, cal);
    assert.equal(d.replyDue, '2025-04-22');
  });

  it('an open consultation keeps pushing the deadline one working day per working day of waiting', () => {
    const events = [consult('2025-03-05', 'c1')];
    // Today Mon 10 Mar: stopped 6, 7, 10 = 3 → 31 Mar + 3 = 3 Apr.
    assert.equal(computeDeadlines({ receivedDate: '2025-03-03', events, today: '2025-03-10' }, cal).replyDue, '2025-04-03');
    // Today Tue 11 Mar: 4 stopped → 31 Mar + 4 = 7 Apr (4–6 Apr Qingming).
    assert.equal(computeDeadlines({ receivedDate: '2025-03-03', events, today: '2025-03-11' }, cal).replyDue, '2025-04-07');
    // Today Sat 8 Mar: still 2 stopped → 2 Apr.
    assert.equal(computeDeadlines({ receivedDate: '2025-03-03', events, today: '2025-03-08' }, cal).replyDue, '2025-04-02');
  });

  it('a consultation sent on the reply due date still stops the clock', () => {
    // Due Mon 30 Sep 2024; sent that day, replied Wed 9 Oct: stopped 8, 9 Oct → due 9 Oct.
    const events = [consult('2024-09-30', 'c1'), opinion('2024-10-09', 'c1')];
    assert.equal(computeDeadlines({ receivedDate: '2024-09-02', events, today: '2024-10-09' }, cal).replyDue, '2024-10-09');
  });

  it('an opinion arriving on a day made a holiday does not pull the due date earlier', () => {
    // Same case, 9 Oct declared a holiday: the opinion is awaited until then, so due Thu 10 Oct.
    const events = [consult('2024-09-30', 'c1'), opinion('2024-10-09', 'c1')];
    const withHoliday = new WorkCalendar([{ date: '2024-10-09', kind: 'holiday' }]);
    assert.equal(computeDeadlines({ receivedDate: '2024-09-02', events, today: '2024-10-09' }, withHoliday).replyDue, '2024-10-10');
  });

  it('a consultation started after the reply was already due does not revive the clock', () => {
    const events = [consult('2024-10-09', 'c1')];
    const d = computeDeadlines({ receivedDate: '2024-09-02', events, today: '2024-10-15' }, cal);
    assert.equal(d.replyDue, '2024-09-30');
    assert.equal(d.overdue, true);
    assert.ok(d.explanation.some((s) => s.includes('答复期限届满后才开始')));
  });
});

describe('reply clock: fee notice (domain §4)', () => {
  it('the time between fee notice and payment is not counted', () => {
    // Notice Mon 10 Mar 2025, paid Mon 17 Mar: stopped 11–14, 17 = 5 → 31 Mar + 5: 1–3, 7, 8 Apr.
    const events = [ev('ISSUE_FEE_NOTICE', '2025-03-10', { amount: 200 }), ev('RECORD_PAYMENT', '2025-03-17')];
    const d = computeDeadlines({ receivedDate: '2025-03-03', events, today: '2025-03-17' }, cal);
    assert.equal(d.replyDue, '2025-04-08');
    // 10 Mar + 20: 11–14 (4), 17–21 (9), 24–28 (14), 31 (15), 1–3 Apr (18), 7–8 (20).
    assert.equal(d.feePaymentDue, '2025-04-08');
    assert.ok(d.explanation.includes('2025年3月10日发出收费通知，缴费期限至2025年4月8日；2025年3月17日缴费，其间5个工作日不计入答复期限。'));
  });

  it('an unpaid fee notice stops the clock up to today', () => {
    const events = [ev('ISSUE_FEE_NOTICE', '2025-03-10')];
    // Today Wed 12 Mar: stopped 11, 12 → 31 Mar + 2 = 2 Apr.
    assert.equal(computeDeadlines({ receivedDate: '2025-03-03', events, today: '2025-03-12' }, cal).replyDue, '2025-04-02');
  });

  it('an unpaid fee notice stops the clock at most until the payment deadline', () => {
    const events = [ev('ISSUE_FEE_NOTICE', '2025-03-10'), ev('FEE_LAPSED', '2025-04-09')];
    // Stopped 20 days (11 Mar–8 Apr). 31 Mar + 20: 1–3 (3), 7–11 (8), 14–18 (13), 21–25 (18), Sun 27 (19), 28 (20).
    const d = computeDeadlines({ receivedDate: '2025-03-03', events, today: '2025-05-20' }, cal);
    assert.equal(d.replyDue, '2025-04-28');
    const unlapsed = computeDeadlines({ receivedDate: '2025-03-03', events: events.slice(0, 1), today: '2025-05-20' }, cal);
    assert.equal(unlapsed.replyDue, '2025-04-28');
  });

  it('counts the payment period from the applicant’s recorded receipt of the notice', () => {
    // Received by the applicant Wed 12 Mar: 13–14 (2), 17–21 (7), 24–28 (12), 31 (13), 1–3 Apr (16), 7–10 (20).
    const events = [ev('ISSUE_FEE_NOTICE', '2025-03-10', { applicantReceivedDate: '2025-03-12' })];
    assert.equal(computeDeadlines({ receivedDate: '2025-03-03', events, today: '2025-03-12' }, cal).feePaymentDue, '2025-04-10');
  });

  it('a fee stop overlapping a consultation is counted once', () => {
    // Consultation 5→12 Mar stops 6, 7, 10, 11, 12; fee 10→17 Mar stops 11–14, 17. Union: 6, 7, 10–14, 17 = 8.
    // 31 Mar + 8: 1–3 (3), 7–11 (8).
    const events = [consult('2025-03-05', 'c1'), ev('ISSUE_FEE_NOTICE', '2025-03-10'), opinion('2025-03-12', 'c1'), ev('RECORD_PAYMENT', '2025-03-17')];
    assert.equal(computeDeadlines({ receivedDate: '2025-03-03', events, today: '2025-03-20' }, cal).replyDue, '2025-04-11');
  });
});

describe('reply clock: extension (Art. 33)', () => {
  it('an approved extension adds its working days after the reply due date', () => {
    // 30 Sep 2024 + 10: 1–7 Oct off, 8–11 (4), Sat 12 (5), 14–18 (10).
    const events = [ev('REQUEST_EXTENSION', '2024-09-25', { workingDays: 10, reason: '需要调取档案' }), ev('APPROVE_EXTENSION', '2024-09-26')];
    const d = computeDeadlines({ receivedDate: '2024-09-02', events, today: '2024-09-26' }, cal);
    assert.equal(d.replyDue, '2024-10-18');
    assert.equal(d.explanation.at(-1), '2024年9月26日经批准延期答复10个工作日（条例第三十三条），答复期限延长至2024年10月18日。');
  });

  it('an extension request alone, or a rejected one, changes nothing', () => {
    const requested = [ev('REQUEST_EXTENSION', '2024-09-25', { workingDays: 10, reason: 'x' })];
    assert.equal(computeDeadlines({ receivedDate: '2024-09-02', events: requested, today: '2024-09-26' }, cal).replyDue, '2024-09-30');
    const rejected = [...requested, ev('REJECT_EXTENSION', '2024-09-26')];
    assert.equal(computeDeadlines({ receivedDate: '2024-09-02', events: rejected, today: '2024-09-26' }, cal).replyDue, '2024-09-30');
    const approveAfterReject = [...rejected, ev('APPROVE_EXTENSION', '2024-09-27')];
    assert.equal(computeDeadlines({ receivedDate: '2024-09-02', events: approveAfterReject, today: '2024-09-27' }, cal).replyDue, '2024-09-30');
  });

  it('the extension is added after the due date that already includes stops', () => {
    // Stops give 12 Oct (see consultation test); + 10: 14–18 (5), 21–25 (10).
    const events = [
      consult('2024-09-05', 'c1'),
      opinion('2024-09-12', 'c1'),
      ev('REQUEST_EXTENSION', '2024-09-25', { workingDays: 10, reason: 'x' }),
      ev('APPROVE_EXTENSION', '2024-09-26'),
    ];
    assert.equal(computeDeadlines({ receivedDate: '2024-09-02', events, today: '2024-09-26' }, cal).replyDue, '2024-10-25');
  });
});

describe('reply clock: correction restart (Art. 30)', () => {
  it('stops and extensions before the corrected application no longer count; later consultations do', () => {
    const events = [
      consult('2024-04-02', 'early'),
      opinion('2024-04-10', 'early'),
      ev('REQUEST_EXTENSION', '2024-04-08', { workingDays: 15, reason: 'x' }),
      ev('APPROVE_EXTENSION', '2024-04-09'),
      ev('REQUEST_CORRECTION', '2024-04-10', { items: ['x'], periodWorkingDays: 5 }),
      ev('CORRECTION_RECEIVED', '2024-04-15'),
      consult('2024-04-16', 'late'),
      opinion('2024-04-22', 'late'),
    ];
    // Restart 15 Apr → 14 May; late consultation stops 17, 18, 19, 22 Apr = 4 → 14 May + 4: 15, 16, 17, 20 May.
    const d = computeDeadlines({ receivedDate: '2024-04-01', events, today: '2024-04-22' }, cal);
    assert.equal(d.replyDue, '2024-05-20');
    assert.equal(d.consultations.length, 2);
    assert.ok(d.explanation.some((s) => s.endsWith('此前的中止期间和延期不再计算。')));
    // 10 Apr + 5: 11, 12, 15, 16, 17.
    assert.equal(d.correctionDue, '2024-04-17');
  });

  it('a pending correction notice does not move the reply due date', () => {
    const events = [ev('REQUEST_CORRECTION', '2024-04-03', { items: ['x'], periodWorkingDays: 10 })];
    const d = computeDeadlines({ receivedDate: '2024-04-01', events, today: '2024-04-05' }, cal);
    assert.equal(d.replyDue, '2024-04-29');
    assert.equal(d.correctionDue, '2024-04-18');
  });
});

describe('reply clock: status (workingDaysLeft, overdue, dueSoon)', () => {
  const at = (today: string, closed = false) => computeDeadlines({ receivedDate: '2024-09-02', events: [], today, closed }, cal);

  it('counts working days left from today (exclusive) to the due date (inclusive)', () => {
    // Wed 25 Sep → 26, 27, Sun 29, 30 = 4.
    assert.deepEqual([at('2024-09-25').workingDaysLeft, at('2024-09-25').dueSoon, at('2024-09-25').overdue], [4, false, false]);
    assert.deepEqual([at('2024-09-26').workingDaysLeft, at('2024-09-26').dueSoon], [3, true]);
    assert.deepEqual([at('2024-09-30').workingDaysLeft, at('2024-09-30').dueSoon, at('2024-09-30').overdue], [0, true, false]);
    assert.equal(at('2024-09-02').workingDaysLeft, 20);
  });

  it('is overdue after the due date, with a negative count', () => {
    // 1 Oct is a holiday: the next chance to reply is Tue 8 Oct, one working day late.
    assert.deepEqual([at('2024-10-01').overdue, at('2024-10-01').workingDaysLeft, at('2024-10-01').dueSoon], [true, -1, false]);
    assert.equal(at('2024-10-08').workingDaysLeft, -1);
    assert.equal(at('2024-10-09').workingDaysLeft, -2);
  });

  it('a closed case keeps its due date but is neither overdue nor due soon', () => {
    const d = at('2024-10-09', true);
    assert.equal(d.replyDue, '2024-09-30');
    assert.deepEqual([d.overdue, d.dueSoon, d.workingDaysLeft], [false, false, null]);
  });

  it('a closed case with an unanswered consultation no longer moves as days pass', () => {
    const events = [consult('2025-03-05', 'c1'), ev('ISSUE_REPLY', '2025-03-10', { decision: 'disclose' })];
    const a = computeDeadlines({ receivedDate: '2025-03-03', events, today: '2025-03-11', closed: true }, cal);
    const b = computeDeadlines({ receivedDate: '2025-03-03', events, today: '2025-06-30', closed: true }, cal);
    assert.equal(a.replyDue, '2025-04-03');
    assert.equal(b.replyDue, '2025-04-03');
  });
});

describe('reply clock: overrides and provisional years', () => {
  const PROVISIONAL_2027 =
    '2027年尚无官方节假日安排数据：相关期限已扣除《全国年节及纪念日放假办法》规定的法定节假日（农历节日按历法推算），调休上班日和补休日期尚未公布，数据发布后可能调整。';

  it('flags a deadline counted through 2027, which has no official data yet', () => {
    // Thu 10 Dec 2026: 11 (1), 14–18 (6), 21–25 (11), 28–31 (15), Fri 1 Jan 2027 元旦 off (a
    // statutory holiday, known without the notice), 4–8 (20).
    const d = computeDeadlines({ receivedDate: '2026-12-10', events: [], today: '2026-12-10' }, cal);
    assert.equal(d.replyDue, '2027-01-08');
    assert.equal(d.provisional, true);
    assert.deepEqual(d.provisionalYears, [2027]);
    assert.equal(d.explanation.at(-1), PROVISIONAL_2027);
  });

  it('across 元旦 2027: received 2026-12-04 is due Mon 4 Jan, not Fri 1 Jan, and is provisional', () => {
    // Fri 4 Dec 2026: 7–11 (5), 14–18 (10), 21–25 (15), 28–31 (19); Fri 1 Jan 元旦 off, 2–3 Jan a
    // weekend; Mon 4 Jan (20). Counted by weekends only it was Fri 1 Jan — the holiday itself.
    const d = computeDeadlines({ receivedDate: '2026-12-04', events: [], today: '2026-12-30' }, cal);
    assert.equal(d.replyDue, '2027-01-04');
    assert.equal(d.correctionNoticeDue, '2026-12-15'); // 7 working days: 7–11, 14, 15 Dec
    assert.deepEqual(d.explanation, ['2026年12月4日收到申请（起算日不计入），加20个工作日，答复期限为2027年1月4日。', PROVISIONAL_2027]);
    assert.deepEqual([d.provisional, d.provisionalYears], [true, [2027]]);
    // Left on Wed 30 Dec: Thu 31 (1), Mon 4 Jan (2).
    assert.equal(d.workingDaysLeft, 2);
  });

  it('across 春节 2027: 除夕 Fri 5 Feb to 初三 Mon 8 Feb and the presumed 补假 are skipped, and the date is provisional', () => {
    // Fri 15 Jan 2027: 18–22 (5), 25–29 (10), 1–4 Feb (14); 5 Feb 除夕, 6 初一 (Sat), 7 初二 (Sun),
    // 8 初三 off, 9–10 presumed substitute days (Art. 6); 11–12 (16), 15–18 (20): Thu 18 Feb.
    // Counted by weekends only: Fri 12 Feb.
    const d = computeDeadlines({ receivedDate: '2027-01-15', events: [], today: '2027-02-04' }, cal);
    assert.equal(d.replyDue, '2027-02-18');
    assert.deepEqual([d.provisional, d.provisionalYears], [true, [2027]]);
    assert.equal(d.explanation.at(-1), PROVISIONAL_2027);
    // Left on Thu 4 Feb: 11, 12, 15, 16, 17, 18 Feb.
    assert.equal(d.workingDaysLeft, 6);
  });

  it('an override holiday moves the reply due date later and clears the provisional flag for its year', () => {
    // As above from Thu 10 Dec 2026, with Mon 4 Jan 2027 entered as a day off: 5–8 (19), Mon 11 (20).
    const withDayOff = new WorkCalendar([{ date: '2027-01-04', kind: 'holiday', note: '元旦补休' }]);
    const d = computeDeadlines({ receivedDate: '2026-12-10', events: [], today: '2026-12-10' }, withDayOff);
    assert.equal(d.replyDue, '2027-01-11');
    assert.equal(d.provisional, false);
    assert.ok(!d.explanation.some((line) => line.includes('尚无官方节假日安排数据')));
  });

  it('a deadline that stays inside 2026 is not provisional', () => {
    const d = computeDeadlines({ receivedDate: '2026-11-02', events: [], today: '2026-11-02' }, cal);
    assert.equal(d.provisional, false);
  });

  it('ignores unknown events and events with unusable dates', () => {
    const events = [ev('ADD_NOTE', '2024-09-03', { text: 'x' }), ev('START_CONSULTATION', 'not-a-date', { consultationId: 'x' })];
    const d = computeDeadlines({ receivedDate: '2024-09-02', events, today: '2024-09-03' }, cal);
    assert.equal(d.replyDue, '2024-09-30');
    assert.deepEqual(d.consultations, []);
  });

  it('rejects an invalid received date or today', () => {
    assert.throws(() => computeDeadlines({ receivedDate: '2024-02-30', events: [], today: '2024-03-01' }, cal), RangeError);
    assert.throws(() => computeDeadlines({ receivedDate: '2024-02-01', events: [], today: '' }, cal), RangeError);
  });
});

describe('reply clock: reopening ordered by a reconsideration decision or judgment (重新答复)', () => {
  // The original case: received Mon 2 Sep 2024, answered and delivered in September.
  const answered = () => [ev('ISSUE_REPLY', '2024-09-20', { decision: 'disclose' }), ev('RECORD_DELIVERY', '2024-09-23', { method: '邮寄' })];
  const reopen = (date: string, newReplyDueDate?: unknown, appealKind?: string) =>
    ev('REOPEN', date, { appealId: 7, newReplyDueDate, reason: '复议决定撤销原答复，责令重新答复', ...(appealKind ? { appealKind } : {}) });

  it('the date the decision sets becomes replyDue; the statutory 20 days no longer apply', () => {
    const events = [...answered(), reopen('2024-11-05', '2024-12-05', 'reconsideration')];
    const d = computeDeadlines({ receivedDate: '2024-09-02', events, today: '2024-11-06' }, cal);
    assert.equal(d.replyDue, '2024-12-05');
    assert.deepEqual(d.explanation, [
      '2024年9月2日收到申请（起算日不计入），加20个工作日，答复期限为2024年9月30日。',
      '2024年11月5日行政复议决定责令重新答复，答复期限为2024年12月5日。',
    ]);
    // 7–8 Nov (2), 11–15 (7), 18–22 (12), 25–29 (17), 2–5 Dec (21).
    assert.deepEqual([d.workingDaysLeft, d.overdue, d.dueSoon], [21, false, false]);
  });

  it('words the explanation after the kind of appeal when the event gives it', () => {
    const line = (kind?: string) =>
      computeDeadlines({ receivedDate: '2024-09-02', events: [...answered(), reopen('2024-11-05', '2024-12-05', kind)], today: '2024-11-06' }, cal).explanation[1];
    assert.equal(line('litigation'), '2024年11月5日人民法院判决责令重新答复，答复期限为2024年12月5日。');
    assert.equal(line(), '2024年11月5日行政复议决定或者人民法院判决责令重新答复，答复期限为2024年12月5日。');
  });

  it('the worked example of 2027 (provisional year)', () => {
    const events = [
      ev('ISSUE_REPLY', '2026-11-20', { decision: 'disclose' }),
      ev('RECORD_DELIVERY', '2026-11-23', { method: '邮寄' }),
      reopen('2027-01-05', '2027-02-03', 'reconsideration'),
    ];
    const d = computeDeadlines({ receivedDate: '2026-11-02', events, today: '2027-01-05' }, cal);
    assert.equal(d.replyDue, '2027-02-03');
    assert.equal(d.explanation[1], '2027年1月5日行政复议决定责令重新答复，答复期限为2027年2月3日。');
    assert.deepEqual(d.provisionalYears, [2027]);
  });

  it('a set date that is not a working day moves to the next working day', () => {
    const events = [...answered(), reopen('2024-11-05', '2024-12-07', 'reconsideration')];
    const d = computeDeadlines({ receivedDate: '2024-09-02', events, today: '2024-11-06' }, cal);
    assert.equal(d.replyDue, '2024-12-09');
    assert.equal(d.explanation[1], '2024年11月5日行政复议决定责令重新答复，答复期限为2024年12月7日，该日不是工作日，顺延至2024年12月9日。');
  });

  it('stops before the reopening no longer count; a consultation after it pushes the set date later', () => {
    const events = [
      consult('2024-09-05', 'c1'),
      opinion('2024-09-12', 'c1'),
      ...answered(),
      reopen('2024-11-05', '2024-12-05', 'reconsideration'),
      consult('2024-11-11', 'c2'),
      opinion('2024-11-15', 'c2'),
    ];
    // Stopped 12–15 Nov = 4 → 5 Dec + 4: 6, 9, 10, 11 Dec.
    const d = computeDeadlines({ receivedDate: '2024-09-02', events, today: '2024-11-15' }, cal);
    assert.equal(d.replyDue, '2024-12-11');
    assert.equal(d.consultations.length, 2);
    assert.deepEqual(d.explanation.slice(1), [
      '2024年11月5日行政复议决定责令重新答复，答复期限为2024年12月5日；此前的中止期间和延期不再计算。',
      '2024年11月11日向某某公司征求意见（第三方，条例第三十二条），意见期限至2024年12月2日；2024年11月15日收到意见，其间4个工作日不计入答复期限。',
      '不计入答复期限的工作日共4个，答复期限顺延至2024年12月11日。',
    ]);
  });

  it('an open consultation after the reopening moves the date one working day per day of waiting', () => {
    const events = [...answered(), reopen('2024-11-05', '2024-12-05'), consult('2024-11-11', 'c2')];
    // Today Wed 13 Nov: stopped 12, 13 → 5 Dec + 2 = 9 Dec.
    assert.equal(computeDeadlines({ receivedDate: '2024-09-02', events, today: '2024-11-13' }, cal).replyDue, '2024-12-09');
  });

  it('only an extension approved after the reopening counts, and it is added after the set date', () => {
    const before = [
      ev('REQUEST_EXTENSION', '2024-09-25', { workingDays: 10, reason: '需调取档案' }),
      ev('APPROVE_EXTENSION', '2024-09-26'),
      ev('ISSUE_REPLY', '2024-10-10', { decision: 'disclose' }),
      ev('RECORD_DELIVERY', '2024-10-12', { method: '邮寄' }),
      reopen('2024-11-05', '2024-12-05', 'reconsideration'),
    ];
    assert.equal(computeDeadlines({ receivedDate: '2024-09-02', events: before, today: '2024-11-06' }, cal).replyDue, '2024-12-05');
    const events = [...before, ev('REQUEST_EXTENSION', '2024-12-02', { workingDays: 5, reason: '需重新检索' }), ev('APPROVE_EXTENSION', '2024-12-03')];
    // 5 Dec + 5: 6, 9, 10, 11, 12 Dec.
    const d = computeDeadlines({ receivedDate: '2024-09-02', events, today: '2024-12-03' }, cal);
    assert.equal(d.replyDue, '2024-12-12');
    assert.equal(d.explanation.at(-1), '2024年12月3日经批准延期答复5个工作日（条例第三十三条），答复期限延长至2024年12月12日。');
  });

  it('an extension request left undecided at the reopening cannot extend the new deadline', () => {
    const events = [
      ev('REQUEST_EXTENSION', '2024-09-25', { workingDays: 10, reason: 'x' }),
      ...answered(),
      reopen('2024-11-05', '2024-12-05'),
      ev('APPROVE_EXTENSION', '2024-11-06'),
    ];
    assert.equal(computeDeadlines({ receivedDate: '2024-09-02', events, today: '2024-11-06' }, cal).replyDue, '2024-12-05');
  });

  it('without a usable set date the new reply is due 20 working days after the reopening', () => {
    // 5 Nov + 20: 6–8 (3), 11–15 (8), 18–22 (13), 25–29 (18), 2–3 Dec (20).
    for (const due of [undefined, '2024-11-01', '2024-13-01']) {
      const d = computeDeadlines({ receivedDate: '2024-09-02', events: [...answered(), reopen('2024-11-05', due)], today: '2024-11-06' }, cal);
      assert.equal(d.replyDue, '2024-12-03');
      assert.equal(
        d.explanation[1],
        '2024年11月5日行政复议决定或者人民法院判决责令重新答复，未载明有效的答复期限，自该日起算（起算日不计入）加20个工作日，答复期限为2024年12月3日。',
      );
    }
  });

  it('a correction received after the reopening restarts the clock, but never before the set date', () => {
    const correctionAfter = (due: string) => [
      ...answered(),
      reopen('2024-11-05', due, 'reconsideration'),
      ev('REQUEST_CORRECTION', '2024-11-06', { items: ['x'], periodWorkingDays: 10 }),
      ev('CORRECTION_RECEIVED', '2024-11-12'),
    ];
    // 12 Nov + 20: 13–15 (3), 18–22 (8), 25–29 (13), 2–6 Dec (18), 9–10 (20).
    const restarted = computeDeadlines({ receivedDate: '2024-09-02', events: correctionAfter('2024-11-20'), today: '2024-11-12' }, cal);
    assert.equal(restarted.replyDue, '2024-12-10');
    // 6 Nov + 10: 7–8 (2), 11–15 (7), 18–20 (10).
    assert.equal(restarted.correctionDue, '2024-11-20');
    assert.deepEqual(restarted.explanation.slice(1), [
      '2024年11月5日行政复议决定责令重新答复，答复期限为2024年11月20日。',
      '2024年11月6日发出补正通知，补正期限为10个工作日（至2024年11月20日）。',
      '2024年11月12日收到补正后的申请，答复期限自该日重新起算（起算日不计入），加20个工作日，为2024年12月10日。',
    ]);
    const floored = computeDeadlines({ receivedDate: '2024-09-02', events: correctionAfter('2025-01-20'), today: '2024-11-12' }, cal);
    assert.equal(floored.replyDue, '2025-01-20');
    assert.equal(floored.explanation.at(-1), '补正后重新起算的答复期限早于责令重新答复确定的答复期限，答复期限仍为2025年1月20日。');
  });

  it('the latest reopening decides', () => {
    const events = [
      ...answered(),
      reopen('2024-11-05', '2024-12-05', 'reconsideration'),
      ev('ISSUE_REPLY', '2024-11-20', { decision: 'disclose' }),
      ev('RECORD_DELIVERY', '2024-11-21', { method: '邮寄' }),
      reopen('2024-12-16', '2024-12-31', 'litigation'),
    ];
    const d = computeDeadlines({ receivedDate: '2024-09-02', events, today: '2024-12-16' }, cal);
    assert.equal(d.replyDue, '2024-12-31');
    assert.deepEqual(d.explanation.slice(1), [
      '2024年11月5日行政复议决定责令重新答复，答复期限为2024年12月5日。',
      '2024年12月16日人民法院判决责令重新答复，答复期限为2024年12月31日。',
    ]);
  });

  it('a case closed again keeps the reopened due date and is not overdue', () => {
    const events = [...answered(), reopen('2024-11-05', '2024-12-05'), ev('ISSUE_REPLY', '2024-12-04'), ev('RECORD_DELIVERY', '2024-12-05')];
    const d = computeDeadlines({ receivedDate: '2024-09-02', events, today: '2025-03-01', closed: true }, cal);
    assert.equal(d.replyDue, '2024-12-05');
    assert.deepEqual([d.overdue, d.workingDaysLeft], [false, null]);
  });
});

// ---- Properties -------------------------------------------------------------------------------

// Random histories. Stop periods may start anywhere from receipt to well past the first due date
// (60 calendar days), so the edges — a letter sent on the due date, or after it — are exercised too.
const receivedArb = fc.integer({ min: 0, max: 366 * 24 }).map((n) => addDays('2004-01-01', n));

interface Spec {
  received: string;
  todayOffset: number;
  closed: boolean;
  correction: { noticeOffset: number; period: number; receivedOffset: number | null } | null;
  consultations: { start: number; reply: number | null; kind: 'third_party' | 'agency' }[];
  fees: { start: number; paid: number | null; lapsed: boolean }[];
  extension: { days: number; approved: boolean } | null;
}

const specArb: fc.Arbitrary<Spec> = fc.record({
  received: receivedArb,
  todayOffset: fc.integer({ min: 0, max: 150 }),
  closed: fc.boolean(),
  correction: fc.option(
    fc.record({
      noticeOffset: fc.integer({ min: 0, max: 9 }),
      period: fc.integer({ min: 1, max: 15 }),
      receivedOffset: fc.option(fc.integer({ min: 10, max: 20 }), { nil: null }),
    }),
    { nil: null },
  ),
  consultations: fc.array(
    fc.record({
      start: fc.integer({ min: 0, max: 60 }),
      reply: fc.option(fc.integer({ min: 0, max: 40 }), { nil: null }),
      kind: fc.constantFrom('third_party' as const, 'agency' as const),
    }),
    { maxLength: 3 },
  ),
  fees: fc.array(
    fc.record({ start: fc.integer({ min: 0, max: 60 }), paid: fc.option(fc.integer({ min: 0, max: 40 }), { nil: null }), lapsed: fc.boolean() }),
    { maxLength: 2 },
  ),
  extension: fc.option(fc.record({ days: fc.integer({ min: 1, max: 20 }), approved: fc.boolean() }), { nil: null }),
});

const overridesArb = (around: string): fc.Arbitrary<CalendarOverride[]> =>
  fc.array(
    fc.record({
      date: fc.integer({ min: -5, max: 120 }).map((n) => addDays(around, n)),
      kind: fc.constantFrom('workday' as const, 'holiday' as const),
    }),
    { maxLength: 6 },
  );

/** Builds a chronologically recorded event history (seq follows the dates) from a Spec. */
function buildEvents(s: Spec): ClockEvent[] {
  const raw: { date: string; type: string; payload: Record<string, unknown> }[] = [];
  const at = (n: number) => addDays(s.received, n);
  if (s.correction) {
    raw.push({ date: at(s.correction.noticeOffset), type: 'REQUEST_CORRECTION', payload: { items: ['x'], periodWorkingDays: s.correction.period } });
    if (s.correction.receivedOffset !== null) raw.push({ date: at(s.correction.receivedOffset), type: 'CORRECTION_RECEIVED', payload: {} });
  }
  s.consultations.forEach((c, i) => {
    raw.push({ date: at(c.start), type: 'START_CONSULTATION', payload: { consultationId: `c${i}`, kind: c.kind, party: 'p' } });
    if (c.reply !== null) raw.push({ date: at(c.start + c.reply), type: 'RECORD_OPINION', payload: { consultationId: `c${i}`, opinion: 'ok' } });
  });
  s.fees.forEach((f) => {
    raw.push({ date: at(f.start), type: 'ISSUE_FEE_NOTICE', payload: {} });
    if (f.paid !== null) raw.push({ date: at(f.start + f.paid), type: f.lapsed ? 'FEE_LAPSED' : 'RECORD_PAYMENT', payload: {} });
  });
  if (s.extension) {
    raw.push({ date: at(21), type: 'REQUEST_EXTENSION', payload: { workingDays: s.extension.days, reason: 'x' } });
    raw.push({ date: at(22), type: s.extension.approved ? 'APPROVE_EXTENSION' : 'REJECT_EXTENSION', payload: {} });
  }
  // Stable sort keeps each notice before its own payment when both fall on the same day.
  raw.sort((a, b) => compareDates(a.date, b.date));
  return raw.map((r, i) => ({ seq: i + 1, ...r }));
}

function run(s: Spec, calendar: WorkCalendar, events = buildEvents(s)) {
  return computeDeadlines({ receivedDate: s.received, events, today: addDays(s.received, s.todayOffset), closed: s.closed }, calendar);
}

describe('reply clock: properties', () => {
  it('replyDue is always a working day', () => {
    fc.assert(
      fc.property(specArb.chain((s) => fc.tuple(fc.constant(s), overridesArb(s.received))), ([s, overrides]) => {
        const c = new WorkCalendar(overrides);
        const d = run(s, c);
        assert.ok(d.replyDue !== null && c.isWorkingDay(d.replyDue), `replyDue ${d.replyDue} is not a working day`);
        assert.ok(d.correctionNoticeDue !== null && c.isWorkingDay(d.correctionNoticeDue), `correctionNoticeDue ${d.correctionNoticeDue}`);
      }),
      { numRuns: 1000 },
    );
  });

  it('adding a stop period never moves replyDue earlier', () => {
    const extraArb = fc.record({
      kind: fc.constantFrom('consultation' as const, 'fee' as const),
      start: fc.integer({ min: 0, max: 60 }),
      end: fc.option(fc.integer({ min: 0, max: 40 }), { nil: null }),
    });
    fc.assert(
      fc.property(specArb, extraArb, (s, extra) => {
        const events = buildEvents(s);
        const base = run(s, cal, events);
        const start = addDays(s.received, extra.start);
        const added: ClockEvent[] = [...events];
        let seq = events.length;
        if (extra.kind === 'consultation') {
          added.push({ seq: ++seq, type: 'START_CONSULTATION', date: start, payload: { consultationId: 'extra', kind: 'agency', party: 'q' } });
          if (extra.end !== null) added.push({ seq: ++seq, type: 'RECORD_OPINION', date: addDays(start, extra.end), payload: { consultationId: 'extra' } });
        } else {
          added.push({ seq: ++seq, type: 'ISSUE_FEE_NOTICE', date: start, payload: {} });
          if (extra.end !== null) added.push({ seq: ++seq, type: 'RECORD_PAYMENT', date: addDays(start, extra.end), payload: {} });
        }
        const withStop = run(s, cal, added);
        assert.ok(compareDates(withStop.replyDue!, base.replyDue!) >= 0, `${withStop.replyDue} < ${base.replyDue}`);
      }),
      { numRuns: 1000 },
    );
  });

  it('adding an override holiday never moves any deadline earlier', () => {
    fc.assert(
      fc.property(
        specArb.chain((s) => fc.tuple(fc.constant(s), overridesArb(s.received), fc.integer({ min: -3, max: 120 }))),
        ([s, overrides, holidayOffset]) => {
          const before = run(s, new WorkCalendar(overrides));
          const after = run(s, new WorkCalendar([...overrides, { date: addDays(s.received, holidayOffset), kind: 'holiday' }]));
          const later = (a: string | null, b: string | null) => assert.ok(a === b || (a !== null && b !== null && compareDates(a, b) >= 0), `${a} < ${b}`);
          later(after.replyDue, before.replyDue);
          later(after.correctionNoticeDue, before.correctionNoticeDue);
          later(after.correctionDue, before.correctionDue);
          later(after.feePaymentDue, before.feePaymentDue);
          after.consultations.forEach((c, i) => later(c.opinionDue, before.consultations[i]?.opinionDue ?? null));
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('reply clock: properties of a reopened case', () => {
  // Any history, then a REOPEN after its last event with a set date 0–60 days later, then stops
  // begun after the reopening.
  const reopenArb = fc.record({
    after: fc.integer({ min: 0, max: 30 }),
    dueIn: fc.integer({ min: 0, max: 60 }),
    todayIn: fc.integer({ min: 0, max: 120 }),
    extension: fc.option(fc.record({ at: fc.integer({ min: 0, max: 20 }), days: fc.integer({ min: 1, max: 20 }) }), { nil: null }),
  });
  const stopArb = fc.record({
    kind: fc.constantFrom('consultation' as const, 'fee' as const),
    start: fc.integer({ min: 0, max: 80 }),
    end: fc.option(fc.integer({ min: 0, max: 40 }), { nil: null }),
  });
  type Reopen = { after: number; dueIn: number; todayIn: number; extension: { at: number; days: number } | null };

  function reopened(s: Spec, r: Reopen, stops: { kind: 'consultation' | 'fee'; start: number; end: number | null }[]) {
    const events = buildEvents(s);
    const last = events.map((e) => e.date).reduce((a, b) => (compareDates(a, b) >= 0 ? a : b), s.received);
    const date = addDays(last, r.after);
    const due = addDays(date, r.dueIn);
    const out: ClockEvent[] = [...events];
    let seq = events.length;
    out.push({ seq: ++seq, type: 'REOPEN', date, payload: { appealId: 1, newReplyDueDate: due, reason: 'x' } });
    if (r.extension) {
      out.push({ seq: ++seq, type: 'REQUEST_EXTENSION', date: addDays(date, r.extension.at), payload: { workingDays: r.extension.days, reason: 'x' } });
      out.push({ seq: ++seq, type: 'APPROVE_EXTENSION', date: addDays(date, r.extension.at), payload: {} });
    }
    stops.forEach((x, i) => {
      const start = addDays(date, x.start);
      if (x.kind === 'consultation') {
        out.push({ seq: ++seq, type: 'START_CONSULTATION', date: start, payload: { consultationId: `r${i}`, kind: 'agency', party: 'q' } });
        if (x.end !== null) out.push({ seq: ++seq, type: 'RECORD_OPINION', date: addDays(start, x.end), payload: { consultationId: `r${i}` } });
      } else {
        out.push({ seq: ++seq, type: 'ISSUE_FEE_NOTICE', date: start, payload: {} });
        if (x.end !== null) out.push({ seq: ++seq, type: 'RECORD_PAYMENT', date: addDays(start, x.end), payload: {} });
      }
    });
    const deadlines = computeDeadlines({ receivedDate: s.received, events: out, today: addDays(date, r.todayIn) }, cal);
    return { due, deadlines };
  }

  it('replyDue is a working day, never before the set date, and later stops never move it earlier', () => {
    fc.assert(
      fc.property(specArb, reopenArb, fc.array(stopArb, { maxLength: 2 }), stopArb, (s, r, stops, extra) => {
        const { due, deadlines } = reopened(s, r, stops);
        const replyDue = deadlines.replyDue!;
        assert.ok(cal.isWorkingDay(replyDue), `replyDue ${replyDue} is not a working day`);
        assert.ok(compareDates(replyDue, cal.nextWorkingDayOnOrAfter(due)) >= 0, `${replyDue} before the set date ${due}`);
        const withStop = reopened(s, r, [...stops, extra]).deadlines.replyDue!;
        assert.ok(compareDates(withStop, replyDue) >= 0, `${withStop} < ${replyDue}`);
      }),
      { numRuns: 500 },
    );
  });

  it('a later set date never gives an earlier replyDue', () => {
    fc.assert(
      fc.property(specArb, reopenArb, fc.integer({ min: 1, max: 30 }), fc.array(stopArb, { maxLength: 2 }), (s, r, more, stops) => {
        const a = reopened(s, r, stops).deadlines.replyDue!;
        const b = reopened(s, { ...r, dueIn: r.dueIn + more }, stops).deadlines.replyDue!;
        assert.ok(compareDates(b, a) >= 0, `${b} < ${a}`);
      }),
      { numRuns: 500 },
    );
  });

  it('with nothing after the reopening, replyDue is the set date (or the next working day)', () => {
    fc.assert(
      fc.property(specArb, reopenArb, (s, r) => {
        const { due, deadlines } = reopened(s, { ...r, extension: null }, []);
        assert.equal(deadlines.replyDue, cal.nextWorkingDayOnOrAfter(due));
      }),
      { numRuns: 500 },
    );
  });
});

describe('reply clock: a reasonable later date (Art. 35)', () => {
  it('the later date fixed for an excessive volume becomes the reply due date, on a working day', () => {
    // Received 2024-09-02, due 2024-09-30; later date Sunday 2024-11-10 → Monday 2024-11-11.
    const d = computeDeadlines({ receivedDate: '2024-09-02', events: [ev('REQUEST_REASONS', '2024-09-03'), ev('SET_LATER_DATE', '2024-09-10', { laterReplyDate: '2024-11-10' })], today: '2024-09-10' }, cal);
    assert.equal(d.replyDue, '2024-11-11');
    assert.match(d.explanation.at(-1)!, /确定延迟答复的合理期限至2024年11月11日（条例第三十五条）/);
  });

  it('never brings the due date forward, and an extension or stop beyond it still counts', () => {
    const early = computeDeadlines({ receivedDate: '2024-09-02', events: [ev('SET_LATER_DATE', '2024-09-10', { laterReplyDate: '2024-09-20' })], today: '2024-09-10' }, cal);
    assert.equal(early.replyDue, '2024-09-30');
    const extended = computeDeadlines({
      receivedDate: '2024-09-02',
      events: [ev('REQUEST_EXTENSION', '2024-09-05', { workingDays: 20 }), ev('APPROVE_EXTENSION', '2024-09-05'), ev('SET_LATER_DATE', '2024-09-10', { laterReplyDate: '2024-10-15' })],
      today: '2024-09-10',
    }, cal);
    // 20 working days after 30 Sep: 8–11 Oct (4), Sat 12 Oct make-up day (5), 14–18 (10), 21–25 (15), 28 Oct–1 Nov (20).
    assert.equal(extended.replyDue, '2024-11-01', 'the extension is later than 15 Oct and wins');
  });
});

describe('reply clock: explanation of a stop without working days', () => {
  it('a consultation sent and answered on a Sunday says it changes nothing', () => {
    // Received Mon 2026-11-16, due 2026-12-14; consulted and answered on Sunday 2026-11-22.
    const d = computeDeadlines({ receivedDate: '2026-11-16', events: [consult('2026-11-22', 'c1', 'agency', '东江区建设和交通委员会'), opinion('2026-11-22', 'c1')], today: '2026-11-23' }, cal);
    assert.equal(d.replyDue, '2026-12-14');
    assert.ok(d.explanation.some((l) => l.endsWith('其间没有工作日，不影响答复期限。')), d.explanation.join('\n'));
    assert.ok(!d.explanation.some((l) => l.includes('答复期限届满当日开始')));
  });
});

describe('reply clock: bounded whatever the data (finding 4)', () => {
  /** Counts the days the calendar looks at: each step of every counting loop asks about one day. */
  class CountingCalendar extends WorkCalendar {
    looked = 0;
    override dayInfo(date: string) {
      this.looked++;
      return super.dayInfo(date);
    }
  }
  // A real case looks at a few hundred days; counting from year 1 to 2026 looked at some 740,000.
  const BOUND = 50_000;
  const TODAY = '2026-11-20';

  function unknown(receivedDate: string, events: ClockEvent[], closed = false) {
    const c = new CountingCalendar();
    const d = computeDeadlines({ receivedDate, events, today: TODAY, closed }, c);
    assert.ok(c.looked < BOUND, `looked at ${c.looked} days`);
    return d;
  }

  it('a stored case received on 0001-01-01 says its deadlines are unknown, without counting two thousand years', () => {
    const d = unknown('0001-01-01', []);
    assert.equal(d.replyDue, null);
    assert.equal(d.correctionNoticeDue, null);
    assert.equal(d.workingDaysLeft, null);
    assert.equal(d.overdue, false);
    assert.match(d.unknownReason ?? '', /^期限无法计算：收到申请之日（1年1月1日）/);
    assert.deepEqual(d.explanation, [d.unknownReason]);
  });

  it('an absurd extension, reply date, later date or fee period is refused the same way', () => {
    const received = '2024-09-02';
    const histories: [string, ClockEvent[]][] = [
      ['an extension of a billion working days', [ev('REQUEST_EXTENSION', '2024-09-20', { workingDays: 1_000_000_000, reason: 'x' }), ev('APPROVE_EXTENSION', '2024-09-20')]],
      ['a reopening due in 9999', [ev('ISSUE_REPLY', '2024-09-20'), ev('REOPEN', '2024-10-08', { appealId: 1, newReplyDueDate: '9999-12-31', reason: 'x' })]],
      ['an Art. 35 date in 9999', [ev('SET_LATER_DATE', '2024-09-10', { laterReplyDate: '9999-12-30', reason: 'x' })]],
      ['a correction period of a billion working days', [ev('REQUEST_CORRECTION', '2024-09-03', { items: ['x'], periodWorkingDays: 1_000_000_000 })]],
      ['a fee paid 80 years later', [ev('ISSUE_FEE_NOTICE', '2024-09-10'), ev('RECORD_PAYMENT', '2104-09-10')]],
    ];
    for (const [what, events] of histories) {
      const d = unknown(received, events);
      assert.equal(d.replyDue, null, what);
      assert.ok(d.unknownReason, what);
    }
  });

  it('a closed case from year 1 is computed cheaply, as nothing counts up to today', () => {
    const d = unknown('0001-01-01', [ev('WITHDRAW', '0001-01-05')], true);
    assert.equal(d.unknownReason, null);
    assert.equal(d.workingDaysLeft, null);
  });

  it('a real case is not affected', () => {
    const d = unknown('2024-09-02', []);
    assert.equal(d.replyDue, '2024-09-30');
    assert.equal(d.unknownReason, null);
  });
});

// Domain §2.8: November 2026 has no holidays, so every count below is weekdays only.
// Wed 4 Nov: the event is recorded; Fri 6 Nov: its notice is issued; Mon 9 / Tue 10 Nov: received.
describe('periods that run from the addressee’s receipt of the notice (§2.8)', () => {
  const tracked = (type: string, date: string, payload: Record<string, unknown> = {}) => ev(type, date, { ...payload, periodRunsFrom: 'receipt' });
  const issued = (of: ClockEvent, date: string, documentId = 100 + of.seq) => ev('NOTICE_ISSUED', date, { documentId, eventSeq: of.seq, kind: 'x' });
  const delivered = (of: ClockEvent, date: string, documentId = 100 + of.seq) => ev('NOTICE_DELIVERED', date, { documentId, eventSeq: of.seq, method: 'mail' });
  const at = (events: ClockEvent[], today: string) => computeDeadlines({ receivedDate: '2026-11-02', events, today }, cal);

  it('a third-party letter not yet issued is counted from today, and says so', () => {
    const sent = tracked('START_CONSULTATION', '2026-11-04', { consultationId: 'c1', kind: 'third_party', party: '某开发公司' });
    // From Thu 5 Nov: 6 (1), 9–13 (6), 16–20 (11), 23–26 (15).
    const d = at([sent], '2026-11-05');
    assert.equal(d.consultations[0]!.opinionDue, '2026-11-26');
    assert.equal(d.consultations[0]!.noticeStatus, 'not_issued');
    assert.equal(d.awaitingDelivery, true);
    assert.equal(at([sent], '2026-11-06').consultations[0]!.opinionDue, '2026-11-27', 'it moves with every day the letter waits');
    assert.ok(d.explanation.some((l) => l.includes('征求意见书尚未发出，暂自2026年11月5日起算')), d.explanation.join('\n'));
  });

  it('a third-party letter issued two days after its event: counted from the issue date until its receipt is recorded, then from the receipt', () => {
    const sent = tracked('START_CONSULTATION', '2026-11-04', { consultationId: 'c1', kind: 'third_party', party: '某开发公司' });
    const issue = issued(sent, '2026-11-06');
    // From Fri 6 Nov: 9–13 (5), 16–20 (10), 23–27 (15). From Wed 4 Nov it would have been 25 Nov.
    const awaiting = at([sent, issue], '2026-11-10');
    assert.equal(awaiting.consultations[0]!.opinionDue, '2026-11-27');
    assert.equal(awaiting.awaitingDelivery, true);
    assert.deepEqual(awaiting.notices.map((n) => [n.period, n.status, n.countedFrom, n.due, n.documentId]), [['opinion', 'awaiting_delivery', '2026-11-06', '2026-11-27', 100 + sent.seq]]);
    assert.ok(awaiting.explanation.some((l) => l.includes('意见期限至2026年11月27日（征求意见书已于2026年11月6日发出，尚未记录送达，暂自发出之日起算')));
    // Received Mon 9 Nov: 10–13 (4), 16–20 (9), 23–27 (14), 30 (15).
    const received = at([sent, issue, delivered(sent, '2026-11-09')], '2026-11-10');
    assert.equal(received.consultations[0]!.opinionDue, '2026-11-30');
    assert.equal(received.consultations[0]!.noticeStatus, 'delivered');
    assert.equal(received.awaitingDelivery, false);
    assert.ok(received.explanation.some((l) => l.includes('意见期限至2026年11月30日（自征求意见书送达之日（2026年11月9日）起算）')));
  });

  it('the reply clock still stops from the day the consultation was recorded (§2.4), up to the later opinion due date', () => {
    const sent = tracked('START_CONSULTATION', '2026-11-04', { consultationId: 'c1', kind: 'third_party', party: '某开发公司' });
    const history = [sent, issued(sent, '2026-11-06'), delivered(sent, '2026-11-09')];
    // Silent party: stopped 5 Nov – 30 Nov = 18 working days. Received 2 Nov → 30 Nov; + 18: Dec 1–4 (4), 7–11 (9), 14–18 (14), 21–24 (18).
    assert.equal(at(history, '2026-12-01').replyDue, '2026-12-24');
  });

  it('the correction period runs from the applicant’s receipt of the notice', () => {
    const asked = tracked('REQUEST_CORRECTION', '2026-11-04', { items: ['请写明文件名称'], periodWorkingDays: 10 });
    // Issued Thu 5 Nov: 6 (1), 9–13 (6), 16–19 (10).
    const awaiting = at([asked, issued(asked, '2026-11-05')], '2026-11-06');
    assert.equal(awaiting.correctionDue, '2026-11-19');
    assert.equal(awaiting.awaitingDelivery, true);
    // Received Mon 9 Nov: 10–13 (4), 16–20 (9), 23 (10).
    const d = at([asked, issued(asked, '2026-11-05'), delivered(asked, '2026-11-09')], '2026-11-10');
    assert.equal(d.correctionDue, '2026-11-23');
    assert.ok(d.explanation.includes('2026年11月4日发出补正通知，补正期限为10个工作日（自补正告知书送达之日（2026年11月9日）起算，至2026年11月23日）。'), d.explanation.join('\n'));
    assert.equal(at([asked, issued(asked, '2026-11-05'), delivered(asked, '2026-11-09'), ev('CORRECTION_RECEIVED', '2026-11-16')], '2026-11-16').awaitingDelivery, false);
  });

  it('the fee is paid within 20 working days of receipt, never fewer than from the notice’s own date', () => {
    const notice = tracked('ISSUE_FEE_NOTICE', '2026-11-04', { amount: 150 });
    // Issued Fri 6 Nov: 9–13 (5), 16–20 (10), 23–27 (15), 30 (16), Dec 1–4 (20).
    assert.equal(at([notice, issued(notice, '2026-11-06')], '2026-11-09').feePaymentDue, '2026-12-04');
    // Received Tue 10 Nov: 11–13 (3), 16–20 (8), 23–27 (13), 30 (14), Dec 1–4 (18), 7–8 (20).
    const d = at([notice, issued(notice, '2026-11-06'), delivered(notice, '2026-11-10')], '2026-11-10');
    assert.equal(d.feePaymentDue, '2026-12-08');
    assert.ok(d.explanation.some((l) => l.startsWith('2026年11月4日发出收费通知，缴费期限至2026年12月8日（自收费通知书送达之日（2026年11月10日）起算）')), d.explanation.join('\n'));
  });

  it('a notice issued again (a correction of it) starts its period anew; a receipt of the one it replaced no longer counts', () => {
    const asked = tracked('REQUEST_CORRECTION', '2026-11-04', { items: ['请写明文件名称'], periodWorkingDays: 10 });
    const history = [asked, issued(asked, '2026-11-05', 7), delivered(asked, '2026-11-09', 7), issued(asked, '2026-11-10', 8)];
    const d = at(history, '2026-11-11');
    assert.equal(d.notices[0]!.status, 'awaiting_delivery');
    assert.equal(d.notices[0]!.documentId, 8);
    // From Tue 10 Nov: 11–13 (3), 16–20 (8), 23–24 (10).
    assert.equal(d.correctionDue, '2026-11-24');
    assert.equal(at([...history, delivered(asked, '2026-11-11', 7)], '2026-11-11').correctionDue, '2026-11-24', 'a late receipt of the old notice changes nothing');
  });

  it('an event recorded before receipts were tracked keeps the count from its own date', () => {
    const legacy = ev('REQUEST_CORRECTION', '2026-11-04', { items: ['请写明文件名称'], periodWorkingDays: 10 });
    const d = at([legacy], '2026-11-20');
    // From Wed 4 Nov: 5–6 (2), 9–13 (7), 16–18 (10).
    assert.equal(d.correctionDue, '2026-11-18');
    assert.equal(d.notices[0]!.status, 'recorded');
    assert.equal(d.awaitingDelivery, false);
  });

  it('the request for reasons (Art. 35) gives a period from receipt', () => {
    const asked = tracked('REQUEST_REASONS', '2026-11-04', { periodWorkingDays: 10 });
    const d = at([asked, issued(asked, '2026-11-04'), delivered(asked, '2026-11-06')], '2026-11-06');
    // From Fri 6 Nov: 9–13 (5), 16–20 (10).
    assert.equal(d.reasonsDue, '2026-11-20');
    assert.equal(at([ev('REQUEST_REASONS', '2026-11-04', { note: 'x' })], '2026-11-06').reasonsDue, null, 'a request recorded without a period shows none');
  });

  it('a delivery recorded after the case closed moves none of its dates', () => {
    const sent = tracked('START_CONSULTATION', '2026-11-04', { consultationId: 'c1', kind: 'third_party', party: '某开发公司' });
    const closedHistory = [sent, issued(sent, '2026-11-04'), ev('WITHDRAW', '2026-11-10')];
    const before = computeDeadlines({ receivedDate: '2026-11-02', events: closedHistory, today: '2026-12-20', closed: true }, cal);
    const after = computeDeadlines({ receivedDate: '2026-11-02', events: [...closedHistory, ev('NOTICE_DELIVERED', '2026-12-18', { documentId: 555, eventSeq: 1 })], today: '2026-12-20', closed: true }, cal);
    assert.equal(after.replyDue, before.replyDue);
    assert.equal(before.awaitingDelivery, false, 'a closed case awaits nothing');
  });
});
