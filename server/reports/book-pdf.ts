// 案例汇编: a compendium of cases, set like the official documents (GB/T 9704-2012 text block and
// grid, Noto Serif SC, 2号 bold titles, 3号 body text, page numbers '— N —').
//
//   cover            no page number
//   目录 (1…t pages)  printed pages 1…t: chapter labels and titles, dot leaders, page numbers
//   chapters         each from a new page, printed pages t+1…
//
// Page numbers count from the first page of the table of contents, so the printed number N is the
// PDF's page N + 1. The table of contents is laid out twice or more: the chapters' printed page
// numbers depend on how many pages the contents take, and those pages depend (through the width of
// the numbers) on the numbers; the passes stop when the page count no longer changes.
import { textWidth } from '../documents/fonts.js';
import { cleanParagraph } from '../documents/layout.js';
import { BLOCK_LEFT, BLOCK_RIGHT, BLOCK_WIDTH, BODY_SIZE, CELL, TITLE_SIZE, lineTop } from '../documents/page-geometry.js';
import { formatChineseDate } from '../../workflows/dates.js';
import {
  numberPage,
  openPdf,
  paintFlowPage,
  PageFlow,
  setBalanced,
  setParagraph,
  setSingle,
  type FlowPage,
} from './flow-pdf.js';

export interface BookChapter {
  title: string;
  sections: { heading: string; paragraphs: string[] }[];
}

export interface Book {
  title: string;
  subtitle?: string | null;
  agencyName: string;
  /** ISO 'YYYY-MM-DD'; printed '2026年3月12日' on the cover. */
  date: string;
  chapters: BookChapter[];
}

export interface TocEntry {
  /** The chapter's title as given. */
  title: string;
  /** Printed page number of the chapter's first page. */
  page: number;
}

/** A link from a contents entry to its chapter. */
export interface TocLink {
  pageIndex: number;
  x: number;
  y: number;
  w: number;
  h: number;
  chapter: number;
}

export interface BookLayout {
  /** All pages: the cover (index 0), the contents, the chapters. */
  pages: FlowPage[];
  toc: TocEntry[];
  /** Number of pages the table of contents takes. */
  tocPages: number;
  /** PDF page index (0-based) of each chapter's first page (equal to its printed number). */
  chapterPageIndex: number[];
  /** Printed page number of each page, null on the cover. */
  printed: (number | null)[];
  links: TocLink[];
}

const DIGITS = '零一二三四五六七八九';

/** 1 → 一, 12 → 十二, 40 → 四十, 105 → 一百零五, 110 → 一百一十, 1010 → 一千零一十. */
export function chineseNumber(n: number): string {
  if (!Number.isInteger(n) || n < 0 || n >= 10000) return String(n);
  if (n < 10) return DIGITS[n]!;
  if (n < 20) return '十' + (n % 10 ? DIGITS[n % 10]! : '');
  if (n < 100) return DIGITS[Math.floor(n / 10)]! + '十' + (n % 10 ? DIGITS[n % 10]! : '');
  const [unit, size] = n < 1000 ? ['百', 100] : ['千', 1000];
  const head = DIGITS[Math.floor(n / size)]! + unit;
  const rest = n % size;
  if (rest === 0) return head;
  if (rest < size / 10) return head + '零' + (rest >= 10 && rest < 20 ? '一' : '') + chineseNumber(rest);
  return head + (rest < 20 ? '一' : '') + chineseNumber(rest);
}

/** A label the caller already put in front of the title: 案例三 / 第三章 (篇, 节, 部). */
const LABEL = /^((?:案例|第)[零〇一二三四五六七八九十百千\d]+[章篇节部]?)(?:[\s\u3000:：、.．]+|$)/u;

/** The chapter's label (案例一 unless the title brings its own) and the title without it. */
export function chapterLabel(title: string, index: number): { label: string; text: string } {
  const t = title.trim();
  const m = LABEL.exec(t);
  if (m && (m[1]!.startsWith('第') ? /[章篇节部]$/.test(m[1]!) : true)) return { label: m[1]!, text: t.slice(m[0].length).trim() };
  return { label: `案例${chineseNumber(index + 1)}`, text: t };
}

/** Section headings are numbered 一、二、… (GB/T 9704-2012 §7.3.3) unless they are already. */
function sectionHeading(heading: string, index: number): string {
  const h = cleanParagraph(heading);
  if (/^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+[.．、])/u.test(h)) return h;
  return `${chineseNumber(index + 1)}、${h}`;
}

const body = (text: string) => setParagraph(text, { size: BODY_SIZE, weight: 'regular', width: BLOCK_WIDTH, firstIndent: 2 * CELL });
const heading = (text: string) => setParagraph(text, { size: BODY_SIZE, weight: 'bold', width: BLOCK_WIDTH, firstIndent: 2 * CELL });

