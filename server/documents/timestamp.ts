// RFC 3161 time-stamps: the time-stamp authority (TSA) signs the hash of our signature value with the
// time it saw it, so the signature can be shown to have existed before the signing certificate
// expired or was revoked (PAdES baseline B-T, ETSI EN 319 142-1 §6.3: the signature-time-stamp is an
// unsigned attribute of the SignerInfo).
import { randomBytes } from 'node:crypto';
import { DerError, childrenOf, content, expect, oidOf, raw, readDer, seq, oid, nullValue, octets, smallInteger, unsignedInteger, bool, timeOf } from './der.js';

const OID_SHA256 = '2.16.840.1.101.3.4.2.1';
const OID_SIGNED_DATA = '1.2.840.113549.1.7.2';
const OID_TST_INFO = '1.2.840.113549.1.9.16.1.4';

export interface TimestampOptions {
  url: string;
  timeoutMs: number;
}

export interface Timestamp {
  /** The TimeStampToken (a CMS ContentInfo), DER, to embed as it came. */
  token: Buffer;
  /** genTime of the token, ISO 8601. */
  time: string;
}

export class TimestampError extends Error {}

/** TimeStampReq (RFC 3161 §2.4.1) for a SHA-256 digest, with a nonce, asking for the TSA's certificate. */
export function timestampRequest(digest: Buffer, nonce: Buffer): Buffer {
  return seq(smallInteger(1), seq(seq(oid(OID_SHA256), nullValue()), octets(digest)), unsignedInteger(nonce), bool(true));
}

/** Asks the TSA at `url` to time-stamp `digest` (the SHA-256 of a signature value). */
export async function requestTimestamp(opts: TimestampOptions, digest: Buffer): Promise<Timestamp> {
  const nonce = randomBytes(8);
  nonce[0] = nonce[0]! & 0x7f;
  let body: Buffer;
  try {
    const res = await fetch(opts.url, {
      method: 'POST',
      headers: { 'content-type': 'application/timestamp-query', accept: 'application/timestamp-reply' },
      body: new Uint8Array(timestampRequest(digest, nonce)),
      signal: AbortSignal.timeout(opts.timeoutMs),
    });
    if (!res.ok) throw new TimestampError(`the time-stamp authority answered HTTP ${res.status}`);
    body = Buffer.from(await res.arrayBuffer());
  } catch (e) {
    if (e instanceof TimestampError) throw e;
    throw new TimestampError(`the time-stamp authority cannot be reached: ${(e as Error).message}`);
  }
  return parseTimestampResponse(body, digest, nonce);
}

/** TimeStampResp (RFC 3161 §2.4.2): granted, for our digest and nonce; returns the token. */
export function parseTimestampResponse(body: Buffer, digest: Buffer, nonce: Buffer | null): Timestamp {
  try {
    const resp = expect(readDer(body, 0, body.length), 0x30, 'TimeStampResp');
    const [statusInfo, tokenNode] = childrenOf(body, resp);
    const status = content(body, expect(childrenOf(body, expect(statusInfo, 0x30, 'PKIStatusInfo'))[0], 0x02, 'PKIStatus'));
    if (status.length !== 1 || status[0]! > 1) throw new TimestampError(`the time-stamp authority refused the request (status ${status.toString('hex')})`);
    const token = raw(body, expect(tokenNode, 0x30, 'TimeStampToken'));
    const info = tstInfoOf(token);
    if (!info.imprint.equals(digest)) throw new TimestampError('the time-stamp is for another digest');
    if (nonce && (!info.nonce || !stripZeros(info.nonce).equals(stripZeros(nonce)))) throw new TimestampError('the time-stamp answers another request (nonce)');
    return { token: Buffer.from(token), time: info.time };
  } catch (e) {
    if (e instanceof TimestampError) throw e;
    if (e instanceof DerError) throw new TimestampError(`unreadable time-stamp response: ${e.message}`);
    throw e;
  }
}

const stripZeros = (b: Buffer) => {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  return b.subarray(i);
};

/** The TSTInfo inside a TimeStampToken: what was stamped, when, and the nonce. */
export function tstInfoOf(token: Buffer): { imprint: Buffer; time: string; nonce: Buffer | null } {
  const ci = expect(readDer(token, 0, token.length), 0x30, 'ContentInfo');
  const [type, wrapped] = childrenOf(token, ci);
  if (!type || oidOf(token, type) !== OID_SIGNED_DATA) throw new TimestampError('the time-stamp token is not CMS SignedData');
  const sd = childrenOf(token, expect(childrenOf(token, expect(wrapped, 0xa0, '[0] content'))[0], 0x30, 'SignedData'));
  const [eType, eContent] = childrenOf(token, expect(sd[2], 0x30, 'EncapsulatedContentInfo'));
  if (!eType || oidOf(token, eType) !== OID_TST_INFO) throw new TimestampError('the time-stamp token holds no TSTInfo');
  const octet = expect(childrenOf(token, expect(eContent, 0xa0, '[0] eContent'))[0], 0x04, 'eContent OCTET STRING');
  const tst = content(token, octet);
  const fields = childrenOf(tst, expect(readDer(tst, 0, tst.length), 0x30, 'TSTInfo'));
  // version, policy, messageImprint, serialNumber, genTime, accuracy?, ordering?, nonce?, …
  const imprint = content(tst, expect(childrenOf(tst, expect(fields[2], 0x30, 'MessageImprint'))[1], 0x04, 'hashedMessage'));
  const time = timeOf(tst, expect(fields[4], 0x18, 'genTime'));
  let nonce: Buffer | null = null;
  for (const f of fields.slice(5)) {
    if (f.tag === 0x02) {
      nonce = content(tst, f);
      break;
    }
  }
  return { imprint: Buffer.from(imprint), time, nonce: nonce && Buffer.from(nonce) };
}
