// The standard documents (规范文书, domain.md §7) as versioned EJS text templates in
// templates/documents/. A template renders plain text:
//
//   <title line>
//   ---
//   <addressee>：
//
//   <paragraph>
//
//   <paragraph> …
//
// The layout (GB/T 9704-2012) adds the document number, the agency name, the date and the seal, and
// wraps the paragraphs. Each template's first line is `<%# version: N %>`; an issued document records
// the name and version of the template it was drafted from. Shared wording lives in partials
// (`_name.ejs`), which cannot be rendered on their own.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import ejs from 'ejs';
import { TEMPLATES_DIR } from '../paths.js';
import { unwrapQuotes } from '../../workflows/glossary.js';
import { DOCUMENT_KINDS, TERMS } from '../../workflows/terms.js';

/** The kinds and their names live in the glossary (workflows/terms.ts). */
export type DocumentKind = keyof typeof DOCUMENT_KINDS;

export const DOCUMENT_KIND_LABELS: Record<DocumentKind, string> = DOCUMENT_KINDS;

/** What a document may say. All dates are already formatted (e.g. '2026年3月12日'); strings may be empty. */
export interface DocumentTemplateData {
  agency: { name: string; address: string | null; phone: string | null; reconsiderationBody: string; court: string };
  application: {
    caseNumber: string;
    receivedDate: string;
    description: string;
    documentTitle: string | null;
    documentNumber: string | null;
    channel: string;
  };
  applicant: { name: string; isOrganisation: boolean; address: string | null; postcode: string | null };
  issuedDate: string;
  replyDue: string;
  decision: {
    code: string;
    label: string;
    reasons: string;
    /** Free texts of drafts recorded before issue 12 ('' since). */
    disclosed: string;
    withheld: string;
    referTo: string;
    /** Issue 12: what the reply states, ready to print (absent in data stored before). */
    facts?: ReplyPrintFacts | null;
    /** 复议前置 (行政复议法 Art. 23(1)(四)) for this decision by the agency's setting; absent: the template's default. */
    reconsiderationFirst?: boolean;
  } | null;
  /**
   * `dueDate` is kept for drafts made before issue 12; templates print the period relative to the
   * applicant's receipt (§2.8). `grounds`: the labels of why it must be corrected; `guidance`: 指导和释明.
   */
  correction: { items: string[]; periodWorkingDays: number; dueDate: string; grounds?: string[]; guidance?: string } | null;
  extension: { workingDays: number; reason: string; newReplyDue: string } | null;
  /** `ground`: why the party is asked (CONSULTATION_GROUNDS code), `groundNote` its words for `other`. */
  consultation: {
    kind: 'third_party' | 'agency'; party: string; sentDate: string; opinionDue: string; ground?: string | null; groundNote?: string;
  } | null;
  fee: {
    basis: 'per_application' | 'per_page';
    basisLabel: string;
    pages: number | null;
    amount: number;
    breakdown: string[];
    paymentDue: string;
    payment: string;
    /** 按件: which of the applicant's applications of the month this is, and the month ('2026年3月'). */
    nthInMonth?: number | null;
    month?: string;
  } | null;
  /**
   * Art. 35: what the applicant is asked to explain and within how many working days of receipt
   * (`periodWorkingDays`), the month counted ('2026年11月'), and the later reply date fixed.
   */
  excessive?: { monthCount: number | null; note: string; laterReplyDate: string; reason: string; periodWorkingDays?: number | null; month?: string } | null;
  /** 转办 (Art. 36(五)): the agency the request was forwarded to, its contact and its case number. */
  transfer?: { agencyName: string; caseNumber: string; date: string; contact?: string } | null;
  /** 征求意见的内容 of a consultation through the system's inbox. */
  consultationParts?: string | null;
  /**
   * The document a 送达回证 proves delivery of, and what is known of its delivery when the form is
   * made (a recorded delivery fills in its date, tracking number and who signed).
   */
  target: {
    title: string; number: string; issuedDate: string; addressee: string; method: string;
    place?: string; trackingNumber?: string; deliveredDate?: string; signedBy?: string;
  } | null;
}

