// The review and sign-off view of the case page (issue 13, "sign-off shows what is signed"): the
// reply as it will print, beside the facts of the case it rests on — who asked for what, the
// decision and the facts the reply states, the consultations, the deadline, and the review so far.
// Everything in Chinese: the codes of decisions, grounds, ways of delivery and opinions are read
// through their glossary tables, never shown.
import type { ApplicationView, ReplyRecordView } from '../cases/application-view.js';
import type { DocumentView } from '../documents/document-view.js';
import { printedDocument, type PrintedDocument } from '../documents/printed-text.js';
import { CONSULTATION_KINDS, OPINIONS, type Consultation } from '../../workflows/application.machine.js';
import { decisionLabel, isDecisionCode } from '../../workflows/decisions.js';
import { formatChineseDate, isIsoDate } from '../../workflows/dates.js';
import { DELIVERY_METHODS, isKey } from '../../workflows/glossary.js';
import { DISCLOSURE_MODES, lawName, RECORDS_CORRECTION_OUTCOMES, WITHHOLD_GROUNDS, type ProvidedItem } from '../../workflows/reply-facts.js';

/** One line of the facts column: a label and its text, or several items. */
export interface FactLine {
  label: string;
  text?: string;
  items?: string[];
}

export interface SignoffView {
  /** review: the confidentiality review (保密审查中); signoff: waiting for the head's signature (待签发). */
  stage: 'review' | 'signoff';
  heading: string;
  /** The reply draft the review and the signature are about (null if a case lost it: ISSUE_REPLY refuses then). */
  documentId: number | null;
  printed: PrintedDocument | null;
  /** The decision and the facts the reply states. */
  decision: FactLine[];
  consultations: FactLine[];
  /** Drafted, reviewed, returned: who and when, with their opinions. */
  record: FactLine[];
}

/** A consultation as the case view carries it: the machine's record and its opinion period. */
type ConsultationView = Consultation & { opinionDue?: string | null };
const consultationsOf = (app: Pick<ApplicationView, 'consultations'>['consultations']) => app as ConsultationView[];

const cn = (d: string | null | undefined): string => (isIsoDate(d) ? formatChineseDate(d) : '—');
const itemText = (i: ProvidedItem | { title: string; pages?: number | null }) => (i.pages ? `${i.title}（${i.pages}页）` : i.title);
const deliveryText = (d: string) => (isKey(DELIVERY_METHODS, d) ? DELIVERY_METHODS[d] : d);

/** The facts a reply states, as the reviewer and the head read them (issue 12's facts, in Chinese). */
export function decisionLines(reply: ReplyRecordView, all: ApplicationView['consultations']): FactLine[] {
  const consultations = consultationsOf(all);
  const lines: FactLine[] = [{ label: '答复类型', text: reply.decisionLabel }];
  const d = reply.details ?? {};
  if (d.disclosure) {
    const x = d.disclosure;
    lines.push({ label: '公开方式', text: DISCLOSURE_MODES[x.mode] });
    if (x.mode === 'published') {
      lines.push({ label: '获取途径', text: [x.url, x.section ? `栏目：${x.section}` : '', x.publishedDate ? `${cn(x.publishedDate)}公开` : ''].filter(Boolean).join('；') });
    } else {
      lines.push({ label: '提供的政府信息', items: x.items.map(itemText) });
      lines.push({ label: '提供方式', text: deliveryText(x.delivery) + (x.mode === 'later' ? `，${cn(x.availableDate)}前提供` : '') });
    }
  }
  if (d.provided) lines.push({ label: '提供的政府信息', items: d.provided.map(itemText) });
  if (d.withheld) {
    lines.push({
      label: '不予公开的内容及依据',
      items: d.withheld.map((w) => {
        const ground = isDecisionCode(w.ground) ? decisionLabel(w.ground) : w.ground;
        const law = w.law ? `，《${lawName(w.law.name)}》${w.law.article}` : '';
        return `${w.part}：${ground}（${WITHHOLD_GROUNDS[w.ground] ?? ''}${law}）`;
      }),
    });
  }
  if (d.law) lines.push({ label: '法律、行政法规', text: `《${lawName(d.law.name)}》${d.law.article}` });
  if (d.thirdParty) {
    const c = consultations.find((x) => x.id === d.thirdParty!.consultationId);
    const opinion = c?.opinion ? OPINIONS[c.opinion] : '尚未答复';
    lines.push({ label: '第三方意见', text: c ? `${c.party}：${cn(c.sentDate)}征求，${opinion}${c.reasons ? `（${c.reasons}）` : ''}` : '（征求意见记录缺失）' });
    lines.push({ label: '公共利益权衡', text: d.thirdParty.publicInterest });
  }
  if (d.responsibleAgency) lines.push({ label: '负责公开的机关', text: `${d.responsibleAgency.name}（${d.responsibleAgency.contact}）` });
  if (d.search) lines.push({ label: '检索情况', text: d.search });
  if (d.earlierReply) lines.push({ label: '已作出的答复', text: `${d.earlierReply.number}（${cn(d.earlierReply.date)}）` });
  if (d.excessive) {
    const x = d.excessive;
    lines.push({ label: '申请数量', text: `${cn(x.period.from)}至${cn(x.period.to)}共${x.count}件` });
    lines.push({ label: '申请人的说明', text: x.applicantAnswer });
  }
  if (d.basis) lines.push({ label: '终止处理的依据', text: d.basis });
  if (d.recordsCorrection) {
    const r = d.recordsCorrection;
    lines.push({ label: '申请更正的记录', text: r.record });
    lines.push({ label: '审核结果', text: RECORDS_CORRECTION_OUTCOMES[r.outcome] + (r.correction ? `：${r.correction}` : '') + (r.correctedDate ? `（${cn(r.correctedDate)}）` : '') });
    if (r.agency) lines.push({ label: '有权更正的机关', text: `${r.agency.name}（${r.agency.contact}）${r.forwarded ? '，已转送' : ''}` });
  }
  if (d.referTo) lines.push({ label: '告知的机关或渠道', text: d.referTo });
  lines.push({ label: '理由与依据', text: reply.reasons ?? '（予以公开，无须说明理由）' });
  return lines;
}

