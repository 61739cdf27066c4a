/* salient report: draws the charts of report.html from the JSON in
 * script element "salient-data" with Chart.js 3.9.1 (inlined before this
 * script), then checks each chart itself: a chart counts as rendered when
 * its plot area holds pixels of its own data colours.  The counts go into
 * the body's data-charts, data-rendered and data-errors attributes, which the test
 * suite reads from headless Chromium (tests/cli/report_browser.sh). */
(function () {
  'use strict';
  var body = document.body;
  var errors = 0;
  window.addEventListener('error', function () {
    errors++;
    body.setAttribute('data-errors', String(errors));
  });
  body.setAttribute('data-errors', '0');
  var data = JSON.parse(document.getElementById('salient-data').textContent);
  var dates = data.dates;
  var variants = data.variants;

  Chart.defaults.animation = false;
  Chart.defaults.responsive = true;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.font.family = '"Helvetica Neue", Helvetica, Arial, "DejaVu Sans", sans-serif';
  Chart.defaults.font.size = 11;
  Chart.defaults.color = '#3d4752';
  Chart.defaults.plugins.legend.labels.boxWidth = 14;
  Chart.defaults.plugins.legend.labels.boxHeight = 8;
  Chart.defaults.elements.point.radius = 0;
  Chart.defaults.elements.line.borderWidth = 2;

  var MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  function shortDate(iso) { // "2024-11-05" -> "5 Nov 2024"
    var p = String(iso).split('-');
    return p.length === 3 ? (+p[2]) + ' ' + MONTHS[+p[1] - 1] + ' ' + p[0] : String(iso);
  }
  var compact = new Intl.NumberFormat('en', { notation: 'compact', maximumSignificantDigits: 3 });
  function num(v) { return v === null || v === undefined || isNaN(v) ? 'n/a' : compact.format(v); }
  function pct(v) { return v === null ? 'n/a' : Math.round(v * 100) + '%'; }
  function rgb(hex) {
    var n = parseInt(hex.slice(1), 16);
    return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
  }
  function rgba(hex, a) { var c = rgb(hex); return 'rgba(' + c[0] + ',' + c[1] + ',' + c[2] + ',' + a + ')'; }

  // The date axis: labels on the first of a month only, every k-th month
  // (k = 1, 2, 3, 6 or 12, the smallest that leaves ~60 px per label), the
  // year on January and on the first label, no rotation: labels never
  // overlap.  Spans shorter than two months fall back to Chart.js's own
  // skipping of day labels.
  var monthStarts = dates.filter(function (d) { return /-01$/.test(d); });
  function monthIndex(iso) { var p = iso.split('-'); return (+p[0]) * 12 + (+p[1]) - 1; }
  function dateAxis() {
    return {
      type: 'category',
      grid: { display: false },
      title: { display: true, text: 'date' },
      ticks: {
        autoSkip: monthStarts.length < 2, maxRotation: 0, autoSkipPadding: 18,
        callback: function (v) {
          var iso = String(this.getLabelForValue(v));
          if (monthStarts.length < 2) return shortDate(iso);
          if (!/-01$/.test(iso)) return null;
          var steps = [1, 2, 3, 6, 12], k = 12;
          for (var i = 0; i < steps.length; i++)
            if ((monthStarts.length / steps[i]) * 60 <= this.width) { k = steps[i]; break; }
          var m = monthIndex(iso);
          if (m % k) return null;
          var first = null;
          for (var j = 0; j < monthStarts.length && first === null; j++)
            if (monthIndex(monthStarts[j]) % k === 0) first = monthStarts[j];
          var p = iso.split('-');
          return MONTHS[+p[1] - 1] + (p[1] === '01' || iso === first ? ' ' + p[0] : '');
        }
      }
    };
  }
  // Value ticks: plain numbers with thousands separators below 10,000;
  // from 10,000 on, in thousands, millions or billions (10K, 2.5M) with as
  // many decimals as the step needs, so neighbouring ticks never print the
  // same and a narrow chart's labels stay short enough not to collide.
  function decimals(x) { // the fewest decimals (0..3) that write x exactly enough
    for (var d = 0; d < 3; d++)
      if (Math.abs(Math.round(x * Math.pow(10, d)) - x * Math.pow(10, d)) < 1e-6 * Math.pow(10, d)) return d;
    return 3;
  }
  function valueTick(v, i, ticks) {
    var big = 0;
    ticks.forEach(function (t) { big = Math.max(big, Math.abs(t.value)); });
    if (v === 0) return '0';
    var step = ticks.length > 1 ? Math.abs(ticks[1].value - ticks[0].value) : Math.abs(v);
    if (big < 1e4) {
      var d0 = decimals(step);
      return v.toLocaleString('en', { minimumFractionDigits: d0, maximumFractionDigits: d0 });
    }
    var unit = big >= 1e9 ? 1e9 : big >= 1e6 ? 1e6 : 1e3, suf = big >= 1e9 ? 'B' : big >= 1e6 ? 'M' : 'K';
    return (v / unit).toFixed(decimals(step / unit)) + suf;
  }
  function valueAxis(extra, title) {
    var a = { grid: { color: 'rgba(0,0,0,0.07)' }, ticks: { callback: valueTick, maxRotation: 0 },
              title: { display: true, text: title } };
    for (var k in extra) a[k] = extra[k];
    return a;
  }
  var tooltipDates = {
    mode: 'index', intersect: false,
    callbacks: {
      title: function (items) { return items.length ? shortDate(items[0].label) : ''; },
      label: function (it) { return ' ' + it.dataset.label + ': ' + num(it.parsed.y); }
    }
  };

  // Interval whiskers for datasets carrying lo/hi arrays (Chart.js 3 has no
  // error bars): a line from lo to hi with end caps, in the point's colour,
  // along the value axis of a horizontal (indexAxis 'y') chart.
  var whiskers = {
    id: 'whiskers',
    afterDatasetsDraw: function (chart) {
      var ctx = chart.ctx, xs = chart.scales.x;
      chart.data.datasets.forEach(function (ds, i) {
        if (!ds.lo || !chart.isDatasetVisible(i)) return;
        chart.getDatasetMeta(i).data.forEach(function (el, j) {
          var lo = ds.lo[j], hi = ds.hi[j];
          if (lo === null || hi === null) return;
          var c = ds.whiskerColor || (Array.isArray(ds.backgroundColor) ? ds.backgroundColor[j] : ds.backgroundColor);
          var x1 = xs.getPixelForValue(lo), x2 = xs.getPixelForValue(hi), y = el.y;
          ctx.save();
          ctx.strokeStyle = c; ctx.lineWidth = 2;
          ctx.beginPath();
          ctx.moveTo(x1, y); ctx.lineTo(x2, y);
          ctx.moveTo(x1, y - 5); ctx.lineTo(x1, y + 5);
          ctx.moveTo(x2, y - 5); ctx.lineTo(x2, y + 5);
          ctx.stroke();
          ctx.restore();
        });
      });
    }
  };
  // The bars of censored reports on a fan: from lo to hi along the value
  // axis at the report's date (a missing end runs to the chart's edge).
  var REPORT_FIT = '#d55e00', REPORT_TEST = '#7b3294';
  var reportBars = {
    id: 'reportBars',
    afterDatasetsDraw: function (chart) {
      var ctx = chart.ctx, ys = chart.scales.y, a = chart.chartArea;
      chart.data.datasets.forEach(function (ds, i) {
        if (!ds.bars || !chart.isDatasetVisible(i)) return;
        chart.getDatasetMeta(i).data.forEach(function (el, j) {
          var b = ds.bars[j];
          if (!b) return;
          var y1 = b[0] === null ? a.bottom : ys.getPixelForValue(b[0]);
          var y2 = b[1] === null ? a.top : ys.getPixelForValue(b[1]);
          y1 = Math.min(a.bottom, Math.max(a.top, y1));
          y2 = Math.min(a.bottom, Math.max(a.top, y2));
          ctx.save();
          ctx.strokeStyle = ds.whiskerColor; ctx.lineWidth = 2;
          ctx.beginPath();
          ctx.moveTo(el.x, y1); ctx.lineTo(el.x, y2);
          if (b[0] !== null) { ctx.moveTo(el.x - 4, y1); ctx.lineTo(el.x + 4, y1); }
          if (b[1] !== null) { ctx.moveTo(el.x - 4, y2); ctx.lineTo(el.x + 4, y2); }
          ctx.stroke();
          ctx.restore();
        });
      });
    }
  };
  // A metric's ceiling (the report found runs piled up against it): a
  // dashed line across the plot at that value, labelled.
  var ceilingLine = {
    id: 'ceilingLine',
    afterDatasetsDraw: function (chart) {
      var cap = chart.options.plugins.ceilingLine && chart.options.plugins.ceilingLine.value;
      if (cap === undefined || cap === null) return;
      var ys = chart.scales.y, a = chart.chartArea, y = ys.getPixelForValue(cap), ctx = chart.ctx;
      if (y < a.top - 1 || y > a.bottom + 1) return;
      ctx.save();
      ctx.strokeStyle = '#8a6d1f'; ctx.lineWidth = 1.2; ctx.setLineDash([5, 4]);
      ctx.beginPath(); ctx.moveTo(a.left, y); ctx.lineTo(a.right, y); ctx.stroke();
      ctx.setLineDash([]); ctx.fillStyle = '#8a6d1f'; ctx.font = '11px sans-serif';
      ctx.textAlign = 'left'; ctx.textBaseline = 'bottom';
      ctx.fillText('ceiling ' + num(cap), a.left + 4, y - 2);
      ctx.restore();
    }
  };
  // A darker line at zero on the value axis.
  var zeroLine = {
    id: 'zeroLine',
    beforeDatasetsDraw: function (chart) {
      var xs = chart.scales.x, a = chart.chartArea;
      if (xs.min > 0 || xs.max < 0) return;
      var x = xs.getPixelForValue(0), ctx = chart.ctx;
      ctx.save(); ctx.strokeStyle = '#555'; ctx.lineWidth = 1;
      ctx.beginPath(); ctx.moveTo(x, a.top); ctx.lineTo(x, a.bottom); ctx.stroke(); ctx.restore();
    }
  };

  var drawn = []; // {chart, colours}
  function make(id, config, colours) {
    var el = document.getElementById(id);
    if (!el) return null;
    var chart = new Chart(el.getContext('2d'), config);
    drawn.push({ chart: chart, colours: colours });
    return chart;
  }

  // ---- fan charts ------------------------------------------------------
  // One key above the charts (drawn in HTML by the report) instead of a
  // legend in each; the variants' medians are hidden until their box in
  // that key is ticked, which shows them on every chart at once.
  var fans = [];
  (data.fans || []).forEach(function (f) {
    var c = data.base.color, ds = [
      { label: 'p05', data: f.q[0], borderWidth: 0, fill: false },
      { label: '90% of runs', data: f.q[4], borderWidth: 0, backgroundColor: rgba(c, 0.16), fill: '-1' },
      { label: 'p25', data: f.q[1], borderWidth: 0, fill: false },
      { label: '50% of runs', data: f.q[3], borderWidth: 0, backgroundColor: rgba(c, 0.34), fill: '-1' },
      { label: 'median', data: f.q[2], borderColor: c, backgroundColor: c, borderWidth: 2.2 }
    ];
    f.variants.forEach(function (v) {
      var col = variants[v.v].color;
      ds.push({ label: variants[v.v].name, data: v.p50, borderColor: col, backgroundColor: col,
                borderWidth: 1.8, borderDash: [6, 3], hidden: true, variant: v.v });
    });
    // reports (salient score): points at their dates, fit and test apart,
    // with a bar for a range or a bound
    [0, 1].forEach(function (test) {
      var rs = (f.reports || []).filter(function (r) { return r.test === test; });
      if (!rs.length) return;
      var col = test ? REPORT_TEST : REPORT_FIT;
      ds.push({ label: test ? 'report (test)' : 'report (fit)', report: true, showLine: false,
                data: rs.map(function (r) { return { x: r.x, y: r.y }; }),
                bars: rs.map(function (r) { return r.bar ? [r.lo, r.hi] : null; }),
                pointRadius: 4, pointHoverRadius: 5, borderColor: '#fff', borderWidth: 1,
                backgroundColor: col, whiskerColor: col });
    });
    var ch = make(f.id, {
      type: 'line',
      data: { labels: dates, datasets: ds },
      options: {
        interaction: { mode: 'index', intersect: false },
        scales: { x: dateAxis(), y: valueAxis(f.cap !== undefined ? { suggestedMax: f.cap + 0.08 * Math.abs(f.cap) } : {}, f.name) },
        plugins: {
          legend: { display: false },
          ceilingLine: { value: f.cap },
          tooltip: {
            mode: 'index', intersect: false,
            filter: function (it) {
              return it.dataset.label !== 'p05' && it.dataset.label !== 'p25' && !it.dataset.report;
            },
            callbacks: tooltipDates.callbacks
          }
        }
      },
      plugins: [reportBars, ceilingLine]
    }, [c]);
    if (ch) fans.push(ch);
  });
  Array.prototype.forEach.call(document.querySelectorAll('input.vtoggle'), function (box) {
    box.checked = false; // a reload keeps no stale state
    box.addEventListener('change', function () {
      var v = +box.value;
      fans.forEach(function (ch) {
        ch.data.datasets.forEach(function (d, i) { if (d.variant === v) ch.setDatasetVisibility(i, box.checked); });
        ch.update();
      });
    });
  });

  // ---- event-time curves -------------------------------------------------
  // twenty distinct colours, the variants' list (src/out/report_data.c)
  var EVENT_COLOURS = ['#d55e00', '#0072b2', '#009e73', '#cc79a7', '#e69f00', '#56b4e9', '#8c564b', '#7f7f7f',
                       '#875692', '#be0032', '#8db600', '#604e97', '#f99379', '#882d17', '#a1caf1', '#c2b280',
                       '#dcd300', '#2b3d26', '#e68fac', '#654522'];
  if (data.curves) {
    var cols = [];
    var eds = data.curves.events.map(function (e, i) {
      // past twenty, the colours come back dashed, then dotted
      var col = EVENT_COLOURS[i % EVENT_COLOURS.length], round = Math.floor(i / EVENT_COLOURS.length);
      cols.push(col);
      return { label: e.name, data: e.p, borderColor: col, backgroundColor: col, borderWidth: 2,
               borderDash: round === 0 ? [] : round === 1 ? [7, 4] : [2, 3] };
    });
    make(data.curves.id, {
      type: 'line',
      data: { labels: dates, datasets: eds },
      options: {
        interaction: { mode: 'index', intersect: false },
        scales: {
          x: dateAxis(),
          y: { min: 0, max: 1, grid: { color: 'rgba(0,0,0,0.07)' }, ticks: { callback: function (v) { return pct(v); } },
               title: { display: true, text: 'share of runs in which it has happened' } }
        },
        plugins: {
          legend: { position: 'bottom', align: 'start' },
          tooltip: {
            mode: 'index', intersect: false,
            callbacks: {
              title: tooltipDates.callbacks.title,
              label: function (it) { return ' ' + it.dataset.label + ': ' + pct(it.parsed.y); }
            }
          }
        }
      }
    }, cols);
  }

  // ---- counterfactual differences ------------------------------------------
  if (data.compare) {
    var names = variants.map(function (v) { return v.name; });
    var vcols = variants.map(function (v) { return v.color; });
    data.compare.metrics.forEach(function (m) {
      var lo = Math.min(0, Math.min.apply(null, m.lo.filter(function (x) { return x !== null; })));
      var hi = Math.max(0, Math.max.apply(null, m.hi.filter(function (x) { return x !== null; })));
      if (!isFinite(lo)) lo = -1;
      if (!isFinite(hi)) hi = 1;
      if (lo === hi) { lo -= 1; hi += 1; }
      make(m.id, {
        type: 'line',
        data: { labels: names, datasets: [{
          label: 'mean difference', data: m.mean, lo: m.lo, hi: m.hi, showLine: false,
          pointRadius: 5, pointHoverRadius: 6, backgroundColor: vcols, borderColor: vcols, pointBorderColor: '#fff',
          pointBorderWidth: 1
        }] },
        options: {
          indexAxis: 'y',
          scales: {
            x: valueAxis({ suggestedMin: lo, suggestedMax: hi, grace: '4%',
                         ticks: { callback: valueTick, maxRotation: 0, maxTicksLimit: 5 } },
                         'variant \u2212 base, ' + shortDate(dates[dates.length - 1])),
            y: { grid: { display: false }, offset: true, title: { display: true, text: 'variant' } }
          },
          plugins: {
            legend: { display: false },
            tooltip: {
              callbacks: {
                label: function (it) {
                  var j = it.dataIndex;
                  return ' mean ' + num(m.mean[j]) + ', median ' + num(m.mid[j]) + ', 90% ' + num(m.lo[j]) + ' to ' + num(m.hi[j]);
                }
              }
            }
          }
        },
        plugins: [zeroLine, whiskers]
      }, vcols);
    });

    // How the difference evolves: every variant's median difference; the
    // 90% band of one variant at a time (all of them at once would hide
    // each other), chosen in the caption's second menu.
    var sel = document.getElementById('cmp-metric'), bandSel = document.getElementById('cmp-band');
    var evolveSets = function (k, band) {
      var m = data.compare.metrics[k], out = [];
      m.series.forEach(function (s) {
        var col = variants[s.v].color;
        if (s.v === band) {
          out.push({ label: '_lo', data: s.p05, borderWidth: 0, fill: false });
          out.push({ label: '_hi', data: s.p95, borderWidth: 0, backgroundColor: rgba(col, 0.18), fill: '-1' });
        }
        out.push({ label: variants[s.v].name, data: s.p50, borderColor: col, backgroundColor: col, borderWidth: 2 });
      });
      return out;
    };
    var band = function () { return bandSel ? +bandSel.value : -1; };
    if (data.compare.metrics.length) {
      var evolve = make(data.compare.evolve, {
        type: 'line',
        data: { labels: dates, datasets: evolveSets(data.compare.key, band()) },
        options: {
          interaction: { mode: 'index', intersect: false },
          scales: { x: dateAxis(), y: valueAxis({}, data.compare.metrics[data.compare.key].name + ': median difference, variant \u2212 base') },
          plugins: {
            legend: { labels: { filter: function (it) { return it.text.charAt(0) !== '_'; } } },
            tooltip: {
              mode: 'index', intersect: false,
              filter: function (it) { return it.dataset.label.charAt(0) !== '_'; },
              callbacks: tooltipDates.callbacks
            }
          }
        },
        plugins: [{
          id: 'zeroY',
          beforeDatasetsDraw: function (chart) {
            var ys = chart.scales.y, a = chart.chartArea;
            if (ys.min > 0 || ys.max < 0) return;
            var y = ys.getPixelForValue(0), ctx = chart.ctx;
            ctx.save(); ctx.strokeStyle = '#555'; ctx.lineWidth = 1;
            ctx.beginPath(); ctx.moveTo(a.left, y); ctx.lineTo(a.right, y); ctx.stroke(); ctx.restore();
          }
        }]
      }, vcols);
      var redraw = function () {
        var k = sel ? +sel.value : data.compare.key;
        evolve.options.scales.y.title.text = data.compare.metrics[k].name + ': median difference, variant \u2212 base';
        evolve.data.datasets = evolveSets(k, band());
        evolve.update();
      };
      if (evolve && sel) sel.addEventListener('change', redraw);
      if (evolve && bandSel) bandSel.addEventListener('change', redraw);
    }
  }

  // ---- Sobol' indices ------------------------------------------------------
  var S1C = '#2c3e50', STC = '#9fb3c8';
  (data.sobol || []).forEach(function (s) {
    // The axis spans every bar and whisker (nothing clipped) from a tick on
    // the grid of its step, so 0 is always a tick: estimates below 0 or
    // intervals past 1 are sampling error, and the chart shows them as such.
    var los = s.S1lo.concat(s.STlo, s.S1, s.ST).filter(function (x) { return x !== null; });
    var his = s.S1hi.concat(s.SThi, s.S1, s.ST).filter(function (x) { return x !== null; });
    var lo0 = Math.min(0, Math.min.apply(null, los.length ? los : [0]));
    var hi0 = Math.max(1, Math.max.apply(null, his.length ? his : [1]));
    var sstep = hi0 - lo0 > 1.3 ? 0.5 : 0.2;
    var lo = Math.floor(lo0 / sstep - 1e-9) * sstep, hi = Math.ceil(hi0 / sstep - 1e-9) * sstep;
    make(s.id, {
      type: 'bar',
      data: { labels: s.inputs, datasets: [
        { label: 'first-order S1', data: s.S1, lo: s.S1lo, hi: s.S1hi, backgroundColor: S1C, whiskerColor: '#000',
          barPercentage: 0.9, categoryPercentage: 0.8 },
        { label: 'total ST', data: s.ST, lo: s.STlo, hi: s.SThi, backgroundColor: STC, whiskerColor: '#34495e',
          barPercentage: 0.9, categoryPercentage: 0.8 }
      ] },
      options: {
        indexAxis: 'y',
        scales: {
          x: valueAxis({ min: lo, max: hi,
                         ticks: { stepSize: sstep, maxRotation: 0, callback: function (v) { return Math.abs(v) < 1e-9 ? '0' : (+v).toFixed(1); } } },
                       "Sobol' index (share of the variance of " + s.name + ')'),
          y: { grid: { display: false }, title: { display: true, text: 'uncertain input' } }
        },
        plugins: {
          legend: { position: 'top', align: 'end' },
          tooltip: {
            callbacks: {
              label: function (it) {
                var d = it.dataset, j = it.dataIndex;
                return ' ' + d.label + ': ' + (+d.data[j]).toFixed(3) + ' (90% ' + (+d.lo[j]).toFixed(3) + ' to ' + (+d.hi[j]).toFixed(3) + ')';
              }
            }
          }
        }
      },
      plugins: [zeroLine, whiskers]
    }, [S1C, STC]);
  });

  // ---- the provenance table's filter ------------------------------------------
  // Rows whose text holds every word typed (any case) stay; the count says
  // how many.
  var provSearch = document.getElementById('prov-search');
  if (provSearch) {
    var provRows = document.querySelectorAll('table.prov tbody tr');
    var provCount = document.getElementById('prov-count');
    var provFilter = function () {
      var words = provSearch.value.toLowerCase().split(/\s+/).filter(function (w) { return w; }), shown = 0;
      Array.prototype.forEach.call(provRows, function (tr) {
        var t = tr.textContent.toLowerCase();
        var keep = words.every(function (w) { return t.indexOf(w) >= 0; });
        tr.style.display = keep ? '' : 'none';
        if (keep) shown++;
      });
      if (provCount) provCount.textContent = shown + ' of ' + provRows.length + ' rows';
    };
    provSearch.value = '';
    provSearch.addEventListener('input', provFilter);
    provFilter();
  }

  // ---- self-check: did every chart draw its data? --------------------------
  // Count, inside the plot area only (legends and axes excluded), the
  // pixels whose colour is one of the chart's data colours (within 12 per
  // channel: bands are drawn translucent, and un-premultiplying their alpha
  // rounds).  A chart with at least 20 such pixels has drawn its data.
  function inked(entry) {
    var ch = entry.chart, a = ch.chartArea, r = ch.currentDevicePixelRatio || 1;
    if (!a || a.right <= a.left || a.bottom <= a.top) return false;
    var x0 = Math.floor(a.left * r), y0 = Math.floor(a.top * r);
    var w = Math.max(1, Math.floor((a.right - a.left) * r)), h = Math.max(1, Math.floor((a.bottom - a.top) * r));
    var px = ch.ctx.getImageData(x0, y0, w, h).data;
    var cs = entry.colours.map(rgb), hits = 0;
    for (var i = 0; i < px.length && hits < 20; i += 4) {
      if (px[i + 3] === 0) continue;
      for (var k = 0; k < cs.length; k++) {
        var c = cs[k];
        if (Math.abs(px[i] - c[0]) <= 12 && Math.abs(px[i + 1] - c[1]) <= 12 && Math.abs(px[i + 2] - c[2]) <= 12) {
          hits++;
          break;
        }
      }
    }
    return hits >= 20;
  }
  // Every axis carries a title, and no two tick labels of an axis overlap:
  // each label's box from Chart.js's own label items (position, alignment,
  // font), measured on the chart's canvas, against every other's.
  function labelBoxes(ch, sc) {
    var items = sc._labelItems || (sc._computeLabelItems ? sc._computeLabelItems(ch.chartArea) : []);
    var ctx = ch.ctx, out = [];
    (items || []).forEach(function (it) {
      var lines = Array.isArray(it.label) ? it.label : [it.label];
      if (it.label === null || it.label === undefined || lines.join('') === '') return;
      ctx.save();
      ctx.font = it.font.string;
      var w = 0;
      lines.forEach(function (l) { w = Math.max(w, ctx.measureText(String(l)).width); });
      ctx.restore();
      var h = it.font.lineHeight * lines.length, x = it.translation[0], y = it.translation[1];
      var x0 = it.textAlign === 'left' ? x : it.textAlign === 'right' ? x - w : x - w / 2;
      var y0 = it.textBaseline === 'top' ? y : it.textBaseline === 'bottom' ? y - h : y - h / 2;
      out.push({ x0: x0, x1: x0 + w, y0: y0, y1: y0 + h, rot: it.rotation });
    });
    return out;
  }
  var overlaps = 0, untitled = 0, rotated = 0;
  drawn.forEach(function (e) {
    var ch = e.chart;
    Object.keys(ch.scales).forEach(function (id) {
      var sc = ch.scales[id], t = sc.options.title;
      if (!t || !t.display || !String(t.text || '')) { untitled++; ch.canvas.setAttribute('data-untitled', id); }
      var bs = labelBoxes(ch, sc);
      for (var i = 0; i < bs.length; i++) {
        if (bs[i].rot) rotated++;
        for (var j = i + 1; j < bs.length; j++)
          if (bs[i].x0 < bs[j].x1 - 1 && bs[j].x0 < bs[i].x1 - 1 && bs[i].y0 < bs[j].y1 - 1 && bs[j].y0 < bs[i].y1 - 1) {
            overlaps++;
            ch.canvas.setAttribute('data-overlap', id);
          }
      }
    });
  });
  body.setAttribute('data-overlaps', String(overlaps));
  body.setAttribute('data-untitled', String(untitled));
  body.setAttribute('data-rotated', String(rotated));
  var ok = 0;
  drawn.forEach(function (e) { if (inked(e)) ok++; else e.chart.canvas.setAttribute('data-blank', '1'); });
  // the reports placed on the fans (inside their plot area), for the test
  var placed = 0;
  fans.forEach(function (ch) {
    var a = ch.chartArea;
    ch.data.datasets.forEach(function (ds, i) {
      if (!ds.report) return;
      ch.getDatasetMeta(i).data.forEach(function (el) {
        if (isFinite(el.x) && isFinite(el.y) && el.x >= a.left - 1 && el.x <= a.right + 1 &&
            el.y >= a.top - 1 && el.y <= a.bottom + 1) placed++;
      });
    });
  });
  body.setAttribute('data-reports', String(placed));
  body.setAttribute('data-rendered', String(ok));
})();
