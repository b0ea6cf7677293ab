// A document as it prints (issue 13: "sign-off shows what is signed"), for a page to draw in HTML:
// the same title, number, addressee, paragraphs, agency and date that documentContent() hands to
// the GB/T 9704 layout of the PDF — read from the same stored text, so the page and the PDF cannot
// say different things. A draft has no number and no date yet: the page shows where they will go.
import { formatChineseDate, yearOf } from '../../workflows/dates.js';
import { DOCUMENT_FAMILIES, formatDocumentNumber } from './document-service.js';
import { parseDocumentBody, type DocumentKind } from './document-templates.js';

export interface PrintedDocument {
  title: string;
  /**
   * The number as printed. A draft's is not allocated yet: `pending`, with the agency's prefix and
   * year before the blank sequence (`东规资公复〔2026〕` … `号`).
   */
  number: { text: string; pending: false } | { before: string; after: string; pending: true };
  addressee: string | null;
  paragraphs: string[];
  agencyName: string;
  /** 2026年11月20日: the issue date, or for a draft the day it would be signed if signed today. */
  date: string;
  datePending: boolean;
  draft: boolean;
}

export function printedDocument(
  doc: { kind: string; title: string; body: string; number: string | null; issuedDate: string | null; status: string },
  agency: { name: string; docPrefix: string },
  today: string,
): PrintedDocument {
  const { addressee, paragraphs } = parseDocumentBody(doc.body);
  const draft = doc.status === 'draft';
  const date = !draft && doc.issuedDate ? doc.issuedDate : today;
  const family = DOCUMENT_FAMILIES[doc.kind as DocumentKind] ?? '';
  const number: PrintedDocument['number'] = doc.number
    ? { text: doc.number, pending: false }
    : { before: formatDocumentNumber(agency.docPrefix, family, yearOf(date), 0).replace(/0号$/u, ''), after: '号', pending: true };
  return { title: doc.title, number, addressee, paragraphs, agencyName: agency.name, date: formatChineseDate(date), datePending: draft, draft };
}
