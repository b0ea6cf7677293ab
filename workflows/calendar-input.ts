// Dates an administrator enters into the working-day calendar at once (issue 13): a range, or a list
// pasted from the State Council's notice (国务院办公厅关于某年部分节假日安排的通知), e.g.
//
//   二、春节：2月6日（星期六）至13日（星期六）放假调休，共8天。2月14日（星期日）上班。
//
// Each clause (split at 。；; and line breaks) gives its dates one kind: a clause that says 上班 makes
// workdays (调休上班), one that says 放假 or 休 days off; a clause that says neither takes the kind the
// form chose. Dates may be written 2027-02-06, 2027/2/6, 2027年2月6日 or 2月6日 (the year of the form);
// ranges with 至, 到, ～, ~ or —, the second date possibly only 13日. Pure: no clock, no I/O.
import { addDays, isIsoDate } from './dates.js';

export type CalendarDayKind = 'workday' | 'holiday';

export interface ParsedCalendarDays {
  days: { date: string; kind: CalendarDayKind }[];
  /** Pieces that look like dates but are none (2月30日), in Chinese. */
  problems: string[];
}

/** At most this many days in one entry (a year and a day). */
export const MAX_CALENDAR_DAYS = 366;

const pad = (n: number) => String(n).padStart(2, '0');

// A date: optional year, month, day. The day may be followed by 日 and a weekday in brackets.
const DATE = String.raw`(?:(\d{4})\s*[年\-/.]\s*)?(\d{1,2})\s*[月\-/.]\s*(\d{1,2})\s*日?(?:\s*[（(][^）)]*[）)])?`;
// The end of a range: a full date, or a month and day, or only a day (…至13日).
const END = String.raw`(?:(\d{4})\s*[年\-/.]\s*)?(?:(\d{1,2})\s*[月\-/.]\s*)?(\d{1,2})\s*日?(?:\s*[（(][^）)]*[）)])?`;
const RANGE_SEP = String.raw`\s*(?:至|到|~|～|—|–|－)\s*`;
const PIECE = new RegExp(`${DATE}(?:${RANGE_SEP}${END})?`, 'g');

function isoOf(year: number, month: number, day: number): string | null {
  const iso = `${year}-${pad(month)}-${pad(day)}`;
  return isIsoDate(iso) ? iso : null;
}

export function parseCalendarDates(text: string, opts: { year: number; kind: CalendarDayKind }): ParsedCalendarDays {
  const out = new Map<string, CalendarDayKind>();
  const problems: string[] = [];
  for (const clause of text.split(/[。；;\n\r]+/)) {
    if (!clause.trim()) continue;
    const kind: CalendarDayKind = /上班/.test(clause) ? 'workday' : /放假|休息|休/.test(clause) ? 'holiday' : opts.kind;
    for (const m of clause.matchAll(PIECE)) {
      const y = m[1] ? Number(m[1]) : opts.year;
      const start = isoOf(y, Number(m[2]), Number(m[3]));
      if (!start) {
        problems.push(`“${m[0].trim()}”不是有效日期`);
        continue;
      }
      let end = start;
      if (m[6] !== undefined) {
        const ey = m[4] ? Number(m[4]) : y;
        const em = m[5] ? Number(m[5]) : Number(m[2]);
        const e = isoOf(ey, em, Number(m[6]));
        if (!e || e < start) {
          problems.push(`“${m[0].trim()}”不是有效的起止日期`);
          continue;
        }
        end = e;
      }
      for (let d = start, n = 0; d <= end && n <= MAX_CALENDAR_DAYS; d = addDays(d, 1), n++) out.set(d, kind);
    }
  }
  const days = [...out].map(([date, kind]) => ({ date, kind })).sort((a, b) => (a.date < b.date ? -1 : 1));
  return { days, problems };
}

/** Every day from `from` to `to` inclusive (`to` absent: the one day). */
export function daysInRange(from: string, to: string | null | undefined): string[] | null {
  if (!isIsoDate(from)) return null;
  const end = to && to.trim() ? to.trim() : from;
  if (!isIsoDate(end) || end < from) return null;
  const out: string[] = [];
  for (let d = from; d <= end && out.length <= MAX_CALENDAR_DAYS; d = addDays(d, 1)) out.push(d);
  return out;
}
