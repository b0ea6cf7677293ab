import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { applicationBody, createTestEnv, creditCode, residentId, type TestEnv } from '../helpers/test-app.js';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

describe('intake (登记) through the API', () => {
  let env: TestEnv;
  let cw: string;
  const post = async (body: unknown, token = cw) =>
    request(env.app).post('/api/applications').set('Authorization', `Bearer ${token}`).send(body as object);
  const count = async () => Number((await env.db('applications').count({ n: '*' }).first())?.n);

  before(async () => {
    env = await createTestEnv({ today: '2026-11-20' });
    cw = await env.token('cw');
  });
  after(async () => env.close());

  it('registers an application and answers 201 with the application JSON and its deadlines', async () => {
    const res = await post(applicationBody());
    assert.equal(res.status, 201);
    assert.equal(res.headers.location, `/api/applications/${res.body.id}`);
    assert.equal(res.body.caseNumber, 'GHZY-2024-0001');
    assert.equal(res.body.state, 'processing');
    assert.equal(res.body.receivedDate, '2024-09-02');
    assert.equal(res.body.applicant.name, '张建国');
    assert.equal(res.body.applicant.idNumber, residentId('31011519650312201'), 'the owning agency sees the full number');
    assert.equal(res.body.request.delivery, 'paper', 'delivery defaults to paper');
    // domain.md §2 worked example: Mid-Autumn 9/15–17 off, 9/14 and 9/29 worked.
    assert.equal(res.body.deadlines.replyDue, '2024-09-30');
    assert.equal(res.body.deadlines.correctionNoticeDue, '2024-09-11');
    assert.equal(res.body.deadlines.provisional, false);
    assert.ok(res.body.deadlines.explanation.length >= 1);
    assert.equal(res.body.history[0].type, 'REGISTER');
  });

  it('counts the reply period across the Spring Festival (received 2025-01-20 → 2025-02-21)', async () => {
    const res = await post(applicationBody({ receivedDate: '2025-01-20' }));
    assert.equal(res.status, 201);
    assert.equal(res.body.deadlines.replyDue, '2025-02-21');
    assert.equal(res.body.caseNumber, 'GHZY-2025-0001', 'numbers run per agency and year');
  });

  it('registers an organisation applicant with a checked credit code', async () => {
    const res = await post(applicationBody({
      applicant: { kind: 'organisation', name: '上海明正律师事务所', category: 'legal_services', creditCode: creditCode('31310000425012345'), contactPerson: '王律师' },
      channel: 'mail', receivedDate: '2026-11-02',
    }));
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.applicant.category, 'legal_services');
  });

  it('refuses bad input with 422, a Chinese message per field, and stores nothing', async () => {
    const before = await count();
    const counters = await env.db('counters').select();
    const res = await post({
      applicant: { kind: 'natural_person', name: '', idType: 'resident_id', idNumber: '310115196503122010', email: 'not-an-email' },
      channel: 'pigeon',
      receivedDate: '2026-11-21',
      request: { description: '  ', delivery: 'fax' },
    });
    assert.equal(res.status, 422);
    assert.equal(res.body.error, 'invalid');
    assert.equal(res.body.fields['applicant.name'], '请填写申请人姓名');
    assert.match(res.body.fields['applicant.idNumber'], /校验位/);
    assert.match(res.body.fields['applicant.email'], /邮箱/);
    assert.match(res.body.fields.channel, /申请方式/);
    assert.equal(res.body.fields.receivedDate, '收到申请之日不能晚于今天');
    assert.match(res.body.fields['request.description'], /内容描述/);
    assert.match(res.body.fields['request.delivery'], /获取信息的方式/);
    assert.equal(await count(), before);
    assert.deepEqual(await env.db('counters').select(), counters, 'no number was consumed');
  });

  it('checks the GB 32100 check character of a credit code', async () => {
    const good = creditCode('91310115MA1FL0A1B');
    const bad = good.slice(0, 17) + (good.endsWith('0') ? '1' : '0');
    const res = await post(applicationBody({ applicant: { kind: 'organisation', name: '某公司', category: 'commercial', creditCode: bad } }));
    assert.equal(res.status, 422);
    assert.match(res.body.fields['applicant.creditCode'], /统一社会信用代码/);
  });

  it('accepts other identity documents without the resident-ID check', async () => {
    const res = await post(applicationBody({ applicant: { kind: 'natural_person', name: 'John Smith', idType: 'passport', idNumber: 'E12345678' } }));
    assert.equal(res.status, 201);
  });

  it('only caseworkers register applications', async () => {
    const res = await post(applicationBody(), await env.token('rev'));
    assert.equal(res.status, 403);
  });

  it('allocates case numbers without gaps or duplicates under concurrent registration', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, () => post(applicationBody({ receivedDate: '2022-03-02' }))));
    assert.ok(results.every((r) => r.status === 201), results.map((r) => r.status).join(','));
    const numbers = results.map((r) => r.body.caseNumber as string).sort();
    assert.deepEqual(numbers, Array.from({ length: 8 }, (_, i) => `GHZY-2022-${String(i + 1).padStart(4, '0')}`));
  });

  it('a refused registration leaves no gap in the numbers', async () => {
    const a = await post(applicationBody({ receivedDate: '2023-05-04' }));
    await post(applicationBody({ receivedDate: '2023-05-04', channel: 'nope' }));
    const b = await post(applicationBody({ receivedDate: '2023-05-04' }));
    assert.equal(a.body.caseNumber, 'GHZY-2023-0001');
    assert.equal(b.body.caseNumber, 'GHZY-2023-0002');
  });

  describe('attachments', () => {
    it('stores a scanned PDF in the database with its SHA-256, nothing under DATA_DIR', async () => {
      const res = await request(env.app)
        .post('/api/applications')
        .set('Authorization', `Bearer ${cw}`)
        .field('data', JSON.stringify(applicationBody({ receivedDate: '2026-11-02' })))
        .attach('attachments', PDF, { filename: '申请表.pdf', contentType: 'application/pdf' });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      assert.equal(res.body.attachments.length, 1);
      const att = res.body.attachments[0];
      assert.equal(att.filename, '申请表.pdf');
      assert.equal(att.mime, 'application/pdf');
      assert.equal(att.size, PDF.length);
      assert.equal(att.sha256, createHash('sha256').update(PDF).digest('hex'));
      assert.equal(att.origin, 'filed');
      assert.ok(await env.db('attachment_contents').where({ sha256: att.sha256 }).first('sha256'));
      assert.ok(!existsSync(join(env.dataDir, 'attachments')), 'no file written');
      const dl = await request(env.app).get(`/api/applications/${res.body.id}/attachments/${att.id}`).set('Authorization', `Bearer ${cw}`).buffer(true);
      assert.equal(dl.status, 200);
      assert.deepEqual(Buffer.from(dl.body), PDF);
    });

    it('refuses a file that is not a PDF or image scan, and registers nothing', async () => {
      const before = await count();
      const res = await request(env.app)
        .post('/api/applications')
        .set('Authorization', `Bearer ${cw}`)
        .field('data', JSON.stringify(applicationBody()))
        .attach('attachments', Buffer.from('MZ\x90\x00 fake exe'), { filename: 'scan.pdf', contentType: 'application/pdf' });
      assert.equal(res.status, 422);
      assert.match(res.body.fields.attachments, /类型不支持/);
      assert.equal(await count(), before);
    });

    it('refuses a file over 10 MB', async () => {
      const big = Buffer.concat([PDF, Buffer.alloc(10 * 1024 * 1024)]);
      const res = await request(env.app)
        .post('/api/applications')
        .set('Authorization', `Bearer ${cw}`)
        .field('data', JSON.stringify(applicationBody()))
        .attach('attachments', big, { filename: 'big.pdf', contentType: 'application/pdf' });
      assert.equal(res.status, 422);
      assert.match(res.body.fields.attachments, /10 MB/);
    });

    it('keeps no bytes when a registration with attachments is refused', async () => {
      const contents = async () => Number((await env.db('attachment_contents').count({ n: '*' }).first())?.n);
      const before = await contents();
      const res = await request(env.app)
        .post('/api/applications')
        .set('Authorization', `Bearer ${cw}`)
        .field('data', JSON.stringify(applicationBody({ channel: 'bad' })))
        .attach('attachments', Buffer.concat([PDF, Buffer.from('unique-content-1')]), { filename: 'a.pdf', contentType: 'application/pdf' });
      assert.equal(res.status, 422);
      assert.equal(await contents(), before);
    });
  });

  describe('who sees what', () => {
    let id: number;
    before(async () => {
      id = (await post(applicationBody({ receivedDate: '2026-11-10' }))).body.id;
    });

    it('another agency\'s case is a 404, like a missing one', async () => {
      const other = await request(env.app).get(`/api/applications/${id}`).set('Authorization', `Bearer ${await env.token('cw2')}`);
      assert.equal(other.status, 404);
      const missing = await request(env.app).get('/api/applications/999999').set('Authorization', `Bearer ${cw}`);
      assert.equal(missing.status, 404);
      assert.equal(missing.body.message, '未找到该申请');
    });

    it('a manager sees the cases of agencies below, with personal data masked', async () => {
      const res = await request(env.app).get(`/api/applications/${id}`).set('Authorization', `Bearer ${await env.token('mgr')}`);
      assert.equal(res.status, 200);
      assert.match(res.body.applicant.idNumber, /^3101\*+\d{3}[\dX]$/);
      assert.equal(res.body.applicant.phone, '138****5678');
    });

    it('a manager of a sibling agency does not', async () => {
      const res = await request(env.app).get(`/api/applications/${id}`).set('Authorization', `Bearer ${await env.token('mgr2')}`);
      assert.equal(res.status, 404);
    });

    it('lists mask ID and phone numbers even for the owning agency', async () => {
      const res = await request(env.app).get('/api/applications').set('Authorization', `Bearer ${cw}`);
      assert.equal(res.status, 200);
      type Listed = { applicant: { kind: string; idType?: string; idNumber?: string; phone?: string | null } };
      const items: Listed[] = res.body.items;
      const residents = items.filter((a) => a.applicant.kind === 'natural_person' && a.applicant.idType === 'resident_id');
      const withPhone = items.filter((a) => a.applicant.phone);
      assert.ok(residents.length > 0 && withPhone.length > 0, 'the list has ID and phone numbers to mask');
      for (const a of residents) assert.match(a.applicant.idNumber ?? '', /\*{6,}/);
      for (const a of withPhone) assert.match(a.applicant.phone ?? '', /\*/);
    });

    it('never writes ID numbers into the audit log', async () => {
      const rows = await env.db('audit_log').select('action', 'detail');
      assert.ok(rows.some((r) => r.action === 'application.register'), 'registrations of applicants with ID numbers are audited');
      assert.ok(rows.every((r) => !String(r.detail ?? '').includes('3101151965')));
    });
  });

  describe('listing', () => {
    const list = async (q: string) => (await request(env.app).get(`/api/applications?${q}`).set('Authorization', `Bearer ${cw}`)).body;

    it('sorts by replyDue and pages', async () => {
      const page = await list('pageSize=5');
      assert.equal(page.items.length, 5);
      assert.ok(page.total > 5);
      const dues = page.items.map((a: { deadlines: { replyDue: string } }) => a.deadlines.replyDue);
      assert.deepEqual(dues, [...dues].sort());
      const page2 = await list('pageSize=5&page=2');
      assert.notEqual(page2.items[0].id, page.items[0].id);
    });

    it('filters overdue applications relative to today', async () => {
      const res = await list('overdue=true&pageSize=200');
      assert.ok(res.items.length > 0);
      assert.ok(res.items.every((a: { overdue: boolean; deadlines: { replyDue: string } }) => a.overdue && a.deadlines.replyDue < '2026-11-20'));
    });

    it('filters by due date and by text', async () => {
      const due = await list('dueBefore=2024-12-31&pageSize=200');
      assert.ok(due.items.length >= 1);
      assert.ok(due.items.every((a: { deadlines: { replyDue: string } }) => a.deadlines.replyDue <= '2024-12-31'));
      const text = await list('text=律师事务所');
      assert.equal(text.total, 1);
      assert.equal(text.items[0].applicant.name, '上海明正律师事务所');
    });

    it('filters by state', async () => {
      assert.equal((await list('state=closed')).total, 0);
      assert.ok((await list('state=processing')).total > 0);
    });

    it('refuses a malformed filter with 422', async () => {
      const res = await request(env.app).get('/api/applications?dueBefore=tomorrow').set('Authorization', `Bearer ${cw}`);
      assert.equal(res.status, 422);
    });
  });

  it('serves an OpenAPI document describing the API', async () => {
    const res = await request(env.app).get('/api/openapi.json');
    assert.equal(res.status, 200);
    assert.equal(res.body.openapi, '3.1.0');
    for (const p of ['/api/applications', '/api/applications/{id}', '/api/applications/{id}/events', '/api/auth/token', '/api/health']) {
      assert.ok(res.body.paths[p], p);
    }
  });
});
