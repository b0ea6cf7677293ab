// The computed lunar calendar and the statutory holidays of years without a State Council notice
// (domain §2.9). Pure: no database.
//
// Sources of the expected values (none of them is the code under test):
//   • the State Council notices for 2025 and 2026, as shipped in chinese-days 1.5.7
//     (chinese-days/dist/chinese-days.json);
//   • the 1900–2100 lunar table shipped in chinese-days 1.5.7 (taken by that package from
//     Bigkoo/Android-PickerView) and its 寿星-formula solar terms — compared year by year below;
//   • the table of known dates: 春节/除夕 2027 and 2028, 清明, 端午 and 中秋 2027 as given in issue 12;
//     the rest checked against both the chinese-days table and lunar-javascript 1.7.7 (6tail's port
//     of 许剑伟's 寿星万年历, computed with its own ephemeris), which agree with each other there;
//     春节 2029 and 2030 also in Fact Monster's "Chinese New Year Dates" (2000–2030). 2025–2029 have
//     no 腊月三十 (除夕 is 腊月廿九 five years running), 2030 has one, as was widely reported in
//     2025; 2033 has a leap eleventh month (the "2033 problem" that GB/T 33661-2017 settles).
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { OFFICIAL_DATA_YEARS, WorkCalendar } from '../../workflows/calendar.js';
import { addDays } from '../../workflows/dates.js';
import { lunarMonthsOfSui, lunarToGregorian, solarTermDate } from '../../workflows/lunar.js';
import { STATUTORY_RULES_FROM_YEAR, statutoryHolidays } from '../../workflows/statutory-holidays.js';

const require = createRequire(import.meta.url);
interface ChineseDaysLunar {
  getSolarDateFromLunar(lunar: string): { date: string };
  getLunarDate(date: string): { lunarYear: number; lunarMon: number; lunarDay: number; isLeap: boolean };
  getSolarTermDate(year: number, month: number, term: string): string;
}
const chineseDays = require('chinese-days') as ChineseDaysLunar;

