// Signing a PDF on behalf of an agency: a PKCS#7 detached signature (adbe.pkcs7.detached, ISO
// 32000-1 §12.8.3.3) with SHA-256 and the signed attributes contentType, messageDigest and
// signingTime (RFC 2315 §9.2), as a reliable electronic signature under the Electronic Signature
// Law of the PRC (《电子签名法》) Art. 13.
//
// Performance: @signpdf's P12Signer decrypts the PKCS#12 (PBKDF in pure JS) on every signature and
// signs with forge's pure-JS RSA (~140 ms). AgencySigner decrypts once, keeps the key as a
// node:crypto KeyObject, and lets forge build only the PKCS#7 structure; the RSA operation is done
// by OpenSSL (~1–3 ms). One instance signs any number of documents.
import { constants, createPrivateKey, privateEncrypt, X509Certificate, type KeyObject } from 'node:crypto';
import { Signer } from '@signpdf/utils';
import forge from 'node-forge';

/** Anything @signpdf/signpdf accepts (it checks `instanceof Signer`). */
export type DocumentSigner = Signer;

/** DER prefix of a DigestInfo for SHA-256 (RFC 8017 §9.2 note 1). */
const SHA256_DIGEST_INFO = Buffer.from('3031300d060960864801650304020105000420', 'hex');

export class AgencySigner extends Signer {
  readonly certificate: forge.pki.Certificate;
  /** Subject common name of the signing certificate (the agency name). */
  readonly signerName: string;
  /** SHA-256 fingerprint of the certificate, upper-case hex with colons (as OpenSSL prints it). */
  readonly fingerprint: string;
  readonly validTo: Date;
  /** Bytes to reserve in the PDF for the signature (/Contents holds twice as many hex digits). */
  readonly signatureLength: number;
  readonly #key: KeyObject;
  readonly #certificates: forge.pki.Certificate[];

  /** Decrypts the PKCS#12 once. Throws a clear Error on a wrong passphrase or a bad file. */
  constructor(p12: Buffer, passphrase: string) {
    super();
    let pfx: forge.pkcs12.Pkcs12Pfx;
    try {
      const asn = forge.asn1.fromDer(p12.toString('binary'));
      pfx = forge.pkcs12.pkcs12FromAsn1(asn, false, passphrase);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (/MAC could not be verified|Invalid password/i.test(message)) {
        throw new Error('wrong passphrase for the agency signing certificate (PKCS#12)');
      }
      throw new Error(`cannot read the agency signing certificate (PKCS#12): ${message}`);
    }
    const keyBags = pfx.getBags({ bagType: forge.pki.oids['pkcs8ShroudedKeyBag']! })[forge.pki.oids['pkcs8ShroudedKeyBag']!] ?? [];
    const plainKeyBags = pfx.getBags({ bagType: forge.pki.oids['keyBag']! })[forge.pki.oids['keyBag']!] ?? [];
    const keyBag = [...keyBags, ...plainKeyBags].find((b) => b.key);
    if (!keyBag?.key) throw new Error('the PKCS#12 file holds no RSA private key');
    const certBags = pfx.getBags({ bagType: forge.pki.oids['certBag']! })[forge.pki.oids['certBag']!] ?? [];
    const certificates = certBags.flatMap((b) => (b.cert ? [b.cert] : []));
    certificates.forEach(decodeNames);
    const forgeKey = keyBag.key as forge.pki.rsa.PrivateKey;
    // The signing certificate is the one whose public key matches the private key.
    const own = certificates.find((c) => {
      const pub = c.publicKey as forge.pki.rsa.PublicKey;
      return pub.n !== undefined && pub.n.equals(forgeKey.n);
    });
    if (!own) throw new Error('the PKCS#12 file holds no certificate for its private key');
    this.certificate = own;
    this.#certificates = [own, ...certificates.filter((c) => c !== own)];
    this.#key = createPrivateKey(forge.pki.privateKeyToPem(forgeKey));

    const der = Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(own)).getBytes(), 'binary');
    const x509 = new X509Certificate(der);
    this.fingerprint = x509.fingerprint256;
    this.validTo = own.validity.notAfter;
    this.signerName = String(own.subject.getField('CN')?.value ?? '');
    const chainBytes = this.#certificates.reduce(
      (n, c) => n + forge.asn1.toDer(forge.pki.certificateToAsn1(c)).length(),
      0,
    );
    // Certificates + signature + attributes and ASN.1 overhead, rounded up with room to spare.
    this.signatureLength = Math.ceil((chainBytes + 1024 + 1024) / 512) * 512;
  }

  /** Returns the DER PKCS#7 SignedData (detached) over `pdfBuffer`. */
  async sign(pdfBuffer: Buffer, signingTime?: Date): Promise<Buffer> {
    return this.signDetached(pdfBuffer, signingTime ?? new Date());
  }

  signDetached(content: Buffer, signingTime: Date): Buffer {
    const p7 = forge.pkcs7.createSignedData();
    p7.content = forge.util.createBuffer(content.toString('binary'));
    for (const c of this.#certificates) p7.addCertificate(c);
    const key = this.#key;
    // forge calls key.sign(md) with the SHA-256 of the DER-encoded signed attributes; the
    // RSASSA-PKCS1-v1_5 signature over it is a private-key operation on its DigestInfo.
    const rsaKey = {
      sign(md: forge.md.MessageDigest): string {
        const digest = Buffer.from(md.digest().getBytes(), 'binary');
        const digestInfo = Buffer.concat([SHA256_DIGEST_INFO, digest]);
        return privateEncrypt({ key, padding: constants.RSA_PKCS1_PADDING }, digestInfo).toString('binary');
      },
    };
    p7.addSigner({
      key: rsaKey as unknown as forge.pki.rsa.PrivateKey,
      certificate: this.certificate,
      digestAlgorithm: forge.pki.oids['sha256']!,
      authenticatedAttributes: [
        { type: forge.pki.oids['contentType']!, value: forge.pki.oids['data']! },
        { type: forge.pki.oids['messageDigest']! },
        { type: forge.pki.oids['signingTime']!, value: signingTime.toISOString() },
      ],
    });
    p7.sign({ detached: true });
    return Buffer.from(forge.asn1.toDer(p7.toAsn1()).getBytes(), 'binary');
  }
}

/**
 * forge keeps UTF8String name values of a parsed certificate as raw UTF-8 bytes but encodes them
 * again when it writes a name (e.g. the PKCS#7 issuerAndSerialNumber), which would double-encode a
 * Chinese issuer and make the signer certificate unfindable (OpenSSL: "signer certificate not
 * found"). Decode them once after parsing. The certificate's own DER is unaffected (forge keeps the
 * parsed TBSCertificate).
 */
function decodeNames(cert: forge.pki.Certificate): void {
  for (const attr of [...cert.subject.attributes, ...cert.issuer.attributes]) {
    if ((attr.valueTagClass as number | undefined) === forge.asn1.Type.UTF8 && typeof attr.value === 'string') {
      attr.value = forge.util.decodeUtf8(attr.value);
    }
  }
}

/** Loads an agency's PKCS#12 once at start-up; the returned signer is reused for every document. */
export function loadAgencySigner(p12: Buffer, passphrase: string): AgencySigner {
  return new AgencySigner(p12, passphrase);
}
