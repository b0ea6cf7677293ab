// Seeds a benchmark database with N applications and realistic histories, straight into the tables
// with multi-row INSERTs in batches inside transactions (SQLite: one prepared statement reused per
// full batch; PostgreSQL: one INSERT … SELECT FROM unnest($1::int[], …) per batch, COPY-like). It
// does not go through the HTTP API or the machines: at a million applications that would take hours.
//
// The data: a district office with 30 departments and 10 units below some of them (41 agencies, busy
// ones and quiet ones), applications received every day from `start` to `today` (fewer at weekends
// and holidays, a little growth each year), each with a history: registration, sometimes a correction
// (answered or lapsed), a consultation, an extension, a fee; draft, review (sometimes returned),
// issue and delivery; some withdrawn or answered on the spot; most on time, some late, a small
// backlog never finished. Refusals are sometimes taken to reconsideration and then to court. Dates
// use the real working calendar; histories are cut at `today`, so recent cases are open in the state
// their last event left them. Deterministic (seeded PRNG).
//
// What is stored is what the use cases would store (issue 15): each history is judged event by event
// by the real application machine (workflows/application.machine.ts), whose persisted snapshot, state
// and decision are written, at the current machine version; event payloads are the ones the event API
// takes (a reply's facts included), so the desk serves and goes on with every seeded case. A decision
// the machine refuses for the case as it stands (one needing a consultation or a correction it did not
// have) falls back to disclosure. Not seeded: the documents (receipts, notices, reply PDFs).

import type { Knex } from 'knex';
import { addAgency, addUser } from '../../server/admin/admin-service.js';
import { WorkCalendar } from '../../workflows/calendar.js';
import { addDays } from '../../workflows/dates.js';
import { chainHash, GENESIS } from '../../db/history-hash.js';
import { APPLICATION_MACHINE_VERSION, initialApplicationSnapshot, judgeEvent, stateOf, type ApplicationEvent } from '../../workflows/application.machine.js';
import type { Facts } from '../../workflows/application-types.js';
import { replyFacts } from '../helpers/replies.js';
import { applicantKey } from '../../server/cases/application-service.js';
import type { Applicant, RequestDetails } from '../../server/cases/intake.js';
import type { OrganisationCategory } from '../../workflows/glossary.js';
import { creditCodeCheckChar, residentIdCheckChar } from '../../workflows/identifiers.js';

/** The seeded users' password (a throw-away benchmark database). */
export const BENCH_PASSWORD = 'bench-pass-123';

export interface SeedOptions {
  n: number;
  start: string; // first received date
  today: string;
  onProgress?: (done: number, n: number) => void;
}

export interface SeedResult { applications: number; events: number; appeals: number; agencies: number; rootCode: string; managerUsername: string; sampleAgencyCode: string }

// ---- Deterministic randomness ------------------------------------------------------------------
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pickWeighted<T>(rand: () => number, items: readonly (readonly [T, number])[]): T {
  const total = items.reduce((s, [, w]) => s + w, 0);
  let x = rand() * total;
  for (const [v, w] of items) {
    x -= w;
    if (x < 0) return v;
  }
  return items[items.length - 1]![0];
}

// ---- Fast working calendar over the whole span (one array, no per-call loops) -------------------
class DayTable {
  readonly dates: string[] = [];
  readonly working: boolean[] = [];
  /** cum[i] = working days among days[0..i] */
  readonly cum: number[] = [];
  /** index of the k-th working day (0-based) */
  readonly workdays: number[] = [];
  readonly index = new Map<string, number>();
  constructor(first: string, last: string, calendar: WorkCalendar) {
    let c = 0;
    for (let d = first; d <= last; d = addDays(d, 1)) {
      const i = this.dates.length;
      const w = calendar.isWorkingDay(d);
      this.dates.push(d);
      this.working.push(w);
      if (w) { c++; this.workdays.push(i); }
      this.cum.push(c);
      this.index.set(d, i);
    }
  }
  /** The n-th working day after day i (n >= 1), as a day index. */
  addWorking(i: number, n: number): number {
    const k = this.cum[i]! + n - 1;
    return this.workdays[Math.min(k, this.workdays.length - 1)]!;
  }
  /** Working days in (a, b]. */
  between(a: number, b: number): number {
    return b <= a ? 0 : this.cum[b]! - this.cum[a]!;
  }
}

// ---- Bulk writers --------------------------------------------------------------------------------
type ColType = 'int' | 'text' | 'bool';
interface TableSpec { name: string; columns: readonly (readonly [string, ColType])[]; batch: number; /** tables referenced: written first */ after?: TableSpec[] }

