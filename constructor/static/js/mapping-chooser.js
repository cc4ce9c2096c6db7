/*
 * Suggestions for the payload mapping rules in the page editor.
 *
 * The "Agency delivery" tab's report panel carries data-mapping-options-url. This script
 * fetches the chosen integration's targets and the saved form's fields from it and attaches
 * them as <datalist> suggestions to every rule's "Agency field" and "Form field" inputs,
 * including rules added later. Under each of those inputs it names the chosen field in words
 * (officials need not read "/applicant/full_name/last_name"), and in each rule it shows only the
 * input that "Take the value from" asks for. Without JavaScript every input stays visible and
 * plain.
 */
(function () {
  "use strict";

  var TARGET_INPUT = /^payload_mapping-\d+-value-target$/;
  var FIELD_INPUT = /^payload_mapping-\d+-value-field$/;
  var SOURCE_SELECT = /^payload_mapping-\d+-value-source$/;
  var TARGET_LIST = "mapping-chooser-targets";
  var SOURCE_LIST = "mapping-chooser-sources";
  var SOURCE_INPUTS = ["field", "constant", "system"];
  var RUSSIAN = document.documentElement.lang === "ru";
  var TEXT = RUSSIAN
    ? {
        required: "обязательное",
        unknownTarget: "Такого поля нет в списке полей ведомства: выберите поле из подсказок.",
        unknownSource: "Такого поля нет в форме заявления: выберите поле из подсказок.",
        types: {
          string: "текст",
          integer: "целое число",
          number: "число",
          boolean: "да/нет",
          array: "список",
          object: "группа полей",
        },
      }
    : {
        required: "required",
        unknownTarget: "The agency has no such field: pick one from the suggestions.",
        unknownSource: "The form has no such field: pick one from the suggestions.",
        types: {
          string: "text",
          integer: "whole number",
          number: "number",
          boolean: "yes/no",
          array: "list",
          object: "group of fields",
        },
      };
  // value -> human label, per list; filled when the options arrive.
  var known = {};
  known[TARGET_LIST] = null;
  known[SOURCE_LIST] = null;

  function datalist(id) {
    var list = document.getElementById(id);
    if (!list) {
      list = document.createElement("datalist");
      list.id = id;
      document.body.appendChild(list);
    }
    return list;
  }

  function fill(list, options) {
    while (list.firstChild) {
      list.removeChild(list.firstChild);
    }
    options.forEach(function (option) {
      var element = document.createElement("option");
      element.value = option.value;
      element.textContent = option.label;
      list.appendChild(element);
    });
  }

  function typeName(type) {
    return TEXT.types[type] || type;
  }

  function hintFor(input) {
    var id = input.id ? input.id + "-meaning" : null;
    var hint = id ? document.getElementById(id) : null;
    if (!hint && id) {
      hint = document.createElement("p");
      hint.id = id;
      hint.className = "w-field__help mapping-chooser__hint";
      hint.setAttribute("aria-live", "polite");
      input.insertAdjacentElement("afterend", hint);
      var described = input.getAttribute("aria-describedby");
      input.setAttribute("aria-describedby", described ? described + " " + id : id);
    }
    return hint;
  }

  function explain(input) {
    var labels = known[input.getAttribute("list")];
    if (!labels) {
      // No suggestions (no integration chosen, or the form is not saved yet): nothing to say.
      var stale = input.id && document.getElementById(input.id + "-meaning");
      if (stale) {
        stale.textContent = "";
      }
      return;
    }
    var hint = hintFor(input);
    if (!hint) {
      return;
    }
    var value = input.value.trim();
    if (!value) {
      hint.textContent = "";
    } else if (Object.prototype.hasOwnProperty.call(labels, value)) {
      hint.textContent = "→ " + labels[value];
    } else {
      hint.textContent =
        input.getAttribute("list") === TARGET_LIST ? TEXT.unknownTarget : TEXT.unknownSource;
    }
  }

  function explainAll() {
    document.querySelectorAll("input[list='" + TARGET_LIST + "'], input[list='" + SOURCE_LIST + "']").forEach(explain);
  }

  function showChosenSource(select) {
    var rule = select.closest("[data-contentpath='source']");
    rule = rule && rule.parentElement;
    if (!rule) {
      return;
    }
    SOURCE_INPUTS.forEach(function (name) {
      var wrapper = rule.querySelector(":scope > [data-contentpath='" + name + "']");
      if (!wrapper) {
        return;
      }
      // An input with an error message stays in sight whatever the choice.
      var hasError = wrapper.querySelector(".error-message, .w-field--error, [aria-invalid='true']");
      wrapper.hidden = select.value !== name && !hasError;
    });
  }

  function attach(root) {
    if (!root || !root.querySelectorAll) {
      return;
    }
    var inputs = root.matches && root.matches("input") ? [root] : [];
    inputs = inputs.concat(Array.prototype.slice.call(root.querySelectorAll("input[name]")));
    inputs.forEach(function (input) {
      var name = input.getAttribute("name") || "";
      var list = TARGET_INPUT.test(name) ? TARGET_LIST : FIELD_INPUT.test(name) ? SOURCE_LIST : null;
      if (list && input.getAttribute("list") !== list) {
        input.setAttribute("list", list);
        input.setAttribute("autocomplete", "off");
        input.addEventListener("input", function () {
          explain(input);
        });
        explain(input);
      }
    });
    var selects = root.matches && root.matches("select") ? [root] : [];
    selects = selects.concat(Array.prototype.slice.call(root.querySelectorAll("select[name]")));
    selects.forEach(function (select) {
      if (SOURCE_SELECT.test(select.getAttribute("name") || "") && !select.dataset.mappingSource) {
        select.dataset.mappingSource = "watched";
        select.addEventListener("change", function () {
          showChosenSource(select);
        });
        showChosenSource(select);
      }
    });
  }

  function targetLabel(target) {
    var parts = [target.title || target.pointer];
    if (target.type) {
      parts.push(typeName(target.type));
    }
    if (target.required) {
      parts.push(TEXT.required);
    }
    return parts.join(" · ");
  }

  function sourceLabel(source) {
    var label = source.label || source.path;
    return source.type ? label + " · " + typeName(source.type) : label;
  }

  function remember(list, options) {
    var labels = {};
    options.forEach(function (option) {
      labels[option.value] = option.label;
    });
    known[list] = options.length ? labels : null;
  }

  function init() {
    var holder = document.querySelector("[data-mapping-options-url]");
    if (!holder || !window.fetch) {
      return;
    }
    var url = holder.getAttribute("data-mapping-options-url");
    var select = document.getElementById("id_integration");
    var targets = datalist(TARGET_LIST);
    var sources = datalist(SOURCE_LIST);
    var pending = 0;

    function load() {
      var query = select ? "?integration=" + encodeURIComponent(select.value || "") : "";
      var ticket = ++pending;
      window
        .fetch(url + query, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          return response.ok ? response.json() : null;
        })
        .then(function (data) {
          if (!data || ticket !== pending) {
            return;
          }
          var targetOptions = (data.targets || []).map(function (target) {
            return { value: target.pointer, label: targetLabel(target) };
          });
          var sourceOptions = (data.sources || []).map(function (source) {
            return { value: source.path, label: sourceLabel(source) };
          });
          fill(targets, targetOptions);
          fill(sources, sourceOptions);
          remember(TARGET_LIST, targetOptions);
          remember(SOURCE_LIST, sourceOptions);
          explainAll();
        })
        .catch(function () {
          /* Suggestions are a convenience: typing still works. */
        });
    }

    attach(document.body);
    new MutationObserver(function (mutations) {
      mutations.forEach(function (mutation) {
        Array.prototype.forEach.call(mutation.addedNodes, attach);
      });
    }).observe(document.body, { childList: true, subtree: true });
    if (select) {
      select.addEventListener("change", load);
    }
    load();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
