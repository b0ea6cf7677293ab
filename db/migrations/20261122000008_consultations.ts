import type { Knex } from 'knex';

// Issue 7: consultation between agencies on the same platform (征询件), and transfers (转办).
export async function up(knex: Knex): Promise<void> {
  // One row per START_CONSULTATION addressed to an agency in the system: the consulted agency's
  // inbox item. The requesting case's history stays the truth for the clock; this row carries the
  // routing, the answer's author and the status both sides see.
  await knex.schema.createTable('consultation_requests', (t) => {
    t.increments('id').primary();
    t.integer('application_id').notNullable().references('id').inTable('applications');
    t.string('consultation_id', 20).notNullable(); // the id in the case's machine context ('c5')
    t.integer('requesting_agency_id').notNullable().references('id').inTable('agencies');
    t.integer('consulted_agency_id').notNullable().references('id').inTable('agencies');
    t.text('parts').notNullable(); // 征求意见的内容: the parts of the request concerned
    t.string('sent_date', 10).notNullable();
    t.string('opinion_due', 10).notNullable(); // derived (sent + 15 working days); for inbox queries
    t.integer('letter_document_id').nullable().references('id').inTable('documents');
    t.string('status', 20).notNullable(); // open | answered | deemed_consent
    t.string('opinion', 20).nullable();
    t.text('reasons').nullable();
    t.integer('answered_by').nullable().references('id').inTable('users');
    t.string('answered_date', 10).nullable();
    t.integer('sent_by').notNullable().references('id').inTable('users');
    t.string('created_at', 30).notNullable();
    t.unique(['application_id', 'consultation_id']);
    t.index(['consulted_agency_id', 'status', 'opinion_due']);
    t.index(['status', 'opinion_due']);
  });
  // Files the consulted agency attaches to its answer belong to the requesting case's record.
  await knex.schema.alterTable('attachments', (t) => {
    t.integer('consultation_request_id').nullable().references('id').inTable('consultation_requests');
  });
  await knex.schema.alterTable('applications', (t) => {
    t.integer('transferred_from_id').nullable().references('id').inTable('applications');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('applications', (t) => t.dropColumn('transferred_from_id'));
  await knex.schema.alterTable('attachments', (t) => t.dropColumn('consultation_request_id'));
  await knex.schema.dropTableIfExists('consultation_requests');
}
