// InquiryDesk rules and settings pages: confirm before destructive forms, filters that
// apply on change.  Served from 'self' (no inline scripts under the page's CSP).
document.addEventListener("submit", (event) => {
  const submitter = event.submitter;
  const form = event.target;
  const question = (submitter && submitter.dataset.confirm) || form.dataset.confirm;
  if (question && !window.confirm(question)) event.preventDefault();
});
document.addEventListener("change", (event) => {
  const select = event.target.closest("select.autosubmit");
  if (select && select.form) select.form.requestSubmit();
});
