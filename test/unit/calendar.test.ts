// Expected dates below were worked out by hand from the State Council holiday notices as
// shipped in chinese-days/dist/chinese-days.json (printed around each holiday), not copied from
// the functions under test. Weekday names are given so each step can be re-checked.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MAX_SPAN_DAYS, OFFICIAL_DATA_YEARS, WorkCalendar } from '../../workflows/calendar.js';
import {
  addDays,
  compareDates,
  dayOfWeek,
  formatChineseDate,
  isIsoDate,
  OutOfRangeError,
  todayInShanghai,
  yearOf,
} from '../../workflows/dates.js';

const cal = new WorkCalendar();

describe('dates helpers', () => {
  it('accepts only strict, real calendar dates', () => {
    assert.equal(isIsoDate('2024-02-29'), true);
    assert.equal(isIsoDate('2000-02-29'), true);
    assert.equal(isIsoDate('2025-02-29'), false);
    assert.equal(isIsoDate('1900-02-29'), false);
    assert.equal(isIsoDate('2025-04-31'), false);
    assert.equal(isIsoDate('2025-13-01'), false);
    assert.equal(isIsoDate('2025-1-01'), false);
    assert.equal(isIsoDate('2025-01-01T00:00:00Z'), false);
    assert.equal(isIsoDate(' 2025-01-01'), false);
    assert.equal(isIsoDate(20250101), false);
  });

  it('adds calendar days across month, year and leap-day boundaries', () => {
    assert.equal(addDays('2024-02-28', 1), '2024-02-29');
    assert.equal(addDays('2024-02-29', 1), '2024-03-01');
    assert.equal(addDays('2024-12-31', 1), '2025-01-01');
    assert.equal(addDays('2025-01-01', -1), '2024-12-31');
    assert.equal(addDays('2024-01-01', 366), '2025-01-01');
    assert.throws(() => addDays('2024-02-30', 1), RangeError);
  });

  it('compares, finds weekdays and years', () => {
    assert.ok(compareDates('2024-09-02', '2024-09-30') < 0);
    assert.ok(compareDates('2025-01-01', '2024-12-31') > 0);
    assert.equal(compareDates('2024-09-02', '2024-09-02'), 0);
    assert.equal(dayOfWeek('2024-09-02'), 1); // Monday
    assert.equal(dayOfWeek('2024-09-29'), 0); // Sunday
    assert.equal(dayOfWeek('2024-10-12'), 6); // Saturday
    assert.equal(dayOfWeek('1970-01-01'), 4); // Thursday
    assert.equal(yearOf('2027-01-07'), 2027);
  });

  it('formats dates the Chinese way without leading zeros', () => {
    assert.equal(formatChineseDate('2025-03-12'), '2025年3月12日');
    assert.equal(formatChineseDate('2024-09-30'), '2024年9月30日');
    assert.equal(formatChineseDate('2024-10-01'), '2024年10月1日');
  });

  it('gives today in Asia/Shanghai (UTC+8) for a given instant', () => {
    assert.equal(todayInShanghai(new Date('2024-12-31T15:59:59Z')), '2024-12-31');
    assert.equal(todayInShanghai(new Date('2024-12-31T16:00:00Z')), '2025-01-01');
    assert.equal(todayInShanghai(new Date('2025-06-30T23:30:00-08:00')), '2025-07-01');
    assert.ok(isIsoDate(todayInShanghai()));
  });

  it('round-trips every day for 40 years through addDays', () => {
    let d = '2000-01-01';
    let dow = dayOfWeek(d);
    for (let i = 0; i < 366 * 40; i++) {
      const next = addDays(d, 1);
      assert.ok(isIsoDate(next));
      assert.equal(compareDates(d, next), -1);
      assert.equal(addDays(next, -1), d);
      dow = (dow + 1) % 7;
      assert.equal(dayOfWeek(next), dow);
      d = next;
    }
  });
});

