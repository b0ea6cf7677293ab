import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { generateAgencyP12 } from '../../server/documents/keys.js';
import { AgencySigner, loadAgencySigner } from '../../server/documents/signer.js';
import { writeTemp } from './pdf-helpers.js';

describe('agency signing keys (PKCS#12)', function () {
  this.timeout(30_000);
  const agencyName = '上海市浦东新区人民政府办公室';
  const passphrase = 's3cret-口令';
  let p12: Buffer;

  before(function () {
    p12 = generateAgencyP12({ agencyName, agencyCode: '11310115002487000A', passphrase, years: 3 });
  });

  it('loads with its passphrase and describes the agency certificate', function () {
    const signer = loadAgencySigner(p12, passphrase);
    assert.ok(signer instanceof AgencySigner);
    assert.equal(signer.signerName, agencyName);
    assert.match(signer.fingerprint, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    const years = (signer.validTo.getTime() - Date.now()) / (365.25 * 24 * 3600 * 1000);
    assert.ok(years > 2.9 && years < 3.1, `valid for ~3 years, got ${years}`);
    const subject = signer.certificate.subject;
    assert.equal(subject.getField('OU')?.value, '11310115002487000A');
    assert.equal(subject.getField('C')?.value, 'CN');
  });

  it('refuses a wrong passphrase with a clear error', function () {
    assert.throws(() => loadAgencySigner(p12, 'wrong'), /wrong passphrase/);
  });

  it('refuses a file that is not PKCS#12', function () {
    assert.throws(() => loadAgencySigner(Buffer.from('not a p12 file'), passphrase), /cannot read the agency signing certificate/);
  });

  it('is readable by OpenSSL 3 (3DES, no legacy provider)', function () {
    const r = spawnSync('openssl', ['pkcs12', '-info', '-nokeys', '-in', writeTemp(p12, 'agency'), '-passin', `pass:${passphrase}`], {
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /BEGIN CERTIFICATE/);
  });

  it('signs with keyUsage digitalSignature and nonRepudiation on the certificate', function () {
    const signer = loadAgencySigner(p12, passphrase);
    const ku = signer.certificate.getExtension('keyUsage') as { digitalSignature?: boolean; nonRepudiation?: boolean } | null;
    assert.equal(ku?.digitalSignature, true);
    assert.equal(ku?.nonRepudiation, true);
  });
});
