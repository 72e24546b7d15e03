/* CycleLake report page script: draws every <div class="chart"> from its embedded JSON with ECharts, and records
   what it drew (marks per series) and any error in <pre id="render-status"> so that a browser test can check it. */
(function () {
  'use strict';
  var status = { charts: [], errors: [] };
  function publish() {
    document.getElementById('render-status').textContent = JSON.stringify(status);
    var box = document.getElementById('render-errors');
    if (status.errors.length) {
      box.hidden = false;
      box.textContent = 'The page hit script errors:\n' + status.errors.join('\n');
    }
  }
  window.addEventListener('error', function (e) {
    status.errors.push(String(e.message || e));
    publish();
  });
  var consoleError = console.error;
  console.error = function () {
    status.errors.push(Array.prototype.map.call(arguments, String).join(' '));
    consoleError.apply(console, arguments);
  };

  var PALETTE = ['#5470c6', '#91cc75', '#fac858', '#ee6666', '#73c0de', '#3ba272', '#fc8452', '#9a60b4', '#ea7ccc'];
  var VIRIDIS = ['#440154', '#414487', '#2a788e', '#22a884', '#7ad151', '#fde725'];

  /* The viridis colour of t in [0, 1], interpolated between its stops. */
  function viridis(t) {
    t = Math.max(0, Math.min(1, isFinite(t) ? t : 0)) * (VIRIDIS.length - 1);
    var i = Math.min(Math.floor(t), VIRIDIS.length - 2), f = t - i;
    var a = parseInt(VIRIDIS[i].slice(1), 16), b = parseInt(VIRIDIS[i + 1].slice(1), 16);
    var c = [16, 8, 0].map(function (sh) {
      var x = (a >> sh) & 255, y = (b >> sh) & 255;
      return Math.round(x + f * (y - x));
    });
    return 'rgb(' + c.join(',') + ')';
  }
  function fmt(v) {
    return typeof v === 'number' ? (Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(4)
      : +v.toPrecision(6)) : v;
  }
  function valueAxis(name, extra) {
    var a = { type: 'value', name: name, nameLocation: 'middle', nameGap: 42, scale: true };
    for (var k in extra || {}) a[k] = extra[k];
    return a;
  }
  function base(spec, legend) {
    return {
      animation: false,
      title: { text: spec.title, left: 'center', textStyle: { fontSize: 14 } },
      toolbox: { right: 10, feature: { dataZoom: {}, restore: {}, saveAsImage: {} } },
      tooltip: { trigger: 'item', confine: true },
      legend: legend ? { type: 'scroll', bottom: 0 } : { show: false },
      grid: { left: 80, right: spec.colorScale ? 110 : 40, top: 50, bottom: legend ? 80 : 60 }
    };
  }
  function zoom(o) {
    o.dataZoom = [{ type: 'inside', xAxisIndex: 0, filterMode: 'none' },
      { type: 'inside', yAxisIndex: 0, filterMode: 'none' }];
    return o;
  }

  /* Error bars of series s: a custom series over s.intervals [x, lower, upper] (x a category index on bar charts). */
  function errorBars(s, color, horizontal, w, opacity, what) {
    return { type: 'custom', name: s.name, data: s.intervals, progressive: 0, z: 3,
      itemStyle: { color: color },
      renderItem: function (params, api) {
        var lo = horizontal ? api.coord([api.value(1), api.value(0)]) : api.coord([api.value(0), api.value(1)]);
        var hi = horizontal ? api.coord([api.value(2), api.value(0)]) : api.coord([api.value(0), api.value(2)]);
        var style = { stroke: api.visual('color'), lineWidth: 1, opacity: opacity };
        var cap = function (p) {
          return horizontal ? { x1: p[0], y1: p[1] - w, x2: p[0], y2: p[1] + w }
            : { x1: p[0] - w, y1: p[1], x2: p[0] + w, y2: p[1] };
        };
        return { type: 'group', children: [
          { type: 'line', shape: { x1: lo[0], y1: lo[1], x2: hi[0], y2: hi[1] }, style: style },
          { type: 'line', shape: cap(lo), style: style },
          { type: 'line', shape: cap(hi), style: style }] };
      },
      encode: horizontal ? { y: 0, x: [1, 2] } : { x: 0, y: [1, 2] },
      tooltip: { formatter: function (p) { return s.name + ' ' + what + '<br>[' + fmt(p.value[1]) + ', '
        + fmt(p.value[2]) + ']'; } } };
  }

  var builders = {
    line: function (spec) {
      var o = zoom(base(spec, !spec.colorScale && spec.series.length > 1));
      o.xAxis = valueAxis(spec.xLabel);
      o.yAxis = valueAxis(spec.yLabel);
      o.series = spec.series.map(function (s) {
        var colored = spec.colorScale && s.colorValue !== undefined;
        var range = colored ? spec.colorScale.max - spec.colorScale.min : 0;
        var color = colored ? viridis(range > 0 ? (s.colorValue - spec.colorScale.min) / range : 0) : undefined;
        return {
          color: color,
          type: 'line', name: s.name, progressive: 0,
          data: s.points.map(function (p) { return colored ? [p[0], p[1], s.colorValue] : p; }),
          showSymbol: !spec.colorScale, showAllSymbol: true, symbolSize: 4,
          lineStyle: { width: spec.colorScale ? 1.2 : 1.5, color: color },
          tooltip: { formatter: function (p) { return s.name + '<br>' + spec.xLabel + ': ' + fmt(p.value[0]) + '<br>'
            + spec.yLabel + ': ' + fmt(p.value[1]); } }
        };
      });
      if (spec.colorScale) {
        o.tooltip = { trigger: 'axis', confine: true, formatter: function (ps) {
          return spec.xLabel + ': ' + fmt(ps[0].value[0]) + ' (' + ps.length + ' curves)'; } };
        o.visualMap = { type: 'continuous', dimension: 2, min: spec.colorScale.min, max: spec.colorScale.max,
          calculable: true, realtime: true, right: 10, top: 'middle', text: [spec.colorScale.label, ''], inRange: { color: VIRIDIS },
          seriesIndex: o.series.map(function (_, i) { return i; }) };
      }
      return o;
    },
    scatter: function (spec) {
      var o = zoom(base(spec, spec.series.length > 1));
      o.xAxis = valueAxis(spec.xLabel);
      o.yAxis = valueAxis(spec.yLabel);
      o.series = [];
      spec.series.forEach(function (s, i) {
        var color = PALETTE[i % PALETTE.length];
        o.series.push({ type: 'scatter', name: s.name, data: s.points, itemStyle: { color: color }, symbolSize: 5, progressive: 0, large: false,
          tooltip: { formatter: function (p) { return s.name + '<br>' + spec.xLabel + ': ' + fmt(p.value[0]) + '<br>'
            + spec.yLabel + ': ' + fmt(p.value[1]); } } });
        if (s.intervals && s.intervals.length) {
          var bars = errorBars(s, color, false, 3, 0.6, 'interval');
          bars.z = 1; // under the points
          o.series.push(bars);
        }
      });
      if (spec.diagonal) {
        var lo = Infinity, hi = -Infinity;
        spec.series.forEach(function (s) { s.points.forEach(function (p) {
          lo = Math.min(lo, p[0], p[1]); hi = Math.max(hi, p[0], p[1]); }); });
        if (isFinite(lo)) {
          o.series.push({ type: 'line', name: 'y = x', data: [[lo, lo], [hi, hi]], showSymbol: false, silent: true,
            lineStyle: { color: '#888', type: 'dashed', width: 1 }, tooltip: { show: false } });
        }
      }
      return o;
    },
    bar: function (spec) {
      var o = base(spec, spec.series.length > 1);
      var cat = { type: 'category', data: spec.categories, name: spec.xLabel, nameLocation: 'middle', nameGap: 30,
        axisLabel: { interval: 0, rotate: spec.horizontal ? 0 : (spec.categories.length > 8 ? 30 : 0) } };
      var val = valueAxis(spec.yLabel, { scale: false });
      if (spec.horizontal) {
        cat.inverse = true; cat.nameGap = 120; o.grid.left = 180;
        o.xAxis = val; o.yAxis = cat;
      } else {
        o.xAxis = cat; o.yAxis = val;
      }
      o.series = [];
      spec.series.forEach(function (s, i) {
        o.series.push({ type: 'bar', name: s.name, data: s.values, progressive: 0,
          itemStyle: { color: PALETTE[i % PALETTE.length] } });
        if (s.intervals && s.intervals.length) {
          o.series.push(errorBars(s, '#333', !!spec.horizontal, 6, 0.9, '± sd'));
        }
      });
      return o;
    },
    heatmap: function (spec) {
      var o = base(spec, false);
      o.grid.right = 110;
      o.grid.left = 160;
      o.xAxis = { type: 'category', data: spec.xCategories, name: spec.xLabel, nameLocation: 'middle', nameGap: 30,
        splitArea: { show: true } };
      o.yAxis = { type: 'category', data: spec.categories, name: spec.yLabel, nameLocation: 'end',
        splitArea: { show: true } };
      o.visualMap = { type: 'continuous', min: spec.colorScale.min, max: spec.colorScale.max, dimension: 2,
        calculable: true, right: 10, top: 'middle', text: [spec.colorScale.label, ''], inRange: { color: VIRIDIS } };
      o.series = spec.series.map(function (s) {
        return { type: 'heatmap', name: s.name, data: s.cells, progressive: 0,
          tooltip: { formatter: function (p) { return spec.categories[p.value[1]] + '<br>' + spec.xLabel + ' '
            + spec.xCategories[p.value[0]] + ': ' + fmt(p.value[2]); } } };
      });
      return o;
    },
    boxplot: function (spec) {
      var o = base(spec, false);
      o.xAxis = { type: 'category', data: spec.categories, name: spec.xLabel, nameLocation: 'middle', nameGap: 30,
        axisLabel: { rotate: spec.categories.length > 8 ? 30 : 0 } };
      o.yAxis = valueAxis(spec.yLabel);
      o.series = spec.series.map(function (s) {
        return { type: 'boxplot', name: s.name, data: s.boxes, tooltip: { formatter: function (p) {
          var v = p.value.slice(-5);
          return p.name + '<br>min ' + fmt(v[0]) + '<br>q1 ' + fmt(v[1]) + '<br>median ' + fmt(v[2]) + '<br>q3 '
            + fmt(v[3]) + '<br>max ' + fmt(v[4]); } } };
      });
      return o;
    }
  };

  /* Marks ECharts actually drew for series i: its items' graphic elements, or the points of a line without symbols. */
  function drawn(chart, i) {
    var model = chart.getModel().getSeriesByIndex(i);
    var data = model.getData();
    var n = 0;
    for (var k = 0; k < data.count(); k++) if (data.getItemGraphicEl(k)) n++;
    if (n === 0 && model.subType === 'line') {
      chart.getViewOfSeriesModel(model).group.traverse(function (el) {
        if (el.shape && el.shape.points) n = Math.max(n, el.shape.points.length / 2);
      });
    }
    return n;
  }
  function expected(spec, s) {
    return s.points ? s.points.length : s.values ? s.values.length : s.boxes ? s.boxes.length
      : s.cells ? s.cells.length : 0;
  }

  function draw(el) {
    var spec = JSON.parse(document.getElementById(el.id + '-data').textContent);
    var entry = { id: el.id, kind: spec.kind, series: [] };
    status.charts.push(entry);
    try {
      var chart = echarts.init(el, null, { renderer: 'canvas' });
      var option = builders[spec.kind](spec);
      chart.setOption(option);
      window.addEventListener('resize', function () { chart.resize(); });
      var idx = 0;
      spec.series.forEach(function (s) {
        entry.series.push({ name: s.name, expected: expected(spec, s), drawn: drawn(chart, idx) });
        idx++;
        if (s.intervals && s.intervals.length) {
          entry.series.push({ name: s.name + ' (interval)', expected: s.intervals.length, drawn: drawn(chart, idx) });
          idx++;
        }
      });
    } catch (e) {
      status.errors.push(el.id + ': ' + (e && e.stack ? e.stack : e));
      el.className = 'chart-error';
      el.textContent = 'This chart could not be drawn: ' + e;
    }
  }

  function drawAll() {
    Array.prototype.forEach.call(document.querySelectorAll('div.chart'), draw);
    status.done = true;
    publish();
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', drawAll);
  else drawAll();
})();
