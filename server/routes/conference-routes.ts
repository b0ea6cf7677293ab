// Case conferences (会商研判, issue 14): the JSON API and the forms of the case page and of the
// conference page (the page invited agencies reach from their queue: they do not see the case).
import { z } from 'zod';
import type { Response } from 'express';
import { refusalText, route, type RefusedCall, type RouteDef } from '../http/route.js';
import { idParam, list, noBody, noQuery, optionalText } from '../http/schemas.js';
import { ref } from '../http/openapi-components.js';
import { statusOf } from '../http/error-mapping.js';
import type { AppContext } from '../context.js';
import type { User } from '../admin/user-store.js';
import type { DomainError } from '../errors.js';
import { mayReadCases } from '../policy.js';
import { conclude, convene, getConference, giveOpinion, markComplex, signOff } from '../conferences/conference-service.js';
import { renderApplicationPage } from './case-page.js';

const byId = z.strictObject({ id: idParam });

// The keys each use case reads; required values and their messages are the use case's own (422).
const conveneBody = z.strictObject({
  topic: optionalText(400).describe('会商议题 (required, at most 200 characters)'),
  questions: z.union([z.array(z.string().max(1000)).max(40), z.string().max(20_000)]).optional()
    .describe('需要研判的问题: a list, or on a form one per line (required, at most 20)'),
  participantUsers: list(z.string().max(64), 40).optional().describe('usernames of the people invited: legal staff, the reviewer, the approver (who see the case)'),
  participantAgencies: list(z.string().max(64), 40).optional().describe('codes of other agencies of the system, answered through their inbox by their caseworkers'),
  complexReason: optionalText(2000).describe('复杂疑难的原因: required when the case is not yet marked complex (it is marked with the conference)'),
});
const complexBody = z.strictObject({ reason: optionalText(2000).describe('复杂疑难的原因 (required)') });
const opinionBody = z.strictObject({ opinion: optionalText(8000).describe('the written opinion (required)') });
const conclusionBody = z.strictObject({ conclusion: optionalText(16_000).describe('研判意见 (required); may be revised until signed off') });

const CONFERENCE = { description: 'the conference, with what the caller may do now', schema: ref('Conference') };
const ERRORS = {
  403: { description: 'not this person (not invited, not the approver…)', schema: ref('Error') },
  404: { description: 'no such conference, or not one the caller may see', schema: ref('Error') },
  409: { description: 'not now (signed off and immutable, already answered, case closed…)', schema: ref('Error') },
  422: { description: 'a field is missing or wrong (Chinese message per field); nothing written', schema: ref('Error') },
};

/** The conference page, with a refused form's message and what was typed. */
async function conferencePage(ctx: AppContext, res: Response, user: User, id: number, status = 200, error: string | null = null, form: Record<string, unknown> = {}, fields: Record<string, string> = {}) {
  const c = await getConference(ctx, user, id);
  res.status(status).render('conference', { title: `会商研判 · ${c.caseNumber}`, c, error, form, fields });
}

const readerOf = (c: RefusedCall, e: DomainError): User => {
  if (!c.user || !mayReadCases(c.user)) throw e;
  return c.user;
};

/** After a form: back to the case page's panel when the person sees the case, else the conference page. */
const backTo = (c: { caseReadable: boolean; applicationId: number; id: number }) => (c.caseReadable ? `/applications/${c.applicationId}#conference-${c.id}` : `/conferences/${c.id}`);

const refusedOnConference = (what: string) => (c: RefusedCall, e: DomainError) =>
  conferencePage(c.ctx, c.res, readerOf(c, e), Number(c.params.id), statusOf(e), e.fields ? `${what}未提交，请检查标出的内容` : refusalText(e), c.form, e.fields ?? {});

