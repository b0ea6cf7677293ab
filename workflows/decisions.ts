// Reply decisions (答复类型) — Regulation Arts. 36–39 and table 三 of the annual-report format
// (国办公开办函〔2021〕30号). Each code maps to exactly one report row, so the annual report can be
// built by grouping closed applications on their decision code.

export type DecisionGroup = 'disclose' | 'partial' | 'withhold' | 'unavailable' | 'not_processed' | 'other';

export type ReportRow =
  | '（一）'
  | '（二）'
  | '（三）1' | '（三）2' | '（三）3' | '（三）4' | '（三）5' | '（三）6' | '（三）7' | '（三）8'
  | '（四）1' | '（四）2' | '（四）3'
  | '（五）1' | '（五）2' | '（五）3' | '（五）4' | '（五）5'
  | '（六）1' | '（六）2' | '（六）3';

/** The groups of table 三 (（一）…（六）), as the report names them. */
export const DECISION_GROUP_LABELS: Record<DecisionGroup, string> = {
  disclose: '予以公开',
  partial: '部分公开',
  withhold: '不予公开',
  unavailable: '无法提供',
  not_processed: '不予处理',
  other: '其他处理',
};

export interface Decision {
  code: string;
  group: DecisionGroup;
  reportRow: ReportRow;
  label: string;
  /**
   * The reply refuses (part of) the information. Such replies need written reasons and must tell
   * the applicant that reconsideration comes first (复议前置, 行政复议法 Art. 23(四)).
   */
  withholds: boolean;
}

export const DECISIONS = [
  // Art. 36(一)(二): includes "already proactively published: here is how to get it".
  { code: 'disclose', group: 'disclose', reportRow: '（一）', label: '予以公开', withholds: false },
  // Art. 37: 区分处理 — counted only in this row, never also as a withholding.
  { code: 'partial', group: 'partial', reportRow: '（二）', label: '部分公开', withholds: true },
  // Arts. 14–16, 36(三): grounds for not disclosing.
  { code: 'withhold.state_secret', group: 'withhold', reportRow: '（三）1', label: '属于国家秘密', withholds: true },
  { code: 'withhold.law_prohibited', group: 'withhold', reportRow: '（三）2', label: '其他法律行政法规禁止公开', withholds: true },
  { code: 'withhold.security_stability', group: 'withhold', reportRow: '（三）3', label: '危及“三安全一稳定”', withholds: true },
  // Arts. 15, 32: third-party rights; the third party must have been consulted.
  { code: 'withhold.third_party', group: 'withhold', reportRow: '（三）4', label: '保护第三方合法权益', withholds: true },
  { code: 'withhold.internal_affairs', group: 'withhold', reportRow: '（三）5', label: '属于三类内部事务信息', withholds: true },
  { code: 'withhold.process_info', group: 'withhold', reportRow: '（三）6', label: '属于四类过程性信息', withholds: true },
  { code: 'withhold.enforcement_file', group: 'withhold', reportRow: '（三）7', label: '属于行政执法案卷', withholds: true },
  { code: 'withhold.inquiry', group: 'withhold', reportRow: '（三）8', label: '属于行政查询事项', withholds: true },
  // Art. 36(四)(五): includes "does not exist" and "not this agency's duty — here is the right agency".
  { code: 'unavailable.not_held', group: 'unavailable', reportRow: '（四）1', label: '本机关不掌握相关政府信息', withholds: false },
  // Art. 38: no duty to create or compile information that does not exist.
  { code: 'unavailable.needs_creation', group: 'unavailable', reportRow: '（四）2', label: '没有现成信息需要另行制作', withholds: false },
  // Art. 30: still unclear after the one-time correction.
  { code: 'unavailable.unclear', group: 'unavailable', reportRow: '（四）3', label: '补正后申请内容仍不明确', withholds: false },
  // Art. 39: petitions and complaints go their own way.
  { code: 'not_processed.petition', group: 'not_processed', reportRow: '（五）1', label: '信访举报投诉类申请', withholds: false },
  // Art. 36(六).
  { code: 'not_processed.repeat', group: 'not_processed', reportRow: '（五）2', label: '重复申请', withholds: false },
  // Art. 39 second paragraph: public publications.
  { code: 'not_processed.publication', group: 'not_processed', reportRow: '（五）3', label: '要求提供公开出版物', withholds: false },
  // Art. 35.
  { code: 'not_processed.excessive', group: 'not_processed', reportRow: '（五）4', label: '无正当理由大量反复申请', withholds: false },
  { code: 'not_processed.confirm_or_reissue', group: 'not_processed', reportRow: '（五）5', label: '要求行政机关确认或重新出具已获取信息', withholds: false },
  // Art. 30: no correction in time → deemed abandoned. Arises only from the lapse, never drafted.
  { code: 'other.correction_lapsed', group: 'other', reportRow: '（六）1', label: '逾期不补正，不再处理', withholds: false },
  // 国办函〔2020〕109号: fee not paid in time → processing stops. Arises only from the lapse.
  { code: 'other.fee_unpaid', group: 'other', reportRow: '（六）2', label: '逾期未缴费，不再处理', withholds: false },
  { code: 'other.other', group: 'other', reportRow: '（六）3', label: '其他', withholds: false },
] as const satisfies readonly Decision[];

export type DecisionCode = (typeof DECISIONS)[number]['code'];

export const DECISION_CODES: readonly DecisionCode[] = DECISIONS.map((d) => d.code);

const BY_CODE: ReadonlyMap<string, Decision> = new Map(DECISIONS.map((d) => [d.code, d]));

export function isDecisionCode(value: unknown): value is DecisionCode {
  return typeof value === 'string' && BY_CODE.has(value);
}

export function decisionOf(code: DecisionCode): Decision {
  const decision = BY_CODE.get(code);
  if (!decision) throw new Error(`unknown decision code: ${code}`);
  return decision;
}

export function decisionLabel(code: DecisionCode): string {
  return decisionOf(code).label;
}

/** Decisions that only arise when a period lapses (Art. 30 correction, fee notice), never drafted. */
export const LAPSE_DECISIONS: readonly DecisionCode[] = ['other.correction_lapsed', 'other.fee_unpaid'];

/** Decisions a caseworker may choose for a reply (drafted or given on the spot). */
export function isDraftableDecision(code: DecisionCode): boolean {
  return !LAPSE_DECISIONS.includes(code);
}