describe('WorkCalendar: official data', () => {
  it('ships official data for 2004–2026 and nothing for 2027', () => {
    assert.equal(OFFICIAL_DATA_YEARS[0], 2004);
    assert.ok(OFFICIAL_DATA_YEARS.includes(2026));
    assert.equal(cal.hasOfficialData(2024), true);
    assert.equal(cal.hasOfficialData(2026), true);
    assert.equal(cal.hasOfficialData(2027), false);
    assert.equal(cal.hasOfficialData(2003), false);
  });

  it('treats statutory holidays as non-working and make-up weekends as working', () => {
    assert.equal(cal.isWorkingDay('2024-10-01'), false); // National Day
    assert.equal(cal.isWorkingDay('2024-10-07'), false); // Monday in lieu
    assert.equal(cal.isWorkingDay('2024-09-29'), true); // Sunday make-up workday
    assert.equal(cal.isWorkingDay('2024-10-12'), true); // Saturday make-up workday
    assert.equal(cal.isWorkingDay('2024-09-28'), false); // ordinary Saturday
    assert.equal(cal.isWorkingDay('2024-09-27'), true); // ordinary Friday
    assert.equal(cal.isWorkingDay('2024-02-09'), true); // 除夕 2024 was not a statutory day off
  });

  it('reports where each day’s status comes from', () => {
    assert.deepEqual(cal.dayInfo('2024-10-01'), { date: '2024-10-01', working: false, source: 'official', note: '国庆节' });
    assert.deepEqual(cal.dayInfo('2024-10-04'), { date: '2024-10-04', working: false, source: 'official', note: '国庆节（调休）' });
    assert.deepEqual(cal.dayInfo('2024-09-29'), { date: '2024-09-29', working: true, source: 'official', note: '国庆节调休上班' });
    assert.deepEqual(cal.dayInfo('2024-09-28'), { date: '2024-09-28', working: false, source: 'weekend' });
    assert.deepEqual(cal.dayInfo('2024-09-27'), { date: '2024-09-27', working: true, source: 'weekday' });
  });

  it('does not count the start day, even when the start day is a holiday (Art. 85)', () => {
    assert.equal(cal.addWorkingDays('2024-10-01', 1), '2024-10-08');
    assert.equal(cal.addWorkingDays('2024-09-28', 1), '2024-09-29'); // Sat → Sunday make-up day
    assert.equal(cal.addWorkingDays('2024-09-27', 0), '2024-09-27');
  });

  it('rejects malformed input', () => {
    assert.throws(() => cal.isWorkingDay('2024-13-01'), RangeError);
    assert.throws(() => cal.addWorkingDays('2024-09-02', 1.5), RangeError);
    assert.throws(() => new WorkCalendar([{ date: '2025/01/01', kind: 'holiday' }]), RangeError);
  });

  // One or more cases through each statutory holiday period of 2024–2026.
  const holidayCases: { name: string; from: string; n: number; expected: string }[] = [
    // New Year's Day
    { name: '2024 New Year: Fri 2023-12-29 +1 skips the weekend and 1 Jan', from: '2023-12-29', n: 1, expected: '2024-01-02' },
    { name: '2025 New Year: Tue 2024-12-31 +1 skips Wed 1 Jan', from: '2024-12-31', n: 1, expected: '2025-01-02' },
    { name: '2026 New Year: Wed 2025-12-31 +1 lands on the Sunday make-up day 4 Jan', from: '2025-12-31', n: 1, expected: '2026-01-04' },
    { name: '2026 New Year: Wed 2025-12-31 +2 is Mon 5 Jan', from: '2025-12-31', n: 2, expected: '2026-01-05' },
    // Spring Festival
    { name: '2024 Spring Festival: Thu 2024-02-08 +1 is 除夕 Fri 9 Feb (a working day)', from: '2024-02-08', n: 1, expected: '2024-02-09' },
    { name: '2024 Spring Festival: Thu 2024-02-08 +2 jumps 10–17 Feb to Sunday make-up 18 Feb', from: '2024-02-08', n: 2, expected: '2024-02-18' },
    { name: '2024 Spring Festival: Sat 2024-02-03 +1 is Sunday make-up 4 Feb', from: '2024-02-03', n: 1, expected: '2024-02-04' },
    { name: '2025 Spring Festival: Fri 2025-01-24 +1 is Sunday make-up 26 Jan', from: '2025-01-24', n: 1, expected: '2025-01-26' },
    { name: '2025 Spring Festival: Mon 2025-01-27 +1 jumps 28 Jan–4 Feb', from: '2025-01-27', n: 1, expected: '2025-02-05' },
    { name: '2026 Spring Festival: Fri 2026-02-13 +1 is Saturday make-up 14 Feb', from: '2026-02-13', n: 1, expected: '2026-02-14' },
    { name: '2026 Spring Festival: Fri 2026-02-13 +2 jumps 15–23 Feb', from: '2026-02-13', n: 2, expected: '2026-02-24' },
    { name: '2026 Spring Festival: Fri 2026-02-27 +1 is Saturday make-up 28 Feb', from: '2026-02-27', n: 1, expected: '2026-02-28' },
    // Qingming
    { name: '2024 Qingming: Wed 2024-04-03 +1 jumps 4–6 Apr to Sunday make-up 7 Apr', from: '2024-04-03', n: 1, expected: '2024-04-07' },
    { name: '2025 Qingming: Thu 2025-04-03 +1 jumps 4–6 Apr', from: '2025-04-03', n: 1, expected: '2025-04-07' },
    { name: '2026 Qingming: Fri 2026-04-03 +1 jumps 4–6 Apr (Monday off)', from: '2026-04-03', n: 1, expected: '2026-04-07' },
    // Labour Day
    { name: '2024 Labour Day: Fri 2024-04-26 +4 uses Sunday 28 Apr, jumps 1–5 May', from: '2024-04-26', n: 4, expected: '2024-05-06' },
    { name: '2024 Labour Day: Fri 2024-05-10 +1 is Saturday make-up 11 May', from: '2024-05-10', n: 1, expected: '2024-05-11' },
    { name: '2025 Labour Day: Fri 2025-04-25 +1 is Sunday make-up 27 Apr', from: '2025-04-25', n: 1, expected: '2025-04-27' },
    { name: '2025 Labour Day: Wed 2025-04-30 +1 jumps 1–5 May', from: '2025-04-30', n: 1, expected: '2025-05-06' },
    { name: '2026 Labour Day: Thu 2026-04-30 +1 jumps 1–5 May', from: '2026-04-30', n: 1, expected: '2026-05-06' },
    { name: '2026 Labour Day: Fri 2026-05-08 +1 is Saturday make-up 9 May', from: '2026-05-08', n: 1, expected: '2026-05-09' },
    // Dragon Boat
    { name: '2024 Dragon Boat: Fri 2024-06-07 +1 jumps the weekend and Mon 10 Jun', from: '2024-06-07', n: 1, expected: '2024-06-11' },
    { name: '2025 Dragon Boat: Fri 2025-05-30 +1 jumps 31 May–2 Jun', from: '2025-05-30', n: 1, expected: '2025-06-03' },
    { name: '2026 Dragon Boat: Thu 2026-06-18 +1 jumps 19–21 Jun', from: '2026-06-18', n: 1, expected: '2026-06-22' },
    // Mid-Autumn
    { name: '2024 Mid-Autumn: Fri 2024-09-13 +1 is Saturday make-up 14 Sep', from: '2024-09-13', n: 1, expected: '2024-09-14' },
    { name: '2024 Mid-Autumn: Fri 2024-09-13 +2 jumps 15–17 Sep', from: '2024-09-13', n: 2, expected: '2024-09-18' },
    { name: '2025 Mid-Autumn (6 Oct, inside National Day): Fri 2025-10-03 +1', from: '2025-10-03', n: 1, expected: '2025-10-09' },
    { name: '2026 Mid-Autumn: Thu 2026-09-24 +1 jumps 25–27 Sep', from: '2026-09-24', n: 1, expected: '2026-09-28' },
    // National Day
    { name: '2024 National Day: Fri 2024-09-27 +1 is Sunday make-up 29 Sep', from: '2024-09-27', n: 1, expected: '2024-09-29' },
    { name: '2024 National Day: Mon 2024-09-30 +1 jumps 1–7 Oct', from: '2024-09-30', n: 1, expected: '2024-10-08' },
    { name: '2024 National Day: Fri 2024-10-11 +1 is Saturday make-up 12 Oct', from: '2024-10-11', n: 1, expected: '2024-10-12' },
    { name: '2025 National Day: Fri 2025-09-26 +1 is Sunday make-up 28 Sep', from: '2025-09-26', n: 1, expected: '2025-09-28' },
    { name: '2025 National Day: Tue 2025-09-30 +1 jumps 1–8 Oct', from: '2025-09-30', n: 1, expected: '2025-10-09' },
    { name: '2025 National Day: Fri 2025-10-10 +1 is Saturday make-up 11 Oct', from: '2025-10-10', n: 1, expected: '2025-10-11' },
    { name: '2026 National Day: Fri 2026-09-18 +1 is Sunday make-up 20 Sep', from: '2026-09-18', n: 1, expected: '2026-09-20' },
    { name: '2026 National Day: Wed 2026-09-30 +1 jumps 1–7 Oct', from: '2026-09-30', n: 1, expected: '2026-10-08' },
    { name: '2026 National Day: Fri 2026-10-09 +1 is Saturday make-up 10 Oct', from: '2026-10-09', n: 1, expected: '2026-10-10' },
  ];
  for (const c of holidayCases) {
    it(`counts working days through ${c.name}`, () => {
      assert.equal(cal.addWorkingDays(c.from, c.n), c.expected);
      assert.equal(cal.workingDaysBetween(c.from, c.expected), c.n);
    });
  }

  it('counts 20 working days across whole holiday periods', () => {
    // Fri 2024-09-20: 23–27 Sep (5), Sun 29 (6), 30 (7), 1–7 Oct off, 8–11 (11), Sat 12 (12), 14–18 (17), 21–23 (20).
    assert.equal(cal.addWorkingDays('2024-09-20', 20), '2024-10-23');
    // Mon 2025-09-22: 23–26 (4), Sun 28 (5), 29–30 (7), 1–8 Oct off, 9–10 (9), Sat 11 (10), 13–17 (15), 20–24 (20).
    assert.equal(cal.addWorkingDays('2025-09-22', 20), '2025-10-24');
    // Mon 2026-02-09: 10–13 (4), Sat 14 (5), 15–23 off, 24–27 (9), Sat 28 (10), 2–6 Mar (15), 9–13 (20).
    assert.equal(cal.addWorkingDays('2026-02-09', 20), '2026-03-13');
  });

  it('counts working days in a half-open interval (from, to]', () => {
    assert.equal(cal.workingDaysBetween('2024-09-30', '2024-10-08'), 1);
    assert.equal(cal.workingDaysBetween('2024-09-13', '2024-09-18'), 2); // Sat 14 + Wed 18
    assert.equal(cal.workingDaysBetween('2024-09-30', '2024-09-30'), 0);
    assert.equal(cal.workingDaysBetween('2024-10-08', '2024-09-30'), 0);
  });

  it('ends a calendar-day period on the next working day when it falls on a holiday', () => {
    assert.equal(cal.addCalendarDays('2024-09-16', 15), '2024-10-08'); // 1 Oct is National Day
    assert.equal(cal.addCalendarDays('2024-09-20', 9), '2024-09-29'); // Sunday make-up day counts
    assert.equal(cal.addCalendarDays('2025-03-03', 5), '2025-03-10'); // Sat 8 Mar → Mon 10 Mar
    assert.equal(cal.nextWorkingDayOnOrAfter('2025-01-28'), '2025-02-05');
    assert.equal(cal.nextWorkingDayOnOrAfter('2025-02-05'), '2025-02-05');
  });

  it('counts backwards with a negative number of working days', () => {
    assert.equal(cal.addWorkingDays('2024-10-08', -1), '2024-09-30');
    assert.equal(cal.addWorkingDays('2024-10-14', -1), '2024-10-12');
  });
});

