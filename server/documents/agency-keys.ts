import type { Knex } from 'knex';
import { createHash, X509Certificate } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import forge from 'node-forge';
import type { Config } from '../config.js';
import { keyPassphraseFor, passphraseEnvName } from '../config.js';
import { findAgencyByCode, findAgencyById, updateAgencyDetails, type Agency } from '../admin/agency-store.js';
import { DomainError, invalid, notFound } from '../errors.js';
import type { AppContext } from '../context.js';
import type { Db } from '../../db/knex.js';
import { audit, type Actor } from '../audit.js';
import { generateAgencyKey } from './keys.js';
import { AgencySigner, commonNameOf, Pkcs12Error, readPkcs12, type DocumentSigner } from './signer.js';
import { checkCertificateChain, isSelfIssued } from './certificate-chain.js';
import { agencyIdsWithKeys, findAgencyAndKeyInfo, findAgencyKeyInfo, findAgencyKeyP12, findSealPng, saveAgencyKey, saveSealPng, type AgencyKeyInfo } from './key-store.js';
import type { SealSpec } from './document-content.js';

// Each agency signs with its own key and certificate, kept in the database as a PKCS#12 encrypted
// with the key passphrase (KEY_PASSPHRASE / KEY_PASSPHRASE_<CODE>, never stored): any instance that
// is given the passphrase signs (issue 15). The demo key is self-signed; an agency imports the
// certificate its CA issued it (`disclosure-desk agency cert --code C --import FILE.p12`).

/** The admin page warns this many days before the certificate expires. */
export const EXPIRY_WARNING_DAYS = 30;

function passphrase(config: Config, agency: Agency): string {
  const p = keyPassphraseFor(config, agency.code);
  if (!p) throw new DomainError('unavailable', 'no_passphrase', `未配置签章证书口令：请设置环境变量 KEY_PASSPHRASE（或 ${passphraseEnvName(agency.code)}）`);
  return p;
}

const sha256Hex = (b: Buffer) => createHash('sha256').update(b).digest('hex');

function factsOf(agencyId: number, p12: Buffer, chain: Buffer[], now: Date): AgencyKeyInfo {
  const own = new X509Certificate(chain[0]!);
  const issuer = /^CN=(.*)$/m.exec(own.issuer)?.[1] ?? own.issuer;
  return {
    agencyId, selfSigned: isSelfIssued(own), subject: commonNameOf(own), issuer, serial: own.serialNumber, fingerprint: own.fingerprint256,
    notBefore: new Date(own.validFrom).toISOString(), notAfter: new Date(own.validTo).toISOString(), chainLength: chain.length - 1,
    p12Sha256: sha256Hex(p12), createdAt: now.toISOString(),
  };
}

/** A self-signed signing key for an agency (demos and tests), replacing its key; `disclosure-desk agency cert --code C`. */
export async function makeSelfSignedKey(db: Db, config: Config, agency: Agency): Promise<AgencyKeyInfo> {
  const { p12, certificate } = generateAgencyKey({ agencyName: agency.name, agencyCode: agency.code, passphrase: passphrase(config, agency) });
  const info = factsOf(agency.id, p12, [certificate], new Date());
  await saveAgencyKey(db, info, p12);
  return info;
}

/**
 * Imports the certificate a CA issued the agency, with its private key and chain, from a PKCS#12
 * file and its password; stored encrypted with the key passphrase instead of that password. Refuses
 * (invalid, on `file`) a wrong password, a certificate that is not the key's, an expired one, a chain
 * that does not link. Returns the stored facts and warnings that did not stop it.
 */
