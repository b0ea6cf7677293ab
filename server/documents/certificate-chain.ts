// Checks an agency certificate and the chain that came with it before the desk signs with them
// (《电子签名法》 Art. 13: the signature creation data are the signer's; Arts. 16–17: issued by a CA):
// the certificate is valid today, each certificate above it issued the one below (issuer name and
// signature), every one of them valid today, the issuers CAs, and nothing else in the file.
import { X509Certificate } from 'node:crypto';
import { invalid } from '../errors.js';
import { commonNameOf } from './signer.js';

const day = (d: string | Date) => new Date(d).toISOString().slice(0, 10);
const named = (c: X509Certificate) => `“${commonNameOf(c)}”`;

const refuse = (message: string) => invalid({ file: message }, message);

/**
 * Issued by itself: its own name as issuer and its signature verified by its own key. (Not
 * `checkIssued`: OpenSSL also asks the issuer for keyUsage keyCertSign, which a self-signed signing
 * certificate rightly lacks.)
 */
export const isSelfIssued = (c: X509Certificate) => c.subject === c.issuer && c.verify(c.publicKey);

/**
 * Orders `certs` (the agency's own first) from the agency's certificate upwards; throws a DomainError
 * (invalid, `file`) saying what is wrong. Returns warnings that do not stop an import.
 */
export function checkCertificateChain(certs: X509Certificate[], now: Date): { chain: X509Certificate[]; warnings: string[] } {
  const [own, ...rest] = certs;
  if (!own) throw refuse('文件中没有证书');
  const warnings: string[] = [];
  const chain = [own];
  let remaining = rest;
  for (let current = own; !isSelfIssued(current); ) {
    const issuer = remaining.find((c) => current.checkIssued(c) && current.verify(c.publicKey));
    if (!issuer) {
      if (remaining.length) throw refuse(`证书链不相连：${named(current)}的签发者（${issuerName(current)}）不在文件中，文件中的${remaining.map(named).join('、')}不是它的签发者`);
      warnings.push(`文件中没有${named(current)}的签发者证书（${issuerName(current)}），证书链不完整：验证方须另行持有该 CA 的证书`);
      break;
    }
    if (!issuer.ca) throw refuse(`${named(issuer)}不是 CA 证书，不能签发${named(current)}`);
    chain.push(issuer);
    remaining = remaining.filter((c) => c !== issuer);
    current = issuer;
  }
  if (remaining.length) throw refuse(`文件中的${remaining.map(named).join('、')}不在本机关证书的证书链上`);
  for (const c of chain) {
    const which = c === own ? '证书' : `证书链中的${named(c)}`;
    if (new Date(c.validTo) < now) throw refuse(`${which}已于${day(c.validTo)}过期，不能导入`);
    if (new Date(c.validFrom) > now) throw refuse(`${which}尚未生效（${day(c.validFrom)}起生效），不能导入`);
  }
  if (own.ca) warnings.push('该证书是 CA 证书，而非机关的签名证书：请确认导入的是 CA 为本机关签发的证书');
  return { chain, warnings };
}

function issuerName(c: X509Certificate): string {
  return /^CN=(.*)$/m.exec(c.issuer)?.[1] ?? c.issuer.replace(/\n/g, ', ');
}
