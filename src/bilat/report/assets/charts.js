// bilat's charts and downloads, shared by the HTML report (inlined) and the web pages (served).
// A chart box (templates/_blocks.html) holds a heading, CSV and PNG links, the plot and a note.
// A chart's figure is Plotly JSON built in Python (bilat.report.charts); a chart the data cannot
// draw has no figure and its note says what is not covered. CSV links carry the raw values;
// PNG links draw the chart (title put back) or the table (as a Plotly table) at click time.
"use strict";

var bilatCharts = (function () {
  // the toolbar stays: zoom and pan; its own PNG button is replaced by our PNG link
  const CONFIG = {
    responsive: true, displaylogo: false,
    modeBarButtonsToRemove: ["toImage", "select2d", "lasso2d", "autoScale2d"],
  };

  function csvHref(text) {
    return "data:text/csv;charset=utf-8," + encodeURIComponent(text);
  }

  function csvCell(v) {
    const s = v === null || v === undefined ? "" : String(v);
    return /[",\n\r]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  }

  // CSV of an HTML table: header texts, then each cell's raw value (data-value) or its text
  function tableCsv(table) {
    const lines = [];
    for (const tr of table.querySelectorAll("tr")) {
      const cells = Array.from(tr.children).map(c => csvCell(c.dataset.value !== undefined ? c.dataset.value : c.textContent));
      lines.push(cells.join(","));
    }
    return lines.join("\n") + "\n";
  }

  // Draw one chart into its box: the figure, or only the note when nothing is covered.
  function draw(key, chart) {
    const box = document.getElementById("box-" + key);
    if (!box) return;
    const plot = box.querySelector(".chart");
    const note = box.querySelector(".note");
    const csv = box.querySelector("a.dl-csv");
    const png = box.querySelector("a.dl-png");
    box.querySelector(".chart-title").textContent = chart.title;
    note.textContent = chart.note;
    box.classList.toggle("not-covered", !chart.figure);
    if (window.Plotly) Plotly.purge(plot);
    if (!chart.figure) {
      plot.hidden = true;
      csv.hidden = png.hidden = true;
      return;
    }
    plot.hidden = false;
    csv.hidden = png.hidden = false;
    csv.href = csvHref(chart.csv);
    Plotly.newPlot(plot, chart.figure.data, chart.figure.layout, CONFIG);
  }

  // PNG of a drawn chart, with its heading as the image's title
  async function chartPng(box) {
    const plot = box.querySelector(".chart");
    const title = box.querySelector(".chart-title").textContent;
    const layout = Object.assign({}, plot.layout, {
      title: { text: title, x: 0.01, xanchor: "left", font: { size: 15 } },
      margin: Object.assign({}, plot.layout.margin, { t: 60 }),
    });
    const width = Math.max(plot.offsetWidth, 640);
    return Plotly.toImage({ data: plot.data, layout: layout }, { format: "png", width: width, height: layout.height || 400 });
  }

  // PNG of a table as shown (formatted text), drawn as a Plotly table
  async function tablePng(table, title) {
    const rows = Array.from(table.querySelectorAll("tr"));
    const head = rows.length ? Array.from(rows[0].children).map(c => c.textContent) : [];
    const body = rows.slice(1).map(tr => Array.from(tr.children).map(c => c.textContent));
    const columns = head.map((_, i) => body.map(r => r[i] ?? ""));
    const height = 90 + 28 * (body.length + 1);
    const fig = {
      data: [{ type: "table", header: { values: head, fill: { color: "#eaeef2" }, align: "left" },
               cells: { values: columns, align: "left", height: 26 } }],
      layout: { title: { text: title, x: 0.01, xanchor: "left" }, margin: { l: 10, r: 10, t: 50, b: 10 }, height: height },
    };
    return Plotly.toImage(fig, { format: "png", width: Math.max(160 * head.length, 700), height: height });
  }

  function save(href, name) {
    const a = document.createElement("a");
    a.href = href;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
  }

  // One listener for every download link on the page
  document.addEventListener("click", async (ev) => {
    const link = ev.target.closest && ev.target.closest("a.dl-png, a.dl-csv[data-table]");
    if (!link) return;
    ev.preventDefault();
    const box = link.closest(".chart-box, .table-box");
    try {
      if (link.classList.contains("dl-csv")) {
        save(csvHref(tableCsv(document.getElementById(link.dataset.table))), link.download);
      } else if (link.dataset.table) {
        const title = box.querySelector(".table-title").textContent;
        save(await tablePng(document.getElementById(link.dataset.table), title), link.download);
      } else {
        save(await chartPng(box), link.download);
      }
    } catch (e) {
      console.error("download failed: " + e);
    }
  });

  return { draw: draw, tableCsv: tableCsv, csvHref: csvHref };
})();
