/*
 * Suggestions for the payload mapping rules in the page editor.
 *
 * The "Agency delivery" tab's report panel carries data-mapping-options-url. This script
 * fetches the chosen integration's targets and the saved form's fields from it and attaches
 * them as <datalist> suggestions to every rule's "Agency field" and "Form field" inputs,
 * including rules added later. Without JavaScript the inputs remain plain text inputs.
 */
(function () {
  "use strict";

  var TARGET_INPUT = /^payload_mapping-\d+-value-target$/;
  var FIELD_INPUT = /^payload_mapping-\d+-value-field$/;
  var TARGET_LIST = "mapping-chooser-targets";
  var SOURCE_LIST = "mapping-chooser-sources";

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
      }
    });
  }

  function targetLabel(target) {
    var parts = [target.title || target.pointer];
    if (target.type) {
      parts.push(target.type);
    }
    if (target.required) {
      parts.push(document.documentElement.lang === "ru" ? "обязательное" : "required");
    }
    return parts.join(" · ");
  }

  function sourceLabel(source) {
    return source.type ? (source.label || source.path) + " · " + source.type : source.label || source.path;
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
          fill(
            targets,
            (data.targets || []).map(function (target) {
              return { value: target.pointer, label: targetLabel(target) };
            })
          );
          fill(
            sources,
            (data.sources || []).map(function (source) {
              return { value: source.path, label: sourceLabel(source) };
            })
          );
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
