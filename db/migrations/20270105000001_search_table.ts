import type { Knex } from 'knex';

// Issue 15, PostgreSQL: the text search at a million cases took a second (goal 200 ms). The GIN
// indexes of 20270104000001 on `applications` narrow little for a needle one case in ten contains, and
// every candidate was then read from `applications` itself — rows of about 1.5 KB (the snapshot, the
// applicant, the request), one page each: the count alone read 18,000 pages. The substring test, not
// the index, was the cost.
//
// So the search reads a narrow table of its own: `applications_search`, one row per case with what the
// case list filters and sorts by (agency, state, due date, received date, case number) and the three
// searched columns lower-cased once, as ILIKE would lower them (description_lower, …). About 190 bytes a
// row, written in agency order here, so an agency's cases lie together: the million's biggest agency
// (94,000 cases) fits in ~2,000 pages. One GIN index over the three columns' three-character pieces
// (dd_trigrams, from 20270104000001) narrows a needle of three characters or more.
//
// Kept in step by triggers on `applications` in the same transaction as every write (insert, update of
// those columns, delete, truncate) — the use cases' writes and the benchmark seeder's bulk inserts
// alike. The GIN indexes on `applications` itself are no longer read: dropped (writes no longer pay for
// them). SQLite keeps its FTS5 table (20270104000001): nothing here.

const COPIED = ['agency_id', 'state', 'reply_due', 'received_date', 'case_number'] as const;
const SEARCHED = ['description', 'applicant_name', 'case_number'] as const;
const OLD_INDEXED = ['description', 'applicant_name', 'case_number'] as const;

/** The index's expression; the query (db/dialect.ts, whereContainsAny) repeats it word for word. */
const TRIGRAMS = '(dd_trigrams(description_lower) || dd_trigrams(applicant_name_lower) || dd_trigrams(case_number_lower))';

export async function up(knex: Knex): Promise<void> {
  if (knex.client.config.client !== 'pg') return;
  // fillfactor: room on each page for a case's next version (a HOT update, below), beside its agency's cases.
  await knex.raw(`
    CREATE TABLE applications_search (
      id integer PRIMARY KEY,
      agency_id integer NOT NULL,
      state varchar(40) NOT NULL,
      reply_due varchar(10),
      received_date varchar(10) NOT NULL,
      case_number varchar(64) NOT NULL,
      description_lower text NOT NULL,
      applicant_name_lower text NOT NULL,
      case_number_lower text NOT NULL
    ) WITH (fillfactor = 90)`);
  const columns = ['id', ...COPIED, ...SEARCHED.map((c) => `${c}_lower`)].join(', ');
  const values = (row: string) => [`${row}.id`, ...COPIED.map((c) => `${row}.${c}`), ...SEARCHED.map((c) => `lower(${row}.${c})`)].join(', ');
  // The cases already there, by agency (then the indexes, built once over them).
  await knex.raw(`INSERT INTO applications_search (${columns}) SELECT ${values('a')} FROM applications a ORDER BY a.agency_id, a.id`);
  await knex.raw('SET LOCAL maintenance_work_mem = \'256MB\'');
  // The agency alone: a case's state and due date change with its events, and an update that changes
  // no indexed column is a HOT update (in place on the page, no index touched — above all not the GIN):
  // measured at a million, a state change costs ~55 µs more with the trigger, ~250 µs with state in an index.
  await knex.raw('CREATE INDEX applications_search_agency ON applications_search (agency_id)');
  await knex.raw(`CREATE INDEX applications_search_trigrams ON applications_search USING gin (${TRIGRAMS})`);

  await knex.raw(`CREATE FUNCTION applications_search_sync() RETURNS trigger AS $$
    BEGIN
      IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND NEW.id <> OLD.id) THEN
        DELETE FROM applications_search WHERE id = OLD.id;
      END IF;
      IF TG_OP <> 'DELETE' THEN
        INSERT INTO applications_search (${columns}) VALUES (${values('NEW')})
        ON CONFLICT (id) DO UPDATE SET ${[...COPIED, ...SEARCHED.map((c) => `${c}_lower`)].map((c) => `${c} = EXCLUDED.${c}`).join(', ')};
      END IF;
      RETURN NULL;
    END; $$ LANGUAGE plpgsql`);
  await knex.raw('CREATE TRIGGER applications_search_insert AFTER INSERT ON applications FOR EACH ROW EXECUTE FUNCTION applications_search_sync()');
  const watched = ['id', ...COPIED, ...SEARCHED.filter((c) => !(COPIED as readonly string[]).includes(c))];
  // Only when one of those columns really changed (`UPDATE OF` fires for a column merely SET).
  await knex.raw(`CREATE TRIGGER applications_search_update AFTER UPDATE OF ${watched.join(', ')} ON applications FOR EACH ROW
    WHEN ((${watched.map((c) => `OLD.${c}`).join(', ')}) IS DISTINCT FROM (${watched.map((c) => `NEW.${c}`).join(', ')}))
    EXECUTE FUNCTION applications_search_sync()`);
  await knex.raw('CREATE TRIGGER applications_search_delete AFTER DELETE ON applications FOR EACH ROW EXECUTE FUNCTION applications_search_sync()');
  // Row triggers do not see TRUNCATE.
  await knex.raw(`CREATE FUNCTION applications_search_truncate() RETURNS trigger AS $$
    BEGIN TRUNCATE applications_search; RETURN NULL; END; $$ LANGUAGE plpgsql`);
  await knex.raw('CREATE TRIGGER applications_search_truncate AFTER TRUNCATE ON applications FOR EACH STATEMENT EXECUTE FUNCTION applications_search_truncate()');

  for (const c of OLD_INDEXED) await knex.raw(`DROP INDEX IF EXISTS applications_${c}_trigrams`);
  // Statistics of the pieces, so the planner knows how many cases a needle picks out.
  await knex.raw('ANALYZE applications_search');
}

export async function down(knex: Knex): Promise<void> {
  if (knex.client.config.client !== 'pg') return;
  for (const t of ['insert', 'update', 'delete', 'truncate']) await knex.raw(`DROP TRIGGER IF EXISTS applications_search_${t} ON applications`);
  await knex.raw('DROP FUNCTION IF EXISTS applications_search_sync()');
  await knex.raw('DROP FUNCTION IF EXISTS applications_search_truncate()');
  await knex.raw('DROP TABLE IF EXISTS applications_search');
  // As 20270104000001 made them.
  for (const c of OLD_INDEXED) await knex.raw(`CREATE INDEX IF NOT EXISTS applications_${c}_trigrams ON applications USING gin (dd_trigrams(lower(${c})))`);
  await knex.raw('ANALYZE applications');
}