describe('WorkCalendar: overrides and provisional years', () => {
  it('an override holiday moves a deadline later', () => {
    // Mon 2025-03-03 + 20: 4–7 (4), 10–14 (9), 17–21 (14), 24–28 (19), Mon 31 (20).
    assert.equal(cal.addWorkingDays('2025-03-03', 20), '2025-03-31');
    const withHoliday = new WorkCalendar([{ date: '2025-03-05', kind: 'holiday', note: '地方性假日' }]);
    assert.equal(withHoliday.addWorkingDays('2025-03-03', 20), '2025-04-01');
    assert.deepEqual(withHoliday.dayInfo('2025-03-05'), { date: '2025-03-05', working: false, source: 'override', note: '地方性假日' });
  });

  it('an override workday on a Saturday counts', () => {
    const withWorkday = new WorkCalendar([{ date: '2025-03-08', kind: 'workday' }]);
    assert.equal(withWorkday.isWorkingDay('2025-03-08'), true);
    assert.equal(withWorkday.addWorkingDays('2025-03-03', 20), '2025-03-28');
    assert.equal(withWorkday.dayInfo('2025-03-08').source, 'override');
  });

  it('an override beats the official data', () => {
    const c = new WorkCalendar([{ date: '2024-10-01', kind: 'workday' }, { date: '2024-09-29', kind: 'holiday' }]);
    assert.equal(c.isWorkingDay('2024-10-01'), true);
    assert.equal(c.isWorkingDay('2024-09-29'), false);
  });

  it('the last override for a date wins', () => {
    const c = new WorkCalendar([{ date: '2025-03-05', kind: 'holiday' }, { date: '2025-03-05', kind: 'workday' }]);
    assert.equal(c.isWorkingDay('2025-03-05'), true);
  });

  it('counts a year without data by weekends and statutory holidays and reports it as provisional', () => {
    // 2027-01-01 is a Friday: 元旦 is a statutory holiday whether or not the 2027 notice is out.
    assert.equal(cal.isWorkingDay('2027-01-01'), false);
    assert.deepEqual(cal.dayInfo('2027-01-01'), { date: '2027-01-01', working: false, source: 'statutory', note: '元旦' });
    assert.deepEqual(cal.dayInfo('2027-01-04'), { date: '2027-01-04', working: true, source: 'weekday' });
    assert.deepEqual(cal.provisionalYears('2026-12-10', '2027-01-07'), [2027]);
    assert.deepEqual(cal.provisionalYears('2027-01-07', '2026-12-10'), [2027]);
    assert.deepEqual(cal.provisionalYears('2026-01-01', '2026-12-31'), []);
    assert.deepEqual(cal.provisionalYears('2026-06-01', '2029-01-01'), [2027, 2028, 2029]);
  });

  it('a year becomes official once an admin enters an override for it', () => {
    const c = new WorkCalendar([{ date: '2027-01-01', kind: 'holiday', note: '元旦' }]);
    assert.equal(c.hasOfficialData(2027), true);
    assert.deepEqual(c.provisionalYears('2026-12-10', '2027-01-07'), []);
    assert.equal(c.hasOfficialData(2028), false);
  });
});

