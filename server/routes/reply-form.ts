// The reply editor without JavaScript (issue 12): DRAFT_REPLY and REPLY_ON_THE_SPOT forms carry one
// fieldset of facts per decision, each field named `<decision>/<path>` (`disclose/disclosure.url`,
// `partial/withheld.ground`). Only the chosen decision's fieldset becomes the event; rows repeat a
// name (withheld parts, zipped by position, empty rows dropped); a list of documents is a textarea,
// one per line, `名称｜页数`. The event is then parsed by the event's strict schema and judged by
// the machine like any API call; what was typed is shown again on a refusal.
import { isDecisionCode } from '../../workflows/decisions.js';

type Form = Record<string, unknown>;
type Values = Record<string, string | string[]>;

const REPLY_EVENTS = new Set(['DRAFT_REPLY', 'REPLY_ON_THE_SPOT']);
const one = (v: unknown): string => (Array.isArray(v) ? String(v[0] ?? '') : typeof v === 'string' ? v : '').trim();
const many = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : []);
const given = (o: Record<string, unknown>) => Object.values(o).some((v) => v !== undefined && v !== '');
/** Only what was filled in: empty strings are "not given" (as dropEmpty does at the top level). */
const compact = <T extends Record<string, unknown>>(o: T): T =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== '')) as T;

/** `名称｜12` (or `名称|12`, `名称｜12页`) per line → [{title, pages}]. A line whose tail is no number stays whole. */
export function parseItemLines(text: string): { title: string; pages?: number }[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)
    .map((line) => {
      const m = /^(.*\S)\s*[｜|]\s*(\d{1,7})\s*页?$/u.exec(line);
      return m ? { title: m[1]!.trim(), pages: Number(m[2]) } : { title: line.replace(/\s*[｜|]\s*$/u, '') };
    });
}

/** Ticked data files (their ids) → items naming them; the server fills in the rest. */
const dataFileItems = (ids: string[]): { dataFileId: string }[] => ids.map((x) => x.trim()).filter(Boolean).map((dataFileId) => ({ dataFileId }));

export function itemLines(items: readonly { title: string; pages?: number | null }[] | undefined): string {
  return (items ?? []).map((i) => (i.pages ? `${i.title}｜${i.pages}` : i.title)).join('\n');
}

/**
 * The event of a reply form: the decision's own `<decision>/…` fields nested into its facts, the
 * other decisions' fieldsets left out. Any other field stays as it came (the schema refuses it).
 */