export async function importAgencyCertificate(
  db: Db, config: Config, agency: Agency, file: Buffer, password: string, now = new Date(),
): Promise<{ info: AgencyKeyInfo; warnings: string[] }> {
  const keyPassphrase = passphrase(config, agency);
  let contents;
  try {
    contents = readPkcs12(file, password);
  } catch (e) {
    if (!(e instanceof Pkcs12Error)) throw e;
    const message = {
      wrong_passphrase: 'PKCS#12 文件的口令不正确',
      unreadable: '无法读取该文件：须为含私钥和证书的 PKCS#12（.p12/.pfx）文件，私钥为 RSA 密钥',
      no_key: '文件中没有私钥：须导出含私钥的 PKCS#12 文件',
      key_mismatch: '文件中的证书与私钥不匹配：没有与该私钥对应的证书',
    }[e.reason];
    throw invalid({ file: message }, message);
  }
  const x509s = contents.ders.map((d) => new X509Certificate(d));
  const { chain, warnings } = checkCertificateChain(x509s, now);
  // The chain in order, as forge certificates (their DER as read), for the PKCS#12 we keep.
  const ordered = chain.map((c) => contents.certificates[x509s.indexOf(c)]!);
  const asn = forge.pkcs12.toPkcs12Asn1(contents.key, ordered, keyPassphrase, { algorithm: '3des', friendlyName: agency.name, generateLocalKeyId: true });
  const p12 = Buffer.from(forge.asn1.toDer(asn).getBytes(), 'binary');
  const info = factsOf(agency.id, p12, chain.map((c) => Buffer.from(c.raw)), now);
  await saveAgencyKey(db, info, p12);
  return { info, warnings };
}

/**
 * Whether documents issued on their own (the receipt, a letter on the platform) can be signed now: an
 * expired certificate counts as none, so they wait as drafts instead of refusing the registration.
 */
export async function hasSigningKey(db: Db, agencyId: number, now = new Date()): Promise<boolean> {
  return (await usableSigningKey(db, agencyId, now)) !== null;
}

/** The facts of the agency's key when documents can be signed with it now (as hasSigningKey), else null. */
export async function usableSigningKey(db: Db, agencyId: number, now = new Date()): Promise<AgencyKeyInfo | null> {
  return usable(await findAgencyKeyInfo(db, agencyId), now);
}

/**
 * The agency (as findAgencyById) and its usable key's facts (as usableSigningKey), in one query, with
 * the single values `also` reads (findAgencyAndKeyInfo).
 */
export async function findAgencyWithUsableKey<K extends string = never>(
  db: Db, agencyId: number, now = new Date(), also?: Record<K, Knex.QueryBuilder>,
): Promise<{ agency: Agency | null; keyInfo: AgencyKeyInfo | null; also: Record<K, unknown> }> {
  const { agency, key, also: values } = await findAgencyAndKeyInfo(db, agencyId, also);
  return { agency, keyInfo: usable(key, now), also: values };
}

const usable = (info: AgencyKeyInfo | null, now: Date) => (info !== null && new Date(info.notAfter) >= now ? info : null);

// Decrypting a PKCS#12 is slow (PBKDF in JS): once per stored version and passphrase, per process.
const signers = new Map<string, AgencySigner>();

/**
 * The agency's signer, time-stamping when a TSA is configured. Pass the transaction the signature
 * is written in (SQLite has one connection). Refuses (409) without a key or with an expired
 * certificate, and (503) when the passphrase does not open the key — a configuration fault, named.
 */