describe('WorkCalendar: a year whose State Council notice is not out (§2.9)', () => {
  // 2027 has no official data in chinese-days 1.5.7. Its statutory holidays (《全国年节及纪念日放假办法》
  // as revised in 2024) fall: 元旦 Fri 1 Jan; 春节 除夕 Fri 5 Feb, 初一 Sat 6, 初二 Sun 7, 初三 Mon 8 Feb;
  // 清明 Mon 5 Apr; 劳动节 Sat 1–Sun 2 May; 端午 Wed 9 Jun; 中秋 Wed 15 Sep; 国庆 Fri 1–Sun 3 Oct.
  // The notice's make-up workdays and moved days off are unknown, so none is assumed.

  it('a reply due date counted across 元旦 2027 does not land on 1 January', () => {
    // Received Fri 2026-12-04; 20 working days (Art. 33), the start day not counted. December 2026
    // has no holiday in the 2026 notice: Mon 7–Fri 11 (5), 14–18 (10), 21–25 (15), 28–31 (19);
    // Fri 1 Jan 2027 元旦 is off, Sat 2 and Sun 3 are a weekend, so the 20th is Mon 4 Jan.
    // (Counted by weekends only, the 20th was 1 January itself.)
    assert.equal(cal.addWorkingDays('2026-12-04', 20), '2027-01-04');
    assert.equal(cal.workingDaysBetween('2026-12-04', '2027-01-04'), 20);
    assert.deepEqual(cal.provisionalYears('2026-12-04', '2027-01-04'), [2027]);
  });

  it('a reply due date counted across 春节 2027 skips 除夕 to 初三 and the presumed substitute days', () => {
    // Received Fri 2027-01-15: Mon 18–Fri 22 (5), 25–29 (10), Mon 1–Thu 4 Feb (14); Fri 5 (除夕),
    // Sat 6 (初一), Sun 7 (初二), Mon 8 (初三) off, and Tue 9, Wed 10 (补假 for 初一 and 初二 on the
    // weekend, Art. 6, presumed right after); Thu 11 (15), Fri 12 (16), Mon 15–Thu 18 (20).
    // (Counted by weekends only: 5 Feb was the 15th and 12 Feb the 20th.)
    assert.equal(cal.addWorkingDays('2027-01-15', 20), '2027-02-18');
    for (const [date, note] of [['2027-02-05', '春节（除夕）'], ['2027-02-08', '春节（正月初三）']] as const) {
      assert.deepEqual(cal.dayInfo(date), { date, working: false, source: 'statutory', note });
    }
    // A Saturday holiday stays a weekend day off, and is made up on the next weekdays until the notice says otherwise.
    assert.deepEqual(cal.dayInfo('2027-02-06'), { date: '2027-02-06', working: false, source: 'statutory', note: '春节（正月初一）' });
    assert.deepEqual(cal.dayInfo('2027-02-09'), { date: '2027-02-09', working: false, source: 'statutory', note: '春节补假（推定）' });
    assert.equal(cal.isWorkingDay('2027-02-11'), true);
    assert.deepEqual(cal.provisionalYears('2027-01-15', '2027-02-18'), [2027]);
  });

  it('skips every statutory holiday of 2027 and nothing else on a weekday', () => {
    const weekdaysOff: string[] = [];
    for (let d = '2027-01-01'; d <= '2027-12-31'; d = addDays(d, 1)) {
      const dow = dayOfWeek(d);
      if (dow !== 0 && dow !== 6 && !cal.isWorkingDay(d)) weekdaysOff.push(d);
      if (dow === 0 || dow === 6) assert.equal(cal.isWorkingDay(d), false, `${d}: no make-up workday is assumed`);
    }
    // The statutory days on weekdays, and one presumed substitute weekday for each on a weekend
    // (初一 Sat and 初二 Sun; 劳动节 Sat and Sun; 国庆 2–3 Oct Sat and Sun).
    assert.deepEqual(weekdaysOff, [
      '2027-01-01', '2027-02-05', '2027-02-08', '2027-02-09', '2027-02-10', '2027-04-05', '2027-05-03', '2027-05-04',
      '2027-06-09', '2027-09-15', '2027-10-01', '2027-10-04', '2027-10-05',
    ]);
    assert.equal(cal.statutoryHolidaysAssumed(2027).length, 13 + 6);
  });

  it('an admin\'s overrides still win, and confirm the year', () => {
    const c = new WorkCalendar([
      { date: '2027-02-09', kind: 'holiday', note: '春节补休' },
      { date: '2027-02-20', kind: 'workday', note: '春节调休上班' },
      { date: '2027-10-01', kind: 'workday', note: '（测试）' },
    ]);
    assert.equal(c.isWorkingDay('2027-02-09'), false);
    assert.equal(c.isWorkingDay('2027-02-20'), true);
    assert.deepEqual(c.dayInfo('2027-10-01'), { date: '2027-10-01', working: true, source: 'override', note: '（测试）' });
    assert.equal(c.isWorkingDay('2027-02-08'), false, 'a statutory holiday the admin did not touch stays off');
    assert.equal(c.isWorkingDay('2027-02-10'), false, 'a presumed substitute day stays off until the admin enters that day otherwise');
    assert.deepEqual(c.provisionalYears('2027-01-15', '2027-02-16'), []);
    // From Fri 15 Jan: … Thu 4 Feb (14); 5–10 Feb off; Thu 11–Fri 12 (16), Mon 15–Thu 18 (20) —
    // Sat 20 Feb, entered as a make-up workday, lies after.
    assert.equal(c.addWorkingDays('2027-01-15', 20), '2027-02-18');
  });

  it('a year before the 2024 revision and without data is counted by weekends only', () => {
    // 2003 predates the bundled data (2004–) and the revision (2025–): 1 January 2003 was a Wednesday.
    assert.deepEqual(cal.dayInfo('2003-01-01'), { date: '2003-01-01', working: true, source: 'weekday' });
    assert.deepEqual(cal.statutoryHolidaysAssumed(2003), []);
    // …while 2028, as 2027, has its statutory days: 春节 Wed 26 Jan 2028.
    assert.equal(cal.dayInfo('2028-01-26').source, 'statutory');
  });
});

