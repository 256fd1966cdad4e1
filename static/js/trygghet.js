// Behaviour shared by every page. No inline scripts: everything is declared with data- attributes.
(function () {
  "use strict";
  // <form data-confirm="Fråga?"> asks before an action that cannot be undone.
  document.addEventListener("submit", function (event) {
    var question = event.target.getAttribute("data-confirm");
    if (question && !window.confirm(question)) event.preventDefault();
  });
  // <form data-busy="Skapar PDF …"> or <a data-busy=…> tells that a slow action is working.
  function busy(element) {
    var text = element.getAttribute("data-busy");
    if (!text) return;
    var status = document.getElementById("arbetar");
    if (status) status.textContent = text;
    var button = element.tagName === "FORM" ? element.querySelector("[type=submit]") : element;
    if (button) {
      button.setAttribute("aria-disabled", "true");
      button.classList.add("disabled");
      button.textContent = text;
    }
  }
  document.addEventListener("submit", function (event) {
    if (!event.defaultPrevented) busy(event.target);
  });
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-busy]");
    if (link) busy(link);
  });
  // After a failed save, move focus to the summary of errors so it is read out first.
  var summary = document.getElementById("formularfel");
  if (summary) summary.focus();
  // After a save, the confirmation is on the new page from the start, and a live region
  // present at load is often not read out: focus it, so it is the first thing heard.
  var confirmation = document.getElementById("meddelanden");
  if (!summary && confirmation) confirmation.focus();
  // A table wider than the screen scrolls inside its .table-responsive wrapper; a keyboard
  // user scrolls it by focusing the wrapper (WCAG 2.1.1). Only wrappers that do scroll
  // become a named tab stop. Wrappers whose template sets tabindex itself are left alone.
  function scrollableTables() {
    var wrappers = document.querySelectorAll(".table-responsive");
    Array.prototype.forEach.call(wrappers, function (wrapper) {
      var automatic = wrapper.hasAttribute("data-scroll-region");
      if (wrapper.hasAttribute("tabindex") && !automatic) return;
      if (wrapper.scrollWidth > wrapper.clientWidth) {
        var caption = wrapper.querySelector("caption");
        wrapper.setAttribute("data-scroll-region", "");
        wrapper.setAttribute("tabindex", "0");
        wrapper.setAttribute("role", "region");
        wrapper.setAttribute("aria-label", caption ? caption.textContent.trim() : "Tabell");
      } else if (automatic) {
        ["data-scroll-region", "tabindex", "role", "aria-label"].forEach(function (name) {
          wrapper.removeAttribute(name);
        });
      }
    });
  }
  scrollableTables();
  var resizing = false;
  window.addEventListener("resize", function () {
    if (resizing) return;
    resizing = true;
    window.requestAnimationFrame(function () {
      resizing = false;
      scrollableTables();
    });
  });
})();
