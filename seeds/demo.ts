// Demo data that tells a story (ui.md): a district office with two departments, users of every
// role, and a dozen applications in varied states — built through the same use cases the server
// uses, so every case has a real history and its deadlines come from the clock.
import type { Knex } from 'knex';
import type { Config } from '../server/config.js';
import { addAgency, addUser } from '../server/admin/admin-service.js';
import { makeSelfSignedKey } from '../server/documents/agency-keys.js';
import { findUserByUsername, withoutHash, type User } from '../server/admin/user-store.js';
import { applyApplicationEvent, registerApplication } from '../server/cases/application-service.js';
import { applyAppealEvent, createAppeal } from '../server/appeals/appeal-service.js';
import type { Applicant, Intake } from '../server/cases/intake.js';
import { loadCalendar } from '../server/calendar-store.js';
import type { AppContext } from '../server/context.js';
import { systemClock, type Clock } from '../server/time.js';
import { addDays } from '../workflows/dates.js';
import { creditCodeCheckChar, residentIdCheckChar } from '../workflows/identifiers.js';
import type { WorkCalendar } from '../workflows/calendar.js';
import { loadDemoPassages } from './demo-passages.js';
import { DEMO_PASSWORD } from '../server/auth/password-policy.js';
import { DomainError } from '../server/errors.js';
import { listDocuments } from '../server/documents/document-store.js';
import { issueDocument } from '../server/documents/document-actions.js';
import { recordDelivery } from '../server/documents/delivery-service.js';

export { DEMO_PASSWORD };

/**
 * Hardening 7: the demo accounts share a password printed in the README, so demo data is never
 * loaded where NODE_ENV=production — whatever asks for it (serve --demo-if-empty, demo, code).
 */
export const DEMO_REFUSED_IN_PRODUCTION =
  'demo data is refused when NODE_ENV=production: every demo account has the password published in the README. ' +
  'Start the server with `disclosure-desk serve` (without --demo-if-empty) and add accounts with `disclosure-desk user add`. ' +
  '生产环境（NODE_ENV=production）拒绝加载演示数据：演示账号的密码已在 README 中公开。' +
  '请用 disclosure-desk serve（不带 --demo-if-empty）启动，并用 disclosure-desk user add 添加账号。';

const REMEDIES = { reconsiderationBody: '东江区人民政府', court: '东江区人民法院' };
/** 缴费方式 printed in fee notices (国办函〔2020〕109号); fictional accounts. */
const payment = (bank: string, account: string) =>
  `收款单位：东江区财政局非税收入专户；开户银行：${bank}；账号：${account}。也可持本通知书到本机关政务服务窗口缴纳`;
export const DEMO_AGENCIES = [
  { code: 'DJQ', name: '东江区人民政府办公室（区政务公开办）', parent: null, docPrefix: '东府办', address: '东江区世纪大道2001号', phone: '021-50000001', ...REMEDIES },
  { code: 'DJQ-GHZY', name: '东江区规划和自然资源局', parent: 'DJQ', docPrefix: '东规资', address: '东江区丁香路1000号', phone: '021-50000002', paymentDetails: payment('东江农商银行世纪支行', '3101 0000 0000 1234 5678'), ...REMEDIES },
  { code: 'DJQ-JSJT', name: '东江区建设和交通委员会', parent: 'DJQ', docPrefix: '东建交', address: '东江区锦绣路300号', phone: '021-50000003', paymentDetails: payment('东江农商银行锦绣支行', '3101 0000 0000 8765 4321'), ...REMEDIES },
] as const;

/** Listed in the README; the password of every demo account is DEMO_PASSWORD. */
export const DEMO_USERS = [
  { username: 'admin', name: '系统管理员', role: 'admin', agency: 'DJQ' },
  { username: 'manager', name: '周明', role: 'manager', agency: 'DJQ' },
  { username: 'legal', name: '吴静', role: 'legal', agency: 'DJQ' },
  { username: 'caseworker', name: '李娜', role: 'caseworker', agency: 'DJQ-GHZY' },
  { username: 'reviewer', name: '王强', role: 'reviewer', agency: 'DJQ-GHZY' },
  { username: 'approver', name: '陈刚', role: 'approver', agency: 'DJQ-GHZY' },
  { username: 'caseworker2', name: '赵敏', role: 'caseworker', agency: 'DJQ-JSJT' },
  { username: 'reviewer2', name: '孙磊', role: 'reviewer', agency: 'DJQ-JSJT' },
  { username: 'approver2', name: '刘洋', role: 'approver', agency: 'DJQ-JSJT' },
  { username: 'caseworker3', name: '黄丽', role: 'caseworker', agency: 'DJQ' },
  { username: 'reviewer3', name: '何平', role: 'reviewer', agency: 'DJQ' },
  { username: 'approver3', name: '郑华', role: 'approver', agency: 'DJQ' },
] as const;

