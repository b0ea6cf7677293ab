// Checks the last signature of a PDF (ISO 32000-1 §12.8: /ByteRange + /Contents holding a PKCS#7 /
// CMS SignedData, RFC 5652) without trusting anything in the file: the byte ranges are re-hashed,
// the hash compared with the signed messageDigest attribute, and the signature over the signed
// attributes checked with the embedded certificate's public key (node:crypto).
//
// This says the file is unchanged since it was signed and who holds the key (《电子签名法》 Art. 13);
// whether the certificate is trusted (issued by a licensed CA, not revoked) is a separate question
// this function does not answer.
import { createHash, verify as verifySignature, X509Certificate } from 'node:crypto';
import { tstInfoOf } from './timestamp.js';
import { DerError, raw, childrenOf, content, expect, oidOf, readDer, stringOf, timeOf, type Der } from './der.js';

export interface SignatureVerification {
  /** A signature dictionary (/ByteRange with /Contents) was found. */
  signed: boolean;
  /** The signature checks AND it covers the whole file (nothing appended or changed after signing). */
  valid: boolean;
  /** The byte ranges cover the whole file except the /Contents hex string. */
  coversWholeDocument: boolean;
  /** Common name of the signing certificate's subject. */
  signerName: string | null;
  /** The signingTime signed attribute, or (PAdES, which leaves it out) the signature dictionary's /M; ISO 8601. */
  signingTime: string | null;
  /** genTime of the signature's RFC 3161 time-stamp, when it carries one for this signature value. */
  timestampTime: string | null;
  /** SHA-256 of the signing certificate, 'AB:CD:…' as OpenSSL and node:crypto print it. */
  certificateFingerprint: string | null;
  /** Why the signature is not valid (or a note), in English. */
  reason?: string;
}

const OID = {
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  signatureTimeStampToken: '1.2.840.113549.1.9.16.2.14',
  commonName: '2.5.4.3',
  rsassaPss: '1.2.840.113549.1.1.10',
};

const HASHES: Record<string, string> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
  '1.2.156.10197.1.401': 'sm3',
};


class VerifyError extends DerError {}

interface CertInfo {
  der: Buffer;
  serial: Buffer;
  issuer: Buffer;
  commonName: string | null;
}

function certInfo(buf: Buffer, node: Der): CertInfo {
  const tbs = expect(childrenOf(buf, node)[0], 0x30, 'TBSCertificate');
  const fields = childrenOf(buf, tbs);
  const off = fields[0]?.tag === 0xa0 ? 1 : 0; // [0] EXPLICIT version
  const serial = expect(fields[off], 0x02, 'certificate serial number');
  const issuer = expect(fields[off + 2], 0x30, 'certificate issuer');
  const subject = expect(fields[off + 4], 0x30, 'certificate subject');
  let commonName: string | null = null;
  for (const rdn of childrenOf(buf, subject)) {
    for (const atv of childrenOf(buf, rdn)) {
      const [type, value] = childrenOf(buf, atv);
      if (type && value && oidOf(buf, type) === OID.commonName) commonName = stringOf(buf, value);
    }
  }
  return {
    der: buf.subarray(node.start, node.end),
    serial: content(buf, serial),
    issuer: buf.subarray(issuer.start, issuer.end),
    commonName,
  };
}

// ---- the PDF side ----

interface Located {
  byteRange: [number, number, number, number];
  contents: Buffer;
  coversWholeDocument: boolean;
}

function locateSignature(pdf: Buffer): Located | null {
  const at = pdf.lastIndexOf('/ByteRange');
  if (at < 0) return null;
  const head = pdf.subarray(at, Math.min(pdf.length, at + 120)).toString('latin1');
  const m = /^\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/.exec(head);
  if (!m) throw new VerifyError('the signature byte range is not filled in');
  const br = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])] as [number, number, number, number];
  const [a, b, c, d] = br;
  if (a + b > pdf.length || c + d > pdf.length || a + b > c) throw new VerifyError('the byte range lies outside the file');
  // The gap must be exactly the /Contents hex string of the signature.
  const gap = pdf.subarray(a + b, c).toString('latin1');
  if (!/^<[0-9A-Fa-f\s]*>$/.test(gap)) throw new VerifyError('the byte range does not exclude exactly the signature contents');
  const contentsKey = pdf.lastIndexOf('/Contents', a + b);
  if (contentsKey < 0 || !/^\/Contents\s*$/.test(pdf.subarray(contentsKey, a + b).toString('latin1'))) {
    throw new VerifyError('the byte range gap is not the /Contents of the signature');
  }
  const hex = gap.slice(1, -1).replace(/\s+/g, '');
  const contents = Buffer.from(hex.length % 2 ? hex + '0' : hex, 'hex');
  const coversWholeDocument = a === 0 && c + d === pdf.length;
  return { byteRange: br, contents, coversWholeDocument };
}

