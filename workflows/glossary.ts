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

export const isKey = <T extends object>(table: T, v: unknown): v is keyof T =>
  typeof v === 'string' && Object.prototype.hasOwnProperty.call(table, v);

/** What was requested, as quoted in documents and write-ups: applicants often begin with "申请公开…". */
export function requestSubject(description: string): string {
  return description.replace(/^(申请)?(公开|查阅|获取|提供)/, '').replace(/[。．.；;，,\s]+$/, '');
}
