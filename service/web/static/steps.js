// One question group at a time on the patient form (progressive enhancement: without
// JavaScript every group shows and the form posts normally).
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("form.steps");
    if (!form) return;
    var steps = Array.prototype.slice.call(form.querySelectorAll(".step"));
    if (steps.length < 2) return;
    document.documentElement.classList.add("js");
    var current = 0;
    function show(i, focus) {
      current = i;
      steps.forEach(function (s, j) { s.classList.toggle("current", j === i); });
      if (focus) {
        var first = steps[i].querySelector("input, select, button");
        if (first) first.focus();
      }
    }
    steps.forEach(function (step, i) {
      var nav = document.createElement("div");
      nav.className = "step-nav";
      if (i > 0) nav.appendChild(button("Back", function () { show(i - 1, true); }));
      if (i < steps.length - 1) nav.appendChild(button("Next", function () { show(i + 1, true); }, "primary"));
      var progress = document.createElement("p");
      progress.className = "hint";
      progress.textContent = "Step " + (i + 1) + " of " + steps.length;
      step.appendChild(nav);
      step.insertBefore(progress, step.children[1] || null);
    });
    // Show the first step holding an error, if any.
    var bad = steps.findIndex(function (s) { return s.querySelector(".field-error"); });
    show(bad >= 0 ? bad : 0, false);
  });
  function button(label, onClick, cls) {
    var b = document.createElement("button");
    b.type = "button";
    b.textContent = label;
    if (cls) b.className = cls;
    b.addEventListener("click", onClick);
    return b;
  }
})();
