// Small progressive enhancements. No inline script anywhere: the CSP forbids it.
(function () {
  "use strict";
  document.addEventListener("change", function (e) {
    var t = e.target;
    if (t.matches && t.matches("select[data-autosubmit]")) t.form.submit();
  });
  document.addEventListener("submit", function (e) {
    var msg = e.target.getAttribute && e.target.getAttribute("data-confirm");
    if (msg && !window.confirm(msg)) e.preventDefault();
  });
  document.addEventListener("click", function (e) {
    var t = e.target.closest ? e.target.closest("[data-print]") : null;
    if (t) { e.preventDefault(); window.print(); }
  });
  // Long checkbox lists (a venue's managers): a search box that hides the rows that do not
  // match; ticked rows always stay visible.
  var seen = {};
  Array.prototype.forEach.call(document.querySelectorAll("input[type=checkbox][data-filter]"), function (box) {
    if (seen[box.name]) return;
    seen[box.name] = true;
    var list = box.closest("div[id]");
    if (!list) return;
    var search = document.createElement("input");
    search.type = "search";
    search.placeholder = box.getAttribute("data-filter");
    search.setAttribute("aria-label", box.getAttribute("data-filter"));
    search.className = "list-filter";
    list.parentNode.insertBefore(search, list);
    search.addEventListener("input", function () {
      var q = search.value.trim().toLowerCase();
      Array.prototype.forEach.call(list.querySelectorAll("label"), function (label) {
        var input = label.querySelector("input");
        var show = !q || (input && input.checked) || label.textContent.toLowerCase().indexOf(q) !== -1;
        (label.parentNode === list ? label : label.parentNode).style.display = show ? "" : "none";
      });
    });
  });
})();
