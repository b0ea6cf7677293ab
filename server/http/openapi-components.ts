// Response shapes of the JSON API, as JSON Schema components of the OpenAPI document (the request
// schemas are the zod schemas of the route declarations themselves).
import { CHANNELS, DELIVERY_METHODS, DOCUMENT_DELIVERY_METHODS, ID_TYPES, ORGANISATION_CATEGORIES } from '../../workflows/glossary.js';
import { APPLICATION_EVENT_TYPES, APPLICATION_STATES } from '../../workflows/application.machine.js';
import { DECISION_CODES } from '../../workflows/decisions.js';
import { APPEAL_EVENT_TYPES, APPEAL_KINDS, APPEAL_STATES } from '../../workflows/appeal.machine.js';
import { PASSAGE_TOPICS, VERSION_STATUSES } from '../passages/passage-input.js';
import { QUEUE_ACTIONS, QUEUE_STEPS } from '../../workflows/turns.js';

export const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const date = { type: 'string', format: 'date', pattern: '^\\d{4}-\\d{2}-\\d{2}$' };

/** Components shared by the responses of the API. */
export const RESPONSE_COMPONENTS: Record<string, Record<string, unknown>> = {

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
      attachments: { type: 'array', items: { type: 'object' }, description: 'the files this user may read here: all of the case for the requesting agency; for the consulted agency\'s caseworkers those the letter carried (while open) and its own answer\'s' },
      attachmentsNote: { type: ['string', 'null'], description: 'why carried files are not listed (consultation over, or not a caseworker)' }, mayAnswer: { type: 'boolean' },
    },
  },
  QueueItem: {
    type: 'object',
    description: 'one step waiting for the caller (issue 13): a case is in the queue of the role whose turn it is, never where the caller cannot act',
    required: ['kind', 'id', 'caseNumber', 'step', 'dueDate', 'workingDaysLeft', 'overdue', 'allowedEvents'],
    properties: {
      kind: { enum: ['application', 'consultation', 'appeal', 'conference', 'submission'], description: 'issue 13 fixed application, consultation and appeal; issue 14 extends it with conference (会商研判), issue 16 with submission (网上申请待确认: id is the online submission, caseNumber its tracking number, no due date): clients that know only the first three may skip other kinds' },
      id: { type: 'integer', description: 'the application\'s, the consultation letter\'s (征询件), the appeal\'s or the conference\'s id, as kind says' },
      applicationId: { type: 'integer', description: 'consultation, appeal and conference: the application it is about' },
      caseNumber: { type: 'string', description: 'the application\'s case number (an appeal\'s own number at the court or reconsideration body is externalCaseNumber)' },
      step: {
        enum: Object.keys(QUEUE_STEPS),
        description: 'what waits for the caller, a stable code (stepLabel is its Chinese name). ' + Object.entries(QUEUE_STEPS).map(([code, label]) => `${code}: ${label}`).join('; ') + '. ' +
          'Caseworker: handle (processing), submit_for_review (drafted), revise (returned by the review), record_delivery (the reply is issued, its delivery not recorded), issue_notice (a notice its event drafted is not issued), record_notice_delivery (a notice issued, its receipt not recorded: the other side\'s period runs from it, §2.8), correction_lapsed / fee_lapsed (the applicant\'s period ran out), answer_consultation (a letter in the agency\'s inbox, Art. 34). ' +
          'Reviewer: review (in confidentiality review). Approver: sign (a reply awaits sign-off: ISSUE_REPLY, or through the document for a reply that closed a case or corrects an issued one), approve_extension (an extension request, Art. 33). ' +
          'Legal: appeal_answer (the answer and evidence are due), appeal_decision (answered: follow the hearing, record the decision), appeal_close (decided: close, once the appeal window is over). ' +
          'Conferences (kind conference, issue 14): conference_opinion (an invited person, or a caseworker of an invited agency, gives the written opinion), conference_conclude (the convener, once every participant answered), conference_sign (the approver signs the conclusion off); dated by the case\'s reply due, which a conference does not stop. Managers have no steps; the administrator gets 403.',
      },
      stepLabel: { type: 'string' },
      dueDate: { oneOf: [date, { type: 'null' }], description: 'the date by which the caller must act: the reply due (every step of an application up to its reply), the correction notice due (Art. 30), the end of the applicant\'s correction or payment period (lapses), the day a closing reply should have left, the opinion due of a letter, the answer due, the decision expected, the end of the appeal window; null when none binds the step' },
      dueLabel: { type: ['string', 'null'], description: 'what dueDate is, in Chinese' },
      workingDaysLeft: { type: ['integer', 'null'], description: 'working days from today to dueDate, by the working-day calendar; negative when overdue' },
      overdue: { type: 'boolean' },
      dueSoon: { type: 'boolean', description: 'at most 3 working days left' },
      provisional: { type: 'boolean', description: 'dueDate was counted through a year without the State Council\'s holiday notice (暂定)' },
      allowedEvents: {
        type: 'array', items: { type: 'string' },
        description: 'what the caller may send now: the application machine\'s events (kind application) or the appeal machine\'s (kind appeal), and the action the step asks for when it is no machine event: ' +
          Object.entries(QUEUE_ACTIONS).map(([name, endpoint]) => `${name} (${endpoint})`).join(', '),
      },
      agency: { type: 'object', properties: { code: { type: 'string' }, name: { type: 'string' } }, description: 'the agency whose case it is (for a consultation letter: the requesting agency)' },
      summary: { type: 'string', description: 'the request, the parts a letter asks about, or the appeal\'s kind and body' },
      applicantName: { type: 'string', description: 'kind application' },
      externalCaseNumber: { type: 'string', description: 'kind appeal' },
      document: { type: 'object', properties: { id: { type: 'integer' }, title: { type: 'string' } }, description: 'the document the step is about (issue_notice, record_notice_delivery, sign through the document)' },
      url: { type: 'string', description: 'the JSON resource' },
      page: { type: 'string', description: 'the page where the step is taken' },
    },
  },
  Conference: {
    type: 'object',
    description: 'a case conference (会商研判, issue 14) on a complex application; it does not stop the reply clock (clockNote)',
    properties: {
      id: { type: 'integer' }, applicationId: { type: 'integer' }, caseNumber: { type: 'string' }, request: { type: 'string' },
      agency: { type: 'object', properties: { code: { type: 'string' }, name: { type: 'string' } } },
      replyDue: { oneOf: [date, { type: 'null' }], description: 'the application\'s reply due, unchanged by the conference' },
      topic: { type: 'string' }, questions: { type: 'array', items: { type: 'string' } },
      status: { enum: ['open', 'concluded', 'signed_off'], description: 'open: opinions are taken; concluded: the conclusion awaits sign-off (may be revised); signed_off: immutable' },
      statusLabel: { type: 'string' },
      convenedBy: { type: 'object' }, convenedDate: date, convenedAt: { type: 'string' },
      participants: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            id: { type: 'integer' }, kind: { enum: ['user', 'agency'] }, name: { type: 'string' }, role: { type: ['string', 'null'] }, roleLabel: { type: 'string' },
            agency: { type: 'object' }, answered: { type: 'boolean' }, opinion: { type: ['string', 'null'] }, opinionBy: { type: ['object', 'null'] },
            opinionDate: { oneOf: [date, { type: 'null' }] }, opinionAt: { type: ['string', 'null'] },
          },
        },
      },
      conclusion: { type: ['string', 'null'], description: '研判意见' }, concludedBy: { type: ['object', 'null'] }, concludedDate: { oneOf: [date, { type: 'null' }] }, concludedAt: { type: ['string', 'null'] },
      signedOff: { type: 'boolean' }, signedOffBy: { type: ['object', 'null'] }, signedOffDate: { oneOf: [date, { type: 'null' }] }, signedOffAt: { type: ['string', 'null'] },
      clockNote: { type: 'string', description: '会商不停止答复期限计算' },
      actions: { type: 'array', items: { enum: ['GIVE_OPINION', 'CONCLUDE', 'SIGN_OFF'] }, description: 'what the caller may do now' },
      invitedAs: { enum: ['self', 'agency', null], description: 'the invitation the caller answers: their own, their agency\'s (caseworkers of an invited agency), or none' },
      caseReadable: { type: 'boolean', description: 'the caller sees the case itself; an invited agency sees only the conference' },
      url: { type: 'string' }, page: { type: 'string' },
    },
  },
  ExportJob: {
    type: 'object',
    properties: {
      id: { type: 'integer' }, kind: { enum: ['annual_ledger'] }, kindLabel: { type: 'string' }, format: { enum: ['xlsx', 'csv'] },
      params: { type: 'object', properties: { year: { type: 'integer' }, agency: { type: 'string' }, below: { type: 'boolean' } } },
      status: { enum: ['queued', 'running', 'done', 'failed'] }, statusLabel: { type: 'string' },
      done: { type: 'integer', description: 'lines written so far' }, total: { type: ['integer', 'null'], description: 'lines in all, once counted' },
      percent: { type: ['integer', 'null'] }, message: { type: ['string', 'null'] }, filename: { type: ['string', 'null'] }, title: { type: 'string', description: 'what the file is, by agency name and year' }, size: { type: ['integer', 'null'] },
      createdAt: { type: 'string', description: 'ISO 8601 UTC; pages show it in Beijing time' }, finishedAt: { type: ['string', 'null'] }, url: { type: 'string' }, page: { type: 'string', description: 'the progress page' },
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
      requestId: { type: 'string', description: 'the request\'s id, as in the X-Request-Id header and on every log line of the request (quote it when reporting a fault)' },
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
      replyDue: date, correctionNoticeDue: date,
      correctionDue: { oneOf: [date, { type: 'null' }], description: 'the applicant\'s receipt of the correction notice + its period (§2.8)' },
      feePaymentDue: { oneOf: [date, { type: 'null' }], description: 'the applicant\'s receipt of the fee notice + 20 working days (§2.8)' },
      reasonsDue: { oneOf: [date, { type: 'null' }], description: 'Art. 35: receipt of the request for reasons + its period' },
      notices: {
        type: 'array', description: 'every period that runs from a notice\'s receipt (§2.8), and where it is counted from',
        items: {
          type: 'object',
          properties: {
            eventSeq: { type: 'integer' }, eventType: { type: 'string' }, period: { enum: ['correction', 'opinion', 'payment', 'reasons'] },
            consultationId: { type: ['string', 'null'] }, workingDays: { type: 'integer' },
            status: { enum: ['delivered', 'awaiting_delivery', 'not_issued', 'recorded'], description: 'recorded: an event from before receipts were tracked, counted from its own date' },
            countedFrom: date, documentId: { type: ['integer', 'null'] }, issuedDate: { oneOf: [date, { type: 'null' }] }, receivedDate: { oneOf: [date, { type: 'null' }] },
            due: date, open: { type: 'boolean' }, awaitingDelivery: { type: 'boolean', description: 'open and counted provisionally (not issued, or receipt not recorded)' },
          },
        },
      },
      awaitingDelivery: { type: 'boolean', description: 'an open period is counted provisionally: its notice is not issued or its receipt not recorded' },
      provisional: { type: 'boolean' },
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
      complex: { oneOf: [{ type: 'null' }, { type: 'object', properties: { reason: { type: 'string' }, markedBy: { type: 'string' }, markedDate: date } }], description: '复杂疑难 (issue 14): the mark and its reason, or null' },
      conferences: { type: 'array', items: ref('Conference'), description: 'the case conferences (会商研判, issue 14), oldest first' },
      mayConvene: { type: 'boolean', description: 'the caller may convene a conference (and mark the case complex) now' },
      attachments: { type: 'array', items: { type: 'object', properties: { id: { type: 'integer' }, filename: { type: 'string' }, mime: { type: 'string' }, size: { type: 'integer' }, sha256: { type: 'string' }, origin: { type: 'string', enum: ['filed', 'event', 'answer', 'correction'], description: 'filed: the application and scans added to it; event: came with an event (a paper opinion); answer: another agency’s answer; correction: correction material the applicant uploaded online (issue 16)' } } } },
      history: { type: 'array', items: { type: 'object' }, description: 'the case\'s events, with NOTICE_ISSUED and NOTICE_DELIVERED: a notice\'s issue and a document\'s receipt (§2.8)' },
      allowedEvents: { type: 'array', items: { enum: APPLICATION_EVENT_TYPES } },
      progress: {
        type: 'array', description: 'the steps of the case (登记 补正 办理/征询 拟稿 保密审查 签发 送达 办结) as they happened',
        items: { type: 'object', properties: { key: { type: 'string' }, label: { type: 'string' }, status: { enum: ['done', 'current', 'skipped', 'todo'] }, note: { type: 'string', description: 'why a skipped step did not happen' } } },
      },
      concluded: {
        type: ['object', 'null'], description: 'a closed case: the day it closed, how, and the working days from receipt',
        properties: { date, how: { type: ['string', 'null'] }, workingDays: { type: ['integer', 'null'] } },
      },
      documents: { type: 'array', items: ref('Document') },
      contacts: {
        type: 'array', description: 'issue 14: contacts with the applicant (沟通记录), oldest first; not steps of the case (state, version and clock unchanged)',
        items: {
          type: 'object', properties: {
            id: { type: 'integer' }, date, time: { type: ['string', 'null'] }, channel: { enum: ['phone', 'visit', 'email', 'sms', 'letter'] },
            staff: { type: 'string' }, counterpart: { type: ['string', 'null'] }, summary: { type: 'string' },
            outcome: { enum: ['clarified', 'narrowed', 'explained', 'withdrew', 'dissatisfied', 'other'] }, contentSha256: { type: 'string' },
            recordedBy: { type: 'object' }, recordedAt: { type: 'string' }, files: { type: 'array', items: { type: 'object' } },
          },
        },
      },
      dataFiles: {
        type: 'array', description: 'issue 14: data files (CSV, XLSX) a reply can provide: rows (header not counted), columns and SHA-256 as the desk counted them',
        items: { type: 'object', properties: { id: { type: 'integer' }, title: { type: 'string' }, filename: { type: 'string' }, format: { enum: ['csv', 'xlsx'] }, size: { type: 'integer' }, rows: { type: 'integer' }, columns: { type: 'integer' }, sha256: { type: 'string' } } },
      },
      reply: {
        type: ['object', 'null'],
        description: 'the current reply draft and its review (issue 13): decision, reasons and facts; the reviewer\'s approval with its opinion (审查意见) and checklist, the returns with their opinions, and the returns before signing (签发前退回); null before a draft and in lists',
        properties: {
          decision: { enum: DECISION_CODES }, decisionLabel: { type: 'string' }, reasons: { type: ['string', 'null'] }, details: { type: ['object', 'null'] },
          drafted: { type: 'object', properties: { by: { type: 'object' }, date } },
          review: { type: 'object', properties: { approved: { type: ['object', 'null'] }, returns: { type: 'array', items: { type: 'object' } } } },
          signoffReturns: { type: 'array', items: { type: 'object', properties: { date, to: { enum: ['caseworker', 'reviewer'] }, toLabel: { type: 'string' }, reason: { type: 'string' }, by: { type: 'object' } } } },
        },
      },
      unissuedNotices: {
        type: 'array', description: 'notices an event drafted that are not issued yet: the event already moved the clock',
        items: { type: 'object', properties: { documentId: { type: 'integer' }, kind: { type: 'string' }, title: { type: 'string' }, eventType: { type: ['string', 'null'] }, eventLabel: { type: ['string', 'null'] }, eventDate: { oneOf: [date, { type: 'null' }] } } },
      },
    },
  },
  Appeal: {
    type: 'object',
    description: 'a reconsideration (行政复议) or litigation (行政诉讼) case against a reply, where the agency answers (issue 5)',
    properties: {
      id: { type: 'integer' }, applicationId: { type: 'integer' }, caseNumber: { type: 'string', description: 'the application\'s' }, agency: { type: 'string' },
      kind: { enum: Object.keys(APPEAL_KINDS) }, kindLabel: { type: 'string' }, procedure: { enum: ['ordinary', 'simplified', 'first_instance', 'second_instance'] },
      simplified: { type: 'boolean' }, body: { type: 'string', description: '复议机关 or 法院' }, externalCaseNumber: { type: 'string', description: '案号' },
      receivedDate: date, acceptedDate: { oneOf: [date, { type: 'null' }] }, filedDate: { oneOf: [date, { type: 'null' }] },
      afterReconsideration: { type: ['integer', 'null'], description: 'the reconsideration case this litigation follows' }, claims: { type: ['string', 'null'] },
      state: { enum: Object.keys(APPEAL_STATES) }, stateLabel: { type: 'string' }, version: { type: 'integer' },
      outcome: { enum: ['upheld', 'corrected', 'other', null] }, decisionType: { type: ['string', 'null'] }, decisionDate: { oneOf: [date, { type: 'null' }] },
      source: { enum: ['desk', 'reconsideration_system'], description: 'logged by the legal staff, or received from the reconsideration body\'s system through the data exchange (issue 14)' },
      sourceClient: { type: ['object', 'null'], properties: { id: { type: 'integer' }, name: { type: 'string' } }, description: 'the API client it was received from' },
      decision: { type: ['object', 'null'], properties: { date, outcome: { type: 'string' }, decisionType: { type: 'string' }, decisionForm: { enum: ['judgment', 'ruling', null] }, newReplyDueDate: { oneOf: [date, { type: 'null' }] }, summary: { type: 'string' } } },
      deadlines: {
        type: 'object',
        properties: {
          answerDue: date, decisionExpected: { oneOf: [date, { type: 'null' }] }, appealDeadline: { oneOf: [date, { type: 'null' }], description: 'last day to sue or to appeal' },
          appealWindowOpen: { type: 'boolean' }, newReplyDue: { oneOf: [date, { type: 'null' }] }, provisional: { type: 'boolean' }, provisionalYears: { type: 'array', items: { type: 'integer' } },
          explanation: { type: 'array', items: { type: 'string' }, description: 'how each deadline was reached, citing the article (Chinese)' },
          answerOverdue: { type: 'boolean' }, answerDueSoon: { type: 'boolean' },
        },
      },
      history: { type: 'array', items: { type: 'object', properties: { seq: { type: 'integer' }, type: { type: 'string' }, date, payload: { type: 'object' }, actor: { type: 'object' }, recordedAt: { type: 'string' } } }, description: 'empty in lists' },
      allowedEvents: { type: 'array', items: { enum: APPEAL_EVENT_TYPES }, description: 'the events the caller may send now; empty in lists' },
      note: { type: ['object', 'null'], description: '案例汇编 write-up {facts, issues, result, lessons, updatedAt}' },
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
      statusLabel: { type: 'string', description: '草稿, 已签发 (a reply: signed by the head of the disclosure office), 已发出 (any other document), 已被更正' },
      templateLabel: { type: 'string', description: 'the template in Chinese, e.g. 答复书（予以公开）第1版' },
      delivery: {
        type: ['object', 'null'], description: '送达: null until the receipt is recorded (POST /api/documents/{id}/delivered)',
        properties: {
          date, method: { enum: Object.keys(DOCUMENT_DELIVERY_METHODS) }, methodLabel: { type: 'string' }, trackingNumber: { type: ['string', 'null'] },
          signedBy: { type: ['string', 'null'] }, note: { type: ['string', 'null'] }, recordedBy: { type: ['string', 'null'] }, recordedAt: { type: 'string' },
        },
      },
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
    description: 'payload fields per event type, see issue 3 (items, periodWorkingDays, kind, party, consultationId, opinion, reasons, workingDays, reason, basis, pages, amount, decision, checklist, method). ' +
      'Issue 12: DRAFT_REPLY and REPLY_ON_THE_SPOT carry the facts of their decision (disclosure, provided, withheld, responsibleAgency, search, law, thirdParty, earlierReply, excessive, basis, recordsCorrection, referTo; see the events request body); reasons are required for every decision but disclose; a missing fact answers 422 naming the field. ' +
      'Issue 7: START_CONSULTATION of kind agency with agencyCode of an agency in the system sends the letter (issued at once) to that agency\'s inbox; ' +
      'optional parts (征求意见的内容); party is then taken from the register. TRANSFER {agencyCode, reason} (approver) hands the application over to that agency ' +
      '(转办, Art. 36(五)): this case closes as unavailable.not_held with a signed notice, and the receiving agency gets a new case received on the transfer date. ' +
      'RECORD_OPINION with opinion deemed_consent is recorded only by the platform (Art. 34). ' +
      'DRAFT_REPLY may carry passages: [id | {id, version}] — the reply passages (答复口径) whose wording the draft uses; each must be approved, in force and not retired ' +
      '(a version given must be the one in force), else 422 and nothing is written; the history stores [{id, version, title}] and each use is counted. ' +
      'ISSUE_FEE_NOTICE {basis, pages?, amount?}: the server computes the fee as POST /api/fees/quote does for this application (per_application: its rank among ' +
      'the applicant\'s applications of its month of receipt, all agencies); amount omitted → filled in; a different amount → 422; a free application → 422; ' +
      'the history stores breakdown (and nthInMonth, month for per_application). ' +
      'Issue 12: REQUEST_CORRECTION takes grounds [unclear | no_identity | no_contact | not_one_matter | no_form | other] and guidance (指导和释明; required with other); ' +
      'START_CONSULTATION takes ground (third_party: trade_secret | privacy | other; agency: joint | other) and groundNote (required with other), parts = the information that would be disclosed; ' +
      'REQUEST_REASONS takes periodWorkingDays (1–30, default 15). The history marks these four with periodRunsFrom: receipt — their periods run from the notice\'s receipt (§2.8). ' +
      'RECORD_DELIVERY {method} records the reply\'s delivery like POST /api/documents/{replyId}/delivered {date, method}.',
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
};
