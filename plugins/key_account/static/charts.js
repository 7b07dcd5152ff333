/* The key account pack's chart: the Pareto curve (contribution bars, cumulative share
   line). Data and translated labels come from #pareto-data / #pareto-labels; built on the
   core's window.khtCharts (/static/charts.js, loaded first). */
"use strict";
(function () {
  const d = window.khtCharts.data("pareto-data");
  if (!d) { return; }
  const t = window.khtCharts.data("pareto-labels");
  window.khtCharts.draw("pareto-chart", {
    tooltip: {trigger: "axis"}, legend: {top: 0},
    grid: {top: 40, left: 70, right: 50, bottom: 60},
    xAxis: {type: "category", data: d.names, axisLabel: {rotate: 30}},
    yAxis: [{type: "value"}, {type: "value", max: 100, name: "%", splitLine: {show: false}}],
    series: [
      {name: t.revenue, type: "bar", data: d.revenue},
      {name: t.cumulative, type: "line", yAxisIndex: 1, data: d.cumulative,
       markLine: {silent: true, data: [{yAxis: 80}]}},
    ],
  });
})();
