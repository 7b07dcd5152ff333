/* The home page's dashboard: draws each report widget's chart (window.khtCharts) and lets the
   user drag widgets into another order (SortableJS by the grip); the new order is saved at
   once, and a refused save puts the widget back. */
"use strict";
(function () {
  const charts = window.khtCharts;
  const grid = document.getElementById("dashboard-grid");
  if (!grid) { return; }
  document.querySelectorAll(".dash-chart").forEach(function (node) {
    const d = charts && charts.data("dash-data-" + node.dataset.widget);
    if (d) { charts.draw(node.id, charts.reportOption(d)); }
  });
  const token = JSON.parse(document.body.getAttribute("hx-headers"))["x-csrftoken"];
  const labels = JSON.parse(document.getElementById("dashboard-labels").textContent);
  const errorBox = document.getElementById("dashboard-error");
  function order() {
    return Array.from(grid.querySelectorAll(".dash-widget")).map((el) => el.dataset.id);
  }
  async function moved(evt) {
    if (evt.oldIndex === evt.newIndex) { return; }
    errorBox.classList.add("d-none");
    const response = await fetch("/dashboard/order", {
      method: "POST",
      headers: {"x-csrftoken": token, "content-type": "application/x-www-form-urlencoded"},
      body: new URLSearchParams({order: order().join(",")}),
      credentials: "same-origin",
    });
    let data = {};
    try { data = await response.json(); } catch (e) { data = {message: response.statusText}; }
    if (!response.ok || !data.ok) {
      const before = evt.from.children[evt.oldIndex + (evt.oldIndex > evt.newIndex ? 1 : 0)] || null;
      evt.from.insertBefore(evt.item, before);
      errorBox.textContent = labels.failed + " " + (data.message || "");
      errorBox.classList.remove("d-none");
      return;
    }
    grid.dataset.saved = data.order.join(",");
  }
  window.Sortable.create(grid, {
    handle: ".dash-handle",
    draggable: ".dash-widget",
    forceFallback: true,  // mouse events: the same on touch screens and in tests
    animation: 120,
    onEnd: moved,
  });
})();
