import type { Knex } from 'knex';

// Issue 16: applications made online by the applicants themselves. A submission waits for its email
// to be confirmed with a one-time code, then in the agency's intake queue (待确认) until a caseworker
// registers it: Art. 31(三) makes the day both sides confirm the day received, so no clock runs before.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('online_submissions', (t) => {
    t.increments('id').primary();
    // Opaque handle of a submission awaiting its email code (never a guessable sequence).
    t.string('public_id', 64).notNullable().unique();
    t.integer('agency_id').notNullable().references('id').inTable('agencies');
    // pending_email → awaiting_confirmation → registered | returned
    t.string('state', 32).notNullable();
    t.string('email', 200).notNullable();
    t.text('applicant').notNullable();
    t.text('request').notNullable();
    t.string('code_hash', 128).notNullable();
    t.string('code_expires_at', 40).notNullable();
    t.integer('code_attempts').notNullable().defaultTo(0);
    t.string('tracking_number', 40).nullable().unique();
    t.string('access_hash', 128).nullable();
    t.integer('application_id').nullable().references('id').inTable('applications');
    t.string('submitted_at', 40).nullable();
    t.string('confirmed_date', 10).nullable();
    t.integer('confirmed_by').nullable().references('id').inTable('users');
    t.text('return_reason').nullable();
    t.string('ip', 64).nullable();
    t.string('created_at', 40).notNullable();
    t.index(['agency_id', 'state']);
    t.index(['application_id']);
  });
  await knex.schema.createTable('online_submission_files', (t) => {
    t.increments('id').primary();
    t.integer('submission_id').notNullable().references('id').inTable('online_submissions').onDelete('CASCADE');
    t.string('filename', 255).notNullable();
    t.string('mime', 100).notNullable();
    t.integer('size').notNullable();
    // The bytes live with every other scan (attachment_contents, one row per content).
    t.string('sha256', 64).notNullable().references('sha256').inTable('attachment_contents');
    t.string('created_at', 40).notNullable();
  });
  // Abuse limits that hold across server instances: one counter per key and time window.
  await knex.schema.createTable('public_rate_limits', (t) => {
    t.string('key', 200).notNullable();
    t.bigInteger('window_start').notNullable();
    t.integer('count').notNullable().defaultTo(0);
    t.primary(['key', 'window_start']);
  });
  // Mail to applicants, written in the transaction of the step it tells of and sent after it commits.
  await knex.schema.createTable('public_mails', (t) => {
    t.increments('id').primary();
    t.integer('submission_id').nullable().references('id').inTable('online_submissions').onDelete('CASCADE');
    t.string('recipient', 200).notNullable();
    t.string('subject', 300).notNullable();
    t.text('body').notNullable();
    t.string('kind', 40).notNullable();
    t.string('created_at', 40).notNullable();
    t.string('sent_at', 40).nullable();
    t.integer('attempts').notNullable().defaultTo(0);
    t.text('last_error').nullable();
    t.index(['sent_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('public_mails');
  await knex.schema.dropTableIfExists('public_rate_limits');
  await knex.schema.dropTableIfExists('online_submission_files');
  await knex.schema.dropTableIfExists('online_submissions');
}
