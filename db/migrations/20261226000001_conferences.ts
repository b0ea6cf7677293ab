import type { Knex } from 'knex';

// Issue 14: case conferences (会商研判) on complex applications. A conference is no event of the
// application's machine: it does not stop the reply clock (Art. 33 counts only consultation and fee
// time out), so it lives beside the case's history, in its own tables, with its own audit entries.
export async function up(knex: Knex): Promise<void> {
  // 复杂疑难: the mark the conference starts from, with the reason (the same row is read by reports).
  await knex.schema.createTable('complex_marks', (t) => {
    t.integer('application_id').primary().references('id').inTable('applications');
    t.text('reason').notNullable();
    t.integer('marked_by').notNullable().references('id').inTable('users');
    t.string('marked_date', 10).notNullable();
    t.string('marked_at', 30).notNullable();
  });

  await knex.schema.createTable('conferences', (t) => {
    t.increments('id').primary();
    t.integer('application_id').notNullable().references('id').inTable('applications');
    t.integer('agency_id').notNullable().references('id').inTable('agencies'); // the case's agency, for scope queries
    t.text('topic').notNullable();
    t.text('questions').notNullable(); // JSON array of strings: the questions put to the participants
    t.string('status', 20).notNullable(); // open | concluded | signed_off
    t.integer('convened_by').notNullable().references('id').inTable('users');
    t.string('convened_date', 10).notNullable();
    t.string('convened_at', 30).notNullable();
    t.text('conclusion').nullable(); // 研判意见
    t.integer('concluded_by').nullable().references('id').inTable('users');
    t.string('concluded_date', 10).nullable();
    t.string('concluded_at', 30).nullable();
    t.integer('signed_off_by').nullable().references('id').inTable('users');
    t.string('signed_off_date', 10).nullable();
    t.string('signed_off_at', 30).nullable();
    t.index(['application_id']);
    t.index(['agency_id', 'convened_date']);
    t.index(['status']);
  });

  // One row per invitation: a person (legal staff, reviewer, approver) or another agency, answered
  // through its inbox by one of its caseworkers. The written opinion is kept on the same row.
  await knex.schema.createTable('conference_participants', (t) => {
    t.increments('id').primary();
    t.integer('conference_id').notNullable().references('id').inTable('conferences');
    t.string('kind', 10).notNullable(); // user | agency
    t.integer('user_id').nullable().references('id').inTable('users'); // kind user: the person invited
    t.integer('agency_id').notNullable().references('id').inTable('agencies'); // kind agency: the agency invited; kind user: the person's
    t.text('opinion').nullable();
    t.integer('opinion_by').nullable().references('id').inTable('users');
    t.string('opinion_date', 10).nullable();
    t.string('opinion_at', 30).nullable();
    t.index(['conference_id']);
    t.index(['user_id']);
    t.index(['agency_id', 'kind']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('conference_participants');
  await knex.schema.dropTableIfExists('conferences');
  await knex.schema.dropTableIfExists('complex_marks');
}
