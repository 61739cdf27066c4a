  // ---- scenario discovery (src/out/report_discover.js) -----------------------
  // Spliced by src/out/report.c into report.js's function, before its self-check,
  // only in a report that has a discovery section (so other reports keep their bytes).
  var DC = '#e69f00', DR = '#56b4e9', DK = '#2c3e50';
  // data.discover: one object per question (q: its number, the suffix of its canvases' ids).
  (data.discover || []).forEach(function (disc) {
  if (!disc.q) return;
  if (disc.tradeoff) {
    var t = disc.tradeoff, pts = t.coverage.map(function (c, i) { return { x: c, y: t.density[i] }; });
    make('disc-tradeoff-' + disc.q, {
      type: 'scatter',
      data: { datasets: [
        { label: 'chosen box', data: t.chosen >= 0 ? [pts[t.chosen]] : [], backgroundColor: DC, borderColor: DC, pointRadius: 8, pointStyle: 'rectRot' },
        { label: 'trajectory', data: pts, showLine: true, borderColor: DK, backgroundColor: DK, pointRadius: 2 }
      ] },
      options: {
        scales: {
          x: { title: { display: true, text: 'coverage' }, min: 0, max: 1, ticks: { callback: function (v) { return pct(v); } } },
          y: { title: { display: true, text: 'density' }, min: 0, max: 1, ticks: { callback: function (v) { return pct(v); } } }
        },
        plugins: { legend: { position: 'top', align: 'end' },
          tooltip: { callbacks: { label: function (it) { return ' coverage ' + pct(it.parsed.x) + ', density ' + pct(it.parsed.y); } } } }
      }
    }, [DC, DK]);
  }
  if (disc.ranges) {
    var full = disc.ranges.labels.map(function () { return [0, 1]; });
    make('disc-ranges-' + disc.q, {
      type: 'bar',
      data: { labels: disc.ranges.labels, datasets: [
        { label: 'in the box', data: disc.ranges.values, backgroundColor: DK, grouped: false, barPercentage: 0.5 },
        { label: 'all runs', data: full, backgroundColor: '#d5dde5', grouped: false, barPercentage: 0.8 }
      ] },
      options: { indexAxis: 'y', scales: { x: { min: 0, max: 1, title: { display: true, text: 'share of the input\'s range' } },
                                           y: { grid: { display: false }, title: { display: true, text: 'input' } } },
        plugins: { legend: { position: 'top', align: 'end' } } }
    }, [DK]);
  }
  if (disc.scatter) {
    var sp = function (a) { return a.map(function (p) { return { x: p[0], y: p[1] }; }); };
    make('disc-scatter-' + disc.q, {
      type: 'scatter',
      data: { datasets: [
        { label: 'cases of interest', data: sp(disc.scatter.cases), backgroundColor: DC, pointRadius: 2.5 },
        { label: 'other runs', data: sp(disc.scatter.rest), backgroundColor: rgba(DR, 0.5), pointRadius: 2 }
      ] },
      options: { scales: { x: { title: { display: true, text: disc.scatter.x } }, y: { title: { display: true, text: disc.scatter.y } } },
        plugins: { legend: { position: 'top', align: 'end' } } }
    }, [DC]);
  }
  });
