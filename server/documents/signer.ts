// Signing a PDF on behalf of an agency: PAdES baseline (ETSI.CAdES.detached, see cms.ts) with SHA-256,
// the certificate chain, and an RFC 3161 time-stamp when a time-stamp authority is configured, as a
// reliable electronic signature under the Electronic Signature Law of the PRC (《电子签名法》) Art. 13.
//
// Performance: @signpdf's P12Signer decrypts the PKCS#12 (PBKDF in pure JS) on every signature and
// signs with forge's pure-JS RSA (~140 ms). AgencySigner decrypts once and keeps the key as a
// node:crypto KeyObject; the CMS is written by cms.ts and the RSA operation done by OpenSSL (~1–3 ms).
// One instance signs any number of documents.
import { createPrivateKey, createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import { Signer } from '@signpdf/utils';
import forge from 'node-forge';
import { cadesDetached } from './cms.js';
import { requestTimestamp, type TimestampOptions } from './timestamp.js';

/** Anything @signpdf/signpdf accepts (it checks `instanceof Signer`). */
export type DocumentSigner = Signer;

const NO_TIMESTAMPS = {};

/** Room for a time-stamp token (TSTInfo, the TSA's signature and certificates) in /Contents. */
const TIMESTAMP_ROOM = 8192;

export class Pkcs12Error extends Error {
  constructor(message: string, readonly reason: 'wrong_passphrase' | 'unreadable' | 'no_key' | 'key_mismatch') {
    super(message);
  }
}

export interface Pkcs12Contents {
  key: forge.pki.rsa.PrivateKey;
  /** The certificate of the private key first, then the others in the file's order. */
  certificates: forge.pki.Certificate[];
  /** The same certificates, DER. */
  ders: Buffer[];
}

/** Decrypts a PKCS#12 (slow: PBKDF in pure JS). Throws Pkcs12Error saying why it cannot. */
export function readPkcs12(p12: Buffer, passphrase: string): Pkcs12Contents {
  let pfx: forge.pkcs12.Pkcs12Pfx;
  try {
    pfx = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(p12.toString('binary')), false, passphrase);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (/MAC could not be verified|Invalid password/i.test(message)) {
      throw new Pkcs12Error('wrong passphrase for the agency signing certificate (PKCS#12)', 'wrong_passphrase');
    }
    // The MAC checked (PKCS#12 KDF: the password as BMPString), but PBES2 contents (OpenSSL 3's
    // default) take the password as UTF-8 bytes, which forge does not make of a non-ASCII string:
    // read them again with its UTF-8 bytes, the MAC (already verified) left out.
    const retried = /[^\x00-\x7f]/.test(passphrase) ? readWithoutMac(p12, forge.util.encodeUtf8(passphrase)) : null;
    if (!retried) throw new Pkcs12Error(`cannot read the agency signing certificate (PKCS#12): ${message}`, 'unreadable');
    pfx = retried;
  }
  const keyBags = pfx.getBags({ bagType: forge.pki.oids['pkcs8ShroudedKeyBag']! })[forge.pki.oids['pkcs8ShroudedKeyBag']!] ?? [];
  const plainKeyBags = pfx.getBags({ bagType: forge.pki.oids['keyBag']! })[forge.pki.oids['keyBag']!] ?? [];
  const keyBag = [...keyBags, ...plainKeyBags].find((b) => b.key);
  if (!keyBag?.key) throw new Pkcs12Error('the PKCS#12 file holds no RSA private key', 'no_key');
  const certBags = pfx.getBags({ bagType: forge.pki.oids['certBag']! })[forge.pki.oids['certBag']!] ?? [];
  const all = certBags.flatMap((b) => (b.cert ? [b.cert] : []));
  const key = keyBag.key as forge.pki.rsa.PrivateKey;
  // The signing certificate is the one whose public key matches the private key.
  const own = all.find((c) => {
    const pub = c.publicKey as forge.pki.rsa.PublicKey;
    return pub.n !== undefined && pub.n.equals(key.n);
  });
  if (!own) throw new Pkcs12Error('the PKCS#12 file holds no certificate for its private key', 'key_mismatch');
  const certificates = [own, ...all.filter((c) => c !== own)];
  // DER as parsed (forge keeps the TBSCertificate it read), before decodeNames touches the names.
  const ders = certificates.map((c) => Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(c)).getBytes(), 'binary'));
  certificates.forEach(decodeNames);
  return { key, certificates, ders };
}

function readWithoutMac(p12: Buffer, binaryPassword: string): forge.pkcs12.Pkcs12Pfx | null {
  try {
    const asn = forge.asn1.fromDer(p12.toString('binary'));
    (asn.value as forge.asn1.Asn1[]).splice(2); // PFX { version, authSafe, macData }
    return forge.pkcs12.pkcs12FromAsn1(asn, false, binaryPassword);
  } catch {
    return null;
  }
}

/** Common name of a certificate's subject (node:crypto decodes UTF8String names). */
export function commonNameOf(x509: X509Certificate): string {
  return /^CN=(.*)$/m.exec(x509.subject)?.[1] ?? x509.subject.replace(/\n/g, ', ');
}

