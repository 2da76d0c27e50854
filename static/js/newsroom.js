// Newsroom's own behaviour, loaded with defer. The CSP allows no inline handlers, so
// controls are wired here; each works only with JavaScript, so each stays hidden without it.
(function () {
  "use strict";

  // <li data-js-only hidden><button type="button" data-print>Print</button></li>
  document.querySelectorAll("[data-print]").forEach(function (control) {
    control.addEventListener("click", function () {
      window.print();
    });
  });

  document.querySelectorAll("[data-js-only]").forEach(function (element) {
    element.hidden = false;
  });
})();