describe('WorkCalendar: properties', () => {
  const dateArb = fc.integer({ min: 0, max: 366 * 24 }).map((n) => addDays('2003-06-01', n));
  const overridesArb = fc.array(
    fc.record({ date: dateArb, kind: fc.constantFrom('workday' as const, 'holiday' as const) }),
    { maxLength: 10 },
  );

  it('addWorkingDays(n ≥ 1) always lands on a working day exactly n working days later', () => {
    fc.assert(
      fc.property(dateArb, fc.integer({ min: 1, max: 60 }), overridesArb, (d, n, overrides) => {
        const c = new WorkCalendar(overrides);
        const due = c.addWorkingDays(d, n);
        assert.equal(c.isWorkingDay(due), true);
        assert.equal(c.workingDaysBetween(d, due), n);
        assert.equal(c.workingDaysBetween(d, addDays(due, -1)), n - 1);
      }),
    );
  });

  it('adding an override holiday never moves a working-day deadline earlier', () => {
    fc.assert(
      fc.property(dateArb, fc.integer({ min: 0, max: 60 }), fc.integer({ min: -5, max: 90 }), overridesArb, (d, n, offset, overrides) => {
        const before = new WorkCalendar(overrides);
        const after = new WorkCalendar([...overrides, { date: addDays(d, offset), kind: 'holiday' }]);
        assert.ok(compareDates(after.addWorkingDays(d, n), before.addWorkingDays(d, n)) >= 0);
        assert.ok(compareDates(after.addCalendarDays(d, n), before.addCalendarDays(d, n)) >= 0);
      }),
    );
  });
});

