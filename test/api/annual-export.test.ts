import assert from 'node:assert/strict';
import request from 'supertest';
import ExcelJS from 'exceljs';
import { applicationBody, arrayBufferOf, binary, createTestEnv, creditCode, PASSWORD, type TestEnv } from '../helpers/test-app.js';
import { replyFacts } from '../helpers/replies.js';
import { parseCsv } from '../helpers/csv.js';
import { csrfOf, loginAgent } from '../helpers/test-app.js';
import { compactText, requireTools } from '../pdf/pdf-helpers.js';

// Issue 6, annual report: the XLSX, CSV and PDF exports of tables 三 and 四, the page with its
// merged headers and balance check, the lists behind each figure, and locking through the page.

const COLUMNS = ['natural_person', 'commercial', 'research', 'social_welfare', 'legal_services', 'other_org', 'total'];
const OUTCOMES = ['upheld', 'corrected', 'other', 'pending', 'total'];
const KINDS = ['reconsideration', 'litigation_direct', 'litigation_after_reconsideration'];

// The rows of table 三 with their labels verbatim from the official format (国办公开办函〔2021〕30号),
// written out here independently of the code: [row key, section, group, label].
const LINES: [string, string | null, string | null, string][] = [
  ['new', null, null, '一、本年新收政府信息公开申请数量'],
  ['carried_in', null, null, '二、上年结转政府信息公开申请数量'],
  ['disclose', '三、本年度办理结果', null, '（一）予以公开'],
  ['partial', '三、本年度办理结果', null, '（二）部分公开（区分处理的，只计这一情形，不计其他情形）'],
  ['withhold.state_secret', '三、本年度办理结果', '（三）不予公开', '1.属于国家秘密'],
  ['withhold.law_prohibited', '三、本年度办理结果', '（三）不予公开', '2.其他法律行政法规禁止公开'],
  ['withhold.security_stability', '三、本年度办理结果', '（三）不予公开', '3.危及“三安全一稳定”'],
  ['withhold.third_party', '三、本年度办理结果', '（三）不予公开', '4.保护第三方合法权益'],
  ['withhold.internal_affairs', '三、本年度办理结果', '（三）不予公开', '5.属于三类内部事务信息'],
  ['withhold.process_info', '三、本年度办理结果', '（三）不予公开', '6.属于四类过程性信息'],
  ['withhold.enforcement_file', '三、本年度办理结果', '（三）不予公开', '7.属于行政执法案卷'],
  ['withhold.inquiry', '三、本年度办理结果', '（三）不予公开', '8.属于行政查询事项'],
  ['unavailable.not_held', '三、本年度办理结果', '（四）无法提供', '1.本机关不掌握相关政府信息'],
  ['unavailable.needs_creation', '三、本年度办理结果', '（四）无法提供', '2.没有现成信息需要另行制作'],
  ['unavailable.unclear', '三、本年度办理结果', '（四）无法提供', '3.补正后申请内容仍不明确'],
  ['not_processed.petition', '三、本年度办理结果', '（五）不予处理', '1.信访举报投诉类申请'],
  ['not_processed.repeat', '三、本年度办理结果', '（五）不予处理', '2.重复申请'],
  ['not_processed.publication', '三、本年度办理结果', '（五）不予处理', '3.要求提供公开出版物'],
  ['not_processed.excessive', '三、本年度办理结果', '（五）不予处理', '4.无正当理由大量反复申请'],
  ['not_processed.confirm_or_reissue', '三、本年度办理结果', '（五）不予处理', '5.要求行政机关确认或重新出具已获取信息'],
  ['other.correction_lapsed', '三、本年度办理结果', '（六）其他处理', '1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请'],
  ['other.fee_unpaid', '三、本年度办理结果', '（六）其他处理', '2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请'],
  ['other.other', '三、本年度办理结果', '（六）其他处理', '3.其他'],
  ['total', '三、本年度办理结果', null, '（七）总计'],
  ['carried_out', null, null, '四、结转下年度继续办理'],
];
const path = ([, section, group, label]: (typeof LINES)[number]) => [section, group, label].filter(Boolean).join(' ');


