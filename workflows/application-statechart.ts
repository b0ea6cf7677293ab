// The XState v5 machine of one application: states and transitions as data, each transition's
// guard the conjunction of its rules from application-rules.ts (`and(['wellFormed', ...EVENT_RULES[type]])`),
// and the actions that record each event in the context. See application.machine.ts for the overview.

import { and, assign, setup } from 'xstate';
import type { DecisionCode } from './decisions.js';
import {
  CLOSED_REASONS,
  currentRound,
  initialApplicationContext,
  initialReply,
  type ApplicationContext,
  type ApplicationEvent,
  type ClosedReason,
  type Consultation,
  type Correction,
  type Draft,
  type Extension,
  type Fee,
  type Reopening,
  type SignoffReturn,
} from './application-types.js';
import { EVENT_RULES, RULES } from './application-rules.js';
import { replyDetailsOf } from './reply-facts.js';
import { assertType, guardsByEvent, ruleGuards, trimmedOrNull } from './machine-kit.js';

/** Bump when states or context change shape, and add a migrator in application-migrations.ts. */
export const APPLICATION_MACHINE_VERSION = 3;

// ---------------------------------------------------------------------------------------------
// Guards: each rule of RULES under its own name (ruleGuards, in setup below), so the machine
// definition reads as data; each event's guard is the conjunction of its EVENT_RULES

const guardOf = guardsByEvent(EVENT_RULES);

// From a draft until the reply is signed (drafted, in_review, approved), opinions, extensions and
// payments may still arrive, and the case may still lapse or be withdrawn. Spread last into each of
// those states, so every state lists its own events first.
const untilSigned = {
  RECORD_OPINION: { guard: guardOf('RECORD_OPINION'), actions: 'recordOpinion' },
  REQUEST_EXTENSION: { guard: guardOf('REQUEST_EXTENSION'), actions: 'recordExtensionRequest' },
  APPROVE_EXTENSION: { guard: guardOf('APPROVE_EXTENSION'), actions: 'approveExtension' },
  REJECT_EXTENSION: { guard: guardOf('REJECT_EXTENSION'), actions: 'rejectExtension' },
  RECORD_PAYMENT: { guard: guardOf('RECORD_PAYMENT'), actions: 'recordPayment' },
  FEE_LAPSED: { target: 'closed', guard: guardOf('FEE_LAPSED'), actions: 'closeForFeeLapse' },
  WITHDRAW: { target: 'closed', guard: guardOf('WITHDRAW'), actions: 'closeForWithdrawal' },
} as const;

// ---------------------------------------------------------------------------------------------
// The machine

function close(reason: ClosedReason, date: string, decision: DecisionCode): Partial<ApplicationContext> {
  return { closedReason: reason, closedDate: date, decision };
}