function consultationLines(all: ApplicationView['consultations']): FactLine[] {
  return consultationsOf(all).map((c) => {
    const kind = isKey(CONSULTATION_KINDS, c.kind) ? CONSULTATION_KINDS[c.kind] : '';
    const answer = c.repliedDate
      ? `${cn(c.repliedDate)}${c.opinion && isKey(OPINIONS, c.opinion) ? OPINIONS[c.opinion] : '答复'}${c.reasons ? `：${c.reasons}` : ''}`
      : `尚未答复（意见期限至${cn(c.opinionDue)}）`;
    return { label: `${kind}：${c.party}`, text: `${cn(c.sentDate)}发出；${answer}` };
  });
}

function recordLines(reply: ReplyRecordView): FactLine[] {
  const lines: FactLine[] = [{ label: '拟稿', text: `${reply.drafted.by.name}，${cn(reply.drafted.date)}` }];
  for (const r of reply.review.returns) lines.push({ label: '审查退回', text: `${r.by.name}，${cn(r.date)}：${r.opinion}` });
  for (const r of reply.signoffReturns) lines.push({ label: '签发前退回', text: `${r.by.name}，${cn(r.date)}${r.toLabel}：${r.reason}` });
  const a = reply.review.approved;
  if (a) {
    lines.push({ label: '审查通过', text: `${a.by.name}，${cn(a.date)}${a.opinion ? `：${a.opinion}` : ''}` });
    if (a.checklist.length) lines.push({ label: '审查要点', items: a.checklist });
  }
  return lines;
}

/** The reply draft an ISSUE_REPLY would sign (document-service: the case's first reply draft). */
export const replyDraftOf = (documents: readonly DocumentView[]): DocumentView | undefined =>
  documents.find((d) => d.kind === 'reply' && d.status === 'draft');

/**
 * The view while the reply is in review or waiting to be signed; null otherwise. Everyone who sees
 * the case sees it then (the caseworker too: what the reviewer reads); the forms are the page's.
 */
export function signoffView(app: ApplicationView, agency: { name: string; docPrefix: string }, today: string): SignoffView | null {
  if (!app.reply || (app.state !== 'in_review' && app.state !== 'approved')) return null;
  const doc = replyDraftOf(app.documents);
  const stage = app.state === 'in_review' ? 'review' : 'signoff';
  return {
    stage,
    heading: stage === 'review' ? '保密审查：答复书全文与案件事实' : '签发：答复书全文与案件事实',
    documentId: doc?.id ?? null,
    printed: doc ? printedDocument(doc, agency, today) : null,
    decision: decisionLines(app.reply, app.consultations),
    consultations: consultationLines(app.consultations),
    record: recordLines(app.reply),
  };
}
