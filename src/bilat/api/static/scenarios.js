// The scenarios page: choose a shipped scenario, run it as a job, poll, show table and chart.
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);
  let scenarios = [];

  function describe() {
    const s = scenarios.find(x => x.name === $("scenario").value);
    $("about").textContent = s ? s.title + " — baseline " + s.year + ", σ = " + s.sigma + "; " + s.shocks.join("; ") : "";
  }

  // "Kazakhstan (KAZ)": names beside ISO3 codes (a code with no name, e.g. ROW, stays a code)
  function namer(economies) {
    const names = new Map(economies.map(e => [e.code, e.name]));
    const one = (code) => (names.has(code) ? names.get(code) + " (" + code + ")" : code);
    return (text) => String(text).replace(/\b[A-Z]{3}\b/g, one);
  }

  // the per-economy columns with their headers, as the legend under the table names them
  function legendColumns() {
    return Array.from(document.querySelectorAll("#countries-legend dt[data-column]"))
      .map(dt => ({ key: dt.dataset.column, label: dt.textContent }));
  }

  function render(r, name) {
    $("scenario-title").textContent = r.scenario;
    $("numeraire").textContent = name(r.reference) + "'s consumer price index (P = 1)"
      + (r.normalisation === "world_output" ? "; world output held fixed" : "");
    const pct = (v) => bilat.pct(v, 2);
    bilat.table($("focus"), (r.focus || []).map(f => ({ ...f, flow: name(f.flow) })), [
      { key: "flow" }, { key: "baseline_usd", label: "baseline (USD)", fmt: bilat.usd },
      { key: "conditional_pct", label: "conditional GE (%)", fmt: pct },
      { key: "full_pct", label: "full endowment GE (%)", fmt: pct },
    ]);
    const top = r.countries.slice().sort((x, y) => Math.abs(y.real_gdp_pct) - Math.abs(x.real_gdp_pct)).slice(0, 20)
      .map(c => ({ ...c, economy: name(c.country) }));
    bilat.table($("countries"), top, [{ key: "economy" }].concat(
      legendColumns().map(c => ({ key: c.key, label: c.label, fmt: v => bilat.pct(v, 3) }))));
    const bars = top.slice().reverse();
    const csv = ["country,name,real_gdp_pct"].concat(
      bars.slice().reverse().map(c => [c.country, '"' + c.economy + '"', c.real_gdp_pct].join(","))).join("\n") + "\n";
    bilatCharts.draw("welfare", {
      title: "Change in real GDP (welfare), % — counterfactual vs baseline, full endowment GE",
      note: "The 20 economies with the largest change; real GDP is output over the consumer price index (Y/P).",
      csv: csv,
      figure: {
        data: [{
          type: "bar", orientation: "h", x: bars.map(c => c.real_gdp_pct), y: bars.map(c => c.economy),
          marker: { color: bars.map(c => (c.real_gdp_pct < 0 ? "#bc4c00" : "#1a7f37")) },
          customdata: bars.map(c => pct(c.real_gdp_pct)),
          hovertemplate: "%{y}: %{customdata}<extra></extra>",
        }],
        layout: {
          height: 560, margin: { l: 10, r: 20, t: 36, b: 40 }, yaxis: { automargin: true },
          xaxis: { title: { text: "% change in real GDP" } }, font: { family: "system-ui, sans-serif", size: 13 },
        },
      },
    });
    $("assumptions").replaceChildren(...r.assumptions.map(a => {
      const li = document.createElement("li"); li.textContent = a; return li;
    }));
  }

  async function poll(id) {
    for (;;) {
      const job = await bilat.api("/api/scenarios/jobs/" + id);
      $("progress").value = job.progress;
      $("stage").textContent = job.stage;
      if (job.state === "done") return job;
      if (job.state === "failed") throw new Error(job.error);
      await new Promise(res => setTimeout(res, 300));
    }
  }

  $("run-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const body = { name: $("scenario").value };
    if ($("sigma").value) body.sigma = Number($("sigma").value);
    $("run").disabled = true;
    $("result").hidden = true;
    $("progress-box").hidden = false;
    bilat.status("");
    try {
      const job = await bilat.api("/api/scenarios/jobs", {
        method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
      });
      const done = await poll(job.id);
      const name = namer(await bilat.loadEconomies());
      $("result").hidden = false;  // shown before drawing, so that the chart takes the page's width
      render(done.result, name);
    } catch (e) {
      bilat.status(e.message, true);
    } finally {
      $("run").disabled = false;
      $("progress-box").hidden = true;
    }
  });

  (async () => {
    try {
      scenarios = await bilat.api("/api/scenarios");
      $("scenario").replaceChildren(...scenarios.map(s => {
        const o = document.createElement("option"); o.value = s.name; o.textContent = s.title; return o;
      }));
      describe();
    } catch (e) { bilat.status(e.message, true); }
  })();
  $("scenario").addEventListener("change", describe);
})();
