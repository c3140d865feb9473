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

/* Tables of three columns or more become cards on a phone, and wherever they would not fit their column
 * (caravan.css): each cell gets the name of its column, which the card shows above the cell's text. */
document.addEventListener("DOMContentLoaded", function () {
  var phone = window.matchMedia("(max-width: 575.98px)");
  var tables = [];
  document.querySelectorAll(".bd-article table, main table").forEach(function (table) {
    var head = table.tHead && table.tHead.rows[0];
    if (!head || head.cells.length < 3) { return; }
    var names = Array.prototype.map.call(head.cells, function (cell) { return cell.textContent.trim(); });
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.forEach.call(body.rows, function (row) {
        Array.prototype.forEach.call(row.cells, function (cell, i) {
          if (!cell.hasAttribute("data-label")) { cell.setAttribute("data-label", names[i] || ""); }
        });
      });
    });
    table.classList.add("caravan-cards");
    tables.push(table);
  });
  function layout() {
    tables.forEach(function (table) {
      table.classList.remove("caravan-cards-on");
      var room = table.parentElement.clientWidth;
      if (phone.matches || (table.offsetParent !== null && table.offsetWidth > room + 1)) {
        table.classList.add("caravan-cards-on");
      }
    });
  }
  layout();
  window.addEventListener("resize", layout);
  window.addEventListener("beforeprint", layout);
});

/* The exact value of a chart's mark in a box: on a tap or a click on the mark, and from the keyboard
 * (Tab to the chart, then the arrow keys go from mark to mark; Escape closes the box). The text is the
 * mark's own <title>, which a mouse pointer also shows; the box is a polite live region, so a screen
 * reader says it too. */
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll(".caravan-chart").forEach(function (chart) {
    var svg = chart.querySelector("svg");
    if (!svg) { return; }
    var marks = Array.prototype.filter.call(svg.querySelectorAll("title"), function (t) {
      return t.parentNode && t.parentNode !== svg && t.textContent.trim();
    }).map(function (t) { return t.parentNode; });
    if (!marks.length) { return; }
    var figure = chart.closest("figure") || chart.parentNode;
    var tip = document.createElement("div");
    tip.className = "caravan-tip";
    tip.setAttribute("role", "status");
    tip.setAttribute("aria-live", "polite");
    tip.hidden = true;
    figure.appendChild(tip);
    var current = -1;
    function show(index) {
      if (current >= 0) { marks[current].classList.remove("caravan-mark-on"); }
      current = index;
      var mark = marks[index];
      mark.classList.add("caravan-mark-on");
      tip.textContent = mark.querySelector("title").textContent.replace(/;\s*/g, "\n").trim();
      tip.style.whiteSpace = "pre-line";
      tip.hidden = false;
      var box = mark.getBoundingClientRect(), home = figure.getBoundingClientRect();
      var left = Math.min(Math.max(0, box.left - home.left), Math.max(0, home.width - tip.offsetWidth));
      var top = box.bottom - home.top + 6;
      if (top + tip.offsetHeight > chart.offsetHeight) { top = Math.max(0, box.top - home.top - tip.offsetHeight - 6); }
      tip.style.left = left + "px";
      tip.style.top = top + "px";
    }
    function hide() {
      if (current >= 0) { marks[current].classList.remove("caravan-mark-on"); }
      current = -1;
      tip.hidden = true;
    }
    chart.tabIndex = 0;
    chart.addEventListener("click", function (event) {
      var index = marks.findIndex(function (m) { return m === event.target || m.contains(event.target); });
      if (index >= 0 && index !== current) { show(index); } else { hide(); }
    });
    chart.addEventListener("keydown", function (event) {
      var step = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[event.key];
      if (step) {
        event.preventDefault();
        show(current < 0 ? (step > 0 ? 0 : marks.length - 1) : (current + step + marks.length) % marks.length);
      } else if (event.key === "Escape") {
        hide();
      }
    });
    chart.addEventListener("blur", hide);
  });
});
