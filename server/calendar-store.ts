import type { Db } from '../db/knex.js';
import { selectPrepared } from '../db/dialect.js';
import { WorkCalendar, type CalendarOverride } from '../workflows/calendar.js';
import { audit, type Actor } from './audit.js';

/**
 * How long an instance trusts the calendar it holds before it asks the database for the version
 * again. A change made on this instance is seen at once (the change forgets what was held, and the
 * rebuild of the open cases' deadlines reloads it); one made on another instance within this time.
 */
export const CALENDAR_RECHECK_MS = 1000;

interface Held { version: number; calendar: WorkCalendar; checkedAt: number }
/** Keyed by the knex instance's config object, which its transactions share. */
const held = new WeakMap<object, Held>();

/**
 * The calendar is the package data plus the overrides in the database (issue 15: held in memory, not
 * read on every request). The `calendar_version` row, bumped by every change in the change's own
 * transaction, tells every server instance when to reload. Inside a transaction, and with `fresh`
 * (writes that cache deadlines), the version is always checked.
 */
export async function loadCalendar(db: Db, opts: { fresh?: boolean } = {}): Promise<WorkCalendar> {
  const key = db.client.config as object;
  const h = held.get(key);
  const now = Date.now();
  if (h && !opts.fresh && !db.isTransaction && now - h.checkedAt < CALENDAR_RECHECK_MS) return h.calendar;
  const version = await calendarVersion(db);
  if (h && h.version === version) {
    h.checkedAt = now;
    return h.calendar;
  }
  const calendar = new WorkCalendar(await listOverrides(db));
  // Read inside a transaction, the overrides may be ones not committed yet: not held for others.
  if (!db.isTransaction) held.set(key, { version, calendar, checkedAt: now });
  return calendar;
}

async function calendarVersion(db: Db): Promise<number> {
  const [row] = await selectPrepared<{ version: number | string }>(db, db('calendar_version').where({ id: 1 }).select('version').limit(1));
  return Number(row?.version ?? 0);
}

/** In the transaction that changes the overrides: every instance reloads once it commits. */
async function bumpCalendarVersion(db: Db): Promise<void> {
  await db('calendar_version').where({ id: 1 }).increment('version', 1);
  held.delete(db.client.config as object);
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
  await bumpCalendarVersion(db);
  await audit(db, { actor, action: 'calendar.set', entity: 'calendar', entityId: o.date, detail: { kind: o.kind, note: o.note ?? null } });
}

export async function unsetOverride(db: Db, date: string, actor: Pick<Actor, 'id' | 'username'> | null): Promise<boolean> {
  const removed = (await db('calendar_overrides').where({ date }).del()) > 0;
  if (removed) await bumpCalendarVersion(db);
  if (removed) await audit(db, { actor, action: 'calendar.unset', entity: 'calendar', entityId: date });
  return removed;
}
