// The claims page: paste an article, see its claims highlighted with verdicts and evidence.
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);
  const cls = (v) => "claim v-" + v.replace(/ /g, "-");

  // The cleaned text with each claim's figure wrapped in a coloured mark (built as DOM nodes).
  function highlight(text, claims) {
    const article = $("article");
    article.replaceChildren();
    const marks = claims.map((c, i) => ({ start: c.value_start, end: c.value_end, i: i + 1, c }))
      .sort((x, y) => x.start - y.start);
    let pos = 0;
    let para = document.createElement("p");
    const addText = (s) => {
      const parts = s.split("\n");
      parts.forEach((part, k) => {
        if (k > 0) { if (para.childNodes.length) article.appendChild(para); para = document.createElement("p"); }
        if (part) para.appendChild(document.createTextNode(part));
      });
    };
    for (const m of marks) {
      if (m.start < pos) continue; // two claims on one figure: the first is highlighted
      addText(text.slice(pos, m.start));
      const a = document.createElement("a");
      a.href = "#claim-" + m.i;
      a.className = cls(m.c.verdict);
      a.dataset.verdict = m.c.verdict;
      a.title = m.c.verdict + ": " + m.c.reason;
      a.textContent = text.slice(m.start, m.end);
      const sup = document.createElement("sup");
      sup.textContent = String(m.i);
      a.appendChild(sup);
      para.appendChild(a);
      pos = m.end;
    }
    addText(text.slice(pos));
    if (para.childNodes.length) article.appendChild(para);
  }

  function render(r) {
    const n = r.claims.length;
    $("counts").textContent = n
      ? n + " claim" + (n > 1 ? "s" : "") + ": " + Object.entries(r.counts).map(([k, v]) => v + " " + k).join(", ")
      : "No trade claims found.";
    highlight(r.text, r.claims);
    $("published-note").textContent = r.published
      ? "Relative dates read as of " + r.published + " (" + (r.published_source || "given") + ")."
      : "No publication date given or found: years the text does not state are unknown (????).";
    const rows = r.claims.map((c, i) => {
      const ev = c.evidence.find(e => e.primary) || c.evidence[0];
      const cite = ev ? [ev.data_source, ev.release ? "release " + ev.release : "", ev.period]
        .filter(Boolean).join(", ") : "";
      return {
        n: i + 1, claim: c.kind + ": " + c.economies.join("–") + " " + (c.flow || "") + " " + (c.period || ""),
        claimed: c.value_text, verdict: c.verdict, data: ev ? ev.label : "–",
        source: cite || (ev ? ev.source : ""), reason: c.reason,
        sides: (c.sides || []).map(x => x.side + ": " + x.label + " (" + x.verdict + ")").join("; "),
        context: c.context || "",
      };
    });
    bilat.table($("claims"), rows, [
      { key: "n", label: "#", fmt: v => String(v) }, { key: "claim" }, { key: "claimed" },
      { key: "verdict" }, { key: "data" }, { key: "reason", label: "why" }, { key: "source" },
      { key: "sides", label: "each side's report" }, { key: "context", label: "nearest covered (context)" },
    ]);
    $("claims").querySelectorAll("tbody tr").forEach((tr, i) => {
      tr.id = "claim-" + (i + 1);
      tr.cells[3].className = cls(r.claims[i].verdict);
    });
    // both sides: one row per side's figure, with the verdict under it
    const sideRows = [];
    r.claims.forEach((c, i) => (c.sides || []).forEach(x => sideRows.push({
      n: i + 1, side: x.side, label: x.label, verdict: x.verdict, cite: x.cite,
    })));
    $("sides-section").hidden = !sideRows.length;
    if (sideRows.length) {
      bilat.table($("sides"), sideRows, [
        { key: "n", label: "claim", fmt: v => String(v) }, { key: "side" },
        { key: "label", label: "figure" }, { key: "verdict" }, { key: "cite", label: "source" },
      ]);
      $("sides").querySelectorAll("tbody tr").forEach((tr, k) => {
        tr.cells[3].className = cls(sideRows[k].verdict);
      });
    }
    // sentences with numbers that gave no claim, and why
    const skipped = r.skipped || [];
    $("skipped-section").hidden = !skipped.length;
    const list = $("skipped");
    list.replaceChildren();
    for (const x of skipped) {
      const li = document.createElement("li");
      const q = document.createElement("q");
      q.textContent = x.sentence;
      const why = document.createElement("span");
      why.className = "why";
      why.textContent = " — " + x.why;
      li.append(q, why);
      list.appendChild(li);
    }
    $("result").hidden = false;
  }

  $("check-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const body = { text: $("text").value };
    if ($("published").value) body.published = $("published").value;
    bilat.status("Checking…");
    $("check").disabled = true;
    try {
      const r = await bilat.api("/api/claims/check", {
        method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
      });
      render(r);
      bilat.status("");
    } catch (e) {
      $("result").hidden = true;
      bilat.status(e.message, true);
    } finally {
      $("check").disabled = false;
    }
  });
})();