export async function signerFor(db: Db, config: Config, agency: Agency, now = new Date(), known?: AgencyKeyInfo): Promise<DocumentSigner> {
  // `known`: the key's facts as the caller read them in this request (the key row is the cache's key).
  const info = known ?? (await findAgencyKeyInfo(db, agency.id));
  if (!info) {
    throw new DomainError('conflict', 'no_signing_key', `${agency.name}尚未配置电子签章证书，无法签发文书（管理员可运行 disclosure-desk agency cert --code ${agency.code}）`);
  }
  if (new Date(info.notAfter) < now) {
    throw new DomainError('conflict', 'certificate_expired', `${agency.name}的签章证书已于${info.notAfter.slice(0, 10)}过期，无法签发文书：请管理员导入新证书（disclosure-desk agency cert --code ${agency.code} --import 文件.p12）`);
  }
  const pass = passphrase(config, agency);
  const passHash = sha256Hex(Buffer.from(pass, 'utf8'));
  let signer = signers.get(`${info.p12Sha256}:${passHash}`);
  if (!signer) {
    const p12 = await findAgencyKeyP12(db, agency.id);
    if (!p12) throw new DomainError('conflict', 'no_signing_key', `${agency.name}尚未配置电子签章证书，无法签发文书`);
    // Kept under the hash of the bytes read (the key may have been replaced since its facts were read).
    const cacheKey = `${sha256Hex(p12)}:${passHash}`;
    try {
      signer = new AgencySigner(p12, pass);
    } catch (e) {
      if (e instanceof Pkcs12Error && e.reason === 'wrong_passphrase') {
        throw new DomainError('unavailable', 'signing_key_passphrase',
          `${agency.name}的签章证书无法解密：本服务器配置的签章证书口令（KEY_PASSPHRASE 或 ${passphraseEnvName(agency.code)}）与保存证书时的口令不一致，请管理员检查配置`);
      }
      throw new DomainError('unavailable', 'signing_key', `${agency.name}的签章证书无法使用：${(e as Error).message}`);
    }
    signers.set(cacheKey, signer);
  }
  return signer.withTimestamps(config.tsa);
}

export interface KeyStatus {
  configured: boolean;
  info: AgencyKeyInfo | null;
  /** Whole days until the certificate expires (negative: expired). */
  daysLeft: number | null;
  expiring: boolean;
  expired: boolean;
}

/** What the admin page says about an agency's certificate (read only; no passphrase needed). */
export async function agencyKeyStatus(db: Db, agencyId: number, now = new Date()): Promise<KeyStatus> {
  const info = await findAgencyKeyInfo(db, agencyId);
  if (!info) return { configured: false, info: null, daysLeft: null, expiring: false, expired: false };
  const daysLeft = Math.floor((Date.parse(info.notAfter) - now.getTime()) / 86_400_000);
  const expired = Date.parse(info.notAfter) < now.getTime();
  return { configured: true, info, daysLeft, expired, expiring: !expired && daysLeft < EXPIRY_WARNING_DAYS };
}

/**
 * Moves the key files of older versions (DATA_DIR/keys/<CODE>.p12, encrypted with the same passphrase)
 * into the database at start, for agencies that have no key there yet. A file the passphrase does not
 * open is left where it is, with a warning; the files are not deleted (the operator does, once backed up).
 */
export async function moveKeyFilesIntoDatabase(db: Db, config: Config, warn: (m: string) => void = console.warn): Promise<string[]> {
  const dir = join(config.dataDir, 'keys');
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.p12'));
  } catch {
    return [];
  }
  if (!names.length) return [];
  const have = await agencyIdsWithKeys(db);
  const moved: string[] = [];
  for (const name of names) {
    const code = name.slice(0, -'.p12'.length);
    const agency = await findAgencyByCode(db, code);
    if (!agency || have.has(agency.id)) continue;
    const p12 = await readFile(join(dir, name));
    let ders: Buffer[];
    try {
      ders = readPkcs12(p12, passphrase(config, agency)).ders;
    } catch (e) {
      warn(`signing key ${join(dir, name)} not moved into the database: ${(e as Error).message} (签章证书文件未迁入数据库：口令不符或文件损坏)`);
      continue;
    }
    await saveAgencyKey(db, factsOf(agency.id, p12, ders, new Date()), p12);
    await audit(db, { actor: null, action: 'agency.cert', entity: 'agency', entityId: agency.id, detail: { code, movedFrom: 'DATA_DIR/keys' } });
    moved.push(code);
  }
  if (moved.length) {
    console.log(`signing keys of ${moved.join(', ')} moved from ${dir} into the database; the folder is no longer read and may be deleted once the database is backed up (签章证书已迁入数据库)`);
  }
  return moved;
}

