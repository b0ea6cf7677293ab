import { CHANNELS, DELIVERY_METHODS, ID_TYPES, ORGANISATION_CATEGORIES } from '../../workflows/glossary.js';
import { APPLICATION_EVENT_TYPES, APPLICATION_STATES } from '../../workflows/application.machine.js';
import { DECISION_CODES } from '../../workflows/decisions.js';
import { ROLES } from '../../workflows/roles.js';
import { PASSAGE_TOPICS, VERSION_STATUSES } from '../passages/passage-input.js';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: unknown) => ({ content: { 'application/json': { schema } } });
const error = (description: string) => ({ description, ...json(ref('Error')) });
const date = { type: 'string', format: 'date', pattern: '^\\d{4}-\\d{2}-\\d{2}$' };
const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'integer' } };
const ANNUAL_PARAMS = [
  { name: 'year', in: 'query', required: true, schema: { type: 'integer' } },
  { name: 'agency', in: 'query', schema: { type: 'string' }, description: "agency code; the caller's own when absent" },
  { name: 'below', in: 'query', schema: { type: 'boolean' }, description: 'with every agency below it' },
];

/** The whole HTTP API, served at /api/openapi.json. Shapes marked exact in the issues are contracts. */
export function openApiDocument() {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Disclosure Desk API（政府信息公开申请办理系统）',
      version: '1.0.0',
      description:
        'Authenticate with POST /api/auth/token, then send `Authorization: Bearer <token>`. Errors are JSON ' +
        '`{ error, message, fields?, allowedEvents? }` with Chinese messages. Users see only their own agency\'s ' +
        'applications (a manager also those of agencies below); any other id answers 404. A user whose password ' +
        'an administrator set must change it first (POST /api/account/password): until then every other call ' +
        'answers 403 `{ error: "password_change_required" }`.',
    },
    servers: [{ url: '/' }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: {
        ConsultationRequest: {
          type: 'object',
          properties: {
            id: { type: 'integer' }, consultationId: { type: 'string' },
            application: { type: 'object', properties: { id: { type: 'integer' }, caseNumber: { type: 'string' }, description: { type: 'string' }, receivedDate: date, state: { type: 'string' } } },
            requesting: { type: 'object', properties: { code: { type: 'string' }, name: { type: 'string' } } },
            consulted: { type: 'object', properties: { code: { type: 'string' }, name: { type: 'string' } } },
            parts: { type: 'string' }, sentDate: date, opinionDue: date, overdue: { type: 'boolean' },
            status: { enum: ['open', 'answered', 'deemed_consent', 'closed'] }, opinion: { enum: ['consent', 'object', 'none', 'deemed_consent', null] },
            reasons: { type: ['string', 'null'] }, answeredBy: { type: ['string', 'null'] }, answeredDate: { oneOf: [date, { type: 'null' }] },
            letter: { type: ['object', 'null'], properties: { id: { type: 'integer' }, number: { type: ['string', 'null'] }, url: { type: 'string' } } },
            attachments: { type: 'array', items: { type: 'object' } }, mayAnswer: { type: 'boolean' },
          },
        },
        ExportJob: {
          type: 'object',
          properties: {
            id: { type: 'integer' }, kind: { enum: ['annual_ledger'] }, kindLabel: { type: 'string' }, format: { enum: ['xlsx', 'csv'] },
            params: { type: 'object', properties: { year: { type: 'integer' }, agency: { type: 'string' }, below: { type: 'boolean' } } },
            status: { enum: ['queued', 'running', 'done', 'failed'] }, statusLabel: { type: 'string' },
            done: { type: 'integer', description: 'lines written so far' }, total: { type: ['integer', 'null'], description: 'lines in all, once counted' },
            percent: { type: ['integer', 'null'] }, message: { type: ['string', 'null'] }, filename: { type: ['string', 'null'] }, size: { type: ['integer', 'null'] },
            createdAt: { type: 'string' }, finishedAt: { type: ['string', 'null'] }, url: { type: 'string' }, page: { type: 'string', description: 'the progress page' },
            fileUrl: { type: ['string', 'null'] },
          },
        },
        Passage: {
          type: 'object',
          description: 'a reply passage (答复口径, issue 7) with the wording of its version in force (or, for the district office, of its first draft)',
          properties: {
            id: { type: 'integer' }, topic: { enum: Object.keys(PASSAGE_TOPICS) }, topicLabel: { type: 'string' }, title: { type: 'string' },
            status: { enum: ['active', 'retired'] }, statusLabel: { type: 'string' },
            currentVersion: { type: ['integer', 'null'], description: 'the approved version in force; null until the first approval' },
            latestVersion: { type: 'integer' }, pendingVersion: { type: ['integer', 'null'], description: 'a draft awaiting approval' },
            body: { type: 'string' }, legalBasis: { type: ['string', 'null'] },
            decisions: { type: 'array', items: { enum: DECISION_CODES }, description: 'decisions it is written for; empty = any decision' },
            approvedDate: { oneOf: [date, { type: 'null' }] }, usageCount: { type: 'integer', description: 'uses of every version in every agency' },
            retiredBy: { type: ['string', 'null'] }, retiredDate: { oneOf: [date, { type: 'null' }] }, retiredReason: { type: ['string', 'null'] },
            url: { type: 'string' }, page: { type: 'string' },
          },
        },
        PassageDetail: {
          allOf: [ref('Passage'), {
            type: 'object',
            properties: {
              versions: {
                type: 'array', description: 'newest first; outside the district office only approved, superseded and retired versions',
                items: {
                  type: 'object',
                  properties: {
                    version: { type: 'integer' }, title: { type: 'string' }, body: { type: 'string' }, legalBasis: { type: ['string', 'null'] },
                    decisions: { type: 'array', items: { enum: DECISION_CODES } }, status: { enum: Object.keys(VERSION_STATUSES) }, statusLabel: { type: 'string' },
                    writtenBy: { type: 'object', properties: { id: { type: 'integer' }, name: { type: 'string' } } }, writtenAt: { type: 'string' },
                    approvedBy: { type: ['object', 'null'], properties: { id: { type: 'integer' }, name: { type: 'string' } } }, approvedDate: { oneOf: [date, { type: 'null' }] },
                    usageCount: { type: 'integer' },
                  },
                },
              },
              cases: {
                type: 'array', description: 'uses in cases the caller may see (own agency; a manager or legal staff also the agencies below), newest first',
                items: { type: 'object', properties: { applicationId: { type: 'integer' }, caseNumber: { type: 'string' }, agencyName: { type: 'string' }, version: { type: 'integer' }, eventSeq: { type: 'integer' }, usedBy: { type: 'string' }, usedDate: date } },
              },
              hiddenUses: { type: 'integer', description: 'uses counted in usageCount but in cases the caller may not see' },
              mayWrite: { type: 'boolean' }, mayApprove: { type: ['integer', 'null'], description: 'the pending version this caller may approve' },
            },
          }],
        },
        PassageInput: {
          type: 'object',
          properties: {
            topic: { enum: Object.keys(PASSAGE_TOPICS), description: 'new passages only' }, title: { type: 'string', maxLength: 200 }, body: { type: 'string', maxLength: 5000 },
            legalBasis: { type: ['string', 'null'], maxLength: 1000, description: '依据' }, decisions: { type: 'array', items: { enum: DECISION_CODES } },
          },
        },
        Error: {
          type: 'object',
          required: ['error', 'message'],
          properties: {
            error: { type: 'string', description: 'machine code, e.g. invalid, not_found, not_allowed, forbidden' },
            message: { type: 'string', description: 'Chinese message for the user' },
            fields: { type: 'object', additionalProperties: { type: 'string' }, description: 'per-field messages (422)' },
            allowedEvents: { type: 'array', items: { type: 'string' } },
          },
        },
        NaturalPerson: {
          type: 'object',
          required: ['kind', 'name', 'idType', 'idNumber'],
          properties: {
            kind: { const: 'natural_person' }, name: { type: 'string' },
            idType: { enum: Object.keys(ID_TYPES) },
            idNumber: { type: 'string', description: 'resident IDs are checked with the GB 11643 check digit; masked outside the owning agency' },
            phone: { type: 'string' }, address: { type: 'string' }, postcode: { type: 'string', pattern: '^\\d{6}$' }, email: { type: 'string' },
          },
        },
        Organisation: {
          type: 'object',
          required: ['kind', 'name', 'category', 'creditCode'],
          properties: {
            kind: { const: 'organisation' }, name: { type: 'string' },
            category: { enum: Object.keys(ORGANISATION_CATEGORIES) },
            creditCode: { type: 'string', description: '统一社会信用代码, GB 32100 check character' },
            legalRepresentative: { type: 'string' }, contactPerson: { type: 'string' }, phone: { type: 'string' },
            address: { type: 'string' }, email: { type: 'string' },
          },
        },
        ApplicationInput: {
          type: 'object',
          required: ['applicant', 'channel', 'receivedDate', 'request'],
          properties: {
            applicant: { oneOf: [ref('NaturalPerson'), ref('Organisation')] },
            channel: { enum: Object.keys(CHANNELS) },
            receivedDate: { ...date, description: 'not in the future (Art. 31)' },
            request: {
              type: 'object',
              required: ['description'],
              properties: {
                description: { type: 'string' }, documentTitle: { type: 'string' }, documentNumber: { type: 'string' },
                purpose: { type: 'string' }, delivery: { enum: Object.keys(DELIVERY_METHODS), default: 'paper' },
              },
            },
          },
        },
        Deadlines: {
          type: 'object',
          properties: {
            replyDue: date, correctionNoticeDue: date, correctionDue: { oneOf: [date, { type: 'null' }] },
            feePaymentDue: { oneOf: [date, { type: 'null' }] }, provisional: { type: 'boolean' },
            provisionalYears: { type: 'array', items: { type: 'integer' } },
            explanation: { type: 'array', items: { type: 'string' }, description: 'how replyDue was computed (Chinese)' },
            workingDaysLeft: { type: ['integer', 'null'] },
          },
        },
        Application: {
          type: 'object',
          properties: {
            id: { type: 'integer' }, caseNumber: { type: 'string', description: 'unique per agency and year, gapless' },
            agency: { type: 'object', properties: { code: { type: 'string' }, name: { type: 'string' } } },
            state: { enum: Object.keys(APPLICATION_STATES) }, stateLabel: { type: 'string' }, version: { type: 'integer' },
            receivedDate: date, channel: { enum: Object.keys(CHANNELS) },
            applicant: { oneOf: [ref('NaturalPerson'), ref('Organisation')] },
            request: { type: 'object' }, decision: { enum: [...DECISION_CODES, null] }, decisionLabel: { type: ['string', 'null'] },
            deadlines: ref('Deadlines'), overdue: { type: 'boolean' }, dueSoon: { type: 'boolean' },
            consultations: { type: 'array', items: { type: 'object' } },
            attachments: { type: 'array', items: { type: 'object', properties: { id: { type: 'integer' }, filename: { type: 'string' }, mime: { type: 'string' }, size: { type: 'integer' }, sha256: { type: 'string' } } } },
            history: { type: 'array', items: { type: 'object' } },
            allowedEvents: { type: 'array', items: { enum: APPLICATION_EVENT_TYPES } },
          },
        },
        Document: {
          type: 'object',
          required: ['id', 'kind', 'number', 'issuedDate', 'sha256', 'supersedes'],
          properties: {
            id: { type: 'integer' },
            kind: { enum: ['reply', 'receipt', 'correction_notice', 'extension_notice', 'consultation_letter', 'fee_notice', 'delivery_receipt', 'reasons_request', 'later_reply_notice'] },
            number: { type: ['string', 'null'], description: 'e.g. 东规资公复〔2026〕12号; null while a draft' },
            issuedDate: { oneOf: [date, { type: 'null' }] },
            sha256: { type: ['string', 'null'], description: 'of the issued PDF bytes' },
            supersedes: { type: ['integer', 'null'], description: 'the document this one corrects' },
            status: { enum: ['draft', 'issued', 'superseded'] },
            title: { type: 'string' }, kindLabel: { type: 'string' }, variant: { type: ['string', 'null'] },
            supersedeReason: { type: ['string', 'null'] }, targetDocumentId: { type: ['integer', 'null'] },
            templateName: { type: 'string' }, templateVersion: { type: 'integer' }, body: { type: 'string' }, editable: { type: 'boolean' },
          },
        },
        ApplicantHistory: {
          type: 'object',
          description: 'Issue 7: the same applicant\'s other applications (same identity: ID type and number, or credit code) and monthly volume. Repeats (Art. 36(六)): earlier applications at the same agency whose request text (description, document title and number) scores ≥ repeatThreshold; volume (Art. 35): applications per calendar month across all agencies, a transferred case counted once.',
          properties: {
            subject: { type: 'object', properties: { applicationId: { type: ['integer', 'null'], description: 'null for a check before registration' }, agency: { type: 'object', properties: { code: { type: 'string' }, name: { type: 'string' } } }, receivedDate: date, month: { type: 'string', pattern: '^\\d{4}-\\d{2}$' } } },
            repeatThreshold: { type: 'number', description: 'similarity at or above which an earlier application is a likely repeat (0.6)' },
            applications: {
              type: 'array', description: 'other applications at agencies the caller may see, most recent first',
              items: {
                type: 'object',
                properties: {
                  id: { type: 'integer' }, caseNumber: { type: 'string' }, agency: { type: 'object', properties: { code: { type: 'string' }, name: { type: 'string' } } },
                  receivedDate: date, state: { enum: Object.keys(APPLICATION_STATES) }, stateLabel: { type: 'string' },
                  decision: { enum: [...DECISION_CODES, null] }, decisionLabel: { type: ['string', 'null'] }, description: { type: 'string' },
                  similarity: { type: ['number', 'null'], minimum: 0, maximum: 1, description: 'null when no request text was given' },
                  earlier: { type: 'boolean' }, sameAgency: { type: 'boolean' },
                  likelyRepeat: { type: 'boolean', description: 'earlier, same agency, similarity ≥ repeatThreshold' },
                  reply: { type: ['object', 'null'], properties: { id: { type: 'integer' }, number: { type: ['string', 'null'] }, issuedDate: { oneOf: [date, { type: 'null' }] }, url: { type: 'string' } }, description: 'the issued reply in force' },
                  url: { type: 'string', description: 'the case page' },
                },
              },
            },
            likelyRepeats: { type: 'integer' },
            elsewhere: { type: 'object', description: 'applications at agencies the caller may not see: agency and date only', properties: { total: { type: 'integer' }, items: { type: 'array', items: { type: 'object', properties: { agency: { type: 'object' }, receivedDate: date } } } } },
            truncated: { type: 'boolean', description: 'only the 500 most recent applications were considered' },
            volume: {
              type: 'object',
              properties: {
                threshold: { type: 'integer', description: 'EXCESSIVE_MONTHLY_THRESHOLD (default 10)' },
                current: ref('MonthVolume'),
                months: { type: 'array', items: ref('MonthVolume'), description: 'the 12 most recent months with applications, and the subject\'s month' },
              },
            },
            warning: {
              type: ['object', 'null'], description: 'when the subject\'s month exceeds the threshold',
              properties: { code: { const: 'excessive_volume' }, month: { type: 'string' }, count: { type: 'integer' }, threshold: { type: 'integer' }, message: { type: 'string' }, steps: { type: 'string', description: 'Art. 35 text' }, decision: { const: 'not_processed.excessive' } },
            },
          },
        },
        MonthVolume: {
          type: 'object',
          properties: {
            month: { type: 'string', pattern: '^\\d{4}-\\d{2}$' }, count: { type: 'integer' }, exceeded: { type: 'boolean', description: 'count > threshold' },
            byAgency: { type: 'array', items: { type: 'object', properties: { agency: { type: 'object', properties: { code: { type: 'string' }, name: { type: 'string' } } }, count: { type: 'integer' } } } },
          },
        },
        Verification: {
          type: 'object',
          required: ['valid', 'number', 'agency', 'issuedDate'],
          properties: { valid: { type: 'boolean' }, number: { type: ['string', 'null'] }, agency: { type: ['string', 'null'] }, issuedDate: { oneOf: [date, { type: 'null' }] }, status: { type: 'string' }, title: { type: 'string' }, reason: { type: 'string' } },
        },
        Event: {
          type: 'object',
          required: ['type', 'date'],
          properties: { type: { enum: APPLICATION_EVENT_TYPES }, date: { ...date, description: 'effective date: not in the future, not before the latest event' } },
          additionalProperties: true,
          description: 'payload fields per event type, see issue 3 (items, periodWorkingDays, kind, party, consultationId, opinion, reasons, workingDays, reason, basis, pages, amount, decision, disclosed, withheld, referTo, checklist, method). ' +
            'Issue 7: START_CONSULTATION of kind agency with agencyCode of an agency in the system sends the letter (issued at once) to that agency\'s inbox; ' +
            'optional parts (征求意见的内容); party is then taken from the register. TRANSFER {agencyCode, reason} (approver) hands the application over to that agency ' +
            '(转办, Art. 36(五)): this case closes as unavailable.not_held with a signed notice, and the receiving agency gets a new case received on the transfer date. ' +
            'RECORD_OPINION with opinion deemed_consent is recorded only by the platform (Art. 34). ' +
            'DRAFT_REPLY may carry passages: [id | {id, version}] — the reply passages (答复口径) whose wording the draft uses; each must be approved, in force and not retired ' +
            '(a version given must be the one in force), else 422 and nothing is written; the history stores [{id, version, title}] and each use is counted. ' +
            'ISSUE_FEE_NOTICE {basis, pages?, amount?}: the server computes the fee as POST /api/fees/quote does for this application (per_application: its rank among ' +
            'the applicant\'s applications of its month of receipt, all agencies); amount omitted → filled in; a different amount → 422; a free application → 422; ' +
            'the history stores breakdown (and nthInMonth, month for per_application).',
        },
        FeeLine: {
          type: 'object',
          required: ['band', 'quantity', 'unitPrice', 'subtotal'],
          properties: {
            band: { type: 'string', description: 'e.g. "31–100页部分", "第11–30件"' }, quantity: { type: 'integer', description: 'pages, or 1 application' },
            unitPrice: { type: 'integer', description: '元 per page or per application; 0 for a free band (kept so the standard shows)' }, subtotal: { type: 'integer' },
          },
        },
        FeeQuote: {
          type: 'object',
          required: ['amount', 'breakdown'],
          description: 'exact: { amount, breakdown } (issue 7); the other fields say how the quote was reached',
          properties: {
            amount: { type: 'integer', description: '元, the sum of the subtotals' }, breakdown: { type: 'array', items: ref('FeeLine') },
            basis: { enum: ['per_application', 'per_page'] }, basisLabel: { type: 'string' }, standard: { type: 'string', description: 'the published standard (国办函〔2020〕109号)' },
            source: { type: 'string' }, pages: { type: ['integer', 'null'] }, nthInMonth: { type: ['integer', 'null'], description: 'per_application: which application of the month is quoted' },
            month: { type: ['string', 'null'], description: 'YYYY-MM' }, applicationsInMonth: { type: ['integer', 'null'], description: 'counted from the database (applicantId given), else null' },
            applicationId: { type: ['integer', 'null'] }, note: { type: 'string' },
          },
        },
      },
    },
    security: [{ bearer: [] }],
    paths: {
      '/api/applications/{id}/consultations': {
        post: {
          summary: 'consult several agencies of the system at once: {agencyCodes: string[], parts?, date?, version?} → 201 the application; one letter and inbox item per agency, all or none',
          parameters: [idParam],
          responses: { 201: { description: 'the whole updated application', ...json(ref('Application')) }, 404: error('no such application'), 409: error('not allowed now'), 422: error('unknown or own agency code') },
        },
      },
      '/api/consultations': {
        get: {
          summary: "the caller's agency's consultation letters: box=inbox (received, default status open) | outbox (sent); status=open|answered|deemed_consent|closed|all",
          responses: { 200: { description: '{box, status, total, items: ConsultationRequest[]}' } },
        },
      },
      '/api/consultations/sweep': { post: { summary: 'record deemed consent now for every consultation silent past its 15 working days (manager, admin); the server also does it on a schedule', responses: { 200: { description: '{deemed, skipped}' }, 403: error('role') } } },
      '/api/consultations/{id}': { get: { summary: 'one consultation letter with the request, the parts concerned, attachments and the answer (either agency)', parameters: [idParam], responses: { 200: json(ref('ConsultationRequest')), 404: error('not found or not yours') } } },
      '/api/consultations/{id}/answer': {
        post: {
          summary: "the consulted agency's caseworker answers: {opinion: consent|object, reasons (required to object)}, JSON or multipart with `attachments`; recorded as the requesting case's RECORD_OPINION, restarting its clock",
          parameters: [idParam],
          responses: { 200: json(ref('ConsultationRequest')), 403: error('not the consulted agency\'s caseworker'), 404: error('not found'), 409: error('already answered or deemed'), 422: error('opinion or reasons') },
        },
      },
      '/api/consultations/{id}/letter': { get: { summary: 'the consultation letter PDF', parameters: [idParam], responses: { 200: { description: 'application/pdf' }, 404: error('not found') } } },
      '/api/consultations/{id}/attachments/{attachmentId}': { get: { summary: 'a file of the requesting case or of the answer', parameters: [idParam, { name: 'attachmentId', in: 'path', required: true, schema: { type: 'integer' } }], responses: { 200: { description: 'the file' }, 404: error('not found') } } },
      '/api/passages': {
        get: {
          summary: 'search the reply-wording library (答复口径): approved passages (the district office also sees drafts), the version in force, usage counts; at most 200, by topic then most used',
          parameters: [
            { name: 'q', in: 'query', schema: { type: 'string', maxLength: 100 }, description: 'text in title, wording or 依据; % and _ are matched literally' },
            { name: 'topic', in: 'query', schema: { enum: Object.keys(PASSAGE_TOPICS) } },
            { name: 'decision', in: 'query', schema: { enum: DECISION_CODES }, description: 'passages written for this decision or for any decision' },
            { name: 'status', in: 'query', schema: { enum: ['active', 'retired', 'all'], default: 'active' } },
          ],
          responses: { 200: { description: 'list', ...json({ type: 'object', properties: { total: { type: 'integer' }, items: { type: 'array', items: ref('Passage') } } }) }, 422: error('bad filter') },
        },
        post: {
          summary: 'write a passage (a manager of the district office, the top agency): {topic, title, body, legalBasis?, decisions?} → version 1 as a draft awaiting approval',
          requestBody: json(ref('PassageInput')),
          responses: { 201: { description: 'the passage; Location is its URL', ...json(ref('PassageDetail')) }, 403: error('not a manager of the district office'), 422: error('invalid fields') },
        },
      },
      '/api/passages/{id}': {
        get: { summary: 'one passage: every version with its usage count, and the cases using it that the caller may see', parameters: [idParam], responses: { 200: json(ref('PassageDetail')), 404: error('unknown, or never approved and the caller is not of the district office') } },
      },
      '/api/passages/{id}/versions': {
        post: {
          summary: 'a new version as a draft (district-office manager): {body, title?, legalBasis?, decisions?} — omitted fields carry over; a draft still pending is discarded (kept on record)',
          parameters: [idParam], requestBody: json(ref('PassageInput')),
          responses: { 201: json(ref('PassageDetail')), 403: error('not a manager of the district office'), 404: error('unknown passage'), 409: error('passage retired'), 422: error('invalid fields or unchanged') },
        },
      },
      '/api/passages/{id}/versions/{version}/approve': {
        post: {
          summary: 'approve a draft version (four eyes: a district-office manager who did not write it); it comes into force, the previous version is superseded (uses keep pointing at the version used)',
          parameters: [idParam, { name: 'version', in: 'path', required: true, schema: { type: 'integer' } }],
          responses: { 200: json(ref('PassageDetail')), 403: error('not a district-office manager, or the author'), 404: error('unknown passage or version'), 409: error('not a pending draft, or passage retired') },
        },
      },
      '/api/passages/{id}/retire': {
        post: {
          summary: 'retire a passage (district-office manager): {reason?}; it can no longer be used, versions and uses stay on record',
          parameters: [idParam],
          responses: { 200: json(ref('PassageDetail')), 403: error('not a manager of the district office'), 404: error('unknown passage'), 409: error('already retired') },
        },
      },
      '/api/health': { get: { security: [], summary: 'liveness (no authentication)', responses: { 200: { description: 'ok' }, 503: { description: 'database unavailable' } } } },
      '/api/openapi.json': { get: { security: [], summary: 'this document', responses: { 200: { description: 'OpenAPI 3.1' } } } },
      '/api/auth/token': {
        post: {
          security: [], summary: 'log in: {username, password} → {token}',
          requestBody: json({ type: 'object', required: ['username', 'password'], properties: { username: { type: 'string' }, password: { type: 'string' } } }),
          responses: {
            200: {
              description: 'token; with passwordChangeRequired (a password an administrator set) it serves only POST /api/account/password until then: every other call answers 403 password_change_required',
              ...json({ type: 'object', properties: { token: { type: 'string' }, expiresInHours: { type: 'integer' }, passwordChangeRequired: { type: 'boolean' } } }),
            },
            401: error('wrong username or password; error published_password: in production, a password published with the desk (demo, tests)'), 423: error('account locked after repeated failures'), 429: error('too many failures from this address'), 422: error('missing fields'),
          },
        },
        delete: { summary: 'revoke the bearer token', responses: { 204: { description: 'revoked' } } },
      },
      '/api/account/password': {
        post: {
          summary: 'change one\'s own password: {currentPassword, newPassword} (no other keys). At least 10 characters, not containing the username, hard to guess (zxcvbn score ≥ 3); the person\'s other sessions end',
          requestBody: json({ type: 'object', additionalProperties: false, required: ['currentPassword', 'newPassword'], properties: { currentPassword: { type: 'string' }, newPassword: { type: 'string' } } }),
          responses: { 204: { description: 'changed' }, 401: error('not logged in'), 422: error('wrong current password, or the new one refused (fields.newPassword says why)'), 423: error('account locked after repeated wrong passwords') },
        },
      },
      '/api/me': { get: { summary: 'the calling user', responses: { 200: { description: 'user' }, 401: error('not logged in') } } },
      '/api/applications': {
        post: {
          summary: 'register an application (登记); caseworker. JSON, or multipart with field `data` (JSON) and files `attachments` (PDF/JPEG/PNG/TIFF ≤ 10 MB, ≤ 10)',
          requestBody: { content: { 'application/json': { schema: ref('ApplicationInput') }, 'multipart/form-data': { schema: { type: 'object', properties: { data: { type: 'string' }, attachments: { type: 'array', items: { type: 'string', format: 'binary' } } } } } } },
          responses: { 201: { description: 'registered', ...json(ref('Application')) }, 400: error('malformed body'), 401: error('not logged in'), 403: error('not a caseworker'), 422: error('validation errors per field') },
        },
        get: {
          summary: 'list visible applications, sorted by replyDue (personal data masked)',
          parameters: [
            { name: 'state', in: 'query', schema: { type: 'string' }, description: 'comma-separated states' },
            { name: 'text', in: 'query', schema: { type: 'string' }, description: 'case number, applicant name or request text' },
            { name: 'dueBefore', in: 'query', schema: date, description: 'open applications with replyDue on or before' },
            { name: 'overdue', in: 'query', schema: { type: 'boolean' } },
            { name: 'open', in: 'query', schema: { type: 'boolean' } },
            { name: 'page', in: 'query', schema: { type: 'integer', minimum: 1 } },
            { name: 'pageSize', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 200 } },
          ],
          responses: { 200: { description: 'page', ...json({ type: 'object', properties: { total: { type: 'integer' }, page: { type: 'integer' }, pageSize: { type: 'integer' }, items: { type: 'array', items: ref('Application') } } }) }, 422: error('bad filter') },
        },
      },
      '/api/applications/{id}': {
        get: { summary: 'one application (full personal data for the owning agency only)', parameters: [idParam], responses: { 200: { description: 'application', ...json(ref('Application')) }, 404: error('unknown or another agency\'s') } },
      },
      '/api/applications/{id}/events': {
        post: {
          summary: 'send an event to the application\'s machine (exact contract, issue 3); JSON, or multipart/form-data whose `attachments` files (e.g. the scan of a paper opinion) are stored in the same transaction',
          parameters: [idParam, { name: 'If-Match', in: 'header', schema: { type: 'string' }, description: 'expected version' }],
          requestBody: json(ref('Event')),
          responses: {
            200: { description: 'the whole updated application', ...json(ref('Application')) },
            403: error('role may not send it (or four eyes)'), 404: error('unknown application'),
            409: error('not allowed in the current state; body lists allowedEvents'), 412: error('If-Match version is stale'), 422: error('bad payload or date'),
          },
        },
      },
      '/api/applications/{id}/attachments': {
        post: { summary: 'add scans (multipart `attachments`)', parameters: [idParam], responses: { 201: { description: 'application', ...json(ref('Application')) }, 403: error('not the owning caseworker'), 422: error('type or size') } },
      },
      '/api/applications/{id}/attachments/{attachmentId}': {
        get: { summary: 'download an attachment', parameters: [idParam, { name: 'attachmentId', in: 'path', required: true, schema: { type: 'integer' } }], responses: { 200: { description: 'file' }, 404: error('unknown') } },
      },
      '/api/applications/{id}/related': {
        get: { summary: 'the same applicant\'s other applications: likely repeats (Art. 36(六)) with their replies, monthly volume across agencies and the Art. 35 warning', parameters: [idParam], responses: { 200: { description: 'history', ...json(ref('ApplicantHistory')) }, 404: error('unknown or another agency\'s') } },
      },
      '/api/applicants/check': {
        post: {
          summary: 'before registering: the same answer as /related, as if the application were registered by the caller\'s agency (the new application counted in its month)',
          requestBody: json({
            type: 'object', required: ['applicant'],
            properties: {
              applicant: { type: 'object', required: ['kind'], description: 'natural_person: idType and idNumber; organisation: creditCode (other fields ignored)', properties: { kind: { enum: ['natural_person', 'organisation'] }, idType: { enum: Object.keys(ID_TYPES) }, idNumber: { type: 'string' }, creditCode: { type: 'string' } } },
              receivedDate: { ...date, description: 'default today; not in the future' },
              request: { type: 'object', properties: { description: { type: 'string' }, documentTitle: { type: 'string' }, documentNumber: { type: 'string' } }, description: 'optional: without it no similarity is scored' },
            },
          }),
          responses: { 200: { description: 'history', ...json(ref('ApplicantHistory')) }, 401: error('not logged in'), 422: error('identity or date invalid, per field') },
        },
      },
      '/api/fees/quote': {
        post: {
          summary: 'information-processing fee of one application (国办函〔2020〕109号): 按件 the applicant\'s nth application of a calendar month (1–10 free; 11–30 100 元; then +100 元 per band of 10), or 按量 by pages (1–30 free; 31–100 10 元; 101–200 20 元; above 200 40 元, by portion). Caseworker, reviewer, approver, manager',
          requestBody: json({
            type: 'object', required: ['basis'],
            properties: {
              basis: { enum: ['per_application', 'per_page'] },
              pages: { type: 'integer', minimum: 1, description: 'per_page only' },
              nthInMonth: { type: 'integer', minimum: 1, description: 'per_application: explicit; wins over counting' },
              applicantId: { type: 'string', description: 'per_application: ID number or unified social credit code (any case), or the 64-hex applicant key; the applicant\'s applications received in month are counted across all agencies (none → the 1st)' },
              idType: { enum: [...Object.keys(ID_TYPES), 'organisation'], description: 'optional with applicantId: only this identity type is tried' },
              month: { type: 'string', pattern: '^\\d{4}-\\d{2}$', description: 'YYYY-MM, default this month; not later' },
              applicationId: { type: 'integer', description: 'instead of applicantId/month: applicant and month from this application (visible to the caller), nth = its rank in that month by received date then id' },
            },
          }),
          responses: {
            200: { description: 'the quote', ...json(ref('FeeQuote')) }, 401: error('not logged in'), 403: error('role'), 404: error('applicationId unknown or another agency\'s'),
            422: error('per field: basis missing or unknown; pages/nthInMonth not positive integers; both pages and nthInMonth (不能同时按件和按量收费); bad applicantId, month'),
          },
        },
      },
      '/api/applications/{id}/documents': {
        get: { summary: 'the documents of an application', parameters: [idParam], responses: { 200: { description: 'list', ...json({ type: 'object', properties: { items: { type: 'array', items: ref('Document') } } }) }, 404: error('unknown application') } },
      },
      '/api/documents/{id}': {
        get: { summary: 'one document', parameters: [idParam], responses: { 200: { description: 'document', ...json(ref('Document')) }, 404: error('unknown') } },
        put: { summary: 'edit the wording of a draft (caseworker; a reply only before review): {body}', parameters: [idParam], responses: { 200: { description: 'document', ...json(ref('Document')) }, 409: error('issued or in review'), 422: error('empty body') } },
      },
      '/api/documents/{id}/pdf': {
        get: { summary: 'the PDF: stored signed bytes when issued, a watermarked preview when a draft', parameters: [idParam, { name: 'download', in: 'query', schema: { type: 'string' } }], responses: { 200: { description: 'application/pdf with a UTF-8 file name', content: { 'application/pdf': {} } }, 404: error('unknown') } },
      },
      '/api/documents/{id}/issue': {
        post: { summary: 'issue a draft notice: number, seal, signature (caseworker; corrected or closing replies: approver). {date?}', parameters: [idParam], responses: { 200: { description: 'issued', ...json(ref('Document')) }, 403: error('role'), 409: error('already issued, reply awaiting ISSUE_REPLY, or no signing key'), 422: error('bad date') } },
      },
      '/api/documents/{id}/supersede': {
        post: { summary: 'start a correction of an issued document: {reason} → a new draft that supersedes it when issued', parameters: [idParam], responses: { 201: { description: 'draft', ...json(ref('Document')) }, 409: error('not issued'), 422: error('no reason') } },
      },
      '/api/documents/{id}/delivery-receipt': {
        post: { summary: '送达回证 for an issued document: {method?} → issued at once', parameters: [idParam], responses: { 201: { description: 'issued', ...json(ref('Document')) }, 409: error('not issued') } },
      },
      '/api/documents/verify': {
        post: {
          security: [], summary: 'public verification: body = the PDF bytes (application/pdf, ≤ 20 MB)',
          requestBody: { content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } } } },
          responses: { 200: { description: 'valid only when the signature checks and the bytes match a document this system issued', ...json(ref('Verification')) }, 400: error('empty body'), 413: error('too large') },
        },
      },
      '/api/applications/{id}/appeals': {
        post: { summary: 'log a reconsideration or litigation case (legal): {kind, procedure, body, externalCaseNumber, receivedDate, acceptedDate?, filedDate?, afterReconsideration?, claims?, simplified?}', parameters: [idParam], responses: { 201: { description: 'appeal JSON: id, kind, procedure, state, deadlines.answerDue, deadlines.decisionExpected, history[], allowedEvents[]' }, 403: error('not legal staff'), 422: error('invalid') } },
      },
      '/api/appeals': {
        get: { summary: 'the case log, deadlines first', parameters: ['kind', 'body', 'outcome', 'year', 'agency', 'open'].map((n) => ({ name: n, in: 'query', schema: { type: 'string' } })), responses: { 200: { description: '{items}' }, 422: error('bad filter') } },
      },
      '/api/appeals/{id}': { get: { summary: 'one appeal', parameters: [idParam], responses: { 200: { description: 'appeal' }, 404: error('unknown') } } },
      '/api/appeals/{id}/events': {
        post: { summary: 'SUBMIT_ANSWER {evidence?}, RECORD_HEARING {note}, RECORD_DECISION {outcome, decisionType, newReplyDueDate?, summary}, WITHDRAWN, CLOSE, DRAFT_ANSWER {summary?}, EXTEND_DECISION {days, reason}', parameters: [idParam], responses: { 200: { description: 'appeal' }, 403: error('role'), 409: error('not allowed now'), 412: error('stale If-Match'), 422: error('payload') } },
      },
      '/api/appeals/{id}/note': { put: { summary: '案例汇编 write-up (legal): {facts, issues, result, lessons}', parameters: [idParam], responses: { 200: { description: 'note' }, 422: error('missing section') } } },
      '/api/applications/{id}/export': { get: { summary: 'the whole file of an application: applicant (masked), request, events, documents with numbers and SHA-256, appeals', parameters: [idParam], responses: { 200: { description: 'JSON' } } } },
      '/api/applications/{id}/evidence-list.pdf': { get: { summary: '证据清单 PDF built from the case documents', parameters: [idParam], responses: { 200: { description: 'application/pdf' } } } },
      '/api/reports/briefing': { get: { summary: '通报 for a period (month=YYYY-MM | quarter=YYYY-Qn | year=YYYY | from&to) and agency scope; format=pdf for the PDF', responses: { 200: { description: 'JSON or PDF' }, 422: error('no period') } } },
      '/api/reports/compendium': { post: { summary: '案例汇编 PDF: {appealIds?: number[], filter?: {year, outcome, kind}, title?, subtitle?}; X-Compendium-Toc header lists chapters and pages', responses: { 200: { description: 'application/pdf' }, 422: error('no cases') } } },
      '/api/reports/annual': { get: { summary: 'annual report tables 三 and 四: ?year=YYYY&agency=CODE[&below=true]', responses: { 200: { description: '{year, agency, table3: {columns, rows}, table4, balance}' }, 403: error('role'), 404: error('agency'), 422: error('year') } } },
      '/api/reports/annual.xlsx': { get: { summary: 'tables 三 and 四 as XLSX laid out like the official format (merged header cells, row labels verbatim; 表四 on the second sheet); manager or legal', parameters: ANNUAL_PARAMS, responses: { 200: { description: 'attachment with a UTF-8 file name', content: { 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': {} } }, 403: error('role'), 404: error('agency'), 422: error('year') } } },
      '/api/reports/annual.csv': { get: { summary: 'tables 三 and 四 as CSV (UTF-8 with BOM, CRLF): a header line and one line per row of 三 (label path + 7 numbers), a blank line, a header line and the 3 rows of 四 (label + 5 numbers)', parameters: ANNUAL_PARAMS, responses: { 200: { description: 'attachment', content: { 'text/csv': {} } }, 403: error('role'), 404: error('agency'), 422: error('year') } } },
      '/api/reports/annual.pdf': { get: { summary: 'tables 三 and 四 as a PDF report (A4, ruled tables)', parameters: ANNUAL_PARAMS, responses: { 200: { description: 'attachment', content: { 'application/pdf': {} } }, 403: error('role'), 404: error('agency'), 422: error('year') } } },
      '/api/reports/annual/cell': { get: { summary: 'what lies behind one figure: table=3 → the applications (row = new|carried_in|<decision code>|total|carried_out, column = natural_person|commercial|research|social_welfare|legal_services|other_org|total); table=4 → the appeals (row = reconsideration|litigation_direct|litigation_after_reconsideration, column = upheld|corrected|other|pending|total)', parameters: [...ANNUAL_PARAMS, ...['table', 'row', 'column'].map((n) => ({ name: n, in: 'query', schema: { type: 'string' } }))], responses: { 200: { description: '{year, agency, table, row, column, count, items[]}' }, 403: error('role'), 404: error('agency'), 422: error('year, row or column') } } },
      '/api/reports/exports': {
        post: {
          summary: 'start a long export as a job (202): {kind: "annual_ledger" (年度办理台账: every application handled in the year, one line each), year, agency?, below?, format: "xlsx"|"csv"}; manager or legal',
          responses: { 202: { description: 'the job (ExportJob); Location is its URL', ...json(ref('ExportJob')) }, 403: error('role'), 404: error('agency'), 422: error('kind, format or year') },
        },
        get: { summary: "the caller's 20 latest export jobs", responses: { 200: { description: '{items: ExportJob[]}' } } },
      },
      '/api/reports/exports/{id}': { get: { summary: 'progress of one job (the creator only; others get 404); poll until status is done or failed', parameters: [idParam], responses: { 200: json(ref('ExportJob')), 404: error('no such job') } } },
      '/api/reports/exports/{id}/file': { get: { summary: 'the finished file', parameters: [idParam], responses: { 200: { description: 'attachment with a UTF-8 file name' }, 404: error('no such job'), 409: error('not finished yet, or failed') } } },
      '/api/reports/dashboard': {
        get: {
          summary: 'managers\' dashboard: open applications by agency and state, due-soon (≤3 working days) and overdue lists (cached replyDue, no reply yet, 50 each), on-time rate and median working days to reply by month, decision mix, reconsideration/litigation correction rate',
          description: 'Scope: the agency (default the manager\'s own) and every agency below it. Period (default the last 12 months): from&to, or month/quarter/year. Replies of a month are applications concluded (reply issued or processing stopped) in it, lapses excluded; on time = concluded on or before the cached replyDue; working days to reply = working days in (received, concluded] by the working calendar. Also the page GET /dashboard with server-rendered SVG charts.',
          parameters: [
            { name: 'agency', in: 'query', schema: { type: 'string' }, description: 'agency code; the agency and every agency below it' },
            { name: 'from', in: 'query', schema: date }, { name: 'to', in: 'query', schema: date },
            { name: 'month', in: 'query', schema: { type: 'string', pattern: '^\\d{4}-\\d{2}$' } }, { name: 'quarter', in: 'query', schema: { type: 'string' } }, { name: 'year', in: 'query', schema: { type: 'string' } },
          ],
          responses: { 200: { description: '{asOf, period, agency, open: {total, overdue, states, byState, byAgency[]}, dueSoon: {total, until, items[]}, overdue: {total, items[]}, replies: {total, onTime, onTimeRate, medianWorkingDays, byMonth[]}, decisions: {total, byGroup[], byDecision[]}, appeals: {reconsideration, litigation, total}}' }, 403: error('not a manager'), 404: error('agency'), 422: error('period') },
        },
      },
      '/api/reports/annual/lock': {
        post: { summary: 'lock a reported year (manager): {year, agency} — refused while the table does not balance', responses: { 200: { description: 'locked' }, 403: error('not a manager'), 409: error('unbalanced') } },
        delete: { summary: 'unlock (manager): ?year&agency', responses: { 200: { description: 'unlocked' }, 404: error('not locked') } },
      },
      '/api/agencies': {
        get: { summary: 'all agencies', responses: { 200: { description: 'list' } } },
        post: { summary: 'add an agency (admin): {code, name, parent?}', responses: { 201: { description: 'agency' }, 403: error('not admin'), 409: error('duplicate code'), 422: error('invalid') } },
      },
      '/api/users': {
        get: { summary: 'all users (admin)', responses: { 200: { description: 'list' } } },
        post: { summary: `add a user (admin): {username, displayName?, role (${ROLES.join('|')}), agency, password}; the password is initial (changed at first login), at least 10 characters and hard to guess; reserved names (system, platform, root, …) are refused`, responses: { 201: { description: 'created' }, 409: error('duplicate username'), 422: error('invalid') } },
      },
      '/api/calendar/{year}': {
        get: { summary: 'the working-day calendar of a year: official data present?, days differing from the plain week, local overrides', parameters: [{ name: 'year', in: 'path', required: true, schema: { type: 'integer' } }], responses: { 200: { description: 'calendar' }, 422: error('bad year') } },
      },
      '/api/calendar/overrides/{date}': {
        put: { summary: 'set a local override (admin): {kind: workday|holiday, note?}; deadlines of open applications are recomputed', parameters: [{ name: 'date', in: 'path', required: true, schema: date }], responses: { 200: { description: 'saved' }, 403: error('not admin'), 422: error('invalid') } },
        delete: { summary: 'remove a local override (admin)', parameters: [{ name: 'date', in: 'path', required: true, schema: date }], responses: { 200: { description: 'removed' }, 404: error('no override on that date') } },
      },
      '/api/audit': { get: { summary: 'the append-only audit log (admin), newest first', parameters: [{ name: 'page', in: 'query', schema: { type: 'integer' } }, { name: 'action', in: 'query', schema: { type: 'string' } }, { name: 'username', in: 'query', schema: { type: 'string' } }], responses: { 200: { description: 'page' } } } },
    },
  };
}
