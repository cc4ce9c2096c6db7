// Progressive enhancement for the application pages; everything works without it.
(function () {
  "use strict";
  // GOV.UK error summary: take focus so screen readers announce it, and make its links
  // focus the field itself rather than only scroll to it.
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      if (!link) return;
      var target = document.getElementById(link.getAttribute("href").slice(1));
      if (!target) return;
      event.preventDefault();
      target.scrollIntoView({ block: "center" });
      target.focus();
    });
  }
  // Questions that depend on an earlier answer on the same page appear and disappear as the
  // citizen answers; the server applies the same rule (conditions.is_visible) on submit.
  function answered(form, name) {
    var values = [];
    form.querySelectorAll("[name='" + name + "']").forEach(function (input) {
      if (input.type === "radio" || input.type === "checkbox") {
        if (input.checked) values.push(input.value);
      } else if (input.value !== "") {
        values.push(input.value);
      }
    });
    return values.map(function (value) {
      if (value === "yes") return true;
      if (value === "no") return false;
      return value;
    });
  }
  function same(answer, value) {
    if (typeof answer === "boolean" || typeof value === "boolean") return answer === value;
    return String(answer) === String(value);
  }
  function shows(condition, values) {
    var matches = function (value) {
      return values.some(function (answer) { return same(answer, value); });
    };
    switch (condition.operator) {
      case "filled": return values.length > 0;
      case "is_true": return matches(true);
      case "is_false": return matches(false);
      case "one_of": return (condition.value || []).some(matches);
      case "not_equals": return !matches(condition.value);
      default: return matches(condition.value);
    }
  }
  document.querySelectorAll("form[data-application-form]").forEach(function (form) {
    var groups = Array.prototype.map.call(form.querySelectorAll("[data-condition]"), function (group) {
      return { element: group, condition: JSON.parse(group.getAttribute("data-condition")) };
    });
    if (!groups.length) return;
    var update = function () {
      groups.forEach(function (group) {
        group.element.hidden = !shows(group.condition, answered(form, group.condition.name));
      });
    };
    form.addEventListener("change", update);
    update();
  });
  // One press sends the application once; the server is idempotent anyway.
  document.querySelectorAll("form[data-submit-once]").forEach(function (form) {
    form.addEventListener("submit", function () {
      var button = form.querySelector("button[type='submit']");
      if (button) {
        window.setTimeout(function () { button.disabled = true; }, 0);
      }
    });
  });
})();
