  // ---- what the reports taught (src/out/report_calib.js) ---------------------
  // Spliced by src/out/report.c into report.js's function, before its self-check,
  // only in a report that has a calibration section (so other reports keep their bytes).
  // Each row on its own scale: 0 and 1 are its prior's (a report: its prior
  // predictive) 5% and 95%; floating bars are 90% intervals, ticks medians.
  var calib = data.calib;
  var medianTicks = {
    id: 'medianTicks',
    afterDatasetsDraw: function (chart) {
      var ctx = chart.ctx, xs = chart.scales.x;
      chart.data.datasets.forEach(function (ds, i) {
        if (!ds.med || !chart.isDatasetVisible(i)) return;
        chart.getDatasetMeta(i).data.forEach(function (el, j) {
          var m = ds.med[j];
          if (m === null || m === undefined || !ds.data[j]) return;
          var x = xs.getPixelForValue(m), h = (el.height || 8) / 2;
          ctx.save();
          ctx.strokeStyle = '#1f2933'; ctx.lineWidth = 2;
          ctx.beginPath(); ctx.moveTo(x, el.y - h); ctx.lineTo(x, el.y + h); ctx.stroke();
          ctx.restore();
        });
      });
    }
  };
  function calChart(c, withReports) {
    var col = calib.colors, raw = c.raw;
    var bars = function (a) { return a.map(function (p) { return p[0] === null || p[1] === null ? null : p; }); };
    var ds = [
      { label: withReports ? 'prior predictive' : 'prior', data: bars(c.prior), med: c.priorm, backgroundColor: col[0],
        barPercentage: 0.9, categoryPercentage: 0.8, q: 0 },
      { label: withReports ? 'posterior predictive' : 'posterior', data: bars(c.post), med: c.postm, backgroundColor: col[1],
        barPercentage: 0.9, categoryPercentage: 0.8, q: 3 }
    ];
    if (withReports)
      ds.push({ type: 'line', label: 'reported', data: c.rep, lo: c.rlo, hi: c.rhi, showLine: false, pointRadius: 6, order: -1,
                pointHoverRadius: 6, backgroundColor: col[2], borderColor: '#fff', borderWidth: 1,
                whiskerColor: col[2], report: false });
    var colours = [col[0], col[1]].concat(withReports ? [col[2]] : []);
    make(c.id, {
      type: 'bar',
      data: { labels: c.names, datasets: ds },
      options: {
        indexAxis: 'y',
        scales: {
          x: valueAxis({ grace: '4%', title: { display: true, text: withReports ? 'prior predictive 5% = 0, 95% = 1' : 'prior 5% = 0, 95% = 1' } }),
          // a long name (a bias of one report) shortened in its middle: the tooltip and table give it whole
          y: { grid: { display: false }, ticks: { callback: function (v) {
            var t = String(this.getLabelForValue(v));
            return t.length > 44 ? t.slice(0, 21) + '\u2026' + t.slice(-21) : t;
          } } }
        },
        plugins: {
          legend: { position: 'top', align: 'end' },
          tooltip: {
            callbacks: {
              title: function (items) { return items.length ? c.names[items[0].dataIndex] : ''; },
              label: function (it) {
                var d = it.dataset, r = raw[it.dataIndex];
                if (d.q === undefined) return ' ' + d.label;
                return ' ' + d.label + ': median ' + num(r[d.q + 1]) + ', 90% ' + num(r[d.q]) + ' to ' + num(r[d.q + 2]);
              }
            }
          }
        }
      },
      plugins: [medianTicks, whiskers]
    }, colours);
  }
  if (calib && calib.inputs) calChart(calib.inputs, false);
  if (calib && calib.reports) calChart(calib.reports, true);

