// Asks before a form does something hard to undo (retire a control, remove a
// member, cancel a task): the form, or the button that submits it, carries
// data-confirm with the question. Without script the form posts as it is.
document.addEventListener('submit', function (e) {
  var el = e.submitter && e.submitter.dataset.confirm ? e.submitter : e.target;
  var question = el.dataset && el.dataset.confirm;
  if (question && !window.confirm(question)) {
    e.preventDefault();
    e.stopImmediatePropagation();
  }
}, true);
