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
import { recordContact } from '../server/cases/contact-service.js';
import { addDataFiles, listDataFiles } from '../server/cases/data-file-service.js';
import type { DataForm } from '../workflows/glossary.js';
import { issueDocument } from '../server/documents/document-actions.js';
import { recordDelivery } from '../server/documents/delivery-service.js';
import { conclude, convene, giveOpinion, signOff } from '../server/conferences/conference-service.js';

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
  /** Issue 14: a request for data (数据形态政府信息). */
  dataForm?: DataForm;
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

/** The demo's data file: quoted fields, one with a line break inside, as agencies' exports have them. */
export const DEMO_PERMIT_CSV =
  '许可证号,街镇,项目名称,用地性质,核发日期\r\n' +
  '建字第310115202500101号,花木街道,"东江大道改建工程（浦建路—杨高南路）",道路与交通设施用地,2025-02-14\r\n' +
  '建字第310115202500117号,川沙新镇,川沙路以东地块住宅项目,居住用地,2025-03-03\r\n' +
  '建字第310115202500136号,张江镇,"张江科学城""创新楼""二期",科研用地,2025-04-21\r\n' +
  '建字第310115202500158号,御桥街道,"御桥商住项目\n（一期）",商住混合用地,2025-06-09\r\n' +
  '建字第310115202500173号,花木街道,花木社区文化活动中心改建,公共服务设施用地,2025-08-18\r\n' +
  '建字第310115202500190号,川沙新镇,川沙公共停车场,道路与交通设施用地,2025-10-27\r\n';

const isDataFileDraft = (payload: Record<string, unknown> | undefined): boolean => {
  const d = payload?.disclosure as { items?: { dataFile?: unknown }[] } | undefined;
  return Boolean(d?.items?.some((i) => i.dataFile));
};

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
      description: '申请公开本人位于东方路1200号房屋所在地块的国有土地上房屋征收决定及征收补偿方案。',
      // Issue 14: contacts with the applicant (沟通记录), not steps of the case.
      steps: [
        ['CONTACT', 15, { time: '10:20', channel: 'phone', counterpart: '申请人本人', outcome: 'clarified',
          summary: '电话联系申请人，确认所需信息为东方路1200号所在地块的房屋征收决定及补偿方案，不包括其他地块；申请人表示同意。' }],
        ['CONTACT', 9, { channel: 'visit', counterpart: '申请人本人', outcome: 'explained',
          summary: '申请人来访询问办理进度，已说明答复期限和征收补偿方案中涉及他人个人信息部分的处理方式，申请人表示理解。' }],
      ] },
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
        ['CONTACT', 18, { channel: 'phone', counterpart: '申请人本人', outcome: 'dissatisfied',
          summary: '申请人来电，认为清单未包含审批材料；已解释所申请的为项目清单，审批材料可另行申请。申请人仍不满意，表示将提起诉讼。' }],
      ] },
    { agencyUser: 'caseworker2', applicant: person('吴建华', '19780720', '715', '13698765432', '东江区龙阳路300号'), channel: 'mail', receivedDaysAgo: 15,
      description: '申请公开龙阳路地铁站周边交通组织优化方案。',
      steps: [
        ['CONTACT', 11, { channel: 'phone', counterpart: '申请人本人', outcome: 'withdrew',
          summary: '电话告知该方案已在区政府网站公布，申请人表示已查到，不再需要，同意撤回申请并寄送书面撤回申请。' }],
        ['WITHDRAW', 9],
      ] },
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
    // Issue 14: a request for data, answered with a CSV file listed with its rows and SHA-256.
    { agencyUser: 'caseworker', applicant: institute, channel: 'online', receivedDaysAgo: 20, dataForm: 'statistics',
      description: '申请获取东江区2025年建设工程规划许可证核发情况的统计数据（按街镇、用地性质分列）。',
      steps: [
        ['CONTACT', 17, { channel: 'email', counterpart: '研究院联系人', outcome: 'narrowed',
          summary: '电子邮件沟通：本机关可提供已有的核发台账数据，不另行加工统计；申请人同意以台账数据（CSV）为准。' }],
        ['DATA_FILE', 12, { title: '2025年建设工程规划许可证核发台账', filename: '2025年建设工程规划许可证核发台账.csv', csv: DEMO_PERMIT_CSV }],
        ['DRAFT_REPLY', 12, { decision: 'disclose', disclosure: { mode: 'provided', items: [{ dataFile: '2025年建设工程规划许可证核发台账.csv' }], delivery: 'email' } }],
        ['SUBMIT_FOR_REVIEW', 11],
        ['APPROVE_REVIEW', 10, {}, 'reviewer'],
        ['ISSUE_REPLY', 9, {}, 'approver'],
        ['RECORD_DELIVERY', 8, { method: 'email' }],
      ] },
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
        { applicant: c.applicant, channel: c.channel, receivedDate: date, request: { description: c.description, documentTitle: c.documentTitle ?? null, documentNumber: null, purpose: null, delivery: 'paper', dataForm: c.dataForm ?? null } },
        [], null,
      );
      ids[caseIndex] = view.id;
      continue;
    }
    const id = ids[caseIndex]!;
    const [type, , payload, by] = c.steps[step]!;
    const actor = by ? await userOf(by) : caseworker;
    if (type === 'CONTACT') {
      await recordContact({ ...ctx, clock: { now: () => clock.now(), today: () => date } }, actor, id, { date, ...payload }, [], null);
      continue;
    }
    if (type === 'DATA_FILE') {
      await addDataFiles(ctx, actor, id, [{ originalname: String(payload!.filename), mimetype: 'text/csv', buffer: Buffer.from(String(payload!.csv), 'utf8') }], String(payload!.title), null);
      continue;
    }
    if (type === 'DRAFT_REPLY' && isDataFileDraft(payload)) {
      // A data file named by its file name in the demo: its id once uploaded.
      const files = await listDataFiles(db, id);
      const items = (payload!.disclosure as { items: { dataFile?: string }[] }).items
        .map((i) => (i.dataFile ? { dataFileId: files.find((f) => f.filename === i.dataFile)!.id } : i));
      await applyApplicationEvent(ctx, actor, id, { body: { type, date, ...payload, disclosure: { ...(payload!.disclosure as object), items } }, ip: null });
      continue;
    }
    if (type === 'ISSUE' || type === 'DELIVER') {
      const docs = await listDocuments(db, id);
      const doc = docs.filter((d) => d.kind === payload?.kind && (type === 'ISSUE' ? d.status === 'draft' : d.status === 'issued')).at(-1)!;
      if (type === 'ISSUE') await issueDocument(ctx, actor, doc.id, date, null);
      else await recordDelivery(ctx, actor, doc.id, { date, method: payload?.method as 'mail', trackingNumber: (payload?.trackingNumber as string) ?? null, signedBy: null, note: null }, null);
      continue;
    }
    await applyApplicationEvent(ctx, actor, id, { body: { type, date, ...payload }, ip: null });
  }
  await demoConferences(ctx, ids, userOf, (n) => workingDaysAgo(calendar, today, n));

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

