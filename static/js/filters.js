/* The measures list, enhanced where JavaScript runs (the page works without it):
 * - a filter or the sort order applies as soon as it changes (the form is submitted; focus
 *   returns to the same control on the new page, and the page says so beforehand);
 * - on wide screens the filter panel is always open (phones start with the results);
 * - "Kopiera länk" copies the page's clean address.
 * An own file, loaded with `defer`: the Content Security Policy allows no inline script. */
(function () {
  "use strict";
  var form = document.querySelector("form.browser[data-auto-apply]");
  if (!form) return;
  var panel = form.querySelector("details.filter-panel");
  var wide = window.matchMedia("(min-width: 50.01rem)");
  var FOCUS_KEY = "insatskatalogen-filter-focus";

  function openOnWideScreens() {
    if (panel && wide.matches) panel.open = true;
  }
  openOnWideScreens();
  if (wide.addEventListener) wide.addEventListener("change", openOnWideScreens);

  form.classList.add("auto-apply");
  Array.prototype.forEach.call(form.querySelectorAll(".auto-apply-note"), function (note) {
    note.hidden = false;
  });
  Array.prototype.forEach.call(form.querySelectorAll(".js-hide"), function (element) {
    element.hidden = true;
  });

  function selector(control) {
    var name = '[name="' + CSS.escape(control.name) + '"]';
    if (control.type === "checkbox" || control.type === "radio") {
      return name + '[value="' + CSS.escape(control.value) + '"]';
    }
    return name;
  }

  var timer = null;
  form.addEventListener("change", function (event) {
    var control = event.target;
    if (!control.matches(".facets input, select[name=sort]")) return;
    try {
      sessionStorage.setItem(FOCUS_KEY, selector(control));
    } catch (error) { /* private mode: focus simply starts at the top */ }
    window.clearTimeout(timer);
    // A short pause: moving through radio buttons with the arrow keys applies only the last.
    timer = window.setTimeout(function () {
      if (form.requestSubmit) form.requestSubmit(); else form.submit();
    }, 400);
  });

  // A submit of its own (a button, Enter in the search) wins over a pending automatic one.
  form.addEventListener("submit", function () {
    window.clearTimeout(timer);
  });

  try {
    var wanted = sessionStorage.getItem(FOCUS_KEY);
    sessionStorage.removeItem(FOCUS_KEY);
    var control = wanted && form.querySelector(wanted);
    if (control) {
      if (panel && panel.contains(control)) panel.open = true;
      control.focus();
    }
  } catch (error) { /* nothing to restore */ }

  var copy = document.querySelector(".copy-link");
  var status = document.querySelector(".copy-status");
  if (copy && navigator.clipboard && window.isSecureContext) {
    copy.hidden = false;
    copy.addEventListener("click", function () {
      navigator.clipboard.writeText(window.location.href).then(
        function () { status.textContent = copy.dataset.copied; },
        function () { status.textContent = copy.dataset.failed; }
      );
    });
  }
})();
