import type { Knex } from 'knex';

// Hardening 11 (等保 level 3): a password someone else set — an administrator creating the account
// or resetting it, the installer's `user add` — works only to set one's own, at the next login.
// Existing accounts keep theirs.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.boolean('must_change_password').notNullable().defaultTo(false);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.dropColumn('must_change_password');
  });
}