export const applicationMachine = setup({
  types: {
    context: {} as ApplicationContext,
    events: {} as ApplicationEvent,
  },
  guards: {
    ...ruleGuards(RULES),
    // Where a return before signing goes (the rules have judged `to` already).
    returnsToReviewer: ({ event }) => event.type === 'RETURN_FROM_SIGNOFF' && event.to === 'reviewer',
  },
  actions: {
    recordCorrectionRequest: assign(({ event }) => {
      assertType(event, 'REQUEST_CORRECTION');
      const correction: Correction = {
        requestedDate: event.date,
        items: event.items.map((item) => item.trim()),
        periodWorkingDays: event.periodWorkingDays,
        receivedDate: null,
      };
      return { correction };
    }),
    // Art. 30: the reply clock restarts from this date (computed in clock.ts from the history).
    recordCorrectionReceived: assign(({ context, event }) => ({
      correction: context.correction && { ...context.correction, receivedDate: event.date },
    })),
    closeForCorrectionLapse: assign(({ event }) => close('correction_lapsed', event.date, 'other.correction_lapsed')),
    recordConsultation: assign(({ context, event }) => {
      assertType(event, 'START_CONSULTATION');
      const consultation: Consultation = {
        id: event.consultationId,
        kind: event.kind,
        party: event.party.trim(),
        agencyCode: trimmedOrNull(event.agencyCode),
        sentDate: event.date,
        repliedDate: null,
        opinion: null,
        reasons: null,
      };
      return { consultations: [...context.consultations, consultation] };
    }),
    recordOpinion: assign(({ context, event }) => {
      assertType(event, 'RECORD_OPINION');
      return {
        consultations: context.consultations.map((c) =>
          c.id === event.consultationId
            ? { ...c, repliedDate: event.date, opinion: event.opinion, reasons: trimmedOrNull(event.reasons) }
            : c,
        ),
      };
    }),
    recordExtensionRequest: assign(({ context, event }) => {
      assertType(event, 'REQUEST_EXTENSION');
      const extension: Extension = {
        requestedDate: event.date,
        round: currentRound(context),
        workingDays: event.workingDays,
        reason: event.reason.trim(),
        status: 'requested',
        decidedDate: null,
        rejectReason: null,
      };
      return { extension };
    }),
    approveExtension: assign(({ context, event }) => ({
      extension: context.extension && { ...context.extension, status: 'approved' as const, decidedDate: event.date },
    })),
    rejectExtension: assign(({ context, event }) => {
      assertType(event, 'REJECT_EXTENSION');
      return {
        extension: context.extension && {
          ...context.extension,
          status: 'rejected' as const,
          decidedDate: event.date,
          rejectReason: event.reason.trim(),
        },
      };
    }),
    recordFeeNotice: assign(({ event }) => {
      assertType(event, 'ISSUE_FEE_NOTICE');
      const fee: Fee = {
        noticeDate: event.date,
        basis: event.basis,
        pages: event.basis === 'per_page' ? (event.pages ?? null) : null,
        amount: event.amount,
        status: 'pending',
        paidDate: null,
      };
      return { fee };
    }),
    recordPayment: assign(({ context, event }) => ({
      fee: context.fee && { ...context.fee, status: 'paid' as const, paidDate: event.date },
    })),
    closeForFeeLapse: assign(({ context, event }) => ({
      fee: context.fee && { ...context.fee, status: 'lapsed' as const },
      ...close('fee_unpaid', event.date, 'other.fee_unpaid'),
    })),
    recordDraft: assign(({ event }) => {
      assertType(event, 'DRAFT_REPLY');
      // Issue 12: the facts the reply states, as judged (reply-facts.ts); the free texts of older drafts stay null.
      const details = replyDetailsOf(event.decision, event as unknown as Record<string, unknown>);
      const draft: Draft = {
        decision: event.decision,
        reasons: trimmedOrNull(event.reasons),
        disclosed: null,
        withheld: null,
        referTo: details.referTo ?? null,
        draftedBy: event.actor.id,
        draftedDate: event.date,
        details,
      };
      return { draft };
    }),
    recordReviewApproval: assign(({ context, event }) => {
      assertType(event, 'APPROVE_REVIEW');
      return {
        review: {
          ...context.review, approvedBy: event.actor.id, approvedDate: event.date, checklist: event.checklist ?? null,
          opinion: trimmedOrNull(event.opinion),
        },
      };
    }),
    recordReviewReturn: assign(({ context, event }) => {
      assertType(event, 'RETURN_FOR_REVISION');
      // The reviewer's opinion is why it went back (`reason`: its name before issue 13).
      const opinion = trimmedOrNull(event.opinion) ?? trimmedOrNull(event.reason) ?? '';
      return {
        review: {
          ...context.review,
          returns: [...context.review.returns, { date: event.date, reason: opinion, by: event.actor.id }],
        },
      };
    }),
    // 签发前退回: the approval no longer stands — the reply is reviewed again (after a redraft, or at
    // once when it goes back to the reviewer) before anyone may sign it.
    recordSignoffReturn: assign(({ context, event }) => {
      assertType(event, 'RETURN_FROM_SIGNOFF');
      const back: SignoffReturn = { date: event.date, to: event.to, reason: event.reason.trim(), by: event.actor.id };
      return {
        review: { ...context.review, approvedBy: null, approvedDate: null, checklist: null, opinion: null },
        signoffReturns: [...context.signoffReturns, back],
      };
    }),
    recordIssue: assign(({ context, event }) => ({
      issuedBy: event.actor.id,
      issuedDate: event.date,
      decision: context.draft?.decision ?? null,
    })),
    recordDelivery: assign(({ context, event }) => {
      assertType(event, 'RECORD_DELIVERY');
      return {
        delivery: { date: event.date, method: event.method.trim() },
        ...close('delivered', event.date, context.decision ?? 'other.other'),
      };
    }),
    // The applicant withdrew: report row （六）3 其他.
    closeForWithdrawal: assign(({ event }) => close('withdrawn', event.date, 'other.other')),
    recordOnTheSpotReply: assign(({ event }) => {
      assertType(event, 'REPLY_ON_THE_SPOT');
      return {
        issuedBy: event.actor.id,
        issuedDate: event.date,
        delivery: { date: event.date, method: CLOSED_REASONS.on_the_spot },
        ...close('on_the_spot', event.date, event.decision),
      };
    }),
    // 转办: the applicant is told which agency now handles the request (Art. 36(五)); this agency's
    // part ends, counted in report row （四）1 (the information is not held here).
    recordTransfer: assign(({ event }) => {
      assertType(event, 'TRANSFER');
      return {
        issuedBy: event.actor.id,
        issuedDate: event.date,
        transfer: {
          date: event.date, agencyCode: event.agencyCode.trim(), agencyName: event.agencyName.trim(),
          agencyContact: trimmedOrNull(event.agencyContact), reason: event.reason.trim(),
        },
        ...close('transferred', event.date, 'unavailable.not_held'),
      };
    }),
    recordReasonsRequest: assign(({ event }) => {
      assertType(event, 'REQUEST_REASONS');
      return { excessive: { reasonsRequestedDate: event.date, note: trimmedOrNull(event.note), laterReplyDate: null, laterReason: null } };
    }),
    // Art. 35: the reasons are sound but the volume cannot be answered in time; clock.ts reads the date.
    recordLaterDate: assign(({ context, event }) => {
      assertType(event, 'SET_LATER_DATE');
      return { excessive: context.excessive && { ...context.excessive, laterReplyDate: event.laterReplyDate, laterReason: event.reason.trim() } };
    }),
    // 重新办理: the agency answers anew. The reply, its review, signature and delivery are reset; the
    // correction, consultations, fee and extension stay as history (a new extension is allowed
    // because it is counted per round, see RULES.noExtensionYet). The deadline itself lives in the
    // clock (clock.ts reads newReplyDueDate from the REOPEN event).
    recordReopening: assign(({ context, event }) => {
      assertType(event, 'REOPEN');
      const reopening: Reopening = {
        date: event.date,
        appealId: event.appealId,
        newReplyDueDate: event.newReplyDueDate,
        reason: event.reason.trim(),
        previousDecision: context.decision,
      };
      return { ...initialReply(), reopenings: [...context.reopenings, reopening] };
    }),
  },
}).createMachine({
  id: 'application',
  context: initialApplicationContext,
  initial: 'processing',
  states: {
    processing: {
      on: {
        REQUEST_CORRECTION: { target: 'awaiting_correction', guard: guardOf('REQUEST_CORRECTION'), actions: 'recordCorrectionRequest' },
        START_CONSULTATION: { guard: guardOf('START_CONSULTATION'), actions: 'recordConsultation' },
        RECORD_OPINION: { guard: guardOf('RECORD_OPINION'), actions: 'recordOpinion' },
        REQUEST_EXTENSION: { guard: guardOf('REQUEST_EXTENSION'), actions: 'recordExtensionRequest' },
        APPROVE_EXTENSION: { guard: guardOf('APPROVE_EXTENSION'), actions: 'approveExtension' },
        REJECT_EXTENSION: { guard: guardOf('REJECT_EXTENSION'), actions: 'rejectExtension' },
        ISSUE_FEE_NOTICE: { guard: guardOf('ISSUE_FEE_NOTICE'), actions: 'recordFeeNotice' },
        RECORD_PAYMENT: { guard: guardOf('RECORD_PAYMENT'), actions: 'recordPayment' },
        FEE_LAPSED: { target: 'closed', guard: guardOf('FEE_LAPSED'), actions: 'closeForFeeLapse' },
        DRAFT_REPLY: { target: 'drafted', guard: guardOf('DRAFT_REPLY'), actions: 'recordDraft' },
        WITHDRAW: { target: 'closed', guard: guardOf('WITHDRAW'), actions: 'closeForWithdrawal' },
        REPLY_ON_THE_SPOT: { target: 'closed', guard: guardOf('REPLY_ON_THE_SPOT'), actions: 'recordOnTheSpotReply' },
        TRANSFER: { target: 'closed', guard: guardOf('TRANSFER'), actions: 'recordTransfer' },
        REQUEST_REASONS: { guard: guardOf('REQUEST_REASONS'), actions: 'recordReasonsRequest' },
        SET_LATER_DATE: { guard: guardOf('SET_LATER_DATE'), actions: 'recordLaterDate' },
      },
    },
    // Art. 30: the clock waits for the corrected application (or its lapse).
    awaiting_correction: {
      on: {
        CORRECTION_RECEIVED: { target: 'processing', guard: guardOf('CORRECTION_RECEIVED'), actions: 'recordCorrectionReceived' },
        CORRECTION_LAPSED: { target: 'closed', guard: guardOf('CORRECTION_LAPSED'), actions: 'closeForCorrectionLapse' },
        WITHDRAW: { target: 'closed', guard: guardOf('WITHDRAW'), actions: 'closeForWithdrawal' },
      },
    },
    drafted: {
      on: {
        DRAFT_REPLY: { guard: guardOf('DRAFT_REPLY'), actions: 'recordDraft' },
        SUBMIT_FOR_REVIEW: { target: 'in_review', guard: guardOf('SUBMIT_FOR_REVIEW') },
        ...untilSigned,
      },
    },
    // Art. 17: 先审查、后公开.
    in_review: {
      on: {
        APPROVE_REVIEW: { target: 'approved', guard: guardOf('APPROVE_REVIEW'), actions: 'recordReviewApproval' },
        RETURN_FOR_REVISION: { target: 'drafted', guard: guardOf('RETURN_FOR_REVISION'), actions: 'recordReviewReturn' },
        ...untilSigned,
      },
    },
    approved: {
      on: {
        ISSUE_REPLY: { target: 'issued', guard: guardOf('ISSUE_REPLY'), actions: 'recordIssue' },
        RETURN_FROM_SIGNOFF: [
          { target: 'in_review', guard: and([guardOf('RETURN_FROM_SIGNOFF'), 'returnsToReviewer']), actions: 'recordSignoffReturn' },
          { target: 'drafted', guard: guardOf('RETURN_FROM_SIGNOFF'), actions: 'recordSignoffReturn' },
        ],
        ...untilSigned,
      },
    },
    issued: {
      on: {
        RECORD_DELIVERY: { target: 'closed', guard: guardOf('RECORD_DELIVERY'), actions: 'recordDelivery' },
      },
    },
    // Not `type: 'final'` (since machine version 2): a reconsideration decision or judgment may order
    // a new reply (重新答复), and that is the only event a closed case accepts.
    closed: {
      on: {
        REOPEN: { target: 'processing', guard: guardOf('REOPEN'), actions: 'recordReopening' },
      },
    },
  },
});
