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
})();
