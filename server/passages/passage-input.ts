import { DECISIONS, isDecisionCode, type DecisionCode } from '../../workflows/decisions.js';

/**
 * Topics of the reply-wording library: the complex areas the work points name for 统一规范答复口径
 * (沪府办字〔2024〕5号 四（二）; 浦府办〔2024〕14号 task 24: major construction projects first).
 */
export const PASSAGE_TOPICS = {
  major_projects: '重大建设项目',
  land_expropriation: '征地补偿',
  housing: '住房保障',
  planning: '规划许可',
  process_info: '过程性信息',
  general: '通用',
} as const;

export type PassageTopic = keyof typeof PASSAGE_TOPICS;

export const isPassageTopic = (v: unknown): v is PassageTopic => typeof v === 'string' && Object.hasOwn(PASSAGE_TOPICS, v);

/** A version's status; only `approved` may be inserted into a draft. */
export const VERSION_STATUSES = {
  draft: '待审批',
  approved: '现行',
  superseded: '已被新版本替代',
  retired: '已停用',
  discarded: '已作废（未经审批即被新草稿替换）',
} as const;

export type VersionStatus = keyof typeof VERSION_STATUSES;

export const PASSAGE_STATUSES = { active: '使用中', retired: '已停用' } as const;

/** Decisions a reply can be drafted with: the two lapses arise only from the clock. */
export const DRAFTABLE_DECISIONS = DECISIONS.filter((d) => d.code !== 'other.correction_lapsed' && d.code !== 'other.fee_unpaid');

export const LIMITS = { title: 200, body: 5000, legalBasis: 1000, reason: 500, query: 100 } as const;

export interface PassageWording {
  title: string;
  body: string;
  legalBasis: string | null;
  decisions: DecisionCode[];
}

type Fields = Record<string, string>;
type Result<T> = { ok: true; value: T } | { ok: false; fields: Fields };

const text = (v: unknown) => (typeof v === 'string' ? v.replace(/\r\n/g, '\n').trim() : '');

/** A form sends one value as a string and several as an array; the API sends an array. */
function decisionList(v: unknown, fields: Fields): DecisionCode[] {
  if (v === undefined || v === null || v === '') return [];
  const list = Array.isArray(v) ? v : typeof v === 'string' ? v.split(/[,，\s]+/).filter(Boolean) : null;
  if (!list) {
    fields.decisions = '适用答复类型应为答复类型代码的列表';
    return [];
  }
  const bad = list.filter((c) => !isDecisionCode(c) || !DRAFTABLE_DECISIONS.some((d) => d.code === c));
  if (bad.length) fields.decisions = `未知或不能拟稿的答复类型：${bad.map(String).join('、')}`;
  return [...new Set(list.filter((c): c is DecisionCode => isDecisionCode(c)))];
}

/**
 * The wording of a new passage, or of a new version (`previous` given: omitted fields carry over, so
 * a new version may change only the body).
 */
export function validateWording(b: Record<string, unknown>, previous?: PassageWording): Result<PassageWording> {
  const fields: Fields = {};
  const title = b.title === undefined && previous ? previous.title : text(b.title);
  const body = text(b.body);
  const legalBasis = b.legalBasis === undefined && previous ? previous.legalBasis : text(b.legalBasis) || null;
  const decisions = b.decisions === undefined && previous ? previous.decisions : decisionList(b.decisions, fields);
  if (!title) fields.title = '请填写口径标题';
  else if (title.length > LIMITS.title) fields.title = `标题不能超过 ${LIMITS.title} 字`;
  if (!body) fields.body = '请填写口径正文';
  else if (body.length > LIMITS.body) fields.body = `正文不能超过 ${LIMITS.body} 字`;
  if (legalBasis && legalBasis.length > LIMITS.legalBasis) fields.legalBasis = `依据不能超过 ${LIMITS.legalBasis} 字`;
  if (previous && body === previous.body && title === previous.title && legalBasis === previous.legalBasis && sameSet(decisions, previous.decisions)) {
    fields.body = '新版本与上一版本完全相同';
  }
  return Object.keys(fields).length ? { ok: false, fields } : { ok: true, value: { title, body, legalBasis, decisions } };
}

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));

export function validateTopic(v: unknown): Result<PassageTopic> {
  return isPassageTopic(v) ? { ok: true, value: v } : { ok: false, fields: { topic: `请选择专题（${Object.values(PASSAGE_TOPICS).join('、')}）` } };
}

/** A reference to a passage in a DRAFT_REPLY event: an id, or {id, version} pinning the version inserted. */
export interface PassageRef {
  id: number;
  version: number | null;
}

/** `passages` of an event: an id, "id" or "id:version", {id, version?}, or a list of these. */
export function parsePassageRefs(v: unknown): Result<PassageRef[]> {
  if (v === undefined || v === null || v === '') return { ok: true, value: [] };
  const list = Array.isArray(v) ? v : typeof v === 'string' ? v.split(/[,，\s]+/).filter(Boolean) : [v];
  const refs: PassageRef[] = [];
  for (const item of list) {
    let id: unknown = item;
    let version: unknown = null;
    if (typeof item === 'string' && item.includes(':')) [id, version] = item.split(':');
    else if (typeof item === 'object' && item !== null) ({ id, version = null } = item as { id?: unknown; version?: unknown });
    const n = Number(id);
    const ver = version === null || version === undefined || version === '' ? null : Number(version);
    if (!Number.isInteger(n) || n <= 0 || (ver !== null && (!Number.isInteger(ver) || ver <= 0))) {
      return { ok: false, fields: { passages: '引用的答复口径应为口径编号，或 {id, version} 的列表' } };
    }
    if (!refs.some((r) => r.id === n)) refs.push({ id: n, version: ver });
  }
  return { ok: true, value: refs };
}