interface BulkWriter {
  begin(): Promise<void>;
  commit(): Promise<void>;
  /** Appends one row (values in column order); flushes full batches. */
  push(table: TableSpec, row: unknown[]): Promise<void>;
  flush(table: TableSpec): Promise<void>;
  close(): Promise<void>;
}

interface SqliteConn {
  run(sql: string, params: unknown[], cb: (err: Error | null) => void): void;
  exec(sql: string, cb: (err: Error | null) => void): void;
  prepare(sql: string, cb?: (err: Error | null) => void): SqliteStatement;
}
interface SqliteStatement {
  run(params: unknown[], cb: (err: Error | null) => void): void;
  finalize(cb: (err: Error | null) => void): void;
}
interface PgConn { query(sql: string, params?: unknown[]): Promise<unknown> }

async function sqliteWriter(db: Knex): Promise<BulkWriter> {
  const conn = (await db.client.acquireConnection()) as SqliteConn;
  const exec = (sql: string) => new Promise<void>((ok, ko) => conn.exec(sql, (e) => (e ? ko(e) : ok())));
  // A throw-away benchmark database: no fsync, big page cache while loading.
  await exec('PRAGMA synchronous = OFF; PRAGMA cache_size = -262144; PRAGMA temp_store = MEMORY');
  const pending = new Map<string, unknown[]>();
  const statements = new Map<string, SqliteStatement>();
  const sqlFor = (t: TableSpec, rows: number) => {
    const one = `(${t.columns.map(() => '?').join(',')})`;
    return `INSERT INTO ${t.name} (${t.columns.map(([c]) => c).join(',')}) VALUES ${Array.from({ length: rows }, () => one).join(',')}`;
  };
  const run = (stmt: SqliteStatement, params: unknown[]) => new Promise<void>((ok, ko) => stmt.run(params, (e) => (e ? ko(e) : ok())));
  const write = async (t: TableSpec, values: unknown[]) => {
    const rows = values.length / t.columns.length;
    if (rows === 0) return;
    if (rows === t.batch) {
      let stmt = statements.get(t.name);
      if (!stmt) { stmt = conn.prepare(sqlFor(t, t.batch)); statements.set(t.name, stmt); }
      await run(stmt, values);
    } else {
      await new Promise<void>((ok, ko) => conn.run(sqlFor(t, rows), values, (e) => (e ? ko(e) : ok())));
    }
  };
  const writer: BulkWriter = {
    begin: () => exec('BEGIN'),
    commit: () => exec('COMMIT'),
    async push(t, row) {
      let buf = pending.get(t.name);
      if (!buf) { buf = []; pending.set(t.name, buf); }
      for (const v of row) buf.push(typeof v === 'boolean' ? (v ? 1 : 0) : v);
      if (buf.length >= t.batch * t.columns.length) {
        for (const dep of t.after ?? []) await writer.flush(dep);
        pending.set(t.name, []);
        await write(t, buf);
      }
    },
    async flush(t) {
      const buf = pending.get(t.name) ?? [];
      pending.set(t.name, []);
      await write(t, buf);
    },
    async close() {
      for (const s of statements.values()) await new Promise<void>((ok, ko) => s.finalize((e) => (e ? ko(e) : ok())));
      await exec('PRAGMA synchronous = NORMAL');
      db.client.releaseConnection(conn);
    },
  };
  return writer;
}

// No bound-parameter limit with one array per column: bigger batches, fewer round trips.
const PG_BATCH_FACTOR = 5;

async function pgWriter(db: Knex): Promise<BulkWriter> {
  const conn = (await db.client.acquireConnection()) as PgConn;
  await conn.query('SET synchronous_commit = off');
  const pending = new Map<string, unknown[][]>();
  const write = async (t: TableSpec, columns: unknown[][]) => {
    if (!columns[0]?.length) return;
    const cols = t.columns.map(([c]) => c).join(',');
    const arrays = t.columns.map(([, type], i) => `$${i + 1}::${type === 'int' ? 'bigint' : type === 'bool' ? 'boolean' : 'text'}[]`).join(',');
    await conn.query(`INSERT INTO ${t.name} (${cols}) SELECT * FROM unnest(${arrays})`, columns);
  };
  const fresh = (t: TableSpec) => t.columns.map(() => [] as unknown[]);
  const writer: BulkWriter = {
    begin: async () => { await conn.query('BEGIN'); },
    commit: async () => { await conn.query('COMMIT'); },
    async push(t, row) {
      let cols = pending.get(t.name);
      if (!cols) { cols = fresh(t); pending.set(t.name, cols); }
      for (let i = 0; i < row.length; i++) cols[i]!.push(row[i]);
      if (cols[0]!.length >= t.batch * PG_BATCH_FACTOR) {
        for (const dep of t.after ?? []) await writer.flush(dep);
        pending.set(t.name, fresh(t));
        await write(t, cols);
      }
    },
    async flush(t) {
      const cols = pending.get(t.name);
      pending.set(t.name, fresh(t));
      if (cols) await write(t, cols);
    },
    async close() { db.client.releaseConnection(conn); },
  };
  return writer;
}

