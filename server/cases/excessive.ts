import type { Knex } from 'knex';
import type { ApplicationRow } from './application-store.js';

/**
 * Art. 35: the applicant's applications received in the calendar month of `date`, across every agency
 * of the platform (the same applicant = the same applicant_key), counted in SQL like the case page's
 * monthly volume (server/applicants/applicant-store.ts).
 */
export async function applicationsInMonth(trx: Knex | Knex.Transaction, row: Pick<ApplicationRow, 'id'>, date: string): Promise<number> {
  const own = await trx('applications').where({ id: row.id }).first('applicant_key');
  if (!own) return 0;
  const month = date.slice(0, 7);
  // A transferred application is one application: the receiving agency's copy is not counted again.
  const r = await trx('applications').where({ applicant_key: own.applicant_key }).whereNull('transferred_from_id')
    .whereBetween('received_date', [`${month}-01`, `${month}-31`]).count({ n: '*' }).first();
  return Number(r?.n ?? 0);
}