/** One chapter from a new page: label and title centred in 2号 bold, then numbered sections. */
function layoutChapter(chapter: BookChapter, index: number): FlowPage[] {
  const flow = new PageFlow();
  flow.newPage();
  const { label, text } = chapterLabel(chapter.title, index);
  flow.gridLines(setBalanced(label, TITLE_SIZE, 'bold'), TITLE_SIZE, 'bold');
  if (text) flow.gridLines(setBalanced(text, TITLE_SIZE, 'bold'), TITLE_SIZE, 'bold');
  flow.blankLine();
  chapter.sections.forEach((section, k) => {
    const head = section.heading.trim() ? heading(sectionHeading(section.heading, k)) : [];
    const paragraphs = section.paragraphs.map(cleanParagraph).filter((p) => p !== '').map(body);
    // A heading is never the last line of a page: it keeps with two lines of its text.
    flow.keepLines(head.length + Math.min(2, paragraphs[0]?.length ?? 0));
    flow.gridLines(head, BODY_SIZE, 'bold');
    for (const p of paragraphs) flow.gridLines(p, BODY_SIZE, 'regular');
  });
  return flow.pages;
}

/** The cover: title (1号 bold), subtitle, and at the foot the agency and the date. No page number. */
function layoutCover(book: Book): FlowPage {
  const flow = new PageFlow();
  const page = flow.newPage();
  const COVER_TITLE = 26; // 一号
  flow.y = lineTop(5);
  flow.gridLines(setBalanced(book.title.trim(), COVER_TITLE, 'bold'), COVER_TITLE, 'bold');
  const subtitle = book.subtitle?.trim();
  if (subtitle) {
    flow.blankLine();
    flow.gridLines(setBalanced(subtitle, BODY_SIZE, 'regular'), BODY_SIZE, 'regular');
  }
  flow.y = Math.max(flow.y, lineTop(18));
  flow.gridLines(setBalanced(book.agencyName.trim(), BODY_SIZE, 'regular'), BODY_SIZE, 'regular');
  flow.gridLine(setBalanced(formatChineseDate(book.date), BODY_SIZE, 'regular')[0]!, BODY_SIZE, 'regular');
  return page;
}

/** Leader dots are half a character apart and line up from entry to entry. */
const LEADER_STEP = CELL / 2;
const LEADER_DOT = '.';

/**
 * The table of contents for the given printed start pages: '目录' centred, a blank line, then one
 * entry per chapter — label and title (a long title wraps under the title's first character), dot
 * leaders, the page number flush right.
 */
function layoutToc(labels: { label: string; text: string }[], starts: number[]): { pages: FlowPage[]; links: Omit<TocLink, 'pageIndex'>[][] } {
  const flow = new PageFlow();
  flow.newPage();
  // '目录' spread over two cells' gap, as two-character headings usually are.
  const head = setSingle('目录', TITLE_SIZE, 'bold');
  const spread = TITLE_SIZE;
  flow.gridLine({ ...head, characterSpacing: spread, offset: (BLOCK_WIDTH - head.width - spread) / 2, width: head.width + spread }, TITLE_SIZE, 'bold');
  flow.blankLine();

  const numberWidth = Math.max(...starts.map((s) => textWidth(String(s), BODY_SIZE)), textWidth('00', BODY_SIZE));
  const dotWidth = textWidth(LEADER_DOT, BODY_SIZE);
  const gap = CELL / 4;
  // Leaders end at the same place on every line (before the widest number), so their dots line up
  // from entry to entry; the numbers are flush right.
  const leaderEnd = BLOCK_RIGHT - numberWidth - gap;
  // Text stops where at least two leader dots still fit after it.
  const textWidthMax = leaderEnd - BLOCK_LEFT - gap - LEADER_STEP - dotWidth - LEADER_STEP;
  const linksByPage: Omit<TocLink, 'pageIndex'>[][] = [];

  // Titles start in one column, a character after the widest label (案例二十一).
  const hang = Math.max(...labels.map((l) => textWidth(l.label, BODY_SIZE))) + CELL;
  labels.forEach(({ label, text }, i) => {
    const set = (width: number) => setParagraph(text || label, { size: BODY_SIZE, weight: 'regular', width, align: 'left' });
    const titleWidth = text ? textWidthMax - hang : textWidthMax;
    let lines = set(titleWidth);
    // A wrapped title should not leave a character or two alone on its last line.
    for (let narrower = 1; lines.length > 1 && [...lines[lines.length - 1]!.text].length < 4 && narrower <= 3; narrower++) {
      const retry = set(titleWidth - narrower * CELL);
      if (retry.length > lines.length) break;
      lines = retry;
    }
    if (text) lines = lines.map((l) => ({ ...l, offset: l.offset + hang }));
    // An entry is not split over two pages.
    flow.keepLines(lines.length);
    const placed = flow.gridLines(lines, BODY_SIZE, 'regular');
    if (text) {
      const labelWidth = textWidth(label, BODY_SIZE);
      flow.page.lines.push({ ...placed[0]!, text: label, x: BLOCK_LEFT, characterSpacing: 0, width: labelWidth });
    }
    const last = placed[placed.length - 1]!;
    const pageNo = String(starts[i]!);
    const numWidth = textWidth(pageNo, BODY_SIZE);
    const numX = BLOCK_RIGHT - numWidth;
    flow.page.lines.push({ ...last, text: pageNo, x: numX, characterSpacing: 0, width: numWidth });
    // Dots counted back from the leaders' end, as far as a quarter character after the title.
    const count = Math.floor((leaderEnd - dotWidth - (last.x + last.width + gap)) / LEADER_STEP) + 1;
    if (count > 0) {
      const width = (count - 1) * LEADER_STEP + dotWidth;
      flow.page.lines.push({ ...last, text: LEADER_DOT.repeat(count), x: leaderEnd - width, characterSpacing: LEADER_STEP - dotWidth, width });
    }
    const page = flow.pageIndex;
    const first = placed[0]!;
    (linksByPage[page] ??= []).push({ x: BLOCK_LEFT, y: first.top, w: BLOCK_WIDTH, h: last.top + last.size - first.top, chapter: i });
  });
  return { pages: flow.pages, links: linksByPage };
}

