// The console's only script: draws the hourly chart (Chart.js) in whatever htmx loads, on first load and after swaps.
(function () {
  function hourLabel(iso, long) {
    var d = new Date(iso);
    var hh = String(d.getUTCHours()).padStart(2, '0') + ':00';
    if (!long) return hh;
    return String(d.getUTCMonth() + 1).padStart(2, '0') + '-' + String(d.getUTCDate()).padStart(2, '0') + ' ' + hh;
  }

  function draw(root) {
    root.querySelectorAll('canvas[data-chart]').forEach(function (canvas) {
      var source = document.getElementById(canvas.dataset.chart);
      if (!source || typeof Chart === 'undefined') return;
      var d = JSON.parse(source.textContent);
      var existing = Chart.getChart(canvas);
      if (existing) existing.destroy();
      var long = d.labels.length > 24;
      new Chart(canvas, {
        type: 'line',
        data: {
          labels: d.labels.map(function (l) { return hourLabel(l, long); }),
          datasets: [
            {label: 'Starts', data: d.started, borderColor: '#2563eb', backgroundColor: 'rgba(37,99,235,.10)',
              fill: true, tension: .25, pointRadius: 0, borderWidth: 2},
            {label: 'Approvals', data: d.approved, borderColor: '#16a34a', backgroundColor: 'rgba(22,163,74,.08)',
              fill: true, tension: .25, pointRadius: 0, borderWidth: 2},
            {label: 'Refusals', data: d.refused, borderColor: '#dc2626', backgroundColor: 'rgba(220,38,38,.08)',
              fill: true, tension: .25, pointRadius: 0, borderWidth: 2}
          ]
        },
        options: {
          animation: false, responsive: true, maintainAspectRatio: false,
          interaction: {mode: 'index', intersect: false},
          plugins: {legend: {position: 'top', align: 'end', labels: {boxWidth: 12, usePointStyle: true}}},
          scales: {x: {grid: {display: false}, ticks: {maxTicksLimit: 12, color: '#64748b'}},
                   y: {beginAtZero: true, ticks: {precision: 0, color: '#64748b'}, grid: {color: '#eef2f7'}}}
        }
      });
    });
  }

  if (window.htmx) {
    htmx.onLoad(draw);
  } else {
    document.addEventListener('DOMContentLoaded', function () { draw(document); });
  }
})();
