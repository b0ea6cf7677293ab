import type { Actor } from '../audit.js';
import type { AppContext } from '../context.js';
import { DomainError } from '../errors.js';
import { listOverrides, setOverride, unsetOverride } from '../calendar-store.js';
import { rebuildOpenDeadlines } from '../cases/application-service.js';
import { WorkCalendar, type DayInfo } from '../../workflows/calendar.js';
import { dateWindowProblem, dayOfWeek, isIsoDate } from '../../workflows/dates.js';
import { MAX_CALENDAR_DAYS } from '../../workflows/calendar-input.js';

export interface CalendarYear {
  year: number;
  official: boolean;
  /** Days that differ from the plain week (weekday holidays, weekend workdays) and every override. */
  days: (DayInfo & { weekday: number; override: boolean })[];
  overrides: { date: string; kind: 'workday' | 'holiday'; note?: string | null }[];
  /**
   * A year the bundled State Council data does not cover: the statutory holidays counted as days
   * off (《全国年节及纪念日放假办法》, lunar dates computed), weekends included, each with what an
   * override makes of it (`working` true when an admin has entered it as a workday). Empty otherwise.
   */
  statutory: { date: string; name: string; weekday: number; working: boolean; override: boolean }[];
}

export function specialDays(cal: WorkCalendar, year: number): CalendarYear['days'] {
  const out: CalendarYear['days'] = [];
  for (let d = new Date(Date.UTC(year, 0, 1)); d.getUTCFullYear() === year; d.setUTCDate(d.getUTCDate() + 1)) {
    const iso = d.toISOString().slice(0, 10);
    const info = cal.dayInfo(iso);
    const weekday = d.getUTCDay();
    const weekend = weekday === 0 || weekday === 6;
    if (info.working === weekend || info.source === 'override') out.push({ ...info, weekday, override: info.source === 'override' });
  }
  return out;
}

export async function calendarYear(ctx: AppContext, year: number): Promise<CalendarYear> {
  if (!Number.isInteger(year) || year < 2000 || year > 2100) throw new DomainError('invalid', 'invalid', '年份应在 2000–2100 之间', { year: '年份无效' });
  const overrides = await listOverrides(ctx.db);
  const cal = new WorkCalendar(overrides);
  return {
    year,
    official: cal.hasOfficialData(year),
    days: specialDays(cal, year),
    overrides: overrides.filter((o) => o.date.startsWith(`${year}-`)),
    statutory: cal.statutoryHolidaysAssumed(year).map((h) => {
      const info = cal.dayInfo(h.date);
      return { date: h.date, name: h.name, weekday: dayOfWeek(h.date), working: info.working, override: info.source === 'override' };
    }),
  };
}

/** Sets a local override and recomputes every open case's deadlines at once (they are derived). */
export async function setCalendarDay(
  ctx: AppContext,
  actor: Pick<Actor, 'id' | 'username'> | null,
  input: { date: unknown; kind: unknown; note?: unknown },
): Promise<number> {
  const fields: Record<string, string> = {};
  if (!isIsoDate(input.date)) fields.date = '请填写日期（YYYY-MM-DD）';
  else {
    // A plan more than a fact: next year's days are entered when the State Council's notice comes
    // (November), so an override may lie ahead — within two years, and not before 2008-05-01 (finding 4).
    const outside = dateWindowProblem(input.date, ctx.clock.today(), { kind: 'plan', label: '日期' });
    if (outside) fields.date = outside;
  }
  if (input.kind !== 'workday' && input.kind !== 'holiday') fields.kind = '请选择“工作日”或“休息日”';
  const note = typeof input.note === 'string' && input.note.trim() ? input.note.trim().slice(0, 200) : null;
  if (Object.keys(fields).length) throw new DomainError('invalid', 'invalid', '提交的内容有误', fields);
  await ctx.db.transaction((trx) => setOverride(trx, { date: input.date as string, kind: input.kind as 'workday' | 'holiday', note }, actor));
  return rebuildOpenDeadlines(ctx);
}

/**
 * Sets several days at once (issue 13: a range, or the dates of the State Council's notice pasted in),
 * all or none, and recomputes the open cases' deadlines once.
 */
export async function setCalendarDays(
  ctx: AppContext,
  actor: Pick<Actor, 'id' | 'username'> | null,
  days: { date: string; kind: 'workday' | 'holiday' }[],
  note: unknown,
  field = 'dates',
): Promise<{ days: number; recomputed: number }> {
  if (days.length === 0) throw new DomainError('invalid', 'invalid', '提交的内容有误', { [field]: '没有找到日期' });
  if (days.length > MAX_CALENDAR_DAYS) throw new DomainError('invalid', 'invalid', '提交的内容有误', { [field]: `一次最多录入 ${MAX_CALENDAR_DAYS} 天` });
  const bad = days.map((d) => [d.date, dateWindowProblem(d.date, ctx.clock.today(), { kind: 'plan', label: d.date })] as const).filter(([, p]) => p);
  if (bad.length) throw new DomainError('invalid', 'invalid', '提交的内容有误', { [field]: bad.slice(0, 3).map(([, p]) => p).join('；') });
  const text = typeof note === 'string' && note.trim() ? note.trim().slice(0, 200) : null;
  await ctx.db.transaction(async (trx) => {
    for (const d of days) await setOverride(trx, { date: d.date, kind: d.kind, note: text }, actor);
  });
  return { days: days.length, recomputed: await rebuildOpenDeadlines(ctx) };
}

/** Any stored override can be removed, even one outside today's window (entered before it existed). */
export async function unsetCalendarDay(ctx: AppContext, actor: Pick<Actor, 'id' | 'username'> | null, date: unknown): Promise<number> {
  if (!isIsoDate(date)) throw new DomainError('invalid', 'invalid', '日期格式应为 YYYY-MM-DD', { date: '日期无效' });
  const removed = await ctx.db.transaction((trx) => unsetOverride(trx, date, actor));
  if (!removed) throw new DomainError('not_found', 'not_found', `${date} 没有本地调整`);
  return rebuildOpenDeadlines(ctx);
}
