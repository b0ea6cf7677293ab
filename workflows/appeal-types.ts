// The vocabulary of one appeal against an information-disclosure reply, where the agency is the
// respondent (行政复议, 被申请人) or the defendant (行政诉讼, 被告): kinds and procedures, states,
// context, events, the decision-type table and who may send each event. Pure data and type guards;
// the rules live in appeal-rules.ts, the XState machine in appeal-statechart.ts, the judge in
// appeal-judge.ts and the deadlines in appeal-clock.ts. Import the machine API from appeal.machine.ts.

import { EXCHANGE_ROLE, type ActorRole } from './roles.js';
import { isKeyOf, sameRolesForEvery, type EventEnvelope, type MachineActor } from './machine-kit.js';

// ---------------------------------------------------------------------------------------------
// Kind and procedure

export const APPEAL_KINDS = { reconsideration: '行政复议', litigation: '行政诉讼' } as const;
export type AppealKind = keyof typeof APPEAL_KINDS;

export const APPEAL_PROCEDURES = {
  // 行政复议法 (2023) Art. 53: information-disclosure cases may be heard under the simplified procedure.
  reconsideration: { ordinary: '普通程序', simplified: '简易程序' },
  // 行政诉讼法 Art. 7 (两审终审); a first instance may use the simplified procedure (Arts. 82–84;
  // Art. 82(三) names information-disclosure cases).
  litigation: { first_instance: '第一审', second_instance: '第二审' },
} as const;
export type ReconsiderationProcedure = keyof (typeof APPEAL_PROCEDURES)['reconsideration'];
export type LitigationProcedure = keyof (typeof APPEAL_PROCEDURES)['litigation'];
export type AppealProcedure = ReconsiderationProcedure | LitigationProcedure;

/** What the appeal is, as registered: the machine's input. */
export interface AppealSetup {
  kind: AppealKind;
  procedure: AppealProcedure;
  /** Only meaningful for a litigation first instance (行政诉讼法 Art. 82: 简易程序, 45 days, Art. 83). */
  simplified?: boolean | null;
}
export interface NormalizedAppealSetup {
  kind: AppealKind;
  procedure: AppealProcedure;
  simplified: boolean;
}

/** Chinese message when kind and procedure do not fit together, else null. */
export function appealSetupError(input: unknown): string | null {
  if (typeof input !== 'object' || input === null) return '缺少案件类型和程序';
  const { kind, procedure } = input as Record<string, unknown>;
  if (kind !== 'reconsideration' && kind !== 'litigation') return '案件类型应为行政复议或行政诉讼';
  if (typeof procedure !== 'string' || !Object.hasOwn(APPEAL_PROCEDURES[kind], procedure)) {
    return kind === 'reconsideration'
      ? '复议程序应为普通程序或简易程序'
      : '诉讼程序应为第一审或第二审';
  }
  return null;
}

/**
 * Validates kind/procedure (RangeError otherwise) and settles `simplified`: a reconsideration is
 * simplified exactly when its procedure is `simplified`; a litigation first instance takes the flag;
 * a second instance is never simplified (the simplified procedure is first-instance only, 行政诉讼法
 * Art. 82). A flag that does not apply is ignored rather than refused.
 */
export function normalizeAppealSetup(input: AppealSetup): NormalizedAppealSetup {
  const error = appealSetupError(input);
  if (error !== null) throw new RangeError(`appeal setup: ${error}: ${JSON.stringify(input)}`);
  const { kind, procedure } = input;
  const simplified =
    kind === 'reconsideration' ? procedure === 'simplified' : procedure === 'first_instance' && input.simplified === true;
  return { kind, procedure, simplified };
}

// ---------------------------------------------------------------------------------------------
// States

/**
 * The states as a list that mixes both kinds names them. One case is named by its kind
 * (appealStateLabel): a reconsideration respondent answers with a 行政复议答复书 (行政复议法 Art. 48),
 * a defendant with a 答辩状 (行政诉讼法 Art. 67) — never the 答复 of the application (issue 13).
 */
