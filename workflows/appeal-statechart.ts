// The XState v5 machine of one appeal (行政复议 / 行政诉讼 with the agency as respondent/defendant):
// states and transitions as data, each transition's guard the conjunction of its rules from
// appeal-rules.ts (`and(['wellFormed', ...APPEAL_EVENT_RULES[type]])`), and the actions that record
// each event in the context. See appeal.machine.ts for the overview.

import { assign, setup } from 'xstate';
import {
  defaultDecisionForm,
  initialAppealContext,
  type AppealContext,
  type AppealDecision,
  type AppealEvent,
  type AppealSetup,
} from './appeal-types.js';
import { APPEAL_EVENT_RULES, APPEAL_RULES } from './appeal-rules.js';
import { assertType, guardsByEvent, ruleGuards, trimmedOrNull } from './machine-kit.js';

/** Bump when states or context change shape (and migrate stored snapshots, as for applications). */
export const APPEAL_MACHINE_VERSION = 1;

// Guards: each rule of APPEAL_RULES under its own name (ruleGuards, in setup below); each event's
// guard is the conjunction of its APPEAL_EVENT_RULES.
const guardOf = guardsByEvent(APPEAL_EVENT_RULES);

export const appealMachine = setup({
  types: {
    context: {} as AppealContext,
    events: {} as AppealEvent,
    input: {} as AppealSetup,
  },
  guards: ruleGuards(APPEAL_RULES),
  actions: {
    recordDraft: assign(({ context, event }) => {
      assertType(event, 'DRAFT_ANSWER');
      return { answer: { ...context.answer, drafts: [...context.answer.drafts, { date: event.date, summary: trimmedOrNull(event.summary) }] } };
    }),
    // 行政复议法 Art. 48 / 54, 行政诉讼法 Art. 67: a late answer is still filed, but flagged (a
    // respondent that does not answer in time is treated as having no evidence: 行政复议法 Art. 70,
    // 行政诉讼法 Art. 34).
    recordSubmission: assign(({ context, event }) => {
      assertType(event, 'SUBMIT_ANSWER');
      return {
        answer: {
          ...context.answer,
          submittedDate: event.date,
          evidence: [...new Set(event.evidence ?? [])],
          late: event.date > event.facts.answerDue,
        },
      };
    }),
    recordHearing: assign(({ context, event }) => {
      assertType(event, 'RECORD_HEARING');
      return { hearings: [...context.hearings, { date: event.date, note: event.note.trim() }] };
    }),
    // 行政复议法 Art. 62: extended by up to 30 days, with written notice to the parties.
    recordExtension: assign(({ event }) => {
      assertType(event, 'EXTEND_DECISION');
      return { decisionExtension: { days: event.days, reason: event.reason.trim(), date: event.date } };
    }),
    recordDecision: assign(({ context, event }) => {
      assertType(event, 'RECORD_DECISION');
      const decision: AppealDecision = {
        date: event.date,
        outcome: event.outcome,
        decisionType: event.decisionType,
        decisionForm: context.kind === 'litigation' ? (event.decisionForm ?? defaultDecisionForm(event.decisionType)) : null,
        newReplyDueDate: event.newReplyDueDate ?? null,
        summary: event.summary.trim(),
      };
      return { decision };
    }),
    // 行政复议法 Art. 74 (撤回申请); 行政诉讼法 Art. 62 (撤诉, allowed by ruling): counts as "other".
    recordWithdrawal: assign(({ context, event }) => {
      assertType(event, 'WITHDRAWN');
      const decision: AppealDecision = {
        date: event.date,
        outcome: 'other',
        decisionType: '撤回',
        decisionForm: context.kind === 'litigation' ? 'ruling' : null,
        newReplyDueDate: null,
        summary: trimmedOrNull(event.note) ?? (context.kind === 'litigation' ? '原告撤诉' : '申请人撤回行政复议申请'),
      };
      return { decision, withdrawnDate: event.date };
    }),
    recordClose: assign(({ event }) => ({ closedDate: event.date })),
  },
}).createMachine({
  id: 'appeal',
  context: ({ input }) => initialAppealContext(input),
  initial: 'received',
  states: {
    received: {
      on: {
        DRAFT_ANSWER: { target: 'answer_drafted', guard: guardOf('DRAFT_ANSWER'), actions: 'recordDraft' },
        SUBMIT_ANSWER: { target: 'answer_submitted', guard: guardOf('SUBMIT_ANSWER'), actions: 'recordSubmission' },
        EXTEND_DECISION: { guard: guardOf('EXTEND_DECISION'), actions: 'recordExtension' },
        WITHDRAWN: { target: 'withdrawn', guard: guardOf('WITHDRAWN'), actions: 'recordWithdrawal' },
      },
    },
    answer_drafted: {
      on: {
        DRAFT_ANSWER: { guard: guardOf('DRAFT_ANSWER'), actions: 'recordDraft' },
        SUBMIT_ANSWER: { target: 'answer_submitted', guard: guardOf('SUBMIT_ANSWER'), actions: 'recordSubmission' },
        EXTEND_DECISION: { guard: guardOf('EXTEND_DECISION'), actions: 'recordExtension' },
        WITHDRAWN: { target: 'withdrawn', guard: guardOf('WITHDRAWN'), actions: 'recordWithdrawal' },
      },
    },
    answer_submitted: {
      on: {
        RECORD_HEARING: { target: 'hearing', guard: guardOf('RECORD_HEARING'), actions: 'recordHearing' },
        EXTEND_DECISION: { guard: guardOf('EXTEND_DECISION'), actions: 'recordExtension' },
        RECORD_DECISION: { target: 'decided', guard: guardOf('RECORD_DECISION'), actions: 'recordDecision' },
        WITHDRAWN: { target: 'withdrawn', guard: guardOf('WITHDRAWN'), actions: 'recordWithdrawal' },
      },
    },
    // After at least one hearing (听证, 行政复议法 Art. 50; 开庭, 行政诉讼法 Art. 54).
    hearing: {
      on: {
        RECORD_HEARING: { guard: guardOf('RECORD_HEARING'), actions: 'recordHearing' },
        EXTEND_DECISION: { guard: guardOf('EXTEND_DECISION'), actions: 'recordExtension' },
        RECORD_DECISION: { target: 'decided', guard: guardOf('RECORD_DECISION'), actions: 'recordDecision' },
        WITHDRAWN: { target: 'withdrawn', guard: guardOf('WITHDRAWN'), actions: 'recordWithdrawal' },
      },
    },
    decided: {
      on: {
        CLOSE: { target: 'closed', guard: guardOf('CLOSE'), actions: 'recordClose' },
      },
    },
    closed: { type: 'final' },
    withdrawn: { type: 'final' },
  },
});
