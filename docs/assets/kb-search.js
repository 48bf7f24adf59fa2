/* Baltic Security Briefings: search with Pagefind's index (site/pagefind/, written by kb build).

   A search field in the header; the index is loaded on the first keystroke, in the pieces a query needs.
   Ranking: first the pages whose own name, alias or id is exactly what was typed (Pagefind's `name`
   filter), then the briefings that cite that name (its `cites` filter), then everything else Pagefind
   finds, in its order (names and titles weigh most). Filters: fact type and year.

   Where Material's own search is built in (the offline edition) this script does nothing; where the site
   has no index (a Zensical build, a docs folder opened without one) the field says so. */
(function () {
  "use strict";

  var SHOWN = 10;
  var script = document.currentScript;
  var root = new URL("..", script ? script.src : location.href);  // assets/kb-search.js -> the site

  var pagefind = null;
  var loading = null;

  function load() {
    if (!loading) {
      loading = import(new URL("pagefind/pagefind.js", root).href).then(function (module) {
        pagefind = module;
        return pagefind.options({ baseUrl: root.pathname, excerptLength: 24 });
      }).then(function () { pagefind.init(); return pagefind; });
    }
    return loading;
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /* Pagefind's excerpt is text with <mark> around the words found: rebuilt from its text and marks
     only, so no other markup can come through. */
  function excerpt(html) {
    var box = el("p", { "class": "kb-search__excerpt" });
    var parsed = new DOMParser().parseFromString("<body>" + html, "text/html").body;
    parsed.childNodes.forEach(function (node) {
      if (node.nodeName === "MARK") box.appendChild(el("mark", {}, node.textContent));
      else box.appendChild(document.createTextNode(node.textContent));
    });
    return box;
  }

  var CITING = 5;  // briefings citing the name, shown right after its own page

  function norm(text) { return (text || "").replace(/\s+/g, " ").trim().toLowerCase(); }

  /* The pages to show for `query`: its own pages, the briefings citing it, then the rest; each once. */
  function ranked(query, chosen) {
    var exact = norm(query);
    var asks = [pagefind.search(query || null, { filters: chosen })];
    if (exact) {
      asks.push(pagefind.search(null, { filters: Object.assign({ name: exact }, chosen) }));
      asks.push(pagefind.search(query, { filters: Object.assign({ cites: exact }, chosen) }));
    }
    return Promise.all(asks).then(function (found) {
      var all = found[0] ? found[0].results : [];
      var own = found[1] ? found[1].results : [];
      var citing = found[2] ? found[2].results.slice(0, CITING) : [];
      var seen = {};
      var shown = own.concat(citing, all).filter(function (r) {
        if (seen[r.id]) return false;
        seen[r.id] = true;
        return true;
      }).slice(0, SHOWN);
      var total = all.length;
      own.forEach(function (r) {
        if (!all.some(function (a) { return a.id === r.id; })) total += 1;  // an id found only by its filter
      });
      return Promise.all(shown.map(function (r) { return r.data(); })).then(function (items) {
        return { total: total, items: items };
      });
    });
  }

  function build() {
    var header = document.querySelector(".md-header__inner");
    if (!header || document.querySelector(".md-search")) return;  // Material's search is built in
    var form = el("form", { "class": "kb-search", role: "search", action: "#" });
    var input = el("input", {
      "class": "kb-search__input", type: "search", name: "q", autocomplete: "off", spellcheck: "false",
      placeholder: "Search", "aria-label": "Search names, ids and text", "aria-controls": "kb-search-panel",
    });
    var panel = el("div", { "class": "kb-search__panel", id: "kb-search-panel", hidden: "" });
    var filters = el("div", { "class": "kb-search__filters" });
    var type = el("select", { "class": "kb-search__filter", name: "type", "aria-label": "Type of page" });
    var year = el("select", { "class": "kb-search__filter", name: "year", "aria-label": "Year" });
    type.appendChild(el("option", { value: "" }, "All types"));
    year.appendChild(el("option", { value: "" }, "Any year"));
    filters.append(type, year);
    var status = el("p", { "class": "kb-search__status", role: "status" });
    var list = el("ol", { "class": "kb-search__results", "aria-label": "Search results" });
    panel.append(filters, status, list);
    form.append(input, panel);
    var source = header.querySelector(".md-header__source");
    header.insertBefore(form, source);

    var filled = false;
    function fillFilters() {
      if (filled) return;
      filled = true;
      pagefind.filters().then(function (all) {
        Object.keys(all.type || {}).sort().forEach(function (v) { type.appendChild(el("option", { value: v }, v)); });
        Object.keys(all.year || {}).sort().reverse().forEach(function (v) {
          year.appendChild(el("option", { value: v }, v));
        });
      });
    }

    var asked = 0;
    function run() {
      var query = input.value.trim();
      var chosen = {};
      if (type.value) chosen.type = type.value;
      if (year.value) chosen.year = year.value;
      var ticket = ++asked;
      if (!query && !type.value && !year.value) {
        list.textContent = "";
        status.textContent = "";
        return;
      }
      panel.hidden = false;
      load().then(function () {
        return ticket === asked ? ranked(query, chosen) : null;
      }).then(function (done) {
        if (!done || ticket !== asked) return;
        list.textContent = "";
        status.textContent = done.total === 0 ? "Nothing found" :
          done.total === 1 ? "1 page" : done.total + " pages" + (done.total > SHOWN ? ", the first " + SHOWN : "");
        done.items.forEach(function (d) {
          var item = el("li", { "class": "kb-search__result" });
          var link = el("a", { href: d.url });
          link.appendChild(el("span", { "class": "kb-search__title" }, d.meta.title || d.url));
          var kind = d.filters && d.filters.type && d.filters.type[0];
          if (kind) link.appendChild(el("span", { "class": "kb-search__type" }, kind));
          item.append(link, excerpt(d.excerpt));
          list.appendChild(item);
        });
      }).catch(function () {
        if (ticket !== asked) return;
        list.textContent = "";
        status.textContent = "Search is not available here: this copy of the site has no search index.";
      });
    }

    input.addEventListener("input", run);
    [type, year].forEach(function (select) {
      select.addEventListener("focus", function () { load().then(fillFilters); });
    });
    type.addEventListener("change", run);
    year.addEventListener("change", run);
    input.addEventListener("focus", function () { if (input.value || type.value || year.value) panel.hidden = false; });
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var first = list.querySelector("a");
      if (first) location.href = first.href;
    });
    form.addEventListener("keydown", function (e) {
      var links = Array.prototype.slice.call(list.querySelectorAll("a"));
      var at = links.indexOf(document.activeElement);
      if (e.key === "Escape") {
        panel.hidden = true;
        input.blur();
      } else if (e.key === "ArrowDown" && links.length) {
        e.preventDefault();
        links[Math.min(at + 1, links.length - 1)].focus();
      } else if (e.key === "ArrowUp" && at >= 0) {
        e.preventDefault();
        if (at === 0) input.focus(); else links[at - 1].focus();
      }
    });
    document.addEventListener("click", function (e) { if (!form.contains(e.target)) panel.hidden = true; });
    document.addEventListener("keydown", function (e) {
      var t = e.target;
      var typing = t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.nodeName));
      if (e.key === "/" && !typing) { e.preventDefault(); input.focus(); }
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", build);
  else build();
})();
