import type { Knex } from 'knex';

// Issue 14: the data exchange with the reconsideration body's case system. None of these tables is
// history (no hash chain, no append-only trigger): what the clients do to cases is recorded in the
// cases' and appeals' own histories and the audit log, like anyone's acts.
export async function up(knex: Knex): Promise<void> {
  // API clients (OAuth 2.0 client credentials). The secret is shown once; only its SHA-256 is kept.
  await knex.schema.createTable('exchange_clients', (t) => {
    t.increments('id').primary();
    t.string('client_id', 40).notNullable().unique();
    t.string('name', 200).notNullable();
    t.integer('agency_id').notNullable().references('id').inTable('agencies');
    t.string('scopes', 200).notNullable(); // space-separated: exchange:read exchange:write
    t.string('secret_hash', 64).notNullable();
    // The users row the client acts as in histories and the audit log (role exchange, cannot log in).
    t.integer('actor_id').notNullable().references('id').inTable('users');
    t.integer('created_by').nullable().references('id').inTable('users'); // null: the command line
    t.string('created_at', 30).notNullable();
    t.string('revoked_at', 30).nullable();
    t.integer('revoked_by').nullable().references('id').inTable('users');
  });

  // Access tokens: short-lived, stored as an HMAC (like sessions), deleted when the client is revoked.
  await knex.schema.createTable('exchange_tokens', (t) => {
    t.string('token_hash', 64).primary();
    t.integer('client_id').notNullable().references('id').inTable('exchange_clients').onDelete('CASCADE');
    t.string('scopes', 200).notNullable();
    t.string('created_at', 30).notNullable();
    t.string('expires_at', 30).notNullable();
    t.index(['expires_at']);
    t.index(['client_id']);
  });

  // The change feed: one row per change of a case file, written in the change's own transaction. The
  // id is the cursor; ids are handed out in commit order (server/change-feed.ts says how).
  await knex.schema.createTable('exchange_changes', (t) => {
    t.increments('id').primary();
    t.string('type', 40).notNullable();
    t.integer('application_id').notNullable().references('id').inTable('applications');
    t.integer('agency_id').notNullable().references('id').inTable('agencies');
    t.string('case_number', 64).notNullable();
    t.integer('appeal_id').nullable();
    t.integer('document_id').nullable();
    t.string('at', 30).notNullable();
    t.text('data').notNullable(); // JSON: what the webhook's `data` carries besides caseNumber and cursor
    t.index(['agency_id', 'id']);
  });

  // Idempotency-Key (one per client): the request's hash and the first answer, written in the same
  // transaction as the effect; the unique key makes a concurrent retry wait and then read the answer.
  await knex.schema.createTable('exchange_idempotency', (t) => {
    t.increments('id').primary();
    t.integer('client_id').notNullable().references('id').inTable('exchange_clients').onDelete('CASCADE');
    t.string('idempotency_key', 255).notNullable();
    t.string('request_hash', 64).notNullable();
    t.integer('status').nullable();
    t.text('response').nullable();
    t.string('location', 200).nullable();
    t.string('created_at', 30).notNullable();
    t.unique(['client_id', 'idempotency_key']);
  });

  await knex.schema.createTable('webhooks', (t) => {
    t.increments('id').primary();
    t.integer('client_id').notNullable().references('id').inTable('exchange_clients');
    t.string('url', 2000).notNullable();
    t.text('events').notNullable(); // JSON list of change types
    t.text('secret').notNullable(); // the whsec_ secret, encrypted (AES-256-GCM, key derived from SESSION_SECRET)
    t.string('created_at', 30).notNullable();
    t.string('deleted_at', 30).nullable();
  });

  // The outbox: one row per change and webhook, written in the change's transaction; a delivery worker
  // claims due rows (a lease, so a crashed worker's claim expires) and records every attempt.
  await knex.schema.createTable('webhook_deliveries', (t) => {
    t.increments('id').primary();
    t.integer('webhook_id').notNullable().references('id').inTable('webhooks');
    t.integer('change_id').notNullable().references('id').inTable('exchange_changes');
    t.string('message_id', 40).notNullable().unique(); // webhook-id: the same on every retry
    t.string('type', 40).notNullable();
    t.text('payload').notNullable(); // the exact body sent (and signed) on every attempt
    t.string('status', 12).notNullable(); // pending | delivered | failed | cancelled
    t.integer('attempts').notNullable().defaultTo(0);
    t.string('next_attempt_at', 30).notNullable();
    t.string('claimed_until', 30).nullable();
    t.string('claim_token', 40).nullable();
    t.integer('last_status_code').nullable();
    t.string('last_error', 500).nullable();
    t.string('delivered_at', 30).nullable();
    t.string('created_at', 30).notNullable();
    t.index(['status', 'next_attempt_at']);
    t.index(['webhook_id', 'id']);
  });

  // The delivery log: every attempt, whatever its outcome.
  await knex.schema.createTable('webhook_attempts', (t) => {
    t.increments('id').primary();
    t.integer('delivery_id').notNullable().references('id').inTable('webhook_deliveries');
    t.integer('attempt').notNullable();
    t.string('started_at', 30).notNullable();
    t.integer('duration_ms').notNullable();
    t.integer('status_code').nullable();
    t.string('error', 500).nullable();
    t.string('worker', 100).notNullable();
    t.index(['delivery_id']);
  });

  // Appeals received from the reconsideration body's system are marked as such in the legal staff's log.
  await knex.schema.alterTable('appeals', (t) => {
    t.string('source', 30).notNullable().defaultTo('desk'); // desk | reconsideration_system
    // No foreign key: on SQLite knex would rebuild the appeals table (referenced by appeal_events) to add one.
    t.integer('source_client_id').nullable(); // exchange_clients.id
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('appeals', (t) => {
    t.dropColumn('source_client_id');
    t.dropColumn('source');
  });
  for (const table of ['webhook_attempts', 'webhook_deliveries', 'webhooks', 'exchange_idempotency', 'exchange_changes', 'exchange_tokens', 'exchange_clients']) {
    await knex.schema.dropTableIfExists(table);
  }
}
