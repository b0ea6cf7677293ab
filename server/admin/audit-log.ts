// The audit log as people read it (issue 13): each entry a sentence in Chinese — who did what to
// which case, document, user or agency, when (Beijing time) and from which address — with the
// recorded JSON a click away. The entries themselves stay as written (append-only, hash-chained).
import type { Db } from '../../db/knex.js';
import { listAudit, type AuditRow } from '../audit.js';
import { APPLICATION_EVENT_TYPES, APPLICATION_STATES, EVENT_LABELS, OPINIONS } from '../../workflows/application.machine.js';
import { APPEAL_EVENT_TYPES, APPEAL_KINDS, appealEventLabel, appealStateLabel } from '../../workflows/appeal.machine.js';
import { DOCUMENT_KINDS, issueVerb } from '../../workflows/terms.js';
import { ROLE_LABELS } from '../../workflows/roles.js';
import { CONTACT_CHANNELS, CONTACT_OUTCOMES, DATA_FORMS, deliveryMethodLabel } from '../../workflows/glossary.js';
import { formatChineseDate, isIsoDate } from '../../workflows/dates.js';
import { NOTICE_DELIVERED, NOTICE_ISSUED } from '../../workflows/notice-periods.js';

/** The actions the log records, by what they are: the filter's choices, grouped. */
export const AUDIT_ACTION_GROUPS: { label: string; actions: Record<string, string> }[] = [
  {
    label: '登录与账号',
    actions: {
      'auth.login': '登录', 'auth.logout': '退出登录', 'auth.login_failed': '登录失败', 'auth.locked': '账号因连续失败被锁定',
      'auth.login_locked': '锁定期间尝试登录', 'auth.published_password': '以公开的演示密码尝试登录',
      'account.password_change': '修改本人密码', 'account.password_change_failed': '修改密码失败',
    },
  },
  {
    label: '用户与机关',
    actions: {
      'user.add': '添加用户', 'user.enable': '启用用户', 'user.disable': '停用用户', 'user.reset_password': '重置密码',
      'agency.add': '添加机关', 'agency.edit': '修改机关设置', 'agency.cert': '生成签名证书', 'agency.seal': '更换印章',
      'calendar.set': '录入工作日历调整', 'calendar.unset': '删除工作日历调整',
    },
  },
  {
    label: '申请办理',
    actions: {
      'application.register': '登记申请', 'application.transfer_in': '接收转办的申请', 'application.attach': '上传申请附件', 'applicant.check': '查询申请人的其他申请',
      'application.contact': '记录与申请人沟通', 'application.data_files': '上传数据文件', 'application.data_form': '标注数据形态申请',
      ...Object.fromEntries(APPLICATION_EVENT_TYPES.map((t) => [`application.event.${t}`, EVENT_LABELS[t]])),
      [`application.event.${NOTICE_ISSUED}`]: '记录通知发出', [`application.event.${NOTICE_DELIVERED}`]: '记录通知送达',
    },
  },
  {
    label: '文书',
    actions: { 'document.issue': '发出（签发）文书', 'document.edit': '修改文书草稿', 'document.supersede': '制作更正文书', 'document.deliver': '记录文书送达' },
  },
  { label: '征询件', actions: { 'consultation.answer': '答复征询件' } },
  {
    label: '会商研判',
    actions: {
      'application.mark_complex': '标记复杂疑难申请', 'conference.convene': '组织会商', 'conference.opinion': '提出会商意见',
      'conference.conclude': '记录研判意见', 'conference.signoff': '签批研判意见',
    },
  },
  {
    label: '复议诉讼',
    actions: {
      'appeal.register': '登记复议诉讼案件', 'appeal.note': '保存案例',
      ...Object.fromEntries(APPEAL_EVENT_TYPES.map((t) => [`appeal.event.${t}`, appealEventLabel('', t)])),
    },
  },
  {
    label: '答复口径',
    actions: { 'passage.create': '编写答复口径', 'passage.version': '编写新版本', 'passage.approve': '审批答复口径', 'passage.retire': '停用答复口径', 'passage.use': '引用答复口径' },
  },
  { label: '报表', actions: { 'report.lock': '锁定年度报表', 'report.unlock': '解除年度报表锁定', 'report.export': '导出办理台账' } },
];

