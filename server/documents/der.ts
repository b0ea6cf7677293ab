// A minimal DER reader (exact byte slices, no re-encoding) and writer, for the CMS signatures we
// write (cms.ts), check (verify.ts) and the RFC 3161 timestamps we ask for (timestamp.ts).

export class DerError extends Error {}

// ---- a minimal DER reader: exact byte slices, no re-encoding ----

export interface Der {
  /** First identifier octet (class, constructed bit, low tag number). */
  tag: number;
  start: number;
  contentStart: number;
  end: number;
}

export function readDer(buf: Buffer, pos: number, limit: number): Der {
  if (pos + 2 > limit) throw new DerError('truncated ASN.1');
  const tag = buf[pos]!;
  if ((tag & 0x1f) === 0x1f) throw new DerError('unsupported ASN.1 high tag number');
  let len = buf[pos + 1]!;
  let p = pos + 2;
  if (len === 0x80) throw new DerError('indefinite-length (BER) encoding is not supported');
  if (len > 0x80) {
    const n = len & 0x7f;
    if (n > 4 || p + n > limit) throw new DerError('bad ASN.1 length');
    len = 0;
    for (let k = 0; k < n; k++) len = len * 256 + buf[p + k]!;
    p += n;
  }
  if (p + len > limit) throw new DerError('ASN.1 element runs past its container');
  return { tag, start: pos, contentStart: p, end: p + len };
}

export function childrenOf(buf: Buffer, node: Der): Der[] {
  if ((node.tag & 0x20) === 0) throw new DerError('expected a constructed ASN.1 element');
  const out: Der[] = [];
  let p = node.contentStart;
  while (p < node.end) {
    const child = readDer(buf, p, node.end);
    out.push(child);
    p = child.end;
  }
  return out;
}

export function expect(node: Der | undefined, tag: number, what: string): Der {
  if (!node || node.tag !== tag) throw new DerError(`malformed PKCS#7: expected ${what}`);
  return node;
}

export function content(buf: Buffer, node: Der): Buffer {
  return buf.subarray(node.contentStart, node.end);
}

export function oidOf(buf: Buffer, node: Der): string {
  const bytes = content(buf, expect(node, 0x06, 'an OID'));
  const parts: number[] = [];
  let value = 0;
  for (const b of bytes) {
    value = value * 128 + (b & 0x7f);
    if ((b & 0x80) === 0) {
      if (parts.length === 0) parts.push(value < 80 ? Math.floor(value / 40) : 2, value < 80 ? value % 40 : value - 80);
      else parts.push(value);
      value = 0;
    }
  }
  return parts.join('.');
}

export function timeOf(buf: Buffer, node: Der): string {
  const s = content(buf, node).toString('latin1');
  let m: RegExpExecArray | null;
  if (node.tag === 0x17 && (m = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?Z$/.exec(s))) {
    const yy = Number(m[1]);
    const year = yy >= 50 ? 1900 + yy : 2000 + yy; // RFC 5280 §4.1.2.5.1
    return new Date(Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0))).toISOString();
  }
  if (node.tag === 0x18 && (m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?(?:\.\d+)?Z$/.exec(s))) {
    return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0))).toISOString();
  }
  throw new DerError('malformed signingTime');
}

export function stringOf(buf: Buffer, node: Der): string {
  const bytes = content(buf, node);
  if (node.tag === 0x1e) {
    // BMPString: UTF-16BE
    const swapped = Buffer.from(bytes);
    swapped.swap16();
    return swapped.toString('utf16le');
  }
  return bytes.toString(node.tag === 0x0c ? 'utf8' : 'latin1');
}

// ---- certificates ----

// ---- a minimal DER writer: each element from its tag and its contents' bytes ----

function lengthOf(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/** One element: tag, length, then the parts' bytes concatenated. */
export function der(tag: number, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  return Buffer.concat([Buffer.from([tag]), lengthOf(body.length), body]);
}

export const seq = (...parts: Buffer[]) => der(0x30, ...parts);
/** A SET OF in DER order (X.690 §11.6: the encodings sorted as octet strings). */
export const setOf = (...parts: Buffer[]) => der(0x31, ...[...parts].sort(Buffer.compare));
export const octets = (b: Buffer) => der(0x04, b);
export const nullValue = () => Buffer.from([0x05, 0x00]);
export const bool = (v: boolean) => Buffer.from([0x01, 0x01, v ? 0xff : 0x00]);

/** A non-negative INTEGER from its big-endian bytes (a leading zero added when the top bit is set). */
export function unsignedInteger(bytes: Buffer): Buffer {
  let b = bytes;
  while (b.length > 1 && b[0] === 0 && (b[1]! & 0x80) === 0) b = b.subarray(1);
  return der(0x02, b[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), b]) : b);
}
export const smallInteger = (n: number) => unsignedInteger(Buffer.from([n]));

export function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split('.').map(Number);
  const out: number[] = [a! * 40 + b!];
  for (const n of rest) {
    const bytes = [n & 0x7f];
    for (let v = Math.floor(n / 128); v > 0; v = Math.floor(v / 128)) bytes.unshift(0x80 | (v & 0x7f));
    out.push(...bytes);
  }
  return der(0x06, Buffer.from(out));
}

/** The whole element (tag and length included), as bytes. */
export const raw = (buf: Buffer, node: Der) => buf.subarray(node.start, node.end);
