import type { Knex } from 'knex';

// Issue 15: the case list's text search (`?text=`, a substring of the description, the applicant's
// name or the case number) scanned every case of the caller's agencies, twice (count and page). These
// indexes find the candidates for a needle of three characters or more; the substring test itself
// stays in the query, so the results are exactly what the scan gave (application-store.ts,
// whereTextMatches).
//
// SQLite: an FTS5 table with the trigram tokenizer over the three columns, its content read from
// `applications` (external content), kept in step by triggers — every write to those columns, the
// use cases' and the benchmark seeder's bulk inserts alike, updates it in the same transaction.
//
// PostgreSQL: GIN indexes over each column's three-character substrings (lower-cased as ILIKE
// compares), computed by an immutable SQL function. Not pg_trgm: it keeps only letters and digits as
// the database's LC_CTYPE classes them, and under the C locale (initdb --no-locale, as in CI) that
// drops every Chinese character — `show_trgm('征收补偿')` is empty, so its index cannot narrow a Chinese
// search. Built-in array GIN needs no extension and no privilege beyond the tables' owner's.

const TEXT_COLUMNS = ['description', 'applicant_name', 'case_number'] as const;

export async function up(knex: Knex): Promise<void> {
  if (knex.client.config.client === 'pg') {
    await knex.raw(`
      CREATE OR REPLACE FUNCTION dd_trigrams(s text) RETURNS text[]
      LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
      AS $$ SELECT ARRAY(SELECT substr(s, i, 3) FROM generate_series(1, length(s) - 2) AS i) $$`);
    for (const c of TEXT_COLUMNS) {
      await knex.raw(`CREATE INDEX applications_${c}_trigrams ON applications USING gin (dd_trigrams(lower(${c})))`);
    }
    // Statistics of the new expressions, so the planner knows how many cases a needle picks out (without
    // them it took the index for a needle one case in ten contains: 2.6 s at a million cases, 1 s with).
    await knex.raw('ANALYZE applications');
    return;
  }
  const cols = TEXT_COLUMNS.join(', ');
  const values = (row: 'new' | 'old') => TEXT_COLUMNS.map((c) => `${row}.${c}`).join(', ');
  await knex.raw(`CREATE VIRTUAL TABLE applications_text USING fts5(${cols}, content='applications', content_rowid='id', tokenize='trigram')`);
  await knex.raw(`CREATE TRIGGER applications_text_insert AFTER INSERT ON applications BEGIN
    INSERT INTO applications_text (rowid, ${cols}) VALUES (new.id, ${values('new')});
  END`);
  await knex.raw(`CREATE TRIGGER applications_text_delete AFTER DELETE ON applications BEGIN
    INSERT INTO applications_text (applications_text, rowid, ${cols}) VALUES ('delete', old.id, ${values('old')});
  END`);
  await knex.raw(`CREATE TRIGGER applications_text_update AFTER UPDATE OF id, ${cols} ON applications BEGIN
    INSERT INTO applications_text (applications_text, rowid, ${cols}) VALUES ('delete', old.id, ${values('old')});
    INSERT INTO applications_text (rowid, ${cols}) VALUES (new.id, ${values('new')});
  END`);
  // The cases already there.
  await knex.raw(`INSERT INTO applications_text (applications_text) VALUES ('rebuild')`);
}

export async function down(knex: Knex): Promise<void> {
  if (knex.client.config.client === 'pg') {
    for (const c of TEXT_COLUMNS) await knex.raw(`DROP INDEX IF EXISTS applications_${c}_trigrams`);
    await knex.raw('DROP FUNCTION IF EXISTS dd_trigrams(text)');
    return;
  }
  for (const t of ['insert', 'delete', 'update']) await knex.raw(`DROP TRIGGER IF EXISTS applications_text_${t}`);
  await knex.raw('DROP TABLE IF EXISTS applications_text');
}
