// Running total and "kvar att fördela" while an official types amounts.
// Reads amounts with static/js/amounts.js; the server parses and decides on save.
(function () {
  "use strict";
  var form = document.getElementById("allocation-form");
  if (!form) return;
  var rules = window.Trygghet.amountRules();
  var factors = rules.factors;
  var unit = form.dataset.unit;
  var frame = BigInt(form.dataset.frame || "0");
  var sumCell = document.getElementById("summa");
  var leftCell = document.getElementById("kvar-att-fordela");
  var live = document.getElementById("summa-live");

  // An empty field is no amount; anything else is read exactly as the server reads it.
  function parse(text) {
    if (!text.trim()) return BigInt(0);
    return window.Trygghet.parseAmount(text, unit, rules);
  }

  function format(kronor) {
    var factor = BigInt(factors[unit]);
    var negative = kronor < 0;
    var absolute = negative ? -kronor : kronor;
    var whole = absolute / factor;
    var rest = (absolute % factor).toString().padStart(factor.toString().length - 1, "0").replace(/0+$/, "");
    if (factor >= BigInt(1000000) && rest === "") rest = "0";
    var grouped = whole.toString().replace(/\B(?=(\d{3})+(?!\d))/g, "\u00a0");
    return (negative ? "\u2212" : "") + grouped + (rest ? "," + rest : "") + "\u00a0" + unit;
  }

  function update() {
    var total = BigInt(0);
    var unreadable = 0;
    form.querySelectorAll(".amount-input").forEach(function (input) {
      var value = parse(input.value);
      if (value === null) unreadable += 1;
      else total += value;
    });
    var note = unreadable ? " (" + unreadable + " fält kan inte läsas)" : "";
    sumCell.textContent = format(total) + note;
    var message = "Summa " + format(total) + note;
    if (leftCell) {
      leftCell.textContent = format(frame - total);
      message += ", kvar att fördela " + format(frame - total);
    }
    return message;
  }

  // The visible total follows every keystroke; the screen-reader announcement waits
  // until typing pauses so it is not read out for every digit.
  var timer = null;
  form.addEventListener("input", function () {
    var message = update();
    clearTimeout(timer);
    timer = setTimeout(function () { live.textContent = message; }, 900);
  });
  update();
})();
