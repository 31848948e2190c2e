// The profile page: pick A, B and a period; show flows, ranks, composition, sectors, indices.
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);

  function lastAnnual(rows) {
    const annual = rows.filter(r => r.period === "A" && r.turnover !== null);
    return annual.length ? annual[annual.length - 1] : null;
  }

  function setValue(id, value, text) {
    const el = $(id);
    el.textContent = text;
    if (value === null || value === undefined) el.removeAttribute("data-value");
    else el.dataset.value = String(value);
  }

  function rankText(section, year) {
    if (!section) return [null, "–"];
    // the reference year's rank only: another year's would answer a different question
    const hit = section.rows.find(r => r.year === year);
    if (!hit) return [null, "not covered for " + year];
    return [hit.rank, bilat.ordinal(hit.rank) + " of " + hit.partners + " (" + hit.year + ")"];
  }

  function render(p) {
    const flows = p.flows.rows;
    const last = lastAnnual(flows);
    $("pair-title").textContent = p.a.name + " (" + p.a.code + ") – " + p.b.name + " (" + p.b.code + ")";
    document.querySelectorAll(".yr").forEach(e => { e.textContent = last ? last.year : ""; });
    setValue("turnover", last && last.turnover, last ? bilat.usd(last.turnover) : "–");
    setValue("exports", last && last.exports, last ? bilat.usd(last.exports) : "–");
    setValue("imports", last && last.imports, last ? bilat.usd(last.imports) : "–");
    setValue("balance", last && last.balance, last ? bilat.usd(last.balance) : "–");
    const [rk, rkText] = rankText(p.sections.rank_b_in_a, last && last.year);
    setValue("rank", rk, rkText);
    const [rk2, rk2Text] = rankText(p.sections.rank_a_in_b, last && last.year);
    setValue("rank-ba", rk2, rk2Text);

    // one row per year from the first to the last: a year without data is a gap, not a zero
    const observed = flows.filter(r => r.period === "A");
    const byYear = new Map(observed.map(r => [r.year, r]));
    const first = observed.length ? observed[0].year : 0;
    const lastYear = observed.length ? observed[observed.length - 1].year : -1;
    const years = [];
    for (let y = first; y <= lastYear; y++) years.push(y);
    const annual = years.map(y => byYear.get(y) || { year: y });
    // the charts are built by the server (bilat.report.charts), as in the HTML report; drawn
    // once the section shows, so that Plotly sizes them to the page
    $("result").hidden = false;
    $("home").hidden = true;
    for (const c of p.charts || []) bilatCharts.draw(c.key, c);

    const idx = [];
    for (const [name, s] of Object.entries(p.sections)) {
      if (s.summary && typeof s.summary.value === "number") {
        idx.push({ index: s.summary.name || name, value: s.summary.value, title: s.title, source: s.provenance.source + " " + s.provenance.release });
      }
    }
    bilat.table($("indices"), idx, [
      { key: "index" }, { key: "value" }, { key: "title", label: "what" }, { key: "source" },
    ]);
    bilat.table($("flows-table"), annual.slice().reverse(), [
      { key: "year", fmt: v => String(v) },
      { key: "exports", fmt: bilat.usd }, { key: "imports", fmt: bilat.usd },
      { key: "turnover", fmt: bilat.usd }, { key: "balance", fmt: bilat.usd },
    ]);
    const pv = p.flows.provenance;
    $("provenance").textContent = "Data: " + pv.source + " (release " + pv.release + "); basis: " + pv.basis
      + (pv.notes.length ? ". " + pv.notes.join(". ") : "");
    const missing = Object.entries(p.missing);
    $("missing-box").hidden = !missing.length;
    $("missing").replaceChildren(...missing.map(([k, v]) => {
      const li = document.createElement("li"); li.textContent = k + ": " + v; return li;
    }));
    const used = $("products-used");
    used.hidden = !p.products;
    used.textContent = p.products
      ? "Products: " + p.products.items.map(i => i.text + " → HS " + i.codes.join(", ")).join("; ")
        + " (composition and mirror keep only these; shares are of all goods)"
      : "";
  }

  async function show(ev) {
    if (ev) ev.preventDefault();
    const params = new URLSearchParams({ a: bilat.codeOf($("a")), b: bilat.codeOf($("b")) });
    if ($("from").value) params.set("from", $("from").value);
    if ($("to").value) params.set("to", $("to").value);
    if ($("products").value.trim()) params.set("products", $("products").value.trim());
    if (params.has("from") !== params.has("to")) {
      const y = params.get("from") || params.get("to");
      params.set("from", y); params.set("to", y);
    }
    bilat.status("Loading the profile…");
    $("show").disabled = true;
    try {
      const p = await bilat.api("/api/profile?" + params.toString() + "&charts=true");
      render(p);
      bilat.status("");
      history.replaceState(null, "", "/?" + params.toString());
    } catch (e) {
      $("result").hidden = true;
      $("home").hidden = false;
      bilat.status(e.message, true);
    } finally {
      $("show").disabled = false;
    }
  }

  bilat.autocomplete($("a"), $("a-suggest"));
  bilat.autocomplete($("b"), $("b-suggest"));
  bilat.productAutocomplete($("products"), $("products-suggest"));
  $("pick").addEventListener("submit", show);
  const q = new URLSearchParams(location.search);
  if (q.get("a") && q.get("b")) {
    $("a").value = q.get("a"); $("b").value = q.get("b");
    if (q.get("from")) $("from").value = q.get("from");
    if (q.get("to")) $("to").value = q.get("to");
    if (q.get("products")) $("products").value = q.get("products");
    show();
  }
})();
