// Draws the chart of an analytics page with Chart.js (vendored, served from static files).
(function () {
  "use strict";
  const source = document.getElementById("analytics-chart-data");
  const canvas = document.getElementById("analytics-chart");
  if (!source || !canvas || typeof Chart === "undefined") return;
  const data = JSON.parse(source.textContent);
  new Chart(canvas, {
    type: data.type,
    data: {
      labels: data.labels,
      datasets: [{ data: data.values, backgroundColor: "#417690", borderColor: "#417690", spanGaps: true }],
    },
    options: { responsive: true, maintainAspectRatio: false, plugins: { legend: { display: false } } },
  });
})();
