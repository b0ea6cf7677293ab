// Line breaking for Chinese text on a fixed character grid.
//
// Ideographs and full-width punctuation are one token each; runs of Latin letters, digits and ASCII
// punctuation are kept together as words (measured with the font, so they stay proportional).
// Breaking follows the kinsoku rules of GB/T 15834-2011 «标点符号用法» §5.1.7 and common Chinese
// typesetting practice (also GB/T 9704-2012 §7.3.5.1 allows adjusting spacing to make text fit):
// closing punctuation never starts a line and opening punctuation never ends one; a closing mark
// that would start a line is pulled onto the previous line (which is then compressed slightly),
// otherwise the last character is pushed down together with it.

/** Must not begin a line (GB/T 15834-2011 §5.1.7: 句号、逗号、顿号、分号、冒号、问号、叹号、后引号、后括号、后书名号、省略号…). */
const CLOSING = new Set([...'，。、；：？！）」』】》〕〉］｝”’…·％‰,.;:?!)]}%']);
/** Must not end a line: opening quotes, brackets and book-title marks. */
const OPENING = new Set([...'（「『【《〔〈［｛“‘([{']);
/** Marks that occupy two cells and must not be split across lines (——, ……). */
const UNSPLITTABLE = new Set(['—', '…']);

const LATIN = /[\u0020-\u007E\u00A0-\u024F]/u;

export type Measure = (text: string) => number;

interface Token {
  text: string;
  width: number;
  /** Width without trailing spaces (what a line ending with this token occupies). */
  trimmedWidth: number;
}

export interface TypesetLine {
  text: string;
  /** Left offset of the line inside the text block (first-line indent), points. */
  indent: number;
  /** Natural width of `text` at the body size, trailing spaces excluded. */
  width: number;
  /** Width available to this line (text block width less the indent). */
  available: number;
  /** The last line of its paragraph (not justified). */
  last: boolean;
}

export interface BreakOptions {
  lineWidth: number;
  /** Indent of the first line (GB/T 9704-2012 §7.3.3: paragraphs indented two characters). */
  firstIndent: number;
  /** Tolerated overflow when a closing mark is pulled up (compressed away afterwards). */
  maxOverflow: number;
  measure: Measure;
}

function tokenize(text: string, opts: BreakOptions): Token[] {
  const tokens: Token[] = [];
  const chars = [...text];
  let i = 0;
  while (i < chars.length) {
    const ch = chars[i]!;
    if (LATIN.test(ch) && !(ch === ' ' && tokens.length === 0)) {
      // A Latin word and the spaces after it.
      let word = '';
      while (i < chars.length && LATIN.test(chars[i]!) && chars[i] !== ' ') word += chars[i++];
      let spaces = '';
      while (i < chars.length && chars[i] === ' ') spaces += chars[i++];
      if (word === '') {
        tokens.push({ text: spaces, width: opts.measure(spaces), trimmedWidth: 0 });
        continue;
      }
      const parts = splitLongWord(word);
      parts.forEach((part, k) => pushWord(tokens, part, k === parts.length - 1 ? spaces : '', opts));
    } else {
      if (ch !== ' ') {
        const width = opts.measure(ch);
        tokens.push({ text: ch, width, trimmedWidth: width });
      }
      i++;
    }
  }
  return tokens;
}

/**
 * A long Latin word (a URL, an e-mail address, a file path) may break after '/', '.', '-', '_',
 * '?', '&', '=' or '@' (as UAX #14 and Chinese practice break URLs), so it does not leave a
 * letter-spaced line behind it. Short words such as '2.5' or 'A-1' stay whole.
 */
function splitLongWord(word: string): string[] {
  if (word.length < 12) return [word];
  return word.match(/[^/.\-_?&=@]*(?:[/.\-_?&=@]+|$)/g)?.filter((p) => p !== '') ?? [word];
}

/** A Latin word longer than a line (a URL, a long file number) is cut into pieces that fit. */
function pushWord(tokens: Token[], word: string, spaces: string, opts: BreakOptions): void {
  const width = opts.measure(word);
  const limit = opts.lineWidth - opts.firstIndent;
  if (width <= limit) {
    const total = spaces ? opts.measure(word + spaces) : width;
    tokens.push({ text: word + spaces, width: total, trimmedWidth: width });
    return;
  }
  let piece = '';
  for (const ch of word) {
    if (piece && opts.measure(piece + ch) > limit) {
      const w = opts.measure(piece);
      tokens.push({ text: piece, width: w, trimmedWidth: w });
      piece = '';
    }
    piece += ch;
  }
  const w = opts.measure(piece);
  const total = spaces ? opts.measure(piece + spaces) : w;
  tokens.push({ text: piece + spaces, width: total, trimmedWidth: w });
}

