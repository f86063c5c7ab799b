// ofsearch: a little enhancement over pages that work without it.
// "/" focuses the search box; on a narrow screen the filter panel starts folded.
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    var tag = target && target.tagName;
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable)) return;
    var box = document.getElementById("q");
    if (!box) return;
    event.preventDefault();
    box.focus();
    box.select();
  });
  document.addEventListener("DOMContentLoaded", function () {
    var facets = document.getElementById("filters");
    if (facets && window.matchMedia && window.matchMedia("(max-width: 760px)").matches) {
      facets.removeAttribute("open");
    }
  });
})();
