// Similarity of two request texts, for spotting repeat applications (Regulation Art. 36(六): an
// agency that has already replied to the same request need not process it again). Pure: no I/O.
//
// Applicants rarely copy their earlier wording: they reorder it, drop or add the formulaic parts
// ("申请公开……的文件", "请提供……"), abbreviate (控制性详细规划 → 控规) and switch between
// full-width and half-width characters. What identifies a request is what remains: the project or
// place, the kind of document, and the strong tokens — years, document numbers (文号), other numbers.
//
// Score in [0, 1]:
//   1. normalise both texts (NFKC width folding, one bracket style, Chinese-numeral years, common
//      abbreviations and old terms) and pull out the strong tokens;
//   2. strip filler phrases, punctuation and the digits already taken as tokens;
//   3. text score = Dice coefficient of the character-bigram multisets (order-insensitive, so
//      reordered clauses keep their bigrams), reduced when both texts have characters of their own
//      (a paraphrase adds or drops words on one side; a different request changes the object);
//   4. strong tokens then decide: the same document number makes the texts near-certainly the same
//      request; different document numbers, years, document kinds or plot/building numbers make
//      them different requests whatever the wording.
// Linear in the texts' length: an applicant's few hundred earlier requests are scored at once.
//
// REPEAT_THRESHOLD (0.6): paraphrases of one request in test/unit/similarity.test.ts score 0.7–1,
// different requests about the same project, year or agency 0–0.45. A false alarm costs the
// caseworker a glance at the earlier case; a repeat scored just under the line is still listed with
// its score, so the line sits in the gap, a little nearer the low side.

/** At or above this score an earlier application of the same applicant is flagged as a likely repeat. */
export const REPEAT_THRESHOLD = 0.6;

export interface RequestText {
  description: string;
  documentTitle?: string | null;
  documentNumber?: string | null;
}

/** The parts of a request that say which information is wanted (the purpose does not). */
export function requestText(r: RequestText): string {
  return [r.description, r.documentTitle ?? '', r.documentNumber ?? ''].join(' ');
}

// Longest first: a phrase is removed before any phrase it contains.
const FILLER = [
  '政府信息公开申请', '申请公开', '请求公开', '要求公开', '依法公开', '予以公开', '申请获取', '申请提供', '请求提供', '要求提供',
  '请提供', '提供', '申请人', '本人', '贵单位', '贵机关', '贵局', '贵委', '贵办', '你单位', '你局', '政府信息', '相关信息',
  '有关信息', '的信息', '复印件', '一份', '全文', '全部', '具体', '内容', '情况说明', '请', '申请', '公开', '有关', '相关',
  '关于', '以及', '及其', '及', '和', '与', '或', '等', '的', '之', '我', '该', '其', '所', '项目',
];

// Common abbreviations in planning, land and construction requests, folded to their short form.
const ABBREVIATIONS: [RegExp, string][] = [
  [/控制性详细规划/g, '控规'],
  [/修建性详细规划/g, '修规'],
  [/旧区改造/g, '旧改'],
  [/环境影响评价/g, '环评'],
  [/社会稳定风险评估/g, '稳评'],
  [/可行性研究/g, '可研'],
  [/国有土地使用权/g, '土地使用权'],
  [/建设工程规划许可证/g, '工程规划许可证'],
  [/建设用地规划许可证/g, '用地规划许可证'],
  [/人民政府/g, '政府'],
  // 国有土地上房屋征收与补偿条例 (2011) replaced 拆迁 by 征收; applicants still use both.
  [/拆迁/g, '征收'],
  [/补偿安置/g, '安置补偿'],
  [/批准文件|批准文书|批复文件/g, '批复'],
];

// Kinds of document that applicants ask for one after another about the same project. Two texts
// that each name kinds, none in common, ask for different documents (规划许可证 vs 施工许可证).
const DOCUMENT_KINDS = [
  '选址意见书', '用地规划许可证', '工程规划许可证', '施工许可证', '预售许可证', '竣工验收', '不动产权证', '土地使用权证',
  '出让合同', '划拨决定书', '征收决定', '征收公告', '安置补偿方案', '补偿协议', '评估报告', '环评', '稳评', '可研', '立项',
  '规划设计方案', '总平面图', '预算', '决算', '年度报告', '招标', '中标', '监理',
];

const CN_DIGITS: Record<string, string> = { 〇: '0', 零: '0', 一: '1', 二: '2', 三: '3', 四: '4', 五: '5', 六: '6', 七: '7', 八: '8', 九: '9' };

export interface StrongTokens {
  documentNumbers: Set<string>;
  years: Set<string>;
  numbers: Set<string>;
  documentKinds: Set<string>;
}

export interface AnalysedText {
  /** The identifying characters left after normalisation and filler removal. */
  core: string;
  tokens: StrongTokens;
}

/** Width folding, one bracket style, Arabic years, abbreviations; lower case. */
export function normalise(text: string): string {
  let s = text.normalize('NFKC').toLowerCase();
  s = s.replace(/[〔［\[【(（{｛]/g, '〔').replace(/[〕］\]】)）}｝]/g, '〕');
  s = s.replace(/([〇零一二三四五六七八九]{4})年/g, (_m, y: string) => [...y].map((c) => CN_DIGITS[c]).join('') + '年');
  for (const [re, short] of ABBREVIATIONS) s = s.replace(re, short);
  return s;
}

