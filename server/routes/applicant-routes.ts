// Issue 7: an applicant's other applications (likely repeats, Art. 36(六)) and monthly volume (Art. 35).
import { z } from 'zod';
import { route, type RouteDef } from '../http/route.js';
import { idParam, noQuery } from '../http/schemas.js';
import { ref } from '../http/openapi-components.js';
import { invalid } from '../errors.js';
import { checkApplicant, relatedApplications } from '../applicants/applicant-service.js';
import { applicantCheckShape, validateApplicantCheck } from '../applicants/applicant-check.js';

const HISTORY = { description: 'history', schema: ref('ApplicantHistory') };

export const applicantRoutes: RouteDef[] = [
  route({
    method: 'get', path: '/api/applications/:id/related', permission: 'staff', params: z.strictObject({ id: idParam }), query: noQuery,
    summary: 'the same applicant\'s other applications: likely repeats (Art. 36(六)) with their replies, monthly volume across agencies and the Art. 35 warning',
    responses: { 200: HISTORY, 404: { description: 'unknown or another agency\'s', schema: ref('Error') } },
    handler: ({ ctx, user, params }) => relatedApplications(ctx, user, params.id),
  }),
  route({
    method: 'post', path: '/api/applicants/check', permission: 'staff', query: noQuery, body: applicantCheckShape,
    summary: 'before registering: the same answer as /related, as if the application were registered by the caller\'s agency (the new application counted in its month)',
    responses: { 200: HISTORY, 422: { description: 'identity or date invalid, per field', schema: ref('Error') } },
    handler: ({ ctx, user, body, ip }) => {
      const result = validateApplicantCheck(body, ctx.clock.today());
      if (!result.ok) throw invalid(result.fields);
      return checkApplicant(ctx, user, result.value, ip);
    },
  }),
];
