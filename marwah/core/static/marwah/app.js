// Behaviour shared by every page. No inline scripts or style attributes anywhere
// (Content-Security-Policy without 'unsafe-inline'): pages mark elements with data attributes.
(function () {
  "use strict";

  function init(root) {
    // The menu button on phones.
    root.querySelectorAll(".menu-toggle").forEach(function (btn) {
      if (btn.dataset.bound) { return; }
      btn.dataset.bound = "1";
      btn.addEventListener("click", function () {
        var open = btn.getAttribute("aria-expanded") !== "true";
        btn.setAttribute("aria-expanded", String(open));
        document.getElementById(btn.getAttribute("aria-controls")).classList.toggle("open", open);
      });
    });
    // Progress bars: <span data-percent="42"> (setting style from a script is allowed by the CSP).
    root.querySelectorAll("[data-percent]").forEach(function (bar) {
      var value = Math.max(0, Math.min(100, parseFloat(bar.dataset.percent) || 0));
      bar.style.width = value + "%";
    });
  }

  // Forms that ask before doing something that cannot be undone: <form data-confirm="…">.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  }, true);

  // Loaded with defer on most pages, async on a few (the page may already be parsed).
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { init(document); });
  } else {
    init(document);
  }
  document.addEventListener("htmx:load", function (event) { init(event.target); });
})();
