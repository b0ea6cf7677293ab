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
