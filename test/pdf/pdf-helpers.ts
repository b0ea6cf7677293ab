// Shared fixtures for the PDF tests: sample content, a signer made once per run, and thin wrappers
// around the poppler tools (pdfsig, pdftotext, pdffonts, pdftoppm, pdfinfo) that the tests drive.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DocumentContent, SealSpec } from '../../server/documents/document-content.js';
import { generateAgencyP12 } from '../../server/documents/keys.js';
import { loadAgencySigner, type AgencySigner } from '../../server/documents/signer.js';

export const AGENCY = '北京市东城区规划和自然资源局';
export const PASSPHRASE = 'correct horse 电池 staple';

export function reply(overrides: Partial<DocumentContent> = {}): DocumentContent {
  return {
    title: '政府信息公开申请答复书',
    number: '东规资公复〔2026〕12号',
    addressee: '张某某：',
    paragraphs: [
      '本机关于2026年2月20日收到你提出的政府信息公开申请，你申请获取“东城区2025年度国有建设用地供应计划及其执行情况”的政府信息。',
      '经审查，根据《中华人民共和国政府信息公开条例》第二十七条、第三十六条第（一）项的规定，你申请获取的信息属于已主动公开的政府信息，可通过东城区人民政府门户网站（http://www.bjdch.gov.cn）“政府信息公开”专栏查询获取。',
      '如对本答复不服，可以在收到本答复之日起60日内向北京市东城区人民政府申请行政复议，或者在6个月内向北京市东城区人民法院提起行政诉讼。',
      '特此告知。',
    ],
    agencyName: AGENCY,
    date: '2026-03-12',
    ...overrides,
  };
}

export const VECTOR_SEAL: SealSpec = { kind: 'vector', agencyName: AGENCY, purpose: '政府信息公开专用章' };

let signer: AgencySigner | null = null;
/** One key pair per test run: generating and decrypting a PKCS#12 costs ~0.5 s. */
export function testSigner(): AgencySigner {
  signer ??= loadAgencySigner(
    generateAgencyP12({ agencyName: AGENCY, agencyCode: '11110101MB1234567X', passphrase: PASSPHRASE }),
    PASSPHRASE,
  );
  return signer;
}

// ---- poppler ----

export function hasTool(name: string): boolean {
  const r = spawnSync(name, ['-v'], { encoding: 'utf8' });
  return !r.error;
}

/**
 * Fails the test, saying what to install, when a poppler binary is missing. It does not skip: a
 * skipped check passes silently, and pending tests fail the run anyway (`forbid-pending`).
 */
export function requireTools(...names: string[]): void {
  const missing = names.filter((n) => !hasTool(n));
  if (missing.length > 0) throw new Error(`${missing.join(', ')} not found: install poppler-utils (CI does)`);
}

const workDir = mkdtempSync(join(tmpdir(), 'dd-pdf-test-'));
process.on('exit', () => rmSync(workDir, { recursive: true, force: true }));
let fileCounter = 0;

export function writeTemp(pdf: Buffer, name = 'doc'): string {
  const path = join(workDir, `${name}-${++fileCounter}.pdf`);
  writeFileSync(path, pdf);
  return path;
}

export function run(cmd: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function pdfsig(pdf: Buffer): string {
  const r = run('pdfsig', [writeTemp(pdf, 'sig')]);
  return r.stdout + r.stderr;
}

export function pdftotext(pdf: Buffer, layout = true): string {
  return run('pdftotext', [...(layout ? ['-layout'] : []), writeTemp(pdf, 'text'), '-']).stdout;
}

/** pdftotext output with all white space removed: robust to justified (letter-spaced) lines. */
export function compactText(pdf: Buffer): string {
  return pdftotext(pdf, false).replace(/\s+/g, '');
}

export interface Raster {
  width: number;
  height: number;
  /** RGB, 3 bytes per pixel, row-major. */
  data: Buffer;
}

/** Renders one page (1-based) at 72 dpi, so one pixel is one PDF point. */
export function rasterize(pdf: Buffer, page: number): Raster {
  const prefix = join(workDir, `page-${++fileCounter}`);
  const r = run('pdftoppm', ['-r', '72', '-f', String(page), '-l', String(page), '-singlefile', writeTemp(pdf, 'ppm'), prefix]);
  if (r.status !== 0) throw new Error(`pdftoppm failed: ${r.stderr}`);
  return parsePpm(readFileSync(`${prefix}.ppm`));
}

/** Binary PPM (P6, maxval 255). */
export function parsePpm(buf: Buffer): Raster {
  const fields: string[] = [];
  let pos = 0;
  while (fields.length < 4) {
    while (pos < buf.length && /\s/.test(String.fromCharCode(buf[pos]!))) pos++;
    if (buf[pos] === 0x23) {
      while (pos < buf.length && buf[pos] !== 0x0a) pos++;
      continue;
    }
    let token = '';
    while (pos < buf.length && !/\s/.test(String.fromCharCode(buf[pos]!))) token += String.fromCharCode(buf[pos++]!);
    fields.push(token);
  }
  pos++; // the single white space after maxval
  const [magic, w, h, max] = fields;
  if (magic !== 'P6' || max !== '255') throw new Error(`unsupported PPM ${magic} ${max}`);
  const width = Number(w);
  const height = Number(h);
  return { width, height, data: buf.subarray(pos, pos + width * height * 3) };
}

/** Counts pixels inside a rectangle (points = pixels at 72 dpi) that satisfy `test`. */
export function countPixels(
  img: Raster,
  box: { x: number; y: number; w: number; h: number },
  test: (r: number, g: number, b: number) => boolean,
): number {
  let count = 0;
  const x0 = Math.max(0, Math.floor(box.x));
  const y0 = Math.max(0, Math.floor(box.y));
  const x1 = Math.min(img.width, Math.ceil(box.x + box.w));
  const y1 = Math.min(img.height, Math.ceil(box.y + box.h));
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const i = (y * img.width + x) * 3;
      if (test(img.data[i]!, img.data[i + 1]!, img.data[i + 2]!)) count++;
    }
  }
  return count;
}

export const isSealRed = (r: number, g: number, b: number): boolean => r > 180 && g < 90 && b < 90;
export const isLightGrey = (r: number, g: number, b: number): boolean =>
  r > 150 && r < 250 && Math.abs(r - g) < 8 && Math.abs(g - b) < 8;
