/* InquiryDesk dashboards: draws every chart from the table below it.
 *
 * The tables are the data (dashboard.html): th[data-key] in the head names a series,
 * td[data-value] holds the plain number, a row's label is its data-label or its first
 * cell.  Without this script (or without Chart.js) the tables alone show the numbers.
 */
(function () {
  "use strict";

  var COLORS = {
    A: "#1a7f37", B: "#4caf50", C: "#e6b800", D: "#e07b39", E: "#8c959f",
    none: "#2da44e", spam: "#8c959f", phishing: "#cf222e", scam: "#bc4c00",
    won: "#1a7f37", lost: "#cf222e", no_answer: "#8c959f", open: "#54aeff",
    safe: "#0969da", risky: "#cf222e", replies: "#0969da", keywords: "#8250df",
    unanswered: "#8c959f"
  };
  var FALLBACK = "#57606a";
  var ROW_HEIGHT = 24; // px per bar of a horizontal chart

  function color(key) {
    return COLORS[key] || FALLBACK;
  }

  function read(table) {
    var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
    var rows = Array.prototype.slice.call(table.tBodies[0].rows).filter(function (tr) {
      return tr.querySelector("[data-value]") !== null;
    });
    var series = [];
    heads.forEach(function (th, index) {
      if (th.dataset.key) {
        series.push({ th: th, index: index });
      }
    });
    var single = series.length === 1;
    return {
      rows: rows.length,
      labels: rows.map(function (tr) {
        return tr.dataset.label || tr.cells[0].textContent.trim();
      }),
      datasets: series.map(function (s) {
        var key = s.th.dataset.key;
        return {
          label: s.th.textContent.trim(),
          data: rows.map(function (tr) { return Number(tr.cells[s.index].dataset.value); }),
          // one series: each bar may have a colour of its own ("no reply yet" in grey)
          backgroundColor: single ? rows.map(function (tr) {
            return COLORS[tr.dataset.key] || color(key);
          }) : color(key)
        };
      })
    };
  }

  function draw(canvas) {
    var table = document.getElementById(canvas.dataset.table);
    if (!table || !table.tHead || !table.tBodies.length) {
      return;
    }
    var data = read(table);
    var horizontal = table.dataset.horizontal === "true";
    var stacked = table.dataset.stacked === "true";
    if (horizontal) {
      canvas.parentNode.style.height = Math.max(160, data.rows * ROW_HEIGHT + 60) + "px";
    }
    var scale = { stacked: stacked, ticks: { precision: 0 } };
    var chart = new window.Chart(canvas, {
      type: table.dataset.chart || "bar",
      data: { labels: data.labels, datasets: data.datasets },
      options: {
        indexAxis: horizontal ? "y" : "x",
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        locale: document.documentElement.lang || "en",
        scales: { x: scale, y: { stacked: stacked, ticks: { precision: 0 } } },
        plugins: { legend: { display: data.datasets.length > 1, position: "bottom" } }
      }
    });
    canvas.dataset.drawn = String(chart.data.datasets.length);
  }

  function start() {
    if (typeof window.Chart !== "function") {
      return; // the tables stay the whole story
    }
    var canvases = document.querySelectorAll("canvas[data-table]");
    Array.prototype.forEach.call(canvases, draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