/** Verifies the last signature in `pdf`. Never throws: problems come back as valid false + reason. */
export function verifySignedPdf(pdf: Buffer): SignatureVerification {
  const result: SignatureVerification = {
    signed: false,
    valid: false,
    coversWholeDocument: false,
    signerName: null,
    signingTime: null,
    timestampTime: null,
    certificateFingerprint: null,
  };
  try {
    if (!Buffer.isBuffer(pdf) || pdf.length === 0) return { ...result, reason: 'not a PDF' };
    if (pdf.lastIndexOf('/ByteRange') < 0) return { ...result, reason: 'the PDF is not signed' };
    result.signed = true;
    const located = locateSignature(pdf);
    if (!located) return { ...result, reason: 'the PDF is not signed' };
    result.coversWholeDocument = located.coversWholeDocument;
    const { contents, byteRange } = located;

    // ContentInfo { contentType signedData, [0] EXPLICIT SignedData }
    const contentInfo = expect(readDer(contents, 0, contents.length), 0x30, 'ContentInfo');
    const [ciType, ciContent] = childrenOf(contents, contentInfo);
    if (!ciType || oidOf(contents, ciType) !== OID.signedData) throw new VerifyError('the signature is not PKCS#7 SignedData');
    const signedData = expect(childrenOf(contents, expect(ciContent, 0xa0, '[0] content'))[0], 0x30, 'SignedData');
    const sd = childrenOf(contents, signedData);
    const encap = expect(sd[2], 0x30, 'EncapsulatedContentInfo');
    if (childrenOf(contents, encap).length > 1) throw new VerifyError('only detached signatures (adbe.pkcs7.detached) are supported');
    const certs = sd.filter((n) => n.tag === 0xa0).flatMap((n) => childrenOf(contents, n)).map((n) => certInfo(contents, n));
    const signerInfos = expect(sd[sd.length - 1], 0x31, 'SignerInfos');
    const signerInfo = expect(childrenOf(contents, signerInfos)[0], 0x30, 'SignerInfo');
    const si = childrenOf(contents, signerInfo);

    // sid: IssuerAndSerialNumber (or [0] SubjectKeyIdentifier: fall back to trying each certificate)
    const sid = si[1];
    let candidates = certs;
    if (sid?.tag === 0x30) {
      const [issuer, serial] = childrenOf(contents, sid);
      if (issuer && serial) {
        const iss = contents.subarray(issuer.start, issuer.end);
        const ser = content(contents, serial);
        candidates = certs.filter((c) => c.issuer.equals(iss) && c.serial.equals(ser));
        if (candidates.length === 0) throw new VerifyError('the signer certificate named by the signature is not in it');
      }
    }
    if (candidates.length === 0) throw new VerifyError('the signature carries no certificate');

    const digestAlgOid = oidOf(contents, expect(childrenOf(contents, expect(si[2], 0x30, 'digestAlgorithm'))[0], 0x06, 'digest OID'));
    const hash = HASHES[digestAlgOid];
    if (!hash) throw new VerifyError(`unsupported digest algorithm ${digestAlgOid}`);
    let k = 3;
    const signedAttrs = si[k]?.tag === 0xa0 ? si[k++] : undefined;
    const sigAlg = expect(si[k++], 0x30, 'signatureAlgorithm');
    const sigAlgOid = oidOf(contents, childrenOf(contents, sigAlg)[0]!);
    if (sigAlgOid === OID.rsassaPss) throw new VerifyError('RSASSA-PSS signatures are not supported');
    const signature = content(contents, expect(si[k], 0x04, 'signature'));
    result.signingTime = claimedTime(pdf, located);
    const token = timestampTokenOf(contents, si[k + 1]);
    if (token) {
      const info = tstInfoOf(token);
      if (info.imprint.equals(createHash('sha256').update(signature).digest())) result.timestampTime = info.time;
    }

    const [a, b, c, d] = byteRange;
    const digest = createHash(hash).update(pdf.subarray(a, a + b)).update(pdf.subarray(c, c + d)).digest();

    let signedBytes: Buffer;
    if (signedAttrs) {
      let messageDigest: Buffer | null = null;
      for (const attr of childrenOf(contents, signedAttrs)) {
        const [type, values] = childrenOf(contents, attr);
        if (!type || !values) continue;
        const oid = oidOf(contents, type);
        const value = childrenOf(contents, values)[0];
        if (!value) continue;
        if (oid === OID.messageDigest) messageDigest = content(contents, expect(value, 0x04, 'messageDigest'));
        if (oid === OID.signingTime) result.signingTime = timeOf(contents, value);
      }
      if (!messageDigest) throw new VerifyError('the signed attributes lack a messageDigest');
      if (!messageDigest.equals(digest)) {
        fillSigner(result, candidates[0]!);
        return { ...result, reason: 'the document was changed after it was signed (digest mismatch)' };
      }
      // RFC 5652 §5.4: the signature is over the DER of the attributes as a SET OF (tag 0x31).
      signedBytes = Buffer.from(contents.subarray(signedAttrs.start, signedAttrs.end));
      signedBytes[0] = 0x31;
    } else {
      signedBytes = Buffer.concat([pdf.subarray(a, a + b), pdf.subarray(c, c + d)]);
    }

    for (const cert of candidates) {
      const x509 = new X509Certificate(cert.der);
      if (verifySignature(hash, signedBytes, x509.publicKey, signature)) {
        fillSigner(result, cert);
        result.certificateFingerprint = x509.fingerprint256;
        if (!located.coversWholeDocument) {
          return { ...result, reason: 'the signature is intact but the file was extended or changed after signing' };
        }
        return { ...result, valid: true };
      }
    }
    fillSigner(result, candidates[0]!);
    return { ...result, reason: 'the signature does not match the signed attributes and certificate' };
  } catch (err) {
    const message = err instanceof DerError ? err.message : `unreadable signature: ${err instanceof Error ? err.message : String(err)}`;
    return { ...result, valid: false, reason: message };
  }
}

