/* Baltic Security Briefings: filters on index pages. A progressive enhancement: without this script the page
   is its full table or list.

   The page says what can be filtered in a <script type="application/json" id="kb-filters"> block written at
   build time (facets, options with counts, what the filters cover); each row (a table row or a list item)
   holds a marker <span data-f-kind="exercise" data-f-actor="eastland northland">. The controls are built here
   with text nodes, rows that do not match are hidden (and a group left empty, with its heading), and the
   choice is kept in the URL's query (?kind=exercise&actor=eastland), so a filtered view can be shared. */
(function () {
  "use strict";

  function element(tag, className, text) {
    var el = document.createElement(tag);
    if (className) el.className = className;
    if (text) el.textContent = text;
    return el;
  }

  function values(marker, name) {
    var raw = marker.getAttribute("data-f-" + name) || "";
    return raw ? raw.split(" ") : [];
  }

  /* The block a group of rows stands in (a sortable table's wrapper, the table or the list), and its heading. */
  function group(row) {
    var block = row.closest(".kb-sortable") || row.closest("table, ul, ol");
    var heading = block && block.previousElementSibling;
    return { block: block, heading: heading && /^H[2-4]$/.test(heading.tagName) ? heading : null };
  }

  function setUp(node) {
    if (node.getAttribute("data-kb-ready")) return;
    node.setAttribute("data-kb-ready", "1");
    var spec;
    try {
      spec = JSON.parse(node.textContent);
    } catch (e) {
      return;
    }
    var scope = node.closest("article") || document.body;
    var first = spec.facets[0].name;
    var rows = [];
    var groups = [];
    Array.prototype.forEach.call(scope.querySelectorAll("span[data-f-" + first + "]"), function (marker) {
      var row = marker.closest("tr, li");
      if (!row) return;
      var g = group(row);
      var known = groups.filter(function (x) { return x.block === g.block; })[0];
      if (!known) groups.push((known = { block: g.block, heading: g.heading, rows: [] }));
      var r = { marker: marker, row: row };
      known.rows.push(r);
      rows.push(r);
    });

    var box = element("fieldset", "kb-filters");
    box.appendChild(element("legend", "", "Filter the " + spec.noun));
    var selects = {};
    spec.facets.forEach(function (facet) {
      var wrap = element("div", "kb-filters__facet");
      var label = element("label", "", facet.label);
      var select = element("select");
      select.name = facet.name;
      select.id = label.htmlFor = "kb-filter-" + facet.name;
      var all = element("option", "", facet.all);
      all.value = "";
      select.appendChild(all);
      facet.options.forEach(function (o) {
        var option = element("option", "", o[1] + " (" + o[2] + ")");
        option.value = o[0];
        select.appendChild(option);
      });
      select.addEventListener("change", function () { apply(true); });
      wrap.appendChild(label);
      wrap.appendChild(select);
      box.appendChild(wrap);
      selects[facet.name] = select;
    });
    var clear = element("button", "kb-filters__clear", "Show all");
    clear.type = "button";
    clear.addEventListener("click", function () {
      Object.keys(selects).forEach(function (name) { selects[name].value = ""; });
      apply(true);
    });
    box.appendChild(clear);
    var status = element("p", "kb-filters__status");
    status.setAttribute("role", "status");
    box.appendChild(status);
    node.parentNode.insertBefore(box, node);

    function chosen() {
      var out = {};
      Object.keys(selects).forEach(function (name) {
        if (selects[name].value) out[name] = selects[name].value;
      });
      return out;
    }

    function apply(remember) {
      var wanted = chosen();
      var names = Object.keys(wanted);
      var shown = 0;
      rows.forEach(function (r) {
        var match = names.every(function (name) { return values(r.marker, name).indexOf(wanted[name]) >= 0; });
        r.row.hidden = !match;
        if (match) shown += 1;
      });
      groups.forEach(function (g) {
        var empty = g.rows.every(function (r) { return r.row.hidden; });
        if (g.block) g.block.hidden = empty;
        if (g.heading) g.heading.hidden = empty;
      });
      status.textContent = (names.length ? "Showing " + shown + " of " : "Showing all ") + rows.length + " " +
        spec.noun + "." + (spec.scope ? " " + spec.scope : "");
      clear.disabled = !names.length;
      if (remember) {
        var params = new URLSearchParams(window.location.search);
        Object.keys(selects).forEach(function (name) {
          if (wanted[name]) params.set(name, wanted[name]);
          else params.delete(name);
        });
        var query = params.toString();
        try {
          history.replaceState(history.state, "", (query ? "?" + query : window.location.pathname) + window.location.hash);
        } catch (e) {
          /* Some browsers refuse to change the address of a page opened from file://: the filter still works. */
        }
      }
    }

    /* The URL's choice first: a shared link opens filtered. A value this page does not have is left out. */
    var params = new URLSearchParams(window.location.search);
    Object.keys(selects).forEach(function (name) {
      var value = params.get(name);
      if (value && Array.prototype.some.call(selects[name].options, function (o) { return o.value === value; })) {
        selects[name].value = value;
      }
    });
    apply(false);
  }

  function enhance() {
    var node = document.getElementById("kb-filters");
    if (node) setUp(node);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", enhance);
  else enhance();
  /* With instant navigation the theme swaps pages without a reload: set up each new page. */
  if (window.document$ && typeof window.document$.subscribe === "function") window.document$.subscribe(enhance);
})();