export const AUDIT_ACTION_LABELS: Record<string, string> = Object.assign({}, ...AUDIT_ACTION_GROUPS.map((g) => g.actions));

export interface AuditEntryView extends AuditRow {
  /** Who, in words: 李娜（caseworker） or 未登录者. */
  who: string;
  /** What was done, as a sentence without its subject. */
  sentence: string;
  actionLabel: string;
}

/** Names the log's ids point at, looked up once per page. */
interface Names {
  users: Map<string, { name: string; role: string }>;
  userById: Map<string, string>;
  agencies: Map<string, string>;
  agencyByCode: Map<string, string>;
  applications: Map<string, string>;
  documents: Map<string, { kind: string; number: string | null; title: string }>;
  appeals: Map<string, { kind: string; number: string }>;
  passages: Map<string, string>;
}

const s = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');
const q = (v: string) => (v ? `“${v}”` : '');
const day = (v: unknown) => (typeof v === 'string' && isIsoDate(v) ? formatChineseDate(v) : s(v));

async function lookUp(db: Db, rows: AuditRow[]): Promise<Names> {
  const ids = (entity: string) => [...new Set(rows.filter((r) => r.entity === entity && r.entityId).map((r) => r.entityId!))];
  const detailIds = (key: string) => [...new Set(rows.map((r) => r.detail?.[key]).filter((v) => typeof v === 'number' || typeof v === 'string').map(String))];
  const usernames = [...new Set(rows.map((r) => r.username).filter((u): u is string => Boolean(u)))];
  const users = new Map<string, { name: string; role: string }>();
  if (usernames.length) {
    for (const u of await db('users').whereIn('username', usernames).select('username', 'display_name', 'role')) {
      users.set(u.username, { name: u.display_name || u.username, role: u.role });
    }
  }
  const pick = async (table: string, idList: string[], cols: string[]) => (idList.length ? db(table).whereIn('id', idList.map(Number)).select('id', ...cols) : []);
  const userById = new Map((await pick('users', ids('user'), ['username', 'display_name'])).map((u) => [String(u.id), u.display_name ? `${u.display_name}（${u.username}）` : u.username]));
  const allAgencies: { id: number; code: string; name: string }[] = await db('agencies').select('id', 'code', 'name');
  const agencies = new Map(allAgencies.map((a) => [String(a.id), a.name]));
  const agencyByCode = new Map(allAgencies.map((a) => [a.code, a.name]));
  const appIds = [...new Set([...ids('application'), ...detailIds('applicationId')])];
  const applications = new Map((await pick('applications', appIds, ['case_number'])).map((a) => [String(a.id), a.case_number as string]));
  const documents = new Map((await pick('documents', ids('document'), ['kind', 'number', 'title'])).map((d) => [String(d.id), { kind: d.kind, number: d.number, title: d.title }]));
  const appeals = new Map((await pick('appeals', ids('appeal'), ['kind', 'external_case_number'])).map((a) => [String(a.id), { kind: a.kind, number: a.external_case_number }]));
  const passages = new Map((await pick('reply_passages', ids('reply_passage'), ['title'])).map((p) => [String(p.id), p.title as string]));
  return { users, userById, agencies, agencyByCode, applications, documents, appeals, passages };
}

function whoOf(r: AuditRow, n: Names): string {
  // No one logged in: someone trying to, or the desk itself (demo data, the deemed-consent sweep).
  if (!r.username) return r.action.startsWith('auth.') ? '未登录者' : '系统';
  const u = n.users.get(r.username);
  if (!u) return r.username;
  return `${u.name}（${(ROLE_LABELS as Record<string, string>)[u.role] ?? '系统'}）`;
}

