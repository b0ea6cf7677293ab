import type { Knex } from 'knex';

// Issue 7: the unified reply-wording library (统一规范答复口径). The district office writes and
// approves passages per topic; caseworkers of every agency insert the approved text into drafts.
export async function up(knex: Knex): Promise<void> {
  // The stable identity of a passage. Its wording lives in versions; `current_version` names the
  // approved one in force (kept, marked retired, once the passage is retired).
  await knex.schema.createTable('reply_passages', (t) => {
    t.increments('id').primary();
    t.string('topic', 30).notNullable(); // major_projects | land_expropriation | housing | planning | process_info | general
    t.string('title', 200).notNullable(); // the title of the version in force (or of the first draft)
    t.string('status', 12).notNullable(); // active | retired
    t.integer('current_version').nullable(); // the approved version in force; null until the first approval
    t.integer('latest_version').notNullable(); // the highest version number written
    t.integer('created_by').notNullable().references('id').inTable('users');
    t.string('created_at', 30).notNullable();
    t.string('updated_at', 30).notNullable();
    t.integer('retired_by').nullable().references('id').inTable('users');
    t.string('retired_date', 10).nullable();
    t.text('retired_reason').nullable();
    t.index(['status', 'topic']);
  });

  // Every wording ever written stays for the record; uses keep pointing at the version used.
  await knex.schema.createTable('reply_passage_versions', (t) => {
    t.increments('id').primary();
    t.integer('passage_id').notNullable().references('id').inTable('reply_passages');
    t.integer('version').notNullable();
    t.string('title', 200).notNullable();
    t.text('body').notNullable();
    t.text('legal_basis').nullable(); // 依据
    // draft | approved (in force) | superseded (by a later approval) | retired | discarded (a draft replaced before approval)
    t.string('status', 12).notNullable();
    t.integer('written_by').notNullable().references('id').inTable('users');
    t.string('written_at', 30).notNullable();
    t.integer('approved_by').nullable().references('id').inTable('users');
    t.string('approved_date', 10).nullable();
    t.unique(['passage_id', 'version']);
    t.index(['status']);
  });

  // The decision codes (workflows/decisions.ts) a version is written for; none = any decision.
  await knex.schema.createTable('reply_passage_decisions', (t) => {
    t.integer('passage_version_id').notNullable().references('id').inTable('reply_passage_versions');
    t.string('decision', 40).notNullable();
    t.primary(['passage_version_id', 'decision']);
    t.index(['decision']);
  });

  // One row per passage per DRAFT_REPLY event that used it, written in the event's transaction.
  await knex.schema.createTable('reply_passage_uses', (t) => {
    t.increments('id').primary();
    t.integer('passage_id').notNullable().references('id').inTable('reply_passages');
    t.integer('version').notNullable();
    t.integer('passage_version_id').notNullable().references('id').inTable('reply_passage_versions');
    t.integer('application_id').notNullable().references('id').inTable('applications');
    t.integer('event_seq').notNullable();
    t.integer('used_by').notNullable().references('id').inTable('users');
    t.string('used_date', 10).notNullable(); // the event's effective date
    t.string('recorded_at', 30).notNullable();
    t.unique(['application_id', 'event_seq', 'passage_id']);
    t.index(['passage_id', 'version']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('reply_passage_uses');
  await knex.schema.dropTableIfExists('reply_passage_decisions');
  await knex.schema.dropTableIfExists('reply_passage_versions');
  await knex.schema.dropTableIfExists('reply_passages');
}
