// The scenarios page: choose a shipped scenario, run it as a job, poll, show table and chart.
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);
  let scenarios = [];

  function describe() {
    const s = scenarios.find(x => x.name === $("scenario").value);
    $("about").textContent = s ? s.title + " — baseline " + s.year + ", σ = " + s.sigma + "; " + s.shocks.join("; ") : "";
  }

  function render(r) {
    $("scenario-title").textContent = r.scenario;
    const pct = (v) => (v === null || v === undefined) ? "–" : v.toFixed(2) + " %";
    bilat.table($("focus"), r.focus || [], [
      { key: "flow" }, { key: "baseline_usd", label: "baseline", fmt: bilat.usd },
      { key: "conditional_pct", label: "conditional", fmt: pct },
      { key: "full_pct", label: "full endowment", fmt: pct },
    ]);
    const top = r.countries.slice().sort((x, y) => Math.abs(y.real_gdp_pct) - Math.abs(x.real_gdp_pct)).slice(0, 20);
    bilat.table($("countries"), top, [
      { key: "country" }, { key: "real_gdp_pct", label: "real GDP", fmt: pct },
      { key: "exports_full_pct", label: "exports (full)", fmt: pct },
      { key: "exports_conditional_pct", label: "exports (conditional)", fmt: pct },
      { key: "producer_price_pct", label: "producer price", fmt: pct },
    ]);
    const bars = top.slice().reverse();
    Plotly.newPlot($("chart-welfare"), [{
      type: "bar", orientation: "h", x: bars.map(c => c.real_gdp_pct), y: bars.map(c => c.country),
      hovertemplate: "%{y}: %{x:.3f} %<extra></extra>",
    }], {
      title: { text: "Change in real GDP (welfare), %, full endowment" }, height: 520,
      margin: { l: 60, r: 10, t: 40, b: 30 },
    }, { responsive: true, displaylogo: false });
    $("assumptions").replaceChildren(...r.assumptions.map(a => {
      const li = document.createElement("li"); li.textContent = a; return li;
    }));
    $("result").hidden = false;
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
      render(done.result);
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