export const APPEAL_STATES = {
  received: '已收到副本',
  answer_drafted: '答复书（答辩状）已起草',
  answer_submitted: '已提交答复书（答辩状）和证据',
  hearing: '审理中',
  decided: '已作出决定（裁判）',
  closed: '已结案',
  withdrawn: '已撤回',
} as const;
export type AppealState = keyof typeof APPEAL_STATES;

/** What the agency files in each kind of case, and the words that follow from it (issue 13: 答辩期限 is not 答复期限). */
export const APPEAL_ANSWER_TERMS = {
  reconsideration: {
    answer: '行政复议答复书', answerDue: '复议答复期限', draft: '起草复议答复书', submit: '提交复议答复书和证据',
    drafted: '复议答复书已起草', submitted: '已提交复议答复书和证据', decision: '复议决定', recordDecision: '记录复议决定', decided: '已作出复议决定',
    received: '已收到复议申请书副本', copy: '收到复议申请书副本之日',
  },
  litigation: {
    answer: '答辩状', answerDue: '答辩期限', draft: '起草答辩状', submit: '提交答辩状和证据',
    drafted: '答辩状已起草', submitted: '已提交答辩状和证据', decision: '裁判', recordDecision: '记录判决（裁定）', decided: '已作出判决（裁定）',
    received: '已收到起诉状副本', copy: '收到起诉状（上诉状）副本之日',
  },
} as const satisfies Record<AppealKind, Record<string, string>>;

/** A state of one case, in the words of its kind. */
export function appealStateLabel(kind: string, state: string): string {
  const t = isKeyOf(APPEAL_ANSWER_TERMS, kind) ? APPEAL_ANSWER_TERMS[kind] : null;
  if (t) {
    if (state === 'received') return t.received;
    if (state === 'answer_drafted') return t.drafted;
    if (state === 'answer_submitted') return t.submitted;
    if (state === 'decided') return t.decided;
  }
  return isKeyOf(APPEAL_STATES, state) ? APPEAL_STATES[state] : state;
}

export function isAppealState(value: unknown): value is AppealState {
  return isKeyOf(APPEAL_STATES, value);
}

// ---------------------------------------------------------------------------------------------
// Outcomes and decision types (domain.md §5, annual-report table 四)

export const APPEAL_OUTCOMES = { upheld: '结果维持', corrected: '结果纠正', other: '其他结果' } as const;
export type AppealOutcome = keyof typeof APPEAL_OUTCOMES;

export const APPEAL_DECISION_TYPES = [
  '维持', // 行政复议法 Art. 68
  '驳回', // 行政复议法 Art. 69 (and Art. 33: 驳回申请)
  '驳回诉讼请求', // 行政诉讼法 Art. 69
  '撤销', // 行政复议法 Art. 64; 行政诉讼法 Art. 70
  '撤销并责令重作', // 行政复议法 Art. 64; 行政诉讼法 Art. 70 (判决重新作出行政行为)
  '确认违法', // 行政复议法 Art. 65; 行政诉讼法 Art. 74
  '责令履行', // 行政复议法 Art. 66 (限期履行); 行政诉讼法 Art. 72
  '限期履行', // 行政复议法 Art. 66
  '变更', // 行政复议法 Art. 63; 行政诉讼法 Art. 77
  '确认无效', // 行政复议法 Art. 67; 行政诉讼法 Art. 75
  '调解', // 行政复议法 Art. 73; 行政诉讼法 Art. 60
  '和解', // 行政复议法 Art. 74
  '撤回', // 行政复议法 Art. 74 (撤回申请); 行政诉讼法 Art. 62 (撤诉)
  '终止', // 行政复议法 Art. 41; 行政诉讼法 终结诉讼
] as const;
export type AppealDecisionType = (typeof APPEAL_DECISION_TYPES)[number];

