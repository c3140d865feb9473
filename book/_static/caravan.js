/* Name each solution toggle after what it opens.
 *
 * sphinx-togglebutton adds a button to every solution, all labelled "Toggle hidden content";
 * a screen-reader user hears the same name many times. This runs after togglebutton has added
 * its buttons (both wait for DOMContentLoaded; this script is deferred, so it registers later)
 * and names each button after its box's title, e.g. "Solution to Exercise 1". The button's
 * aria-expanded, which togglebutton keeps up to date, says whether it is open.
 */
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("button.toggle-button").forEach(function (button) {
    var title = button.closest(".admonition-title");
    if (!title) { return; }
    var text = "";
    title.childNodes.forEach(function (node) {
      if (node !== button) { text += node.textContent; }
    });
    text = text.replace(/\s+/g, " ").trim();
    if (text) { button.setAttribute("aria-label", text); }
  });
});
