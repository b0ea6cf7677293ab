import type { Knex } from 'knex';

// Dates (effective, legal) are ISO 'YYYY-MM-DD' strings and timestamps ISO-8601 UTC strings on both
// databases, so no driver converts them behind our back. JSON documents are text.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('agencies', (t) => {
    t.increments('id').primary();
    t.string('code', 32).notNullable().unique();
    t.string('name', 200).notNullable();
    t.integer('parent_id').nullable().references('id').inTable('agencies');
    t.string('created_at', 30).notNullable();
  });

  await knex.schema.createTable('users', (t) => {
    t.increments('id').primary();
    t.string('username', 64).notNullable().unique();
    t.string('display_name', 100).notNullable();
    t.string('role', 20).notNullable();
    t.integer('agency_id').notNullable().references('id').inTable('agencies');
    t.string('password_hash', 100).notNullable();
    t.integer('failed_logins').notNullable().defaultTo(0);
    t.string('locked_until', 30).nullable();
    t.boolean('active').notNullable().defaultTo(true);
    t.string('created_at', 30).notNullable();
  });

  // Sessions live in the database so several server instances share them.
  await knex.schema.createTable('sessions', (t) => {
    t.string('id_hash', 64).primary();
    t.string('kind', 10).notNullable(); // 'cookie' | 'token'
    t.integer('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.string('csrf_token', 64).nullable();
    t.string('created_at', 30).notNullable();
    t.string('expires_at', 30).notNullable();
    t.index(['expires_at']);
  });

  // Failed logins by address, for throttling across instances.
  await knex.schema.createTable('login_failures', (t) => {
    t.increments('id').primary();
    t.string('ip', 64).notNullable();
    t.string('username', 64).notNullable();
    t.string('at', 30).notNullable();
    t.index(['ip', 'at']);
  });

  // Gapless counters (case numbers, later document numbers): incremented in the allocating transaction.
  await knex.schema.createTable('counters', (t) => {
    t.string('key', 120).primary();
    t.integer('last').notNullable().defaultTo(0);
  });

  await knex.schema.createTable('applications', (t) => {
    t.increments('id').primary();
    t.integer('agency_id').notNullable().references('id').inTable('agencies');
    t.string('case_number', 64).notNullable();
    t.integer('case_year').notNullable();
    t.integer('case_seq').notNullable();
    t.string('state', 40).notNullable();
    t.integer('version').notNullable().defaultTo(1);
    t.integer('machine_version').notNullable();
    t.text('snapshot').notNullable();
    t.string('channel', 20).notNullable();
    t.string('received_date', 10).notNullable();
    t.string('applicant_kind', 20).notNullable();
    t.string('applicant_category', 20).notNullable(); // natural_person or the organisation category (report columns)
    t.string('applicant_name', 200).notNullable();
    t.string('applicant_key', 64).notNullable(); // sha256 of the normalised identity, to find an applicant's other applications
    t.text('applicant').notNullable();
    t.text('request').notNullable();
    t.text('description').notNullable(); // request.description, for text search
    t.string('decision', 40).nullable();
    // Derived from history + calendar by the clock; cached for inbox queries, rebuilt on every change.
    t.string('reply_due', 10).nullable();
    t.string('correction_notice_due', 10).nullable();
    // While a consultation or fee notice is open the clock is stopped and replyDue moves later each
    // working day; such rows are recomputed when their cache is older than today (deadline-cache.ts).
    t.boolean('clock_stopped').notNullable().defaultTo(false);
    t.string('deadlines_as_of', 10).nullable();
    t.integer('created_by').notNullable().references('id').inTable('users');
    t.string('created_at', 30).notNullable();
    t.string('updated_at', 30).notNullable();
    t.unique(['agency_id', 'case_year', 'case_seq']);
    t.unique(['case_number']);
    t.index(['agency_id', 'state']);
    t.index(['reply_due']);
    t.index(['clock_stopped', 'deadlines_as_of']);
    t.index(['applicant_key']);
  });

  await knex.schema.createTable('application_events', (t) => {
    t.increments('id').primary();
    t.integer('application_id').notNullable().references('id').inTable('applications');
    t.integer('seq').notNullable();
    t.string('type', 40).notNullable();
    t.string('effective_date', 10).notNullable();
    t.text('payload').notNullable();
    t.integer('actor_id').notNullable().references('id').inTable('users');
    t.string('actor_role', 20).notNullable();
    t.string('recorded_at', 30).notNullable();
    t.unique(['application_id', 'seq']);
  });

  await knex.schema.createTable('attachments', (t) => {
    t.increments('id').primary();
    t.integer('application_id').notNullable().references('id').inTable('applications');
    t.string('filename', 255).notNullable();
    t.string('mime', 100).notNullable();
    t.integer('size').notNullable();
    t.string('sha256', 64).notNullable();
    t.string('storage_path', 255).notNullable();
    t.integer('uploaded_by').notNullable().references('id').inTable('users');
    t.string('created_at', 30).notNullable();
  });

  await knex.schema.createTable('calendar_overrides', (t) => {
    t.string('date', 10).primary();
    t.string('kind', 10).notNullable(); // 'workday' | 'holiday'
    t.string('note', 200).nullable();
    t.integer('created_by').nullable().references('id').inTable('users');
    t.string('created_at', 30).notNullable();
  });

  await knex.schema.createTable('audit_log', (t) => {
    t.increments('id').primary();
    t.string('at', 30).notNullable();
    t.integer('user_id').nullable();
    t.string('username', 64).nullable();
    t.string('action', 60).notNullable();
    t.string('entity', 40).nullable();
    t.string('entity_id', 64).nullable();
    t.text('detail').nullable();
    t.string('ip', 64).nullable();
    t.index(['at']);
  });

  // The audit log is append-only: the database itself refuses updates and deletes.
  if (knex.client.config.client === 'pg') {
    await knex.raw(`CREATE FUNCTION audit_log_append_only() RETURNS trigger AS $$
      BEGIN RAISE EXCEPTION 'audit_log is append-only'; END; $$ LANGUAGE plpgsql`);
    await knex.raw(`CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
      FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()`);
  } else {
    await knex.raw(`CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
      BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END`);
    await knex.raw(`CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
      BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END`);
  }
}

export async function down(knex: Knex): Promise<void> {
  if (knex.client.config.client === 'pg') {
    await knex.raw('DROP TRIGGER IF EXISTS audit_log_no_update ON audit_log');
    await knex.raw('DROP FUNCTION IF EXISTS audit_log_append_only()');
  }
  for (const t of ['audit_log', 'calendar_overrides', 'attachments', 'application_events', 'applications',
    'counters', 'login_failures', 'sessions', 'users', 'agencies']) {
    await knex.schema.dropTableIfExists(t);
  }
}