function firstChar(t: Token): string {
  return [...t.text][0] ?? '';
}
function lastChar(t: Token): string {
  const cs = [...t.text.trimEnd()];
  return cs[cs.length - 1] ?? '';
}

/** May a line end between tokens[b-1] and tokens[b]? */
function canBreakBefore(tokens: Token[], b: number): boolean {
  if (b >= tokens.length) return true;
  if (b <= 0) return false;
  const prev = tokens[b - 1]!;
  const next = tokens[b]!;
  const n = firstChar(next);
  const p = lastChar(prev);
  if (CLOSING.has(n)) return false;
  if (OPENING.has(p)) return false;
  if (UNSPLITTABLE.has(n) && n === p) return false;
  return true;
}

/**
 * Breaks one paragraph into lines. Lines other than the last are meant to be justified to
 * `available`; a line may be wider than `available` by at most `maxOverflow` (a pulled-up closing
 * mark), which the renderer compresses away.
 */
export function breakParagraph(text: string, opts: BreakOptions): TypesetLine[] {
  const tokens = tokenize(text, opts);
  const lines: TypesetLine[] = [];
  let i = 0;
  while (i < tokens.length) {
    const indent = lines.length === 0 ? opts.firstIndent : 0;
    const available = opts.lineWidth - indent;
    let j = i;
    let width = 0;
    while (j < tokens.length && width + tokens[j]!.trimmedWidth <= available + 0.01) {
      width += tokens[j]!.width;
      j++;
    }
    if (j === i) j = i + 1; // a single token wider than the line: place it anyway
    let b = j;
    if (!canBreakBefore(tokens, b)) {
      // Pull closing marks up onto this line if the overflow stays small…
      let pulled = b;
      let extra = 0;
      while (pulled < tokens.length && !canBreakBefore(tokens, pulled) && pulled - b < 2) {
        if (!pullable(tokens, pulled)) break;
        extra += tokens[pulled]!.trimmedWidth;
        pulled++;
      }
      const overflow = lineWidth(tokens, i, pulled) - available;
      if (canBreakBefore(tokens, pulled) && overflow <= opts.maxOverflow + 0.01 && extra > 0) {
        b = pulled;
      } else {
        // …otherwise push characters down until the break is allowed.
        b = j - 1;
        while (b > i + 1 && !canBreakBefore(tokens, b)) b--;
        if (b <= i) b = j;
      }
    }
    lines.push({
      text: tokens.slice(i, b).map((t) => t.text).join('').trimEnd(),
      indent,
      width: lineWidth(tokens, i, b),
      available,
      last: b >= tokens.length,
    });
    i = b;
  }
  return lines;
}

/** A mark that may hang onto the previous line: closing punctuation or the second half of ——/……. */
function pullable(tokens: Token[], k: number): boolean {
  const c = firstChar(tokens[k]!);
  return CLOSING.has(c) || (UNSPLITTABLE.has(c) && k > 0 && lastChar(tokens[k - 1]!) === c);
}

function lineWidth(tokens: Token[], from: number, to: number): number {
  let w = 0;
  for (let k = from; k < to; k++) w += k === to - 1 ? tokens[k]!.trimmedWidth : tokens[k]!.width;
  return w;
}

/**
 * Character spacing (PDF `Tc`) that makes a line fill its width: justified lines are spread to
 * the full width, every line is compressed if it overflows. Very loose lines (a long word pushed to
 * the next line) are left ragged rather than letter-spaced beyond half a cell.
 */
export function spacingFor(line: TypesetLine, cell: number): number {
  const glyphs = [...line.text].length;
  if (glyphs < 2) return 0;
  const slack = line.available - line.width;
  if (Math.abs(slack) < 0.005) return 0; // a full line of ideographs, up to rounding
  if (slack < 0) return slack / (glyphs - 1);
  if (line.last) return 0;
  const spacing = slack / (glyphs - 1);
  return spacing > cell / 2 ? 0 : spacing;
}

/**
 * Splits a title into a balanced set of lines (GB/T 9704-2012 §7.3.1: 回行时…排列对称，长短适宜,
 * 使用梯形或菱形): as many lines as needed, each about equally long.
 */
export function breakBalanced(text: string, lineWidth: number, measure: Measure): TypesetLine[] {
  const total = measure(text);
  const count = Math.max(1, Math.ceil(total / lineWidth - 0.001));
  const target = Math.min(lineWidth, total / count + measure('中') * 0.5);
  const lines = breakParagraph(text, { lineWidth: target, firstIndent: 0, maxOverflow: 0, measure });
  return lines.map((l) => ({ ...l, available: Math.max(l.width, target), last: true }));
}
