// The applicant check before registration (issue 7): which applicant, when, and optionally which
// request — the identity the registration will key on, judged with the registration's own messages.
import { z } from 'zod';
import type { ApplicantCheck } from './applicant-service.js';
import { intakeShape, type Applicant } from '../cases/intake.js';
import { optionalText } from '../http/schemas.js';
import { isIsoDate } from '../../workflows/dates.js';
import { ID_TYPES, isKey } from '../../workflows/glossary.js';
import { isValidCreditCode, isValidResidentId } from '../../workflows/identifiers.js';

/**
 * The edge shape: the applicant and request objects of a registration (a client may send the very
 * objects it will register; only what identifies the applicant and the request text are read), and
 * the date of receipt. Unknown keys are refused; the values are judged by validateApplicantCheck.
 */
export const applicantCheckShape = z.strictObject({
  applicant: intakeShape.shape.applicant.describe('natural_person: idType and idNumber; organisation: creditCode (the other fields of a registration are accepted and not read)'),
  receivedDate: optionalText(20).describe('YYYY-MM-DD, default today; not in the future'),
  request: intakeShape.shape.request.describe('optional: without it no similarity is scored (description, documentTitle and documentNumber are read)'),
});

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : null);

/**
 * The check runs while the registration form is being filled in: only what identifies the
 * applicant is required (the identity the registration will key on), the request text is optional.
 */
export function validateApplicantCheck(body: unknown, today: string): { ok: true; value: ApplicantCheck } | { ok: false; fields: Record<string, string> } {
  const fields: Record<string, string> = {};
  const b = isObj(body) ? body : {};
  const a = isObj(b.applicant) ? b.applicant : {};
  let applicant: Applicant | null = null;
  if (a.kind === 'natural_person') {
    let idNumber = str(a.idNumber);
    if (!isKey(ID_TYPES, a.idType)) fields['applicant.idType'] = '请选择证件类型';
    if (!idNumber) fields['applicant.idNumber'] = '请填写证件号码';
    else if (a.idType === 'resident_id') {
      idNumber = idNumber.toUpperCase();
      if (!isValidResidentId(idNumber)) fields['applicant.idNumber'] = '居民身份证号码不正确（校验位不符或出生日期无效）';
    }
    if (idNumber && isKey(ID_TYPES, a.idType) && !fields['applicant.idNumber']) {
      applicant = { kind: 'natural_person', name: str(a.name) ?? '', idType: a.idType, idNumber, phone: null, address: null, postcode: null, email: null };
    }
  } else if (a.kind === 'organisation') {
    const creditCode = str(a.creditCode)?.toUpperCase() ?? null;
    if (!creditCode) fields['applicant.creditCode'] = '请填写统一社会信用代码';
    else if (!isValidCreditCode(creditCode)) fields['applicant.creditCode'] = '统一社会信用代码不正确（应为 18 位，校验位不符）';
    else applicant = { kind: 'organisation', name: str(a.name) ?? '', category: 'other_org', creditCode, legalRepresentative: null, contactPerson: null, phone: null, address: null, email: null };
  } else {
    fields['applicant.kind'] = '请选择申请人类型（自然人或法人/其他组织）';
  }
  let receivedDate = today;
  if (b.receivedDate !== undefined && b.receivedDate !== null && b.receivedDate !== '') {
    if (!isIsoDate(b.receivedDate)) fields['receivedDate'] = '收到申请之日格式应为 YYYY-MM-DD';
    else if (b.receivedDate > today) fields['receivedDate'] = '收到申请之日不能晚于今天';
    else receivedDate = b.receivedDate;
  }
  let request: ApplicantCheck['request'] = null;
  if (b.request !== undefined && b.request !== null) {
    const r = isObj(b.request) ? b.request : {};
    if (!isObj(b.request) || (r.description !== undefined && r.description !== null && typeof r.description !== 'string')) {
      fields['request.description'] = '所需政府信息的内容描述格式不正确';
    } else {
      const description = str(r.description);
      if (description && description.length > 4000) fields['request.description'] = '所需政府信息的内容描述不能超过 4000 个字';
      const documentTitle = str(r.documentTitle);
      const documentNumber = str(r.documentNumber);
      if (description || documentTitle || documentNumber) request = { description: description ?? '', documentTitle, documentNumber };
    }
  }
  if (Object.keys(fields).length > 0 || !applicant) return { ok: false, fields };
  return { ok: true, value: { applicant, receivedDate, request } };
}
