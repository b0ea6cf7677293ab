import assert from 'node:assert/strict';
import request from 'supertest';
import { isPostgres, isPostgresUrl } from '../../db/knex.js';
import { textSearchTable, whereContains, whereContainsAny } from '../../db/dialect.js';
import { listApplications } from '../../server/cases/application-store.js';
import { down, up } from '../../db/migrations/20270104000001_text_search.js';
import { down as downSearchTable, up as upSearchTable } from '../../db/migrations/20270105000001_search_table.js';
import { applicationBody, createTestEnv, type TestEnv } from '../helpers/test-app.js';

// Issue 15: the case list's text search goes through trigram indexes (SQLite: FTS5 trigram table kept
// by triggers; PostgreSQL: the narrow table applications_search kept by triggers, with a GIN index over
// its lowered columns' dd_trigrams) for needles of three characters or more. What it finds must be
// exactly what the plain substring scan (LIKE / ILIKE on applications) finds.

const COLUMNS = ['description', 'applicant_name', 'case_number'] as const;

// [description, applicant name, case number]
const TEXTS: [string, string, string][] = [
  ['申请公开征收补偿安置方案及相关会议纪要（2026年）。', '张建国', 'DJQ-GHZY-2026-0012'],
  ['征收补偿', '李四', 'DJQ-GHZY-2026-0013'],
  ['申请公开征收的补偿标准', '王五', 'DJQ-GHZY-2026-0112'],
  ['Land Expropriation COMPENSATION plan', 'John Smith', 'djq-ghzy-2026-0014'],
  ['discount 50% off_sale a\\b c:\\dir', 'Percent_Man', 'X-100%'],
  ['offXsale 50 percent ab', 'Under Score', 'X-101'],
  ['ÉCOLE école Ａｂｃ ａｂｃ', '\u212Aelvin kelvin', 'X-102'],
  ['quote "abc" here', 'O"Brien', 'X-103'],
  ['😀emoji😀 text', '上海明正律师事务所', 'X-104'],
  ['征收', '补偿款', 'X-105'],
  ['abcabc\n第二行征收补偿', 'ab', 'X-106'],
  ['a', '建国', 'X-107'],
];

const NEEDLES = [
  '征', '征收', '征收补', '征收补偿', '收补偿安置方案', '补偿', '第二行征收',
  'compensation', 'COMP', 'Compensation Plan', 'Co', 'c', 'ab', 'abc', 'ABCABC', 'bca',
  'DJQ-GHZY-2026-0012', 'djq-ghzy-2026-001', '2026-0', 'GHZY', 'ghzy', '-0',
  '50%', '%', '_', '\\', 'a\\b', 'c:\\d', 'off_sale', 'off%sale', 'f_s', '%_', '100%',
  'école', 'ÉCOLE', 'éco', 'ａｂｃ', 'ＡＢＣ', 'Ａｂｃ', 'kel', 'KELVIN', '\u212Ael',
  '"abc"', '"', 'abc"', 'O"B', '😀emoji', '😀e', 'emo', '张建国', '建国', '律师事务所',
  'zzz-none', '   ', ' 50', '\n第二',
];

