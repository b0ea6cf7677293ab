import type { Knex } from 'knex';

// Issue 15, PostgreSQL: the text search at a million cases took a second (goal 200 ms). The GIN
// indexes of 20270104000001 on `applications` narrow little for a needle one case in ten contains, and
// every candidate was then read from `applications` itself — rows of about 1.5 KB (the snapshot, the
// applicant, the request), one page each: the count alone read 18,000 pages. The substring test, not
// the index, was the cost.
//
// So the search reads a narrow table of its own: `applications_search`, one row per case with what the
// case list filters and sorts by (agency, state, due date, received date, case number) and the three
// searched columns lower-cased once, as ILIKE lowers them (description_lower, …). About 190 bytes a row,
// written in agency order here, so an agency's cases lie together: the million's biggest agency
// (165,000 cases) is ~2,000 pages.
//
// Its one index besides the key is a GIN over keys that carry the agency (dd_search_keys): the agency's
// id alone (`2`), and each three-character piece of the three columns prefixed with it (`2:征收补`). So
// the index answers "this agency's cases whose columns hold all these pieces" by itself: a needle of
// three characters or more looks up its pieces within the caller's agencies only, a shorter one the
// agencies' cases. There is no other index to read the agency by, on purpose: with one, the planner took
// it for a needle nearly every case contains and computed the pieces of every case as a filter (1.4 s
// for the biggest agency). The substring test itself stays in the query (db/dialect.ts).
//
// Kept in step by triggers on `applications` in the same transaction as every write (insert, update of
// those columns, delete, truncate) — the use cases' writes and the benchmark seeder's bulk inserts
// alike. No index holds the state or the due date, which a case's events change: such an update is done
// in place (HOT), writing no index entry. The GIN indexes on `applications` itself are no longer read:
// dropped (writes no longer pay for them). SQLite keeps its FTS5 table (20270104000001): nothing here.

const COPIED = ['agency_id', 'state', 'reply_due', 'received_date', 'case_number'] as const;
const SEARCHED = ['description', 'applicant_name', 'case_number'] as const;
const OLD_INDEXED = ['description', 'applicant_name', 'case_number'] as const;

/** The index's expression; the query (db/dialect.ts, whereContainsAny) repeats it word for word. */
const KEYS = 'dd_search_keys(agency_id, description_lower, applicant_name_lower, case_number_lower)';

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
  // A case's keys, and a needle's (lower-cased here, as the columns were): the same loop, so the same pieces.
  await knex.raw(`CREATE FUNCTION dd_search_keys(agency integer, description text, applicant_name text, case_number text) RETURNS text[] AS $$
    DECLARE
      keys text[] := ARRAY[agency::text];
      prefix text := agency::text || ':';
      s text;
    BEGIN
      FOREACH s IN ARRAY ARRAY[description, applicant_name, case_number] LOOP
        FOR i IN 1 .. length(s) - 2 LOOP keys := keys || (prefix || substr(s, i, 3)); END LOOP;
      END LOOP;
      RETURN keys;
    END; $$ LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE`);
  await knex.raw(`CREATE FUNCTION dd_search_needle_keys(agency integer, needle text) RETURNS text[] AS $$
    DECLARE
      keys text[] := ARRAY[]::text[];
      s text := lower(needle);
      prefix text := agency::text || ':';
    BEGIN
      IF length(s) < 3 THEN RETURN ARRAY[agency::text]; END IF;
      FOR i IN 1 .. length(s) - 2 LOOP keys := keys || (prefix || substr(s, i, 3)); END LOOP;
      RETURN keys;
    END; $$ LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE`);
  await knex.raw('SET LOCAL maintenance_work_mem = \'256MB\'');
  await knex.raw(`CREATE INDEX applications_search_keys ON applications_search USING gin (${KEYS})`);

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
  // Statistics of the keys, so the planner knows how many cases a needle picks out.
  await knex.raw('ANALYZE applications_search');
}

export async function down(knex: Knex): Promise<void> {
  if (knex.client.config.client !== 'pg') return;
  for (const t of ['insert', 'update', 'delete', 'truncate']) await knex.raw(`DROP TRIGGER IF EXISTS applications_search_${t} ON applications`);
  await knex.raw('DROP FUNCTION IF EXISTS applications_search_sync()');
  await knex.raw('DROP FUNCTION IF EXISTS applications_search_truncate()');
  await knex.raw('DROP TABLE IF EXISTS applications_search');
  await knex.raw('DROP FUNCTION IF EXISTS dd_search_keys(integer, text, text, text)');
  await knex.raw('DROP FUNCTION IF EXISTS dd_search_needle_keys(integer, text)');
  // As 20270104000001 made them.
  for (const c of OLD_INDEXED) await knex.raw(`CREATE INDEX IF NOT EXISTS applications_${c}_trigrams ON applications USING gin (dd_trigrams(lower(${c})))`);
  await knex.raw('ANALYZE applications');
}
