// Draws the dashboard's charts with Chart.js (vendored, served from static files).
(function () {
  "use strict";
  const source = document.getElementById("dashboard-data");
  if (!source || typeof Chart === "undefined") return;
  const data = JSON.parse(source.textContent);
  const common = { responsive: true, maintainAspectRatio: false, plugins: { legend: { display: false } } };
  function draw(id, type, series, extra) {
    const canvas = document.getElementById(id);
    if (!canvas) return;
    new Chart(canvas, {
      type: type,
      data: { labels: series.labels, datasets: [{ data: series.values, backgroundColor: "#417690", borderColor: "#417690" }] },
      options: Object.assign({}, common, extra || {}),
    });
  }
  draw("chart-intake", "line", data.intake);
  draw("chart-status", "bar", data.status);
  draw("chart-overdue", "bar", data.overdue, { indexAxis: "y" });
})();
