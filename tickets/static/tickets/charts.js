// Draws a chart spec from analytics/charts.py with Chart.js (vendored, served from static files).
// The rules live here once: value axes from zero, whole-number ticks for counts, rates on a
// 0–100 % axis, a legend when there is more than one series, the last (running) period drawn as
// partial: a hollow point and a dashed line for lines, a paler bar for bars.
(function () {
  "use strict";
  const COLOURS = ["#417690", "#e08a00", "#5b9e4d", "#b8485e", "#7b68b5", "#3a9ea5", "#9c7a3c", "#888888"];

  function paler(hex) {
    return hex + "66"; // the same colour at 40% opacity
  }

  function dataset(spec, series, index) {
    const colour = COLOURS[index % COLOURS.length];
    const last = series.values.length - 1;
    const set = {
      label: series.label,
      data: series.values,
      backgroundColor: colour,
      borderColor: colour,
      spanGaps: true,
      clip: false, // a point at 100 % or at the last period is drawn whole
    };
    if (spec.partial_last && spec.type === "line") {
      set.segment = { borderDash: function (ctx) { return ctx.p1DataIndex === last ? [6, 4] : undefined; } };
      set.pointBackgroundColor = series.values.map(function (_v, i) { return i === last ? "#ffffff" : colour; });
      set.pointRadius = series.values.map(function (_v, i) { return i === last ? 5 : 3; });
    } else if (spec.partial_last) {
      set.backgroundColor = series.values.map(function (_v, i) { return i === last ? paler(colour) : colour; });
    }
    return set;
  }

  function valueAxis(spec) {
    const axis = { beginAtZero: true, stacked: spec.stacked, ticks: {} };
    if (spec.unit === "percent") {
      axis.min = 0;
      axis.max = 100;
      axis.ticks.callback = function (value) { return value + "%"; };
    } else {
      axis.ticks.precision = 0; // counts: whole numbers only
    }
    return axis;
  }

  // Long time series: label every n-th period and always the last (the one marked "so far").
  function categoryAxis(spec) {
    // Lines too sit in the middle of their period (a single month is not drawn on the axis).
    const axis = { stacked: spec.stacked, offset: true };
    const count = spec.labels.length;
    if (!spec.horizontal && count > 12) {
      const step = Math.ceil(count / 12);
      axis.ticks = {
        autoSkip: false,
        callback: function (value, index) {
          const last = count - 1;
          const shown = index === last || (index % step === 0 && last - index >= step / 2);
          return shown ? this.getLabelForValue(value) : "";
        },
      };
    }
    return axis;
  }

  function draw(canvas, spec) {
    if (!canvas || !spec || typeof Chart === "undefined") return null;
    const category = categoryAxis(spec);
    const value = valueAxis(spec);
    return new Chart(canvas, {
      type: spec.type,
      data: { labels: spec.labels, datasets: spec.datasets.map(function (s, i) { return dataset(spec, s, i); }) },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false, // figures to read, not to watch arrive
        layout: { padding: { top: 8, right: 8 } },
        indexAxis: spec.horizontal ? "y" : "x",
        scales: spec.horizontal ? { x: value, y: category } : { x: category, y: value },
        plugins: { legend: { display: spec.datasets.length > 1, position: "bottom" } },
      },
    });
  }

  window.portalCharts = { draw: draw };
})();
