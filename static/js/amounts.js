// Reading amounts as trygghet/amounts.py reads them, for the running totals of forms.
// The units, their spellings and the limits come from the server (amount_rules(), served
// as <script id="amount-rules" type="application/json">), so the two never disagree.
// The server still parses and decides on save; this only shows what it will read.
(function () {
  "use strict";
  var GROUPED = { " ": /^\d{1,3}( \d{3})*$/, ".": /^\d{1,3}(\.\d{3})*$/ };
  var DOT_GROUP = /^[1-9]\d{0,2}\.\d{3}$/;
  var AMOUNT = /^([+-]?\d[\d .]*(?:,\d+)?)\s*([^\s\d].*|:-)?$/;

  function isGrouped(whole) {
    if (/^\d+$/.test(whole)) return true;
    return Object.keys(GROUPED).some(function (sep) {
      return whole.indexOf(sep) !== -1 && GROUPED[sep].test(whole);
    });
  }

  // The (whole digits, decimals) a typed number can mean, as _readings() on the server.
  function readings(number) {
    var comma = number.indexOf(",");
    var whole = comma === -1 ? number : number.slice(0, comma);
    var decimals = comma === -1 ? "" : number.slice(comma + 1);
    if (comma === -1 && whole.split(".").length === 2) {
      var parts = whole.split(".");
      var found = isGrouped(parts[0]) ? [[parts[0], parts[1]]] : [];
      if (DOT_GROUP.test(whole)) found.push([parts[0] + parts[1], ""]);
      return found;
    }
    if (!isGrouped(whole)) return [];
    return [[whole.replace(/[ .]/g, ""), decimals]];
  }

  // Kronor as a BigInt, or null where the server refuses the reading.
  function kronor(digits, decimals, typedUnit, defaultUnit, rules) {
    var unit = typedUnit || defaultUnit;
    if (!typedUnit && BigInt(digits) * BigInt(rules.factors[unit]) > BigInt(rules.bareNumberLimit)) {
      unit = "kr";
    }
    var scale = BigInt(10) ** BigInt(decimals.length);
    var value = BigInt(digits + decimals) * BigInt(rules.factors[unit]);
    if (value % scale !== BigInt(0)) return null;
    value = value / scale;
    return value > BigInt(rules.ceiling) ? null : value;
  }

  // Kronor as a BigInt for what an official typed, or null when the server would refuse it.
  function parseAmount(text, defaultUnit, rules) {
    var cleaned = text.replace(/[\s\u00a0\u202f\u2009]+/g, " ").trim().replace(/\u2212/g, "-");
    if (!cleaned) return null;
    var match = cleaned.match(AMOUNT);
    if (!match || match[1].charAt(0) === "-") return null;
    var typedUnit = null;
    if (match[2]) {
      typedUnit = rules.aliases[match[2].trim().toLowerCase().replace(/\.$/, "")];
      if (!typedUnit) return null;
    }
    var valid = readings(match[1].trim().replace(/^\+/, ""))
      .map(function (reading) { return kronor(reading[0], reading[1], typedUnit, defaultUnit, rules); })
      .filter(function (value) { return value !== null; });
    if (valid.length === 2 && valid[0] !== valid[1]) return null;
    return valid.length ? valid[0] : null;
  }

  function readRules() {
    var element = document.getElementById("amount-rules");
    return element ? JSON.parse(element.textContent) : null;
  }

  window.Trygghet = window.Trygghet || {};
  window.Trygghet.parseAmount = parseAmount;
  window.Trygghet.amountRules = readRules;
})();