// ---- Tables --------------------------------------------------------------------------------------
const APPLICATIONS: TableSpec = {
  name: 'applications',
  batch: 1000,
  columns: [
    ['id', 'int'], ['agency_id', 'int'], ['case_number', 'text'], ['case_year', 'int'], ['case_seq', 'int'], ['state', 'text'], ['version', 'int'],
    ['machine_version', 'int'], ['snapshot', 'text'], ['channel', 'text'], ['received_date', 'text'], ['applicant_kind', 'text'], ['applicant_category', 'text'],
    ['applicant_name', 'text'], ['applicant_key', 'text'], ['applicant', 'text'], ['request', 'text'], ['description', 'text'], ['decision', 'text'],
    ['reply_due', 'text'], ['correction_notice_due', 'text'], ['clock_stopped', 'bool'], ['deadlines_as_of', 'text'], ['created_by', 'int'],
    ['created_at', 'text'], ['updated_at', 'text'], ['concluded_date', 'text'],
  ],
};
const EVENTS: TableSpec = {
  name: 'application_events',
  batch: 3000,
  after: [APPLICATIONS],
  columns: [
    ['application_id', 'int'], ['seq', 'int'], ['type', 'text'], ['effective_date', 'text'], ['payload', 'text'], ['actor_id', 'int'], ['actor_role', 'text'], ['recorded_at', 'text'],
    ['prev_hash', 'text'], ['hash', 'text'],
  ],
};
const APPEALS: TableSpec = {
  name: 'appeals',
  batch: 1000,
  after: [APPLICATIONS],
  columns: [
    ['id', 'int'], ['application_id', 'int'], ['agency_id', 'int'], ['kind', 'text'], ['procedure', 'text'], ['simplified', 'bool'], ['body', 'text'],
    ['external_case_number', 'text'], ['received_date', 'text'], ['accepted_date', 'text'], ['filed_date', 'text'], ['after_reconsideration_id', 'int'],
    ['claims', 'text'], ['state', 'text'], ['version', 'int'], ['machine_version', 'int'], ['snapshot', 'text'], ['outcome', 'text'], ['decision_type', 'text'],
    ['decision_date', 'text'], ['answer_due', 'text'], ['decision_expected', 'text'], ['created_by', 'int'], ['created_at', 'text'], ['updated_at', 'text'],
  ],
};

// ---- Vocabulary ----------------------------------------------------------------------------------
const CATEGORIES = [['natural_person', 72], ['commercial', 12], ['research', 2], ['social_welfare', 2], ['legal_services', 6], ['other_org', 6]] as const;
const CHANNELS = [['online', 55], ['mail', 25], ['in_person', 18], ['fax', 2]] as const;
const DECISIONS = [
  ['disclose', 38], ['partial', 10], ['withhold.state_secret', 0.3], ['withhold.law_prohibited', 0.7], ['withhold.security_stability', 0.5],
  ['withhold.third_party', 2.5], ['withhold.internal_affairs', 1.5], ['withhold.process_info', 3], ['withhold.enforcement_file', 1], ['withhold.inquiry', 1.5],
  ['unavailable.not_held', 22], ['unavailable.needs_creation', 4], ['unavailable.unclear', 2],
  ['not_processed.petition', 3], ['not_processed.repeat', 4], ['not_processed.publication', 0.5], ['not_processed.excessive', 0.5], ['not_processed.confirm_or_reissue', 1],
  ['other.other', 2],
] as const;
const SUBJECTS = ['控制性详细规划调整的批复文件', '征收补偿安置方案及相关会议纪要', '建设工程规划许可证及附图', '行政处罚决定书', '财政专项资金使用情况', '环境影响评价报告', '土地出让合同', '拆迁许可及公告', '道路改造工程立项批复', '学校划片方案'];
const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗';

