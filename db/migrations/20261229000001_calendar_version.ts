import type { Knex } from 'knex';

// Issue 15: every server instance holds the working-day calendar in memory. A calendar change bumps
// this one row in its own transaction; an instance sees the new version (checked at most every
// second, and always in a write) and reloads the overrides.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('calendar_version', (t) => {
    t.integer('id').primary();
    t.integer('version').notNullable();
  });
  await knex('calendar_version').insert({ id: 1, version: 1 });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('calendar_version');
}
