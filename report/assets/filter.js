// Filtering for the leakhound report. The page is complete without it: this
// only reveals the filter bar and hides groups that do not match.
(function () {
  "use strict";
  var bar = document.getElementById("filters");
  if (!bar) { return; }
  var q = bar.querySelector("input[name=q]");
  var reason = bar.querySelector("select[name=reason]");
  var test = bar.querySelector("select[name=test]");
  var out = bar.querySelector("output");
  var items = Array.prototype.slice.call(document.querySelectorAll("[data-filter]"));
  var sections = Array.prototype.slice.call(document.querySelectorAll("[data-section]"));

  function matches(el, text, r, t) {
    if (text && el.getAttribute("data-filter").indexOf(text) < 0) { return false; }
    if (r && el.getAttribute("data-reason") !== r) { return false; }
    if (t && (el.getAttribute("data-tests") || "").split("\n").indexOf(t) < 0) { return false; }
    return true;
  }

  function apply() {
    var text = q.value.trim().toLowerCase();
    var r = reason ? reason.value : "";
    var t = test ? test.value : "";
    var shown = 0;
    items.forEach(function (el) {
      var ok = matches(el, text, r, t);
      el.hidden = !ok;
      if (ok) { shown++; }
    });
    // A report section whose groups are all hidden is hidden too.
    sections.forEach(function (s) {
      s.hidden = s.querySelector("[data-filter]:not([hidden])") === null;
    });
    out.textContent = shown === items.length ?
      "all " + items.length + " groups shown" :
      shown + " of " + items.length + " groups shown";
  }

  function setAll(open) {
    document.querySelectorAll("details.stack").forEach(function (d) { d.open = open; });
  }

  bar.hidden = false;
  q.addEventListener("input", apply);
  if (reason) { reason.addEventListener("change", apply); }
  if (test) { test.addEventListener("change", apply); }
  bar.querySelector("button[name=clear]").addEventListener("click", function () {
    q.value = "";
    if (reason) { reason.value = ""; }
    if (test) { test.value = ""; }
    apply();
  });
  var expand = bar.querySelector("button[name=expand]");
  if (expand) {
    expand.addEventListener("click", function () {
      var open = expand.getAttribute("aria-pressed") !== "true";
      setAll(open);
      expand.setAttribute("aria-pressed", open ? "true" : "false");
      expand.textContent = open ? "Fold stacks" : "Unfold stacks";
    });
  }
  // Clicking a bar of the chart filters by its reason.
  document.querySelectorAll("[data-pick-reason]").forEach(function (a) {
    a.addEventListener("click", function (ev) {
      if (!reason) { return; }
      ev.preventDefault();
      var r = a.getAttribute("data-pick-reason");
      reason.value = reason.value === r ? "" : r;
      apply();
      bar.scrollIntoView({ block: "start" });
    });
  });
  apply();
})();