describe('text search on the trigram index (issue 15)', function () {
  this.timeout(60_000);
  let env: TestEnv;
  let agencyIds: number[];

  const scan = async (needle: string): Promise<number[]> => {
    const q = env.db('applications as ap').whereIn('ap.agency_id', agencyIds).where((w) => {
      for (const c of COLUMNS) w.orWhere((o) => void whereContains(env.db, o, `ap.${c}`, needle));
    });
    return ((await q.orderBy('ap.id').pluck('ap.id')) as unknown[]).map(Number);
  };
  const indexed = async (needle: string): Promise<{ total: number; ids: number[] }> => {
    const res = await listApplications(env.db, { agencyIds, text: needle, page: 1, pageSize: 1000 });
    return { total: res.total, ids: res.rows.map((r) => r.id).sort((a, b) => a - b) };
  };
  const sameAsScan = async (label: string) => {
    let found = 0;
    for (const needle of NEEDLES) {
      const want = await scan(needle);
      const got = await indexed(needle);
      assert.deepEqual(got.ids, want, `${label}: ${JSON.stringify(needle)}`);
      assert.equal(got.total, want.length, `${label}: count of ${JSON.stringify(needle)}`);
      if (want.length) found++;
    }
    assert.ok(found > NEEDLES.length / 2, `most needles find something (${found})`);
  };
  const addCases = async (texts: [string, string, string][], suffix: string): Promise<number[]> => {
    const model = await env.db('applications').orderBy('id').first();
    const ids: number[] = [];
    for (const [description, applicant_name, case_number] of texts) {
      const { id: _id, ...rest } = model;
      // Numbered in a year of their own, clear of the registrations' counter.
      const seq = Number((await env.db('applications').where({ case_year: 2000 }).max({ m: 'case_seq' }).first())?.m ?? 0) + 1;
      const [row] = await env.db('applications').insert({ ...rest, case_year: 2000, case_seq: seq, description, applicant_name, case_number: case_number + suffix }).returning('id');
      ids.push(Number(typeof row === 'object' ? row.id : row));
    }
    return ids;
  };

  before(async () => {
    env = await createTestEnv({ today: '2026-11-20' });
    const cw = await env.token('cw');
    const res = await request(env.app).post('/api/applications').set('Authorization', `Bearer ${cw}`).send(applicationBody());
    assert.equal(res.status, 201);
    agencyIds = ((await env.db('agencies').pluck('id')) as unknown[]).map(Number);
    await addCases(TEXTS, '');
  });
  after(async () => env.close());

  it('finds exactly what the substring scan finds: CJK, case, %, _ and \\ literally, short and long needles', async () => {
    await sameAsScan('after insert');
    // Spot checks of the semantics the scan has had all along.
    assert.equal((await indexed('征收补偿')).total, 3);
    assert.equal((await indexed('off%sale')).total, 0, '% is no wildcard');
    assert.equal((await indexed('f_s')).total, 1, '_ is no wildcard');
    assert.equal((await indexed('compensation')).total, 1, 'ASCII letters match whatever their case');
    assert.equal((await indexed('DJQ-GHZY-2026-0012')).total, 1);
    // Paged: every page gives the whole total, a page past the end too; the pages together are the list.
    const all = await listApplications(env.db, { agencyIds, text: 'X-1', page: 1, pageSize: 1000 });
    assert.ok(all.total >= 5, `${all.total}`);
    const pages: number[] = [];
    for (let page = 1; page <= Math.ceil(all.total / 2) + 1; page++) {
      const res = await listApplications(env.db, { agencyIds, text: 'X-1', page, pageSize: 2 });
      assert.equal(res.total, all.total, `page ${page}`);
      pages.push(...res.rows.map((r) => r.id));
    }
    assert.deepEqual(pages, all.rows.map((r) => r.id));
  });

  it('follows updates and deletes of the searched columns', async () => {
    const [a, b, c] = await addCases([['起初的描述文字', '赵六', 'Y-1'], ['要删除的案件征收补偿', '钱七', 'Y-2'], ['不变', '孙八', 'Y-3']], '');
    assert.deepEqual((await indexed('起初的描述')).ids, [a]);
    await env.db('applications').where({ id: a }).update({ description: '改过的描述文字', applicant_name: '周九 Updated' });
    await env.db('applications').where({ id: c }).update({ case_number: 'Y-3-changed' });
    await env.db('applications').where({ id: b }).delete();
    assert.deepEqual((await indexed('起初的描述')).ids, []);
    assert.deepEqual((await indexed('改过的描述')).ids, [a]);
    assert.deepEqual((await indexed('updated')).ids, [a]);
    assert.deepEqual((await indexed('3-changed')).ids, [c]);
    assert.deepEqual((await indexed('要删除的')).ids, []);
    // A write that leaves the searched columns alone changes nothing in the index.
    await env.db('applications').where({ id: c }).update({ updated_at: '2026-11-21T00:00:00.000Z' });
    assert.deepEqual((await indexed('3-changed')).ids, [c]);
    await sameAsScan('after updates');
    if (!isPostgres(env.db)) {
      // FTS5's own check that the index matches the content table.
      await env.db.raw(`INSERT INTO applications_text (applications_text, rank) VALUES ('integrity-check', 1)`);
    }
  });

  it('a case registered through the API is found at once, by the list route', async () => {
    const cw = await env.token('cw');
    const res = await request(env.app).post('/api/applications').set('Authorization', `Bearer ${cw}`)
      .send(applicationBody({ request: { description: '申请公开旧城区改造征收补偿费用明细。' } }));
    assert.equal(res.status, 201);
    const list = await request(env.app).get(`/api/applications?text=${encodeURIComponent('征收补偿费用')}`).set('Authorization', `Bearer ${cw}`);
    assert.equal(list.status, 200);
    assert.deepEqual(list.body.items.map((i: { id: number }) => i.id), [res.body.id]);
    const byNumber = await request(env.app).get(`/api/applications?text=${encodeURIComponent(res.body.caseNumber.toLowerCase())}`).set('Authorization', `Bearer ${cw}`);
    assert.deepEqual(byNumber.body.items.map((i: { id: number }) => i.id), [res.body.id]);
  });

  it('the migration indexes the cases already there', async () => {
    // (On PostgreSQL the search table of the later migration stands on 20270104000001's function.)
    await downSearchTable(env.db);
    await down(env.db);
    await addCases(TEXTS, '-old');
    await up(env.db);
    await upSearchTable(env.db);
    await sameAsScan('after the migration ran again');
    assert.equal((await indexed('0012-old')).total, 1);
  });

  // (Registered on PostgreSQL only: SQLite has no such table.)
  const onPostgres = isPostgresUrl(process.env.TEST_DATABASE_URL ?? '');
  if (onPostgres) it('PostgreSQL: the search table is filled with the cases already there, and kept in step with every write', async () => {
    const mirror = async () => (await env.db.raw(`
      SELECT a.id, a.agency_id, a.state, a.reply_due, a.received_date, a.case_number,
             lower(a.description) AS d, lower(a.applicant_name) AS n, lower(a.case_number) AS c
      FROM applications a ORDER BY a.id`)).rows as unknown[];
    const table = async () => (await env.db.raw(`
      SELECT id, agency_id, state, reply_due, received_date, case_number, description_lower AS d, applicant_name_lower AS n, case_number_lower AS c
      FROM applications_search ORDER BY id`)).rows as unknown[];
    await downSearchTable(env.db);
    assert.equal((await env.db.raw(`SELECT to_regclass('applications_search') AS t`)).rows[0].t, null);
    await addCases([['迁移前已有的案件描述', 'Before Migration', 'Z-1']], '');
    await upSearchTable(env.db);
    assert.deepEqual(await table(), await mirror(), 'filled from applications');
    assert.deepEqual((await indexed('迁移前已有')).ids.length, 1);
    // Its only indexes: the key and the agency-keyed GIN (an index on the agency alone, or on the state,
    // would bring back the slow plans and the index writes on every state change the migration explains).
    const own = (await env.db.raw(`SELECT indexname FROM pg_indexes WHERE tablename = 'applications_search' AND schemaname = current_schema() ORDER BY 1`)).rows.map((r: { indexname: string }) => r.indexname);
    assert.deepEqual(own, ['applications_search_keys', 'applications_search_pkey']);
    // The old per-column indexes are gone: writes no longer pay for them.
    const old = (await env.db.raw(`SELECT indexname FROM pg_indexes WHERE tablename = 'applications' AND schemaname = current_schema() AND indexname LIKE '%trigrams'`)).rows;
    assert.deepEqual(old, []);
    // Every kind of write: state and due date (what a case's events change), agency, the searched columns, a delete.
    const [x, y] = await addCases([['跟随写入的案件', 'Follow Me', 'Z-2'], ['将被删除', 'Gone', 'Z-3']], '');
    await env.db('applications').where({ id: x }).update({ state: 'closed', reply_due: '2030-01-01' });
    await env.db('applications').where({ id: x }).update({ received_date: '2026-01-02', applicant_name: 'FOLLOWED' });
    await env.db('applications').where({ id: y }).delete();
    await env.db('applications').where({ id: x }).update({ updated_at: 'unrelated' });
    assert.deepEqual(await table(), await mirror(), 'after updates and a delete');
    assert.deepEqual((await listApplications(env.db, { agencyIds, text: 'followed', state: ['closed'], page: 1, pageSize: 10 })).rows.map((r) => r.id), [x]);
    // A case's events change its state and due date: in the search table an update in place (HOT, no
    // index entry written — the GIN's above all), as no index holds those columns.
    await env.db.transaction(async (trx) => {
      // (The counts of this connection not yet reported to the statistics: compared before and after.)
      const counts = async () => {
        const r = (await trx.raw(`SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_xact_user_tables WHERE relid = 'applications_search'::regclass`)).rows[0];
        return [Number(r.n_tup_upd), Number(r.n_tup_hot_upd)];
      };
      const [upd, hot] = await counts();
      await trx('applications').where({ id: x }).update({ state: 'registered', reply_due: '2030-02-01' });
      assert.deepEqual(await counts(), [upd! + 1, hot! + 1], 'one update, in place');
    });
    // A transaction rolled back leaves no trace in either.
    await env.db.transaction(async (trx) => {
      await trx('applications').where({ id: x }).update({ description: '回滚的修改' });
      throw new Error('rollback');
    }).catch(() => undefined);
    assert.deepEqual(await table(), await mirror(), 'after a rollback');
    assert.deepEqual((await indexed('回滚的修改')).ids, []);
  });

  it('the query uses the index (SQLite: for a needle of three characters or more)', async () => {
    const plan = async (needle: string): Promise<string> => {
      const q = whereContainsAny(env.db, env.db(`${textSearchTable(env.db)} as ap`).select('ap.id'), COLUMNS, needle, { alias: 'ap', agencyIds, fts: { table: 'applications_text', rowid: 'ap.id' } }).toSQL();
      if (isPostgres(env.db)) {
        // A handful of rows: a sequential scan would win; take it away to see the index can serve.
        return env.db.transaction(async (trx) => {
          await trx.raw('SET LOCAL enable_seqscan = off');
          const rows = (await trx.raw(`EXPLAIN ${q.sql}`, q.bindings as never)).rows as { 'QUERY PLAN': string }[];
          return rows.map((r) => r['QUERY PLAN']).join('\n');
        });
      }
      const rows = (await env.db.raw(`EXPLAIN QUERY PLAN ${q.sql}`, q.bindings as never)) as { detail: string }[];
      return rows.map((r) => r.detail).join('\n');
    };
    const long = await plan('征收补偿');
    const short = await plan('征收');
    if (isPostgres(env.db)) {
      // Both through the index, the agency in its keys: the pieces of the needle, or the agency alone.
      assert.match(long, /Bitmap Index Scan on applications_search_keys/, long);
      assert.match(long, /dd_search_needle_keys|\{\d+:征收补,\d+:收补偿\}/, long);
      assert.match(short, /Bitmap Index Scan on applications_search_keys/, short);
    } else {
      assert.match(long, /applications_text VIRTUAL TABLE/, long);
      assert.doesNotMatch(short, /applications_text/, short);
    }
  });
});
