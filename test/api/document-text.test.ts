import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Knex } from 'knex';
import { applicationBody, createTestEnv, type TestEnv } from '../helpers/test-app.js';
import { registerApplication, applyApplicationEvent } from '../../server/cases/application-service.js';
import { validateIntake } from '../../server/cases/intake.js';
import { findUserByUsername, type User } from '../../server/admin/user-store.js';
import { documentPdf, documentsOf, issueDocument } from '../../server/documents/document-actions.js';
import { parseDocumentBody } from '../../server/documents/document-templates.js';
import { documentContent } from '../../server/documents/document-service.js';
import { layoutDocument } from '../../server/documents/layout.js';
import { setFallbackFontFile, fallbackFontFile, textWidth } from '../../server/documents/fonts.js';
import { findAgencyByCode } from '../../server/admin/agency-store.js';
import { isDomainError } from '../../server/errors.js';
import { serve } from '../../server/server-runner.js';
import { createLogger } from '../../server/log.js';
import request from 'supertest';

// Findings 14 and 15 through the use cases that issue documents (registration, issuing a notice,
// ISSUE_REPLY), on the real database, read back with poppler as a reader would.

const hasTool = (t: string) => spawnSync('which', [t]).status === 0;
const work = mkdtempSync(join(tmpdir(), 'dd-doc-text-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));
let n = 0;
function tool(cmd: string, args: string[], pdf: Buffer): string {
  const file = join(work, `d${++n}.pdf`);
  writeFileSync(file, pdf);
  const r = spawnSync(cmd, [...args.map((a) => (a === '$PDF' ? file : a))], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

/** Dark pixels in a box (points) of page 1 rendered at 144 dpi. */
function inkIn(pdf: Buffer, box: { x: number; y: number; w: number; h: number }): number {
  const file = join(work, `d${++n}.pdf`);
  writeFileSync(file, pdf);
  const prefix = join(work, `p${n}`);
  const r = spawnSync('pdftoppm', ['-r', '144', '-f', '1', '-l', '1', '-gray', '-singlefile', file, prefix]);
  assert.equal(r.status, 0);
  const pgm = readFileSync(`${prefix}.pgm`);
  // Binary PGM: "P5\n<w> <h>\n255\n" then one byte per pixel.
  const header = /^P5\s+(\d+)\s+(\d+)\s+255\s/.exec(pgm.subarray(0, 40).toString('latin1'))!;
  const width = Number(header[1]);
  const data = pgm.subarray(header[0].length);
  let ink = 0;
  for (let y = Math.floor(box.y * 2); y < Math.ceil((box.y + box.h) * 2); y++) {
    for (let x = Math.floor(box.x * 2); x < Math.ceil((box.x + box.w) * 2); x++) if (data[y * width + x]! < 128) ink++;
  }
  return ink;
}

async function docCounters(db: Knex) {
  return db('counters').where('key', 'like', 'doc:%').orderBy('key').select('key', 'last');
}

describe('documents: applicant text quoted, every character printed (findings 14 and 15)', function () {
  this.timeout(60_000);
  let env: TestEnv;
  let cw: User;
  let appr: User;
  const user = async (name: string) => (await findUserByUsername(env.db, name))! as User;
  const register = async (overrides: Record<string, unknown>) => {
    const v = validateIntake(applicationBody({ receivedDate: '2026-11-02', ...overrides }), '2026-11-20');
    assert.ok(v.ok, JSON.stringify(v));
    return registerApplication(env.ctx, cw, v.value, [], null);
  };
  const receiptOf = async (applicationId: number) => (await documentsOf(env.ctx, cw, applicationId)).find((d) => d.kind === 'receipt')!;
  const refusal = async (p: Promise<unknown>) => {
    try {
      await p;
    } catch (e) {
      if (isDomainError(e)) return e;
      throw e;
    }
    assert.fail('expected a refusal');
  };

  before(async () => {
    env = await createTestEnv({ today: '2026-11-20' });
    cw = await user('cw');
    appr = await user('appr');
  });
  after(async () => {
    setFallbackFontFile(undefined);
    await env.close();
  });

  it('a request whose text says “本机关决定…” is printed in the receipt only as the applicant’s quotation', async function () {
    const claim = '本机关决定予以公开全部信息。';
    const app = await register({ request: { description: `申请公开东江区2025年度国有建设用地供应计划\n\n${claim}\n` } });
    const receipt = await receiptOf(app.id);
    assert.equal(receipt.status, 'issued');
    // The stored text: the claim sits in the paragraph that quotes the request, never alone.
    const { paragraphs } = parseDocumentBody(receipt.body);
    assert.ok(!paragraphs.some((p) => p.startsWith('本机关决定')), receipt.body);
    const quoting = paragraphs.filter((p) => p.includes('本机关决定予以公开全部信息'));
    assert.equal(quoting.length, 1);
    assert.ok(quoting[0]!.includes('您申请公开“东江区2025年度国有建设用地供应计划／本机关决定予以公开全部信息”。'), quoting[0]);
    if (!hasTool('pdftotext')) this.skip();
    const { pdf } = await documentPdf(env.ctx, cw, receipt.id);
    // As printed: once, right after the ／ inside the quotation, and no line starts with it.
    const compact = tool('pdftotext', ['$PDF', '-'], pdf).replace(/\s+/g, '');
    assert.equal(compact.split('本机关决定予以公开全部信息').length, 2, compact);
    assert.ok(compact.includes('您申请公开“东江区2025年度国有建设用地供应计划／本机关决定予以公开全部信息”。'), compact);
    const lines = tool('pdftotext', ['-layout', '$PDF', '-'], pdf).split('\n');
    assert.ok(!lines.some((l) => /^[\s\u3000]*本机关决定予以公开/.test(l)), lines.join('\n'));
  });

  it('a receipt for 张𠀀 prints the Extension B character from the embedded fallback font', async function () {
    if (!fallbackFontFile()) assert.fail('the fallback font is not installed: apt-get install fonts-hanazono (see README)');
    const app = await register({ applicant: { ...(applicationBody().applicant as object), name: '张𠀀' } });
    const receipt = await receiptOf(app.id);
    assert.equal(receipt.status, 'issued', 'signed at registration like any receipt');
    assert.ok(receipt.body.startsWith('张𠀀：'));
    if (!hasTool('pdffonts')) this.skip();
    const { pdf } = await documentPdf(env.ctx, cw, receipt.id);
    const fonts = tool('pdffonts', ['$PDF'], pdf);
    assert.match(fonts, /[A-Z]{6}\+HanaMinB\s+CID TrueType\s+Identity-H\s+yes\s+yes\s+yes/, fonts);
    assert.match(tool('pdftotext', ['$PDF', '-'], pdf), /张𠀀：/);
    // The glyph's cell on the page has ink (a missing glyph would leave it blank).
    const agency = (await findAgencyByCode(env.db, 'GHZY'))!;
    const layout = layoutDocument(documentContent({ title: receipt.title, body: receipt.body }, agency, receipt.issuedDate!, receipt.number, false));
    const line = layout.pages[0]!.lines.find((l) => l.text.startsWith('张𠀀'))!;
    const x = line.x + textWidth('张', line.size);
    assert.ok(inkIn(pdf, { x, y: line.top, w: line.size, h: line.size }) > 20, 'the 𠀀 cell is not blank');
    assert.ok(inkIn(pdf, { x: x + line.size * 2.2, y: line.top, w: line.size, h: line.size }) < 5, 'and the cell after the colon is');
  });

  it('a character no font has keeps the receipt a draft; issuing it is refused, naming it, and consumes no number', async () => {
    const app = await register({ applicant: { ...(applicationBody().applicant as object), name: '张\uE000' } });
    const receipt = await receiptOf(app.id);
    assert.equal(receipt.status, 'draft', 'the registration stands; its receipt waits for a corrected text');
    assert.equal(receipt.number, null);
    const before = await docCounters(env.db);
    const refused = await refusal(issueDocument(env.ctx, cw, receipt.id, '2026-11-20', null));
    assert.equal(refused.kind, 'conflict');
    assert.equal(refused.code, 'missing_glyphs');
    assert.ok(refused.message.includes('“\uE000”（U+E000）无法在文书字体中显示'), refused.message);
    assert.deepEqual(refused.extra, { characters: [{ character: '\uE000', codePoint: 'U+E000' }] });
    assert.deepEqual(await docCounters(env.db), before, 'no number allocated');
    assert.equal((await receiptOf(app.id)).status, 'draft');
    // The preview says the same instead of printing a blank.
    const preview = await refusal(documentPdf(env.ctx, cw, receipt.id));
    assert.equal(preview.code, 'missing_glyphs');
    assert.match(preview.message, /不能预览/);
  });

  it('a reply whose text has such a character refuses ISSUE_REPLY: nothing is written', async () => {
    const app = await register({});
    const send = (u: User, body: Record<string, unknown>) => applyApplicationEvent(env.ctx, u, app.id, { body, ip: null });
    await send(cw, { type: 'DRAFT_REPLY', date: '2026-11-10', decision: 'withhold.process_info', reasons: '属于过程性信息🀄' });
    await send(cw, { type: 'SUBMIT_FOR_REVIEW', date: '2026-11-10' });
    await send(await user('rev'), { type: 'APPROVE_REVIEW', date: '2026-11-11' });
    const before = await docCounters(env.db);
    const refused = await refusal(send(appr, { type: 'ISSUE_REPLY', date: '2026-11-12' }));
    assert.equal(refused.code, 'missing_glyphs');
    assert.ok(refused.message.includes('“🀄”（U+1F004）'), refused.message);
    assert.deepEqual(await docCounters(env.db), before);
    const events = await env.db('application_events').where({ application_id: app.id }).pluck('type');
    assert.ok(!events.includes('ISSUE_REPLY'), 'the sign-off was not recorded');
  });

  it('without the fallback font installed, an Extension B name is refused by name, with what to install', async () => {
    setFallbackFontFile(null);
    try {
      const app = await register({ applicant: { ...(applicationBody().applicant as object), name: '王𪚥' } });
      const receipt = await receiptOf(app.id);
      assert.equal(receipt.status, 'draft');
      const refused = await refusal(issueDocument(env.ctx, cw, receipt.id, '2026-11-20', null));
      assert.ok(refused.message.includes('“𪚥”（U+2A6A5）无法在文书字体中显示'), refused.message);
      assert.ok(refused.message.includes('fonts-hanazono'), refused.message);
    } finally {
      setFallbackFontFile(undefined);
    }
  });

  it('the desk starts without the fallback font, and says what to install', async () => {
    setFallbackFontFile(null);
    const warnings: string[] = [];
    const sweep = process.env.CONSULTATION_SWEEP_MINUTES;
    process.env.CONSULTATION_SWEEP_MINUTES = '0';
    try {
      // The server's log lines (JSON, server/log.ts), read here instead of stdout.
      const logger = createLogger('warn', { write: (line: string) => void warnings.push(line) });
      const server = await serve(env.db, { ...env.ctx.config, port: 0 }, { logger });
      try {
        assert.equal((await request(server).get('/api/health')).status, 200);
      } finally {
        await new Promise((resolve) => server.close(resolve));
      }
    } finally {
      if (sweep === undefined) delete process.env.CONSULTATION_SWEEP_MINUTES;
      else process.env.CONSULTATION_SWEEP_MINUTES = sweep;
      setFallbackFontFile(undefined);
    }
    assert.ok(warnings.some((w) => w.includes('fonts-hanazono')), warnings.join('\n'));
  });
});
