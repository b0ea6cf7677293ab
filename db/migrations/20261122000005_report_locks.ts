import type { Knex } from 'knex';

// Issue 6: a reported year is locked by a manager; changes that would alter its figures are refused.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('report_locks', (t) => {
    t.integer('agency_id').notNullable().references('id').inTable('agencies');
    t.integer('year').notNullable();
    t.integer('locked_by').notNullable().references('id').inTable('users');
    t.string('locked_at', 30).notNullable();
    t.primary(['agency_id', 'year']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('report_locks');
}
