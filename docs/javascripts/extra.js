// Accessibility fixes for what mkdocs-material (9.8.1) draws with its script; checked by axe-core in
// tests/browser/test_browser.py. `document$` is Material's documented hook for scripts that run on every
// page (also after instant navigation).

// Each code block's copy button sits in its own <nav>, so a page with five code blocks has five unnamed
// navigation landmarks (axe: landmark-unique). A copy button is not navigation: the <nav> loses its
// landmark role; the button inside keeps its name and stays usable.
function unlandmarkCodeButtons() {
  document.querySelectorAll(".md-code__nav").forEach(function (nav) {
    nav.setAttribute("role", "none");
  });
}

// A table wider than the window scrolls in its own box; keyboard users reach that box with Tab so the
// arrow keys scroll it (WCAG 2.1.1; axe: scrollable-region-focusable). Boxes that fit stay out of the
// Tab order, so the check runs again when the window changes size.
function focusableScrollingTables() {
  document.querySelectorAll(".md-typeset__scrollwrap").forEach(function (box) {
    if (box.scrollWidth > box.clientWidth) {
      box.setAttribute("tabindex", "0");
    } else {
      box.removeAttribute("tabindex");
    }
  });
}

document$.subscribe(function () {
  unlandmarkCodeButtons();
  focusableScrollingTables();
});
window.addEventListener("resize", focusableScrollingTables);
