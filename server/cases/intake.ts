import { z } from 'zod';
import { dateWindowProblem, isIsoDate } from '../../workflows/dates.js';
import { invalid } from '../errors.js';
import { optionalText } from '../http/schemas.js';
import {
  CHANNELS, DATA_FORMS, DELIVERY_METHODS, ID_TYPES, ORGANISATION_CATEGORIES, isKey,
  type Channel, type DataForm, type DeliveryMethod, type IdType, type OrganisationCategory,
} from '../../workflows/glossary.js';
import { isValidCreditCode, isValidPostcode, isValidResidentId, isValidMobileOrPhone } from '../../workflows/identifiers.js';

export interface NaturalPersonApplicant {
  kind: 'natural_person';
  name: string;
  idType: IdType;
  idNumber: string;
  phone: string | null;
  address: string | null;
  postcode: string | null;
  email: string | null;
}

export interface OrganisationApplicant {
  kind: 'organisation';
  name: string;
  category: OrganisationCategory;
  creditCode: string;
  legalRepresentative: string | null;
  contactPerson: string | null;
  phone: string | null;
  address: string | null;
  email: string | null;
}

export type Applicant = NaturalPersonApplicant | OrganisationApplicant;

export interface RequestDetails {
  description: string;
  documentTitle: string | null;
  documentNumber: string | null;
  purpose: string | null;
  delivery: DeliveryMethod;
  /** Issue 14: the request asks for data (数据形态政府信息), and which kind; null: it does not. */
  dataForm?: DataForm | null;
}

