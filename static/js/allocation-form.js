// Running total and "kvar att fördela" while an official types amounts.
// Mirrors trygghet/amounts.py for display only; the server parses and decides on save.
(function () {
  "use strict";
  var form = document.getElementById("allocation-form");
  if (!form) return;
  var factors = { kr: 1, kronor: 1, tkr: 1000, mkr: 1000000, mnkr: 1000000, msek: 1000000 };
  var unit = form.dataset.unit;
  var frame = BigInt(form.dataset.frame || "0");
  var sumCell = document.getElementById("summa");
  var leftCell = document.getElementById("kvar-att-fordela");
  var live = document.getElementById("summa-live");

  // Returns kronor as a BigInt, or null when the text is not an amount.
  function parse(text) {
    var cleaned = text.replace(/[\s\u00a0\u202f\u2009]+/g, " ").trim().toLowerCase();
    if (!cleaned) return BigInt(0);
    var match = cleaned.match(/^(\d{1,3}(?: \d{3})+|\d+)(?:[.,](\d+))?\s*([a-zåäö]+)?$/);
    if (!match) return null;
    var digits = match[1].replace(/ /g, "");
    var decimals = match[2] || "";
    var typedUnit = match[3];
    var target = typedUnit || unit;
    // Same rule as the server: a bare whole number above one billion kronor in the
    // default unit is read as kronor ("600 000" where the unit is mkr).
    if (!typedUnit && !decimals && BigInt(digits) * BigInt(factors[unit]) > BigInt(1000000000)) {
      target = "kr";
    }
    var factor = factors[target];
    if (!factor) return null;
    var scale = BigInt(10) ** BigInt(decimals.length);
    var value = BigInt(digits + decimals) * BigInt(factor);
    if (value % scale !== BigInt(0)) return null;
    return value / scale;
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
