// Webhook secrets must be read back to sign each delivery, so they cannot be hashed: they are kept
// encrypted (AES-256-GCM) under a key derived from SESSION_SECRET, which every instance shares and
// the database does not hold — a copy of the database alone cannot forge the desk's webhooks.
// Changing SESSION_SECRET makes the stored secrets unreadable: the clients register their webhooks again.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const keyOf = (sessionSecret: string) => Buffer.from(hkdfSync('sha256', sessionSecret, 'disclosure-desk', 'webhook secrets v1', 32));

/** `v1.<iv>.<tag>.<ciphertext>`, each base64url. */
export function sealSecret(sessionSecret: string, plain: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyOf(sessionSecret), iv);
  const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return ['v1', iv, cipher.getAuthTag(), data].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.');
}

/** The secret, or null when it cannot be read (another SESSION_SECRET, a damaged value). */
export function openSecret(sessionSecret: string, sealed: string): string | null {
  const [v, iv, tag, data] = sealed.split('.');
  if (v !== 'v1' || !iv || !tag || data === undefined) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', keyOf(sessionSecret), Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}