describe('calendar: every count is bounded whatever the dates', () => {
  /** Counts the days the calendar looks at: each step of every loop asks whether a day is working. */
  class CountingCalendar extends WorkCalendar {
    looked = 0;
    override dayInfo(date: string) {
      this.looked++;
      return super.dayInfo(date);
    }
  }

  it('counts spans of up to 50 years, and refuses longer ones without walking them', () => {
    assert.equal(MAX_SPAN_DAYS, 18_262);
    const c = new CountingCalendar();
    // 2008: Labour Day Thu 5/1–Sat 5/3 off, Sun 5/4 a make-up workday, then Mon 5/5–Fri 5/9.
    assert.equal(c.workingDaysBetween('2008-05-01', '2008-05-09'), 6);
    c.looked = 0;
    assert.throws(() => c.workingDaysBetween('0001-01-01', '2026-11-20'), OutOfRangeError);
    assert.throws(() => c.workingDaysIn('2026-11-20', '9999-12-31'), OutOfRangeError);
    assert.throws(() => c.addWorkingDays('2026-11-20', 1_000_000_000), OutOfRangeError);
    assert.throws(() => c.addWorkingDays('2026-11-20', -MAX_SPAN_DAYS - 1), OutOfRangeError);
    assert.equal(c.looked, 0, 'refused before looking at a single day');
    assert.ok(c.workingDaysBetween('1990-01-01', '2039-12-31') > 12_000, 'fifty years still count');
  });

  it('lists the working days of a half-open interval', () => {
    // Mon 2024-09-16 and Tue 9-17 are Mid-Autumn holidays; Sat 9-14 a make-up workday.
    assert.deepEqual(cal.workingDaysIn('2024-09-13', '2024-09-18'), ['2024-09-14', '2024-09-18']);
    assert.deepEqual(cal.workingDaysIn('2024-09-18', '2024-09-13'), []);
  });

  it('a year of admin holidays cannot make the search for a working day run away', () => {
    const everyDay = Array.from({ length: 400 }, (_, i) => ({ date: addDays('2030-01-01', i), kind: 'holiday' as const }));
    const c = new WorkCalendar(everyDay);
    assert.equal(c.nextWorkingDayOnOrAfter('2030-01-01'), '2031-02-05', 'the first day after the 400 holidays (a Wednesday)');
    assert.equal(c.addWorkingDays('2029-12-31', 1), '2031-02-05');
  });
});