export async function seedBenchData(db: Knex, opts: SeedOptions): Promise<SeedResult> {
  const rand = mulberry32(20261122);
  const R = (a: number, b: number) => a + Math.floor(rand() * (b - a + 1)); // integer in [a, b]

  // Agencies and users through the ordinary admin functions (a handful of rows).
  const remedies = { reconsiderationBody: '东江区人民政府', court: '东江区人民法院' };
  await addAgency(db, { code: 'DJQ', name: '东江区人民政府办公室', docPrefix: '东府办', ...remedies }, null);
  const deptCodes: string[] = [];
  for (let i = 1; i <= 30; i++) {
    const code = `D${String(i).padStart(2, '0')}`;
    deptCodes.push(code);
    await addAgency(db, { code, name: `东江区第${i}委办局`, parentCode: 'DJQ', ...remedies }, null);
  }
  const unitCodes: string[] = [];
  for (let i = 1; i <= 10; i++) {
    const code = `S${String(i).padStart(2, '0')}`;
    unitCodes.push(code);
    await addAgency(db, { code, name: `东江区第${((i - 1) % 5) + 1}委办局第${i}分局`, parentCode: deptCodes[(i - 1) % 5]!, ...remedies }, null);
  }
  const codes = ['DJQ', ...deptCodes, ...unitCodes];
  const agencyIds = new Map<string, number>((await db('agencies').select('id', 'code')).map((r: { id: number; code: string }) => [r.code, Number(r.id)]));
  for (const code of codes) {
    for (const role of ['caseworker', 'reviewer', 'approver'] as const) {
      await addUser(db, { username: `${role}-${code}`.toLowerCase(), role, agencyCode: code, password: BENCH_PASSWORD, displayName: `${role} ${code}` }, null, 4, { seeded: true });
    }
  }
  await addUser(db, { username: 'mgr', role: 'manager', agencyCode: 'DJQ', password: BENCH_PASSWORD, displayName: '政务公开办' }, null, 4, { seeded: true });
  await addUser(db, { username: 'legal', role: 'legal', agencyCode: 'DJQ', password: BENCH_PASSWORD, displayName: '法制' }, null, 4, { seeded: true });
  const userIds = new Map<string, number>((await db('users').select('id', 'username')).map((r: { id: number; username: string }) => [r.username, Number(r.id)]));
  const actor = (role: string, code: string) => userIds.get(`${role}-${code}`.toLowerCase())!;
  const legalId = userIds.get('legal')!;
  // Busy and quiet agencies (Zipf-like): the departments carry most of the load.
  const agencyWeights = codes.map((c, i) => [c, 1 / Math.pow(i + 1, 0.8)] as const);
  const agencyCdf: { code: string; id: number; upto: number; cw: number; rev: number; appr: number }[] = [];
  {
    const total = agencyWeights.reduce((s, [, w]) => s + w, 0);
    let acc = 0;
    for (const [code, w] of [...agencyWeights].sort(() => rand() - 0.5)) {
      acc += w / total;
      agencyCdf.push({ code, id: agencyIds.get(code)!, upto: acc, cw: actor('caseworker', code), rev: actor('reviewer', code), appr: actor('approver', code) });
    }
  }
  const pickAgency = () => {
    const x = rand();
    return agencyCdf.find((a) => x < a.upto) ?? agencyCdf[agencyCdf.length - 1]!;
  };

  // Calendar over the whole span (and far enough past today for deadlines).
  const days = new DayTable(addDays(opts.start, -1), addDays(opts.today, 400), new WorkCalendar());
  dayDates = days.dates;
  const startIdx = days.index.get(opts.start)!;
  const todayIdx = days.index.get(opts.today)!;
  // Applications per day: working days 1, other days 0.15, +12% a year.
  const weights: number[] = [];
  for (let i = startIdx; i <= todayIdx; i++) weights.push((days.working[i] ? 1 : 0.15) * (1 + 0.12 * ((i - startIdx) / 365)));
  const weightTotal = weights.reduce((s, w) => s + w, 0);

  const writer = db.client.config.client === 'pg' ? await pgWriter(db) : await sqliteWriter(db);
  const seqs = new Map<string, number>();
  let appId = 0;
  let appealId = 0;
  let eventCount = 0;
  const CHUNK = 20_000; // applications per transaction
  let inChunk = 0;
  await writer.begin();
  let acc = 0;
  let made = 0;
  for (let di = 0; di < weights.length; di++) {
    acc += (weights[di]! / weightTotal) * opts.n;
    const today0 = Math.round(acc) - made;
    for (let k = 0; k < today0 && made < opts.n; k++, made++) {
      const recIdx = startIdx + di;
      const received = days.dates[recIdx]!;
      const ag = pickAgency();
      const id = ++appId;
      const year = Number(received.slice(0, 4));
      const seqKey = `case:${ag.id}:${year}`; // the counter registration allocates case numbers from
      const caseSeq = (seqs.get(seqKey) ?? 0) + 1;
      seqs.set(seqKey, caseSeq);
      const category = pickWeighted(rand, CATEGORIES);
      const channel = pickWeighted(rand, CHANNELS);

      // ---- The history, in effective-date order (day indexes) -----------------------------------
      const ev: [string, number, string, number][] = []; // type, day, payload, actor
      ev.push(['REGISTER', recIdx, `{"channel":"${channel}","attachments":0}`, ag.cw]);
      let clockStart = recIdx; // the reply period runs from here (restarted by a correction)
      let stopped = 0; // working days the clock stood still (opinions, fees)
      let extension = 0; // working days added by an approved extension
      let concluded: number | null = null;
      let decision: string | null = null;
      let lastOpenStop: 'consultation' | 'fee' | null = null;
      let correctionDueIdx: number | null = null;
      let feeDueIdx: number | null = null;
      const opinionDue: Record<string, string> = {};
      const path = rand();
      const stuck = rand() < 0.004; // a small backlog never finished
      if (path < 0.03) {
        // withdrawn
        const d = days.addWorking(recIdx, R(1, 12));
        ev.push(['WITHDRAW', d, '{}', ag.cw]);
        concluded = d; decision = 'other.other';
      } else if (path < 0.05) {
        ev.push(['REPLY_ON_THE_SPOT', recIdx, draftPayload('disclose', received), ag.cw]);
        concluded = recIdx; decision = 'disclose';
      } else {
        let t = recIdx;
        if (rand() < 0.08) {
          const asked = days.addWorking(recIdx, R(1, 6));
          const period = rand() < 0.7 ? 10 : 15;
          ev.push(['REQUEST_CORRECTION', asked, `{"items":["请写明所需信息的名称、文号"],"periodWorkingDays":${period}}`, ag.cw]);
          correctionDueIdx = days.addWorking(asked, period);
          if (rand() < 0.75) {
            const got = days.addWorking(asked, R(1, period));
            ev.push(['CORRECTION_RECEIVED', got, '{}', ag.cw]);
            clockStart = got; t = got;
          } else {
            const lapsed = days.addWorking(days.addWorking(asked, period), R(1, 4));
            ev.push(['CORRECTION_LAPSED', lapsed, '{}', ag.cw]);
            concluded = lapsed; decision = 'other.correction_lapsed';
          }
        }
        if (concluded === null && rand() < 0.06) {
          const sent = days.addWorking(t, R(2, 8));
          const third = rand() < 0.8;
          opinionDue[`c${ev.length + 1}`] = days.dates[days.addWorking(sent, 15)]!;
          ev.push(['START_CONSULTATION', sent, `{"kind":"${third ? 'third_party' : 'agency'}","party":"${third ? '某置业有限公司' : '东江区住房保障局'}","consultationId":"c${ev.length + 1}"}`, ag.cw]);
          const wait = R(3, 15);
          const replied = days.addWorking(sent, wait);
          ev.push(['RECORD_OPINION', replied, rand() < 0.6 ? `{"consultationId":"c${ev.length}","opinion":"object","reasons":"涉及商业秘密"}` : `{"consultationId":"c${ev.length}","opinion":"consent"}`, ag.cw]);
          stopped += wait; t = replied; lastOpenStop = 'consultation';
        }
        if (concluded === null && rand() < 0.01) {
          const notice = days.addWorking(t, R(3, 10));
          ev.push(['ISSUE_FEE_NOTICE', notice, '{"basis":"per_page","pages":260,"amount":110}', ag.cw]);
          feeDueIdx = days.addWorking(notice, 20);
          const wait = R(3, 20);
          if (rand() < 0.8) {
            ev.push(['RECORD_PAYMENT', days.addWorking(notice, wait), '{}', ag.cw]);
            stopped += wait; t = days.addWorking(notice, wait); lastOpenStop = 'fee';
          } else {
            const lapsed = days.addWorking(notice, 21);
            ev.push(['FEE_LAPSED', lapsed, '{}', ag.cw]);
            concluded = lapsed; decision = 'other.fee_unpaid';
          }
        }
        if (concluded === null) {
          // Working days the reply takes from the clock start (waits for opinions or fees come on
          // top): mostly in time, some late.
          const speed = rand();
          let take = speed < 0.6 ? R(3, 14) : speed < 0.9 ? R(15, 20) : R(21, 34);
          if (rand() < 0.1) {
            const asked = Math.max(days.addWorking(clockStart, R(12, 19)), t);
            const approved = days.addWorking(asked, 1);
            ev.push(['REQUEST_EXTENSION', asked, '{"workingDays":20,"reason":"需要调取档案"}', ag.cw]);
            ev.push(['APPROVE_EXTENSION', approved, '{}', ag.appr]);
            extension = 20; take += R(5, 20); t = approved;
          }
          const issueDay = Math.max(days.addWorking(clockStart, take + stopped), days.addWorking(t, 1));
          const draftDay = Math.max(days.workdays[Math.max(days.cum[issueDay]! - 1 - R(0, 2), 0)]!, t);
          const chosen = pickWeighted(rand, DECISIONS);
          ev.push(['DRAFT_REPLY', draftDay, draftPayload(chosen, days.dates[draftDay]!), ag.cw]);
          ev.push(['SUBMIT_FOR_REVIEW', draftDay, '{}', ag.cw]);
          if (rand() < 0.1) {
            ev.push(['RETURN_FOR_REVISION', draftDay, '{"reason":"理由不充分"}', ag.rev]);
            ev.push(['DRAFT_REPLY', draftDay, draftPayload(chosen, days.dates[draftDay]!), ag.cw]);
            ev.push(['SUBMIT_FOR_REVIEW', draftDay, '{}', ag.cw]);
          }
          ev.push(['APPROVE_REVIEW', issueDay, '{"checklist":["已审查"]}', ag.rev]);
          ev.push(['ISSUE_REPLY', issueDay, '{}', ag.appr]);
          ev.push(['RECORD_DELIVERY', issueDay + R(1, 6), `{"method":"${channel === 'online' ? 'email' : 'mail'}"}`, ag.cw]);
          concluded = issueDay; decision = chosen;
        }
      }
      // Cut the history at today (and at a random point for the stuck backlog).
      let keep = ev.length;
      if (stuck) keep = Math.max(1, Math.min(keep - 1, R(1, 3)));
      while (keep > 1 && ev[keep - 1]![1] > todayIdx) keep--;
      const kept = ev.slice(0, keep);
      const concludingTypes = new Set(['ISSUE_REPLY', 'REPLY_ON_THE_SPOT', 'CORRECTION_LAPSED', 'FEE_LAPSED', 'WITHDRAW']);
      const concludedKept = kept.find(([type]) => concludingTypes.has(type));
      const last = kept[kept.length - 1]!;
      const baseDue = days.addWorking(clockStart, 20 + stopped + extension);
      const replyDue = days.dates[baseDue]!;
      // The machine judges the history as the event API would have, and writes the snapshot.
      const judged = judgeHistory(kept, {
        replyDue,
        correctionDue: correctionDueIdx === null ? null : days.dates[correctionDueIdx]!,
        feePaymentDue: feeDueIdx === null ? null : days.dates[feeDueIdx]!,
        consultationOpinionDue: opinionDue,
        awaitingDelivery: [],
      }, ag);
      const state = judged.state;
      decision = concludedKept ? judged.decision : null;
      if (!concludedKept) concluded = null;
      // A consultation or fee notice still open at today stops the clock: the cache is "as of today".
      const clockStopped = !concludedKept && (last[0] === 'START_CONSULTATION' || last[0] === 'ISSUE_FEE_NOTICE') && lastOpenStop !== null;

      const receivedIso = `${received}T02:${String(R(0, 59)).padStart(2, '0')}:00.000Z`;
      // The applicant as registration stores it (intake.ts), one of ~400,000 people and organisations.
      const who = R(0, 400_000);
      const person = category === 'natural_person';
      const name = person ? `${SURNAMES[who % SURNAMES.length]}某某` : `某${category === 'commercial' ? '置业有限公司' : category === 'legal_services' ? '律师事务所' : '研究院'}${who}`;
      const applicant: Applicant = person
        ? { kind: 'natural_person', name, idType: 'resident_id', idNumber: residentIdOf(who), phone: '13812345678', address: `东江区某路${who % 999 + 1}号`, postcode: null, email: null }
        : { kind: 'organisation', name, category: category as OrganisationCategory, creditCode: creditCodeOf(who), legalRepresentative: null, contactPerson: '张某', phone: '0760-22223333', address: `东江区某路${who % 999 + 1}号`, email: null };
      const subject = SUBJECTS[R(0, SUBJECTS.length - 1)]!;
      const description = `申请公开${subject}（${received.slice(0, 4)}年）。`;
      const requestDetails: RequestDetails = { description, documentTitle: null, documentNumber: null, purpose: null, delivery: channel === 'online' ? 'email' : 'paper' };
      const dec = decision;
      await writer.push(APPLICATIONS, [
        id, ag.id, `${ag.code}-${year}-${String(caseSeq).padStart(4, '0')}`, year, caseSeq, state, kept.length,
        APPLICATION_MACHINE_VERSION, judged.snapshot, channel, received,
        applicant.kind, category,
        name, applicantKey(applicant), JSON.stringify(applicant), JSON.stringify(requestDetails), description, dec,
        replyDue, days.dates[days.addWorking(recIdx, 7)]!, clockStopped, clockStopped ? opts.today : null, ag.cw,
        receivedIso, `${days.dates[last[1]]!}T08:00:00.000Z`, concludedKept ? days.dates[concludedKept[1]]! : null,
      ]);
      // Each case's history is its own hash chain (db/history-hash.ts), computed as the app would.
      let prevHash = GENESIS;
      for (let s = 0; s < kept.length; s++) {
        const [type, day, , actorId] = kept[s]!;
        const payload = judged.payloads[s]!;
        const role = actorId === ag.appr ? 'approver' : actorId === ag.rev ? 'reviewer' : 'caseworker';
        const event = { application_id: id, seq: s + 1, type, effective_date: days.dates[day]!, payload, actor_id: actorId, actor_role: role, recorded_at: `${days.dates[day]!}T03:00:00.000Z` };
        const hash = chainHash('application_events', prevHash, event);
        await writer.push(EVENTS, [...Object.values(event), prevHash, hash]);
        prevHash = hash;
      }
      eventCount += kept.length;

      // ---- Appeals: refusals are sometimes taken further -----------------------------------------
      if (concludedKept && dec && !dec.startsWith('disclose') && !dec.startsWith('other.') && rand() < 0.07) {
        const concludedIdx = concludedKept[1];
        const direct = rand() < 0.2;
        const recv = concludedIdx + R(10, 55);
        if (recv <= todayIdx) {
          const decidedIdx = recv + R(30, 90);
          const decided = decidedIdx <= todayIdx;
          const outcome = decided ? pickWeighted(rand, [['upheld', 70], ['corrected', 22], ['other', 8]] as const) : null;
          const type = outcome === 'upheld' ? (direct ? '驳回诉讼请求' : '维持') : outcome === 'corrected' ? pickWeighted(rand, [['确认违法', 50], ['撤销', 30], ['责令履行', 20]] as const) : outcome ? '和解' : null;
          const first = ++appealId;
          const kind = direct ? 'litigation' : 'reconsideration';
          await writer.push(APPEALS, appealRow(first, id, ag.id, kind, direct ? 'first_instance' : 'ordinary', recv, decided ? decidedIdx : null, outcome, type, null));
          // An upheld reconsideration is sometimes followed by a suit.
          if (!direct && outcome === 'upheld' && rand() < 0.25) {
            const recv2 = decidedIdx + R(5, 14);
            if (recv2 <= todayIdx) {
              const decided2 = recv2 + R(60, 150);
              const outcome2 = decided2 <= todayIdx ? pickWeighted(rand, [['upheld', 80], ['corrected', 15], ['other', 5]] as const) : null;
              const type2 = outcome2 === 'upheld' ? '驳回诉讼请求' : outcome2 === 'corrected' ? '撤销' : outcome2 ? '撤回' : null;
              await writer.push(APPEALS, appealRow(++appealId, id, ag.id, 'litigation', 'first_instance', recv2, decided2 <= todayIdx ? decided2 : null, outcome2, type2, first));
            }
          }
        }
      }

      if (++inChunk >= CHUNK) {
        await writer.flush(APPLICATIONS); await writer.flush(EVENTS); await writer.flush(APPEALS);
        await writer.commit();
        opts.onProgress?.(made + 1, opts.n);
        await writer.begin();
        inChunk = 0;
      }
    }
  }
  await writer.flush(APPLICATIONS); await writer.flush(EVENTS); await writer.flush(APPEALS);
  await writer.commit();
  await writer.close();
  opts.onProgress?.(made, opts.n);
  // The case-number counters, as the registrations left them: the next registration goes on from there.
  const counters = [...seqs].map(([key, last]) => ({ key, last }));
  for (let i = 0; i < counters.length; i += 200) await db('counters').insert(counters.slice(i, i + 200));
  if (db.client.config.client === 'pg') {
    for (const t of ['applications', 'application_events', 'appeals']) {
      await db.raw(`SELECT setval(pg_get_serial_sequence('${t}', 'id'), GREATEST((SELECT MAX(id) FROM ${t}), 1))`);
    }
  }
  return { applications: appId, events: eventCount, appeals: appealId, agencies: codes.length, rootCode: 'DJQ', managerUsername: 'mgr', sampleAgencyCode: 'D01' };

  function appealRow(aid: number, appIdRef: number, agencyId: number, kind: string, procedure: string, recvIdx: number, decidedIdx: number | null, outcome: string | null, decisionType: string | null, after: number | null): unknown[] {
    const recv = days.dates[recvIdx]!;
    const decided = decidedIdx === null ? null : days.dates[decidedIdx]!;
    const state = decided ? (decidedIdx! + 30 <= todayIdx ? 'closed' : 'decided') : recvIdx + 15 <= todayIdx ? 'answer_submitted' : 'received';
    return [
      aid, appIdRef, agencyId, kind, procedure, procedure === 'simplified', kind === 'reconsideration' ? '东江区人民政府' : '东江区人民法院',
      `${kind === 'reconsideration' ? '东府复' : '（' + recv.slice(0, 4) + '）沪0115行初'}${aid}号`, recv, kind === 'reconsideration' ? recv : null, kind === 'litigation' ? recv : null, after,
      '请求撤销被申请人作出的政府信息公开答复', state, decided ? 4 : 2, 1, `{"value":"${state}"}`, outcome, decisionType, decided,
      days.dates[days.addWorking(recvIdx, 10)]!, days.dates[Math.min(recvIdx + 60, days.dates.length - 1)]!, legalId, `${recv}T04:00:00.000Z`, `${decided ?? recv}T04:00:00.000Z`,
    ];
  }
}