/** How each decision type counts in table 四 (domain.md §5). */
export const DECISION_TYPE_OUTCOMES: Readonly<Record<string, AppealOutcome>> = Object.freeze({
  维持: 'upheld',
  驳回: 'upheld',
  驳回诉讼请求: 'upheld',
  撤销: 'corrected',
  撤销并责令重作: 'corrected',
  确认违法: 'corrected',
  责令履行: 'corrected',
  限期履行: 'corrected',
  变更: 'corrected',
  确认无效: 'corrected',
  调解: 'other',
  和解: 'other',
  撤回: 'other',
  终止: 'other',
} satisfies Record<AppealDecisionType, AppealOutcome>);

export function isAppealDecisionType(value: unknown): value is AppealDecisionType {
  return typeof value === 'string' && (APPEAL_DECISION_TYPES as readonly string[]).includes(value);
}

/**
 * Decision types that order the agency to reply again (重新答复), so a new reply due date may be
 * recorded with them: 撤销(并责令重作) (行政复议法 Art. 64, 行政诉讼法 Art. 70), 责令/限期履行
 * (行政复议法 Art. 66, 行政诉讼法 Art. 72).
 */
export const NEW_REPLY_DECISION_TYPES: readonly AppealDecisionType[] = ['撤销并责令重作', '责令履行', '限期履行', '撤销'];

export const DECISION_FORMS = { judgment: '判决', ruling: '裁定' } as const;
export type DecisionForm = keyof typeof DECISION_FORMS;

/** Litigation decision types that end the case by ruling (裁定) rather than judgment unless told otherwise. */
export const RULING_DECISION_TYPES: readonly AppealDecisionType[] = ['撤回', '终止', '调解'];

/** The default form of a litigation decision: 判决, except 撤回 (Art. 62), 终止 and 调解 → 裁定. */
export function defaultDecisionForm(decisionType: AppealDecisionType): DecisionForm {
  return RULING_DECISION_TYPES.includes(decisionType) ? 'ruling' : 'judgment';
}

// ---------------------------------------------------------------------------------------------
// Context

export interface AnswerDraft {
  date: string;
  summary: string | null;
}
export interface Answer {
  drafts: AnswerDraft[];
  submittedDate: string | null;
  /** Document ids submitted as evidence (行政复议法 Art. 48; 行政诉讼法 Art. 67). */
  evidence: number[];
  /** Submitted after facts.answerDue. Accepted, but flagged. */
  late: boolean;
}
export interface Hearing {
  date: string;
  note: string;
}
export interface DecisionExtension {
  days: number;
  reason: string;
  date: string;
}
export interface AppealDecision {
  date: string;
  outcome: AppealOutcome;
  decisionType: AppealDecisionType;
  /** Litigation only (判决 / 裁定); null for a reconsideration. */
  decisionForm: DecisionForm | null;
  newReplyDueDate: string | null;
  summary: string;
}
export interface AppealContext {
  kind: AppealKind;
  procedure: AppealProcedure;
  simplified: boolean;
  answer: Answer;
  hearings: Hearing[];
  decisionExtension: DecisionExtension | null;
  /** Set by RECORD_DECISION, and by WITHDRAWN (outcome other, 撤回). */
  decision: AppealDecision | null;
  closedDate: string | null;
  withdrawnDate: string | null;
}

export function initialAppealContext(setup: AppealSetup): AppealContext {
  return {
    ...normalizeAppealSetup(setup),
    answer: { drafts: [], submittedDate: null, evidence: [], late: false },
    hearings: [],
    decisionExtension: null,
    decision: null,
    closedDate: null,
    withdrawnDate: null,
  };
}

// ---------------------------------------------------------------------------------------------
// Events

