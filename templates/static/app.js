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
