/* The buying committee chart (ECharts graph): a node per person, sized by influence,
   coloured by attitude, ringed in red when a gap names them; an arrow to whom they report.
   Data and labels come from #committee-data and #committee-labels. */
"use strict";
(function () {
  const el = document.getElementById("committee-data");
  const node = document.getElementById("committee-chart");
  if (!el || !node || !window.echarts) { return; }
  const data = JSON.parse(el.textContent);
  const labels = JSON.parse(document.getElementById("committee-labels").textContent);
  const colours = {supporter: "#198754", neutral: "#6c757d", opponent: "#dc3545"};
  function option() {
    return {
      tooltip: {formatter: (p) => p.dataType === "node"
        ? `${p.data.name}<br>${p.data.role} · ${labels[p.data.attitude]}` : ""},
      legend: {data: Object.keys(colours).map((k) => labels[k]), top: 0},
      series: [{
        type: "graph", layout: "force", roam: true, draggable: true,
        force: {repulsion: 220, edgeLength: 90},
        categories: Object.keys(colours).map((k) => ({name: labels[k], itemStyle: {color: colours[k]}})),
        label: {show: true, position: "bottom"},
        edgeSymbol: ["none", "arrow"],
        data: data.nodes.map((n) => ({
          id: n.id, name: n.name, role: n.role, attitude: n.attitude,
          symbolSize: 18 + n.influence * 8,
          category: Object.keys(colours).indexOf(n.attitude),
          itemStyle: n.flagged ? {borderColor: "#dc3545", borderWidth: 4} : {},
        })),
        links: data.links,
      }],
    };
  }
  // A folded section (on a phone) has no size: draw once it is opened, resize after.
  let chart = null;
  function show() {
    if (node.clientWidth === 0 || node.clientHeight === 0) { return; }
    if (chart) { chart.resize(); return; }
    chart = window.echarts.init(node);
    chart.setOption(option());
    node.dataset.drawn = "1";
  }
  new ResizeObserver(show).observe(node);
  show();
})();