/** The sentence of one entry (its subject is the `who` column). */
export function sentenceOf(r: AuditRow, n: Names): string {
  const d = r.detail ?? {};
  const id = r.entityId ?? '';
  const caseNo = s(d.caseNumber) || n.applications.get(r.entity === 'application' ? id : s(d.applicationId)) || '';
  const onCase = caseNo ? `申请 ${caseNo}` : '申请';
  const doc = n.documents.get(id);
  const docName = (kind: string) => `${(DOCUMENT_KINDS as Record<string, string>)[kind] ?? doc?.title ?? '文书'}${s(d.number) || doc?.number ? ' ' + (s(d.number) || doc?.number) : ''}`;
  const appeal = n.appeals.get(id);
  const appealName = appeal ? `${(APPEAL_KINDS as Record<string, string>)[appeal.kind] ?? ''}案件 ${appeal.number}` : '复议诉讼案件';
  const passage = q(n.passages.get(id) ?? s(d.title));
  const agency = (r.entity === 'agency' ? n.agencies.get(id) : undefined) ?? n.agencyByCode.get(s(d.code)) ?? s(d.name);
  const target = n.userById.get(id) ?? s(d.username);
  const stateChange = (label: (x: string) => string) =>
    d.from && d.to && d.from !== d.to ? `，状态由“${label(s(d.from))}”变为“${label(s(d.to))}”` : '';
  const a = r.action;
  if (a.startsWith('application.event.')) {
    const type = a.slice('application.event.'.length);
    const when = d.date ? `（${day(d.date)}）` : '';
    if (type === NOTICE_ISSUED) return `在${onCase}的办理记录中记入通知已发出${when}`;
    if (type === NOTICE_DELIVERED) return `在${onCase}的办理记录中记入通知已送达${when}`;
    const label = (EVENT_LABELS as Record<string, string>)[type] ?? AUDIT_ACTION_LABELS[a] ?? '办理';
    return `在${onCase}中办理“${label}”${when}${stateChange((x) => (APPLICATION_STATES as Record<string, string>)[x] ?? x)}`;
  }
  if (a.startsWith('appeal.event.')) {
    const type = a.slice('appeal.event.'.length);
    const kind = appeal?.kind ?? '';
    return `在${appealName}中办理“${appealEventLabel(kind, type)}”${d.date ? `（${day(d.date)}）` : ''}${stateChange((x) => appealStateLabel(kind, x))}`;
  }
  switch (a) {
    case 'auth.login': return '登录';
    case 'auth.logout': return d.kind === 'token' ? '注销 API 令牌' : '退出登录';
    case 'auth.login_failed': return r.username ? '登录失败（密码错误）' : `以用户名${q(s(d.username))}登录失败`;
    case 'auth.locked': return '连续输入错误密码，账号被暂时锁定';
    case 'auth.login_locked': return '在账号锁定期间尝试登录，被拒绝';
    case 'auth.published_password': return `以已公开的演示密码尝试登录${q(s(d.username))}，被拒绝`;
    case 'account.password_change': return d.wasRequired ? '按要求修改了本人密码' : '修改了本人密码';
    case 'account.password_change_failed': return '修改密码时输入的当前密码不正确';
    case 'user.add': return `添加用户 ${s(d.username)}（${(ROLE_LABELS as Record<string, string>)[s(d.role)] ?? '—'}）`;
    case 'user.enable': return `启用用户 ${target}`;
    case 'user.disable': return `停用用户 ${target}`;
    case 'user.reset_password': return `重置用户 ${target} 的密码（本人下次登录时须修改）`;
    case 'agency.add': return `添加机关 ${agency}`;
    case 'agency.edit': return `修改 ${agency} 的机关设置`;
    case 'agency.cert': return `为 ${agency} 生成自签名证书`;
    case 'agency.seal': return d.sealPngSha256 ? `为 ${agency} 上传印章图片` : `为 ${agency} 改用系统绘制的印章`;
    case 'calendar.set': return `将 ${day(id)} 设为${d.kind === 'workday' ? '工作日（调休上班）' : '休息日'}${d.note ? `（${s(d.note)}）` : ''}`;
    case 'calendar.unset': return `删除 ${day(id)} 的工作日历调整`;
    case 'application.register': return `登记${onCase}${Number(d.attachments) ? `，附件 ${s(d.attachments)} 个` : ''}`;
    case 'application.transfer_in': return `接收转办的申请，登记为 ${caseNo}${d.from ? `（原申请 ${s(d.from)}）` : ''}`;
    case 'application.attach': return `为${onCase}上传附件 ${s(d.files)} 个`;
    case 'application.contact': return `记录与申请人沟通（${onCase}，${(CONTACT_CHANNELS as Record<string, string>)[s(d.channel)] ?? '—'}，${(CONTACT_OUTCOMES as Record<string, string>)[s(d.outcome)] ?? '—'}${Number(d.files) ? `，文件 ${s(d.files)} 个` : ''}）`;
    case 'application.data_files': return `为${onCase}上传数据文件 ${Array.isArray(d.files) ? d.files.length : 0} 个`;
    case 'application.data_form': return d.to ? `将${onCase}标注为数据形态申请（${(DATA_FORMS as Record<string, string>)[s(d.to)] ?? '—'}）` : `取消${onCase}的数据形态申请标注`;
    case 'applicant.check': return `查询申请人的其他申请（找到 ${s(d.found)} 件）`;
    case 'document.issue': return `${issueVerb(s(d.kind))}${docName(s(d.kind))}（${onCase}）`;
    case 'document.edit': return `修改${(DOCUMENT_KINDS as Record<string, string>)[s(d.kind)] ?? '文书'}草稿的正文（${onCase}）`;
    case 'document.supersede': return `为${docName(doc?.kind ?? '')}制作更正文书${d.reason ? `，理由：${s(d.reason)}` : ''}`;
    case 'document.deliver': return `记录${docName(s(d.kind))}于${day(d.date)}送达（${deliveryMethodLabel(s(d.method))}${d.trackingNumber ? `，邮件单号 ${s(d.trackingNumber)}` : ''}）`;
    case 'consultation.answer': return `答复征询件（${onCase}）：${(OPINIONS as Record<string, string>)[s(d.opinion)] ?? '—'}${Number(d.files) ? `，附件 ${s(d.files)} 个` : ''}`;
    case 'application.mark_complex': return `将${onCase}标记为复杂疑难申请`;
    case 'conference.convene': return `就${onCase}组织会商（邀请 ${s(d.participants)} 个参加方）`;
    case 'conference.opinion': return `在${onCase}的会商中提出${d.for && d.for !== 'self' ? `${n.agencyByCode.get(s(d.for)) ?? '本机关'}的` : ''}意见`;
    case 'conference.conclude': return `${d.revised ? '修改' : '记录'}${onCase}会商的研判意见`;
    case 'conference.signoff': return `签批${onCase}会商的研判意见`;
    case 'appeal.register': return `登记${(APPEAL_KINDS as Record<string, string>)[s(d.kind)] ?? '复议诉讼'}案件 ${s(d.externalCaseNumber)}（${onCase}）`;
    case 'appeal.note': return `保存${appealName}的案例`;
    case 'passage.create': return `编写答复口径${passage}，第 1 版待审批`;
    case 'passage.version': return `为答复口径${passage}编写第 ${s(d.version)} 版，待审批`;
    case 'passage.approve': return `审批答复口径${passage}第 ${s(d.version)} 版${d.supersedes ? `，替代第 ${s(d.supersedes)} 版` : ''}`;
    case 'passage.retire': return `停用答复口径${passage}${d.reason ? `，原因：${s(d.reason)}` : ''}`;
    case 'passage.use': return `在${onCase}的答复中引用答复口径 ${Array.isArray(d.passages) ? d.passages.length : 1} 条`;
    case 'report.lock': return `锁定 ${agency || '本机关'} ${s(d.year)} 年度报表`;
    case 'report.unlock': return `解除 ${agency || '本机关'} ${s(d.year)} 年度报表的锁定`;
    case 'report.export': return `导出 ${n.agencyByCode.get(s(d.agency)) ?? ''}${d.below ? '（含下级机关）' : ''}${s(d.year)} 年度办理台账（${d.format === 'xlsx' ? 'Excel' : 'CSV'}）`;
    default: return AUDIT_ACTION_LABELS[a] ?? '其他操作（详见记录内容）';
  }
}

export async function auditEntries(
  db: Db,
  opts: { page: number; pageSize: number; action?: string; username?: string },
): Promise<{ total: number; rows: AuditEntryView[] }> {
  const result = await listAudit(db, opts);
  const names = await lookUp(db, result.rows);
  return {
    total: result.total,
    rows: result.rows.map((r) => ({ ...r, who: whoOf(r, names), sentence: sentenceOf(r, names), actionLabel: AUDIT_ACTION_LABELS[r.action] ?? '其他操作' })),
  };
}

/** The people who appear in the log, for the filter: name and username. */
export async function auditUsers(db: Db): Promise<{ username: string; name: string }[]> {
  const rows = await db('users').orderBy('id').select('username', 'display_name');
  return rows.map((u: { username: string; display_name: string | null }) => ({ username: u.username, name: u.display_name || u.username }));
}