describe('annual report exports, page, cell lists and locking (issue 6)', function () {
  this.timeout(120_000);
  let env: TestEnv;
  const tokens: Record<string, string> = {};
  const cases: Record<string, { id: number; caseNumber: string }> = {};
  const auth = (who: string) => ({ Authorization: `Bearer ${tokens[who]}` });
  const send = (id: number, who: string, body: object) => request(env.app).post(`/api/applications/${id}/events`).set(auth(who)).send(body);
  const org = (category: string, code17: string) => ({ kind: 'organisation', name: `某${category}单位`, category, creditCode: creditCode(code17) });
  const register = async (name: string, receivedDate: string, applicant?: object, who = 'cw') => {
    const res = await request(env.app).post('/api/applications').set(auth(who)).send(applicationBody({ receivedDate, ...(applicant ? { applicant } : {}) }));
    assert.equal(res.status, 201, JSON.stringify(res.body));
    cases[name] = { id: res.body.id, caseNumber: res.body.caseNumber };
    return res.body.id as number;
  };
  const reply = async (id: number, date: string, decision: string, extra: object = {}, staff = ['cw', 'rev', 'appr']) => {
    const [cw, rev, appr] = staff as [string, string, string];
    assert.equal((await send(id, cw, { type: 'DRAFT_REPLY', date, decision, ...replyFacts(decision, date), ...extra })).status, 200);
    assert.equal((await send(id, cw, { type: 'SUBMIT_FOR_REVIEW', date })).status, 200);
    assert.equal((await send(id, rev, { type: 'APPROVE_REVIEW', date })).status, 200);
    const r = await send(id, appr, { type: 'ISSUE_REPLY', date });
    assert.equal(r.status, 200, JSON.stringify(r.body));
  };
  const appeal = async (appId: number, body: object) => {
    const res = await request(env.app).post(`/api/applications/${appId}/appeals`).set(auth('legal')).send(body);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.id as number;
  };
  const appealEvent = async (id: number, body: object) => {
    const res = await request(env.app).post(`/api/appeals/${id}/events`).set(auth('legal')).send(body);
    assert.equal(res.status, 200, JSON.stringify(res.body));
  };
  const json = async (q: string) => {
    const res = await request(env.app).get(`/api/reports/annual?${q}`).set(auth('mgr'));
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body;
  };
  const download = (url: string, who = 'mgr') => request(env.app).get(url).set(auth(who)).buffer(true).parse(binary);
  const login = (username: string) => loginAgent(env.app, username);

  before(async () => {
    env = await createTestEnv({ today: '2026-11-20' });
    for (const u of ['cw', 'rev', 'appr', 'cw2', 'rev2', 'appr2', 'mgr', 'legal']) tokens[u] = await env.token(u);
    // GHZY — every applicant column used; carried in and out; several decisions:
    //  I natural person, received 2025-11-03, still open        → 2026 carried_in + carried_out
    //  A commercial,     received 2025-12-22, disclosed 2026-01-12 → 2026 carried_in, disclose
    //  G social welfare, received 2026-02-02, not held 2026-02-20  → new, unavailable.not_held
    //  B natural person, received 2026-03-02, withdrawn 2026-03-05 → new, other.other
    //  K natural person, received 2026-04-01, disclosed 2026-04-15 → new, disclose
    //  D legal services, received 2026-05-04, partial 2026-05-20   → new, partial
    //  E research,       received 2026-06-01, process info 2026-06-15 → new, withhold.process_info
    //  H other org,      received 2026-07-01, repeat 2026-07-10     → new, not_processed.repeat
    //  C natural person, received 2026-11-02, still open           → new, carried_out
    // JSJT: F natural person, received 2026-04-01, disclosed 2026-04-10 (only with the agencies below DJQ).
    const i = await register('I', '2025-11-03');
    const a = await register('A', '2025-12-22', org('commercial', '91310115MA1FL0A1B'));
    await reply(a, '2026-01-12', 'disclose');
    const g = await register('G', '2026-02-02', org('social_welfare', '53310000MJ0000001'));
    await reply(g, '2026-02-20', 'unavailable.not_held');
    const b = await register('B', '2026-03-02');
    assert.equal((await send(b, 'cw', { type: 'WITHDRAW', date: '2026-03-05' })).status, 200);
    const k = await register('K', '2026-04-01');
    await reply(k, '2026-04-15', 'disclose');
    const d = await register('D', '2026-05-04', org('legal_services', '31310000425012345'));
    await reply(d, '2026-05-20', 'partial');
    const e = await register('E', '2026-06-01', org('research', '12310115425001234'));
    await reply(e, '2026-06-15', 'withhold.process_info');
    const h = await register('H', '2026-07-01', org('other_org', '59310000MJ0000002'));
    await reply(h, '2026-07-10', 'not_processed.repeat');
    await register('C', '2026-11-02');
    const f = await register('F', '2026-04-01', undefined, 'cw2');
    await reply(f, '2026-04-10', 'disclose', {}, ['cw2', 'rev2', 'appr2']);
    void i;
    // Table 四: reconsideration on K upheld, then a suit after it (pending); reconsideration on E
    // corrected; a direct suit on D (pending).
    const rk = await appeal(k, { kind: 'reconsideration', procedure: 'simplified', body: '东江区人民政府', externalCaseNumber: '东府复〔2026〕1号', receivedDate: '2026-05-06' });
    await appealEvent(rk, { type: 'SUBMIT_ANSWER', date: '2026-05-08' });
    await appealEvent(rk, { type: 'RECORD_DECISION', date: '2026-06-01', outcome: 'upheld', decisionType: '维持', summary: '答复正确' });
    await appeal(k, { kind: 'litigation', procedure: 'first_instance', body: '东江区人民法院', externalCaseNumber: '（2026）沪0115行初7号', receivedDate: '2026-06-20', afterReconsideration: rk });
    const re = await appeal(e, { kind: 'reconsideration', procedure: 'simplified', body: '东江区人民政府', externalCaseNumber: '东府复〔2026〕2号', receivedDate: '2026-07-01' });
    await appealEvent(re, { type: 'SUBMIT_ANSWER', date: '2026-07-03' });
    await appealEvent(re, { type: 'RECORD_DECISION', date: '2026-08-01', outcome: 'corrected', decisionType: '确认违法', summary: '未说明理由' });
    await appeal(d, { kind: 'litigation', procedure: 'first_instance', body: '东江区人民法院', externalCaseNumber: '（2026）沪0115行初9号', receivedDate: '2026-09-01' });
  });
  after(async () => env.close());

  it('the dataset gives the figures computed by hand (so the exports below compare against real numbers)', async () => {
    const r = (await json('year=2026&agency=GHZY')).table3.rows;
    assert.deepEqual(r.new, { natural_person: 3, commercial: 0, research: 1, social_welfare: 1, legal_services: 1, other_org: 1, total: 7 });
    assert.deepEqual(r.carried_in, { natural_person: 1, commercial: 1, research: 0, social_welfare: 0, legal_services: 0, other_org: 0, total: 2 });
    assert.equal(r.total.total, 7);
    assert.equal(r.carried_out.natural_person, 2);
    const t4 = (await json('year=2026&agency=GHZY')).table4;
    assert.deepEqual(t4.reconsideration, { upheld: 1, corrected: 1, other: 0, pending: 0, total: 2 });
    assert.deepEqual(t4.litigation_direct, { upheld: 0, corrected: 0, other: 0, pending: 1, total: 1 });
    assert.deepEqual(t4.litigation_after_reconsideration, { upheld: 0, corrected: 0, other: 0, pending: 1, total: 1 });
  });

  it('XLSX: laid out like the official table, read back with exceljs and compared cell by cell with the JSON', async () => {
    for (const q of ['year=2026&agency=GHZY', 'year=2026&agency=DJQ&below=true']) {
      const report = await json(q);
      const res = await download(`/api/reports/annual.xlsx?${q}`);
      assert.equal(res.status, 200);
      assert.match(res.headers['content-type']!, /spreadsheetml\.sheet/);
      const disposition = res.headers['content-disposition']!;
      assert.match(disposition, /^attachment; filename="annual-report-2026-[A-Z]+(-below)?\.xlsx"; filename\*=UTF-8''/);
      assert.match(decodeURIComponent(disposition.split("UTF-8''")[1]!), new RegExp(`^${report.agency.name}.*2026年度.*\\.xlsx$`));

      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(arrayBufferOf(res.body as Buffer));
      assert.equal(wb.worksheets.length, 2);
      const ws = wb.worksheets[0]!;
      const merges = (ws.model as unknown as { merges: string[] }).merges;
      // Header: corner over three label columns, 申请人情况 over seven, 自然人 and 总计 down two rows,
      // 法人或其他组织 over its five categories.
      for (const m of ['A3:C5', 'D3:J3', 'D4:D5', 'E4:I4', 'J4:J5']) assert.ok(merges.includes(m), `merged ${m} in ${merges.join(' ')}`);
      assert.equal(ws.getCell('A3').value, '（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）');
      assert.equal(ws.getCell('D3').value, '申请人情况');
      assert.equal(ws.getCell('D4').value, '自然人');
      assert.equal(ws.getCell('E4').value, '法人或其他组织');
      assert.equal(ws.getCell('J4').value, '总计');
      assert.deepEqual(['E5', 'F5', 'G5', 'H5', 'I5'].map((a) => ws.getCell(a).value), ['商业企业', '科研机构', '社会公益组织', '法律服务机构', '其他']);
      // Row labels: one row per line from row 6, each label in the column the official table puts it.
      for (const m of ['A6:C6', 'A7:C7', 'A8:A29', 'B8:C8', 'B9:C9', 'B10:B17', 'B18:B20', 'B21:B25', 'B26:B28', 'B29:C29', 'A30:C30']) {
        assert.ok(merges.includes(m), `merged ${m}`);
      }
      LINES.forEach((line, i) => {
        const [key, section, group, label] = line;
        const row = 6 + i;
        const labelCol = !section ? 1 : !group ? 2 : 3;
        assert.equal(ws.getCell(row, labelCol).value, label, `label of row ${row}`);
        if (group) assert.equal(ws.getCell(row, 2).value, group);
        if (section) assert.equal(ws.getCell(row, 1).value, section);
        COLUMNS.forEach((c, j) => {
          assert.equal(ws.getCell(row, 4 + j).value, report.table3.rows[key][c], `${key}/${c} (row ${row}, column ${4 + j})`);
        });
      });
      assert.match(String(ws.getCell(32, 1).value), /^勾稽关系成立/);

      const ws4 = wb.worksheets[1]!;
      const merges4 = (ws4.model as unknown as { merges: string[] }).merges;
      for (const m of ['A3:E3', 'F3:O3', 'A4:A5', 'B4:B5', 'C4:C5', 'D4:D5', 'E4:E5', 'F4:J4', 'K4:O4']) assert.ok(merges4.includes(m), `table 四 merged ${m}`);
      assert.equal(ws4.getCell('A3').value, '行政复议');
      assert.equal(ws4.getCell('F3').value, '行政诉讼');
      assert.equal(ws4.getCell('F4').value, '未经复议直接起诉');
      assert.equal(ws4.getCell('K4').value, '复议后起诉');
      const outcomeLabels = ['结果维持', '结果纠正', '其他结果', '尚未审结', '总计'];
      assert.deepEqual([1, 2, 3, 4, 5].map((c) => ws4.getCell(4, c).value), outcomeLabels);
      assert.deepEqual([6, 7, 8, 9, 10, 11, 12, 13, 14, 15].map((c) => ws4.getCell(5, c).value), [...outcomeLabels, ...outcomeLabels]);
      KINDS.forEach((k, g) => OUTCOMES.forEach((o, j) => {
        assert.equal(ws4.getCell(6, g * 5 + 1 + j).value, report.table4[k][o], `table 四 ${k}/${o}`);
      }));
    }
  });

  it('CSV: UTF-8 with a BOM, one line per row (label + 7 numbers), then table 四', async () => {
    const report = await json('year=2026&agency=GHZY');
    const res = await download('/api/reports/annual.csv?year=2026&agency=GHZY');
    assert.equal(res.status, 200);
    assert.match(res.headers['content-type']!, /^text\/csv; charset=utf-8/);
    assert.match(res.headers['content-disposition']!, /filename\*=UTF-8''.+\.csv$/);
    const bytes = res.body as Buffer;
    assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
    const rows = parseCsv(bytes.subarray(3).toString('utf8'));
    assert.deepEqual(rows[0], ['项目', '自然人', '法人或其他组织 商业企业', '法人或其他组织 科研机构', '法人或其他组织 社会公益组织', '法人或其他组织 法律服务机构', '法人或其他组织 其他', '总计']);
    LINES.forEach((line, i) => {
      const row = rows[1 + i]!;
      assert.equal(row[0], path(line));
      assert.deepEqual(row.slice(1).map(Number), COLUMNS.map((c) => report.table3.rows[line[0]][c]), line[0]);
    });
    assert.deepEqual(rows[26], ['']);
    assert.deepEqual(rows[27], ['项目', '结果维持', '结果纠正', '其他结果', '尚未审结', '总计']);
    assert.deepEqual(rows.slice(28).map((r) => r[0]), ['行政复议', '行政诉讼 未经复议直接起诉', '行政诉讼 复议后起诉']);
    KINDS.forEach((k, g) => assert.deepEqual(rows[28 + g]!.slice(1).map(Number), OUTCOMES.map((o) => report.table4[k][o])));
  });

  it('PDF: both tables with the labels verbatim', async function () {
    requireTools('pdftotext');
    const res = await download('/api/reports/annual.pdf?year=2026&agency=GHZY');
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'application/pdf');
    assert.match(res.headers['content-disposition']!, /filename\*=UTF-8''.+\.pdf$/);
    const text = compactText(res.body as Buffer);
    for (const [, section, group, label] of LINES) for (const t of [section, group, label]) if (t) assert.ok(text.includes(t.replace(/\s+/g, '')), `PDF has ${t}`);
    for (const t of ['三、收到和处理政府信息公开申请情况', '四、政府信息公开行政复议、行政诉讼情况', '自然人', '商业企业', '社会公益组织', '法律服务机构', '结果维持', '尚未审结', '复议后起诉', '未经复议直接起诉', '勾稽关系成立']) {
      assert.ok(text.includes(t), `PDF has ${t}`);
    }
  });

  it('exports refuse other roles, bad years and unknown agencies', async () => {
    assert.equal((await download('/api/reports/annual.xlsx?year=2026', 'cw')).status, 403);
    assert.equal((await download('/api/reports/annual.csv?year=twenty')).status, 422);
    assert.equal((await download('/api/reports/annual.pdf?year=2026&agency=NOPE')).status, 404);
    assert.equal((await download('/api/reports/annual.csv?year=2026', 'legal')).status, 200);
  });

  it('a cell lists exactly the applications or appeals behind it', async () => {
    const cell = async (q: string) => {
      const res = await request(env.app).get(`/api/reports/annual/cell?${q}`).set(auth('mgr'));
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return res.body;
    };
    const numbers = (body: { items: { caseNumber: string }[] }) => body.items.map((x) => x.caseNumber).sort();
    const of = (...names: string[]) => names.map((n) => cases[n]!.caseNumber).sort();
    assert.deepEqual(numbers(await cell('year=2026&agency=GHZY&row=new&column=natural_person')), of('B', 'K', 'C'));
    assert.deepEqual(numbers(await cell('year=2026&agency=GHZY&row=carried_in&column=total')), of('I', 'A'));
    assert.deepEqual(numbers(await cell('year=2026&agency=GHZY&row=disclose&column=total')), of('A', 'K'));
    assert.deepEqual(numbers(await cell('year=2026&agency=GHZY&row=carried_out&column=natural_person')), of('I', 'C'));
    assert.deepEqual(numbers(await cell('year=2026&agency=DJQ&below=true&row=disclose&column=natural_person')), of('K', 'F'));
    const recon = await cell('year=2026&agency=GHZY&table=4&row=reconsideration&column=upheld');
    assert.deepEqual(recon.items.map((x: { externalCaseNumber: string }) => x.externalCaseNumber), ['东府复〔2026〕1号']);
    const after = await cell('year=2026&agency=GHZY&table=4&row=litigation_after_reconsideration&column=pending');
    assert.deepEqual(after.items.map((x: { application: { caseNumber: string } }) => x.application.caseNumber), of('K'));

    // Every figure of both tables equals the length of its list (same conditions as the report).
    for (const q of ['year=2026&agency=GHZY', 'year=2025&agency=GHZY', 'year=2026&agency=DJQ&below=true']) {
      const report = await json(q);
      for (const [key] of LINES) {
        for (const c of COLUMNS) {
          const n = report.table3.rows[key][c];
          if (n === 0 && c !== 'total' && key !== 'new') continue;
          assert.equal((await cell(`${q}&row=${key}&column=${c}`)).count, n, `${q} ${key}/${c}`);
        }
      }
      for (const k of KINDS) for (const o of OUTCOMES) assert.equal((await cell(`${q}&table=4&row=${k}&column=${o}`)).count, report.table4[k][o], `${q} ${k}/${o}`);
    }
    const bad = await request(env.app).get('/api/reports/annual/cell?year=2026&row=nope&column=total').set(auth('mgr'));
    assert.equal(bad.status, 422);
    assert.equal((await request(env.app).get('/api/reports/annual/cell?year=2026&row=new&column=total').set(auth('cw'))).status, 403);
  });

  it('the page shows both tables as the official format with the balance check; each non-zero figure links to its list', async () => {
    const agent = await login('mgr');
    const page = await agent.get('/reports/annual?year=2026&agency=GHZY');
    assert.equal(page.status, 200);
    const html = page.text;
    assert.match(html, /href="\/reports\/annual"[^>]*>年度报表</, 'nav link for managers');
    for (const [, section, group, label] of LINES) for (const t of [section, group, label]) if (t) assert.ok(html.includes(`>${t}<`), `page has ${t}`);
    assert.match(html, /<td colspan="3" rowspan="3">（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）<\/td>/);
    assert.match(html, /<th colspan="7" scope="colgroup">申请人情况<\/th>/);
    assert.match(html, /<th rowspan="2" scope="col">自然人<\/th><th colspan="5" scope="colgroup">法人或其他组织<\/th><th rowspan="2" scope="col">总计<\/th>/);
    assert.match(html, /<td rowspan="22">三、本年度办理结果<\/td>/);
    assert.match(html, /<td rowspan="8">（三）不予公开<\/td>/);
    assert.match(html, /<th colspan="5" scope="colgroup">行政复议<\/th><th colspan="10" scope="colgroup">行政诉讼<\/th>/);
    assert.match(html, /class="flash balance" id="balance">勾稽关系成立：一 \+ 二 = 7 \+ 2 = 9；（七）总计 \+ 四 = 7 \+ 2 = 9/);
    for (const ext of ['xlsx', 'csv', 'pdf']) assert.ok(html.includes(`href="/api/reports/annual.${ext}?year=2026&amp;agency=GHZY"`), `links the ${ext} export`);
    // The 3 natural persons received in 2026 link to their list; the list page links the case numbers.
    const link = /<td class="num" data-column="natural_person"><a href="([^"]+)">3<\/a><\/td>/.exec(html.slice(html.indexOf('data-row="new"')))![1]!.replace(/&amp;/g, '&');
    assert.equal(link, '/reports/annual/cell?year=2026&agency=GHZY&table=3&row=new&column=natural_person');
    const list = await agent.get(link);
    assert.equal(list.status, 200);
    const listed = [...list.text.matchAll(/<a href="\/applications\/(\d+)">([^<]+)<\/a>/g)].map((m) => m[2]).sort();
    assert.deepEqual(listed, [cases.B!, cases.K!, cases.C!].map((c) => c.caseNumber).sort());
    assert.match(list.text, /一、本年新收政府信息公开申请数量 · 自然人/);
    // Zero figures are plain text; table 四 figures link to the appeals.
    assert.match(html, /data-row="withhold.state_secret">[\s\S]*?<td class="num" data-column="natural_person">0<\/td>/);
    const appealsList = await agent.get('/reports/annual/cell?year=2026&agency=GHZY&table=4&row=reconsideration&column=total');
    assert.equal(appealsList.status, 200);
    assert.equal([...appealsList.text.matchAll(/<a href="\/appeals\/\d+">/g)].length, 2);
    // Defaults: last year, own agency.
    const byDefault = await agent.get('/reports/annual');
    assert.equal(byDefault.status, 200);
    assert.match(byDefault.text, /东江区人民政府办公室 · 2025年度/);
  });

  it('shows a failing balance check in red', async () => {
    // A concluded application without a decision (impossible through the API) breaks 一 + 二 = （七） + 四.
    const id = cases.H!.id;
    const before = await env.db('applications').where({ id }).first();
    await env.db('applications').where({ id }).update({ decision: null });
    try {
      const agent = await login('mgr');
      const html = (await agent.get('/reports/annual?year=2026&agency=GHZY')).text;
      assert.match(html, /class="alert balance" id="balance" role="alert"><p>勾稽关系不成立/);
      assert.match(html, /<li>法人或其他组织 其他：一 \+ 二 = 1 \+ 0 = 1 ≠ （七）总计 \+ 四 = 0 \+ 0 = 0<\/li>/);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(arrayBufferOf((await download('/api/reports/annual.xlsx?year=2026&agency=GHZY')).body as Buffer));
      assert.match(String(wb.worksheets[0]!.getCell(32, 1).value), /^勾稽关系不成立/);
    } finally {
      await env.db('applications').where({ id }).update({ decision: before.decision });
    }
  });

  it('locks and unlocks the year through the page forms (with the CSRF token), audited', async () => {
    const agent = await login('mgr');
    const page = await agent.get('/reports/annual?year=2026&agency=GHZY');
    assert.match(page.text, /未锁定/);
    assert.match(page.text, /action="\/reports\/annual\/lock"/);
    const csrf = csrfOf(page.text);
    // Without the token: refused.
    assert.equal((await agent.post('/reports/annual/lock').type('form').send({ year: '2026', agency: 'GHZY' })).status, 403);
    assert.equal(await env.db('report_locks').first(), undefined);

    const locked = await agent.post('/reports/annual/lock').type('form').send({ _csrf: csrf, year: '2026', agency: 'GHZY' });
    assert.equal(locked.status, 303);
    assert.equal(locked.headers.location, `/reports/annual?year=2026&agency=GHZY&done=${encodeURIComponent('2026年度报表已锁定')}`);
    const after = await agent.get(locked.headers.location!);
    assert.match(after.text, /已锁定<\/span> 2026年度报表（东江区规划和自然资源局）由 mgr 于 \d{4}-\d{2}-\d{2} \d{2}:\d{2}（北京时间）锁定/);
    assert.match(after.text, /action="\/reports\/annual\/unlock"/);
    assert.doesNotMatch(after.text, /action="\/reports\/annual\/lock"/);
    // The lock holds: a back-dated change into 2026 is refused.
    const late = await request(env.app).post('/api/applications').set(auth('cw')).send(applicationBody({ receivedDate: '2026-10-01' }));
    assert.equal(late.status, 409);
    // The district's page (a lock on a department does not cover the district) shows no lock.
    assert.match((await agent.get('/reports/annual?year=2026&agency=DJQ')).text, /未锁定/);

    const unlocked = await agent.post('/reports/annual/unlock').type('form').send({ _csrf: csrfOf(after.text), year: '2026', agency: 'GHZY' });
    assert.equal(unlocked.status, 303);
    assert.match((await agent.get(unlocked.headers.location!)).text, /2026年度报表已解除锁定[\s\S]*未锁定/);
    assert.equal(await env.db('report_locks').first(), undefined);
    // Unlocking what is not locked says so on the page.
    const again = await agent.post('/reports/annual/unlock').type('form').send({ _csrf: csrfOf(after.text), year: '2026', agency: 'GHZY' });
    assert.equal(again.status, 404);
    assert.match(again.text, /2026年度报表未锁定/);
    const actions = (await env.db('audit_log').whereIn('action', ['report.lock', 'report.unlock']).orderBy('id').select('action')).map((r) => r.action);
    assert.deepEqual(actions, ['report.lock', 'report.unlock']);
  });

  it('legal staff see the report but no lock forms, and cannot lock; other roles are refused', async () => {
    const agent = await login('legal');
    const page = await agent.get('/reports/annual?year=2026&agency=GHZY');
    assert.equal(page.status, 200);
    assert.doesNotMatch(page.text, /action="\/reports\/annual\/(un)?lock"/);
    assert.doesNotMatch(page.text, />年度报表<\/a>/, 'the nav link is for managers');
    const res = await agent.post('/reports/annual/lock').type('form').send({ _csrf: csrfOf(page.text), year: '2026', agency: 'GHZY' });
    assert.equal(res.status, 403);
    assert.match(res.text, /只有政务公开办可以锁定或解锁年度报表/);
    assert.equal(await env.db('report_locks').first(), undefined);
    const cw = await login('cw');
    assert.equal((await cw.get('/reports/annual?year=2026')).status, 403);
  });
});
