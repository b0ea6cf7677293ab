import type { Knex } from 'knex';

// Issue 6 (scale): the annual report and the dashboard aggregate a million applications in SQL. These
// indexes let both databases answer every report query from an index alone (no table lookups):
// - received: new / carried in / carried out by applicant category (annual report table 三);
// - concluded: replies and decisions of a period by category, and the dashboard's on-time rate and
//   working days to reply (received_date, reply_due), within an agency scope;
// - pending (partial, only rows without a reply): the dashboard's due-soon and overdue lists;
// - stopped clocks by agency: the refresh of moving deadlines before lists and the dashboard read them;
// - appeals by agency and date: table 四, the briefing and the correction rate.
// The two (agency_id, received_date) / (agency_id, concluded_date) indexes of 20261122000004 are
// prefixes of the new ones and are replaced by them.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('applications', (t) => {
    t.dropIndex(['agency_id', 'concluded_date']);
    t.dropIndex(['agency_id', 'received_date']);
    t.index(['agency_id', 'received_date', 'concluded_date', 'applicant_category'], 'applications_report_received_index');
    t.index(['agency_id', 'concluded_date', 'decision', 'applicant_category', 'received_date', 'reply_due'], 'applications_report_concluded_index');
    t.index(['agency_id', 'clock_stopped', 'deadlines_as_of'], 'applications_agency_clock_stopped_index');
  });
  await knex.raw('CREATE INDEX applications_pending_reply_due_index ON applications (agency_id, reply_due) WHERE concluded_date IS NULL');
  await knex.schema.alterTable('appeals', (t) => {
    t.index(['agency_id', 'received_date'], 'appeals_agency_received_index');
    t.index(['agency_id', 'decision_date'], 'appeals_agency_decision_index');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('appeals', (t) => {
    t.dropIndex([], 'appeals_agency_received_index');
    t.dropIndex([], 'appeals_agency_decision_index');
  });
  await knex.raw('DROP INDEX applications_pending_reply_due_index');
  await knex.schema.alterTable('applications', (t) => {
    t.dropIndex([], 'applications_report_received_index');
    t.dropIndex([], 'applications_report_concluded_index');
    t.dropIndex([], 'applications_agency_clock_stopped_index');
    t.index(['agency_id', 'concluded_date']);
    t.index(['agency_id', 'received_date']);
  });
}