/** Computed by the server (appeal-clock.ts) before the event is sent. */
export interface AppealFacts {
  /** The day the agency received the copy of the application / complaint. */
  receivedDate: string;
  answerDue: string;
}
/** The user sending an event, in the role they act in for it (shared with applications: machine-kit.ts). */
export interface AppealActor extends MachineActor {}
/** Effective date (YYYY-MM-DD), actor and facts, carried by every event. */
export interface AppealEnvelope extends EventEnvelope<AppealFacts> {}
export type AppealEvent = AppealEnvelope &
  (
    | { type: 'DRAFT_ANSWER'; summary?: string | null }
    | { type: 'SUBMIT_ANSWER'; evidence?: number[] | null }
    | { type: 'RECORD_HEARING'; note: string }
    | { type: 'EXTEND_DECISION'; days: number; reason: string }
    | {
        type: 'RECORD_DECISION';
        outcome: AppealOutcome;
        decisionType: AppealDecisionType;
        summary: string;
        newReplyDueDate?: string | null;
        decisionForm?: DecisionForm | null;
      }
    | { type: 'WITHDRAWN'; note?: string | null }
    | { type: 'CLOSE' }
  );
export type AppealEventType = AppealEvent['type'];
export type AppealEventOf<T extends AppealEventType> = Extract<AppealEvent, { type: T }>;

export const APPEAL_EVENT_LABELS: Record<AppealEventType, string> = {
  DRAFT_ANSWER: '起草答复书（答辩状）',
  SUBMIT_ANSWER: '提交答复书（答辩状）和证据',
  RECORD_HEARING: '记录审理（听证、开庭）',
  EXTEND_DECISION: '延长复议期限',
  RECORD_DECISION: '记录决定（裁判）',
  WITHDRAWN: '记录撤回',
  CLOSE: '结案',
};
export const APPEAL_EVENT_TYPES = Object.keys(APPEAL_EVENT_LABELS) as AppealEventType[];

/** An event of one case, in the words of its kind (the button of a litigation case says 起草答辩状). */
export function appealEventLabel(kind: string, type: string): string {
  const t = isKeyOf(APPEAL_ANSWER_TERMS, kind) ? APPEAL_ANSWER_TERMS[kind] : null;
  if (t) {
    if (type === 'DRAFT_ANSWER') return t.draft;
    if (type === 'SUBMIT_ANSWER') return t.submit;
    if (type === 'RECORD_DECISION') return t.recordDecision;
  }
  if (type === 'REGISTER') return '登记';
  return isKeyOf(APPEAL_EVENT_LABELS, type) ? APPEAL_EVENT_LABELS[type] : type;
}

/** What the date of each appeal event is (issue 13: every date field labelled for what it is). */
export const APPEAL_EVENT_DATE_LABELS: Record<AppealEventType, string> = {
  DRAFT_ANSWER: '起草日期',
  SUBMIT_ANSWER: '提交日期',
  RECORD_HEARING: '听证（开庭）日期',
  EXTEND_DECISION: '延期决定日期',
  RECORD_DECISION: '决定（裁判）日期',
  WITHDRAWN: '撤回日期',
  CLOSE: '结案日期',
};

export function isAppealEventType(value: unknown): value is AppealEventType {
  return isKeyOf(APPEAL_EVENT_LABELS, value);
}

/**
 * Appeals are handled by the legal department (法制); everyone else in the desk only reads them. The
 * reconsideration body's own system (the data exchange, issue 14) may record what that body does —
 * the hearing, an extension, the decision, a withdrawal, the closing — but never the respondent's
 * answer, which the agency's legal staff draft and submit themselves.
 */
export const APPEAL_EVENT_ROLES: Record<AppealEventType, readonly ActorRole[]> = {
  ...sameRolesForEvery(APPEAL_EVENT_TYPES, ['legal', EXCHANGE_ROLE]),
  DRAFT_ANSWER: ['legal'],
  SUBMIT_ANSWER: ['legal'],
};
