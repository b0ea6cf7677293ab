import assert from 'node:assert/strict';
import type request from 'supertest';
import { createTestEnv, csrfOf, loginAgent, type TestEnv } from '../helpers/test-app.js';
import { settleExportJobs } from '../../server/reports/export-jobs.js';
import { DEMO_AGENCIES, DEMO_PASSWORD, DEMO_USERS, loadDemoData } from '../../seeds/demo.js';
import { DEMO_SECOND_MANAGER } from '../../seeds/demo-passages.js';
import { DECISION_CODES } from '../../workflows/decisions.js';
import { APPLICATION_EVENT_TYPES, APPLICATION_STATES } from '../../workflows/application.machine.js';
import { APPEAL_EVENT_TYPES, APPEAL_STATES } from '../../workflows/appeal.machine.js';
import { CHANNELS, CONTACT_CHANNELS, CONTACT_OUTCOMES, DATA_FILE_FORMATS, DATA_FORMS, DELIVERY_METHODS, DOCUMENT_DELIVERY_METHODS } from '../../workflows/glossary.js';
import { DOCUMENT_KINDS } from '../../workflows/terms.js';
import { listTemplates } from '../../server/documents/document-templates.js';
import { NOTICE_DELIVERED, NOTICE_ISSUED } from '../../workflows/notice-periods.js';

// Issue 13, on the demo data (the story a new user first sees): the data are consistent — nothing
// dated before what it follows — and no page a person reaches shows a raw code.

