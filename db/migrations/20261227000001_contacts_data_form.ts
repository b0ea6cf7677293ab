import type { Knex } from 'knex';

// Issue 14, contacts with the applicant (沟通记录): each contact — when, how, who, what was said and
// how it ended — with optional files, whose bytes live in attachment_contents like every other file
// of a case. A contact is no step of the case (the machine does not judge it and the clock does not
// read it): it is its own record, and its audit entry carries the SHA-256 of its content, so the audit
// log's chain vouches for it as it does for events.
//
// Issue 14, data-form information (数据形态政府信息): a request may ask for data (a data set,
// statistics, a database extract) — `applications.data_form`, counted by the dashboard — and a reply
// may provide data files (CSV, XLSX), each with its row count and SHA-256.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('applicant_contacts', (t) => {
    t.increments('id').primary();
    t.integer('application_id').notNullable().references('id').inTable('applications');
    t.string('date', 10).notNullable(); // the day of the contact (YYYY-MM-DD)
    t.string('time', 5).nullable(); // HH:MM, when known
    t.string('channel', 20).notNullable(); // phone | visit | email | sms | letter
    t.string('staff', 100).notNullable(); // 本机关沟通人
    t.string('counterpart', 100).nullable(); // 申请人一方的沟通对象 (the applicant, an agent …)
    t.text('summary').notNullable(); // 内容摘要
    t.string('outcome', 20).notNullable(); // clarified | narrowed | explained | withdrew | dissatisfied | other
    t.string('content_sha256', 64).notNullable(); // of the canonical content, also in the audit entry
    t.integer('recorded_by').notNullable().references('id').inTable('users');
    t.string('recorded_at', 30).notNullable();
    t.index(['application_id']);
  });
  await knex.schema.createTable('applicant_contact_files', (t) => {
    t.increments('id').primary();
    t.integer('contact_id').notNullable().references('id').inTable('applicant_contacts');
    t.string('filename', 255).notNullable();
    t.string('mime', 100).notNullable();
    t.integer('size').notNullable();
    t.string('sha256', 64).notNullable().references('sha256').inTable('attachment_contents');
    t.index(['contact_id']);
  });
  await knex.schema.createTable('data_files', (t) => {
    t.increments('id').primary();
    t.integer('application_id').notNullable().references('id').inTable('applications');
    t.string('title', 300).notNullable(); // what the reply calls it
    t.string('filename', 255).notNullable();
    t.string('format', 10).notNullable(); // csv | xlsx
    t.integer('size').notNullable();
    t.integer('rows').notNullable(); // data rows, the header row not counted
    t.integer('columns').notNullable(); // columns of the header row
    t.string('sha256', 64).notNullable().references('sha256').inTable('attachment_contents');
    t.integer('uploaded_by').notNullable().references('id').inTable('users');
    t.string('created_at', 30).notNullable();
    t.index(['application_id']);
  });
  await knex.schema.alterTable('applications', (t) => {
    t.string('data_form', 20).nullable(); // dataset | statistics | extract | other; null: not a data-form request
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('applications', (t) => {
    t.dropColumn('data_form');
  });
  await knex.schema.dropTableIfExists('data_files');
  await knex.schema.dropTableIfExists('applicant_contact_files');
  await knex.schema.dropTableIfExists('applicant_contacts');
}
