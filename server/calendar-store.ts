import type { Db } from '../db/knex.js';
import { WorkCalendar, type CalendarOverride } from '../workflows/calendar.js';

/**
 * The calendar is the package data plus the overrides in the database. It is read for every use so
 * that a change made on one server instance changes every deadline at once on all of them.
 */
export async function loadCalendar(db: Db): Promise<WorkCalendar> {
  return new WorkCalendar(await listOverrides(db));
}

export async function listOverrides(db: Db, year?: number): Promise<CalendarOverride[]> {
  const q = db('calendar_overrides').orderBy('date');
  if (year) q.where('date', 'like', `${year}-%`);
  return (await q).map((r) => ({ date: r.date, kind: r.kind, note: r.note }));
}

export async function setOverride(db: Db, o: CalendarOverride, userId: number | null): Promise<void> {
  await db('calendar_overrides')
    .insert({ date: o.date, kind: o.kind, note: o.note ?? null, created_by: userId, created_at: new Date().toISOString() })
    .onConflict('date')
    .merge(['kind', 'note', 'created_by', 'created_at']);
}

export async function unsetOverride(db: Db, date: string): Promise<boolean> {
  return (await db('calendar_overrides').where({ date }).del()) > 0;
}
