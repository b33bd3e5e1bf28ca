// Draws the dashboard's charts (specs from analytics/charts.py, drawn by charts.js).
(function () {
  "use strict";
  const source = document.getElementById("dashboard-data");
  if (!source || !window.portalCharts) return;
  const charts = JSON.parse(source.textContent);
  Object.keys(charts).forEach(function (name) {
    window.portalCharts.draw(document.getElementById("chart-" + name), charts[name]);
  });
})();
