// Filters a list as you type. An input with data-filter="SELECTOR" hides the
// items of the list SELECTOR finds ([data-filter-item] inside it, or its
// table rows) whose text does not contain what was typed, any case. Lists
// also filter on the server (?q=), so pages work without script; the boxes
// this script drives are hidden until it runs.
(function () {
  function items(list) {
    var marked = list.querySelectorAll('[data-filter-item]');
    return marked.length ? marked : list.querySelectorAll('tbody tr');
  }
  function apply(input) {
    var list = document.querySelector(input.dataset.filter);
    if (!list) return;
    var q = input.value.trim().toLowerCase(), shown = 0, all = items(list);
    all.forEach(function (el) {
      var hit = !q || el.textContent.toLowerCase().indexOf(q) !== -1;
      el.hidden = !hit;
      if (hit) shown++;
    });
    var count = document.querySelector('[data-filter-count="' + input.dataset.filter + '"]');
    if (count) count.textContent = q ? shown + ' of ' + all.length + ' shown' : '';
  }
  document.querySelectorAll('[data-filter]').forEach(function (input) {
    var box = input.closest('.filterbox');
    if (box) box.hidden = false;
    input.addEventListener('input', function () { apply(input); });
    // Enter filters here rather than submitting the form around a picker.
    input.addEventListener('keydown', function (e) { if (e.key === 'Enter') e.preventDefault(); });
  });
})();
