// Benchmark: render + seal + sign a one-page reply many times in one process.
// Run: npm run bench:pdf [-- N]   Targets: median well under 50 ms, file under 150 KB.
import { cpus } from 'node:os';
import { renderDocumentPdf } from '../../server/documents/layout.js';
import { fallbackFontName, warmUpFonts } from '../../server/documents/fonts.js';
import { generateAgencyP12 } from '../../server/documents/keys.js';
import { loadAgencySigner } from '../../server/documents/signer.js';
import { verifySignedPdf } from '../../server/documents/verify.js';
import type { DocumentContent } from '../../server/documents/document-content.js';

const N = Number(process.argv[2] ?? 200);
const WARM_UP = 20;

const content: DocumentContent = {
  title: '政府信息公开申请答复书',
  number: '东规资公复〔2026〕12号',
  addressee: '张某某：',
  paragraphs: [
    '本机关于2026年2月20日收到你提出的政府信息公开申请，你申请获取“东城区2025年度国有建设用地供应计划及其执行情况”的政府信息。',
    '经审查，根据《中华人民共和国政府信息公开条例》第二十七条、第三十六条第（一）项的规定，你申请获取的信息属于已主动公开的政府信息，可通过东城区人民政府门户网站（http://www.bjdch.gov.cn）“政府信息公开”专栏查询获取。',
    '如对本答复不服，可以在收到本答复之日起60日内向北京市东城区人民政府申请行政复议，或者在6个月内向北京市东城区人民法院提起行政诉讼。',
    '特此告知。',
  ],
  agencyName: '北京市东城区规划和自然资源局',
  date: '2026-03-12',
};

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

let t = performance.now();
warmUpFonts();
const fontsMs = performance.now() - t;
t = performance.now();
const p12 = generateAgencyP12({ agencyName: content.agencyName, agencyCode: '11110101MB1234567X', passphrase: 'bench' });
const keygenMs = performance.now() - t;
t = performance.now();
const signer = loadAgencySigner(p12, 'bench');
const loadMs = performance.now() - t;
const opts = { seal: { kind: 'vector' as const, agencyName: content.agencyName, purpose: '政府信息公开专用章' }, signer };

const fmt = (ms: number): string => ms.toFixed(1);
console.log(`node ${process.version} on ${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} cpus)`);
console.log(`start-up: fonts ${fmt(fontsMs)} ms (fallback: ${fallbackFontName() ?? 'none'}), P12 generation ${fmt(keygenMs)} ms, P12 load ${fmt(loadMs)} ms`);

/** Renders, seals and signs `c` N times after a warm-up; prints the timings and the file size. */
async function measure(label: string, c: DocumentContent): Promise<void> {
  let t0 = performance.now();
  let pdf = await renderDocumentPdf(c, opts);
  const firstMs = performance.now() - t0;
  for (let i = 0; i < WARM_UP; i++) pdf = await renderDocumentPdf(c, opts);
  const times: number[] = [];
  const started = performance.now();
  for (let i = 0; i < N; i++) {
    t0 = performance.now();
    pdf = await renderDocumentPdf(c, opts);
    times.push(performance.now() - t0);
  }
  const totalMs = performance.now() - started;
  times.sort((a, b) => a - b);
  const check = verifySignedPdf(pdf);
  if (!check.valid) throw new Error(`benchmark output does not verify: ${check.reason}`);
  console.log(`render+seal+sign one-page reply, ${label}, N=${N} after ${WARM_UP} warm-up (first ${fmt(firstMs)} ms):`);
  console.log(`  median ${fmt(percentile(times, 50))} ms, p90 ${fmt(percentile(times, 90))} ms, min ${fmt(times[0]!)} ms, max ${fmt(times[times.length - 1]!)} ms`);
  console.log(`  ${(N / (totalMs / 1000)).toFixed(1)} docs/second, file size ${(pdf.length / 1024).toFixed(1)} KB (signature verified)`);
}

await measure('Noto Serif SC only', content);
// Finding 15: one rare name character (CJK Extension B) drawn from the fallback font.
if (fallbackFontName()) await measure('with one Extension B character (fallback font)', { ...content, addressee: '张𠀀：' });
