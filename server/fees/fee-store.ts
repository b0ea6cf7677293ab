import type { Db } from '../../db/knex.js';

// 国办函〔2020〕109号: 按件 fees count "同一申请人一个自然月内" the applications made to the platform's
// agencies, the same applicant being the same applicant_key. A transferred application (转办) is
// one application: only the original (transferred_from_id null) counts, as in the Art. 35 volume.

/** [first day, first day of the next month) of a 'YYYY-MM' month; received_date is an ISO string. */
export function monthRange(month: string): [string, string] {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const next = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
  return [`${month}-01`, `${next}-01`];
}

/** How many applications of these applicant keys were received in the month, across all agencies. */
export async function countApplicationsInMonth(db: Db, applicantKeys: string[], month: string): Promise<number> {
  if (applicantKeys.length === 0) return 0;
  const [from, to] = monthRange(month);
  const r = await db('applications')
    .whereIn('applicant_key', applicantKeys)
    .whereNull('transferred_from_id')
    .where('received_date', '>=', from)
    .where('received_date', '<', to)
    .count({ n: '*' })
    .first();
  return Number(r?.n ?? 0);
}

export interface CountedApplication {
  id: number;
  applicantKey: string;
  receivedDate: string;
}

/** The application as the fee counts it: a transferred one is followed back to its original. */
export async function originalApplication(db: Db, id: number): Promise<CountedApplication | null> {
  let current = id;
  // A chain of transfers is short; the bound only guards against a corrupt cycle.
  for (let hops = 0; hops < 20; hops++) {
    const r = await db('applications').where({ id: current }).first('id', 'applicant_key', 'received_date', 'transferred_from_id');
    if (!r) return null;
    if (r.transferred_from_id === null || r.transferred_from_id === undefined) {
      return { id: Number(r.id), applicantKey: String(r.applicant_key), receivedDate: String(r.received_date) };
    }
    current = Number(r.transferred_from_id);
  }
  return null;
}

/**
 * Which of the applicant's applications of its month this one is (1 = the first): ordered by
 * received_date, then by id for those received the same day.
 */
export async function rankInMonth(db: Db, a: CountedApplication): Promise<number> {
  const [from] = monthRange(a.receivedDate.slice(0, 7));
  const r = await db('applications')
    .where('applicant_key', a.applicantKey)
    .whereNull('transferred_from_id')
    .where('received_date', '>=', from)
    .where((q) => q.where('received_date', '<', a.receivedDate).orWhere((s) => s.where('received_date', a.receivedDate).where('id', '<=', a.id)))
    .count({ n: '*' })
    .first();
  return Number(r?.n ?? 0);
}
