import type { Knex } from 'knex';

// Issue 5: reconsideration and litigation cases (the agency as respondent/defendant).
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('appeals', (t) => {
    t.increments('id').primary();
    t.integer('application_id').notNullable().references('id').inTable('applications');
    t.integer('agency_id').notNullable().references('id').inTable('agencies'); // the application's agency
    t.string('kind', 20).notNullable(); // reconsideration | litigation
    t.string('procedure', 20).notNullable(); // ordinary | simplified | first_instance | second_instance
    t.boolean('simplified').notNullable().defaultTo(false);
    t.string('body', 200).notNullable(); // 复议机关 or court
    t.string('external_case_number', 100).notNullable();
    t.string('received_date', 10).notNullable();
    t.string('accepted_date', 10).nullable();
    t.string('filed_date', 10).nullable();
    t.integer('after_reconsideration_id').nullable().references('id').inTable('appeals');
    t.text('claims').nullable();
    t.string('state', 30).notNullable();
    t.integer('version').notNullable().defaultTo(1);
    t.integer('machine_version').notNullable();
    t.text('snapshot').notNullable();
    // Cached for lists and reports; derived from history and the calendar.
    t.string('outcome', 12).nullable(); // upheld | corrected | other (null while pending)
    t.string('decision_type', 20).nullable();
    t.string('decision_date', 10).nullable();
    t.string('answer_due', 10).nullable();
    t.string('decision_expected', 10).nullable();
    t.integer('created_by').notNullable().references('id').inTable('users');
    t.string('created_at', 30).notNullable();
    t.string('updated_at', 30).notNullable();
    t.index(['agency_id', 'state']);
    t.index(['application_id']);
  });

  await knex.schema.createTable('appeal_events', (t) => {
    t.increments('id').primary();
    t.integer('appeal_id').notNullable().references('id').inTable('appeals');
    t.integer('seq').notNullable();
    t.string('type', 40).notNullable();
    t.string('effective_date', 10).notNullable();
    t.text('payload').notNullable();
    t.integer('actor_id').notNullable().references('id').inTable('users');
    t.string('actor_role', 20).notNullable();
    t.string('recorded_at', 30).notNullable();
    t.unique(['appeal_id', 'seq']);
  });

  // 案例汇编: the legal staff's write-up of one case (以案释法).
  await knex.schema.createTable('case_notes', (t) => {
    t.integer('appeal_id').primary().references('id').inTable('appeals');
    t.text('facts').notNullable(); // 基本案情
    t.text('issues').notNullable(); // 争议焦点
    t.text('result').notNullable(); // 处理结果
    t.text('lessons').notNullable(); // 启示
    t.integer('updated_by').notNullable().references('id').inTable('users');
    t.string('updated_at', 30).notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('case_notes');
  await knex.schema.dropTableIfExists('appeal_events');
  await knex.schema.dropTableIfExists('appeals');
}