/** A valid 居民身份证号码 and 统一社会信用代码, one per seeded applicant number. */
const residentIdOf = (n: number) => { const first = `310115198${String(n % 10)}0${String(1 + (n % 9))}1${String(n).padStart(6, '0').slice(-6)}`.slice(0, 17); return first + residentIdCheckChar(first); };
const creditCodeOf = (n: number) => { const first = `91310115MA1${String(n).padStart(6, '0')}`.slice(0, 17); return first + creditCodeCheckChar(first); };

const DRAFT_REASONS = '经审查，根据条例有关规定';

/** A DRAFT_REPLY / REPLY_ON_THE_SPOT payload as the event API takes it: the decision with its facts. */
function draftPayload(decision: string, date: string): string {
  return JSON.stringify({ decision, reasons: DRAFT_REASONS, ...replyFacts(decision, date) });
}

type SeedEvent = [string, number, string, number];
const ROLE_OF = (actorId: number, ag: { rev: number; appr: number }) => (actorId === ag.appr ? 'approver' : actorId === ag.rev ? 'reviewer' : 'caseworker');

/**
 * The history judged by the application machine from a new application's snapshot, as the use case
 * would (the registration is no machine event). A draft whose decision the machine refuses for this
 * case falls back to disclosure; any other refusal is a bug of the seeder and stops it.
 */