/** A document of the case as issued (the notice a reply refers to). */
export interface PrintedNotice {
  title: string;
  number: string;
  issuedDate: string;
}
export interface PrintedItem {
  title: string;
  pages: number | null;
  /** Issue 14: a data file provided as this item (its rows and SHA-256 are printed). */
  dataFile?: { filename: string; format: string; rows: number; columns: number; sha256: string };
}
/**
 * The facts of a reply (workflows/reply-facts.ts) as the templates print them: dates formatted, the
 * third-party consultation and the notices of the case looked up. Codes (delivery, ground, outcome)
 * stay codes: their wording is the templates'.
 */
export interface ReplyPrintFacts {
  disclosure?:
    | { mode: 'published'; url: string; section: string; publishedDate: string }
    | { mode: 'provided'; items: PrintedItem[]; delivery: string }
    | { mode: 'later'; items: PrintedItem[]; delivery: string; availableDate: string };
  provided?: PrintedItem[];
  withheld?: { ground: string; part: string; law: { name: string; article: string } | null }[];
  responsibleAgency?: { name: string; contact: string };
  search?: string;
  law?: { name: string; article: string };
  /** Arts. 15, 32: when the third party was asked, its opinion (consent | object | none) and when it came. */
  thirdParty?: { askedDate: string; opinion: string; answeredDate: string; publicInterest: string };
  earlierReply?: { number: string; date: string };
  excessive?: { count: number; from: string; to: string; applicantAnswer: string; askedDate: string; notice: PrintedNotice | null };
  /** The correction notice (unclear, correction_lapsed) or fee notice (fee_unpaid) as issued. */
  notice?: PrintedNotice | null;
  basis?: string;
  recordsCorrection?: {
    record: string;
    outcome: string;
    correction: string;
    correctedDate: string;
    agency: { name: string; contact: string } | null;
    forwarded: boolean;
  };
}

export interface RenderedDocument {
  title: string;
  body: string;
  templateName: string;
  templateVersion: number;
}

export const DOCUMENT_TEMPLATES_DIR = join(TEMPLATES_DIR, 'documents');

const NAME_RE = /^[a-z][a-z_]*(?:\.[a-z][a-z_]*)*$/;
const VERSION_RE = /^\uFEFF?<%#\s*version:\s*(\d+)\s*[-_]?%>/;

export function templateNameFor(kind: DocumentKind, variant?: string | null): string {
  if (!Object.hasOwn(DOCUMENT_KIND_LABELS, kind)) throw new Error(`unknown document kind: ${String(kind)}`);
  return variant ? `${kind}.${variant}` : kind;
}

// ---------------------------------------------------------------------------------------------
// Helpers available to templates as `h`: formatting only, never wording of their own beyond
// grammatical glue, so that the wording stays in the versioned templates.

const TRAILING_PUNCT = /[\s。．.；;，,、：:！!？?／]+$/u;
const ENDS_SENTENCE = /[。！？!?]$/u;
/** A line break of any kind, with the blanks around it. */
const LINE_BREAK = /[^\S\r\n\v\f\u0085\u2028\u2029]*(?:\r\n?|[\n\v\f\u0085\u2028\u2029])\s*/gu;

function text(v: unknown): string {
  return v === null || v === undefined ? '' : String(v).trim();
}

/** A phrase to embed in a sentence: trimmed, trailing punctuation removed. */
function clause(v: unknown): string {
  return text(v).replace(TRAILING_PUNCT, '');
}

/** A full sentence: trimmed and ending in '。' (or its own ！？). Empty stays empty. */
function sentence(v: unknown): string {
  const s = text(v);
  if (!s) return '';
  if (ENDS_SENTENCE.test(s)) return s;
  return s.replace(TRAILING_PUNCT, '') + '。';
}

