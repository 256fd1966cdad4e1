// Behaviour shared by every page. No inline scripts: everything is declared with data- attributes.
(function () {
  "use strict";
  // <form data-confirm="Fråga?"> asks before an action that cannot be undone.
  document.addEventListener("submit", function (event) {
    var question = event.target.getAttribute("data-confirm");
    if (question && !window.confirm(question)) event.preventDefault();
  });
  // After a failed save, move focus to the summary of errors so it is read out first.
  var summary = document.getElementById("formularfel");
  if (summary) summary.focus();
})();
