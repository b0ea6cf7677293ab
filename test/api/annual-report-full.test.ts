import assert from 'node:assert/strict';
import request from 'supertest';
import { applicationBody, createTestEnv, creditCode, type TestEnv } from '../helpers/test-app.js';
import { serveNotice } from '../helpers/notices.js';
import { replyFacts } from '../helpers/replies.js';
import { fixedClock } from '../../server/time.js';
import { DECISION_CODES } from '../../workflows/decisions.js';

// Every row and every column of tables 三 and 四 for 2025 at GHZY, from one small mixed dataset, against
// figures counted by hand (issue 6). Categories go round in column order, one application per decision:
//
//   k  decision                            category        received     concluded
//   0  disclose                            natural person  2024-12-16   2025-01-06   ← carried in
//   1  partial                             commercial      2024-12-17   2025-01-07   ← carried in
//   2  withhold.state_secret               research        2024-12-18   2025-01-08   ← carried in
//   3  withhold.law_prohibited             social welfare  2024-12-19   2025-01-09   ← carried in
//   4  withhold.security_stability         legal services  2024-12-20   2025-01-10   ← carried in
//   5  withhold.third_party                other org       2024-12-23   2025-02-10   ← carried in (third party objected)
//   6  withhold.internal_affairs           natural person  2025-03-03   2025-03-10
//   7  withhold.process_info               commercial      2025-03-04   2025-03-11
//   8  withhold.enforcement_file           research        2025-03-05   2025-03-12
//   9  withhold.inquiry                    social welfare  2025-03-06   2025-03-13
//  10  unavailable.not_held                legal services  2025-04-01   2025-04-08
//  11  unavailable.needs_creation          other org       2025-04-02   2025-04-09
//  12  unavailable.unclear                 natural person  2025-04-03   2025-04-10
//  13  not_processed.petition              commercial      2025-05-06   2025-05-13
//  14  not_processed.repeat                research        2025-05-07   2025-05-14
//  15  not_processed.publication           social welfare  2025-05-08   2025-05-15
//  16  not_processed.excessive             legal services  2025-06-02   2025-06-09
//  17  not_processed.confirm_or_reissue    other org       2025-06-03   2025-06-10
//  18  other.correction_lapsed             natural person  2025-07-01   2025-08-01 (correction asked 07-02)
//  19  other.fee_unpaid                    commercial      2025-08-01   2025-10-15 (fee notice 08-04)
//  20  other.other (withdrawn)             research        2025-09-01   2025-09-05
// Besides:
//   X1–X3  natural person, 2025, disclosed (X3 on the spot)              → new + disclose
//   O0–O5  one per category, received 2025-12-15…, open at the year end → new + carried out
//          (O0 disclosed 2026-01-12: counted in 2026, still carried out of 2025)
//   P      received and disclosed in 2024; N received 2026               → not in 2025 at all
describe('annual report 2025: every row and column of tables 三 and 四 (hand-counted)', function () {
  this.timeout(120_000);
  let env: TestEnv;
  const tokens: Record<string, string> = {};
  const auth = (who: string) => ({ Authorization: `Bearer ${tokens[who]}` });
  const CATEGORIES = ['natural_person', 'commercial', 'research', 'social_welfare', 'legal_services', 'other_org'] as const;
  const send = async (id: number, who: string, body: object) => {
    const r = await request(env.app).post(`/api/applications/${id}/events`).set(auth(who)).send(body);
    assert.equal(r.status, 200, `${JSON.stringify(body)} → ${JSON.stringify(r.body)}`);
  };
  const applicantOf = (category: (typeof CATEGORIES)[number], n: number) =>
    category === 'natural_person'
      ? undefined
      : { kind: 'organisation', name: `某${category}单位${n}`, category, creditCode: creditCode(`91310115MA1FL${String(1000 + n)}`) };
  const register = async (receivedDate: string, category: (typeof CATEGORIES)[number], n: number, extra: object = {}) => {
    const applicant = applicantOf(category, n);
    const r = await request(env.app).post('/api/applications').set(auth('cw')).send(applicationBody({ receivedDate, ...(applicant ? { applicant } : {}), ...extra }));
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body.id as number;
  };
  const reply = async (id: number, date: string, decision: string, extra: object = {}) => {
    await send(id, 'cw', { type: 'DRAFT_REPLY', date, decision, ...replyFacts(decision, date), ...extra });
    await send(id, 'cw', { type: 'SUBMIT_FOR_REVIEW', date });
    await send(id, 'rev', { type: 'APPROVE_REVIEW', date });
    await send(id, 'appr', { type: 'ISSUE_REPLY', date });
  };
  const appIds: number[] = [];
  const appeal = async (appId: number, kind: string, receivedDate: string, decision?: { date: string; type: string; outcome: string }, after?: number) => {
    const r = await request(env.app).post(`/api/applications/${appId}/appeals`).set(auth('legal')).send({
      kind, procedure: kind === 'reconsideration' ? 'simplified' : 'first_instance', body: kind === 'reconsideration' ? '东江区人民政府' : '东江区人民法院',
      externalCaseNumber: `${kind}-${appId}-${receivedDate}`, receivedDate, ...(after ? { afterReconsideration: after } : {}),
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    const ev = async (body: object) => {
      const res = await request(env.app).post(`/api/appeals/${r.body.id}/events`).set(auth('legal')).send(body);
      assert.equal(res.status, 200, `${JSON.stringify(body)} → ${JSON.stringify(res.body)}`);
    };
    await ev({ type: 'SUBMIT_ANSWER', date: receivedDate });
    if (decision) await ev({ type: 'RECORD_DECISION', date: decision.date, outcome: decision.outcome, decisionType: decision.type, summary: '理由' });
    return r.body.id as number;
  };

  before(async () => {
    env = await createTestEnv({ today: '2026-11-20' });
    env.ctx.clock = fixedClock('2026-11-20');
    for (const u of ['cw', 'rev', 'appr', 'mgr', 'legal']) tokens[u] = await env.token(u);
    const received = [
      '2024-12-16', '2024-12-17', '2024-12-18', '2024-12-19', '2024-12-20', '2024-12-23',
      '2025-03-03', '2025-03-04', '2025-03-05', '2025-03-06', '2025-04-01', '2025-04-02', '2025-04-03',
      '2025-05-06', '2025-05-07', '2025-05-08', '2025-06-02', '2025-06-03', '2025-07-01', '2025-08-01', '2025-09-01',
    ];
    const concluded = [
      '2025-01-06', '2025-01-07', '2025-01-08', '2025-01-09', '2025-01-10', '2025-02-10',
      '2025-03-10', '2025-03-11', '2025-03-12', '2025-03-13', '2025-04-08', '2025-04-09', '2025-04-10',
      '2025-05-13', '2025-05-14', '2025-05-15', '2025-06-09', '2025-06-10',
    ];
    for (let k = 0; k < DECISION_CODES.length; k++) {
      const id = await register(received[k]!, CATEGORIES[k % 6]!, k);
      appIds.push(id);
      const decision = DECISION_CODES[k]!;
      if (decision === 'withhold.third_party') {
        await send(id, 'cw', { type: 'START_CONSULTATION', date: '2025-01-06', kind: 'third_party', party: '某开发公司' });
        const view = (await request(env.app).get(`/api/applications/${id}`).set(auth('cw'))).body;
        await send(id, 'cw', { type: 'RECORD_OPINION', date: '2025-01-20', consultationId: view.consultations[0].id, opinion: 'object', reasons: '涉及商业秘密' });
        await reply(id, concluded[k]!, decision, { thirdParty: { consultationId: view.consultations[0].id, publicInterest: '不公开不会对公共利益造成重大影响' } });
      } else if (decision === 'unavailable.unclear') {
        // Art. 30: still unclear after the one-time correction.
        await send(id, 'cw', { type: 'REQUEST_CORRECTION', date: received[k]!, items: ['请写明文件名称'], periodWorkingDays: 10 });
        await send(id, 'cw', { type: 'CORRECTION_RECEIVED', date: received[k]! });
        await reply(id, concluded[k]!, decision);
      } else if (decision === 'not_processed.excessive') {
        // Art. 35: reasons asked first.
        await send(id, 'cw', { type: 'REQUEST_REASONS', date: received[k]! });
        await reply(id, concluded[k]!, decision, { excessive: { count: 12, period: { from: '2025-05-01', to: received[k]! }, applicantAnswer: '申请人逾期未说明理由' } });
      } else if (decision === 'other.correction_lapsed') {
        await send(id, 'cw', { type: 'REQUEST_CORRECTION', date: '2025-07-02', items: ['请写明文件名称'], periodWorkingDays: 10 });
        await serveNotice(env.app, tokens.cw!, id, 'correction_notice', '2025-07-02', '2025-07-04');
        await send(id, 'cw', { type: 'CORRECTION_LAPSED', date: '2025-08-01' });
      } else if (decision === 'other.fee_unpaid') {
        // 120 pages: 70 × 10 元 + 20 × 20 元 (domain.md §4).
        await send(id, 'cw', { type: 'ISSUE_FEE_NOTICE', date: '2025-08-04', basis: 'per_page', pages: 120, amount: 1100 });
        await serveNotice(env.app, tokens.cw!, id, 'fee_notice', '2025-08-04', '2025-08-06');
        await send(id, 'cw', { type: 'FEE_LAPSED', date: '2025-10-15' });
      } else if (decision === 'other.other') {
        await send(id, 'cw', { type: 'WITHDRAW', date: '2025-09-05' });
      } else {
        await reply(id, concluded[k]!, decision);
      }
    }
    for (const [i, day] of ['2025-02-03', '2025-02-04'].entries()) await reply(await register(day, 'natural_person', 100 + i), '2025-02-14', 'disclose');
    await send(await register('2025-02-05', 'natural_person', 102, { channel: 'in_person' }), 'cw', { type: 'REPLY_ON_THE_SPOT', date: '2025-02-05', decision: 'disclose', ...replyFacts('disclose') });
    const open: number[] = [];
    for (const [i, category] of CATEGORIES.entries()) open.push(await register(`2025-12-${15 + i}`, category, 200 + i));
    await reply(open[0]!, '2026-01-12', 'disclose');
    const p = await register('2024-11-04', 'commercial', 300);
    await reply(p, '2024-11-20', 'disclose');
    await register('2026-02-02', 'research', 301);

    // Table 四, received in 2025 unless said: reconsiderations on k = 6, 7, 8, 9 (upheld, corrected,
    // other, pending at the year end); direct suits on k = 10, 11, 12, 13; suits after the
    // reconsiderations of k = 14, 15, 16, 17; one more reconsideration on k = 0, upheld. Not counted:
    // P's reconsideration, received in 2024 and decided in 2025.
    const upheld = { type: '维持', outcome: 'upheld' };
    const judgmentUpheld = { type: '驳回诉讼请求', outcome: 'upheld' };
    const corrected = { type: '确认违法', outcome: 'corrected' };
    const other = { type: '撤回', outcome: 'other' };
    await appeal(appIds[6]!, 'reconsideration', '2025-04-01', { date: '2025-05-20', ...upheld });
    await appeal(appIds[7]!, 'reconsideration', '2025-04-01', { date: '2025-05-20', ...corrected });
    await appeal(appIds[8]!, 'reconsideration', '2025-04-01', { date: '2025-05-20', ...other });
    await appeal(appIds[9]!, 'reconsideration', '2025-12-01', { date: '2026-01-20', ...upheld });
    await appeal(appIds[10]!, 'litigation', '2025-06-02', { date: '2025-09-01', ...judgmentUpheld });
    await appeal(appIds[11]!, 'litigation', '2025-06-02', { date: '2025-09-01', ...corrected });
    await appeal(appIds[12]!, 'litigation', '2025-06-02', { date: '2025-09-01', ...other });
    await appeal(appIds[13]!, 'litigation', '2025-06-02');
    for (const [i, k] of [14, 15, 16, 17].entries()) {
      const recon = await appeal(appIds[k]!, 'reconsideration', '2025-06-03', { date: '2025-07-01', ...upheld });
      await appeal(appIds[k]!, 'litigation', '2025-07-15', i < 3 ? { date: '2025-10-10', ...[judgmentUpheld, corrected, other][i]! } : undefined, recon);
    }
    await appeal(appIds[0]!, 'reconsideration', '2025-01-20', { date: '2025-02-20', ...upheld });
    await appeal(p, 'reconsideration', '2024-12-02', { date: '2025-01-15', ...corrected });
  });
  after(async () => env.close());

  it('table 三 has every row and column as counted by hand, and balances', async () => {
    const res = await request(env.app).get('/api/reports/annual?year=2025&agency=GHZY').set(auth('mgr'));
    assert.equal(res.status, 200, JSON.stringify(res.body));
    //                                     自然人 商业 科研 公益 法律 其他
    const expected: Record<string, number[]> = {
      new:                                  [7,   4,   4,   3,   3,   3],
      carried_in:                           [1,   1,   1,   1,   1,   1],
      disclose:                             [4,   0,   0,   0,   0,   0],
      partial:                              [0,   1,   0,   0,   0,   0],
      'withhold.state_secret':              [0,   0,   1,   0,   0,   0],
      'withhold.law_prohibited':            [0,   0,   0,   1,   0,   0],
      'withhold.security_stability':        [0,   0,   0,   0,   1,   0],
      'withhold.third_party':               [0,   0,   0,   0,   0,   1],
      'withhold.internal_affairs':          [1,   0,   0,   0,   0,   0],
      'withhold.process_info':              [0,   1,   0,   0,   0,   0],
      'withhold.enforcement_file':          [0,   0,   1,   0,   0,   0],
      'withhold.inquiry':                   [0,   0,   0,   1,   0,   0],
      'unavailable.not_held':               [0,   0,   0,   0,   1,   0],
      'unavailable.needs_creation':         [0,   0,   0,   0,   0,   1],
      'unavailable.unclear':                [1,   0,   0,   0,   0,   0],
      'not_processed.petition':             [0,   1,   0,   0,   0,   0],
      'not_processed.repeat':               [0,   0,   1,   0,   0,   0],
      'not_processed.publication':          [0,   0,   0,   1,   0,   0],
      'not_processed.excessive':            [0,   0,   0,   0,   1,   0],
      'not_processed.confirm_or_reissue':   [0,   0,   0,   0,   0,   1],
      'other.correction_lapsed':            [1,   0,   0,   0,   0,   0],
      'other.fee_unpaid':                   [0,   1,   0,   0,   0,   0],
      'other.other':                        [0,   0,   1,   0,   0,   0],
      total:                                [7,   4,   4,   3,   3,   3],
      carried_out:                          [1,   1,   1,   1,   1,   1],
    };
    const rows = res.body.table3.rows;
    assert.deepEqual(Object.keys(rows).sort(), Object.keys(expected).sort());
    for (const [row, figures] of Object.entries(expected)) {
      const want = Object.fromEntries([...CATEGORIES.map((c, i) => [c, figures[i]]), ['total', figures.reduce((a, b) => a + b, 0)]]);
      assert.deepEqual(rows[row], want, row);
    }
    assert.deepEqual(res.body.balance, { ok: true, failures: [] });
    // Every column of every line is exercised: each row and each column has a non-zero figure.
    for (const [row, figures] of Object.entries(expected)) assert.ok(figures.some((n) => n > 0), row);
    for (let c = 0; c < 6; c++) assert.ok(DECISION_CODES.filter((d) => expected[d]![c]! > 0).length >= 3, CATEGORIES[c]);
  });

  it('table 四 has every line and column as counted by hand', async () => {
    const { table4 } = (await request(env.app).get('/api/reports/annual?year=2025&agency=GHZY').set(auth('mgr'))).body;
    assert.deepEqual(table4, {
      // k=6 upheld, k=7 corrected, k=8 other, k=9 pending; k=0 (decided in 2025, received 2025) upheld;
      // the four reconsiderations before the suits on k=14–17, all upheld.
      reconsideration: { upheld: 6, corrected: 1, other: 1, pending: 1, total: 9 },
      litigation_direct: { upheld: 1, corrected: 1, other: 1, pending: 1, total: 4 },
      litigation_after_reconsideration: { upheld: 1, corrected: 1, other: 1, pending: 1, total: 4 },
    });
  });

  it('the year before and the year after carry the same cases across', async () => {
    const y2024 = (await request(env.app).get('/api/reports/annual?year=2024&agency=GHZY').set(auth('mgr'))).body.table3.rows;
    assert.deepEqual(CATEGORIES.map((c) => y2024.carried_out[c]), [1, 1, 1, 1, 1, 1], 'carried out of 2024 = carried into 2025');
    assert.equal(y2024.new.total, 7, 'k = 0–5 and P');
    assert.equal(y2024.disclose.commercial, 1, 'P');
    const y2026 = (await request(env.app).get('/api/reports/annual?year=2026&agency=GHZY').set(auth('mgr'))).body;
    assert.deepEqual(CATEGORIES.map((c) => y2026.table3.rows.carried_in[c]), [1, 1, 1, 1, 1, 1], 'carried out of 2025 = carried into 2026');
    assert.deepEqual(y2026.table3.rows.disclose.natural_person, 1, 'O0');
    assert.equal(y2026.table3.rows.new.total, 1, 'N');
    assert.equal(y2026.table3.rows.carried_out.total, 6, 'O1–O5 and N');
    assert.equal(y2026.balance.ok, true);
  });

  it('every figure links to exactly the cases behind it', async () => {
    const report = (await request(env.app).get('/api/reports/annual?year=2025&agency=GHZY').set(auth('mgr'))).body;
    // The loops below walk the report's own rows and columns: make sure there are some to walk.
    assert.equal(Object.keys(report.table3.rows).length, 25, 'table 三 has its 25 lines');
    assert.equal(report.table3.columns.length, 7, 'six applicant columns and 总计');
    assert.deepEqual(Object.keys(report.table4).sort(), ['litigation_after_reconsideration', 'litigation_direct', 'reconsideration']);
    let checked = 0;
    for (const row of Object.keys(report.table3.rows)) {
      for (const column of report.table3.columns as string[]) {
        const figure = report.table3.rows[row][column];
        if (figure === 0 && column !== 'total') continue;
        checked++;
        const cell = await request(env.app).get(`/api/reports/annual/cell?year=2025&agency=GHZY&table=3&row=${row}&column=${column}`).set(auth('mgr'));
        assert.equal(cell.status, 200, JSON.stringify(cell.body));
        assert.equal(cell.body.count, figure, `${row}/${column}`);
      }
    }
    for (const row of Object.keys(report.table4)) {
      for (const column of ['upheld', 'corrected', 'other', 'pending', 'total']) {
        const cell = await request(env.app).get(`/api/reports/annual/cell?year=2025&agency=GHZY&table=4&row=${row}&column=${column}`).set(auth('mgr'));
        assert.equal(cell.status, 200, JSON.stringify(cell.body));
        assert.equal(cell.body.count, report.table4[row][column], `${row}/${column}`);
      }
    }
    assert.ok(checked > 50, `${checked} figures of table 三 checked`);
  });
});