export interface Intake {
  applicant: Applicant;
  channel: Channel;
  receivedDate: string;
  request: RequestDetails;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Validates an application form (the standard 政府信息公开申请表). Every problem is reported against
 * its field path with a Chinese message; nothing is stored unless all fields pass.
 */
export function validateIntake(body: unknown, today: string): { ok: true; value: Intake } | { ok: false; fields: Record<string, string> } {
  const fields: Record<string, string> = {};
  const b = isObj(body) ? body : {};
  const a = isObj(b.applicant) ? b.applicant : {};
  const r = isObj(b.request) ? b.request : {};

  const text = (o: Obj, key: string, path: string, label: string, opts: { required?: boolean; max?: number } = {}) => {
    const v = o[key];
    if (v === undefined || v === null || (typeof v === 'string' && v.trim() === '')) {
      if (opts.required) fields[path] = `请填写${label}`;
      return null;
    }
    if (typeof v !== 'string') {
      fields[path] = `${label}格式不正确`;
      return null;
    }
    const s = v.trim();
    if (s.length > (opts.max ?? 200)) fields[path] = `${label}不能超过 ${opts.max ?? 200} 个字`;
    return s;
  };

  let applicant: Applicant | null = null;
  if (!isObj(b.applicant)) {
    fields['applicant'] = '请填写申请人信息';
  } else if (a.kind === 'natural_person') {
    const name = text(a, 'name', 'applicant.name', '申请人姓名', { required: true, max: 100 });
    const idType = a.idType;
    if (!isKey(ID_TYPES, idType)) fields['applicant.idType'] = '请选择证件类型';
    let idNumber = text(a, 'idNumber', 'applicant.idNumber', '证件号码', { required: true, max: 40 });
    if (idNumber && idType === 'resident_id') {
      idNumber = idNumber.toUpperCase();
      // GB 11643-1999: 18 characters, the last a check character over the first 17.
      if (!isValidResidentId(idNumber)) fields['applicant.idNumber'] = '居民身份证号码不正确（校验位不符或出生日期无效）';
    }
    const phone = text(a, 'phone', 'applicant.phone', '联系电话', { max: 30 });
    if (phone && !isValidMobileOrPhone(phone)) fields['applicant.phone'] = '联系电话格式不正确';
    const address = text(a, 'address', 'applicant.address', '通信地址', { max: 200 });
    const postcode = text(a, 'postcode', 'applicant.postcode', '邮政编码', { max: 6 });
    if (postcode && !isValidPostcode(postcode)) fields['applicant.postcode'] = '邮政编码应为 6 位数字';
    const email = text(a, 'email', 'applicant.email', '电子邮箱', { max: 100 });
    if (email && !EMAIL.test(email)) fields['applicant.email'] = '电子邮箱格式不正确';
    if (name && isKey(ID_TYPES, idType) && idNumber) {
      applicant = { kind: 'natural_person', name, idType, idNumber, phone, address, postcode, email };
    }
  } else if (a.kind === 'organisation') {
    const name = text(a, 'name', 'applicant.name', '单位名称', { required: true, max: 200 });
    const category = a.category;
    if (!isKey(ORGANISATION_CATEGORIES, category)) fields['applicant.category'] = '请选择单位类别';
    let creditCode = text(a, 'creditCode', 'applicant.creditCode', '统一社会信用代码', { required: true, max: 18 });
    if (creditCode) {
      creditCode = creditCode.toUpperCase();
      // GB 32100-2015: 18 characters, the last a check character (mod 31) over the first 17.
      if (!isValidCreditCode(creditCode)) fields['applicant.creditCode'] = '统一社会信用代码不正确（应为 18 位，校验位不符）';
    }
    const legalRepresentative = text(a, 'legalRepresentative', 'applicant.legalRepresentative', '法定代表人', { max: 100 });
    const contactPerson = text(a, 'contactPerson', 'applicant.contactPerson', '联系人', { max: 100 });
    const phone = text(a, 'phone', 'applicant.phone', '联系电话', { max: 30 });
    if (phone && !isValidMobileOrPhone(phone)) fields['applicant.phone'] = '联系电话格式不正确';
    const address = text(a, 'address', 'applicant.address', '通信地址', { max: 200 });
    const email = text(a, 'email', 'applicant.email', '电子邮箱', { max: 100 });
    if (email && !EMAIL.test(email)) fields['applicant.email'] = '电子邮箱格式不正确';
    if (name && isKey(ORGANISATION_CATEGORIES, category) && creditCode) {
      applicant = { kind: 'organisation', name, category, creditCode, legalRepresentative, contactPerson, phone, address, email };
    }
  } else {
    fields['applicant.kind'] = '请选择申请人类型（自然人或法人/其他组织）';
  }

  const channel = b.channel;
  if (!isKey(CHANNELS, channel)) fields['channel'] = '请选择申请方式（当面、邮寄、网络、传真）';

  const receivedDate = b.receivedDate;
  if (typeof receivedDate !== 'string' || !isIsoDate(receivedDate)) {
    fields['receivedDate'] = '请填写收到申请之日（格式 YYYY-MM-DD）';
  } else {
    // Not before the Regulation took effect, not after today (finding 4).
    const problem = dateWindowProblem(receivedDate, today, { label: '收到申请之日' });
    if (problem) fields['receivedDate'] = problem;
  }

  if (!isObj(b.request)) fields['request.description'] = '请填写所需政府信息的内容描述';
  const description = text(r, 'description', 'request.description', '所需政府信息的内容描述', { required: true, max: 4000 });
  const documentTitle = text(r, 'documentTitle', 'request.documentTitle', '文件名称', { max: 300 });
  const documentNumber = text(r, 'documentNumber', 'request.documentNumber', '文号', { max: 100 });
  const purpose = text(r, 'purpose', 'request.purpose', '用途', { max: 1000 });
  let delivery: DeliveryMethod = 'paper';
  if (r.delivery !== undefined && r.delivery !== null && r.delivery !== '') {
    if (isKey(DELIVERY_METHODS, r.delivery)) delivery = r.delivery;
    else fields['request.delivery'] = '获取信息的方式应为纸质、电子邮件、当面领取或网上获取';
  }

  let dataForm: DataForm | null = null;
  if (r.dataForm !== undefined && r.dataForm !== null && r.dataForm !== '') {
    if (isKey(DATA_FORMS, r.dataForm)) dataForm = r.dataForm;
    else fields['request.dataForm'] = `数据形态应为：${Object.values(DATA_FORMS).join('、')}，或不选`;
  }

  if (Object.keys(fields).length > 0 || !applicant || !description) return { ok: false, fields };
  return {
    ok: true,
    value: {
      applicant,
      channel: channel as Channel,
      receivedDate: receivedDate as string,
      request: { description, documentTitle, documentNumber, purpose, delivery, dataForm },
    },
  };
}

/**
 * The shape of an application form at the edge: known keys only (an unknown one is refused), text
 * capped and free of control characters; whether the values make an application (ID check digits,
 * dates, which fields each kind of applicant needs) is judged by validateIntake with its messages.
 * One applicant object for both kinds: the form carries the fields of both, the kind picks.
 */
const field = (max: number) => optionalText(max);
export const intakeShape = z.strictObject({
  applicant: z
    .strictObject({
      kind: field(40),
      name: field(200),
      idType: field(40),
      idNumber: field(40),
      category: field(40),
      creditCode: field(40),
      legalRepresentative: field(100),
      contactPerson: field(100),
      phone: field(30),
      address: field(200),
      postcode: field(20),
      email: field(100),
    })
    .optional(),
  channel: field(40),
  receivedDate: field(20),
  request: z
    .strictObject({
      description: field(4000),
      documentTitle: field(300),
      documentNumber: field(100),
      purpose: field(1000),
      delivery: field(40),
      dataForm: field(20),
    })
    .optional(),
});

// Segments that would reach an object's prototype instead of a field (prototype pollution).
const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Flat form fields (`applicant.name`, …) from an HTML form → the nested JSON shape. Objects are made
 * without a prototype and the segments that would reach one are refused, so no field name can write
 * onto Object.prototype; the schema then refuses any key it does not know.
 */
export function nestFormFields(form: Record<string, unknown>): Obj {
  const out: Obj = Object.create(null);
  for (const [key, value] of Object.entries(form)) {
    if (key === '_csrf') continue;
    const parts = key.split('.');
    if (parts.length > 3 || parts.some((p) => p === '' || FORBIDDEN_SEGMENTS.has(p))) {
      throw invalid({ [key.slice(0, 60)]: '不接受的字段' }, '表单中有不接受的字段');
    }
    let cur = out;
    for (const p of parts.slice(0, -1)) {
      const next = Object.hasOwn(cur, p) ? cur[p] : undefined;
      if (isObj(next)) cur = next;
      else {
        const child: Obj = Object.create(null);
        cur[p] = child;
        cur = child;
      }
    }
    cur[parts[parts.length - 1]!] = value;
  }
  return out;
}
