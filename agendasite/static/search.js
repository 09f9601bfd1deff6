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
    var query = new URLSearchParams(window.location.search).get("q");
    if (query) { ui.triggerSearch(query); }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
