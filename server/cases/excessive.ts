import type { Knex } from 'knex';
import type { ApplicationRow } from './application-store.js';

/**
 * Art. 35: the applicant's applications received in the calendar month of `date`, across every agency
 * of the platform (the same applicant = the same applicant_key), counted in SQL.
 */
export async function applicationsInMonth(trx: Knex | Knex.Transaction, row: Pick<ApplicationRow, 'id'>, date: string): Promise<number> {
  const own = await trx('applications').where({ id: row.id }).first('applicant_key');
  if (!own) return 0;
  const month = date.slice(0, 7);
  const r = await trx('applications').where({ applicant_key: own.applicant_key })
    .whereBetween('received_date', [`${month}-01`, `${month}-31`]).count({ n: '*' }).first();
  return Number(r?.n ?? 0);
}
