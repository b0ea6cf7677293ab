import type { Knex } from 'knex';

// Issue 12: the periods a notice gives its addressee run from the day it is received (送达, domain.md
// §2.8). Each delivery of an issued document is recorded once: here, as the working copy the case page
// and the lists read, and in the case's history (NOTICE_DELIVERED, or RECORD_DELIVERY for the reply),
// which is what the clock counts from — both written in the same transaction.
// The fee notice states how to pay (国办函〔2020〕109号): the agency's payment details.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('document_deliveries', (t) => {
    t.increments('id').primary();
    t.integer('document_id').notNullable().references('id').inTable('documents');
    t.integer('application_id').notNullable().references('id').inTable('applications');
    t.string('date', 10).notNullable(); // the day the addressee received it (YYYY-MM-DD)
    t.string('method', 40).notNullable(); // mail | in_person | email | online | platform
    t.string('tracking_number', 60).nullable(); // 邮件单号
    t.string('signed_by', 100).nullable(); // who signed for it (签收人)
    t.string('note', 1000).nullable(); // refusal (拒收), witness, returned mail …
    t.integer('event_seq').notNullable(); // the history entry that records it
    t.integer('recorded_by').notNullable().references('id').inTable('users');
    t.string('recorded_at', 30).notNullable();
    t.unique(['document_id']); // delivered once
    t.index(['application_id']);
  });
  await knex.schema.alterTable('agencies', (t) => {
    t.string('payment_details', 1000).nullable(); // 缴费方式: payee, bank and account, or where to pay
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('document_deliveries');
  await knex.schema.alterTable('agencies', (t) => {
    t.dropColumn('payment_details');
  });
}
