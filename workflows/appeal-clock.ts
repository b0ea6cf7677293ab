// The deadlines of one appeal (domain.md §5), counted by the rules of §2: the start day is not
// counted (民事诉讼法 Art. 85, applied by 行政复议法 Art. 88 and 行政诉讼法 Art. 101); "N working days"
// is the N-th working day after the start; "N days" ends on the N-th day after it, moved to the next
// working day if that is a weekend or holiday; "N months" ends on the same day of the month N months
// later, or on that month's last day if it has no such day (民法典 Art. 202), moved likewise.
//
// Pure: "today" is a parameter and nothing is read from the environment.

import { provisionalExplanation, type WorkCalendar } from './calendar.js';
import { addDays, compareDates, formatChineseDate, isIsoDate } from './dates.js';
import {
  normalizeAppealSetup,
  type AppealKind,
  type AppealOutcome,
  type AppealProcedure,
  type DecisionForm,
} from './appeal-types.js';

export interface AppealClockInput {
  kind: AppealKind;
  procedure: AppealProcedure;
  /** Litigation first instance under the simplified procedure (45 days). Ignored elsewhere. */
  simplified?: boolean | null;
  /** The day the agency received the copy of the application / complaint (or of the appeal petition). */
  receivedDate: string;
  /** Reconsideration: the day the reconsideration body accepted the application (受理). */
  acceptedDate?: string | null;
  /** Litigation: the day the court filed the case (立案); second instance: received the appeal petition. */
  filedDate?: string | null;
  /** 行政复议法 Art. 62 extension, ordinary procedure only (0..30). */
  decisionExtensionDays?: number | null;
  decision?: {
    /** Treated as the day the decision / judgment / ruling was served, from which appeal periods run. */
    date: string;
    outcome: AppealOutcome;
    /** Litigation only; defaults to judgment. */
    decisionForm?: DecisionForm | null;
    newReplyDueDate?: string | null;
  } | null;
  answerSubmitted?: boolean;
  /** Closed or withdrawn: nothing is overdue and no window is open any more. */
  closed?: boolean;
  today: string;
}

export interface AppealDeadlines {
  /** Last day for the written answer and evidence. */
  answerDue: string;
  /** End of the statutory period for the decision / judgment (kept once decided). */
  decisionExpected: string | null;
  /** Last day to sue (after a reconsideration decision) or to appeal (first-instance judgment or ruling). */
  appealDeadline: string | null;
  appealWindowOpen: boolean;
  /** The new reply deadline set by a decision ordering the agency to reply again. */
  newReplyDue: string | null;
  /** True when a deadline was computed through a year without official holiday data. */
  provisional: boolean;
  provisionalYears: number[];
  /** Chinese sentences showing how each deadline was reached, citing the article. */
  explanation: string[];
  answerOverdue: boolean;
  /** At most ANSWER_DUE_SOON_WORKING_DAYS working days left for the answer. */
  answerDueSoon: boolean;
}

// 行政复议法 Art. 48: answer within 10 days, Art. 54: 5 days (simplified); Art. 88: working days.
const RECONSIDERATION_ANSWER_WORKING_DAYS = { ordinary: 10, simplified: 5 } as const;
// 行政诉讼法 Art. 67: the defendant answers within 15 days of receiving the complaint copy.
const LITIGATION_ANSWER_DAYS = 15;
// 行政复议法 Art. 62: decision within 60 days of acceptance (+ at most 30), simplified 30 days.
const RECONSIDERATION_DECISION_DAYS = { ordinary: 60, simplified: 30 } as const;
const MAX_EXTENSION_DAYS = 30;
// 行政诉讼法 Art. 81: first instance 6 months; Art. 83: simplified 45 days; Art. 88: second instance 3 months.
const FIRST_INSTANCE_MONTHS = 6;
const SIMPLIFIED_FIRST_INSTANCE_DAYS = 45;
const SECOND_INSTANCE_MONTHS = 3;
// 行政诉讼法 Art. 85: appeal within 15 days of service of a judgment, 10 days of a ruling.
const APPEAL_DAYS = { judgment: 15, ruling: 10 } as const;
// 行政诉讼法 Art. 45: sue within 15 days of receiving the reconsideration decision.
const SUE_AFTER_RECONSIDERATION_DAYS = 15;
/** Dashboard threshold for "answer due soon", in working days. */
export const ANSWER_DUE_SOON_WORKING_DAYS = 3;