/**
 * Issue 14: two complex applications studied jointly (会商研判). 李秀英's expropriation request: legal
 * staff, the reviewer and the construction commission gave opinions, the conclusion is signed off and
 * can be quoted in the reply. 王志强's road-widening permit: convened by the head of the office, the
 * commission's opinion still awaited (caseworker2's queue).
 */
async function demoConferences(ctx: AppContext, ids: number[], userOf: (name: string) => Promise<User>, daysAgo: (n: number) => string): Promise<void> {
  const on = (n: number): AppContext => ({ ...ctx, clock: { now: () => ctx.clock.now(), today: () => daysAgo(n) } });
  const [caseworker, reviewer, approver, legal, caseworker2] = await Promise.all(['caseworker', 'reviewer', 'approver', 'legal', 'caseworker2'].map(userOf));
  const expropriation = await convene(on(6), caseworker!, ids[1]!, {
    complexReason: '征收补偿方案涉及被征收人个人信息，且部分内容由区建设和交通委共同制作，公开范围存在争议。',
    topic: '房屋征收补偿方案及补偿名单能否公开',
    questions: ['征收决定和补偿方案是否属于应当主动公开的信息？', '补偿名单中的个人信息能否区分处理后公开？', '由区建设和交通委共同制作的部分是否需要征求其意见？'],
    participantUsers: ['legal', 'reviewer', 'approver'], participantAgencies: ['DJQ-JSJT'],
  }, null);
  await giveOpinion(on(5), legal!, expropriation.id, { opinion: '征收决定和补偿方案属于《政府信息公开条例》第二十条规定应主动公开的信息，可告知获取途径；补偿名单涉及被征收人姓名、房屋面积和补偿金额，属于个人信息，建议区分处理后部分公开。' }, null);
  await giveOpinion(on(5), caseworker2!, expropriation.id, { opinion: '补偿方案附件中的安置房源表由我委制作，同意公开；不涉及我委的其他意见。' }, null);
  await giveOpinion(on(4), reviewer!, expropriation.id, { opinion: '经审查，申请信息不涉及国家秘密；补偿名单中其他被征收人的信息应当隐去。' }, null);
  await conclude(on(3), caseworker!, expropriation.id, {
    conclusion: '经会商研判，房屋征收决定及征收补偿方案属于应当主动公开的政府信息，予以公开；补偿名单中其他被征收人的姓名、房屋面积和补偿金额属于个人信息，公开会对其合法权益造成损害，依据《中华人民共和国政府信息公开条例》第十五条、第三十七条的规定，区分处理后对申请人本人的补偿信息予以提供。',
  }, null);
  await signOff(on(2), approver!, expropriation.id, null);

  const widening = await convene(on(3), approver!, ids[2]!, {
    complexReason: '申请人同时就同一工程提起多件申请，且已表示可能申请行政复议。',
    topic: '杨高南路拓宽工程用地规划许可申请材料的公开范围',
    questions: ['建设单位提交的申请材料是否属于本机关获取的政府信息？', '其中的施工方案是否由区建设和交通委制作？'],
    participantUsers: ['legal'], participantAgencies: ['DJQ-JSJT'],
  }, null);
  await giveOpinion(on(1), legal!, widening.id, { opinion: '建设单位提交的申请材料属于本机关在履行职责过程中获取的信息，应当依法答复；涉及商业秘密的部分应当征求建设单位意见。' }, null);
}
