// Live preview of a policy draft: as the text changes, it is sent to the
// preview address of its form (data-preview), which answers the sanitized
// HTML people will read, or the error naming the line. Without script the
// form's Preview button does the same with a page load.
(function () {
  var form = document.querySelector('form[data-preview]');
  var out = document.getElementById('preview');
  if (!form || !out) return;
  var body = form.querySelector('textarea[name=body]');
  var timer = null, seq = 0;
  function render() {
    var n = ++seq;
    var data = new URLSearchParams();
    data.set('body', body.value);
    fetch(form.dataset.preview, { method: 'POST', body: data, credentials: 'same-origin' })
      .then(function (r) { return r.text(); })
      .then(function (html) { if (n === seq) out.innerHTML = html; })
      .catch(function () {});
  }
  body.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(render, 400);
  });
})();
