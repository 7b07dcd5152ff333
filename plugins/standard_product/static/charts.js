/* The standard product pack's charts (ECharts): rep performance and the pack's reports.
   Data and translated labels come from JSON blocks (#performance-data/-labels,
   #reports-data/-labels); a page draws the charts whose data it carries.  Built on the
   core's window.khtCharts (/static/charts.js, loaded first). */
"use strict";
(function () {
  const data = window.khtCharts.data;
  const draw = window.khtCharts.draw;
  function twoAxes(title, names, bars, line) {
    return {
      title: {text: title, textStyle: {fontSize: 13}},
      tooltip: {trigger: "axis"}, legend: {top: 30},
      grid: {top: 70, left: 50, right: 50, bottom: 30},
      xAxis: {type: "category", data: names},
      yAxis: [{type: "value"}, {type: "value", name: line.unit || "", splitLine: {show: false}}],
      series: bars.map((b) => ({name: b.name, type: "bar", data: b.data}))
        .concat([{name: line.name, type: "line", yAxisIndex: 1, data: line.data}]),
    };
  }

  const performance = data("performance-data");
  if (performance) {
    const t = data("performance-labels");
    draw("revenue-quota-chart", {
      title: {text: t.title, textStyle: {fontSize: 13}},
      tooltip: {trigger: "axis"},
      legend: {top: 30, data: [t.revenue, t.quota]},
      grid: {top: 70, left: 70, right: 20, bottom: 30},
      xAxis: {type: "category", data: performance.names},
      yAxis: {type: "value"},
      series: [
        {name: t.revenue, type: "bar", data: performance.revenue},
        // A rep without a quota has no point; the line joins the reps that have one.
        {name: t.quota, type: "line", data: performance.quota, connectNulls: true,
         showAllSymbol: true, symbol: "diamond", symbolSize: 12, z: 3},
      ],
    });
  }

  const d = data("reports-data");
  if (d) {
    const t = data("reports-labels");
    if (d.sources) {
      draw("lead-sources-chart", twoAxes(t.sourcesTitle, d.sources.names,
        [{name: t.leads, data: d.sources.leads}, {name: t.converted, data: d.sources.converted}],
        {name: t.conversionRate, data: d.sources.rate, unit: "%"}));
    }
    if (d.lines) {
      draw("quote-win-rate-chart", twoAxes(t.linesTitle, d.lines.names,
        [{name: t.quotesSent, data: d.lines.quotes}, {name: t.accepted, data: d.lines.accepted}],
        {name: t.winRate, data: d.lines.rate, unit: "%"}));
    }
    if (d.reps) {
      draw("rep-activity-chart", twoAxes(t.repsTitle, d.reps.names,
        [{name: t.doneActions, data: d.reps.actions}, {name: t.won, data: d.reps.won}],
        {name: t.wonAmount, data: d.reps.amount}));
    }
    if (d.funnel) {
      draw("line-funnel-chart", {
        tooltip: {trigger: "item"},
        series: [{type: "funnel", sort: "none", left: "10%", width: "80%", minSize: "10%",
                  label: {show: true, position: "inside", formatter: "{b}: {c}"}, data: d.funnel}],
      });
    }
  }
})();
