import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { renderDocumentPdf } from '../../server/documents/layout.js';
import { RENDER_WORKER_NICE, RenderPool } from '../../server/documents/render-pool.js';
import { verifySignedPdf } from '../../server/documents/verify.js';
import { AGENCY, VECTOR_SEAL, compactText, pdfsig, reply, requireTools, testSigner } from './pdf-helpers.js';

// Issue 15: documents rendered in a worker thread are the documents the main thread makes.
describe('rendering in worker threads (PDF_WORKERS)', function () {
  this.timeout(60_000);
  let pool: RenderPool;
  before(() => {
    pool = new RenderPool(1);
  });
  after(async () => pool.close());

  it('an unsigned document comes out byte for byte as in the main thread', async () => {
    const content = reply();
    const here = await renderDocumentPdf(content, { seal: VECTOR_SEAL, signer: null, info: { title: '答复书', keywords: 'k' } });
    const there = await pool.render(content, { seal: VECTOR_SEAL, signer: null, info: { title: '答复书', keywords: 'k' } });
    assert.ok(there.equals(here));
  });

  it('a document signed in a worker with the agency key carries a valid signature', async () => {
    requireTools('pdfsig', 'pdftotext');
    const signer = testSigner();
    const pdf = await pool.render(reply(), { seal: VECTOR_SEAL, signer: signer.parts() });
    assert.match(pdfsig(pdf), /Signature is Valid/);
    const verified = verifySignedPdf(pdf);
    assert.ok(verified.valid);
    assert.equal(verified.signerName, signer.signerName);
    assert.ok(compactText(pdf).includes(AGENCY));
  });

  it('the worker renders at a lower priority than the request thread (Linux: its own nice value)', async function () {
    if (!existsSync('/proc/self/task')) this.skip();
    // /proc/<pid>/task/<tid>/stat: the 19th field is the thread's nice value (after the command in parentheses).
    const nices = () => readdirSync('/proc/self/task').map((tid) => {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
    });
    await pool.render(reply(), { seal: null, signer: null }); // the worker is up
    const all = nices();
    assert.equal(all[0], 0, 'the main thread stays at the default');
    assert.equal(all.filter((n) => n === RENDER_WORKER_NICE).length, 1, `one thread at nice ${RENDER_WORKER_NICE}: ${all.join(',')}`);
  });

  it('a worker that dies fails its document with a message to retry, and the next document is rendered by its replacement', async () => {
    pool.crashNext();
    await assert.rejects(pool.render(reply(), { seal: null, signer: null }), /文书生成失败.*请重试/);
    const pdf = await pool.render(reply(), { seal: null, signer: null });
    assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
  });
});
