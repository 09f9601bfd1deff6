/* Search page: Pagefind's default UI; a ?q= from the header's search field (a plain GET form) runs at once.
   Without JavaScript the page keeps its list of all meetings. */
(function () {
  "use strict";
  function start() {
    var element = document.getElementById("search");
    if (!element || typeof PagefindUI === "undefined") { return; }
    var ui = new PagefindUI({
      element: "#search",
      showSubResults: true,
      showImages: false,
      resetStyles: false,
      processResult: function (result) {
        if (result.meta && result.meta.meeting) {
          result.meta.title = result.meta.title + " \u2013 " + result.meta.meeting;
          delete result.meta.meeting;
        }
        return result;
      }
    });
    label(element, 0);
    var query = new URLSearchParams(window.location.search).get("q");
    if (query) { ui.triggerSearch(query); }
  }
  /* Pagefind's field has only a title; name it by the page's lead text, so it has a proper label. */
  function label(element, tries) {
    var input = element.querySelector("input");
    if (input) {
      input.setAttribute("aria-labelledby", element.getAttribute("data-labelledby"));
      input.setAttribute("type", "search");
    } else if (tries < 50) {
      window.requestAnimationFrame(function () { label(element, tries + 1); });
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
