/* slmo's pages, enhanced where a script runs (every page works without it):
 * - charts: each <figure class="chart" data-chart="ID"> is drawn with uPlot (static/vendor)
 *   from the JSON in <script type="application/json" id="ID">; drag across a chart to zoom
 *   in on that stretch of time, double-click to zoom out. Numbers and dates are written in
 *   the page's language, times in UTC as everywhere in the UI.
 * - the overview's search box hides the rows that do not match as one types (the form,
 *   submitted, filters on the server the same way).
 */
(function () {
  "use strict";

  var COLOURS = ["#0969da", "#cf222e", "#1a7f37", "#8250df", "#9a6700", "#bf3989", "#1b7c83", "#57606a"];
  var DAY = 86400;

  function locale(lang) {
    // Gregorian dates with Arabic-Indic digits in Arabic, as the server writes them.
    return lang === "ar" ? "ar-u-nu-arab-ca-gregory" : "en-GB";
  }

  function dates(lang, options) {
    return new Intl.DateTimeFormat(locale(lang), Object.assign({ timeZone: "UTC" }, options));
  }

  function drawChart(figure) {
    var source = document.getElementById(figure.getAttribute("data-chart"));
    var plot = figure.querySelector(".plot");
    if (!source || !plot || typeof uPlot === "undefined") {
      return;
    }
    var spec = JSON.parse(source.textContent);
    var lang = spec.lang;
    var sign = lang === "ar" ? "٪" : "%";
    var precise = new Intl.NumberFormat(locale(lang), { maximumFractionDigits: 3 });
    var tick = new Intl.NumberFormat(locale(lang), { maximumFractionDigits: 2 });
    var full = dates(lang, { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
    var day = dates(lang, { month: "short", day: "numeric" });
    var hour = dates(lang, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });

    var series = [{
      label: spec.time_label,
      value: function (u, v) { return v == null ? "—" : full.format(new Date(v * 1000)); }
    }];
    spec.series.forEach(function (s, i) {
      series.push({
        label: s.label,
        stroke: COLOURS[i % COLOURS.length],
        width: 1.5,
        dash: s.dashed ? [6, 4] : undefined,
        points: { show: false },
        value: function (u, v) { return v == null ? "—" : precise.format(v) + sign; }
      });
    });

    function timeTicks(u, splits, axis, space, increment) {
      return splits.map(function (v, i) {
        var at = new Date(v * 1000);
        if (increment >= DAY) {
          return day.format(at);
        }
        // Hours, with the day under the first tick and under each midnight.
        return i === 0 || v % DAY === 0 ? hour.format(at) + "\n" + day.format(at) : hour.format(at);
      });
    }

    var options = {
      width: Math.max(plot.clientWidth, 320),
      height: 260,
      series: series,
      scales: { x: { time: true } },
      axes: [
        { values: timeTicks, size: 50 },
        { values: function (u, splits) { return splits.map(function (v) { return tick.format(v) + sign; }); }, size: 70 }
      ],
      cursor: { drag: { x: true, y: false } }
    };
    var data = [spec.times].concat(spec.series.map(function (s) { return s.values; }));
    var chart = new uPlot(options, data, plot);
    // Kept on the element (a property, not markup) for the browser tests to read the zoom.
    figure.uplot = chart;
    figure.classList.add("drawn");
    window.addEventListener("resize", function () {
      chart.setSize({ width: Math.max(plot.clientWidth, 320), height: 260 });
    });
  }

  function liveSearch() {
    var box = document.getElementById("board-search");
    var table = document.querySelector("table.board");
    var shown = document.getElementById("board-shown");
    if (!box || !table || box.value) {
      // Rows already filtered by the server's search: the form takes a new one.
      return;
    }
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var numbers = new Intl.NumberFormat(locale(document.documentElement.lang));
    var template = shown ? shown.getAttribute("data-template") : null;
    box.addEventListener("input", function () {
      var words = box.value.toLowerCase().split(/\s+/).filter(Boolean);
      var count = 0;
      rows.forEach(function (row) {
        var text = row.getAttribute("data-search") || "";
        var keep = words.every(function (w) { return text.indexOf(w) >= 0; });
        row.hidden = !keep;
        count += keep ? 1 : 0;
      });
      if (shown && template) {
        shown.textContent = template.replace("{shown}", numbers.format(count));
      }
    });
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("figure.chart"), drawChart);
    liveSearch();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
