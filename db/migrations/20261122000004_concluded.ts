import type { Knex } from 'knex';

// Issue 6: an application counts in the annual report under the year its reply was issued or its
// processing stopped (domain.md §6). That date is cached on the row (derived from history, kept by
// the event transaction) so the report aggregates in SQL.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('applications', (t) => {
    t.string('concluded_date', 10).nullable();
    t.index(['agency_id', 'concluded_date']);
    t.index(['agency_id', 'received_date']);
  });
  // Rows from before this column: the date of their latest concluding event.
  const concluding = ['ISSUE_REPLY', 'REPLY_ON_THE_SPOT', 'CORRECTION_LAPSED', 'FEE_LAPSED', 'WITHDRAW'];
  const rows: { application_id: number; d: string }[] = await knex('application_events').whereIn('type', concluding).groupBy('application_id')
    .select('application_id').max({ d: 'effective_date' });
  for (const r of rows) await knex('applications').where({ id: r.application_id }).update({ concluded_date: r.d });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('applications', (t) => {
    t.dropIndex(['agency_id', 'concluded_date']);
    t.dropIndex(['agency_id', 'received_date']);
    t.dropColumn('concluded_date');
  });
}
