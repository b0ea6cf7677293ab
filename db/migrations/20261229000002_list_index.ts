import type { Knex } from 'knex';

// Issue 15: the inbox page orders an agency's cases by state group and reply due date. This index
// covers that order, so the page's ids are picked from the index alone and only the page's rows are
// read (application-store.ts, listApplications).
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('applications', (t) => {
    t.index(['agency_id', 'state', 'reply_due'], 'applications_list_index');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('applications', (t) => {
    t.dropIndex(['agency_id', 'state', 'reply_due'], 'applications_list_index');
  });
}