describe('lunar calendar (GB/T 33661-2017, computed)', () => {
  // year: [除夕, 春节 (正月初一), 清明, 端午 (五月初五), 中秋 (八月十五)]
  const known: Record<number, [string, string, string, string, string]> = {
    2027: ['2027-02-05', '2027-02-06', '2027-04-05', '2027-06-09', '2027-09-15'],
    2028: ['2028-01-25', '2028-01-26', '2028-04-04', '2028-05-28', '2028-10-03'], // 闰五月: 端午 in the first 五月
    2029: ['2029-02-12', '2029-02-13', '2029-04-04', '2029-06-16', '2029-09-22'],
    2030: ['2030-02-02', '2030-02-03', '2030-04-05', '2030-06-05', '2030-09-12'],
    2031: ['2031-01-22', '2031-01-23', '2031-04-05', '2031-06-24', '2031-10-01'], // 中秋 on 国庆节
    2033: ['2033-01-30', '2033-01-31', '2033-04-04', '2033-06-01', '2033-09-08'],
    2034: ['2034-02-18', '2034-02-19', '2034-04-05', '2034-06-20', '2034-09-27'], // after 闰十一月 of 2033
    2036: ['2036-01-27', '2036-01-28', '2036-04-04', '2036-05-30', '2036-10-04'], // 闰六月
  };
  for (const [year, [eve, newYear, qingming, dragonBoat, midAutumn]] of Object.entries(known).map(([y, v]) => [Number(y), v] as const)) {
    it(`${year}: 除夕 ${eve}, 春节 ${newYear}, 清明 ${qingming}, 端午 ${dragonBoat}, 中秋 ${midAutumn}`, () => {
      assert.equal(lunarToGregorian(year, 1, 1), newYear);
      assert.equal(solarTermDate(year, 15), qingming);
      assert.equal(lunarToGregorian(year, 5, 5), dragonBoat);
      assert.equal(lunarToGregorian(year, 8, 15), midAutumn);
      const holidays = statutoryHolidays(year);
      assert.equal(holidays.find((h) => h.name === '春节（除夕）')?.date, eve);
    });
  }

  it('除夕 is the last day of the twelfth month, the 29th or the 30th', () => {
    const lastDayOfTwelfth = (year: number) => lunarMonthsOfSui(year).find((m) => m.month === 12 && !m.leap)!.days;
    for (const year of [2025, 2026, 2027, 2028, 2029]) assert.equal(lastDayOfTwelfth(year), 29, `${year}: 除夕 is 腊月廿九`);
    assert.equal(lastDayOfTwelfth(2030), 30, '2030: 除夕 is 腊月三十');
    assert.equal(statutoryHolidays(2030).find((h) => h.name === '春节（除夕）')?.date, '2030-02-02');
  });

  it('places leap months by the rule of the eleventh month (2033: 闰十一月, not 闰七月)', () => {
    const label = (year: number) => lunarMonthsOfSui(year).map((m) => `${m.leap ? '闰' : ''}${m.month}@${m.start}`);
    assert.deepEqual(label(2034).slice(0, 4), ['11@2033-11-22', '闰11@2033-12-22', '12@2034-01-20', '1@2034-02-19']);
    assert.equal(lunarMonthsOfSui(2033).length, 12, 'no leap month between the eleventh months of 2032 and 2033');
    assert.ok(label(2025).includes('闰6@2025-07-25'));
    assert.ok(label(2028).includes('闰5@2028-06-23'));
  });

  it('matches the chinese-days lunar table and solar terms for every year 2025–2100', () => {
    for (let year = 2025; year <= 2100; year++) {
      for (const [month, day] of [[1, 1], [5, 5], [8, 15]] as const) {
        const lunar = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
        assert.equal(lunarToGregorian(year, month, day), chineseDays.getSolarDateFromLunar(lunar).date, `${year} 农历 ${month}/${day}`);
      }
      const eve = statutoryHolidays(year).find((h) => h.name === '春节（除夕）')!.date;
      const before = chineseDays.getLunarDate(eve);
      assert.ok(before.lunarMon === 12 && !before.isLeap && (before.lunarDay === 29 || before.lunarDay === 30), `${year}: ${eve} is the last day of 腊月`);
      const after = chineseDays.getLunarDate(addDays(eve, 1));
      assert.ok(after.lunarMon === 1 && after.lunarDay === 1 && !after.isLeap, `${year}: the day after ${eve} is 正月初一`);
      // chinese-days computes terms by the 寿星 formula with the two-digit year, which for 2100
      // repeats 2000 (4 April); the Sun reaches 15° on 5 April 2100 (lunar-javascript agrees).
      if (year < 2100) assert.equal(solarTermDate(year, 15), chineseDays.getSolarTermDate(year, 4, 'pure_brightness'), `${year} 清明`);
    }
    assert.equal(solarTermDate(2100, 15), '2100-04-05');
  });
});