function judgeHistory(events: readonly SeedEvent[], facts: Facts, ag: { rev: number; appr: number }): { snapshot: string; state: string; decision: string | null; payloads: string[] } {
  let snapshot = initialApplicationSnapshot();
  const payloads: string[] = [];
  let fallback: string | null = null;
  for (const [type, day, payload, actorId] of events) {
    if (type === 'REGISTER') { payloads.push(payload); continue; }
    const date = dayDates[day]!;
    const event = (body: string) => ({ ...JSON.parse(body), type, date, actor: { id: actorId, role: ROLE_OF(actorId, ag) }, facts }) as unknown as ApplicationEvent;
    let body = type === 'DRAFT_REPLY' && fallback ? fallback : payload;
    let verdict = judgeEvent(snapshot, event(body));
    if (!verdict.ok && (type === 'DRAFT_REPLY' || type === 'REPLY_ON_THE_SPOT')) {
      body = fallback = draftPayload('disclose', date);
      verdict = judgeEvent(snapshot, event(body));
    }
    if (!verdict.ok) throw new Error(`seeder: the machine refuses ${type} on ${date} (${verdict.code}: ${verdict.message}) after ${events.slice(0, payloads.length).map((e) => e[0]).join(', ')}`);
    snapshot = verdict.snapshot;
    payloads.push(body);
  }
  return { snapshot: JSON.stringify(snapshot), state: stateOf(snapshot), decision: snapshot.context.decision ?? null, payloads };
}

/** The benchmark's day table's dates (set by seedBenchData before judging). */
let dayDates: string[] = [];
