import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import request from 'supertest';
import { applicationBody, binary, createTestEnv, csrfOf, loginAgent, type TestEnv } from '../helpers/test-app.js';
import { compactText, requireTools, run, writeTemp } from '../pdf/pdf-helpers.js';
import { csvShape } from '../../server/cases/data-file-rows.js';

// Issue 14, data-form information (数据形态政府信息): a request marked as asking for data, a reply that
// provides data files (CSV, XLSX) listed with the rows the desk counted and their SHA-256, and the
// dashboard's count of such requests and their outcomes.
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Quoted fields with commas, doubled quotes and line breaks (CRLF and LF), a blank line and a trailing newline. */
const TRICKY_CSV = Buffer.from(
  '\ufeff许可证号,项目名称,备注\r\n' +
  'A-001,"东江大道改建工程","含""绿化""部分"\r\n' +
  'A-002,"锦绣路地块\r\n二期","备注第一行\n备注第二行"\r\n' +
  '\r\n' +
  'A-003,滨江公园,\r\n',
  'utf8',
);

async function xlsxWithRows(n: number): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const sheet = wb.addWorksheet('许可证');
  sheet.addRow(['许可证号', '项目名称', '发证日期']);
  for (let i = 1; i <= n; i++) sheet.addRow([`B-${i}`, `项目${i}`, '2025-06-01']);
  wb.addWorksheet('说明').addRow(['不计入']);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describe('data-form information (issue 14)', function () {
  this.timeout(120_000);
  let env: TestEnv;
  const tokens: Record<string, string> = {};
  const auth = (who: string) => ({ Authorization: `Bearer ${tokens[who]}` });
  const send = (id: number, who: string, body: object) => request(env.app).post(`/api/applications/${id}/events`).set(auth(who)).send(body);
  const view = async (id: number, who = 'cw') => (await request(env.app).get(`/api/applications/${id}`).set(auth(who))).body;
  const register = async (receivedDate: string, dataForm?: string) => {
    const body = applicationBody({ receivedDate, request: { description: '申请公开2025年本区建设工程规划许可证的发证数据。', ...(dataForm ? { dataForm } : {}) } });
    const res = await request(env.app).post('/api/applications').set(auth('cw')).send(body);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.id as number;
  };
  const upload = (id: number, files: { name: string; bytes: Buffer }[], who = 'cw', title?: string) => {
    const req = request(env.app).post(`/api/applications/${id}/data-files`).set(auth(who));
    if (title) req.field('title', title);
    for (const f of files) req.attach('dataFiles', f.bytes, { filename: f.name });
    return req;
  };
  const issue = async (id: number, draft: object, drafted: string, issued: string) => {
    for (const [who, body] of [
      ['cw', { type: 'DRAFT_REPLY', date: drafted, ...draft }],
      ['cw', { type: 'SUBMIT_FOR_REVIEW', date: drafted }],
      ['rev', { type: 'APPROVE_REVIEW', date: drafted }],
      ['appr', { type: 'ISSUE_REPLY', date: issued }],
    ] as const) {
      const r = await send(id, who, body);
      assert.equal(r.status, 200, JSON.stringify(r.body));
    }
  };

  before(async () => {
    env = await createTestEnv({ today: '2026-11-20' });
    for (const u of ['cw', 'cw2', 'rev', 'appr', 'mgr']) tokens[u] = await env.token(u);
  });
  after(async () => env.close());

  it('counts CSV rows by RFC 4180: quoted commas, quotes and line breaks; blank lines and the header not counted', () => {
    assert.deepEqual(csvShape(TRICKY_CSV), { rows: 3, columns: 3 });
    assert.deepEqual(csvShape(Buffer.from('a,b\n1,2')), { rows: 1, columns: 2 }, 'no newline at the end');
    assert.deepEqual(csvShape(Buffer.from('a\r1\r2\r,,\r')), { rows: 2, columns: 1 }, 'CR line ends; a row of empty fields is blank');
    assert.throws(() => csvShape(Buffer.from('a,b\n1,"open\n2,3\n')), /第 2 行的引号没有闭合/);
  });

  it('a request is marked as asking for data at registration, through the form too, and the mark can be changed later (audited)', async () => {
    const id = await register('2026-11-02', 'statistics');
    assert.equal((await view(id)).request.dataForm, 'statistics');
    const bad = await request(env.app).post('/api/applications').set(auth('cw')).send(applicationBody({ request: { description: 'x', dataForm: 'spreadsheet' } }));
    assert.equal(bad.status, 422);
    assert.match(bad.body.fields['request.dataForm'], /数据集、统计数据、数据库信息提取、其他数据形态/);

    const agent = await loginAgent(env.app, 'cw');
    const form = await agent.get('/applications/new');
    assert.match(form.text, /数据形态/);
    const posted = await agent.post('/applications').type('form').send({
      _csrf: csrfOf(form.text), channel: 'online', receivedDate: '2026-11-03', 'applicant.kind': 'natural_person', 'applicant.name': '王某',
      'applicant.idType': 'passport', 'applicant.idNumber': 'E12345678', 'request.description': '申请获取本区公共停车场的车位数据库信息', 'request.delivery': 'email',
      'request.dataForm': 'extract',
    });
    assert.equal(posted.status, 303, posted.text.slice(0, 500));
    const formId = Number(/\/applications\/(\d+)/.exec(posted.headers.location!)![1]);
    assert.equal((await view(formId)).request.dataForm, 'extract');

    assert.equal((await request(env.app).put(`/api/applications/${id}/data-form`).set(auth('cw2')).send({ dataForm: 'dataset' })).status, 404);
    assert.equal((await request(env.app).put(`/api/applications/${id}/data-form`).set(auth('cw')).send({ dataForm: 'sheet' })).status, 422);
    const changed = await request(env.app).put(`/api/applications/${id}/data-form`).set(auth('cw')).send({ dataForm: 'dataset' });
    assert.equal(changed.status, 200);
    assert.equal((await view(id)).request.dataForm, 'dataset');
    const entry = await env.db('audit_log').where({ action: 'application.data_form' }).orderBy('id', 'desc').first();
    assert.deepEqual({ from: JSON.parse(entry.detail).from, to: JSON.parse(entry.detail).to }, { from: 'statistics', to: 'dataset' });
    assert.equal((await request(env.app).put(`/api/applications/${id}/data-form`).set(auth('cw')).send({ dataForm: null })).status, 200);
    assert.equal((await view(id)).request.dataForm, null);
  });

  it('data files are counted and hashed by the desk, downloaded byte for byte, and refused (nothing written) when not CSV or XLSX', async () => {
    const id = await register('2026-11-04', 'dataset');
    const xlsx = await xlsxWithRows(42);
    const res = await upload(id, [{ name: '许可证数据.csv', bytes: TRICKY_CSV }, { name: '许可证明细.xlsx', bytes: xlsx }]);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const [csv, sheet] = res.body.items;
    assert.deepEqual([csv.format, csv.rows, csv.columns, csv.sha256, csv.title], ['csv', 3, 3, sha256(TRICKY_CSV), '许可证数据']);
    assert.deepEqual([sheet.format, sheet.rows, sheet.columns, sheet.sha256], ['xlsx', 42, 3, sha256(xlsx)]);
    const dl = await request(env.app).get(`/api/applications/${id}/data-files/${sheet.id}`).set(auth('mgr')).buffer(true).parse(binary);
    assert.equal(dl.status, 200);
    assert.equal(sha256(dl.body), sha256(xlsx));

    const before = (await view(id)).dataFiles.length;
    for (const [name, bytes, pattern] of [
      ['data.pdf', Buffer.from('%PDF-1.7 not data'), /不是 CSV 或 XLSX/],
      ['broken.csv', Buffer.from('a,b\n1,"unclosed\n'), /引号没有闭合/],
      ['fake.xlsx', Buffer.from('PK\u0003\u0004 not really a zip'), /不是有效的 Excel/],
    ] as const) {
      const bad = await upload(id, [{ name: 'ok.csv', bytes: Buffer.from('x\n1\n') }, { name, bytes }]);
      assert.equal(bad.status, 422, name);
      assert.match(bad.body.fields.dataFiles, pattern);
    }
    assert.equal((await view(id)).dataFiles.length, before, 'a refused upload stores none of its files');
    assert.equal((await upload(id, [{ name: 'x.csv', bytes: TRICKY_CSV }], 'cw2')).status, 404);
    assert.equal((await upload(id, [{ name: 'x.csv', bytes: TRICKY_CSV }], 'appr')).status, 403);
  });

  it('a reply provides data files as items: recorded with rows and hash, printed in the reply PDF, refused when not the case\'s', async () => {
    requireTools('pdftotext', 'pdftoppm');
    const id = await register('2026-11-05', 'statistics');
    const other = await register('2026-11-05');
    const up = await upload(id, [{ name: 'permits-2025.csv', bytes: TRICKY_CSV }], 'cw', '2025年建设工程规划许可证发证统计');
    const file = up.body.items[0];
    const foreign = (await upload(other, [{ name: 'other.csv', bytes: Buffer.from('a\n1\n') }])).body.items[0];

    const refusedForeign = await send(id, 'cw', { type: 'DRAFT_REPLY', date: '2026-11-10', decision: 'disclose', disclosure: { mode: 'provided', delivery: 'email', items: [{ dataFileId: foreign.id }] } });
    assert.equal(refusedForeign.status, 422);
    assert.match(refusedForeign.body.fields['disclosure.items.0.dataFileId'], /本申请已上传的数据文件/);
    const refusedLater = await send(id, 'cw', { type: 'DRAFT_REPLY', date: '2026-11-10', decision: 'disclose', disclosure: { mode: 'later', delivery: 'email', availableDate: '2026-12-01', items: [{ dataFileId: file.id }] } });
    assert.equal(refusedLater.status, 422);
    assert.match(refusedLater.body.fields['disclosure.items.0.dataFileId'], /随本答复书提供/);
    assert.equal((await view(id)).history.length, 1, 'nothing recorded by the refusals');

    const drafted = await send(id, 'cw', {
      type: 'DRAFT_REPLY', date: '2026-11-10', decision: 'disclose',
      disclosure: { mode: 'provided', delivery: 'email', items: [{ title: '发证情况说明', pages: 2 }, { dataFileId: file.id }] },
    });
    assert.equal(drafted.status, 200, JSON.stringify(drafted.body));
    const item = drafted.body.history.at(-1).payload.disclosure.items[1];
    assert.deepEqual(item, {
      title: '2025年建设工程规划许可证发证统计',
      dataFile: { id: file.id, filename: 'permits-2025.csv', format: 'csv', rows: 3, columns: 3, sha256: sha256(TRICKY_CSV) },
    });
    assert.deepEqual(drafted.body.reply.details.disclosure.items[1].dataFile.rows, 3);

    const doc = drafted.body.documents.find((d: { kind: string; status: string }) => d.kind === 'reply' && d.status === 'draft');
    const pdf = (await request(env.app).get(`/api/documents/${doc.id}/pdf`).set(auth('cw')).buffer(true).parse(binary)).body as Buffer;
    const text = compactText(pdf);
    assert.ok(text.includes('2025年建设工程规划许可证发证统计（数据文件“permits-2025.csv”，CSV格式，共3行数据（不含表头）、3列'), text);
    assert.ok(text.includes(sha256(TRICKY_CSV)), 'the full SHA-256 is printed');
    assert.ok(text.includes('发证情况说明（共2页）'), text);
    // One look at the page as it prints (test-output/data-form-reply-1.png).
    const out = join(process.cwd(), 'test-output');
    run('mkdir', ['-p', out]);
    const r = run('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '1', writeTemp(pdf, 'data-form-reply'), join(out, 'data-form-reply')]);
    assert.equal(r.status, 0, r.stderr);
    writeFileSync(join(out, 'data-form-reply.pdf'), pdf);
  });

  it('partial replies provide data files too, and the reply form ticks them without JavaScript', async () => {
    const id = await register('2026-11-06', 'extract');
    const file = (await upload(id, [{ name: '停车场.xlsx', bytes: await xlsxWithRows(5) }])).body.items[0];
    const agent = await loginAgent(env.app, 'cw');
    const page = await agent.get(`/applications/${id}`);
    assert.match(page.text, new RegExp(`name="partial/dataFiles" value="${file.id}"`));
    assert.match(page.text, /停车场（停车场\.xlsx，5 行）/);
    const posted = await agent.post(`/applications/${id}/events`).type('form').send({
      _csrf: csrfOf(page.text), version: String((await view(id)).version), type: 'DRAFT_REPLY', date: '2026-11-10', decision: 'partial', reasons: '车主信息属于个人隐私',
      'partial/provided': '', 'partial/dataFiles': String(file.id), 'partial/withheld.part': '车主姓名和车牌号', 'partial/withheld.ground': 'withhold.third_party',
    });
    // withhold.third_party needs a consultation: refused, and the ticked file stays ticked.
    assert.equal(posted.status, 422);
    assert.match(posted.text, new RegExp(`name="partial/dataFiles" value="${file.id}" checked`));
    const ok = await agent.post(`/applications/${id}/events`).type('form').send({
      _csrf: csrfOf(page.text), version: String((await view(id)).version), type: 'DRAFT_REPLY', date: '2026-11-10', decision: 'partial', reasons: '内部讨论记录属于过程性信息',
      'partial/provided': '', 'partial/dataFiles': String(file.id), 'partial/withheld.part': '内部讨论记录', 'partial/withheld.ground': 'withhold.process_info',
    });
    assert.equal(ok.status, 303, ok.text.slice(0, 800));
    const v = await view(id);
    assert.equal(v.history.at(-1).payload.provided[0].dataFile.rows, 5);
    const again = await agent.get(`/applications/${id}`);
    assert.match(again.text, /数据形态信息/);
    assert.match(again.text, /数据库信息提取/);
  });

  it('the dashboard counts data-form requests received and their outcomes by decision group', async () => {
    const q = 'from=2026-08-01&to=2026-08-31';
    const d0 = (await request(env.app).get(`/api/reports/dashboard?${q}`).set(auth('mgr'))).body.dataForm;
    assert.equal(d0.received, 0);
    const a = await register('2026-08-03', 'dataset');
    const b = await register('2026-08-03', 'statistics');
    const c = await register('2026-08-04', 'statistics');
    await register('2026-08-05'); // not a data-form request
    await issue(a, { decision: 'disclose', disclosure: { mode: 'provided', delivery: 'email', items: [{ title: '数据集' }] } }, '2026-08-10', '2026-08-12');
    await issue(b, { decision: 'unavailable.needs_creation', reasons: '需要另行加工统计' }, '2026-08-10', '2026-08-12');
    const res = await request(env.app).get(`/api/reports/dashboard?${q}`).set(auth('mgr'));
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const d = res.body.dataForm;
    assert.equal(d.received, 3);
    assert.deepEqual(Object.fromEntries(d.byForm.map((f: { form: string; count: number }) => [f.form, f.count])), { dataset: 1, statistics: 2, extract: 0, other: 0 });
    assert.equal(d.concluded, 2);
    const groups = Object.fromEntries(d.byGroup.map((g: { group: string; count: number }) => [g.group, g.count]));
    assert.equal(groups.disclose, 1);
    assert.equal(groups.unavailable, 1);
    assert.ok(d.open >= 1, 'c is still open');
    void c;
    const page = await (await loginAgent(env.app, 'mgr')).get(`/dashboard?${q}`);
    assert.equal(page.status, 200);
    assert.match(page.text, /数据形态申请/);
    assert.match(page.text, /统计数据<\/th><td>2</);
  });
});
