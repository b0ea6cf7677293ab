import type { Knex } from 'knex';

// Issue 6: long exports run as jobs whose progress any server instance can report. The finished file is
// kept in the database (not on one instance's disk) so whichever instance answers can serve it.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('export_jobs', (t) => {
    t.increments('id').primary();
    t.string('kind', 40).notNullable();
    t.string('format', 10).notNullable();
    t.text('params').notNullable();
    t.string('status', 10).notNullable(); // queued | running | done | failed
    t.integer('done').notNullable().defaultTo(0);
    t.integer('total').nullable();
    t.text('message').nullable();
    t.string('filename', 200).nullable();
    t.binary('file').nullable();
    t.integer('size').nullable();
    t.integer('created_by').notNullable().references('id').inTable('users');
    t.string('created_at', 30).notNullable();
    // Written with every batch: a running job whose heartbeat stops was cut off (instance restarted).
    t.string('updated_at', 30).notNullable();
    t.string('finished_at', 30).nullable();
    t.index(['created_by', 'created_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('export_jobs');
}
