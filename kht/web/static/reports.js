/* A report page: draws its chart from #report-data (bar, stacked, line, pie, funnel) with
   window.khtCharts, and builds the filter bar's `field:op:value` from its three inputs (the
   report page's filter bar and the report builder alike). */
"use strict";
(function () {
  const charts = window.khtCharts;
  const d = charts && charts.data("report-data");
  if (d) {
    charts.draw("report-chart", charts.reportOption(d));
  }

  const field = document.getElementById("filter-field");
  const op = document.getElementById("filter-op");
  const value = document.getElementById("filter-value");
  const target = document.getElementById("filter-new");
  const choices = document.getElementById("filter-choices");
  if (!field || !charts) { return; }
  const fields = charts.data("report-fields") || [];
  function fill() {
    const found = fields.find((f) => f.key === field.value);
    op.replaceChildren(...(found ? found.ops : []).map((o) => new Option(o[1], o[0])));
    choices.replaceChildren(...(found ? found.choices : []).map((c) => new Option(c[1], c[0])));
    value.type = found && found.type === "date" ? "date" : "text";
  }
  field.addEventListener("change", fill);
  field.closest("form").addEventListener("submit", () => {
    if (!field.value) { return; }
    const needs = !["empty", "not_empty"].includes(op.value);
    target.value = `${field.value}:${op.value}${needs ? ":" + value.value : ""}`;
    target.disabled = false;
  });
})();