/** The signature-time-stamp token among the unsigned attributes ([1] after the signature), if any. */
function timestampTokenOf(contents: Buffer, unsigned: Der | undefined): Buffer | null {
  if (unsigned?.tag !== 0xa1) return null;
  for (const attr of childrenOf(contents, unsigned)) {
    const [type, values] = childrenOf(contents, attr);
    if (type && values && oidOf(contents, type) === OID.signatureTimeStampToken) {
      const token = childrenOf(contents, values)[0];
      if (token) return raw(contents, token);
    }
  }
  return null;
}

/** The RFC 3161 token of the last signature of `pdf` (tests hand it to `openssl ts -verify`). */
export function signatureTimestamp(pdf: Buffer): { token: Buffer; signature: Buffer } | null {
  const located = locateSignature(pdf);
  if (!located) return null;
  const { contents } = located;
  const sd = childrenOf(contents, childrenOf(contents, childrenOf(contents, readDer(contents, 0, contents.length))[1]!)[0]!);
  const si = childrenOf(contents, childrenOf(contents, sd[sd.length - 1]!)[0]!);
  const at = si.findIndex((n) => n.tag === 0x04);
  const token = timestampTokenOf(contents, si[at + 1]);
  return token ? { token: Buffer.from(token), signature: Buffer.from(content(contents, si[at]!)) } : null;
}

/** PAdES: the claimed signing time is the signature dictionary's /M (D:YYYYMMDDHHmmSS and a zone). */
function claimedTime(pdf: Buffer, located: Located): string | null {
  const [a, b, c] = located.byteRange;
  const around = pdf.subarray(Math.max(0, pdf.lastIndexOf('/Type /Sig', a + b)), Math.min(pdf.length, c + 4096)).toString('latin1');
  const m = /\/M\s*\(D:(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(Z|[+-]\d{2}'?\d{2}'?)?/.exec(around);
  if (!m) return null;
  const zone = !m[7] || m[7] === 'Z' ? 'Z' : `${m[7].slice(0, 3)}:${m[7].replace(/'/g, '').slice(3, 5)}`;
  const t = Date.parse(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${zone}`);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

function fillSigner(result: SignatureVerification, cert: CertInfo): void {
  result.signerName = cert.commonName;
  try {
    result.certificateFingerprint = new X509Certificate(cert.der).fingerprint256;
  } catch {
    result.certificateFingerprint = null;
  }
}