/**
 * Staff-written text that may run over several paragraphs (the reasons of a decision, written by
 * the caseworker and signed off by the reviewer and the approver: the agency's own words). Every
 * line break typed starts a paragraph; the last paragraph ends as a sentence. Templates print it
 * with `<%-` — the only values allowed to break a paragraph (see `plainText`).
 */
function paragraphs(v: unknown): string {
  const parts = text(v).split(LINE_BREAK).map((p) => p.trim()).filter(Boolean);
  if (parts.length === 0) return '';
  parts[parts.length - 1] = sentence(parts.at(-1));
  return parts.join('\n\n');
}

// Finding 14: text that came from the applicant is always printed as the applicant's — inside a
// quotation, on the paragraph that attributes it ('您申请公开“…”', '申请人申请公开“…”') — so that no
// request can print a sentence that reads as the agency's own. Three rules make the quotation
// unbreakable: line breaks become '／' (the mark for a line break in quoted text), the quotation's
// own closing marks are neutralised (GB/T 15834-2011 §4.6.3 / §4.15.3: a quotation inside double
// quotes uses single quotes, a title inside 《》 uses 〈〉), and the length is capped with '……'
// (§4.11.3: 省略号 marks quoted text left out) so that a long request does not swamp the letter;
// the full request stays in the case file. A caseworker may still edit the draft before issuing.

/** Longest request description quoted in a document, in characters (about 3½ lines of 28). */
export const QUOTE_MAX = 100;
/** Longest document title quoted, in characters. */
export const TITLE_MAX = 50;
/** Longest document number quoted, in characters. */
export const NUMBER_MAX = 40;

/** One line, separators and trailing punctuation trimmed, capped at `max` characters with '……'. */
function applicantLine(v: unknown, max: number): string {
  const s = text(v).replace(LINE_BREAK, '／').replace(/^[\s／]+/u, '').replace(TRAILING_PUNCT, '');
  const chars = [...s];
  if (chars.length <= max) return s;
  return chars.slice(0, max).join('').replace(TRAILING_PUNCT, '') + '……';
}

/** Double quotes inside a quotation become single quotes: “ ” → ‘ ’, straight quotes alternate. */
function innerQuotes(s: string): string {
  let open = true;
  return s.replace(/[“”"＂]/gu, (q) => {
    if (q === '“') return '‘';
    if (q === '”') return '’';
    const r = open ? '‘' : '’';
    open = !open;
    return r;
  });
}

/** The applicant's words as a quotation: “…”, or '' when there are none. Quoted once: marks wrapping the whole are dropped. */
function quoteApplicant(v: unknown, max: number = QUOTE_MAX): string {
  const s = innerQuotes(applicantLine(unwrapQuotes(text(v).replace(TRAILING_PUNCT, '')), max));
  return s ? `“${s}”` : '';
}

/** A document title the applicant gave, for printing inside 《》: nested 《》 become 〈〉. */
function applicantTitle(v: unknown): string {
  const s = applicantLine(text(v).replace(/^《/u, '').replace(/》$/u, ''), TITLE_MAX);
  return s.replace(/《/gu, '〈').replace(/》/gu, '〉');
}

/** A document number the applicant gave, for printing inside （文号：…）: brackets become 〔〕 as in a real 文号. */
function applicantNumber(v: unknown): string {
  return innerQuotes(applicantLine(v, NUMBER_MAX)).replace(/[(（[［【〔]/gu, '〔').replace(/[)）\]］】〕]/gu, '〕');
}

