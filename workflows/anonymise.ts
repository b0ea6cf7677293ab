// Anonymisation of parties in published material (案例汇编, 以案释法), the way courts anonymise
// judgments for publication: a person becomes surname + 某 (张建国 → 张某, 欧阳修 → 欧阳某), an
// organisation keeps only the generic tail of its name (北京某某科技有限公司 → 某有限公司).
// Pure: no I/O, no clock.

export type PartyKind = 'natural_person' | 'organisation';

export interface NamedParty {
  name: string;
  kind: PartyKind;
}

/**
 * Two-character (复姓) surnames. Left out on purpose are those whose first character is itself a
 * common surname and whose second character commonly starts a given name (钟离, 宗政, 梁丘, 单于…):
 * 钟离明 is far more often 钟 + 离明 than 钟离 + 明.
 */
const COMPOUND_SURNAMES = new Set([
  '欧阳', '司马', '诸葛', '上官', '东方', '皇甫', '尉迟', '公孙', '慕容', '令狐', '宇文', '长孙',
  '司徒', '夏侯', '司空', '端木', '独孤', '南宫', '西门', '轩辕', '呼延', '赫连', '澹台', '太史',
  '万俟', '闻人', '公羊', '公冶', '濮阳', '太叔', '申屠', '仲孙', '鲜于', '闾丘', '子车', '亓官',
  '司寇', '巫马', '公西', '颛孙', '壤驷', '公良', '漆雕', '乐正', '宰父', '谷梁', '拓跋', '夹谷',
  '段干', '百里', '东郭', '南门', '羊舌', '微生', '左丘', '东门', '第五', '公仪', '公乘', '即墨',
  '达奚', '褚师', '淳于', '完颜', '爱新觉罗', '叶赫那拉',
]);

const HAN = /\p{Script=Han}/u;

/** Splits a Chinese personal name into surname and given name (张建国 → 张 + 建国). */
export function splitChineseName(name: string): { surname: string; given: string } {
  const chars = [...name];
  for (const len of [4, 2]) {
    const head = chars.slice(0, len).join('');
    if (chars.length > len && COMPOUND_SURNAMES.has(head)) return { surname: head, given: chars.slice(len).join('') };
  }
  return { surname: chars[0] ?? '', given: chars.slice(1).join('') };
}

/** Is this a name in Chinese characters (possibly with the middle dot of transliterated names)? */
function isChineseName(name: string): boolean {
  const first = [...name][0];
  return first !== undefined && HAN.test(first);
}

/**
 * Transliterated names (阿卜杜拉·买买提, 玛丽·居里) have no surname-first order: the first character
 * is kept (爱新觉罗·溥仪, a clan name before the dot, keeps the clan name).
 */
const NAME_DOT = /[·•・‧.．]/u;

/**
 * Organisation forms, longest and most specific first. Each entry: a pattern matching the end of
 * the name and the anonymised name.
 */
const ORGANISATION_TAILS: Array<[RegExp, string]> = [
  [/[（(]有限合伙[）)]$/u, '某合伙企业（有限合伙）'],
  [/[（(]普通合伙[）)]$/u, '某合伙企业（普通合伙）'],
  [/[（(]特殊普通合伙[）)]$/u, '某合伙企业（特殊普通合伙）'],
  [/股份有限公司$/u, '某股份有限公司'],
  [/有限责任公司$/u, '某有限责任公司'],
  [/分公司$/u, '某分公司'],
  [/有限公司$/u, '某有限公司'],
  [/集团$/u, '某集团'],
  [/公司$/u, '某公司'],
  [/合伙企业$/u, '某合伙企业'],
  [/个人独资企业$/u, '某个人独资企业'],
  [/律师事务所$/u, '某律师事务所'],
  [/会计师事务所$/u, '某会计师事务所'],
  [/公证处$/u, '某公证处'],
  [/事务所$/u, '某事务所'],
  [/研究院$/u, '某研究院'],
  [/研究所$/u, '某研究所'],
  [/设计院$/u, '某设计院'],
  [/研究会$/u, '某研究会'],
  [/促进会$/u, '某协会'],
  [/协会$/u, '某协会'],
  [/学会$/u, '某学会'],
  [/商会$/u, '某商会'],
  [/基金会$/u, '某基金会'],
  [/联合会$/u, '某联合会'],
  [/居民委员会$/u, '某居民委员会'],
  [/村民委员会$/u, '某村民委员会'],
  [/业主委员会$/u, '某业主委员会'],
  [/委员会$/u, '某委员会'],
  [/合作社$/u, '某合作社'],
  [/大学$/u, '某大学'],
  [/学院$/u, '某学院'],
  [/中学$/u, '某中学'],
  [/小学$/u, '某小学'],
  [/幼儿园$/u, '某幼儿园'],
  [/学校$/u, '某学校'],
  [/医院$/u, '某医院'],
  [/卫生院$/u, '某卫生院'],
  [/诊所$/u, '某诊所'],
  [/支行$/u, '某支行'],
  [/分行$/u, '某分行'],
  [/银行$/u, '某银行'],
  [/出版社$/u, '某出版社'],
  [/报社$/u, '某报社'],
  [/杂志社$/u, '某杂志社'],
  [/电视台$/u, '某电视台'],
  [/中心$/u, '某中心'],
  [/工作室$/u, '某工作室'],
  [/厂$/u, '某厂'],
  [/(?:商行|商店|超市)$/u, '某商店'],
  [/(?:酒店|宾馆|饭店)$/u, '某酒店'],
  // Foreign forms.
  [/\b(?:law\s+(?:firm|office)s?|LLP|attorneys?(?:\s+at\s+law)?)\.?$/iu, '某律师事务所'],
  [/\b(?:university|college)$/iu, '某大学'],
  [/\b(?:association|society)$/iu, '某协会'],
  [/\b(?:foundation)$/iu, '某基金会'],
  [/\b(?:institute)$/iu, '某研究院'],
  [/\b(?:bank)$/iu, '某银行'],
  [/\b(?:co\.?,?\s*ltd|ltd|limited|inc|incorporated|corp|corporation|llc|plc|gmbh|ag|s\.?a|b\.?v|pty|company|co)\.?$/iu, '某公司'],
];

