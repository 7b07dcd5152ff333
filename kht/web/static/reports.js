/* A report page: draws its chart from #report-data (bar, stacked, line, pie, funnel) with
   window.khtCharts, and builds the filter bar's `field:op:value` from its three inputs (the
   report page's filter bar and the report builder alike). */
"use strict";
(function () {
  const charts = window.khtCharts;
  const d = charts && charts.data("report-data");
  if (d) {
    const pairs = d.categories.map((name, i) => ({name: name, value: d.totals[i]}));
    let option;
    if (d.type === "pie") {
      option = {tooltip: {trigger: "item"}, legend: {type: "scroll", bottom: 0},
                series: [{type: "pie", radius: ["30%", "65%"], data: pairs}]};
    } else if (d.type === "funnel") {
      option = {tooltip: {trigger: "item"},
                series: [{type: "funnel", sort: "none", left: "10%", width: "80%", minSize: "5%",
                          label: {show: true, position: "inside", formatter: "{b}: {c}"}, data: pairs}]};
    } else {
      const kind = d.type === "line" ? "line" : "bar";
      option = {
        tooltip: {trigger: "axis"}, legend: {type: "scroll", top: 0},
        grid: {top: 40, left: 70, right: 20, bottom: 60, containLabel: true},
        xAxis: {type: "category", data: d.categories, axisLabel: {rotate: d.categories.length > 8 ? 30 : 0}},
        yAxis: {type: "value"},
        series: d.series.map((s) => ({name: s.name, type: kind, data: s.data, connectNulls: true,
                                      stack: d.type === "stacked" ? "all" : undefined})),
      };
    }
    charts.draw("report-chart", option);
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