const fmt = formatChineseDate;

function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/**
 * The same day of the month `months` later (民法典 Art. 202), or that month's last day when it has
 * no such day: 2025-01-31 + 1 → 2025-02-28; 2024-08-31 + 6 → 2025-02-28. Not moved to a working day.
 */
export function addCalendarMonths(date: string, months: number): string {
  if (!isIsoDate(date)) throw new RangeError(`addCalendarMonths: not an ISO date: ${JSON.stringify(date)}`);
  if (!Number.isSafeInteger(months)) throw new RangeError(`addCalendarMonths: months must be an integer, got ${months}`);
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const index = y * 12 + (m - 1) + months;
  const year = Math.floor(index / 12);
  const month = index - year * 12 + 1;
  if (year < 0 || year > 9999) throw new RangeError(`addCalendarMonths: year ${year} out of range`);
  const day = Math.min(d, daysInMonth(year, month));
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** A calendar-day or month period: its nominal last day, and that day moved to a working day. */
interface Period {
  nominal: string;
  due: string;
}

/**
 * "至2025年10月1日，该日为国庆节，顺延至2025年10月9日" — the nominal end (with a month-end note for
 * month periods) and, when it is not a working day, where it moved.
 */
function until(calendar: WorkCalendar, period: Period, note = ''): string {
  const head = `至${fmt(period.nominal)}${note}`;
  if (period.nominal === period.due) return head;
  const reason = calendar.dayInfo(period.nominal).note ?? '休息日';
  return `${head}，该日为${reason}，顺延至${fmt(period.due)}`;
}

function daysPeriod(calendar: WorkCalendar, start: string, days: number): Period {
  return { nominal: addDays(start, days), due: calendar.addCalendarDays(start, days) };
}

function monthsPeriod(calendar: WorkCalendar, start: string, months: number): Period {
  const nominal = addCalendarMonths(start, months);
  return { nominal, due: calendar.nextWorkingDayOnOrAfter(nominal) };
}

/** 民法典 Art. 202: a month without the start's day ends the period on its last day. */
function monthEndNote(start: string, period: Period): string {
  const startDay = Number(start.slice(8));
  const endDay = Number(period.nominal.slice(8));
  return endDay < startDay ? `（该月没有${startDay}日，以月末日为期间最后一日）` : '';
}

function optionalDate(value: unknown): string | null {
  return isIsoDate(value) ? value : null;
}

export function computeAppealDeadlines(input: AppealClockInput, calendar: WorkCalendar): AppealDeadlines {
  const { receivedDate, today } = input;
  if (!isIsoDate(receivedDate)) throw new RangeError(`computeAppealDeadlines: invalid receivedDate ${JSON.stringify(receivedDate)}`);
  if (!isIsoDate(today)) throw new RangeError(`computeAppealDeadlines: invalid today ${JSON.stringify(today)}`);
  const { kind, procedure, simplified } = normalizeAppealSetup({ kind: input.kind, procedure: input.procedure, simplified: input.simplified ?? false });
  const extensionDays = input.decisionExtensionDays ?? 0;
  if (!Number.isInteger(extensionDays) || extensionDays < 0 || extensionDays > MAX_EXTENSION_DAYS) {
    throw new RangeError(`computeAppealDeadlines: decisionExtensionDays must be 0..${MAX_EXTENSION_DAYS}, got ${extensionDays}`);
  }
  const decision = input.decision ?? null;
  if (decision !== null && !isIsoDate(decision.date)) {
    throw new RangeError(`computeAppealDeadlines: invalid decision date ${JSON.stringify(decision.date)}`);
  }
  const closed = input.closed === true;
  const answerSubmitted = input.answerSubmitted === true;
  const explanation: string[] = [];
  const involved: string[] = [receivedDate];

  // ---- The answer -------------------------------------------------------------------------
  let answerDue: string;
  if (kind === 'reconsideration') {
    const n = RECONSIDERATION_ANSWER_WORKING_DAYS[procedure === 'simplified' ? 'simplified' : 'ordinary'];
    answerDue = calendar.addWorkingDays(receivedDate, n);
    const article = procedure === 'simplified' ? '第五十四条' : '第四十八条';
    explanation.push(
      `${fmt(receivedDate)}收到行政复议申请书副本（起算日不计入），书面答复和证据应在${n}个工作日内提交，期限至${fmt(answerDue)}（行政复议法${article}，第八十八条：“十日”“五日”指工作日）。`,
    );
  } else {
    const period = daysPeriod(calendar, receivedDate, LITIGATION_ANSWER_DAYS);
    answerDue = period.due;
    // A second-instance appellee answers within the same 15 days (行政诉讼法 Art. 101 → 民事诉讼法).
    const [what, basis] =
      procedure === 'second_instance'
        ? ['上诉状副本', '行政诉讼法第一百零一条适用民事诉讼法关于上诉答辩期间和期间计算的规定']
        : ['起诉状副本', '行政诉讼法第六十七条；期间计算依第一百零一条适用民事诉讼法第八十五条'];
    explanation.push(
      `${fmt(receivedDate)}收到${what}（起算日不计入），答辩状和证据应在${LITIGATION_ANSWER_DAYS}日内提交，期限${until(calendar, period)}（${basis}）。`,
    );
  }
  involved.push(answerDue);

  // ---- The decision / judgment ------------------------------------------------------------
  const startGiven = optionalDate(kind === 'reconsideration' ? input.acceptedDate : input.filedDate);
  const start = startGiven ?? receivedDate;
  const startLabel = kind === 'reconsideration' ? '受理' : procedure === 'second_instance' ? '收到上诉状' : '立案';
  if (startGiven === null) {
    explanation.push(`未记录${startLabel}日期，暂以收到副本之日（${fmt(receivedDate)}）起算审理期限。`);
  }
  involved.push(start);
  let decisionPeriod: Period;
  if (kind === 'reconsideration') {
    const base = RECONSIDERATION_DECISION_DAYS[procedure === 'simplified' ? 'simplified' : 'ordinary'];
    const extension = procedure === 'ordinary' ? extensionDays : 0;
    decisionPeriod = daysPeriod(calendar, start, base + extension);
    const extended = extension > 0 ? `，经延长${extension}日，共${base + extension}日` : '';
    explanation.push(
      `行政复议决定期限：自${fmt(start)}${startLabel}起${base}日${extended}，${until(calendar, decisionPeriod)}（行政复议法第六十二条${procedure === 'simplified' ? '第二款，简易程序' : ''}）。`,
    );
    if (procedure === 'simplified' && extensionDays > 0) explanation.push('简易程序案件不适用延长复议期限，所记录的延长未计入。');
  } else if (procedure === 'second_instance') {
    decisionPeriod = monthsPeriod(calendar, start, SECOND_INSTANCE_MONTHS);
    explanation.push(
      `第二审审理期限：自${fmt(start)}${startLabel}起${SECOND_INSTANCE_MONTHS}个月，${until(calendar, decisionPeriod, monthEndNote(start, decisionPeriod))}（行政诉讼法第八十八条；月的计算依民法典第二百零二条）。`,
    );
  } else if (simplified) {
    decisionPeriod = daysPeriod(calendar, start, SIMPLIFIED_FIRST_INSTANCE_DAYS);
    explanation.push(
      `第一审简易程序审理期限：自${fmt(start)}${startLabel}起${SIMPLIFIED_FIRST_INSTANCE_DAYS}日，${until(calendar, decisionPeriod)}（行政诉讼法第八十三条）。`,
    );
  } else {
    decisionPeriod = monthsPeriod(calendar, start, FIRST_INSTANCE_MONTHS);
    explanation.push(
      `第一审审理期限：自${fmt(start)}${startLabel}起${FIRST_INSTANCE_MONTHS}个月，${until(calendar, decisionPeriod, monthEndNote(start, decisionPeriod))}（行政诉讼法第八十一条；月的计算依民法典第二百零二条）。`,
    );
  }
  const decisionExpected = decisionPeriod.due;
  involved.push(decisionExpected);

  // ---- After the decision: suing or appealing ---------------------------------------------
  let appealDeadline: string | null = null;
  if (decision !== null) {
    if (decision.outcome === 'other') {
      explanation.push(`${fmt(decision.date)}以调解、和解、撤回或终止等方式结案，不计算起诉或上诉期限。`);
    } else if (kind === 'reconsideration') {
      const period = daysPeriod(calendar, decision.date, SUE_AFTER_RECONSIDERATION_DAYS);
      appealDeadline = period.due;
      explanation.push(
        `${fmt(decision.date)}作出行政复议决定（以该日为送达日），申请人不服的，可以在${SUE_AFTER_RECONSIDERATION_DAYS}日内提起行政诉讼，期限${until(calendar, period)}（行政诉讼法第四十五条）。`,
      );
      if (decision.outcome === 'upheld') {
        explanation.push('复议机关决定维持原行政行为的，作出原行政行为的机关和复议机关是共同被告（行政诉讼法第二十六条第二款）。');
      }
    } else if (procedure === 'second_instance') {
      explanation.push(`${fmt(decision.date)}作出第二审裁判，为终审裁判，不能再上诉（行政诉讼法第七条）。`);
    } else {
      const form: DecisionForm = decision.decisionForm ?? 'judgment';
      const n = APPEAL_DAYS[form];
      const period = daysPeriod(calendar, decision.date, n);
      appealDeadline = period.due;
      const label = form === 'judgment' ? '判决' : '裁定';
      explanation.push(
        `${fmt(decision.date)}作出第一审${label}（以该日为送达日），上诉期限${n}日，${until(calendar, period)}（行政诉讼法第八十五条）。`,
      );
    }
    if (appealDeadline !== null) involved.push(appealDeadline);
  }
  const appealWindowOpen = appealDeadline !== null && !closed && compareDates(today, appealDeadline) <= 0;

  const newReplyDue = optionalDate(decision?.newReplyDueDate);
  if (decision !== null && newReplyDue !== null) {
    explanation.push(`决定/裁判责令重新答复，重新答复期限为${fmt(newReplyDue)}。`);
  }

  // ---- Provisional data and status --------------------------------------------------------
  const first = involved.reduce((a, b) => (compareDates(a, b) <= 0 ? a : b));
  const last = involved.reduce((a, b) => (compareDates(a, b) >= 0 ? a : b));
  const provisionalYears = calendar.provisionalYears(first, last);
  if (provisionalYears.length > 0) {
    explanation.push(provisionalExplanation(provisionalYears));
  }

  const answerOpen = !answerSubmitted && !closed;
  const answerOverdue = answerOpen && compareDates(today, answerDue) > 0;
  // At most N working days in (today, answerDue], i.e. due before the (N+1)-th working day after
  // today: decided without counting the days between, however far off answerDue is.
  const answerDueSoon =
    answerOpen && !answerOverdue && compareDates(answerDue, calendar.addWorkingDays(today, ANSWER_DUE_SOON_WORKING_DAYS + 1)) < 0;

  return {
    answerDue,
    decisionExpected,
    appealDeadline,
    appealWindowOpen,
    newReplyDue,
    provisional: provisionalYears.length > 0,
    provisionalYears,
    explanation,
    answerOverdue,
    answerDueSoon,
  };
}
