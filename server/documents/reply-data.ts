// What a reply (答复书) prints besides the case (issue 12): its decision, reasons and facts, with
// the facts the case already holds looked up rather than retyped — the third-party consultation's
// dates and opinion, the issued correction, fee or reasons-request notice the reply follows — and
// whether the agency's remedies paragraph says reconsideration comes first.
import type { Knex } from 'knex';
import type { ApplicationContext } from '../../workflows/application.machine.js';
import { decisionLabel, type DecisionCode } from '../../workflows/decisions.js';
import { formatChineseDate, isIsoDate } from '../../workflows/dates.js';
import { lawName, reconsiderationFirst, type ReplyDetails } from '../../workflows/reply-facts.js';
import type { Agency } from '../admin/agency-store.js';
import type { DocumentTemplateData, PrintedNotice, ReplyPrintFacts } from './document-templates.js';
import { listDocuments, type DocumentRow } from './document-store.js';

const cn = (d: string | null | undefined): string => (isIsoDate(d) ? formatChineseDate(d) : '');

/** The latest issued notice of a kind (a superseded one gave way to its correction). */
function issuedNotice(docs: DocumentRow[], kind: string): PrintedNotice | null {
  const d = docs.filter((x) => x.kind === kind && x.status === 'issued' && x.number).at(-1);
  return d ? { title: d.title, number: d.number!, issuedDate: cn(d.issuedDate) } : null;
}

/** Which notice of the case a reply of this decision refers to. */
const NOTICE_OF: Partial<Record<DecisionCode, string>> = {
  'other.correction_lapsed': 'correction_notice',
  'unavailable.unclear': 'correction_notice',
  'other.fee_unpaid': 'fee_notice',
};

/** The facts of a reply as printed: dates in Chinese, the consultation and the notices looked up. */
export async function printFacts(
  trx: Knex.Transaction,
  applicationId: number,
  context: ApplicationContext,
  decision: DecisionCode,
  details: ReplyDetails,
): Promise<ReplyPrintFacts> {
  const out: ReplyPrintFacts = {};
  const d = details.disclosure;
  if (d?.mode === 'published') out.disclosure = { mode: 'published', url: d.url, section: d.section ?? '', publishedDate: cn(d.publishedDate) };
  else if (d?.mode === 'provided') out.disclosure = { mode: 'provided', items: d.items, delivery: d.delivery };
  else if (d?.mode === 'later') out.disclosure = { mode: 'later', items: d.items, delivery: d.delivery, availableDate: cn(d.availableDate) };
  if (details.provided) out.provided = details.provided;
  if (details.withheld) out.withheld = details.withheld.map((w) => ({ ground: w.ground, part: w.part, law: w.law && { name: lawName(w.law.name), article: w.law.article } }));
  if (details.responsibleAgency) out.responsibleAgency = details.responsibleAgency;
  if (details.search) out.search = details.search;
  if (details.law) out.law = { name: lawName(details.law.name), article: details.law.article };
  if (details.thirdParty) {
    const c = context.consultations.find((x) => x.id === details.thirdParty!.consultationId);
    out.thirdParty = {
      askedDate: cn(c?.sentDate), opinion: c?.opinion ?? '', answeredDate: cn(c?.repliedDate), publicInterest: details.thirdParty.publicInterest,
    };
  }
  if (details.earlierReply) out.earlierReply = { number: details.earlierReply.number, date: cn(details.earlierReply.date) };
  if (details.basis) out.basis = details.basis;
  if (details.recordsCorrection) {
    const r = details.recordsCorrection;
    out.recordsCorrection = {
      record: r.record, outcome: r.outcome, correction: r.correction ?? '', correctedDate: cn(r.correctedDate), agency: r.agency, forwarded: r.forwarded,
    };
  }
  const noticeKind = NOTICE_OF[decision];
  const needsDocs = noticeKind !== undefined || details.excessive !== undefined;
  const docs = needsDocs ? await listDocuments(trx, applicationId) : [];
  if (noticeKind) out.notice = issuedNotice(docs, noticeKind);
  if (details.excessive) {
    const x = details.excessive;
    out.excessive = {
      count: x.count, from: cn(x.period.from), to: cn(x.period.to), applicantAnswer: x.applicantAnswer,
      askedDate: cn(context.excessive?.reasonsRequestedDate), notice: issuedNotice(docs, 'reasons_request'),
    };
  }
  return out;
}

/** The `decision` section of a reply's template data. */
export async function replyDecision(
  trx: Knex.Transaction,
  applicationId: number,
  agency: Agency,
  context: ApplicationContext,
  decision: DecisionCode,
  reply: { reasons: string | null; details: ReplyDetails },
): Promise<NonNullable<DocumentTemplateData['decision']>> {
  return {
    code: decision,
    label: decisionLabel(decision),
    reasons: reply.reasons ?? '',
    disclosed: '',
    withheld: '',
    referTo: reply.details.referTo ?? '',
    facts: await printFacts(trx, applicationId, context, decision, reply.details),
    reconsiderationFirst: reconsiderationFirst(agency.reconsiderationFirst, decision),
  };
}