export interface SignerParts {
  key: KeyObject;
  ders: Uint8Array[];
  timestamps: TimestampOptions | null;
}

interface KeyMaterial {
  key: KeyObject;
  certificate: forge.pki.Certificate;
  ders: Buffer[];
}

export class AgencySigner extends Signer {
  readonly certificate: forge.pki.Certificate;
  /** Subject common name of the signing certificate (the agency name). */
  readonly signerName: string;
  /** SHA-256 fingerprint of the certificate, upper-case hex with colons (as OpenSSL prints it). */
  readonly fingerprint: string;
  readonly validTo: Date;
  /** Bytes to reserve in the PDF for the signature (/Contents holds twice as many hex digits). */
  readonly signatureLength: number;
  /** Where time-stamps are asked for; null: signatures carry none. */
  readonly timestamps: TimestampOptions | null;
  readonly #material: KeyMaterial;

  /** Decrypts the PKCS#12 once. Throws a clear Error on a wrong passphrase or a bad file. */
  constructor(p12: Buffer | KeyMaterial, passphrase?: string, timestamps: TimestampOptions | null = null) {
    super();
    let material: KeyMaterial;
    if (Buffer.isBuffer(p12)) {
      const { key, certificates, ders } = readPkcs12(p12, passphrase ?? '');
      material = { key: createPrivateKey(forge.pki.privateKeyToPem(key)), certificate: certificates[0]!, ders };
    } else {
      material = p12;
    }
    this.#material = material;
    this.certificate = material.certificate;
    this.timestamps = timestamps;
    const x509 = new X509Certificate(material.ders[0]!);
    this.fingerprint = x509.fingerprint256;
    this.validTo = new Date(x509.validTo);
    this.signerName = commonNameOf(x509);
    const chainBytes = material.ders.reduce((n, d) => n + d.length, 0);
    // Certificates + signature + attributes and ASN.1 overhead, rounded up with room to spare.
    this.signatureLength = Math.ceil((chainBytes + 1024 + 1024 + (timestamps ? TIMESTAMP_ROOM : 0)) / 512) * 512;
  }

  /** The same key, asking `timestamps` for a time-stamp on each signature (or none); one instance per settings object. */
  withTimestamps(timestamps: TimestampOptions | null): AgencySigner {
    if (timestamps === this.timestamps) return this;
    // Issue 15: parsing the certificate again for every document cost ~2 % of a registration.
    const key = timestamps ?? NO_TIMESTAMPS;
    let signer = this.#variants.get(key);
    if (!signer) {
      signer = new AgencySigner(this.#material, undefined, timestamps);
      this.#variants.set(key, signer);
    }
    return signer;
  }
  readonly #variants = new WeakMap<object, AgencySigner>();

  /** What another thread needs to sign as this signer (a KeyObject crosses postMessage as it is). */
  parts(): SignerParts {
    return { key: this.#material.key, ders: this.#material.ders, timestamps: this.timestamps };
  }

  /** A signer from parts(), in a render worker (server/documents/render-pool.ts). */
  static fromParts(p: SignerParts): AgencySigner {
    const certificate = forge.pki.certificateFromAsn1(forge.asn1.fromDer(Buffer.from(p.ders[0]!).toString('binary')));
    decodeNames(certificate);
    return new AgencySigner({ key: p.key, certificate, ders: p.ders.map((d) => Buffer.from(d)) }, undefined, p.timestamps);
  }

  /** The public key of the certificate matches the private key (checked again with node:crypto). */
  keyMatchesCertificate(): boolean {
    const spki = (k: KeyObject) => k.export({ type: 'spki', format: 'der' });
    return spki(createPublicKey(this.#material.key)).equals(spki(new X509Certificate(this.#material.ders[0]!).publicKey));
  }

  /** Returns the DER CMS SignedData (detached, CAdES) over `pdfBuffer`. */
  async sign(pdfBuffer: Buffer): Promise<Buffer> {
    const ts = this.timestamps;
    return cadesDetached(pdfBuffer, {
      key: this.#material.key,
      certificates: this.#material.ders,
      ...(ts ? { timestamp: (digest: Buffer) => timestampOrNone(ts, digest) } : {}),
    });
  }
}

/**
 * A time-stamp, or none when the authority fails: the document is still signed (PAdES B-B) and the
 * failure logged — an unreachable time-stamp server must not stop a registration or a reply.
 */
async function timestampOrNone(opts: TimestampOptions, digest: Buffer): Promise<Buffer | null> {
  try {
    return (await requestTimestamp(opts, digest)).token;
  } catch (e) {
    console.warn(`time-stamp not added (${(e as Error).message}); the document is signed without it (时间戳服务不可用，文书未加盖时间戳)`);
    return null;
  }
}

/**
 * forge keeps UTF8String name values of a parsed certificate as raw UTF-8 bytes; decoded once after
 * parsing, `certificate.subject.getField(...)` reads as Chinese. The certificates' DER (taken before,
 * and kept by forge in the parsed TBSCertificate) is unaffected.
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
