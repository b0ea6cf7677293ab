// The facts a reply (答复书) states besides its decision and reasons — what a court reads it for
// (issue 12): how disclosed information is obtained (Art. 36(一) or (二), never both), what is
// provided and what is withheld on which ground (Arts. 14–16, 36(三), 37), which agency is
// responsible and how to reach it (Art. 36(五)) or what was searched (Art. 36(四)), the law that
// forbids disclosure (Art. 14) or governs an inquiry (Art. 36(七)), the third party's opinion and the
// public-interest weighing (Arts. 15, 32), the earlier reply of a repeat (Art. 36(六)), the count
// and the applicant's answer behind an excessive-volume refusal (Art. 35), the basis of any other
// ending, and a request to correct the applicant's own records (Art. 41).
//
// DRAFT_REPLY and REPLY_ON_THE_SPOT carry them; `replyFactsProblem` is what the machine's rules judge
// (application-rules.ts), `replyDetailsOf` what the machine keeps in the draft. Pure.

import { DECISIONS, decisionOf, isDecisionCode, type DecisionCode } from './decisions.js';
import { dateWindowProblem, isIsoDate } from './dates.js';
import { DELIVERY_METHODS, type DeliveryMethod } from './glossary.js';

// ---------------------------------------------------------------------------------------------
// Shapes

export interface ProvidedItem {
  title: string;
  pages: number | null;
  /**
   * Issue 14, data-form information: a data file of the case provided as this item, as the server
   * found it when the reply was drafted (`dataFileId` in the event): its rows and SHA-256 are printed.
   */
  dataFile?: DataFileRef;
}
/** A data file (CSV, XLSX) as a reply lists it: counted by the desk, not typed. */
export interface DataFileRef {
  id: number;
  filename: string;
  format: string;
  rows: number;
  columns: number;
  sha256: string;
}
/** Art. 36(一): already published; Art. 36(二): provided with the reply, or later (另行提供) by a date. */
export type Disclosure =
  | { mode: 'published'; url: string; section: string | null; publishedDate: string | null }
  | { mode: 'provided'; items: ProvidedItem[]; delivery: DeliveryMethod }
  | { mode: 'later'; items: ProvidedItem[]; delivery: DeliveryMethod; availableDate: string };
export type DisclosureMode = Disclosure['mode'];
export const DISCLOSURE_MODES: Record<DisclosureMode, string> = {
  published: '已主动公开，告知获取方式和途径（第三十六条第（一）项）',
  provided: '随本答复书提供（第三十六条第（二）项）',
  later: '另行提供，告知获取的方式、途径和时间（第三十六条第（二）项）',
};

export interface LawCitation {
  /** The law or administrative regulation, without 《》: 中华人民共和国档案法 */
  name: string;
  /** 第二十七条, 第二十七条第一款 … */
  article: string;
}

/**
 * Grounds a withheld part may rest on: the withholding decisions of Arts. 14, 15 and 16 (an inquiry,
 * Art. 36(七), is not a ground for withholding but a referral to another procedure).
 */
export const WITHHOLD_GROUNDS = {
  'withhold.state_secret': '第十四条',
  'withhold.law_prohibited': '第十四条',
  'withhold.security_stability': '第十四条',
  'withhold.third_party': '第十五条',
  'withhold.internal_affairs': '第十六条第一款',
  'withhold.process_info': '第十六条第二款',
  'withhold.enforcement_file': '第十六条第二款',
} as const satisfies Partial<Record<DecisionCode, string>>;
export type WithholdGround = keyof typeof WITHHOLD_GROUNDS;
export const isWithholdGround = (v: unknown): v is WithholdGround => typeof v === 'string' && Object.hasOwn(WITHHOLD_GROUNDS, v);