/** Lays the whole book out as plain data (see BookLayout). */
export function layoutBook(book: Book): BookLayout {
  formatChineseDate(book.date); // a real date, or throw before any work
  const chapters = book.chapters.map(layoutChapter);
  const labels = book.chapters.map((c, i) => chapterLabel(c.title, i));
  const startsFor = (tocPages: number): number[] => {
    let next = tocPages + 1; // printed numbers start at 1 on the first contents page
    return chapters.map((pages) => {
      const start = next;
      next += pages.length;
      return start;
    });
  };

  // Pass after pass until the contents take as many pages as the numbers assumed. The count only
  // grows, so this ends; should the contents ever come out shorter, it is padded to the count.
  let tocPages = 1;
  let toc = layoutToc(labels, startsFor(tocPages));
  for (let pass = 0; toc.pages.length > tocPages && pass < 20; pass++) {
    tocPages = toc.pages.length;
    toc = layoutToc(labels, startsFor(tocPages));
  }
  if (toc.pages.length > tocPages) throw new Error('table of contents did not settle');
  while (toc.pages.length < tocPages) toc.pages.push({ lines: [], rules: [], pageNumber: null });
  const starts = startsFor(tocPages);

  const pages: FlowPage[] = [layoutCover(book), ...toc.pages, ...chapters.flat()];
  const printed: (number | null)[] = pages.map((_, i) => (i === 0 ? null : i));
  pages.forEach((page, i) => {
    if (i > 0) numberPage(page, i);
  });
  const links: TocLink[] = toc.links.flatMap((ls, p) => (ls ?? []).map((l) => ({ ...l, pageIndex: 1 + p })));
  return {
    pages,
    toc: book.chapters.map((c, i) => ({ title: c.title, page: starts[i]! })),
    tocPages,
    chapterPageIndex: starts,
    printed,
    links,
  };
}

/**
 * Renders the compendium. Returns the PDF and its table of contents (each chapter's title as given
 * and the printed page number of its first page). The PDF also has bookmarks for the contents and
 * each chapter, and the contents entries link to their chapters.
 */
export async function renderBookPdf(book: Book): Promise<{ pdf: Buffer; toc: TocEntry[] }> {
  const layout = layoutBook(book);
  const pdf = openPdf({ title: book.title, author: book.agencyName, date: book.date, ...(book.subtitle ? { subject: book.subtitle } : {}) });
  const { doc } = pdf;
  const chapterAt = new Map(layout.chapterPageIndex.map((p, i) => [p, i]));
  layout.pages.forEach((page, i) => {
    doc.addPage({ size: 'A4', margin: 0 });
    paintFlowPage(doc, page, i);
    if (i === 1) doc.outline.addItem('目录');
    const chapter = chapterAt.get(i);
    if (chapter !== undefined) {
      const { label, text } = chapterLabel(book.chapters[chapter]!.title, chapter);
      doc.addNamedDestination(`chapter-${chapter + 1}`, 'XYZ', 0, 0, null);
      doc.outline.addItem(text ? `${label}　${text}` : label);
    }
    for (const l of layout.links) if (l.pageIndex === i) doc.goTo(l.x, l.y, l.w, l.h, `chapter-${l.chapter + 1}`);
  });
  return { pdf: await pdf.finish(), toc: layout.toc };
}
