import type { Knex } from 'knex';

// Hardening 13: the platform's own actor (it records deemed consent, Art. 34) was found by its
// username, so a person named `system` stood in for it and deemed consent stopped. It is now the one
// users row in the platform's role, whatever its username; the database keeps it one.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`CREATE UNIQUE INDEX users_one_platform_actor ON users (role) WHERE role = 'system'`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX users_one_platform_actor');
}
