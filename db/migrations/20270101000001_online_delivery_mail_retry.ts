import type { Knex } from 'knex';

// Issue 16, the applicant's side finished:
// - agencies.online_delivery_on: what counts as delivery (送达) of a document to an applicant who
//   applied online — `download` (the first download from the tracking page, the default) or `email`
//   (the mail carrying the signed PDF, once it has actually been sent);
// - public_mails: the document a mail carries (when its sending is the delivery), and the retry
//   schedule with a lease (next_attempt_at, claim_token, claimed_until), as the webhook outbox has;
// - online_submissions.code_sent_at: when the current email code was sent (a resend waits 60 s).
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('agencies', (t) => {
    t.string('online_delivery_on', 16).notNullable().defaultTo('download');
  });
  await knex.schema.alterTable('public_mails', (t) => {
    t.integer('document_id').nullable().references('id').inTable('documents');
    t.string('next_attempt_at', 40).nullable();
    t.string('claim_token', 40).nullable();
    t.string('claimed_until', 40).nullable();
  });
  await knex.schema.alterTable('online_submissions', (t) => {
    t.string('code_sent_at', 40).nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('online_submissions', (t) => {
    t.dropColumn('code_sent_at');
  });
  await knex.schema.alterTable('public_mails', (t) => {
    t.dropForeign(['document_id']);
    t.dropColumn('document_id');
    t.dropColumn('next_attempt_at');
    t.dropColumn('claim_token');
    t.dropColumn('claimed_until');
  });
  await knex.schema.alterTable('agencies', (t) => {
    t.dropColumn('online_delivery_on');
  });
}
