/*
 * The quality panel's links lead to what to fix: an input (#id_summary,
 * #application_form-0-value-fields-1-value-text) or a block (#block-<uuid>-section), maybe in
 * another tab of the page editor, in a collapsed block, or a key input hidden until «Show
 * technical keys» is ticked. A plain in-page link reaches none of those, so this opens the tab,
 * expands the collapsed blocks, ticks the switch when the target is a key, then scrolls to the
 * target and focuses it. Without JavaScript the links still work for what is in view.
 */
(function () {
  "use strict";

  var KEYS_SWITCH = "show-technical-keys";

  function openTab(target) {
    var panel = target.closest("[role=tabpanel]");
    var tab = panel && document.querySelector("[role=tab][aria-controls='" + panel.id + "']");
    if (tab && tab.getAttribute("aria-selected") !== "true") {
      tab.click();
    }
  }

  function expandCollapsed(target) {
    for (var node = target.parentElement; node; node = node.parentElement) {
      if (node.id && node.hasAttribute("hidden")) {
        var toggle = document.querySelector("[aria-controls='" + node.id + "'][aria-expanded=false]");
        if (toggle) {
          toggle.click();
        }
      }
    }
  }

  function showKeys(target) {
    var keysSwitch = document.getElementById(KEYS_SWITCH);
    if (keysSwitch && !keysSwitch.checked && target.closest(".form-key")) {
      keysSwitch.checked = true;
    }
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest(".quality-panel a[href^='#']");
    var target = link && document.getElementById(decodeURIComponent(link.hash.slice(1)));
    if (!target) {
      return;
    }
    event.preventDefault();
    openTab(target);
    expandCollapsed(target);
    showKeys(target);
    window.requestAnimationFrame(function () {
      target.scrollIntoView({ block: "center" });
      if (target.matches("input, select, textarea")) {
        target.focus({ preventScroll: true });
      }
    });
  });
})();