/**
 * The anonymised form of a party's name: 张建国 → 张某, 欧阳明 → 欧阳某, John Smith → J某,
 * 北京某某科技有限公司 → 某有限公司, 某某律师事务所 → 某律师事务所, anything else → 某单位.
 */
export function anonymiseName(name: string, kind: PartyKind): string {
  const n = name.trim();
  if (kind === 'organisation') {
    // A trailing branch or location in brackets (…有限公司（北京）) does not change the form.
    const core = n.replace(/\s*[（(][^（）()]*[）)]$/u, (m) => (/合伙/u.test(m) ? m : '')).trim();
    for (const [tail, anonymised] of ORGANISATION_TAILS) if (tail.test(core)) return anonymised;
    return '某单位';
  }
  if (n === '') return '某';
  if (isChineseName(n)) {
    if (NAME_DOT.test(n)) {
      const head = n.split(NAME_DOT)[0]!.trim();
      return (COMPOUND_SURNAMES.has(head) ? head : [...n][0]!) + '某';
    }
    return splitChineseName(n.replace(/\s+/gu, '')).surname + '某';
  }
  const letter = /\p{L}/u.exec(n)?.[0] ?? [...n][0]!;
  return letter.toLocaleUpperCase('en') + '某';
}

/** The strings to replace for one party, each with its replacement. */
function variants(party: NamedParty): { text: string; replacement: string; given: boolean }[] {
  const name = party.name.trim();
  if (name === '') return [];
  const replacement = anonymiseName(name, party.kind);
  const out = [{ text: name, replacement, given: false }];
  if (party.kind === 'natural_person' && isChineseName(name) && !NAME_DOT.test(name) && [...name].length >= 3) {
    const { given } = splitChineseName(name.replace(/\s+/gu, ''));
    // A one-character given name (欧阳修 → 修) would take every 修 out of the text; an already
    // anonymised name (张某某) would take out every 某某.
    if ([...given].length >= 2 && !given.includes('某')) out.push({ text: given, replacement, given: true });
  }
  return out;
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const LATIN_WORD = /[\p{Script=Latin}\d]/u;

/**
 * Replaces every occurrence of each party's full name (and, for a Chinese personal name of three or
 * more characters, the given name on its own: 建国 → 张某) with its anonymised form. Longer names
 * win where names overlap (张建国 before 张建). A given name shared by two parties with different
 * anonymised forms (张建国 and 李建国) cannot be attributed and becomes 某某. Names in Latin letters
 * match whole words only (Ann does not match in Anna).
 */
export function anonymiseText(text: string, names: NamedParty[]): string {
  const table = new Map<string, { replacement: string; given: boolean }>();
  for (const party of names) {
    for (const v of variants(party)) {
      const seen = table.get(v.text);
      if (!seen) table.set(v.text, { replacement: v.replacement, given: v.given });
      else if (seen.replacement !== v.replacement) {
        // A full name outranks someone else's given name; two full names (or two given names)
        // that anonymise differently are ambiguous.
        if (seen.given && !v.given) table.set(v.text, { replacement: v.replacement, given: false });
        else if (seen.given === v.given) table.set(v.text, { replacement: '某某', given: seen.given });
      }
    }
  }
  if (table.size === 0) return text;
  const keys = [...table.keys()].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
  const pattern = new RegExp(
    keys
      .map((k) => {
        const chars = [...k];
        const before = LATIN_WORD.test(chars[0]!) ? '(?<![\\p{Script=Latin}\\d])' : '';
        const after = LATIN_WORD.test(chars[chars.length - 1]!) ? '(?![\\p{Script=Latin}\\d])' : '';
        return before + escapeRegExp(k) + after;
      })
      .join('|'),
    'gu',
  );
  // One pass replaces what was in the text; further passes catch a name that a replacement itself
  // completed (it cannot run forever: each pass replaces a name by something shorter or equal
  // that is not itself a name, and stops when nothing matches).
  let out = text;
  for (let pass = 0; pass < 5; pass++) {
    const next = out.replace(pattern, (m) => table.get(m)!.replacement);
    if (next === out) break;
    out = next;
  }
  return out;
}
