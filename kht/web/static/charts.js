/* The funnel and forecast pages' charts (ECharts).  Data and translated labels come from JSON
   blocks (#funnel-data, #forecast-data, #payments-data and their *-labels); a page draws the
   charts whose data it carries.  `window.khtCharts` ({data, draw}) is for plugins' charts:
   load this file first. */
"use strict";
(function () {
  function data(id) {
    const el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }
  function money(v) {
    return v == null ? "—" : Number(v).toLocaleString(undefined, {maximumFractionDigits: 0});
  }
  const charts = [];
  function draw(id, option) {
    const node = document.getElementById(id);
    if (!node || !window.echarts) { return; }
    const chart = window.echarts.init(node);
    chart.setOption(option);
    charts.push(chart);
  }
  function bars(d, keys, labels) {
    return {
      tooltip: {trigger: "axis", valueFormatter: money}, legend: {top: 0},
      grid: {top: 40, left: 80, right: 20, bottom: 40},
      xAxis: {type: "category", data: d.categories}, yAxis: {type: "value"},
      series: keys.map((key) => ({name: labels[key], type: "bar", data: d[key]})),
    };
  }

  /* The option drawing a report's chart data (kht.reports.views.chart_data): bar, stacked,
     line, pie or funnel; the report page and dashboard widgets draw with it. */
  function reportOption(d) {
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
    return option;
  }

  const funnel = data("funnel-data");
  if (funnel) {
    const labels = data("funnel-labels");
    draw("funnel-chart", {
      tooltip: {trigger: "item"},
      series: [{type: "funnel", sort: "none", left: "10%", width: "80%", minSize: "10%",
                label: {show: true, position: "inside", formatter: "{b}: {c}"}, data: funnel.funnel}],
    });
    draw("conversion-chart", {
      title: {text: labels.conversion, textStyle: {fontSize: 13}},
      tooltip: {trigger: "axis"}, legend: {top: 24},
      grid: {top: 64, left: 40, right: 20, bottom: 30},
      xAxis: {type: "category", data: funnel.months}, yAxis: {type: "value", max: 100},
      series: funnel.series.map((s) => ({name: s.name, type: "line", connectNulls: true, data: s.data})),
    });
  }
  const forecast = data("forecast-data");
  const payments = data("payments-data");
  const labels = data("forecast-labels");
  if (forecast) {
    draw("forecast-chart", bars(forecast, ["quota", "won", "commit", "best_case", "weighted"], labels));
  }
  if (payments) {
    draw("payments-chart", bars(payments, ["planned", "received", "expected"], labels));
  }
  window.addEventListener("resize", () => charts.forEach((chart) => chart.resize()));
  window.khtCharts = {data: data, draw: draw, reportOption: reportOption};
})();
