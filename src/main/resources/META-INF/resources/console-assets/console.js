// The console's only script: draws the chart (Chart.js, per hour or per minute) in whatever htmx loads, on first load
// and after swaps; below it, the block dialog and the confirmations.
(function () {
  function hourLabel(iso, long, minutes) {
    var d = new Date(iso);
    var hh = String(d.getUTCHours()).padStart(2, '0') + ':' + (minutes ? String(d.getUTCMinutes()).padStart(2, '0') : '00');
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
          labels: d.labels.map(function (l) { return hourLabel(l, long, d.step === 'minute'); }),
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

// One-click block: a link with data-block-* opens the block dialog, prefilled (without the dialog the link opens the
// rules page's form, prefilled the same way). A form with data-confirm asks before it is sent (removing a rule).
(function () {
  function byId(id) { return document.getElementById(id); }

  document.addEventListener('click', function (e) {
    var link = e.target.closest ? e.target.closest('a[data-block-field]') : null;
    var dialog = byId('block-dialog');
    if (link && dialog && typeof dialog.showModal === 'function') {
      e.preventDefault();
      e.stopPropagation();
      byId('b-field').value = link.dataset.blockField;
      byId('b-value').value = link.dataset.blockValue;
      byId('b-label').textContent = link.dataset.blockLabel;
      byId('b-reason').value = link.dataset.blockReason;
      byId('b-back').value = location.pathname + location.search;
      dialog.showModal();
      byId('b-reason').focus();
      return;
    }
    if (e.target.id === 'b-cancel' && dialog) {
      dialog.close();
    }
  }, true);

  document.addEventListener('submit', function (e) {
    var form = e.target;
    if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      e.preventDefault();
      e.stopImmediatePropagation();
    }
  }, true);
})();
