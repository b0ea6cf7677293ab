import type { Response } from 'express';
import type { AppContext } from '../context.js';
import type { User } from '../admin/user-store.js';
import { getApplicationView } from '../cases/application-service.js';
import { appealsForApplication } from '../appeals/appeal-service.js';
import { DECISIONS } from '../../workflows/decisions.js';
import { listAgencies } from '../admin/agency-store.js';
import { relatedApplications } from '../applicants/applicant-service.js';
import { passagesForDraft } from '../passages/passage-service.js';
import { feeFormQuote } from '../fees/fee-notice.js';
import { DISCLOSURE_MODES, RECORDS_CORRECTION_OUTCOMES, WITHHOLD_GROUNDS } from '../../workflows/reply-facts.js';
import { replyFormDefaults } from './reply-form.js';
import { signoffView } from './signoff-view.js';
import { CONSULTATION_KINDS, EVENT_DATE_LABELS, FEE_BASES, REVIEW_CHECKLIST, SIGNOFF_RETURN_TARGETS } from '../../workflows/application-types.js';
import { issueVerb } from '../../workflows/glossary.js';
import { inviteesFor } from '../conferences/conference-service.js';
import { conferenceTimeline } from '../conferences/conference-view.js';

/** The case page, shared by every action that answers with it (success or refusal). */
export async function renderApplicationPage(
  ctx: AppContext,
  res: Response,
  user: User,
  id: number,
  opts: {
    status?: number; flash?: string | null; eventError?: { type: unknown; message: string; fields?: Record<string, string>; conferenceId?: number } | null;
    /** The fields of a refused event form, shown again as typed. */
    eventForm?: Record<string, unknown> | null;
    documentError?: { id: number; message: string; action?: string; form?: Record<string, unknown> } | null;
  } = {},
): Promise<void> {
  const app = await getApplicationView(ctx, user, id);
  const appeals = user.role === 'legal' || user.role === 'manager' ? await appealsForApplication(ctx, user, id) : [];
  const agencies = await listAgencies(ctx.db);
  const otherAgencies = agencies.filter((a) => a.code !== app.agency.code);
  // Issue 13: in review and awaiting signature, the reply as it will print beside the case's facts.
  const own = agencies.find((a) => a.code === app.agency.code);
  const signoff = signoffView(app, { name: app.agency.name, docPrefix: own?.docPrefix ?? app.agency.code }, ctx.clock.today());
  // Issue 7: the applicant's other applications, likely repeats and monthly volume, beside the reply form.
  const related = await relatedApplications(ctx, user, id);
  // Issue 7: approved reply wording for the reply editor, the draft's decision first.
  const replyPassages = app.allowedEvents.includes('DRAFT_REPLY') ? await passagesForDraft(ctx, app.decision) : [];
  // Issue 7: the fee-notice form shows the fee the standard gives (国办函〔2020〕109号), without JS too.
  const feeQuote = app.allowedEvents.includes('ISSUE_FEE_NOTICE') ? await feeFormQuote(ctx.db, id) : null;
  // Issue 12: the reply editor's facts — as typed when refused, else the latest draft's or the case's.
  const replying = app.allowedEvents.includes('DRAFT_REPLY') || app.allowedEvents.includes('REPLY_ON_THE_SPOT');
  const refusedReply = opts.eventForm && (opts.eventError?.type === 'DRAFT_REPLY' || opts.eventError?.type === 'REPLY_ON_THE_SPOT');
  const replyForm = !replying ? {} : refusedReply ? opts.eventForm! : replyFormDefaults(app, related);
  // Issue 14: who may be invited to a conference, and the conferences' steps for the timeline.
  const invitees = app.mayConvene && own ? await inviteesFor(ctx, own.id) : [];
  const conferenceEntries = (app.conferences ?? []).flatMap(conferenceTimeline);
  res.status(opts.status ?? 200).render('application', {
    invitees, conferenceEntries,
    title: `${app.caseNumber} 案件详情`, app, appeals, DECISIONS, otherAgencies, related, replyPassages, feeQuote, replyForm,
    // Issue 13: the review and sign-off view; every label read from the glossary tables, no code shown.
    signoff, REVIEW_CHECKLIST, SIGNOFF_RETURN_TARGETS, EVENT_DATE_LABELS, CONSULTATION_KINDS, FEE_BASES, issueVerb,
    eventForm: opts.eventForm ?? null,
    replyFacts: { DISCLOSURE_MODES, WITHHOLD_GROUNDS, RECORDS_CORRECTION_OUTCOMES },
    flash: opts.flash ?? null, eventError: opts.eventError ?? null, documentError: opts.documentError ?? null,
  });
}
