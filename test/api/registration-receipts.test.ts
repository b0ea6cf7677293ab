import assert from 'node:assert/strict';
import request from 'supertest';
import { applicationBody, createTestEnv, type TestEnv } from '../helpers/test-app.js';
import { compactText, pdfsig, requireTools } from '../pdf/pdf-helpers.js';
import { registerApplication } from '../../server/cases/application-service.js';
import { validateIntake } from '../../server/cases/intake.js';
import { findUserByUsername } from '../../server/admin/user-store.js';
import { forecastCounters, forecastsAhead } from '../../db/counter-forecast.js';
import { nextCounters } from '../../db/dialect.js';
import { renderPool } from '../../server/documents/render-pool.js';

// Issue 15: the registration's receipt (登记回执) is rendered and signed before the write transaction,
// for the case and document numbers it is expected to get; inside, it is used only when the numbers
// allocated there came out the same, and rendered again otherwise. Whatever happens, each receipt
// prints its own numbers, numbers have no gaps, and a failed registration leaves nothing behind.
describe('registration receipts rendered ahead of the transaction (issue 15)', function () {
  this.timeout(120_000);
  let env: TestEnv;
  let token = '';
  const auth = () => ({ Authorization: `Bearer ${token}` });
  const register = async (name: string) => {
    const r = await request(env.app).post('/api/applications').set(auth())
      .send(applicationBody({ receivedDate: '2026-11-02', applicant: { ...(applicationBody().applicant as object), name } }));
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body as { id: number; caseNumber: string; documents: Array<{ id: number; kind: string; number: string | null; status: string }> };
  };
  const receiptOf = (c: { documents: Array<{ id: number; kind: string; number: string | null; status: string }> }) => c.documents.find((d) => d.kind === 'receipt')!;
  const pdfOf = async (id: number) => {
    const r = await request(env.app).get(`/api/documents/${id}/pdf`).set(auth()).buffer(true)
      .parse((res, cb) => { const chunks: Buffer[] = []; res.on('data', (c: Buffer) => chunks.push(c)); res.on('end', () => cb(null, Buffer.concat(chunks))); });
    assert.equal(r.status, 200);
    return r.body as Buffer;
  };
  /** The case's receipt prints its own numbers and applicant, and is validly signed. */
  const assertOwnReceipt = async (c: Awaited<ReturnType<typeof register>>, name: string) => {
    const receipt = receiptOf(c);
    const pdf = await pdfOf(receipt.id);
    const text = compactText(pdf);
    assert.ok(text.includes(receipt.number!) && text.includes(c.caseNumber) && text.includes(name), text);
    assert.match(pdfsig(pdf), /Signature is Valid/);
  };
  /** The counters a registration of the case's agency in 2026 takes: its case number and its receipt's. */
  const countersOf = async (c: { id: number }) => {
    const { agency_id: agencyId } = await env.db('applications').where({ id: c.id }).first('agency_id');
    return [`case:${agencyId}:2026`, `doc:${agencyId}:公收:2026`];
  };
  const seqOf = (n: string) => Number(/〔2026〕(\d+)号$/.exec(n)?.[1] ?? /-(\d+)$/.exec(n)?.[1]);

  before(async () => {
    env = await createTestEnv({ today: '2026-11-20' });
    token = await env.token('cw');
  });
  after(async () => env.close());

  it('a registration answers with the case exactly as a GET then reads it, with files or none (PostgreSQL answers from the rows it wrote)', async () => {
    for (const files of [0, 2]) {
      let post = request(env.app).post('/api/applications').set(auth())
        .field('data', JSON.stringify(applicationBody({ receivedDate: '2026-11-03', applicant: { ...(applicationBody().applicant as object), name: `回读${files}` } })));
      for (let i = 0; i < files; i++) post = post.attach('attachments', Buffer.from(`%PDF-1.7\n% scan ${files}-${i}\n`), { filename: `扫描件-${i}.pdf`, contentType: 'application/pdf' });
      const created = await post;
      assert.equal(created.status, 201, created.text.slice(0, 300));
      assert.equal(created.body.attachments.length, files);
      assert.equal(created.body.history.length, 1);
      assert.ok(receiptOf(created.body).number, 'the receipt is in the answer');
      const read = await request(env.app).get(`/api/applications/${created.body.id}`).set(auth());
      assert.equal(read.status, 200);
      assert.deepEqual(created.body, read.body);
    }
  });

  it('a column added to the tables a registration writes while the desk runs (a rolling upgrade) breaks no registration: its prepared statements are planned again', async () => {
    const before = await register('升级前');
    const tables = ['applications', 'application_events', 'documents', 'audit_log', 'exchange_changes', 'counters', 'webhooks'];
    for (const t of tables) await env.db.schema.alterTable(t, (tb) => tb.text('dd_upgrade_extra').nullable());
    try {
      const after = await register('升级后');
      assert.equal(seqOf(after.caseNumber), seqOf(before.caseNumber) + 1);
      const read = await request(env.app).get(`/api/applications/${after.id}`).set(auth());
      assert.equal(read.status, 200);
      assert.deepEqual(read.body, after);
    } finally {
      for (const t of tables) await env.db.schema.alterTable(t, (tb) => tb.dropColumn('dd_upgrade_extra'));
    }
    const again = await register('降级后');
    assert.equal(seqOf(again.caseNumber), seqOf(before.caseNumber) + 2);
  });

  it('twelve registrations at once each get their own gapless numbers, printed in their own signed receipt', async () => {
    requireTools('pdftotext', 'pdfsig');
    const names = ['张一', '王二', '李三', '赵四', '钱五', '孙六', '周七', '吴八', '郑九', '冯十', '陈十一', '褚十二'];
    const cases = await Promise.all(names.map((n) => register(n)));
    const caseSeqs = cases.map((c) => seqOf(c.caseNumber)).sort((a, b) => a - b);
    const docSeqs = cases.map((c) => seqOf(receiptOf(c).number!)).sort((a, b) => a - b);
    assert.deepEqual(caseSeqs, caseSeqs.map((_, i) => caseSeqs[0]! + i), 'case numbers without gaps or repeats');
    assert.deepEqual(docSeqs, docSeqs.map((_, i) => docSeqs[0]! + i), 'receipt numbers without gaps or repeats');
    for (const [i, c] of cases.entries()) {
      const receipt = receiptOf(c);
      assert.equal(receipt.status, 'issued');
      const pdf = await pdfOf(receipt.id);
      const text = compactText(pdf);
      assert.ok(text.includes(receipt.number!), `${c.caseNumber}: its receipt prints its own number ${receipt.number}`);
      assert.ok(text.includes(c.caseNumber), `${c.caseNumber}: its receipt prints its own case number`);
      assert.ok(text.includes(names[i]!), `${c.caseNumber}: its receipt names its applicant`);
      assert.match(pdfsig(pdf), /Signature is Valid/);
    }
  });

  it('a registration failing inside its transaction leaves no case, no receipt and no gap', async () => {
    const before = await register('申请人甲');
    const user = (await findUserByUsername(env.db, 'cw'))!;
    const intake = validateIntake(applicationBody({ receivedDate: '2026-11-02', applicant: { ...(applicationBody().applicant as object), name: '失败者' } }), '2026-11-20');
    assert.ok(intake.ok);
    const count = async () => (await env.db('documents').count<{ n: number | string }[]>({ n: '*' }))[0]!.n;
    const documentsBefore = Number(await count());
    await assert.rejects(
      registerApplication(env.ctx, user, intake.value, [], null, async () => { throw new Error('fails after the receipt is issued'); }),
      /fails after the receipt is issued/,
    );
    assert.equal(Number(await count()), documentsBefore, 'no receipt left behind');
    assert.equal((await env.db('applications').where({ applicant_name: '失败者' })).length, 0, 'no case left behind');
    // The failed registration was forecast the next numbers; the one after it gets them.
    const after = await register('申请人乙');
    assert.equal(seqOf(after.caseNumber), seqOf(before.caseNumber) + 1);
    const receipt = receiptOf(after);
    assert.equal(seqOf(receipt.number!), seqOf(receiptOf(before).number!) + 1);
    const text = compactText(await pdfOf(receipt.id));
    assert.ok(text.includes(receipt.number!) && text.includes(after.caseNumber) && text.includes('申请人乙'), text);
  });

  it('a render worker dying under a registration answers 503, writes nothing, and is replaced for the next one', async () => {
    // At least one worker, whatever the machine's default (PDF_WORKERS).
    const workers = env.ctx.config.pdfWorkers;
    env.ctx.config.pdfWorkers = Math.max(1, workers);
    const pool = renderPool(env.ctx.config.pdfWorkers)!;
    try {
      const count = async (table: string) => Number((await env.db(table).count<{ n: number | string }[]>({ n: '*' }))[0]!.n);
      const counters = async () => (await env.db('counters').orderBy('key').select('key', 'last')).map((r) => `${r.key}=${r.last}`);
      const before = { applications: await count('applications'), documents: await count('documents'), audit: await count('audit_log'), counters: await counters() };
      pool.crashNext();
      const r = await request(env.app).post('/api/applications').set(auth())
        .send(applicationBody({ receivedDate: '2026-11-02', applicant: { ...(applicationBody().applicant as object), name: '崩溃时' } }));
      assert.equal(r.status, 503, JSON.stringify(r.body));
      assert.match(r.body.message, /文书生成失败.*请重试/);
      assert.deepEqual(
        { applications: await count('applications'), documents: await count('documents'), audit: await count('audit_log'), counters: await counters() },
        before, 'nothing written, no number taken',
      );
      const next = await register('崩溃后');
      const receipt = receiptOf(next);
      assert.equal(receipt.status, 'issued');
      assert.match(pdfsig(await pdfOf(receipt.id)), /Signature is Valid/);
    } finally {
      env.ctx.config.pdfWorkers = workers;
    }
  });

  it('a receipt rendered for numbers it does not get (another writer forecast ahead of it) is rendered again with the numbers it got', async () => {
    const first = await register('申请人丙');
    // A registration elsewhere that has forecast the next numbers and not yet committed: this one
    // is forecast the numbers after them, but is allocated the next ones.
    const other = await forecastCounters(env.db, await countersOf(first));
    try {
      const next = await register('申请人丁');
      assert.equal(seqOf(next.caseNumber), seqOf(first.caseNumber) + 1);
      assert.equal(seqOf(receiptOf(next).number!), seqOf(receiptOf(first).number!) + 1);
      await assertOwnReceipt(next, '申请人丁');
    } finally {
      other.done();
    }
  });

  it('a case number another instance took after this one was forecast: the case is written with the number it gets, nothing else left', async () => {
    const first = await register('申请人戊');
    const keys = await countersOf(first);
    // A registration of this process ahead of it keeps its turn until done(), so that the other
    // instance can write between this one's forecast and its transaction.
    const other = await forecastCounters(env.db, keys);
    try {
      const pending = register('申请人己');
      for (let i = 0; i < 500 && forecastsAhead(env.db, keys[0]!) < 2; i++) await new Promise((ok) => setTimeout(ok, 5));
      assert.equal(forecastsAhead(env.db, keys[0]!), 2, 'the registration has been forecast its numbers');
      // The other instance: takes the next two case numbers and writes a case under the second, the
      // very number this registration was forecast (its own and the one ahead of it).
      const taken = seqOf(first.caseNumber) + 2;
      await env.db.transaction(async (trx) => {
        const [n] = await nextCounters(trx, [keys[0]!]);
        const [m] = await nextCounters(trx, [keys[0]!]);
        assert.equal(m, taken, `counter took ${n} and ${m}`);
        const row = await trx('applications').where({ id: first.id }).first();
        delete row.id;
        await trx('applications').insert({ ...row, case_seq: taken, case_number: first.caseNumber.replace(/\d+$/, String(taken).padStart(4, '0')) });
      });
      other.done();
      const next = await pending;
      assert.equal(seqOf(next.caseNumber), taken + 1, 'the number after the other instance\'s');
      assert.equal((await env.db('applications').where({ applicant_name: '申请人己' })).length, 1, 'one case, under its own number');
      assert.equal(seqOf(receiptOf(next).number!), seqOf(receiptOf(first).number!) + 1);
      await assertOwnReceipt(next, '申请人己');
    } finally {
      other.done();
    }
  });

  it('a forecast counts a registration that has taken its numbers but not yet finished once, and gets back numbers rolled back', async () => {
    const keys = ['test:forecast:once'];
    const a = await forecastCounters(env.db, keys);
    try {
      // a takes its number and commits, but has not yet said done: the counter shows it, and a
      // forecast made now must not count it a second time.
      await env.db.transaction(async (trx) => a.taken(await nextCounters(trx, keys)));
      const b = await forecastCounters(env.db, keys);
      assert.equal(b.values[0], a.values[0]! + 1);
      a.done(true);
      // b takes its number and rolls back: the next forecast is b's number again.
      await assert.rejects(env.db.transaction(async (trx) => {
        b.taken(await nextCounters(trx, keys));
        throw new Error('rolled back');
      }), /rolled back/);
      b.done(false);
      const c = await forecastCounters(env.db, keys);
      assert.equal(c.values[0], b.values[0]);
      c.done();
    } finally {
      a.done();
    }
  });
});
