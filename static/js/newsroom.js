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

  // The USWDS phone menu is a dialog: while it is open, USWDS puts aria-hidden (and
  // data-nav-hidden) on the rest of the page, which still holds links and buttons (axe-core's
  // aria-hidden-focus, WCAG 4.1.2). Making that content inert as well takes it out of reach.
  // The observer runs after USWDS has tried to return focus to the Menu button on closing,
  // while that button was still inert, so it does what USWDS meant to.
  new MutationObserver(function (mutations) {
    var closed = false;
    mutations.forEach(function (mutation) {
      var hidden = mutation.target.hasAttribute("data-nav-hidden");
      mutation.target.inert = hidden;
      closed = closed || !hidden;
    });
    var menuButton = document.querySelector(".usa-menu-btn");
    if (closed && menuButton && getComputedStyle(menuButton).display !== "none") {
      menuButton.focus();
    }
  }).observe(document.body, { subtree: true, attributeFilter: ["data-nav-hidden"] });
})();