/** The requested information as a phrase: 《标题》（文号：…），内容描述为“…”, or “描述”. */
function requested(app: DocumentTemplateData['application']): string {
  const title = applicantTitle(app.documentTitle);
  const number = applicantNumber(app.documentNumber);
  const desc = quoteApplicant(app.description);
  let doc = '';
  if (title) doc = `《${title}》${number ? `（文号：${number}）` : ''}`;
  else if (number) doc = `文号为${number}的政府信息`;
  if (doc && desc) return `${doc}，内容描述为${desc}`;
  if (doc) return doc;
  if (desc) return desc;
  return '相关政府信息';
}

/** Staff text printed in quotation marks (a section's name…): “…”, never “““…””” when it was typed with its own. */
function quoted(v: unknown): string {
  const s = clause(unwrapQuotes(text(v).replace(TRAILING_PUNCT, '')));
  return s ? `“${s}”` : '';
}

/** A title printed in 《》 (a law's name): brackets typed around it are not doubled. */
function titled(v: unknown): string {
  const s = clause(v).replace(/^《/u, '').replace(/》$/u, '');
  return s ? `《${s}》` : '';
}

function yuan(amount: number): string {
  if (!Number.isFinite(amount)) return '0';
  return Number.isInteger(amount) ? String(amount) : amount.toFixed(2);
}

/** How the application arrived, as a verb phrase: 当面提交 / 通过邮寄方式提交. */
function via(channel: unknown): string {
  const c = clause(channel);
  if (!c) return '提交';
  if (c === '当面') return '当面提交';
  return `通过${c.replace(/方式$/, '')}方式提交`;
}

const ORGANISATION_SUFFIX = /(公司|单位|中心|厂|院|所|会|社|局|委|办|店|部|处|站|队|校|室|馆|集团|政府|机关|组织|银行|幼儿园|合作社)$/u;

/** 贵单位 for an organisation's name, 您 for a person's. */
function honorific(name: unknown): string {
  return ORGANISATION_SUFFIX.test(clause(name)) ? '贵单位' : '您';
}

function helpers(data: DocumentTemplateData) {
  return {
    you: data.applicant.isOrganisation ? '贵单位' : '您',
    requested: requested(data.application),
    blank: '＿＿＿＿＿＿',
    text,
    clause,
    sentence,
    paragraphs,
    quoteApplicant,
    quoted,
    titled,
    yuan,
    via,
    honorific,
  };
}

// ---------------------------------------------------------------------------------------------
// Loading and caching.

interface CompiledTemplate {
  name: string;
  version: number;
  render: (locals: Record<string, unknown>) => string;
}

const compiled = new Map<string, CompiledTemplate>();

/**
 * What `<%= %>` prints: plain text (no HTML escaping; null and undefined print nothing) on one
 * line. Paragraphs come from the template's own lines only, so no value — an applicant's name or
 * address, a party's name, a staff member's phrase — can start a paragraph of its own (finding 14);
 * staff text that may keep its paragraphs is printed with `<%- h.paragraphs(…) %>` instead.
 */
const plainText = (v: unknown): string => (v === null || v === undefined ? '' : String(v).replace(LINE_BREAK, ' '));

function fileOf(name: string): string {
  return join(DOCUMENT_TEMPLATES_DIR, `${name}.ejs`);
}

function availableNames(): string[] {
  return readdirSync(DOCUMENT_TEMPLATES_DIR)
    .filter((f) => f.endsWith('.ejs') && !f.startsWith('_'))
    .map((f) => f.slice(0, -'.ejs'.length))
    .filter((n) => NAME_RE.test(n))
    .sort();
}

function parseVersion(source: string, file: string): number {
  const m = VERSION_RE.exec(source);
  if (!m?.[1]) throw new Error(`document template ${file} must start with <%# version: N %>`);
  return Number(m[1]);
}