export async function isDatabaseEmpty(db: Knex): Promise<boolean> {
  const row = await db('agencies').count<{ n: number | string }[]>({ n: '*' }).first();
  return Number(row?.n ?? 0) === 0;
}

const person = (name: string, birth: string, serial: string, phone: string, address: string): Applicant => {
  const first17 = `310115${birth}${serial}`;
  return {
    kind: 'natural_person', name, idType: 'resident_id', idNumber: first17 + residentIdCheckChar(first17),
    phone, address, postcode: '200120', email: null,
  };
};

const organisation = (name: string, category: 'commercial' | 'research' | 'social_welfare' | 'legal_services' | 'other_org', code17: string): Applicant => ({
  kind: 'organisation', name, category, creditCode: code17 + creditCodeCheckChar(code17),
  legalRepresentative: null, contactPerson: '联系人', phone: '021-58880000', address: '东江区世纪大道100号', email: null,
});

/**
 * An event of the case, or what happens to the notice an event drafted (issue 12): `ISSUE` it, or record
 * that its addressee received it (`DELIVER`), with `{ kind, method?, trackingNumber? }`.
 */
type Step = [type: string, daysAgo: number, payload?: Record<string, unknown>, by?: string];

interface DemoCase {
  agencyUser: string; // the registering caseworker
  applicant: Applicant;
  channel: Intake['channel'];
  receivedDaysAgo: number; // working days before today
  description: string;
  documentTitle?: string;
  steps: Step[];
}

function workingDaysAgo(cal: WorkCalendar, today: string, n: number): string {
  let d = today;
  let left = n;
  while (left > 0) {
    d = addDays(d, -1);
    if (cal.isWorkingDay(d)) left--;
  }
  return d;
}