export function analyse(text: string): AnalysedText {
  let s = normalise(text);
  const tokens: StrongTokens = { documentNumbers: new Set(), years: new Set(), numbers: new Set(), documentKinds: new Set() };
  for (const k of DOCUMENT_KINDS) if (s.includes(k)) tokens.documentKinds.add(k);
  // 文号 such as 东规资〔2024〕12号 (GB/T 9704: issuer code, year in 〔〕, number). The last two
  // characters of the issuer code stay in the token (东规资 → 规资), so 东规资〔2024〕12号 and
  // 东建交〔2024〕12号 differ while words run into the code ("申请公开东规资…") do not matter.
  s = s.replace(/([\p{Script=Han}a-z]{0,12})\s*〔\s*((?:19|20)\d{2})\s*〕\s*第?\s*(\d+)\s*号/gu, (_m, issuer: string, year: string, n: string) => {
    tokens.documentNumbers.add(`${[...issuer].slice(-2).join('')}${year}-${Number(n)}`);
    tokens.years.add(year);
    return ' ';
  });
  s = s.replace(/((?:19|20)\d{2})\s*(?:年度?|-|\/|\.)/g, (_m, year: string) => {
    tokens.years.add(year);
    return ' ';
  });
  s = s.replace(/\d+/g, (n) => {
    if (/^(19|20)\d{2}$/.test(n)) tokens.years.add(n);
    else tokens.numbers.add(String(Number(n)));
    return ' ';
  });
  for (const f of FILLER) s = s.split(f).join(' ');
  const core = s.replace(/[^\p{L}]+/gu, ' ').replace(/\s+/g, ' ').trim();
  return { core, tokens };
}

/** Character bigrams within each run of letters (no bigram spans a removed phrase). */
function bigrams(core: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const run of core.split(' ')) {
    const chars = [...run];
    if (chars.length === 1) out.set(chars[0]!, (out.get(chars[0]!) ?? 0) + 1);
    for (let i = 0; i + 1 < chars.length; i++) {
      const g = chars[i]! + chars[i + 1]!;
      out.set(g, (out.get(g) ?? 0) + 1);
    }
  }
  return out;
}

function dice(a: Map<string, number>, b: Map<string, number>): number {
  let total = 0;
  let shared = 0;
  for (const n of a.values()) total += n;
  for (const n of b.values()) total += n;
  for (const [g, n] of a) shared += Math.min(n, b.get(g) ?? 0);
  return total === 0 ? 0 : (2 * shared) / total;
}

const chars = (core: string) => [...core.replace(/ /g, '')];

/** How many characters (as multisets) each side has that the other lacks. */
function unshared(a: string[], b: string[]): [number, number] {
  const count = new Map<string, number>();
  for (const c of a) count.set(c, (count.get(c) ?? 0) + 1);
  let common = 0;
  for (const c of b) {
    const n = count.get(c) ?? 0;
    if (n > 0) {
      common++;
      count.set(c, n - 1);
    }
  }
  return [a.length - common, b.length - common];
}

const overlaps = (a: Set<string>, b: Set<string>) => [...a].some((t) => b.has(t));

/** Text similarity of two analysed requests, in [0, 1]. */
export function similarityOf(a: AnalysedText, b: AnalysedText): number {
  const ta = a.tokens;
  const tb = b.tokens;
  // Nothing but strong tokens on both sides (e.g. only a 文号): the tokens alone decide.
  let score = a.core === '' && b.core === '' ? 1 : dice(bigrams(a.core), bigrams(b.core));
  // A serial applicant asks for one document of a project after another (许可证, then 环评, then
  // 立项批复): the project name is shared, and each text has words the other lacks. A paraphrase
  // adds or drops words on one side mostly. So the shorter text's share of characters the other
  // lacks, when the other also has its own, counts against the score (characters, not bigrams,
  // so that reordered phrases are not counted as new).
  const [onlyA, onlyB] = unshared(chars(a.core), chars(b.core));
  const smaller = Math.min(chars(a.core).length, chars(b.core).length);
  if (smaller > 0) score *= 1 - Math.min(onlyA, onlyB) / smaller;
  if (ta.documentNumbers.size && tb.documentNumbers.size) {
    // The same 文号 names the same document; different ones name different documents.
    if (overlaps(ta.documentNumbers, tb.documentNumbers)) score = 0.8 + 0.2 * score;
    else score *= 0.3;
  } else if (ta.years.size && tb.years.size && !overlaps(ta.years, tb.years)) {
    // The same kind of information for another year is another request (年度报告, 预算, 批复 of 2023 vs 2024).
    score *= 0.4;
  }
  if (ta.documentKinds.size && tb.documentKinds.size && !overlaps(ta.documentKinds, tb.documentKinds)) {
    score *= 0.5;
  }
  if (ta.numbers.size && tb.numbers.size && !overlaps(ta.numbers, tb.numbers)) {
    // 88号 vs 90号, 3号楼 vs 5号楼: another plot, building or item.
    score *= 0.45;
  }
  return Math.round(Math.min(1, Math.max(0, score)) * 100) / 100;
}

/** Similarity of two request texts in [0, 1] (two decimals). */
export function requestSimilarity(a: string, b: string): number {
  return similarityOf(analyse(a), analyse(b));
}