describe('demo data (issue 13)', function () {
  this.timeout(300_000);
  let env: TestEnv;
  let today: string;

  before(async () => {
    env = await createTestEnv({ seed: false });
    await loadDemoData(env.db, env.ctx.config, env.ctx.clock);
    today = env.ctx.clock.today();
  });
  after(async () => env?.close());

  describe('is consistent', () => {
    it('every case is registered the day it was received, its receipt dated that day, its history in date order', async () => {
      const apps = await env.db('applications').select('id', 'case_number', 'received_date', 'concluded_date', 'state');
      assert.ok(apps.length >= 15, `${apps.length} demo cases`);
      for (const a of apps) {
        const events = await env.db('application_events').where({ application_id: a.id }).orderBy('seq').select('seq', 'type', { date: 'effective_date' });
        assert.equal(events[0]?.type, 'REGISTER', a.case_number);
        assert.equal(events[0]?.date, a.received_date, `${a.case_number}: registered on the day received`);
        events.forEach((e, i) => assert.equal(Number(e.seq), i + 1, `${a.case_number}: seq without gaps`));
        const steps = events.filter((e) => e.type !== NOTICE_ISSUED && e.type !== NOTICE_DELIVERED);
        for (let i = 1; i < steps.length; i++) {
          assert.ok(steps[i]!.date >= steps[i - 1]!.date, `${a.case_number}: ${steps[i]!.type} (${steps[i]!.date}) before ${steps[i - 1]!.type} (${steps[i - 1]!.date})`);
        }
        for (const e of events) assert.ok(e.date >= a.received_date && e.date <= today, `${a.case_number}: ${e.type} dated ${e.date}`);
        if (a.state === 'closed') assert.ok(a.concluded_date, `${a.case_number}: closed, so concluded`);
        if (a.concluded_date) assert.ok(a.concluded_date >= a.received_date && a.concluded_date <= today, `${a.case_number}: concluded ${a.concluded_date}`);
      }
    });

    it('no document is dated before the case was received, after today, or (a case closed) after it closed; no receipt after its reply', async () => {
      const docs = await env.db('documents as d').join('applications as a', 'a.id', 'd.application_id').whereNot('d.status', 'draft')
        .select('d.id', 'd.kind', 'd.number', 'd.issued_date', 'a.id as app', 'a.case_number', 'a.received_date', 'a.concluded_date');
      assert.ok(docs.length > 20);
      for (const d of docs) {
        const what = `${d.case_number} ${d.kind} ${d.number} (${d.issued_date})`;
        assert.ok(d.issued_date >= d.received_date, `${what}: before the application was received`);
        assert.ok(d.issued_date <= today, `${what}: after today`);
        if (d.concluded_date) assert.ok(d.issued_date <= d.concluded_date, `${what}: after the case closed (${d.concluded_date})`);
      }
      for (const receipt of docs.filter((d) => d.kind === 'receipt')) {
        assert.equal(receipt.issued_date, receipt.received_date, `${receipt.case_number}: the receipt is dated the day the application was received`);
        for (const other of docs.filter((d) => d.app === receipt.app && d.kind !== 'receipt')) {
          assert.ok(receipt.issued_date <= other.issued_date, `${receipt.case_number}: receipt ${receipt.issued_date} after ${other.kind} ${other.issued_date}`);
        }
      }
    });

    it('numbers follow dates: case numbers the days received, document numbers the days issued', async () => {
      const apps = await env.db('applications').orderBy(['agency_id', 'case_year', 'case_seq']).select('agency_id', 'case_year', 'case_seq', 'case_number', 'received_date');
      for (let i = 1; i < apps.length; i++) {
        const [a, b] = [apps[i - 1]!, apps[i]!];
        if (a.agency_id === b.agency_id && a.case_year === b.case_year) assert.ok(a.received_date <= b.received_date, `${a.case_number} (${a.received_date}) before ${b.case_number} (${b.received_date})`);
      }
      const docs = await env.db('documents').whereNotNull('seq').orderBy(['agency_id', 'family', 'year', 'seq']).select('agency_id', 'family', 'year', 'number', 'issued_date');
      for (let i = 1; i < docs.length; i++) {
        const [a, b] = [docs[i - 1]!, docs[i]!];
        if (a.agency_id === b.agency_id && a.family === b.family && a.year === b.year) assert.ok(a.issued_date <= b.issued_date, `${a.number} (${a.issued_date}) before ${b.number} (${b.issued_date})`);
      }
    });

    it('deliveries follow issue; consultations, appeals and their events follow what they answer', async () => {
      const deliveries = await env.db('document_deliveries as v').join('documents as d', 'd.id', 'v.document_id').select('v.date', 'd.issued_date', 'd.number');
      assert.ok(deliveries.length > 0);
      for (const v of deliveries) assert.ok(v.date >= v.issued_date && v.date <= today, `${v.number}: delivered ${v.date}, issued ${v.issued_date}`);
      const requests = await env.db('consultation_requests as c').join('applications as a', 'a.id', 'c.application_id').select('c.sent_date', 'c.opinion_due', 'a.received_date', 'a.case_number');
      for (const c of requests) assert.ok(c.sent_date >= c.received_date && c.opinion_due > c.sent_date, `${c.case_number}: consulted ${c.sent_date}`);
      const appeals = await env.db('appeals as p').join('applications as a', 'a.id', 'p.application_id')
        .select('p.id', 'p.kind', 'p.external_case_number', 'p.received_date', 'p.accepted_date', 'p.filed_date', 'a.concluded_date');
      assert.equal(appeals.length, 2);
      for (const p of appeals) {
        assert.ok(p.concluded_date && p.received_date > p.concluded_date, `${p.external_case_number}: the copy arrives after the reply it contests`);
        const started = p.kind === 'reconsideration' ? p.accepted_date : p.filed_date;
        if (started) assert.ok(started <= p.received_date && started >= p.concluded_date, `${p.external_case_number}: accepted/filed ${started}`);
        const events = await env.db('appeal_events').where({ appeal_id: p.id }).orderBy('seq').select({ date: 'effective_date' });
        for (let i = 1; i < events.length; i++) assert.ok(events[i]!.date >= events[i - 1]!.date && events[i]!.date <= today);
      }
    });
    it('two complex applications were studied jointly: one conclusion signed off, one conference awaiting the commission (issue 14)', async () => {
      const rows = await env.db('conferences').orderBy('id');
      assert.deepEqual(rows.map((r: { status: string }) => r.status), ['signed_off', 'open']);
      for (const r of rows) {
        const app = await env.db('applications').where({ id: r.application_id }).first();
        assert.ok(r.convened_date >= app.received_date && (!r.signed_off_date || r.signed_off_date >= r.concluded_date), 'in date order');
      }
      const agent = await loginAgent(env.app, 'caseworker2', DEMO_PASSWORD);
      assert.match((await agent.get('/')).text, /提出会商意见/);
    });

    it('contacts with the applicant fall between receipt and today; a data-form request is answered with a CSV listed by rows and hash (issue 14)', async () => {
      const contacts = await env.db('applicant_contacts as c').join('applications as a', 'a.id', 'c.application_id').select('c.date', 'c.outcome', 'a.received_date', 'a.case_number', 'a.state');
      assert.ok(contacts.length >= 4);
      for (const c of contacts) assert.ok(c.date >= c.received_date && c.date <= today, `${c.case_number}: contact ${c.date}`);
      assert.ok(contacts.some((c) => c.outcome === 'withdrew' && c.state === 'closed'), 'a withdrawal announced by phone, then recorded');
      const data = await env.db('applications').whereNotNull('data_form').select('id', 'state');
      assert.equal(data.length, 1);
      const files = await env.db('data_files').where({ application_id: data[0].id });
      assert.deepEqual(files.map((f) => [f.format, Number(f.rows), Number(f.columns)]), [['csv', 6, 5]]);
      const reply = await env.db('documents').where({ application_id: data[0].id, kind: 'reply', status: 'issued' }).first('body');
      assert.ok(reply.body.includes('共6行数据') && reply.body.includes(files[0].sha256), reply.body);
    });
  });

  describe('pages show no raw code', () => {
    // What must never reach a person's eyes (issue 13): decision, state, channel and delivery codes,
    // event types, document kinds and template names.
    const codes = [
      ...DECISION_CODES,
      ...Object.keys(APPLICATION_STATES), ...Object.keys(APPEAL_STATES),
      ...Object.keys(CHANNELS), ...Object.keys(DELIVERY_METHODS), ...Object.keys(DOCUMENT_DELIVERY_METHODS),
      ...APPLICATION_EVENT_TYPES, ...APPEAL_EVENT_TYPES, NOTICE_ISSUED, NOTICE_DELIVERED, 'REGISTER',
      ...Object.keys(DOCUMENT_KINDS),
      ...listTemplates().map((t) => t.name),
      'upheld', 'corrected', 'reconsideration', 'litigation', 'first_instance', 'second_instance',
      'third_party', 'deemed_consent', 'per_page', 'per_application', 'natural_person', 'organisation',
      // Issue 14: contacts with the applicant and data-form requests.
      ...Object.keys(CONTACT_CHANNELS), ...Object.keys(CONTACT_OUTCOMES), ...Object.keys(DATA_FORMS), ...Object.keys(DATA_FILE_FORMATS),
    ];
    // A code standing alone: not part of a word, an address, a file name or a URL (an e-mail address
    // containing "mail" is the applicant's, not a code).
    const escape = (c: string) => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const CODE = new RegExp(`(?<![\\w@./:#-])(${[...new Set(codes)].sort((a, b) => b.length - a.length).map(escape).join('|')})(?![\\w@/:-]|\\.\\w)`, 'g');

    /** What a person reads: the text of the page, without scripts, styles, attributes and the technical details lines. */
    function visibleText(html: string): string {
      return html
        .replace(/<script\b[\s\S]*?<\/script>/gi, ' ')
        .replace(/<style\b[\s\S]*?<\/style>/gi, ' ')
        .replace(/<details\b[^>]*\bdata-technical\b[\s\S]*?<\/details>/gi, ' ')
        .replace(/<!--[\s\S]*?-->/g, ' ')
        .replace(/<[^>]+>/g, ' ')
        .replace(/&nbsp;/g, ' ').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'")
        .replace(/&#(\d+);/g, (_, n) => String.fromCodePoint(Number(n))).replace(/&#x([0-9a-f]+);/gi, (_, n) => String.fromCodePoint(parseInt(n, 16)))
        .replace(/&amp;/g, '&')
        .replace(/\s+/g, ' ');
    }

    const decodeHref = (h: string) => h.replace(/&amp;/g, '&').replace(/&#39;/g, "'").replace(/&quot;/g, '"');
    /** Pages, not files or data: the API is for programs, downloads are checked by their own tests. */
    const isPage = (href: string) =>
      href.startsWith('/') && !href.startsWith('//') && !href.startsWith('/api/') && !href.startsWith('/static/') && !/\/(pdf|file|download|letter)(\?|$)/.test(href);
    /** One of each kind of page with the same query keys: /applications/12 and /applications/13 are one kind. */
    const kindOf = (href: string) => {
      const u = new URL(href, 'http://x');
      return `${u.pathname.replace(/\/\d+/g, '/:id')}?${[...u.searchParams.keys()].sort().join('&')}`;
    };

    const AGENCY_CODE = new RegExp(`(?<![\\w-])(${DEMO_AGENCIES.map((a) => escape(a.code)).sort((a, b) => b.length - a.length).join('|')})(?![\\w-])`, 'g');
    const users = [...DEMO_USERS.map((u) => u.username), DEMO_SECOND_MANAGER.username];
    /** Every case, appeal and letter; a few of each list filter. */
    const perKindLimit = (kind: string) => (kind.includes(':id') ? 40 : 4);
    const MAX_PAGES = 200;
    /** Pages the lists only link to when they hold something: this year's report (last year's is empty in the demo). */
    const startPages = () => ['/', `/reports/annual?year=${today.slice(0, 4)}`, `/reports/annual?year=${today.slice(0, 4)}&agency=DJQ&below=true`];

    for (const username of users) {
      it(`${username}: every page reachable from the navigation and the lists`, async () => {
        const agent = await loginAgent(env.app, username, DEMO_PASSWORD);
        if (username === 'manager') {
          // An export job, so that the job list and the job's page are seen too.
          const page = await agent.get(`/reports/annual?year=${today.slice(0, 4)}`);
          const job = await agent.post('/reports/exports').type('form')
            .send({ _csrf: csrfOf(page.text), kind: 'annual_ledger', year: today.slice(0, 4), agency: 'DJQ', below: 'true', format: 'csv' });
          assert.equal(job.status, 303);
          await settleExportJobs(env.ctx);
        }
        const seen = new Set<string>();
        const perKind = new Map<string, number>();
        const queue = startPages();
        const found: string[] = [];
        let pages = 0;
        while (queue.length && pages < MAX_PAGES) {
          const href = queue.shift()!;
          if (seen.has(href)) continue;
          seen.add(href);
          const kind = kindOf(href);
          if ((perKind.get(kind) ?? 0) >= perKindLimit(kind)) continue;
          perKind.set(kind, (perKind.get(kind) ?? 0) + 1);
          let res: request.Response = await agent.get(href);
          for (let hops = 0; res.status >= 300 && res.status < 400 && hops < 3; hops++) {
            const to = res.headers.location as string;
            assert.doesNotMatch(to, /_csrf/, `${href} redirects with the CSRF token in the URL`);
            if (!isPage(to)) break;
            seen.add(to);
            res = await agent.get(to);
          }
          if (!/text\/html/.test(String(res.headers['content-type']))) continue;
          assert.ok(res.status < 500, `${href}: ${res.status}`);
          if (res.status === 403 || res.status === 404) continue; // a page this person may not see (this year's report for legal…)
          pages++;
          const html = res.text;
          const text = visibleText(html);
          for (const m of text.matchAll(CODE)) found.push(`${href}: “${m[1]}” in “…${text.slice(Math.max(0, m.index! - 30), m.index! + m[0].length + 30)}…”`);
          if (/\bJSON\b/.test(text)) found.push(`${href}: the word JSON`);
          // Agencies are named, never coded (a case number such as DJQ-GHZY-2026-0001 is the case's, not a code);
          // only the administrator's agency pages show the code, as the field it is.
          if (!href.startsWith('/admin/')) for (const m of text.matchAll(AGENCY_CODE)) found.push(`${href}: agency code “${m[1]}”`);
          for (const [, raw] of html.matchAll(/<a\b[^>]*\bhref="([^"]+)"/g)) {
            const link = decodeHref(raw!);
            assert.doesNotMatch(link, /_csrf=/, `${href} links to ${link}`);
            // A link into the API must be a file a person opens (a PDF, a spreadsheet, an attachment), never data.
            if (link.startsWith('/api/')) {
              assert.match(link, /\.(pdf|xlsx|csv)(\?|$)|\/(pdf|file|letter|evidence-list\.pdf)(\?|$)|\/attachments\/\d+$/, `${href} links to the data ${link}`);
            }
            if (isPage(link) && !seen.has(link)) queue.push(link);
          }
        }
        if (process.env.CRAWL_DEBUG) console.log(username, pages, [...perKind.keys()].join(" "));
        assert.ok(pages >= 3, `${username}: only ${pages} pages reached`);
        assert.deepEqual(found, [], `raw codes shown to ${username}:\n${found.join('\n')}`);
      });
    }
  });

  describe('forms that help', () => {
    const text = (html: string) => html.replace(/<details\b[^>]*\bdata-technical\b[\s\S]*?<\/details>/gi, ' ').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

    it('a refused 征询件 answer keeps what was typed and says what is wrong beside the field', async () => {
      const agent = await loginAgent(env.app, 'caseworker2', DEMO_PASSWORD);
      const list = await agent.get('/consultations');
      const href = /href="(\/consultations\/\d+)"/.exec(list.text)![1]!;
      const page = await agent.get(href);
      assert.match(page.text, /意见期限/);
      const refused = await agent.post(`${href}/answer`).field('_csrf', csrfOf(page.text)).field('opinion', 'object').field('reasons', '  ');
      assert.equal(refused.status, 422);
      assert.match(refused.text, /<input type="radio" name="opinion" value="object"\s+checked>/, 'the opinion chosen stays chosen');
      assert.match(refused.text, /<span class="field-error" id="err-reasons" role="alert">不同意公开的，须说明理由和依据（第三十四条）<\/span>/);
    });

    it('a refused registration of a suit shows the suit\'s fields, with what was typed and the message beside the field', async () => {
      const agent = await loginAgent(env.app, 'legal', DEMO_PASSWORD);
      const appeals = await agent.get('/appeals');
      const appId = /href="\/applications\/(\d+)"/.exec(appeals.text)![1]!;
      const form = await agent.get(`/applications/${appId}/appeals/new?kind=litigation`);
      assert.match(form.text, /<fieldset data-kind="reconsideration" hidden disabled>/);
      assert.match(form.text, /<fieldset data-kind="litigation" >/);
      assert.match(form.text, /id="l-body" name="body" value="东江区人民法院"/, 'the court from the agency\'s settings');
      const refused = await agent.post(`/applications/${appId}/appeals`).type('form')
        .send({ _csrf: csrfOf(form.text), kind: 'litigation', procedure: 'first_instance', body: '东江区人民法院', externalCaseNumber: '', receivedDate: today, claims: '判令被告重新答复' });
      assert.equal(refused.status, 422);
      assert.match(refused.text, /<fieldset data-kind="litigation" >/);
      assert.match(refused.text, /<fieldset data-kind="reconsideration" hidden disabled>/);
      assert.match(refused.text, /id="err-externalCaseNumber" role="alert">请填写案号/);
      assert.match(refused.text, />判令被告重新答复<\/textarea>/);
    });

    it('the audit log says each entry as a sentence, with the JSON behind a click and a filter in Chinese', async () => {
      const agent = await loginAgent(env.app, 'admin', DEMO_PASSWORD);
      const page = await agent.get('/admin/audit?action=application.register');
      assert.equal(page.status, 200);
      const visible = text(page.text);
      assert.match(visible, /时间（北京时间）/);
      assert.match(visible, /李娜（承办人）登记申请 DJQ-GHZY-2026-\d{4}/);
      assert.doesNotMatch(visible, /\b(auth|application|document|passage|appeal|user|agency|calendar|report|consultation|account)\.[a-z_]+/, 'no action code outside the details');
      assert.doesNotMatch(visible, /[{}]/, 'no JSON outside the details');
      assert.match(page.text, /<details data-technical><summary[^>]*>记录内容<\/summary><pre class="mono">\{\n {2}&#34;id&#34;/);
      assert.match(page.text, /<option value="application.register" selected>登记申请<\/option>/);
      const rows = page.text.match(/<tr class="audit-entry">/g) ?? [];
      assert.ok(rows.length >= 15 && rows.length <= 50, `${rows.length} entries`);
      assert.equal((visible.match(/）登记申请 /g) ?? []).length, rows.length, 'only registrations');
    });

    it('the work calendar takes a range, or the State Council\'s notice pasted in, at once', async () => {
      const agent = await loginAgent(env.app, 'admin', DEMO_PASSWORD);
      const next = Number(today.slice(0, 4)) + 1;
      const page = await agent.get(`/admin/calendar?year=${next}`);
      const csrf = csrfOf(page.text);
      const pasted = await agent.post('/admin/calendar/list').type('form').send({
        _csrf: csrf, year: String(next), kind: 'holiday', note: '放假安排通知',
        dates: '二、春节：2月6日（星期六）至13日（星期六）放假调休，共8天。2月14日（星期日）上班。',
      });
      assert.equal(pasted.status, 303, pasted.text);
      assert.match(decodeURIComponent(pasted.headers.location as string), /已保存 9 天（放假 8 天、调休上班 1 天）/);
      const rows = await env.db('calendar_overrides').where('date', 'like', `${next}-02-%`).orderBy('date').select('date', 'kind', 'note');
      assert.equal(rows.length, 9);
      assert.deepEqual({ ...rows.at(-1) }, { date: `${next}-02-14`, kind: 'workday', note: '放假安排通知' });
      const range = await agent.post('/admin/calendar').type('form').send({ _csrf: csrf, date: `${next}-10-01`, to: `${next}-10-07`, kind: 'holiday', note: '国庆' });
      assert.equal(range.status, 303);
      assert.equal((await env.db('calendar_overrides').where('date', 'like', `${next}-10-%`)).length, 7);
      const bad = await agent.post('/admin/calendar/list').type('form').send({ _csrf: csrf, year: String(next), kind: 'holiday', dates: '2月30日放假' });
      assert.equal(bad.status, 422);
      assert.match(bad.text, /id="err-dates" role="alert">“2月30日”不是有效日期/);
      assert.match(bad.text, />2月30日放假<\/textarea>/, 'what was pasted is kept');
    });
  });
});