export interface WithheldPart {
  ground: WithholdGround;
  part: string;
  /** The law forbidding disclosure, for the ground withhold.law_prohibited. */
  law: LawCitation | null;
}
export interface AgencyContact {
  name: string;
  /** Address and/or telephone, as the applicant can use them. */
  contact: string;
}
/** Arts. 15, 32: which recorded third-party consultation, and the public-interest weighing. */
export interface ThirdPartyFacts {
  consultationId: string;
  publicInterest: string;
}
/** Art. 36(六): the reply already given to the same request. */
export interface EarlierReply {
  number: string;
  date: string;
}
/** Art. 35: the count over a period, and what the applicant answered to the request for reasons. */
export interface ExcessiveFacts {
  count: number;
  period: { from: string; to: string };
  applicantAnswer: string;
}
export const RECORDS_CORRECTION_OUTCOMES = {
  corrected: '审核属实，已予更正',
  not_proven: '不能证明记录不准确，不予更正',
  not_competent: '不属于本机关职能范围',
} as const;
export type RecordsCorrectionOutcome = keyof typeof RECORDS_CORRECTION_OUTCOMES;
/** Art. 41: a request to correct the records about the applicant themself (answered as other.other). */
export interface RecordsCorrection {
  /** The record the applicant says is inaccurate, and in what. */
  record: string;
  outcome: RecordsCorrectionOutcome;
  /** corrected: what was corrected, and when. */
  correction: string | null;
  correctedDate: string | null;
  /** not_competent: the agency that may correct it, and whether the request was forwarded to it. */
  agency: AgencyContact | null;
  forwarded: boolean;
}

/** The facts of one reply, as kept in the draft: only those its decision takes. */
export interface ReplyDetails {
  disclosure?: Disclosure;
  provided?: ProvidedItem[];
  withheld?: WithheldPart[];
  responsibleAgency?: AgencyContact;
  search?: string;
  law?: LawCitation;
  thirdParty?: ThirdPartyFacts;
  earlierReply?: EarlierReply;
  excessive?: ExcessiveFacts;
  basis?: string;
  recordsCorrection?: RecordsCorrection;
  referTo?: string;
}
export type ReplyFactField = keyof ReplyDetails;

/** Which facts each decision takes (any other is refused); decisions not listed take none. */
export const FACTS_OF_DECISION: Partial<Record<DecisionCode, readonly ReplyFactField[]>> = {
  disclose: ['disclosure'],
  partial: ['provided', 'withheld', 'thirdParty'],
  'withhold.law_prohibited': ['law'],
  'withhold.inquiry': ['law', 'referTo'],
  'withhold.third_party': ['thirdParty'],
  'unavailable.not_held': ['responsibleAgency', 'search'],
  'not_processed.repeat': ['earlierReply'],
  'not_processed.excessive': ['excessive'],
  'not_processed.petition': ['referTo'],
  'not_processed.publication': ['referTo'],
  'other.other': ['basis', 'recordsCorrection'],
};
const FACT_FIELDS: readonly ReplyFactField[] = [
  'disclosure', 'provided', 'withheld', 'responsibleAgency', 'search', 'law', 'thirdParty', 'earlierReply', 'excessive', 'basis', 'recordsCorrection', 'referTo',
];
/** The names of the facts in messages. */
export const FACT_LABELS: Record<ReplyFactField, string> = {
  disclosure: '公开方式',
  provided: '提供的政府信息',
  withheld: '不予公开的内容及依据',
  responsibleAgency: '负责公开的机关及其联系方式',
  search: '检索情况',
  law: '法律、行政法规的名称和条款',
  thirdParty: '第三方意见与公共利益权衡',
  earlierReply: '已作出答复的文号和日期',
  excessive: '申请数量、统计期间和申请人的说明',
  basis: '终止处理的依据',
  recordsCorrection: '更正本人信息申请的审核结果',
  referTo: '告知的机关或渠道',
};

/**
 * Replies that must give reasons: every decision that refuses anything (all but 予以公开), except an
 * Art. 41 correction that was made.
 */
export function reasonsRequired(decision: unknown, payload: Record<string, unknown>): boolean {
  if (!isDecisionCode(decision) || decision === 'disclose') return false;
  const rc = payload.recordsCorrection;
  if (decision === 'other.other' && isObj(rc) && rc.outcome === 'corrected') return false;
  return true;
}

// ---------------------------------------------------------------------------------------------
// Judging (the machine's rules read this): the first problem, naming its field

