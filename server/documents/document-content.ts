// What a rendered official document (规范文书) says, independent of how it is laid out.
// Layout rules live in layout.ts (GB/T 9704-2012).

export interface DocumentContent {
  /** e.g. '政府信息公开申请答复书' — GB/T 9704-2012 §7.3.1: 2号 小标宋-style (Bold weight), centred. */
  title: string;
  /** e.g. '东规资公复〔2026〕12号' — centred under the title; null for an unnumbered draft. */
  number: string | null;
  /** e.g. '张某某：' — §7.3.2 主送机关: flush left, not indented. */
  addressee: string | null;
  /** Body paragraphs, one paragraph per entry; §7.3.3: each indented two characters. */
  paragraphs: string[];
  /** Signature block: the issuing agency's name (§7.3.5 发文机关署名). */
  agencyName: string;
  /** ISO 'YYYY-MM-DD'; printed '2026年3月12日' (§7.3.5.1: Arabic numerals, no leading zeros). */
  date: string;
  /** A draft: a light grey diagonal '草稿' watermark on every page, no seal, not signed. */
  draft?: boolean;
}

export type SealSpec =
  | { kind: 'vector'; agencyName: string; purpose: string }
  | { kind: 'png'; png: Buffer };
