// The CMS signature of a PDF as PAdES baseline asks (ETSI EN 319 142-1, SubFilter ETSI.CAdES.detached;
// CAdES, ETSI EN 319 122-1): a detached SignedData (RFC 5652) with SHA-256, the signed attributes
// content-type, message-digest and signing-certificate-v2 (RFC 5035: binds the signature to the one
// certificate, so a second certificate for the same key cannot be substituted), no signing-time
// attribute (PAdES puts the claimed time in the signature dictionary's /M), the certificate chain,
// and when a time-stamp authority is configured the signature-time-stamp as an unsigned attribute.
import { createHash, sign, type KeyObject } from 'node:crypto';
import { childrenOf, der, expect, octets, oid, raw, readDer, seq, setOf, smallInteger } from './der.js';

export const OIDS = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha256WithRsa: '1.2.840.113549.1.1.11',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  signatureTimeStampToken: '1.2.840.113549.1.9.16.2.14',
};

const attribute = (type: string, ...values: Buffer[]) => seq(oid(type), setOf(...values));

/** Issuer Name and serialNumber INTEGER of a certificate, as the bytes in its DER. */
export function issuerAndSerial(certDer: Buffer): { issuer: Buffer; serial: Buffer } {
  const cert = expect(readDer(certDer, 0, certDer.length), 0x30, 'Certificate');
  const fields = childrenOf(certDer, expect(childrenOf(certDer, cert)[0], 0x30, 'TBSCertificate'));
  const off = fields[0]?.tag === 0xa0 ? 1 : 0; // [0] EXPLICIT version
  return {
    serial: raw(certDer, expect(fields[off], 0x02, 'serialNumber')),
    issuer: raw(certDer, expect(fields[off + 2], 0x30, 'issuer')),
  };
}

/** The signed attributes, DER-encoded as the SET OF that is signed (RFC 5652 §5.4). */
export function signedAttributes(contentDigest: Buffer, signerCertDer: Buffer): Buffer {
  const { issuer, serial } = issuerAndSerial(signerCertDer);
  // ESSCertIDv2 { hashAlgorithm DEFAULT sha256 (so left out), certHash, issuerSerial { GeneralNames { [4] Name }, serial } }
  const certId = seq(octets(createHash('sha256').update(signerCertDer).digest()), seq(seq(der(0xa4, issuer)), serial));
  return setOf(
    attribute(OIDS.contentType, oid(OIDS.data)),
    attribute(OIDS.messageDigest, octets(contentDigest)),
    attribute(OIDS.signingCertificateV2, seq(seq(certId))),
  );
}

export interface CadesOptions {
  key: KeyObject;
  /** DER certificates, the signer's first, then its chain upwards. */
  certificates: Buffer[];
  /** Asked for a signature-time-stamp token over the SHA-256 of the signature value; null: none. */
  timestamp?: (signatureDigest: Buffer) => Promise<Buffer | null>;
}

/** ContentInfo { signedData } over `content` (detached: the PDF's byte ranges), DER. */
export async function cadesDetached(content: Buffer, opts: CadesOptions): Promise<Buffer> {
  const [own] = opts.certificates;
  if (!own) throw new Error('no signing certificate');
  const attrs = signedAttributes(createHash('sha256').update(content).digest(), own);
  const signature = sign('sha256', attrs, opts.key);
  const token = opts.timestamp ? await opts.timestamp(createHash('sha256').update(signature).digest()) : null;
  const { issuer, serial } = issuerAndSerial(own);
  const digestAlgorithm = seq(oid(OIDS.sha256));
  const signerInfo = seq(
    smallInteger(1),
    seq(issuer, serial),
    digestAlgorithm,
    Buffer.concat([Buffer.from([0xa0]), attrs.subarray(1)]), // [0] IMPLICIT: the same bytes under another tag
    seq(oid(OIDS.sha256WithRsa), Buffer.from([0x05, 0x00])),
    octets(signature),
    ...(token ? [der(0xa1, attribute(OIDS.signatureTimeStampToken, token))] : []),
  );
  const signedData = seq(
    smallInteger(1),
    setOf(digestAlgorithm),
    seq(oid(OIDS.data)),
    der(0xa0, ...opts.certificates),
    setOf(signerInfo),
  );
  return seq(oid(OIDS.signedData), der(0xa0, signedData));
}