export function demoCases(): DemoCase[] {
  const zhang = person('张建国', '19650312', '201', '13812345678', '东江区浦明路88弄5号');
  const li = person('李秀英', '19720805', '342', '13901234567', '东江区东方路1200号');
  const wang = person('王志强', '19880117', '153', '13611112222', '东江区杨高南路500弄12号');
  const chen = person('陈美玲', '19930624', '468', '13788889999', '东江区张杨路300号');
  const liu = person('刘海峰', '19580930', '075', '13500001111', '东江区潍坊路15号');
  const firm = organisation('上海东江置业有限公司', 'commercial', '91310115MA1FL0A1B');
  const lawFirm = organisation('上海明正律师事务所', 'legal_services', '31310000425012345');
  const institute = organisation('东江城市规划研究院', 'research', '12310115425001234');
  return [
    { agencyUser: 'caseworker', applicant: zhang, channel: 'in_person', receivedDaysAgo: 2,
      description: '申请公开东江区川沙路以东、华夏东路以北地块控制性详细规划局部调整的批复文件及附图。', documentTitle: '关于东江区某地块控详规划局部调整的批复', steps: [] },
    { agencyUser: 'caseworker', applicant: li, channel: 'mail', receivedDaysAgo: 18,
      description: '申请公开本人位于东方路1200号房屋所在地块的国有土地上房屋征收决定及征收补偿方案。', steps: [] },
    { agencyUser: 'caseworker', applicant: wang, channel: 'online', receivedDaysAgo: 23,
      description: '申请公开东江区杨高南路拓宽工程建设用地规划许可证及其申请材料。', steps: [] },
    { agencyUser: 'caseworker', applicant: chen, channel: 'online', receivedDaysAgo: 6,
      description: '申请公开“那块地”的规划。',
      steps: [
        ['REQUEST_CORRECTION', 4, {
          grounds: ['unclear'], items: ['请明确所需信息所涉地块的具体位置或地址', '请说明所需文件的名称或大致形成时间'], periodWorkingDays: 10,
          guidance: '可参照本机关门户网站“政府信息公开目录”中的规划批复文件名称填写，或写明地块四至。',
        }],
        ['ISSUE', 4, { kind: 'correction_notice' }],
        ['DELIVER', 2, { kind: 'correction_notice', method: 'mail', trackingNumber: 'EMS1187654321' }],
      ] },
    { agencyUser: 'caseworker', applicant: firm, channel: 'mail', receivedDaysAgo: 10,
      description: '申请公开东江区御桥地区某商住项目建设工程规划许可证及总平面图。',
      steps: [
        ['START_CONSULTATION', 6, { kind: 'third_party', party: '上海御桥房地产开发有限公司', ground: 'trade_secret', parts: '该项目建设工程规划许可证附图及总平面图' }],
        // Issued, not yet received: its 15 working days are counted from the issue date until then.
        ['ISSUE', 5, { kind: 'consultation_letter' }],
      ] },
    { agencyUser: 'caseworker', applicant: institute, channel: 'online', receivedDaysAgo: 12,
      description: '申请公开2025年度东江区建设用地供应计划执行情况。',
      steps: [['DRAFT_REPLY', 1, { decision: 'disclose', reasons: '该信息属于本机关公开范围，予以公开。', disclosure: { mode: 'provided', items: [{ title: '2025年度东江区建设用地供应计划执行情况报告（电子版）', pages: 18 }], delivery: 'online' } }]] },
    { agencyUser: 'caseworker', applicant: liu, channel: 'in_person', receivedDaysAgo: 14,
      description: '申请公开东江区潍坊路旧区改造项目的房屋征收范围红线图及征收补偿资金到位证明。',
      steps: [
        ['DRAFT_REPLY', 3, {
          decision: 'partial', reasons: '资金监管账户明细系监管银行与征收实施单位之间的账户信息，属于内部事务信息，与您申请的征收范围无关。',
          provided: [{ title: '房屋征收范围红线图', pages: 1 }], withheld: [{ ground: 'withhold.internal_affairs', part: '征收补偿资金监管账户明细' }],
        }],
        ['SUBMIT_FOR_REVIEW', 2],
      ] },
    { agencyUser: 'caseworker', applicant: lawFirm, channel: 'mail', receivedDaysAgo: 16,
      description: '申请公开东江区2024年第3批次城镇建设用地征收土地方案批准文件。',
      steps: [
        ['DRAFT_REPLY', 6, { decision: 'disclose', disclosure: { mode: 'provided', items: [{ title: '征收土地方案批准文件' }], delivery: 'paper' } }],
        ['SUBMIT_FOR_REVIEW', 5],
        ['RETURN_FOR_REVISION', 4, { reason: '请补充主动公开的具体网址和发布日期' }, 'reviewer'],
        ['DRAFT_REPLY', 3, { decision: 'disclose', disclosure: { mode: 'published', url: 'https://www.dongjiang.gov.cn/zwgk/zdxx/2024/', section: '征地信息', publishedDate: '2024-06-14' } }],
        ['SUBMIT_FOR_REVIEW', 3],
        ['APPROVE_REVIEW', 2, { checklist: ['不涉及国家秘密', '不涉及个人隐私'] }, 'reviewer'],
      ] },
    { agencyUser: 'caseworker2', applicant: person('杨国华', '19700101', '531', '13322223333', '东江区锦绣路200号'), channel: 'in_person', receivedDaysAgo: 17,
      description: '申请公开锦绣路（龙阳路—花木路）道路大修工程的施工许可证及工期安排。',
      steps: [
        ['DRAFT_REPLY', 8, { decision: 'disclose', disclosure: { mode: 'provided', items: [{ title: '施工许可证复印件', pages: 2 }, { title: '工期安排表', pages: 1 }], delivery: 'pickup' } }],
        ['SUBMIT_FOR_REVIEW', 7],
        ['APPROVE_REVIEW', 6, {}, 'reviewer2'],
        ['ISSUE_REPLY', 5, {}, 'approver2'],
      ] },
    { agencyUser: 'caseworker2', applicant: person('周晓梅', '19850214', '624', '15000001234', '东江区花木路50号'), channel: 'online', receivedDaysAgo: 40,
      description: '申请公开东江区2025年老旧小区加装电梯项目清单。',
      steps: [
        ['DRAFT_REPLY', 25, { decision: 'disclose', disclosure: { mode: 'provided', items: [{ title: '2025年加装电梯项目清单', pages: 6 }], delivery: 'email' } }],
        ['SUBMIT_FOR_REVIEW', 24],
        ['APPROVE_REVIEW', 23, {}, 'reviewer2'],
        ['ISSUE_REPLY', 22, {}, 'approver2'],
        ['RECORD_DELIVERY', 20, { method: 'email' }],
      ] },
    { agencyUser: 'caseworker2', applicant: person('吴建华', '19780720', '715', '13698765432', '东江区龙阳路300号'), channel: 'mail', receivedDaysAgo: 15,
      description: '申请公开龙阳路地铁站周边交通组织优化方案。', steps: [['WITHDRAW', 9]] },
    { agencyUser: 'caseworker2', applicant: person('徐文', '19900909', '806', '13011112222', '东江区博山路8号'), channel: 'in_person', receivedDaysAgo: 5,
      description: '申请查阅东江区建设和交通委员会2025年政府信息公开工作年度报告。', steps: [['REPLY_ON_THE_SPOT', 5, { decision: 'disclose', disclosure: { mode: 'published', url: 'https://www.dongjiang.gov.cn/zwgk/ndbg/2025/jsjt.html', section: '政府信息公开年度报告' } }]] },
    { agencyUser: 'caseworker2', applicant: organisation('东江区绿色家园环保促进会', 'social_welfare', '51310115MJ4567890'), channel: 'online', receivedDaysAgo: 19,
      description: '申请公开东江区2025年建设工程渣土运输处置的全部审批记录（约五百份）。',
      steps: [
        ['REQUEST_EXTENSION', 2, { workingDays: 15, reason: '所需信息数量较大，需要逐份检索和审查' }],
        ['APPROVE_EXTENSION', 1, {}, 'approver2'],
      ] },
    { agencyUser: 'caseworker2', applicant: person('马俊', '19820315', '917', '13855556666', '东江区严桥路60号'), channel: 'mail', receivedDaysAgo: 8,
      description: '申请公开东江区全部在建工程的施工图纸。',
      steps: [
        ['ISSUE_FEE_NOTICE', 3, { basis: 'per_page', pages: 120, amount: 1100 }],
        ['ISSUE', 3, { kind: 'fee_notice' }],
        ['DELIVER', 1, { kind: 'fee_notice', method: 'mail', trackingNumber: 'EMS1190001122' }],
      ] },
    // Issue 7: a consultation through the platform's inbox, waiting in the commission's 征询件 …
    { agencyUser: 'caseworker', applicant: person('赵立新', '19760411', '352', '13977778888', '东江区东绣路99弄3号'), channel: 'online', receivedDaysAgo: 7,
      description: '申请公开东江大道（浦建路—杨高南路）改建工程的建设工程规划许可证及施工许可证。',
      steps: [['START_CONSULTATION', 4, { kind: 'agency', agencyCode: 'DJQ-JSJT', ground: 'joint', parts: '该工程施工许可证及其附件（由区建设和交通委制作）' }]] },
    // … and a request transferred whole to the agency that holds the information (转办, Art. 36(五)).
    { agencyUser: 'caseworker', applicant: person('孙丽', '19890506', '427', '13566667777', '东江区浦电路77号'), channel: 'mail', receivedDaysAgo: 5,
      description: '申请公开东江区2025年公共停车场建设项目的竣工验收备案材料。',
      steps: [['TRANSFER', 3, { agencyCode: 'DJQ-JSJT', reason: '建设工程竣工验收备案由区建设和交通委办理并保存，本机关不掌握该信息。' }, 'approver']] },
    { agencyUser: 'caseworker3', applicant: person('林涛', '19670828', '088', '13122223333', '东江区世纪大道1号'), channel: 'mail', receivedDaysAgo: 45,
      description: '申请公开2019年东江区某宗地出让时的全部内部讨论记录。',
      steps: [
        ['DRAFT_REPLY', 30, {
          decision: 'unavailable.not_held', reasons: '国有土地使用权出让由东江区规划和自然资源局组织实施，相关记录由该局制作并保存，本机关未制作或获取该信息。',
          responsibleAgency: { name: '东江区规划和自然资源局', contact: '联系地址：东江区丁香路1000号；联系电话：021-50000002' },
        }],
        ['SUBMIT_FOR_REVIEW', 29],
        ['APPROVE_REVIEW', 28, {}, 'reviewer3'],
        ['ISSUE_REPLY', 27, {}, 'approver3'],
        ['RECORD_DELIVERY', 25, { method: 'mail' }],
      ] },
  ];
}