export function replyEventFromForm(form: Form): Form {
  if (!REPLY_EVENTS.has(one(form.type))) return form;
  const decision = one(form.decision);
  const out: Form = {};
  const own: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(form)) {
    const slash = key.indexOf('/');
    if (slash < 0) out[key] = value;
    else if (!isDecisionCode(key.slice(0, slash))) out[key] = value;
    else if (key.slice(0, slash) === decision) own[key.slice(slash + 1)] = value;
  }
  const take = (path: string) => {
    const v = own[path];
    delete own[path];
    return one(v);
  };
  const takeAll = (path: string) => {
    const v = own[path];
    delete own[path];
    return many(v);
  };
  switch (decision) {
    case 'disclose': {
      const mode = take('disclosure.mode');
      const url = take('disclosure.url');
      const section = take('disclosure.section');
      const publishedDate = take('disclosure.publishedDate');
      // Issue 14: data files ticked are provided items (their titles, rows and hashes come from the desk).
      const items = [...parseItemLines(take('disclosure.items')), ...dataFileItems(takeAll('dataFiles'))];
      const delivery = take('disclosure.delivery');
      const availableDate = take('disclosure.availableDate');
      if (mode === 'published') out.disclosure = compact({ mode, url, section, publishedDate });
      else if (mode === 'provided') out.disclosure = compact({ mode, items, delivery });
      else if (mode === 'later') out.disclosure = compact({ mode, items, delivery, availableDate });
      else if (mode) out.disclosure = { mode };
      break;
    }
    case 'partial': {
      const items = [...parseItemLines(take('provided')), ...dataFileItems(takeAll('dataFiles'))];
      if (items.length) out.provided = items;
      const grounds = takeAll('withheld.ground');
      const parts = takeAll('withheld.part');
      const lawNames = takeAll('withheld.law.name');
      const lawArticles = takeAll('withheld.law.article');
      const rows = [];
      for (let i = 0; i < Math.max(grounds.length, parts.length, lawNames.length, lawArticles.length); i++) {
        const law = compact({ name: (lawNames[i] ?? '').trim(), article: (lawArticles[i] ?? '').trim() });
        const row = compact({ ground: (grounds[i] ?? '').trim(), part: (parts[i] ?? '').trim(), law: given(law) ? law : undefined });
        if (given(row)) rows.push(row);
      }
      if (rows.length) out.withheld = rows;
      const thirdParty = compact({ consultationId: take('thirdParty.consultationId'), publicInterest: take('thirdParty.publicInterest') });
      // The third party's opinion belongs to a part withheld on its behalf only.
      if (rows.some((r) => r.ground === 'withhold.third_party') && given(thirdParty)) out.thirdParty = thirdParty;
      break;
    }
    case 'withhold.law_prohibited':
    case 'withhold.inquiry': {
      const law = compact({ name: take('law.name'), article: take('law.article') });
      if (given(law)) out.law = law;
      const referTo = take('referTo');
      if (referTo) out.referTo = referTo;
      break;
    }
    case 'withhold.third_party': {
      const thirdParty = compact({ consultationId: take('thirdParty.consultationId'), publicInterest: take('thirdParty.publicInterest') });
      if (given(thirdParty)) out.thirdParty = thirdParty;
      break;
    }
    case 'unavailable.not_held': {
      // Art. 36(四) or (五): the form says which; the other's fields are left out.
      const alternative = take('alternative');
      const search = take('search');
      const agency = compact({ name: take('responsibleAgency.name'), contact: take('responsibleAgency.contact') });
      if (alternative === 'agency') {
        if (given(agency)) out.responsibleAgency = agency;
      } else if (search) out.search = search;
      break;
    }
    case 'not_processed.repeat': {
      const earlierReply = compact({ number: take('earlierReply.number'), date: take('earlierReply.date') });
      if (given(earlierReply)) out.earlierReply = earlierReply;
      break;
    }
    case 'not_processed.excessive': {
      const period = compact({ from: take('excessive.period.from'), to: take('excessive.period.to') });
      const excessive = compact({ count: take('excessive.count'), period: given(period) ? period : undefined, applicantAnswer: take('excessive.applicantAnswer') });
      if (given(excessive)) out.excessive = excessive;
      break;
    }
    case 'not_processed.petition':
    case 'not_processed.publication': {
      const referTo = take('referTo');
      if (referTo) out.referTo = referTo;
      break;
    }
    case 'other.other': {
      // Art. 41: a request to correct the applicant's own records, when ticked.
      const isCorrection = take('recordsCorrection') !== '';
      const basis = take('basis');
      const outcome = take('recordsCorrection.outcome');
      const agency = compact({ name: take('recordsCorrection.agency.name'), contact: take('recordsCorrection.agency.contact') });
      const rc = compact({
        record: take('recordsCorrection.record'), outcome,
        correction: outcome === 'corrected' ? take('recordsCorrection.correction') : undefined,
        correctedDate: outcome === 'corrected' ? take('recordsCorrection.correctedDate') : undefined,
        agency: outcome === 'not_competent' && given(agency) ? agency : undefined,
        forwarded: outcome === 'not_competent' && take('recordsCorrection.forwarded') !== '' ? true : undefined,
      });
      take('recordsCorrection.correction');
      take('recordsCorrection.correctedDate');
      take('recordsCorrection.forwarded');
      if (isCorrection) out.recordsCorrection = rc;
      else if (basis) out.basis = basis;
      break;
    }
    default:
      break;
  }
  // Fields of the chosen decision the form does not know: kept under their name, refused by the schema.
  for (const [path, value] of Object.entries(own)) out[`${decision}/${path}`] = value;
  return out;
}

// ---------------------------------------------------------------------------------------------
// What the form shows: the facts of the latest draft, or facts the case already holds

type Loose = Record<string, unknown>;
const obj = (v: unknown): Loose | null => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Loose) : null);
const rows = (v: unknown): Loose[] => (Array.isArray(v) ? v.map(obj).filter((x): x is Loose => x !== null) : []);
// Items that are data files are ticked boxes, not lines (issue 14).
const itemsOf = (v: unknown) => rows(v).filter((i) => !obj(i.dataFile)).map((i) => ({ title: String(i.title ?? ''), pages: typeof i.pages === 'number' ? i.pages : Number(i.pages) || null }));
const dataFileIdsOf = (v: unknown): string[] => rows(v).map((i) => obj(i.dataFile)?.id).filter((id) => typeof id === 'number').map(String);

/**
 * The form values of a reply's facts (the inverse of replyEventFromForm), for the decision given.
 * Reads a stored payload as it is: one recorded before issue 12 (free texts, `withheld` a string)
 * gives no facts, and nothing of it breaks the page.
 */
