import type { Db } from '../db/knex.js';
import { WorkCalendar, type CalendarOverride } from '../workflows/calendar.js';
import { audit, type Actor } from './audit.js';

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

/** Audited like every write; `actor` null means the command line. */
export async function setOverride(db: Db, o: CalendarOverride, actor: Pick<Actor, 'id' | 'username'> | null): Promise<void> {
  await db('calendar_overrides')
    .insert({ date: o.date, kind: o.kind, note: o.note ?? null, created_by: actor?.id ?? null, created_at: new Date().toISOString() })
    .onConflict('date')
    .merge(['kind', 'note', 'created_by', 'created_at']);
  await audit(db, { actor, action: 'calendar.set', entity: 'calendar', entityId: o.date, detail: { kind: o.kind, note: o.note ?? null } });
}

export async function unsetOverride(db: Db, date: string, actor: Pick<Actor, 'id' | 'username'> | null): Promise<boolean> {
  const removed = (await db('calendar_overrides').where({ date }).del()) > 0;
  if (removed) await audit(db, { actor, action: 'calendar.unset', entity: 'calendar', entityId: date });
  return removed;
}