function load(name: string): CompiledTemplate {
  const hit = compiled.get(name);
  if (hit) return hit;
  if (!NAME_RE.test(name) || !availableNames().includes(name)) {
    throw new Error(`unknown document template: "${name}" (no templates/documents/${name}.ejs)`);
  }
  const file = fileOf(name);
  const source = readFileSync(file, 'utf8');
  const version = parseVersion(source, file);
  const fn = ejs.compile(source, {
    filename: file,
    escape: plainText,
    cache: true, // includes (partials) are compiled once and cached by ejs under their file name
    async: false,
  }) as unknown as (locals: Record<string, unknown>) => string;
  const t: CompiledTemplate = { name, version, render: fn };
  compiled.set(name, t);
  return t;
}

/** Forgets compiled templates (after templates were edited on disk). */
export function clearTemplateCache(): void {
  compiled.clear();
  ejs.clearCache();
}

export function listTemplates(): { name: string; version: number }[] {
  return availableNames().map((name) => ({ name, version: load(name).version }));
}

// Which data section each template family needs; a missing one is a programming error.
const REQUIRED_SECTION: Record<string, keyof DocumentTemplateData> = {
  reply: 'decision',
  correction_notice: 'correction',
  extension_notice: 'extension',
  consultation_letter: 'consultation',
  fee_notice: 'fee',
  delivery_receipt: 'target',
  reasons_request: 'excessive',
  later_reply_notice: 'excessive',
};

const NO_SECTIONS: Pick<DocumentTemplateData, 'decision' | 'correction' | 'extension' | 'consultation' | 'fee' | 'target'> = {
  decision: null, correction: null, extension: null, consultation: null, fee: null, target: null,
};

export function renderDocumentText(templateName: string, data: DocumentTemplateData): RenderedDocument {
  const t = load(templateName);
  const family = templateName.split('.')[0] ?? templateName;
  const section = REQUIRED_SECTION[family];
  if (section && (data[section] === null || data[section] === undefined)) {
    throw new Error(`document template "${templateName}" needs data.${section}`);
  }
  // Stored data from older drafts may lack a section: every top-level name a template uses exists.
  const locals: DocumentTemplateData = { ...NO_SECTIONS, ...data };
  const output = t.render({ ...locals, h: helpers(locals), t: TERMS });
  const lines = output.replace(/\r\n?/g, '\n').split('\n');
  let i = 0;
  while (i < lines.length && !lines[i]!.trim()) i++;
  const title = (lines[i] ?? '').trim().replace(/\s+/g, ' ');
  i++;
  while (i < lines.length && !lines[i]!.trim()) i++;
  if (!title || (lines[i] ?? '').trim() !== '---') {
    throw new Error(`document template "${templateName}" must render a title line followed by a line "---"`);
  }
  const body = splitParagraphs(lines.slice(i + 1).join('\n')).join('\n\n');
  return { title, body, templateName, templateVersion: t.version };
}

// ---------------------------------------------------------------------------------------------
// Body text: blank-line separated paragraphs; the first is the addressee when it looks like one.

const ASCII_WORD_END = /[A-Za-z0-9]$/;
const ASCII_WORD_START = /^[A-Za-z0-9]/;

/** Joins the lines of one paragraph: no space between CJK text, one space between Latin words. */
function joinLines(lines: string[]): string {
  let out = '';
  for (const line of lines) {
    if (!line) continue;
    if (out && ASCII_WORD_END.test(out) && ASCII_WORD_START.test(line)) out += ' ';
    out += line;
  }
  return out;
}

function splitParagraphs(body: string): string[] {
  return body
    .replace(/\r\n?/g, '\n')
    .split(/\n[ \t\u3000]*\n/)
    .map((p) => joinLines(p.split('\n').map((l) => l.trim())))
    .filter((p) => p.length > 0);
}

export function parseDocumentBody(body: string): { addressee: string | null; paragraphs: string[] } {
  const paragraphs = splitParagraphs(body ?? '');
  const first = paragraphs[0];
  if (first !== undefined && /[：:]$/.test(first) && [...first].length <= 60) {
    return { addressee: first, paragraphs: paragraphs.slice(1) };
  }
  return { addressee: null, paragraphs };
}