/** Seal pictures by their SHA-256: the same hash is the same bytes, on every instance, for ever. */
const sealPngs = new Map<string, Buffer>();

export async function sealFor(db: Db, agency: Agency): Promise<SealSpec> {
  const sha = agency.sealPngSha256;
  let png = sha ? sealPngs.get(sha) ?? null : null;
  if (sha && !png) {
    png = await findSealPng(db, sha);
    if (png) {
      if (sealPngs.size >= 64) sealPngs.clear();
      sealPngs.set(sha, png);
    }
  }
  // Without the picture (an older version's file that could not be moved in): the drawn seal.
  if (png) return { kind: 'png', png };
  return { kind: 'vector', agencyName: agency.name, purpose: agency.sealPurpose };
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Stores an uploaded transparent PNG seal; returns its SHA-256 (the agency row keeps it). */
export async function storeSealPng(db: Db, png: Buffer): Promise<string> {
  if (png.length < 33 || !png.subarray(0, 8).equals(PNG_SIGNATURE)) {
    throw new DomainError('invalid', 'invalid', '印章图片须为 PNG 格式', { seal: '印章图片须为 PNG 格式' });
  }
  // IHDR colour type 6 (RGBA) or 4 (grey + alpha): a seal needs a transparent background.
  const colourType = png[25];
  if (colourType !== 6 && colourType !== 4) {
    throw new DomainError('invalid', 'invalid', '印章图片须为带透明背景的 PNG', { seal: '印章图片须为带透明背景（RGBA）的 PNG' });
  }
  if (png.length > 2 * 1024 * 1024) throw new DomainError('invalid', 'invalid', '印章图片不超过 2 MB', { seal: '印章图片不超过 2 MB' });
  const sha = sha256Hex(png);
  await saveSealPng(db, sha, png, new Date().toISOString());
  return sha;
}

/** A self-signed key does not replace a certificate a CA issued (the admin page and the CLI ask this). */
export async function refuseOverImported(db: Db, agency: Agency): Promise<void> {
  const info = await findAgencyKeyInfo(db, agency.id);
  if (info && !info.selfSigned) {
    throw new DomainError('conflict', 'certificate_imported', `${agency.name}使用 CA 签发的证书（有效期至${info.notAfter.slice(0, 10)}），不能改用自签名证书；更换证书请导入新的证书文件`);
  }
}

/** A self-signed signing key for an agency (demos and tests; a real CA's certificate is imported instead). */
export async function makeAgencyCert(ctx: AppContext, agencyId: number, actor: Actor, ip: string | null): Promise<Agency> {
  const agency = await findAgencyById(ctx.db, agencyId);
  if (!agency) throw notFound('未找到该机关');
  await ctx.db.transaction(async (trx) => {
    await refuseOverImported(trx, agency);
    await makeSelfSignedKey(trx, ctx.config, agency);
    await audit(trx, { actor, action: 'agency.cert', entity: 'agency', entityId: agency.id, detail: { code: agency.code, selfSigned: true }, ip });
  });
  return agency;
}

/** Sets the seal picture of an agency (a PNG), or goes back to the drawn seal; audited. */
export async function setAgencySeal(ctx: AppContext, agencyId: number, png: Buffer | null, actor: Actor, ip: string | null): Promise<Agency> {
  const agency = await findAgencyById(ctx.db, agencyId);
  if (!agency) throw notFound('未找到该机关');
  await ctx.db.transaction(async (trx) => {
    const sha = png ? await storeSealPng(trx, png) : null;
    await updateAgencyDetails(trx, agencyId, { sealPngSha256: sha });
    await audit(trx, { actor, action: 'agency.seal', entity: 'agency', entityId: agencyId, detail: { code: agency.code, sealPngSha256: sha }, ip });
  });
  return agency;
}
