import assert from 'node:assert/strict';
import { renderDocumentPdf } from '../../server/documents/layout.js';
import { verifySignedPdf } from '../../server/documents/verify.js';
import { AGENCY, VECTOR_SEAL, pdfsig, reply, requireTools, testSigner } from './pdf-helpers.js';

function byteRangeOf(pdf: Buffer): [number, number, number, number] {
  const m = /\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/.exec(pdf.toString('latin1'));
  assert.ok(m, 'a /ByteRange is present');
  return [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])];
}

describe('signed replies (PKCS#7 detached, 《电子签名法》 Art. 13)', function () {
  let signed: Buffer;

  before(async function () {
    this.timeout(60_000);
    signed = await renderDocumentPdf(reply(), { seal: VECTOR_SEAL, signer: testSigner() });
  });

  it('pdfsig reports a valid signature that covers the whole document', function () {
    requireTools('pdfsig');
    const out = pdfsig(signed);
    assert.match(out, /Signature Validation: Signature is Valid\./);
    assert.match(out, /Total document signed/);
    assert.match(out, /Signing Hash Algorithm: SHA-256/);
    assert.match(out, new RegExp(`Signer Certificate Common Name: ${AGENCY}`));
  });

  it('verifySignedPdf accepts the untouched file and names the signer', function () {
    const v = verifySignedPdf(signed);
    assert.equal(v.reason, undefined);
    assert.equal(v.signed, true);
    assert.equal(v.valid, true);
    assert.equal(v.coversWholeDocument, true);
    assert.equal(v.signerName, AGENCY);
    assert.equal(v.certificateFingerprint, testSigner().fingerprint);
    assert.ok(v.signingTime && Math.abs(Date.parse(v.signingTime) - Date.now()) < 10 * 60_000);
  });

  it('one flipped byte in the signed content makes pdfsig and verifySignedPdf reject the file', function () {
    requireTools('pdfsig');
    const [, , start, length] = byteRangeOf(signed);
    const tampered = Buffer.from(signed);
    const at = start + Math.floor(length / 2);
    tampered[at] = tampered[at]! ^ 0x01;
    assert.doesNotMatch(pdfsig(tampered), /Signature is Valid/);
    const v = verifySignedPdf(tampered);
    assert.equal(v.signed, true);
    assert.equal(v.valid, false);
    assert.match(v.reason ?? '', /changed after it was signed/);
  });

  it('bytes appended after signing keep the signature intact but not valid for the whole file', function () {
    const extended = Buffer.concat([signed, Buffer.from('\n% appended\n')]);
    const v = verifySignedPdf(extended);
    assert.equal(v.coversWholeDocument, false);
    assert.equal(v.valid, false);
    assert.match(v.reason ?? '', /extended or changed after signing/);
  });

  it('one signer instance signs many documents, each with its own valid signature', async function () {
    const signer = testSigner();
    const a = await renderDocumentPdf(reply({ number: '东规资公复〔2026〕13号' }), { seal: VECTOR_SEAL, signer });
    const b = await renderDocumentPdf(reply({ number: '东规资公复〔2026〕14号' }), { seal: null, signer });
    assert.equal(verifySignedPdf(a).valid, true);
    assert.equal(verifySignedPdf(b).valid, true);
  });

  it('verifySignedPdf never throws on garbage, unsigned or truncated input', async function () {
    const unsigned = await renderDocumentPdf(reply(), { seal: VECTOR_SEAL, signer: null });
    const cases: Array<[Buffer, boolean]> = [
      [Buffer.alloc(0), false],
      [Buffer.from('hello world'), false],
      [Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7919) % 256)), false],
      [unsigned, false],
      [signed.subarray(0, Math.floor(signed.length / 2)), true],
      [Buffer.from(signed.toString('latin1').replace(/\/Contents <3/, '/Contents <f'), 'latin1'), true],
    ];
    for (const [input, signedExpected] of cases) {
      const v = verifySignedPdf(input);
      assert.equal(v.valid, false);
      assert.equal(v.signed, signedExpected, `signed for input of ${input.length} bytes: ${v.reason}`);
      assert.ok(v.reason, 'a reason is given');
    }
  });

  it('signing time and reason go into the signature dictionary', async function () {
    const time = new Date('2026-03-12T02:30:00Z');
    const pdf = await renderDocumentPdf(reply(), {
      seal: VECTOR_SEAL,
      signer: testSigner(),
      signature: { time, reason: '政府信息公开答复', location: '北京市东城区' },
    });
    assert.equal(verifySignedPdf(pdf).signingTime, time.toISOString());
  });
});
