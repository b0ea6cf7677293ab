import assert from 'node:assert/strict';
import { daysInRange, parseCalendarDates } from '../../workflows/calendar-input.js';

// Issue 13: the work calendar takes a range or the State Council's notice pasted in, not one date per submit.
describe('calendar input (a range, or the notice pasted in)', () => {
  it('reads the State Council notice: days off and the make-up workdays of each holiday', () => {
    const notice = [
      '一、元旦：1月1日（周五）放假，与周末连休，共3天。',
      '二、春节：2月6日（星期六）至13日（星期六）放假调休，共8天。2月14日（星期日）上班。',
      '三、劳动节：5月1日至5日放假调休，共5天。4月25日（星期日）、5月8日（星期六）上班。',
    ].join('\n');
    const { days, problems } = parseCalendarDates(notice, { year: 2027, kind: 'holiday' });
    assert.deepEqual(problems, []);
    const kind = Object.fromEntries(days.map((d) => [d.date, d.kind]));
    assert.equal(kind['2027-01-01'], 'holiday');
    for (let d = 6; d <= 13; d++) assert.equal(kind[`2027-02-${String(d).padStart(2, '0')}`], 'holiday', `2月${d}日`);
    assert.equal(kind['2027-02-14'], 'workday');
    assert.equal(kind['2027-05-05'], 'holiday');
    assert.equal(kind['2027-04-25'], 'workday');
    assert.equal(kind['2027-05-08'], 'workday');
    assert.equal(days.length, 1 + 8 + 1 + 5 + 2);
    assert.deepEqual(days.map((d) => d.date), [...days.map((d) => d.date)].sort(), 'in date order');
  });

  it('reads a plain list: ISO dates, slashes, 年月日, ranges; what a clause does not say takes the chosen kind', () => {
    const { days, problems } = parseCalendarDates('2026-12-31 至 2027-01-02\n2027/1/9\n2027年1月10日', { year: 2027, kind: 'workday' });
    assert.deepEqual(problems, []);
    assert.deepEqual(days, [
      { date: '2026-12-31', kind: 'workday' }, { date: '2027-01-01', kind: 'workday' }, { date: '2027-01-02', kind: 'workday' },
      { date: '2027-01-09', kind: 'workday' }, { date: '2027-01-10', kind: 'workday' },
    ]);
  });

  it('names what is not a date, and a range that runs backwards', () => {
    const { days, problems } = parseCalendarDates('2月30日放假；3月9日至3日放假', { year: 2027, kind: 'holiday' });
    assert.deepEqual(days, []);
    assert.equal(problems.length, 2);
    assert.match(problems[0]!, /2月30日/);
  });

  it('a range is every day from the first to the last; one day when the last is left out', () => {
    assert.deepEqual(daysInRange('2027-02-06', '2027-02-08'), ['2027-02-06', '2027-02-07', '2027-02-08']);
    assert.deepEqual(daysInRange('2027-02-06', ''), ['2027-02-06']);
    assert.equal(daysInRange('2027-02-06', '2027-02-01'), null);
  });
});
