// Progressive enhancement only: every page works without this file.
document.addEventListener('DOMContentLoaded', () => {
  // Registration form: show only the fields of the chosen applicant kind.
  const form = document.querySelector('form.form-grid');
  const radios = document.querySelectorAll('input[name="applicant.kind"]');
  if (form && radios.length) {
    const sync = () => {
      const checked = document.querySelector('input[name="applicant.kind"]:checked');
      form.dataset.kind = checked ? checked.value : 'natural_person';
    };
    radios.forEach((r) => r.addEventListener('change', sync));
    sync();
  }
});

// Export progress (issue 6): poll the job's JSON and move the bar; without JS the page refreshes itself.
document.addEventListener('DOMContentLoaded', () => {
  const box = document.getElementById('export-job');
  if (!box || (box.dataset.status !== 'queued' && box.dataset.status !== 'running')) return;
  const bar = document.getElementById('export-progress');
  const count = document.getElementById('export-count');
  const status = document.getElementById('export-status');
  const tick = async () => {
    try {
      const res = await fetch(box.dataset.url, { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
      if (!res.ok) return void setTimeout(tick, 3000);
      const job = await res.json();
      status.textContent = job.statusLabel;
      if (job.percent !== null) bar.value = job.percent;
      if (job.total !== null) count.textContent = `已处理 ${job.done.toLocaleString('zh-CN')} / ${job.total.toLocaleString('zh-CN')} 件（${job.percent}%）`;
      if (job.status === 'queued' || job.status === 'running') return void setTimeout(tick, 700);
      window.location.reload(); // done or failed: the server renders the download link or the message
    } catch {
      setTimeout(tick, 3000);
    }
  };
  setTimeout(tick, 500);
});

// Registration (issue 7): when the request text loses focus, show the applicant's other applications
// (likely repeats, Art. 36(六); monthly volume, Art. 35) under it. Without JS the new case's page shows them.
document.addEventListener('DOMContentLoaded', () => {
  const form = document.querySelector('form.form-grid');
  const text = document.getElementById('request.description');
  if (!form || !text || !form.querySelector('input[name="applicant.kind"]')) return;
  const box = document.createElement('div');
  box.className = 'applicant-check';
  box.setAttribute('aria-live', 'polite');
  (text.closest('.row') || text.parentNode).appendChild(box);
  const val = (name) => {
    const el = form.querySelector(`[name="${name}"]`);
    return el && typeof el.value === 'string' ? el.value.trim() : '';
  };
  const el = (tag, textContent, className) => {
    const e = document.createElement(tag);
    if (textContent) e.textContent = textContent;
    if (className) e.className = className;
    return e;
  };
  const link = (href, label) => {
    const a = el('a', label);
    a.href = href;
    a.target = '_blank';
    a.rel = 'noopener';
    return a;
  };
  const render = (h) => {
    box.replaceChildren();
    if (h.warning) box.appendChild(el('p', h.warning.message, 'alert'));
    const repeats = h.applications.filter((a) => a.likelyRepeat);
    if (repeats.length) {
      const ul = el('ul');
      for (const r of repeats) {
        const li = el('li');
        li.append(el('strong', `疑似重复申请（相似度 ${Math.round(r.similarity * 100)}%）`), '：', link(r.url, r.caseNumber), `（${r.receivedDate} 收到，${r.stateLabel}）`);
        if (r.reply) li.append(' · 已答复：', link(r.reply.url, r.reply.number || '答复书'), '，可依条例第三十六条第（六）项告知不予重复处理');
        ul.appendChild(li);
      }
      box.appendChild(ul);
    }
    const total = h.applications.length + h.elsewhere.total;
    box.appendChild(el('p', total
      ? `该申请人另有 ${total} 件申请（您可查看 ${h.applications.length} 件），${h.volume.current.month.slice(0, 4)}年${Number(h.volume.current.month.slice(5, 7))}月含本件共 ${h.volume.current.count} 件（提示线 ${h.volume.threshold} 件）。`
      : '未发现该申请人的其他申请。', 'muted'));
  };
  let last = '';
  const check = async () => {
    const kindEl = form.querySelector('input[name="applicant.kind"]:checked');
    const kind = kindEl ? kindEl.value : 'natural_person';
    const applicant = kind === 'organisation'
      ? { kind, creditCode: val('applicant.creditCode') }
      : { kind, idType: val('applicant.idType'), idNumber: val('applicant.idNumber') };
    if (!applicant.idNumber && !applicant.creditCode) return;
    const body = JSON.stringify({
      applicant, receivedDate: val('receivedDate') || undefined,
      request: { description: val('request.description'), documentTitle: val('request.documentTitle'), documentNumber: val('request.documentNumber') },
    });
    if (body === last) return;
    last = body;
    try {
      const res = await fetch('/api/applicants/check', {
        method: 'POST', credentials: 'same-origin', body,
        headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-CSRF-Token': val('_csrf') },
      });
      if (res.ok) render(await res.json());
      else box.replaceChildren(); // an identity still being typed: the registration itself validates it
    } catch {
      box.replaceChildren();
    }
  };
  text.addEventListener('blur', check);
  for (const name of ['applicant.idNumber', 'applicant.creditCode', 'receivedDate', 'request.documentNumber']) {
    const input = form.querySelector(`[name="${name}"]`);
    if (input) input.addEventListener('change', () => { if (val('request.description')) check(); });
  }
});

// Reply passages (答复口径, issue 7): search the approved library from the reply editor, insert the
// wording at the cursor in 理由与依据 and record which passage and version was used. Without this
// block the editor offers a plain multiple select whose wording the server appends on save.
document.addEventListener('DOMContentLoaded', () => {
  document.querySelectorAll('[data-passage-picker]').forEach((picker) => {
    const form = picker.closest('form');
    const reasons = form && form.querySelector('textarea[name="reasons"]');
    const decision = form && form.querySelector('select[name="decision"]');
    const query = picker.querySelector('[data-passage-query]');
    const results = picker.querySelector('[data-passage-results]');
    const inserted = picker.querySelector('[data-passage-inserted]');
    const used = picker.querySelector('[data-passage-used]');
    if (!reasons || !query || !results || !inserted || !used || !window.fetch) return;
    picker.classList.add('enhanced');
    picker.querySelectorAll('select[name="passages"] option').forEach((o) => { o.selected = false; });
    const chosen = new Map(); // passage id → { version, title }
    const sync = () => {
      inserted.value = [...chosen].map(([id, p]) => `${id}:${p.version}`).join(',');
      used.textContent = chosen.size ? `已引用：${[...chosen.values()].map((p) => `${p.title}（第${p.version}版）`).join('；')}` : '';
    };
    const insert = (p) => {
      const start = typeof reasons.selectionStart === 'number' ? reasons.selectionStart : reasons.value.length;
      const end = typeof reasons.selectionEnd === 'number' ? reasons.selectionEnd : start;
      reasons.setRangeText(p.body, start, end, 'end');
      reasons.focus();
      chosen.set(p.id, { version: p.currentVersion, title: p.title });
      sync();
    };
    const note = (text) => {
      results.replaceChildren();
      const li = document.createElement('li');
      li.className = 'muted';
      li.textContent = text;
      results.append(li);
    };
    const render = (items) => {
      if (!items.length) return note('没有符合条件的答复口径');
      results.replaceChildren(...items.map((p) => {
        const li = document.createElement('li');
        const head = document.createElement('span');
        const title = document.createElement('strong');
        title.textContent = p.title;
        const meta = document.createElement('small');
        meta.className = 'muted';
        meta.textContent = ` ${p.topicLabel} · 第${p.currentVersion}版 · 引用${p.usageCount}次`;
        head.append(title, meta);
        const button = document.createElement('button');
        button.type = 'button';
        button.textContent = '插入';
        button.setAttribute('aria-label', `插入“${p.title}”`);
        button.addEventListener('click', () => insert(p));
        const excerpt = document.createElement('span');
        excerpt.className = 'excerpt';
        excerpt.textContent = p.body.length > 120 ? `${p.body.slice(0, 120)}…` : p.body;
        li.append(head, button, excerpt);
        return li;
      }));
    };
    let timer;
    let latest = 0;
    const search = async () => {
      const mine = ++latest;
      const params = new URLSearchParams();
      if (query.value.trim()) params.set('q', query.value.trim());
      if (decision && decision.value) params.set('decision', decision.value);
      try {
        const res = await fetch(`/api/passages?${params}`, { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
        if (mine !== latest) return;
        if (!res.ok) return note('检索失败，请稍后重试');
        const body = await res.json();
        render(body.items.filter((p) => p.currentVersion && p.status === 'active'));
      } catch {
        if (mine === latest) note('检索失败，请稍后重试');
      }
    };
    query.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(search, 250); });
    query.addEventListener('keydown', (e) => {
      if (e.key !== 'Enter') return;
      e.preventDefault(); // Enter searches; it must not submit the draft
      clearTimeout(timer);
      search();
    });
    if (decision) decision.addEventListener('change', search);
    search();
  });
});

// Fee notice (issue 7): the quote of /api/fees/quote as basis and pages change; without JS the
// server fills in the amount by the same standard.
document.addEventListener('DOMContentLoaded', () => {
  document.querySelectorAll('[data-fee-quote]').forEach((box) => {
    const form = box.closest('form');
    const basis = box.querySelector('[data-fee-basis]');
    const pages = box.querySelector('[data-fee-pages]');
    const amount = box.querySelector('[data-fee-amount]');
    const out = box.querySelector('[data-fee-result]');
    const csrf = form && form.querySelector('input[name="_csrf"]');
    if (!basis || !pages || !amount || !out) return;
    let latest = 0;
    const show = (text) => { out.textContent = text; };
    const update = async () => {
      const mine = ++latest;
      const perPage = basis.value === 'per_page';
      pages.disabled = !perPage;
      const n = Number(pages.value);
      if (perPage && !(Number.isInteger(n) && n >= 1)) { amount.placeholder = '留空则按标准自动计算'; return show('按量收费：请填写页数。'); }
      const body = perPage ? { basis: 'per_page', pages: n } : { basis: 'per_application', applicationId: Number(box.dataset.applicationId) };
      try {
        const res = await fetch('/api/fees/quote', {
          method: 'POST', credentials: 'same-origin', body: JSON.stringify(body),
          headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-CSRF-Token': csrf ? csrf.value : '' },
        });
        if (mine !== latest) return;
        const q = await res.json();
        if (!res.ok) return show(q.message || '无法计算收费金额');
        const lines = q.breakdown.map((l) => `${l.band} ${l.quantity}${perPage ? '页' : '件'}×${l.unitPrice}元＝${l.subtotal}元`).join('；');
        amount.placeholder = q.amount > 0 ? `按标准应收 ${q.amount} 元` : '按标准不收费';
        show(q.amount > 0 ? `按标准应收 ${q.amount} 元（${lines}）。${q.note}。` : `按标准不收费，无需发出收费通知（${q.note}）。`);
      } catch {
        if (mine === latest) show('');
      }
    };
    basis.addEventListener('change', update);
    pages.addEventListener('input', update);
    update();
  });
});

// Issue 12: the reply editor shows only the fieldset of the chosen decision (without JS every
// fieldset is a <details>, the chosen one open; the server keeps only the chosen one's fields).
document.addEventListener('DOMContentLoaded', () => {
  document.querySelectorAll('[data-reply-facts]').forEach((facts) => {
    const form = facts.closest('form');
    const decision = form && form.querySelector('[data-reply-decision]');
    if (!decision) return;
    facts.classList.add('enhanced');
    const show = () => {
      facts.querySelectorAll('.reply-fieldset').forEach((fs) => {
        const chosen = fs.getAttribute('data-decision') === decision.value;
        fs.classList.toggle('chosen', chosen);
        if (chosen) fs.open = true;
      });
    };
    decision.addEventListener('change', show);
    show();
  });
});

// Issue 13: the appeal registration form shows the fields of one kind. Without JS the tabs are links
// that load the form for the other kind; here they swap the fieldsets in place, keeping what was typed
// (a hidden fieldset is disabled too, so nothing of it is sent).
document.addEventListener('DOMContentLoaded', () => {
  const tabs = document.querySelector('[data-appeal-kinds]');
  const form = document.querySelector('[data-appeal-form]');
  if (!tabs || !form) return;
  const kindInput = form.querySelector('[data-appeal-kind]');
  const show = (kind) => {
    form.querySelectorAll('fieldset[data-kind]').forEach((fs) => {
      const on = fs.getAttribute('data-kind') === kind;
      fs.hidden = !on;
      fs.disabled = !on;
      // The kinds' procedure radios are one group (one name): check the shown kind's default.
      if (on && !fs.querySelector('input[type="radio"]:checked')) {
        const d = fs.querySelector('input[type="radio"][data-default]');
        if (d) d.checked = true;
      }
    });
    tabs.querySelectorAll('a[data-kind]').forEach((a) => {
      const on = a.getAttribute('data-kind') === kind;
      a.classList.toggle('active', on);
      if (on) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
    });
    if (kindInput) kindInput.value = kind;
  };
  tabs.querySelectorAll('a[data-kind]').forEach((a) => a.addEventListener('click', (e) => {
    e.preventDefault();
    show(a.getAttribute('data-kind'));
    history.replaceState(null, '', a.href);
  }));
});

// Issue 13: the briefing's period is a month, a quarter, a year or a range: choosing one clears the
// others (without JS the server takes the first given, as the page says).
document.addEventListener('DOMContentLoaded', () => {
  const form = document.querySelector('[data-period-form]');
  if (!form) return;
  const inputs = [...form.querySelectorAll('[data-period]')];
  inputs.forEach((input) => input.addEventListener('change', () => {
    if (!input.value) return;
    const range = input.hasAttribute('data-range');
    inputs.forEach((other) => {
      if (other === input || (range && other.hasAttribute('data-range'))) return;
      other.value = '';
    });
  }));
});

// Conference conclusions (会商研判, issue 14): insert a signed-off conclusion at the cursor in 理由与依据.
// Without this block the ticked conclusions are appended by the server on save.
document.addEventListener('DOMContentLoaded', () => {
  document.querySelectorAll('[data-conference-quotes] .conference-quote').forEach((quote) => {
    const form = quote.closest('form');
    const reasons = form && form.querySelector('textarea[name="reasons"]');
    const button = quote.querySelector('[data-quote-insert]');
    const text = quote.querySelector('[data-quote-text]');
    const check = quote.querySelector('[data-quote-check]');
    if (!reasons || !button || !text) return;
    button.hidden = false;
    button.addEventListener('click', () => {
      const start = typeof reasons.selectionStart === 'number' ? reasons.selectionStart : reasons.value.length;
      const end = typeof reasons.selectionEnd === 'number' ? reasons.selectionEnd : start;
      reasons.setRangeText(text.textContent.trim(), start, end, 'end');
      reasons.focus();
      // Inserted once: the server would not append it again anyway, the box says so.
      if (check) check.checked = false;
      button.textContent = '已插入（可再次插入）';
    });
  });
});
