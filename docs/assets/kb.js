/* Baltic Security Briefings: small progressive enhancements. The site works without them. */
(function () {
  "use strict";

  /* Accessibility: the theme's search dialog has no accessible name (axe: aria-dialog-name). */
  function nameSearchDialog() {
    var dialog = document.querySelector(".md-search[role=dialog]");
    if (dialog && !dialog.hasAttribute("aria-label")) dialog.setAttribute("aria-label", "Search");
  }

  /* Sortable tables: any table inside .kb-sortable sorts by a column when its header is clicked.
     A cell may carry <span data-sort="2024-12"> to sort by a key other than its text. */
  function sortKey(cell) {
    var marked = cell.querySelector("[data-sort]");
    var text = marked ? marked.getAttribute("data-sort") : cell.textContent.trim();
    var num = Number(text);
    return text !== "" && !isNaN(num) ? num : text.toLowerCase();
  }

  function makeSortable(table) {
    var headers = table.querySelectorAll("thead th");
    headers.forEach(function (th, column) {
      if (th.querySelector("button")) return;
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = th.textContent;
      button.title = "Sort by " + th.textContent;
      th.textContent = "";
      th.appendChild(button);
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        headers.forEach(function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = sortKey(a.cells[column]), y = sortKey(b.cells[column]);
          var order = typeof x === typeof y ? (x < y ? -1 : x > y ? 1 : 0) : typeof x === "number" ? -1 : 1;
          return ascending ? order : -order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  }

  function enhance() {
    nameSearchDialog();
    document.querySelectorAll(".kb-sortable table").forEach(makeSortable);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", enhance);
  else enhance();
  /* With instant navigation the theme swaps pages without a reload; enhance each new page. */
  if (window.document$ && typeof window.document$.subscribe === "function") window.document$.subscribe(enhance);
})();