/** What the facts are judged against: the case's consultations and Art. 35 and correction records. */
export interface ReplyFactsContext {
  consultations: readonly { id: string; kind: string; party: string; opinion: string | null; repliedDate: string | null }[];
  correction: { receivedDate: string | null } | null;
  excessive?: { reasonsRequestedDate: string } | null;
}
export interface FactProblem {
  field: string;
  message: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const given = (v: unknown) => v !== undefined && v !== null;
const str = (v: unknown): string => (typeof v === 'string' ? v.trim() : '');
const ARTICLE_RE = /^第[一二三四五六七八九十百千零〇两0-9]+条/u;
const URL_RE = /^https?:\/\/[^\s/?#]+\.[^\s]*$/iu;
const MAX_ITEMS = 50;

const problem = (field: string, message: string): FactProblem => ({ field, message });

function itemsProblem(items: unknown, field: string, what: string): FactProblem | null {
  if (!Array.isArray(items) || items.length === 0) return problem(field, `须逐项列明${what}（${field}：名称，可注明页数）`);
  if (items.length > MAX_ITEMS) return problem(field, `${what}最多列明${MAX_ITEMS}项`);
  for (const [i, it] of items.entries()) {
    if (!isObj(it) || !str(it.title)) return problem(`${field}.${i}.title`, `${what}第${i + 1}项须写明名称`);
    if (given(it.pages) && !(typeof it.pages === 'number' && Number.isInteger(it.pages) && it.pages >= 1)) {
      return problem(`${field}.${i}.pages`, `${what}第${i + 1}项的页数须为正整数`);
    }
  }
  return null;
}

function deliveryProblem(v: unknown, field: string): FactProblem | null {
  return typeof v === 'string' && Object.hasOwn(DELIVERY_METHODS, v)
    ? null
    : problem(field, `须选择提供政府信息的方式（${field}：${Object.values(DELIVERY_METHODS).join('、')}）`);
}

function lawProblem(law: unknown, field: string, why: string): FactProblem | null {
  if (!isObj(law) || !str(law.name)) return problem(`${field}.name`, `${why}，须写明法律、行政法规的名称（${field}.name）`);
  if (!ARTICLE_RE.test(str(law.article))) return problem(`${field}.article`, `${why}，须写明具体条款，如“第二十七条”（${field}.article）`);
  return null;
}

function contactProblem(v: unknown, field: string, why: string): FactProblem | null {
  if (!isObj(v) || !str(v.name)) return problem(`${field}.name`, `${why}，须写明该机关的名称（${field}.name）`);
  if (!str(v.contact)) return problem(`${field}.contact`, `${why}，须写明该机关的联系方式（${field}.contact，第三十六条第（五）项）`);
  return null;
}

function dateProblem(v: unknown, field: string, label: string, eventDate: string, kind: 'fact' | 'plan'): FactProblem | null {
  if (!isIsoDate(v)) return problem(field, `${label}须为有效日期，格式 YYYY-MM-DD（${field}）`);
  const outside = dateWindowProblem(v, eventDate, { kind, label });
  return outside ? problem(field, `${outside}（${field}）`) : null;
}

function thirdPartyProblem(ctx: ReplyFactsContext, v: unknown): FactProblem | null {
  const why = '以保护第三方合法权益为由不予公开的';
  if (!isObj(v) || !str(v.consultationId)) {
    return problem('thirdParty.consultationId', `${why}，须选择已记录意见的第三方征求意见（thirdParty.consultationId，第三十二条）`);
  }
  const c = ctx.consultations.find((x) => x.id === str(v.consultationId) && x.kind === 'third_party');
  if (!c) return problem('thirdParty.consultationId', '找不到该第三方征求意见（thirdParty.consultationId）');
  if (c.opinion === null) return problem('thirdParty.consultationId', `须先记录第三方的意见（${c.party}），或者等待其意见期限届满（第三十二条）`);
  // Art. 15: a third party that consents is no reason to withhold.
  if (c.opinion === 'consent') return problem('thirdParty.consultationId', '第三方同意公开的，不能以保护第三方合法权益为由不予公开（第十五条）');
  if (!str(v.publicInterest)) {
    return problem('thirdParty.publicInterest', `${why}，须写明对公共利益的权衡：不公开是否会对公共利益造成重大影响（thirdParty.publicInterest，第十五条）`);
  }
  return null;
}

function disclosureProblem(v: unknown, eventDate: string): FactProblem | null {
  if (!isObj(v) || !Object.hasOwn(DISCLOSURE_MODES, String(v.mode))) {
    return problem('disclosure.mode', '予以公开的，须写明公开方式（disclosure.mode）：已主动公开的告知获取途径（第三十六条第（一）项），或者提供该政府信息（第三十六条第（二）项）');
  }
  if (v.mode === 'published') {
    if (!URL_RE.test(str(v.url))) return problem('disclosure.url', '已主动公开的，须写明可以获取该政府信息的网址，以 http:// 或 https:// 开头（disclosure.url，第三十六条第（一）项）');
    if (given(v.publishedDate)) return dateProblem(v.publishedDate, 'disclosure.publishedDate', '主动公开的日期', eventDate, 'fact');
    return null;
  }
  const items = itemsProblem(v.items, 'disclosure.items', '提供的政府信息');
  if (items) return items;
  const delivery = deliveryProblem(v.delivery, 'disclosure.delivery');
  if (delivery) return delivery;
  if (v.mode === 'later') {
    const d = dateProblem(v.availableDate, 'disclosure.availableDate', '提供的时间', eventDate, 'plan');
    if (d) return d;
    if (String(v.availableDate) < eventDate) return problem('disclosure.availableDate', '另行提供的时间不能早于答复日期（disclosure.availableDate）');
  }
  return null;
}

function withheldProblem(ctx: ReplyFactsContext, payload: Obj): FactProblem | null {
  const parts = payload.withheld;
  if (!Array.isArray(parts) || parts.length === 0) {
    return problem('withheld', '部分公开的，须逐项写明不予公开的内容及其依据（withheld：part 内容、ground 理由类型，第三十七条）');
  }
  if (parts.length > MAX_ITEMS) return problem('withheld', `不予公开的内容最多列明${MAX_ITEMS}项`);
  for (const [i, p] of parts.entries()) {
    if (!isObj(p) || !str(p.part)) return problem(`withheld.${i}.part`, `不予公开的第${i + 1}项须写明内容（withheld.${i}.part）`);
    if (!isWithholdGround(p.ground)) {
      return problem(`withheld.${i}.ground`, `不予公开的第${i + 1}项须选择依据：第十四条、第十五条或第十六条规定的情形（withheld.${i}.ground）`);
    }
    if (p.ground === 'withhold.law_prohibited') {
      const law = lawProblem(p.law, `withheld.${i}.law`, `不予公开的第${i + 1}项以法律、行政法规禁止公开为由`);
      if (law) return law;
    } else if (given(p.law)) {
      return problem(`withheld.${i}.law`, `不予公开的第${i + 1}项不是以法律、行政法规禁止公开为由，不填写法律条款（withheld.${i}.law）`);
    }
  }
  if (parts.some((p) => isObj(p) && p.ground === 'withhold.third_party')) return thirdPartyProblem(ctx, payload.thirdParty);
  if (given(payload.thirdParty)) return problem('thirdParty', '不予公开的内容不涉及第三方合法权益，不填写第三方意见（thirdParty）');
  return null;
}

function recordsCorrectionProblem(v: unknown, eventDate: string): FactProblem | null {
  if (!isObj(v)) return null;
  if (!str(v.record)) return problem('recordsCorrection.record', '须写明申请更正的政府信息记录及其不准确之处（recordsCorrection.record，第四十一条）');
  if (!Object.hasOwn(RECORDS_CORRECTION_OUTCOMES, String(v.outcome))) {
    return problem('recordsCorrection.outcome', `须选择审核结果（recordsCorrection.outcome：${Object.values(RECORDS_CORRECTION_OUTCOMES).join('、')}）`);
  }
  if (v.outcome === 'corrected') {
    if (!str(v.correction)) return problem('recordsCorrection.correction', '审核属实的，须写明更正的内容（recordsCorrection.correction，第四十一条）');
    return dateProblem(v.correctedDate, 'recordsCorrection.correctedDate', '更正日期', eventDate, 'fact');
  }
  if (v.outcome === 'not_competent') {
    return contactProblem(v.agency, 'recordsCorrection.agency', '不属于本机关职能范围的，须告知有权更正的行政机关');
  }
  return null;
}

/**
 * The first thing missing or wrong in a reply's facts, or null. `payload` is the event's; `eventDate`
 * its effective date. The shapes are checked here too (the machine trusts no caller).
 */
export function replyFactsProblem(ctx: ReplyFactsContext, decision: unknown, payload: Obj, eventDate: string): FactProblem | null {
  if (!isDecisionCode(decision)) return null; // another rule refuses it
  const allowed = FACTS_OF_DECISION[decision] ?? [];
  for (const field of FACT_FIELDS) {
    if (given(payload[field]) && !allowed.includes(field)) {
      const hint = decision === 'unavailable.not_held' && field === 'referTo' ? '；负责公开的机关请写在 responsibleAgency（名称和联系方式）' : '';
      return problem(field, `答复类型“${decisionOf(decision).label}”不填写${FACT_LABELS[field]}（${field}）${hint}`);
    }
  }
  const strings: ReplyFactField[] = ['search', 'basis', 'referTo'];
  for (const field of strings) {
    if (given(payload[field]) && typeof payload[field] !== 'string') return problem(field, `${FACT_LABELS[field]}须为文字（${field}）`);
  }
  switch (decision) {
    case 'disclose':
      return disclosureProblem(payload.disclosure, eventDate);
    case 'partial':
      return itemsProblem(payload.provided, 'provided', '予以公开并提供的政府信息') ?? withheldProblem(ctx, payload);
    case 'withhold.law_prohibited':
      return lawProblem(payload.law, 'law', '以法律、行政法规禁止公开为由不予公开的（第十四条）');
    case 'withhold.inquiry':
      return lawProblem(payload.law, 'law', '属于行政查询事项的，须写明对该类信息的获取作出特别规定的法律、行政法规（第三十六条第（七）项）');
    case 'withhold.third_party':
      return thirdPartyProblem(ctx, payload.thirdParty);
    case 'unavailable.not_held': {
      const agency = given(payload.responsibleAgency);
      const search = str(payload.search);
      // Art. 36(四) or (五): one of them, never both.
      if (agency && search) {
        return problem('search', '负责公开的机关（第三十六条第（五）项）与检索情况（第三十六条第（四）项）只能填写其一');
      }
      if (agency) return contactProblem(payload.responsibleAgency, 'responsibleAgency', '告知负责公开该政府信息的行政机关的');
      return search ? null : problem('search', '本机关没有该政府信息的，须写明检索情况（search，第三十六条第（四）项）；不属于本机关负责公开的，须写明负责公开的机关及其联系方式（responsibleAgency，第三十六条第（五）项）');
    }
    case 'unavailable.unclear':
      // Art. 30: only an application still unclear after the one-time correction.
      return ctx.correction?.receivedDate ? null : problem('decision', '“补正后申请内容仍不明确”须先依照第三十条一次性告知补正，并已收到补正后的申请');
    case 'not_processed.repeat': {
      const r = payload.earlierReply;
      if (!isObj(r) || !str(r.number)) return problem('earlierReply.number', '重复申请的，须写明本机关已作出答复的文号（earlierReply.number，第三十六条第（六）项）');
      return dateProblem(r.date, 'earlierReply.date', '已作出答复的日期', eventDate, 'fact');
    }
    case 'not_processed.excessive': {
      // Art. 35: reasons are asked for first; the refusal states the volume and the answer.
      if (!ctx.excessive) return problem('decision', '须先要求申请人说明理由（第三十五条）');
      const x = payload.excessive;
      if (!isObj(x) || !(typeof x.count === 'number' && Number.isInteger(x.count) && x.count >= 1)) {
        return problem('excessive.count', '须写明申请人在统计期间提出申请的件数（excessive.count，第三十五条）');
      }
      const period = isObj(x.period) ? x.period : {};
      const from = dateProblem(period.from, 'excessive.period.from', '统计期间的起始日', eventDate, 'fact');
      if (from) return from;
      const to = dateProblem(period.to, 'excessive.period.to', '统计期间的截止日', eventDate, 'fact');
      if (to) return to;
      if (String(period.from) > String(period.to)) return problem('excessive.period.to', '统计期间的截止日不能早于起始日（excessive.period）');
      if (!str(x.applicantAnswer)) {
        return problem('excessive.applicantAnswer', '须写明申请人对说明理由要求的答复情况（如逾期未答复，也请写明）（excessive.applicantAnswer，第三十五条）');
      }
      return null;
    }
    case 'other.other': {
      if (given(payload.recordsCorrection)) {
        if (!isObj(payload.recordsCorrection)) return problem('recordsCorrection', '更正本人信息申请的审核结果格式不正确');
        if (str(payload.basis)) return problem('basis', '更正本人信息的申请以第四十一条为依据，不另填写终止处理的依据（basis）');
        return recordsCorrectionProblem(payload.recordsCorrection, eventDate);
      }
      return str(payload.basis) ? null : problem('basis', '答复类型“其他”须写明终止处理的依据（basis），如申请人撤回申请的情况或所依据的规定');
    }
    default:
      return null;
  }
}

// ---------------------------------------------------------------------------------------------
// What the draft keeps

const trimmed = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v.trim() : null);
const dataFileRef = (v: unknown): DataFileRef | null =>
  isObj(v) && typeof v.id === 'number' && typeof v.sha256 === 'string'
    ? { id: v.id, filename: str(v.filename), format: str(v.format), rows: Number(v.rows), columns: Number(v.columns), sha256: v.sha256 }
    : null;
const items = (v: unknown): ProvidedItem[] =>
  Array.isArray(v)
    ? v.filter(isObj).map((i) => {
      const dataFile = dataFileRef(i.dataFile);
      return { title: str(i.title), pages: typeof i.pages === 'number' ? i.pages : null, ...(dataFile ? { dataFile } : {}) };
    })
    : [];
const contact = (v: unknown): AgencyContact | null => (isObj(v) ? { name: str(v.name), contact: str(v.contact) } : null);
const law = (v: unknown): LawCitation | null => (isObj(v) ? { name: lawName(str(v.name)), article: str(v.article) } : null);
/** A law's name as printed inside 《》: brackets typed around it dropped. */
export const lawName = (name: string): string => name.replace(/^《/u, '').replace(/》$/u, '').trim();

/** The facts of a judged reply event, normalised: only those its decision takes, trimmed. */
export function replyDetailsOf(decision: DecisionCode, payload: Record<string, unknown>): ReplyDetails {
  const out: ReplyDetails = {};
  const allowed = FACTS_OF_DECISION[decision] ?? [];
  const has = (f: ReplyFactField) => allowed.includes(f) && given(payload[f]);
  if (has('disclosure') && isObj(payload.disclosure)) {
    const d = payload.disclosure;
    if (d.mode === 'published') out.disclosure = { mode: 'published', url: str(d.url), section: trimmed(d.section), publishedDate: trimmed(d.publishedDate) };
    else if (d.mode === 'provided') out.disclosure = { mode: 'provided', items: items(d.items), delivery: d.delivery as DeliveryMethod };
    else if (d.mode === 'later') out.disclosure = { mode: 'later', items: items(d.items), delivery: d.delivery as DeliveryMethod, availableDate: str(d.availableDate) };
  }
  if (has('provided')) out.provided = items(payload.provided);
  if (has('withheld') && Array.isArray(payload.withheld)) {
    out.withheld = payload.withheld.filter(isObj).map((p) => ({ ground: p.ground as WithholdGround, part: str(p.part), law: law(p.law) }));
  }
  if (has('responsibleAgency')) out.responsibleAgency = contact(payload.responsibleAgency)!;
  if (has('search') && trimmed(payload.search)) out.search = trimmed(payload.search)!;
  if (has('law')) out.law = law(payload.law)!;
  if (has('thirdParty') && isObj(payload.thirdParty)) {
    out.thirdParty = { consultationId: str(payload.thirdParty.consultationId), publicInterest: str(payload.thirdParty.publicInterest) };
  }
  if (has('earlierReply') && isObj(payload.earlierReply)) out.earlierReply = { number: str(payload.earlierReply.number), date: str(payload.earlierReply.date) };
  if (has('excessive') && isObj(payload.excessive)) {
    const x = payload.excessive;
    const p = isObj(x.period) ? x.period : {};
    out.excessive = { count: Number(x.count), period: { from: str(p.from), to: str(p.to) }, applicantAnswer: str(x.applicantAnswer) };
  }
  if (has('basis') && trimmed(payload.basis)) out.basis = trimmed(payload.basis)!;
  if (has('recordsCorrection') && isObj(payload.recordsCorrection)) {
    const r = payload.recordsCorrection;
    const outcome = r.outcome as RecordsCorrectionOutcome;
    out.recordsCorrection = {
      record: str(r.record), outcome,
      correction: outcome === 'corrected' ? trimmed(r.correction) : null,
      correctedDate: outcome === 'corrected' ? trimmed(r.correctedDate) : null,
      agency: outcome === 'not_competent' ? contact(r.agency) : null,
      forwarded: outcome === 'not_competent' && r.forwarded === true,
    };
  }
  if (has('referTo') && trimmed(payload.referTo)) out.referTo = trimmed(payload.referTo)!;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Remedies (行政复议法 2023 Art. 23(1)(四)): which replies say reconsideration comes first

/**
 * By default the replies that refuse disclosure (不予公开, and 部分公开 for its withheld part): domain.md
 * §3. An agency may list others (or fewer) in its settings (agencies.reconsideration_first).
 */
export const DEFAULT_RECONSIDERATION_FIRST: readonly DecisionCode[] = DECISIONS.filter((d) => d.withholds).map((d) => d.code);

/** Whether a reply of `decision` says reconsideration comes first, for an agency's setting (null: the default). */
export function reconsiderationFirst(setting: readonly string[] | null | undefined, decision: string): boolean {
  return (setting ?? DEFAULT_RECONSIDERATION_FIRST).includes(decision);
}