describe('statutory holidays (《全国年节及纪念日放假办法》, 2024 revision)', () => {
  it('lists the thirteen days of 2027', () => {
    assert.deepEqual(statutoryHolidays(2027), [
      { date: '2027-01-01', name: '元旦' },
      { date: '2027-02-05', name: '春节（除夕）' },
      { date: '2027-02-06', name: '春节（正月初一）' },
      { date: '2027-02-07', name: '春节（正月初二）' },
      { date: '2027-02-08', name: '春节（正月初三）' },
      { date: '2027-04-05', name: '清明节' },
      { date: '2027-05-01', name: '劳动节' },
      { date: '2027-05-02', name: '劳动节' },
      { date: '2027-06-09', name: '端午节' },
      { date: '2027-09-15', name: '中秋节' },
      { date: '2027-10-01', name: '国庆节' },
      { date: '2027-10-02', name: '国庆节' },
      { date: '2027-10-03', name: '国庆节' },
    ]);
  });

  it('names a day once when two holidays share it (中秋 2028 is 3 October)', () => {
    const h2028 = statutoryHolidays(2028);
    assert.equal(h2028.length, 12);
    assert.deepEqual(h2028.find((h) => h.date === '2028-10-03'), { date: '2028-10-03', name: '国庆节、中秋节' });
  });

  it('every statutory holiday of 2025 and 2026 is a day off in the State Council data', () => {
    const cal = new WorkCalendar();
    assert.ok(OFFICIAL_DATA_YEARS.includes(2025) && OFFICIAL_DATA_YEARS.includes(2026));
    for (const year of [2025, 2026]) {
      const days = statutoryHolidays(year);
      assert.equal(days.length, 13, `${year}: thirteen distinct days`);
      for (const h of days) {
        const info = cal.dayInfo(h.date);
        assert.equal(info.source, 'official', `${h.date} ${h.name} is in the notice's data`);
        assert.equal(info.working, false, `${h.date} ${h.name} is a day off`);
      }
      // The covered years keep the notice's data: nothing is assumed for them.
      assert.deepEqual(cal.statutoryHolidaysAssumed(year), []);
    }
    // The two days the 2024 revision added, in the first year under it.
    assert.equal(cal.dayInfo('2025-01-28').note, '春节', '除夕 2025');
    assert.equal(cal.dayInfo('2025-05-02').note, '劳动节');
  });

  it('covers every year from 2025, each day inside its year, and none before the revision', () => {
    assert.equal(STATUTORY_RULES_FROM_YEAR, 2025);
    assert.deepEqual(statutoryHolidays(2024), []);
    assert.deepEqual(statutoryHolidays(2003), []);
    for (let year = 2025; year <= 2100; year++) {
      const days = statutoryHolidays(year);
      assert.ok(days.length >= 12 && days.length <= 13, `${year}: ${days.length} days`);
      for (const [i, h] of days.entries()) {
        assert.equal(h.date.slice(0, 4), String(year));
        if (i > 0) assert.ok(h.date > days[i - 1]!.date, 'in date order, no date twice');
      }
      const qingming = days.find((h) => h.name === '清明节')!.date;
      assert.ok(qingming === `${year}-04-04` || qingming === `${year}-04-05`, `${year} 清明 ${qingming}`);
    }
    // The last year an ISO date can name still computes (its lunar year would end in 10000).
    assert.equal(statutoryHolidays(9998).length >= 12, true);
    assert.deepEqual(statutoryHolidays(9999), []);
  });
});

describe('presumed substitute days (补假, Art. 6 of 《全国年节及纪念日放假办法》)', () => {
  it('a holiday on a weekend is made up on the first weekdays after its run of days off, never on another holiday', async () => {
    const { presumedSubstituteDays } = await import('../../workflows/statutory-holidays.js');
    // 2027: 初一 Sat 6 and 初二 Sun 7 Feb (初三 Mon 8 is itself a holiday) → Tue 9, Wed 10 Feb;
    // 劳动节 Sat 1 and Sun 2 May → Mon 3, Tue 4; 国庆 Sat 2 and Sun 3 Oct → Mon 4, Tue 5.
    assert.deepEqual(presumedSubstituteDays(2027).map((d) => d.date), ['2027-02-09', '2027-02-10', '2027-05-03', '2027-05-04', '2027-10-04', '2027-10-05']);
    // 2028: 元旦 Sat → Mon 3 Jan; 端午 Sun 28 May → Mon 29; 国庆 Sun 1 Oct; 2–3 Oct are holidays → Wed 4.
    assert.deepEqual(presumedSubstituteDays(2028).map((d) => d.date), ['2028-01-03', '2028-05-29', '2028-10-04']);
    assert.ok(presumedSubstituteDays(2028).every((d) => d.name.endsWith('补假（推定）')));
  });
});