export function replyFormValues(decision: string, facts: Loose): Values {
  const v: Values = {};
  const set = (path: string, value: unknown) => {
    if (typeof value === 'string' || typeof value === 'number') {
      if (value !== '') v[`${decision}/${path}`] = String(value);
    }
  };
  const d = obj(facts.disclosure);
  if (d) {
    set('disclosure.mode', d.mode);
    if (d.mode === 'published') {
      set('disclosure.url', d.url);
      set('disclosure.section', d.section);
      set('disclosure.publishedDate', d.publishedDate);
    } else {
      set('disclosure.items', itemLines(itemsOf(d.items)));
      if (dataFileIdsOf(d.items).length) v[`${decision}/dataFiles`] = dataFileIdsOf(d.items);
      set('disclosure.delivery', d.delivery);
      if (d.mode === 'later') set('disclosure.availableDate', d.availableDate);
    }
  }
  if (Array.isArray(facts.provided)) {
    set('provided', itemLines(itemsOf(facts.provided)));
    if (dataFileIdsOf(facts.provided).length) v[`${decision}/dataFiles`] = dataFileIdsOf(facts.provided);
  }
  const withheld = rows(facts.withheld);
  if (withheld.length) {
    const s = (x: unknown) => (typeof x === 'string' ? x : '');
    v[`${decision}/withheld.ground`] = withheld.map((w) => s(w.ground));
    v[`${decision}/withheld.part`] = withheld.map((w) => s(w.part));
    v[`${decision}/withheld.law.name`] = withheld.map((w) => s(obj(w.law)?.name));
    v[`${decision}/withheld.law.article`] = withheld.map((w) => s(obj(w.law)?.article));
  }
  const tp = obj(facts.thirdParty);
  if (tp) {
    set('thirdParty.consultationId', tp.consultationId);
    set('thirdParty.publicInterest', tp.publicInterest);
  }
  const law = obj(facts.law);
  if (law) {
    set('law.name', law.name);
    set('law.article', law.article);
  }
  const agency = obj(facts.responsibleAgency);
  if (agency) {
    set('alternative', 'agency');
    set('responsibleAgency.name', agency.name);
    set('responsibleAgency.contact', agency.contact);
  } else if (typeof facts.search === 'string' && facts.search) {
    set('alternative', 'search');
    set('search', facts.search);
  }
  const earlier = obj(facts.earlierReply);
  if (earlier) {
    set('earlierReply.number', earlier.number);
    set('earlierReply.date', earlier.date);
  }
  const x = obj(facts.excessive);
  if (x) {
    set('excessive.count', x.count);
    set('excessive.period.from', obj(x.period)?.from);
    set('excessive.period.to', obj(x.period)?.to);
    set('excessive.applicantAnswer', x.applicantAnswer);
  }
  set('referTo', facts.referTo);
  set('basis', facts.basis);
  const rc = obj(facts.recordsCorrection);
  if (rc) {
    set('recordsCorrection', 'on');
    set('recordsCorrection.record', rc.record);
    set('recordsCorrection.outcome', rc.outcome);
    set('recordsCorrection.correction', rc.correction);
    set('recordsCorrection.correctedDate', rc.correctedDate);
    set('recordsCorrection.agency.name', obj(rc.agency)?.name);
    set('recordsCorrection.agency.contact', obj(rc.agency)?.contact);
    if (rc.forwarded === true) set('recordsCorrection.forwarded', 'on');
  }
  return v;
}

interface CaseForForm {
  request: { delivery?: string | null };
  consultations: unknown[];
  history: { type: string; date: string; payload: Record<string, unknown> }[];
}
interface RelatedForForm {
  applications: { likelyRepeat: boolean; reply: { number: string | null; issuedDate: string | null } | null }[];
}

/**
 * What the reply editor shows before anything is typed: the latest draft's decision, reasons and
 * facts; else, per decision, the facts the case already holds, for the caseworker to confirm —
 * the applicant's chosen delivery, the third-party consultation answered last, the earlier reply
 * of a likely repeat (Art. 36(六)), the count of the request for reasons (Art. 35).
 */
export function replyFormDefaults(app: CaseForForm, related: RelatedForForm | null): Values {
  const v: Values = {
    'disclose/disclosure.mode': 'provided',
    'unavailable.not_held/alternative': 'search',
  };
  if (app.request.delivery) v['disclose/disclosure.delivery'] = app.request.delivery;
  const answered = (app.consultations as { id: string; kind: string; opinion: string | null }[])
    .filter((c) => c.kind === 'third_party' && c.opinion !== null && c.opinion !== 'consent').at(-1);
  if (answered) {
    v['withhold.third_party/thirdParty.consultationId'] = answered.id;
    v['partial/thirdParty.consultationId'] = answered.id;
  }
  const repeat = related?.applications.find((a) => a.likelyRepeat && a.reply?.number);
  if (repeat?.reply) {
    v['not_processed.repeat/earlierReply.number'] = repeat.reply.number!;
    if (repeat.reply.issuedDate) v['not_processed.repeat/earlierReply.date'] = repeat.reply.issuedDate;
  }
  const asked = app.history.filter((h) => h.type === 'REQUEST_REASONS').at(-1);
  if (asked) {
    if (typeof asked.payload.monthCount === 'number') v['not_processed.excessive/excessive.count'] = String(asked.payload.monthCount);
    v['not_processed.excessive/excessive.period.from'] = `${asked.date.slice(0, 7)}-01`;
    v['not_processed.excessive/excessive.period.to'] = asked.date;
  }
  const draft = app.history.filter((h) => h.type === 'DRAFT_REPLY').at(-1);
  if (draft && typeof draft.payload.decision === 'string') {
    const decision = draft.payload.decision;
    v.decision = decision;
    if (typeof draft.payload.reasons === 'string') v.reasons = draft.payload.reasons;
    Object.assign(v, replyFormValues(decision, draft.payload));
  }
  return v;
}
