// Issue 7: the fee calculator behind the fee-notice form (国办函〔2020〕109号).
import { z } from 'zod';
import { route, type RouteDef } from '../http/route.js';
import { noQuery } from '../http/schemas.js';
import { ref } from '../http/openapi-components.js';
import { quoteFeeFor } from '../fees/fee-service.js';
import { ID_TYPES } from '../../workflows/glossary.js';

// The keys quoteFeeFor reads. Numbers may come as numbers or strings and every value is judged by
// the use case, with the fee standard's own messages (页数须为…, 不能同时按件和按量收费, …).
const count = z.union([z.number(), z.string().max(20)]).nullable().optional();
const word = (max: number) => z.string().max(max).nullable().optional();
const quoteBody = z.strictObject({
  basis: word(40).describe('per_application | per_page'),
  pages: count.describe('per_page only'),
  nthInMonth: count.describe('per_application: explicit; wins over counting'),
  applicantId: word(100).describe('per_application: ID number or unified social credit code (any case), or the 64-hex applicant key; the applicant\'s applications received in month are counted across all agencies (none → the 1st)'),
  idType: word(40).describe(`optional with applicantId: only this identity type is tried (${[...Object.keys(ID_TYPES), 'organisation'].join(' | ')})`),
  month: word(20).describe('YYYY-MM, default this month; not later'),
  applicationId: count.describe('instead of applicantId/month: applicant and month from this application (visible to the caller), nth = its rank in that month by received date then id'),
});

export const feeRoutes: RouteDef[] = [
  // A quote reads other agencies' counts of the applicant (never their cases): case-handling staff only.
  route({
    method: 'post', path: '/api/fees/quote', permission: ['caseworker', 'reviewer', 'approver', 'manager'], query: noQuery, body: quoteBody,
    summary: 'information-processing fee of one application (国办函〔2020〕109号): 按件 the applicant\'s nth application of a calendar month (1–10 free; 11–30 100 元; then +100 元 per band of 10), or 按量 by pages (1–30 free; 31–100 10 元; 101–200 20 元; above 200 40 元, by portion). Caseworker, reviewer, approver, manager',
    responses: {
      200: { description: 'the quote', schema: ref('FeeQuote') }, 404: { description: 'applicationId unknown or another agency\'s', schema: ref('Error') },
      422: { description: 'per field: basis missing or unknown; pages/nthInMonth not positive integers; both pages and nthInMonth (不能同时按件和按量收费); bad applicantId, month', schema: ref('Error') },
    },
    handler: ({ ctx, user, body }) => quoteFeeFor(ctx, user, body),
  }),
];