export const conferenceRoutes: RouteDef[] = [
  // --- JSON API ---------------------------------------------------------------------------
  route({
    method: 'post', path: '/api/applications/:id/complex', permission: 'staff', params: byId, query: noQuery, body: complexBody, status: 201,
    summary: 'mark the application complex (复杂疑难) with the reason: its agency\'s caseworker or approver, while it is open',
    responses: { 201: { description: '{reason, markedBy, markedDate}' }, ...ERRORS },
    handler: ({ ctx, user, params, body, ip }) => markComplex(ctx, user, params.id, body, ip),
  }),
  route({
    method: 'post', path: '/api/applications/:id/conferences', permission: 'staff', params: byId, query: noQuery, body: conveneBody, status: 201,
    summary: 'convene a conference (会商研判) on an open application: {topic, questions[], participantUsers[], participantAgencies[], complexReason?} → 201 the conference',
    description: 'The agency\'s caseworker or approver. People are invited by username (legal staff, reviewer, approver who see the case); other agencies by code, answered through their inbox (GET /api/queue) by their caseworkers. ' +
      'An application not yet marked complex is marked in the same transaction (complexReason required). A closed application: 409. The conference does not stop the reply clock.',
    responses: { 201: CONFERENCE, ...ERRORS },
    handler: ({ ctx, user, params, body, ip }) => convene(ctx, user, params.id, body, ip),
  }),
  route({
    method: 'get', path: '/api/conferences/:id', permission: 'staff', params: byId, query: noQuery,
    summary: 'one conference: topic, questions, participants and their opinions, the conclusion and its sign-off, the caller\'s actions',
    description: 'Readable by whoever sees the case, and by the people and agencies invited (who see the conference, not the case).',
    responses: { 200: CONFERENCE, 404: ERRORS[404] },
    handler: ({ ctx, user, params }) => getConference(ctx, user, params.id),
  }),
  route({
    method: 'post', path: '/api/conferences/:id/opinions', permission: 'staff', params: byId, query: noQuery, body: opinionBody,
    summary: 'give the written opinion: an invited person their own, a caseworker of an invited agency the agency\'s; once, while the conference takes opinions',
    responses: { 200: CONFERENCE, ...ERRORS },
    handler: ({ ctx, user, params, body, ip }) => giveOpinion(ctx, user, params.id, body, ip),
  }),
  route({
    method: 'post', path: '/api/conferences/:id/conclusion', permission: 'staff', params: byId, query: noQuery, body: conclusionBody,
    summary: 'record (or, until signed off, revise) the conclusion (研判意见): the case agency\'s caseworker or approver, once at least one opinion is in; opinions close',
    responses: { 200: CONFERENCE, ...ERRORS },
    handler: ({ ctx, user, params, body, ip }) => conclude(ctx, user, params.id, body, ip),
  }),
  route({
    method: 'post', path: '/api/conferences/:id/signoff', permission: 'staff', params: byId, query: noQuery, body: noBody,
    summary: 'the approver of the case agency signs the conclusion off; the conference is then immutable (every later write: 409)',
    responses: { 200: CONFERENCE, ...ERRORS },
    handler: ({ ctx, user, params, ip }) => signOff(ctx, user, params.id, ip),
  }),

  // --- pages ------------------------------------------------------------------------------
  route({
    method: 'get', path: '/conferences/:id', permission: 'staff', params: byId, query: noQuery,
    summary: '会商研判',
    handler: ({ ctx, user, params, res }) => conferencePage(ctx, res, user, params.id),
  }),
  route({
    method: 'post', path: '/applications/:id/conferences', permission: 'staff', params: byId, query: noQuery, body: conveneBody,
    summary: '组织会商（表单）',
    onRefusal: (c, e) => renderApplicationPage(c.ctx, c.res, readerOf(c, e), Number(c.params.id), {
      status: statusOf(e), eventError: { type: 'CONVENE_CONFERENCE', message: e.fields ? '会商未能组织，请检查标出的内容' : refusalText(e), fields: e.fields }, eventForm: c.form,
    }),
    handler: async ({ ctx, user, params, body, ip, res }) => {
      const c = await convene(ctx, user, params.id, body, ip);
      res.redirect(303, backTo(c));
    },
  }),
  route({
    method: 'post', path: '/conferences/:id/opinions', permission: 'staff', params: byId, query: noQuery, body: opinionBody,
    summary: '提出会商意见（表单）',
    onRefusal: refusedOnConference('会商意见'),
    handler: async ({ ctx, user, params, body, ip, res }) => res.redirect(303, backTo(await giveOpinion(ctx, user, params.id, body, ip))),
  }),
  route({
    method: 'post', path: '/conferences/:id/conclusion', permission: 'staff', params: byId, query: noQuery, body: conclusionBody,
    summary: '记录研判意见（表单）',
    onRefusal: refusedOnConference('研判意见'),
    handler: async ({ ctx, user, params, body, ip, res }) => res.redirect(303, backTo(await conclude(ctx, user, params.id, body, ip))),
  }),
  route({
    method: 'post', path: '/conferences/:id/signoff', permission: 'staff', params: byId, query: noQuery, body: noBody,
    summary: '签批研判意见（表单）',
    onRefusal: refusedOnConference('签批'),
    handler: async ({ ctx, user, params, ip, res }) => res.redirect(303, backTo(await signOff(ctx, user, params.id, ip))),
  }),
];
