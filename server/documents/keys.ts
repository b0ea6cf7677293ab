// An agency's signing key and certificate, packed as a PKCS#12 (.p12) file.
//
// Electronic Signature Law of the PRC (《电子签名法》) Art. 13 asks that the signature creation
// data belong to the signer alone and that later changes to the document be detectable; a
// self-signed certificate gives the second (tamper evidence) but not third-party trust — for that an
// agency imports a certificate issued by a licensed CA (Art. 16–17) as a PKCS#12 file instead.
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import forge from 'node-forge';

export interface AgencyP12Options {
  agencyName: string;
  /** Unified social credit code or organisation code of the agency (统一社会信用代码). */
  agencyCode: string;
  passphrase: string;
  /** Validity in years (default 5). */
  years?: number;
  /** Start of validity (default: now). */
  now?: Date;
}

/**
 * Generates an RSA-2048 key (node:crypto, ~50–150 ms) and a self-signed X.509 certificate for the
 * agency (CN = O = agency name, OU = agency code, C = CN; keyUsage digitalSignature +
 * nonRepudiation), packed as PKCS#12 encrypted with 3DES (readable by OpenSSL 3 without the legacy
 * provider, unlike RC2-40).
 */
export function generateAgencyP12(opts: AgencyP12Options): Buffer {
  return generateAgencyKey(opts).p12;
}

/** generateAgencyP12, also returning the certificate (DER) so its facts are read without decrypting. */
export function generateAgencyKey(opts: AgencyP12Options): { p12: Buffer; certificate: Buffer } {
  const { agencyName, agencyCode, passphrase } = opts;
  if (!agencyName.trim()) throw new Error('agencyName is required for the agency certificate');
  const years = opts.years ?? 5;
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });

  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString());
  // A positive 127-bit serial (RFC 5280 §4.1.2.2: positive, at most 20 octets).
  const serial = randomBytes(16);
  serial[0] = serial[0]! & 0x7f;
  cert.serialNumber = serial.toString('hex');
  const notBefore = opts.now ? new Date(opts.now) : new Date();
  notBefore.setUTCMinutes(notBefore.getUTCMinutes() - 5); // tolerate small clock skew
  const notAfter = new Date(notBefore);
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + years);
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = notAfter;

  const utf8 = forge.asn1.Type.UTF8;
  const name = [
    { shortName: 'C', value: 'CN' },
    { shortName: 'O', value: agencyName, valueTagClass: utf8 },
    { shortName: 'OU', value: agencyCode, valueTagClass: utf8 },
    { shortName: 'CN', value: agencyName, valueTagClass: utf8 },
  ] as forge.pki.CertificateField[];
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, nonRepudiation: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);

  // Sign the TBSCertificate with node:crypto (forge's pure-JS RSA is ~30× slower).
  cert.signatureOid = forge.pki.oids['sha256WithRSAEncryption']!;
  cert.siginfo.algorithmOid = cert.signatureOid;
  // getTBSCertificate exists in node-forge but is missing from @types/node-forge.
  const pki = forge.pki as unknown as { getTBSCertificate(c: forge.pki.Certificate): forge.asn1.Asn1 };
  const tbs = pki.getTBSCertificate(cert);
  (cert as unknown as { tbsCertificate: forge.asn1.Asn1 }).tbsCertificate = tbs;
  const tbsDer = Buffer.from(forge.asn1.toDer(tbs).getBytes(), 'binary');
  cert.signature = sign('sha256', tbsDer, privateKey).toString('binary');

  const forgeKey = forge.pki.privateKeyFromPem(privateKey.export({ type: 'pkcs1', format: 'pem' }).toString());
  const p12 = forge.pkcs12.toPkcs12Asn1(forgeKey, [cert], passphrase, {
    algorithm: '3des',
    friendlyName: agencyName,
    generateLocalKeyId: true,
  });
  return {
    p12: Buffer.from(forge.asn1.toDer(p12).getBytes(), 'binary'),
    certificate: Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes(), 'binary'),
  };
}