export async function loadDemoData(db: Knex, config: Config, clock: Clock = systemClock): Promise<void> {
  if (config.production) throw new DomainError('forbidden', 'demo_in_production', DEMO_REFUSED_IN_PRODUCTION);
  for (const a of DEMO_AGENCIES) {
    const agency = await addAgency(db, { ...a, parentCode: a.parent }, null);
    // Demo agencies sign with self-signed certificates (disclosure-desk agency cert).
    await makeSelfSignedKey(db, config, agency);
  }
  for (const u of DEMO_USERS) {
    await addUser(db, { username: u.username, displayName: u.name, role: u.role, agencyCode: u.agency, password: DEMO_PASSWORD }, null, config.bcryptRounds, { seeded: true });
  }
  const ctx: AppContext = { db, config, clock };
  const users = new Map<string, User>();
  const userOf = async (name: string) => {
    if (!users.has(name)) users.set(name, withoutHash((await findUserByUsername(db, name))!));
    return users.get(name)!;
  };
  const calendar = await loadCalendar(db);
  const today = clock.today();
  // Issue 13: the demo tells its story in the order it happened. Every registration and step of every
  // case runs in date order, so case and document numbers follow the days they bear, and each case is
  // registered on the day it was received — its receipt (登记回执) dated that day, never after its reply.
  const cases = demoCases();
  const ids: number[] = [];
  const receivedDates = cases.map((c) => workingDaysAgo(calendar, today, c.receivedDaysAgo));
  const actions = cases.flatMap((c, i) => [
    { date: receivedDates[i]!, caseIndex: i, step: -1 },
    ...c.steps.map((st, k) => {
      const date = workingDaysAgo(calendar, today, st[1]);
      return { date: date < receivedDates[i]! ? receivedDates[i]! : date, caseIndex: i, step: k };
    }),
  ]).sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.caseIndex - b.caseIndex || a.step - b.step));
  for (const { date, caseIndex, step } of actions) {
    const c = cases[caseIndex]!;
    const caseworker = await userOf(c.agencyUser);
    if (step === -1) {
      const view = await registerApplication(
        { ...ctx, clock: { now: () => clock.now(), today: () => date } }, caseworker,
        { applicant: c.applicant, channel: c.channel, receivedDate: date, request: { description: c.description, documentTitle: c.documentTitle ?? null, documentNumber: null, purpose: null, delivery: 'paper' } },
        [], null,
      );
      ids[caseIndex] = view.id;
      continue;
    }
    const id = ids[caseIndex]!;
    const [type, , payload, by] = c.steps[step]!;
    const actor = by ? await userOf(by) : caseworker;
    if (type === 'ISSUE' || type === 'DELIVER') {
      const docs = await listDocuments(db, id);
      const doc = docs.filter((d) => d.kind === payload?.kind && (type === 'ISSUE' ? d.status === 'draft' : d.status === 'issued')).at(-1)!;
      if (type === 'ISSUE') await issueDocument(ctx, actor, doc.id, date, null);
      else await recordDelivery(ctx, actor, doc.id, { date, method: payload?.method as 'mail', trackingNumber: (payload?.trackingNumber as string) ?? null, signedBy: null, note: null }, null);
      continue;
    }
    await applyApplicationEvent(ctx, actor, id, { body: { type, date, ...payload }, ip: null });
  }
  // Issue 7: the district office's reply-wording library, two of the drafts above drawing on it.
  await loadDemoPassages(db, config, ctx, DEMO_PASSWORD);

  // One case under reconsideration, one in litigation (ui.md): the legal staff's side of the story.
  const legal = await userOf('legal');
  const withheld = ids[ids.length - 1]!; // 林涛's closed case at the district office
  const recon = await createAppeal(ctx, legal, withheld, {
    kind: 'reconsideration', procedure: 'simplified', body: '东江区人民政府', externalCaseNumber: `东府复〔${today.slice(0, 4)}〕17号`,
    receivedDate: workingDaysAgo(calendar, today, 12), acceptedDate: workingDaysAgo(calendar, today, 13), claims: '撤销被申请人作出的政府信息公开答复，责令其重新答复。',
  }, null);
  await applyAppealEvent(ctx, legal, recon.id, { type: 'DRAFT_ANSWER', date: workingDaysAgo(calendar, today, 10), summary: '经检索，本机关未制作或获取申请的信息，已告知负责机关。' }, { ip: null });
  await applyAppealEvent(ctx, legal, recon.id, { type: 'SUBMIT_ANSWER', date: workingDaysAgo(calendar, today, 8), evidence: [] }, { ip: null });
  const delivered = ids[9]!; // 周晓梅's delivered case at the construction and transport commission
  await createAppeal(ctx, legal, delivered, {
    kind: 'litigation', procedure: 'first_instance', simplified: true, body: '东江区人民法院', externalCaseNumber: `（${today.slice(0, 4)}）沪0115行初238号`,
    // Received 13 days ago: the 15-day answer period (行政诉讼法 Art. 67) ends within days, so it shows as an alert.
    receivedDate: addDays(today, -13), filedDate: addDays(today, -16), claims: '判令被告公开全部加装电梯项目的审批材料。',
  }, null);
}
