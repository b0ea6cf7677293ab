// One name per concept (domain.md §1): codes used in code, database, API and UI, with their Chinese labels.

export const CHANNELS = { in_person: '当面', mail: '邮寄', online: '网络', fax: '传真' } as const;
export type Channel = keyof typeof CHANNELS;

export const APPLICANT_KINDS = { natural_person: '自然人', organisation: '法人或其他组织' } as const;
export type ApplicantKind = keyof typeof APPLICANT_KINDS;

/** Organisation categories: the columns of annual-report table 三 (domain.md §6). */
export const ORGANISATION_CATEGORIES = {
  commercial: '商业企业',
  research: '科研机构',
  social_welfare: '社会公益组织',
  legal_services: '法律服务机构',
  other_org: '其他',
} as const;
export type OrganisationCategory = keyof typeof ORGANISATION_CATEGORIES;

export const ID_TYPES = {
  resident_id: '居民身份证',
  passport: '护照',
  hk_macao_permit: '港澳居民来往内地通行证',
  taiwan_permit: '台湾居民来往大陆通行证',
  foreign_permanent_resident: '外国人永久居留身份证',
  other: '其他',
} as const;
export type IdType = keyof typeof ID_TYPES;

export const DELIVERY_METHODS = { paper: '纸质', email: '电子邮件', pickup: '当面领取', online: '网上获取' } as const;
export type DeliveryMethod = keyof typeof DELIVERY_METHODS;

/**
 * 送达方式: how an issued document reached its addressee (domain.md §2.8), recorded with the day it was
 * received. Not to be confused with DELIVERY_METHODS, the form in which the applicant asked to get the
 * information (获取方式). `platform`: a letter into another agency's inbox on this platform, delivered
 * when issued.
 */
export const DOCUMENT_DELIVERY_METHODS = {
  mail: '邮寄送达',
  in_person: '直接送达',
  email: '电子邮件送达',
  online: '网上送达',
  platform: '平台送达',
} as const;
export type DocumentDeliveryMethod = keyof typeof DOCUMENT_DELIVERY_METHODS;

/**
 * Issue 16: what an agency counts as the delivery (送达) of a document to an applicant who applied
 * online: the applicant's first download from the tracking page, or the sending of the mail that
 * carries the signed document.
 */
export const ONLINE_DELIVERY_ON = { download: '申请人下载', email: '电子邮件发出' } as const;
export type OnlineDeliveryOn = keyof typeof ONLINE_DELIVERY_ON;

/** A method as recorded before it was a code (RECORD_DELIVERY took free text): its code when it names one. */
export function deliveryMethodCode(v: string): string {
  const t = v.trim();
  if (isKey(DOCUMENT_DELIVERY_METHODS, t)) return t;
  const short: Record<string, DocumentDeliveryMethod> = { 邮寄: 'mail', 直接送达: 'in_person', 当面: 'in_person', 当面送达: 'in_person', 电子邮件: 'email', 网上: 'online', 网上送达: 'online', 平台: 'platform' };
  const byLabel = (Object.entries(DOCUMENT_DELIVERY_METHODS) as [DocumentDeliveryMethod, string][]).find(([, label]) => label === t)?.[0];
  return byLabel ?? (Object.hasOwn(short, t) ? short[t]! : t);
}

/** The Chinese name of a delivery method (a free-text one as written). */
export const deliveryMethodLabel = (v: string): string => (isKey(DOCUMENT_DELIVERY_METHODS, v) ? DOCUMENT_DELIVERY_METHODS[v] : v);

export const isKey = <T extends object>(table: T, v: unknown): v is keyof T =>
  typeof v === 'string' && Object.prototype.hasOwnProperty.call(table, v);

const WRAPPING_QUOTES: readonly (readonly [string, string])[] = [['“', '”'], ['"', '"'], ['＂', '＂'], ['‘', '’'], ['「', '」'], ['『', '』']];

