import { createHash } from 'node:crypto';
import { mkdir, readFile, stat, writeFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../config.js';
import { keyPassphraseFor } from '../config.js';
import { findAgencyById, updateAgencyDetails, type Agency } from '../admin/agency-store.js';
import { DomainError, notFound } from '../errors.js';
import type { AppContext } from '../context.js';
import { audit, type Actor } from '../audit.js';
import { generateAgencyP12 } from './keys.js';
import { PRIVATE_DIR, PRIVATE_FILE } from '../data-dir.js';
import { loadAgencySigner, type DocumentSigner } from './signer.js';
import type { SealSpec } from './document-content.js';

// Each agency signs with its own PKCS#12 file under DATA_DIR/keys; the passphrase comes from the
// configuration (KEY_PASSPHRASE / KEY_PASSPHRASE_<CODE>) and is never stored in the database.

export const keyPath = (config: Config, agencyCode: string) => join(config.dataDir, 'keys', `${agencyCode}.p12`);
export const sealPngPath = (config: Config, sha256: string) => join(config.dataDir, 'seals', `${sha256}.png`);

/** `disclosure-desk agency cert --code C`: a self-signed certificate for demos and tests. */
function passphrase(config: Config, agency: Agency): string {
  const p = keyPassphraseFor(config, agency.code);
  if (!p) throw new DomainError('internal', 'no_passphrase', `未配置签章证书口令：请设置环境变量 KEY_PASSPHRASE（或 ${agency.code} 专用的口令变量）`);
  return p;
}

export async function makeSelfSignedKey(config: Config, agency: Agency): Promise<string> {
  passphrase(config, agency);
  const p12 = generateAgencyP12({ agencyName: agency.name, agencyCode: agency.code, passphrase: keyPassphraseFor(config, agency.code) });
  const path = keyPath(config, agency.code);
  await mkdir(join(config.dataDir, 'keys'), { recursive: true, mode: PRIVATE_DIR });
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, p12, { mode: PRIVATE_FILE });
  await rename(tmp, path);
  signers.delete(agency.code);
  return path;
}

// Decrypting a P12 is slow (PBKDF2 in JS): decrypt once per file version and keep the signer.
const signers = new Map<string, { mtimeMs: number; signer: DocumentSigner }>();

export async function hasSigningKey(config: Config, agencyCode: string): Promise<boolean> {
  try {
    await stat(keyPath(config, agencyCode));
    return true;
  } catch {
    return false;
  }
}

export async function signerFor(config: Config, agency: Agency): Promise<DocumentSigner> {
  const path = keyPath(config, agency.code);
  let mtimeMs: number;
  try {
    mtimeMs = (await stat(path)).mtimeMs;
  } catch {
    throw new DomainError('conflict', 'no_signing_key', `${agency.name}尚未配置电子签章证书，无法签发文书（管理员可运行 disclosure-desk agency cert --code ${agency.code}）`);
  }
  const cached = signers.get(agency.code);
  if (cached && cached.mtimeMs === mtimeMs) return cached.signer;
  try {
    const signer = loadAgencySigner(await readFile(path), passphrase(config, agency));
    signers.set(agency.code, { mtimeMs, signer });
    return signer;
  } catch (e) {
    if (e instanceof DomainError) throw e;
    throw new DomainError('internal', 'signing_key', `${agency.name}的签章证书无法使用（口令错误或文件损坏）：${(e as Error).message}`);
  }
}

export async function sealFor(config: Config, agency: Agency): Promise<SealSpec> {
  if (agency.sealPngSha256) {
    try {
      return { kind: 'png', png: await readFile(sealPngPath(config, agency.sealPngSha256)) };
    } catch {
      // fall back to the drawn seal if the uploaded image is missing
    }
  }
  return { kind: 'vector', agencyName: agency.name, purpose: agency.sealPurpose };
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Stores an uploaded transparent PNG seal; returns its SHA-256 (the agency row keeps it). */
export async function storeSealPng(config: Config, png: Buffer): Promise<string> {
  if (png.length < 33 || !png.subarray(0, 8).equals(PNG_SIGNATURE)) {
    throw new DomainError('invalid', 'invalid', '印章图片须为 PNG 格式', { seal: '印章图片须为 PNG 格式' });
  }
  // IHDR colour type 6 (RGBA) or 4 (grey + alpha): a seal needs a transparent background.
  const colourType = png[25];
  if (colourType !== 6 && colourType !== 4) {
    throw new DomainError('invalid', 'invalid', '印章图片须为带透明背景的 PNG', { seal: '印章图片须为带透明背景（RGBA）的 PNG' });
  }
  if (png.length > 2 * 1024 * 1024) throw new DomainError('invalid', 'invalid', '印章图片不超过 2 MB', { seal: '印章图片不超过 2 MB' });
  const sha = createHash('sha256').update(png).digest('hex');
  await mkdir(join(config.dataDir, 'seals'), { recursive: true, mode: PRIVATE_DIR });
  await writeFile(sealPngPath(config, sha), png, { mode: PRIVATE_FILE });
  return sha;
}

/** A self-signed signing key for an agency (demos and tests; a real CA's certificate is imported instead). */
export async function makeAgencyCert(ctx: AppContext, agencyId: number, actor: Actor, ip: string | null): Promise<Agency> {
  const agency = await findAgencyById(ctx.db, agencyId);
  if (!agency) throw notFound('未找到该机关');
  await makeSelfSignedKey(ctx.config, agency);
  await audit(ctx.db, { actor, action: 'agency.cert', entity: 'agency', entityId: agency.id, detail: { code: agency.code, selfSigned: true }, ip });
  return agency;
}

/** Sets the seal picture of an agency (a PNG), or goes back to the drawn seal; audited. */
export async function setAgencySeal(ctx: AppContext, agencyId: number, png: Buffer | null, actor: Actor, ip: string | null): Promise<Agency> {
  const agency = await findAgencyById(ctx.db, agencyId);
  if (!agency) throw notFound('未找到该机关');
  const sha = png ? await storeSealPng(ctx.config, png) : null;
  await ctx.db.transaction(async (trx) => {
    await updateAgencyDetails(trx, agencyId, { sealPngSha256: sha });
    await audit(trx, { actor, action: 'agency.seal', entity: 'agency', entityId: agencyId, detail: { code: agency.code, sealPngSha256: sha }, ip });
  });
  return agency;
}
