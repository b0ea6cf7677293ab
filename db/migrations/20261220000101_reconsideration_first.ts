import type { Knex } from 'knex';

// Issue 12: which replies tell the applicant that reconsideration comes first (复议前置,
// 《中华人民共和国行政复议法》第二十三条第一款第（四）项) is an agency setting: a JSON list of decision
// codes. NULL keeps the default (the replies that withhold information: partial and withhold.*).
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('agencies', (t) => {
    t.text('reconsideration_first').nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('agencies', (t) => {
    t.dropColumn('reconsideration_first');
  });
}
