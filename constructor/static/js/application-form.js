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
  // A required question that appears loses its «(необязательно)»: the label never says less
  // than the rule (the server marks it the same way when it draws the page).
  document.querySelectorAll("form[data-application-form]").forEach(function (form) {
    var groups = Array.prototype.map.call(form.querySelectorAll("[data-condition]"), function (group) {
      return {
        element: group,
        condition: JSON.parse(group.getAttribute("data-condition")),
        marker: group.hasAttribute("data-required-if-shown")
          ? group.querySelector("[data-optional-marker]")
          : null,
      };
    });
    if (!groups.length) return;
    var update = function () {
      groups.forEach(function (group) {
        var shown = shows(group.condition, answered(form, group.condition.name));
        group.element.hidden = !shown;
        if (group.marker) group.marker.hidden = shown;
      });
    };
    form.addEventListener("change", update);
    update();
  });

  // Repeatable groups ("add another"): what «Добавить ещё» and «Удалить» do on the server,
  // without sending the page. Entries are renumbered so the server reads 0 to count - 1.
  // The buttons no longer send the page, so the hidden «Продолжить» that kept Enter from
  // pressing the first «Удалить» goes too.
  var RENUMBERED = ["name", "id", "for", "aria-describedby", "aria-labelledby"];
  var inPage = function (root) {
    root.querySelectorAll("[data-entries-add], [data-entry-remove]").forEach(function (button) {
      button.type = "button";
    });
  };
  document.querySelectorAll("form .form-default-action").forEach(function (button) {
    if (button.form.querySelector("[data-entries]")) button.remove();
  });
  document.querySelectorAll("[data-entries]").forEach(function (container) {
    var name = container.getAttribute("data-entries");
    var least = Number(container.getAttribute("data-least"));
    var most = Number(container.getAttribute("data-most"));
    var count = container.querySelector("[data-entries-count]");
    var add = container.querySelector("[data-entries-add]");
    var room = container.querySelector("[data-entries-room]");
    var status = container.querySelector("[data-entries-status]");
    var template = container.querySelector("template[data-entries-template]");
    inPage(container);
    inPage(template.content);
    var text = function (attribute, placeholder, value) {
      return container.getAttribute(attribute).split(placeholder).join(String(value));
    };
    var entries = function () {
      return Array.prototype.slice.call(container.querySelectorAll(":scope > [data-entry]"));
    };
    var renumber = function (entry, index) {
      var before = name + "-" + entry.getAttribute("data-entry") + "-";
      var after = name + "-" + index + "-";
      [entry].concat(Array.prototype.slice.call(entry.querySelectorAll("*"))).forEach(function (element) {
        RENUMBERED.forEach(function (attribute) {
          var value = element.getAttribute(attribute);
          if (value && value.indexOf(before) !== -1) {
            element.setAttribute(attribute, value.split(before).join(after));
          }
        });
      });
      entry.setAttribute("data-entry", String(index));
      entry.querySelector("[data-entry-remove]").value = String(index);
      entry.querySelector("[data-entry-title]").textContent = text("data-title-pattern", "__number__", index + 1);
    };
    var refresh = function () {
      var list = entries();
      count.value = String(list.length);
      list.forEach(function (entry) {
        entry.querySelector("[data-entry-remove]").hidden = list.length <= least;
      });
      add.hidden = list.length >= most;
      room.textContent = list.length < most
        ? text("data-room-pattern", "__count__", most - list.length)
        : container.getAttribute("data-full-text");
    };
    add.addEventListener("click", function () {
      var index = entries().length;
      if (index >= most) return;
      var copy = template.content.cloneNode(true);
      var entry = copy.querySelector("[data-entry]");
      renumber(entry, index);
      container.insertBefore(copy, room);
      refresh();
      var first = entry.querySelector("input, select, textarea");
      if (first) first.focus();
      status.textContent = text("data-added-pattern", "__number__", index + 1);
    });
    container.addEventListener("click", function (event) {
      var button = event.target.closest("[data-entry-remove]");
      if (!button || button.closest("[data-entries]") !== container) return;
      var list = entries();
      if (list.length <= least) return;
      var position = list.indexOf(button.closest("[data-entry]"));
      list[position].remove();
      entries().forEach(renumber);
      refresh();
      // The entry that took its place, or the add button when the last one went.
      var next = entries()[position];
      if (next) {
        next.querySelector("[data-entry-title]").focus();
      } else {
        add.focus();
      }
      status.textContent = text("data-removed-pattern", "__count__", entries().length);
    });
  });

  // Uploads: the field's limits, checked before anything is sent. A file that breaks them is
  // taken out of the input at once, with the server's own message at the field.
  function uploadProblem(input) {
    var files = Array.prototype.slice.call(input.files || []);
    if (files.length > Number(input.getAttribute("data-max-files"))) {
      return input.getAttribute("data-too-many");
    }
    var extensions = input.getAttribute("data-extensions").split(" ");
    var maxSize = Number(input.getAttribute("data-max-size"));
    for (var i = 0; i < files.length; i += 1) {
      var file = files[i];
      var dot = file.name.lastIndexOf(".");
      if (file.size > maxSize) {
        return input.getAttribute("data-too-large").split("__name__").join(file.name);
      }
      if (dot === -1 || extensions.indexOf(file.name.slice(dot).toLowerCase()) === -1) {
        return input.getAttribute("data-wrong-type").split("__name__").join(file.name);
      }
    }
    return "";
  }
  function showUploadProblem(input, message) {
    var id = input.id + "-upload-error";
    var error = document.getElementById(id);
    var described = (input.getAttribute("aria-describedby") || "").split(" ").filter(function (part) {
      return part && part !== id;
    });
    var group = input.closest(".form-group");
    if (!message) {
      if (error) error.remove();
      input.setAttribute("aria-describedby", described.join(" "));
      if (group && !group.querySelector(".form-error")) {
        group.classList.remove("form-group--error");
        input.removeAttribute("aria-invalid");
      }
      return;
    }
    if (!error) {
      error = document.createElement("p");
      error.className = "form-error";
      error.id = id;
      error.setAttribute("role", "alert");
      var control = input.closest(".form-control") || input;
      control.parentNode.insertBefore(error, control);
    }
    error.textContent = message;
    described.push(id);
    input.setAttribute("aria-describedby", described.join(" "));
    input.setAttribute("aria-invalid", "true");
    if (group) group.classList.add("form-group--error");
  }
  document.querySelectorAll("input[type='file'][data-max-size]").forEach(function (input) {
    input.addEventListener("change", function () {
      var message = uploadProblem(input);
      if (message) input.value = "";
      showUploadProblem(input, message);
    });
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
