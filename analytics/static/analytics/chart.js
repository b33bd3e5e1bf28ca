// Draws the chart of an analytics page (a spec from analytics/charts.py, drawn by charts.js).
(function () {
  "use strict";
  const source = document.getElementById("analytics-chart-data");
  if (!source || !window.portalCharts) return;
  window.portalCharts.draw(document.getElementById("analytics-chart"), JSON.parse(source.textContent));
})();