/**
 * Text the applicant put in quotation marks as a whole (“东江大道施工许可证”) loses them: a document
 * quotes it once, with its own marks, never “‘…’” (issue 12). Marks inside the text stay.
 */
export function unwrapQuotes(text: string): string {
  let s = text.trim();
  for (let changed = true; changed; ) {
    changed = false;
    for (const [open, close] of WRAPPING_QUOTES) {
      const inner = s.slice(open.length, s.length - close.length);
      if (s.length > open.length + close.length && s.startsWith(open) && s.endsWith(close) && !inner.includes(open) && !inner.includes(close)) {
        s = inner.trim();
        changed = true;
      }
    }
  }
  return s;
}

const TRAILING = /[。．.；;，,\s]+$/;

/** What was requested, as quoted in documents and write-ups: applicants often begin with "申请公开…". */
export function requestSubject(description: string): string {
  const whole = unwrapQuotes(description.replace(TRAILING, ''));
  return unwrapQuotes(whole.replace(/^(申请)?(公开|查阅|获取|提供)/, '').replace(TRAILING, '')).replace(TRAILING, '');
}

// ---------------------------------------------------------------------------------------------
// Issuing documents (issue 13). 签发 is one thing only: the head of the disclosure office signing a
// reply (答复书, the transfer notice included). Every other document — the receipt, the notices, the
// letters, the proof of delivery — is 发出 by the caseworker: numbered, sealed, signed and sent. Both
// are irreversible; a mistake is corrected by a new document (更正文书). (The same words, names and
// signatures as the glossary module of the words branch, workflows/terms.ts: one of the two re-exports
// the other once both are merged.)

/** The verb for issuing a document of `kind` (a DocumentKind): 签发 for a reply, 发出 for the rest. */
export const issueVerb = (kind: string): '签发' | '发出' => (kind === 'reply' ? '签发' : '发出');

/** A document's status as people read it; `issued` depends on the kind (已签发 / 已发出). */
export const DOCUMENT_STATUSES = { draft: '草稿', issued: '已发出', superseded: '已被更正', discarded: '已作废' } as const;
export const documentStatusLabel = (kind: string, status: string): string =>
  status === 'issued' ? `已${issueVerb(kind)}` : isKey(DOCUMENT_STATUSES, status) ? DOCUMENT_STATUSES[status] : status;

// ---------------------------------------------------------------------------------------------
// Issue 14: contacts with the applicant (沟通记录) and data-form requests (数据形态政府信息).

/** 沟通方式: how the agency reached the applicant (or the applicant the agency). */
export const CONTACT_CHANNELS = { phone: '电话', visit: '当面', email: '电子邮件', sms: '短信', letter: '信函' } as const;
export type ContactChannel = keyof typeof CONTACT_CHANNELS;

/**
 * 沟通结果. `withdrew` records what the applicant said; it does not withdraw the application: that
 * takes the applicant's written withdrawal and the WITHDRAW step (申请人撤回) on the case.
 */
export const CONTACT_OUTCOMES = {
  clarified: '已澄清诉求',
  narrowed: '缩小申请范围',
  explained: '已解释说明',
  withdrew: '申请人撤回',
  dissatisfied: '申请人不满意',
  other: '其他',
} as const;
export type ContactOutcome = keyof typeof CONTACT_OUTCOMES;

/** 数据形态: what kind of data a request asks for (null: an ordinary request for documents). */
export const DATA_FORMS = { dataset: '数据集', statistics: '统计数据', extract: '数据库信息提取', other: '其他数据形态' } as const;
export type DataForm = keyof typeof DATA_FORMS;

/** Formats of the data files a reply can provide. */
export const DATA_FILE_FORMATS = { csv: 'CSV', xlsx: 'Excel（XLSX）' } as const;
export type DataFileFormat = keyof typeof DATA_FILE_FORMATS;
