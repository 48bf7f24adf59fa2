/* Baltic Security Briefings: fact cards. Hovering or keyboard-focusing a fact link in a briefing (a.kb-fact)
   opens a card: type, title, date, summary and sources with locator and grade. Escape, moving away or
   focusing elsewhere closes it. On touch, the first tap on a link opens its card and a second tap (or the
   card's own link) navigates.

   The cards are the page's own data (a <script type="application/json" id="kb-cards"> block written at build
   time, keyed by the link's href), so they work from file:// and offline. A card is built with text nodes
   only: nothing in it is ever parsed as HTML. It is positioned over the page (position: absolute), so
   opening it moves nothing. Without this script the link still works and its title names the fact. */
(function () {
  "use strict";

  var OPEN_DELAY = 200; /* ms a pointer rests on a link before its card opens */
  var CLOSE_DELAY = 250; /* ms of grace to move the pointer from the link into the card */
  var GAP = 6; /* px between the link and its card */

  var card = null; /* the one card element, kept at the end of <body> */
  var current = null; /* the link whose card is open */
  var openTimer = 0;
  var closeTimer = 0;
  var touchOpened = null; /* the link a touch pointer went down on, and whether its card was open then */
  var dataNode = null;
  var data = {};

  function cards() {
    var node = document.getElementById("kb-cards");
    if (node !== dataNode) {
      dataNode = node;
      try {
        data = node ? JSON.parse(node.textContent) : {};
      } catch (e) {
        data = {};
      }
    }
    return data;
  }

  function factLink(target) {
    var link = target && target.closest ? target.closest("a.kb-fact") : null;
    return link && Object.prototype.hasOwnProperty.call(cards(), link.getAttribute("href")) ? link : null;
  }

  function element(tag, className, text) {
    var el = document.createElement(tag);
    if (className) el.className = className;
    if (text) el.textContent = text;
    return el;
  }

  function anchor(text, href) {
    var a = element("a", "", text);
    a.href = href;
    return a;
  }

  function cardElement() {
    if (card && card.isConnected) return card;
    card = element("div", "kb-card");
    card.id = "kb-card";
    card.setAttribute("role", "tooltip");
    card.hidden = true;
    card.addEventListener("pointerenter", function () { clearTimeout(closeTimer); });
    card.addEventListener("pointerleave", function (event) {
      if (event.pointerType !== "touch") scheduleClose();
    });
    document.body.appendChild(card);
    return card;
  }

  /* The card's content, from the fields of its data: text nodes and links, never markup. */
  function fill(box, c) {
    box.replaceChildren();
    var head = c.type + (c.kind ? " · " + c.kind : "") + (c.date ? " · " + c.date : "");
    box.appendChild(element("p", "kb-card__type", head));
    box.appendChild(element("p", "kb-card__title", c.title));
    if (c.grade) box.appendChild(element("p", "kb-card__text", "Graded " + c.grade + " for reliability."));
    if (c.text) box.appendChild(element("p", "kb-card__text", c.text));
    if (c.sources && c.sources.length) {
      var list = element("ul", "kb-card__sources");
      c.sources.forEach(function (s) {
        var item = element("li");
        item.appendChild(document.createTextNode("Source: "));
        item.appendChild(anchor(s.title, s.href));
        var rest = (s.locator ? ", " + s.locator : "") + (s.grade ? ", graded " + s.grade : "");
        if (rest) item.appendChild(document.createTextNode(rest));
        list.appendChild(item);
      });
      if (c.more) list.appendChild(element("li", "", "and " + c.more + " more on its page"));
      box.appendChild(list);
    }
    var open = element("p", "kb-card__open");
    open.appendChild(anchor("Open the " + c.type.toLowerCase() + " page", c.href));
    box.appendChild(open);
  }

  /* Below the link (its first line, if it wraps), or above when there is no room below; inside the view.
     Set through the CSSOM, which the page's Content-Security-Policy allows (a style attribute it would not). */
  function place(box, link) {
    var rects = link.getClientRects();
    var r = rects.length ? rects[0] : link.getBoundingClientRect();
    var width = box.offsetWidth;
    var height = box.offsetHeight;
    var view = document.documentElement.clientWidth;
    var left = Math.max(8, Math.min(r.left, view - width - 8));
    var below = r.bottom + GAP;
    var top = below + height > window.innerHeight && r.top - GAP - height > 0 ? r.top - GAP - height : below;
    box.style.left = Math.round(left + window.scrollX) + "px";
    box.style.top = Math.round(top + window.scrollY) + "px";
  }

  function open(link) {
    clearTimeout(openTimer);
    clearTimeout(closeTimer);
    if (current === link) return;
    if (current) close();
    var c = cards()[link.getAttribute("href")];
    var box = cardElement();
    fill(box, c);
    box.setAttribute("aria-label", c.type + ": " + c.title);
    box.hidden = false;
    place(box, link);
    /* The browser's own tooltip would cover the card: the title waits in data-kb-title while it is open. */
    if (link.hasAttribute("title")) {
      link.setAttribute("data-kb-title", link.getAttribute("title"));
      link.removeAttribute("title");
    }
    link.setAttribute("aria-describedby", box.id);
    current = link;
  }

  function close() {
    clearTimeout(openTimer);
    clearTimeout(closeTimer);
    if (!current) return;
    var link = current;
    current = null;
    if (card) card.hidden = true;
    link.removeAttribute("aria-describedby");
    if (link.hasAttribute("data-kb-title")) {
      link.setAttribute("title", link.getAttribute("data-kb-title"));
      link.removeAttribute("data-kb-title");
    }
  }

  function scheduleClose() {
    clearTimeout(openTimer);
    clearTimeout(closeTimer);
    closeTimer = setTimeout(close, CLOSE_DELAY);
  }

  function inCard(node) {
    return !!(card && node && card.contains(node));
  }

  document.addEventListener("pointerover", function (event) {
    if (event.pointerType === "touch") return;
    var link = factLink(event.target);
    if (!link) return;
    clearTimeout(closeTimer);
    if (current === link) return;
    clearTimeout(openTimer);
    openTimer = setTimeout(function () { open(link); }, OPEN_DELAY);
  });

  document.addEventListener("pointerout", function (event) {
    if (event.pointerType === "touch") return;
    var link = factLink(event.target);
    if (!link || link.contains(event.relatedTarget) || inCard(event.relatedTarget)) return;
    if (current === link) scheduleClose();
    else clearTimeout(openTimer);
  });

  document.addEventListener("focusin", function (event) {
    var link = factLink(event.target);
    if (link) open(link);
    else if (current && !inCard(event.target)) close();
  });

  document.addEventListener("focusout", function (event) {
    if (current && event.target === current && !inCard(event.relatedTarget) && !event.relatedTarget) {
      /* Focus left the page's content (or the window): keep the card while the pointer rests on it. */
      if (!(card && card.matches(":hover")) && !current.matches(":hover")) close();
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && current) {
      close();
      event.stopPropagation();
    }
  });

  /* Touch: remember, as the finger goes down, whether this link's card was already open; the click that
     follows opens the card the first time (the link is not followed) and navigates the second. */
  document.addEventListener("pointerdown", function (event) {
    if (event.pointerType !== "touch") {
      touchOpened = null;
      return;
    }
    var link = factLink(event.target);
    touchOpened = link ? { link: link, wasOpen: current === link } : null;
    if (!link && current && !inCard(event.target)) close();
  });

  document.addEventListener("click", function (event) {
    var link = factLink(event.target);
    var touch = touchOpened;
    touchOpened = null;
    if (!link || !touch || touch.link !== link || touch.wasOpen) return;
    event.preventDefault();
    open(link);
  });

  window.addEventListener("resize", close);

  /* With instant navigation the theme swaps the page without a reload: the old card goes with the old page. */
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(function () { close(); });
  }
})();
