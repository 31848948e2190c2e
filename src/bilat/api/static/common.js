// Shared helpers of bilat's pages: API calls, number formats, tables, autocomplete.
"use strict";

const bilat = {};

// A JSON API call; throws an Error whose message is the server's explanation.
bilat.api = async function (path, options) {
  const res = await fetch(path, options);
  let body = null;
  try { body = await res.json(); } catch (e) { body = null; }
  if (!res.ok) {
    let msg = res.status + " " + res.statusText;
    if (body && typeof body.detail === "string") msg = body.detail;
    else if (body && Array.isArray(body.detail)) {
      msg = body.detail.map(d => {
        const where = (d.loc || []).slice(1).join(".");
        const hint = d.suggestions && d.suggestions.length ? " (did you mean " + d.suggestions.join(", ") + "?)" : "";
        return (where ? where + ": " : "") + d.msg + hint;
      }).join("; ");
    }
    const err = new Error(msg);
    err.status = res.status;
    throw err;
  }
  return body;
};

// Human numbers, the rules of bilat.render.numbers (Python): "15.33 bn USD", "1.011 bn USD",
// "482.7 mn USD", "−37.6 %"; money with four significant digits in its scale.
bilat.signed = function (text) {
  if (!text.startsWith("-")) return text;
  // a value that rounds to zero has no sign ("0.0 %", not "−0.0 %")
  return /[1-9]/.test(text) ? "\u2212" + text.slice(1) : text.slice(1);
};

bilat.sig4 = function (x) {
  return x.toPrecision(4).replace(/e\+?(-?\d+)$/, "");
};

// USD with a scale word, four significant digits: 15.33 bn USD, 412.5 mn USD, 1.011 bn USD.
bilat.usd = function (v) {
  if (v === null || v === undefined || Number.isNaN(v)) return "–";
  const scales = [[1e12, "tn"], [1e9, "bn"], [1e6, "mn"]];
  const a = Math.abs(v);
  for (let i = 0; i < scales.length; i++) {
    const [size, word] = scales[i];
    if (a >= size) {
      let text = bilat.sig4(v / size), w = word;
      // 999.96 mn rounds to "1000 mn": say "1.000 bn" instead
      if (i > 0 && Math.abs(parseFloat(text)) >= 1000) {
        text = bilat.sig4(v / scales[i - 1][0]);
        w = scales[i - 1][1];
      }
      return bilat.signed(text) + " " + w + " USD";
    }
  }
  return bilat.signed(Math.round(v).toLocaleString("en-US")) + " USD";
};

// A value already in percent: 3.64 → "3.6 %", -37.6 → "−37.6 %".
bilat.pct = function (v, digits) {
  if (v === null || v === undefined || Number.isNaN(v)) return "–";
  return bilat.signed(v.toLocaleString("en-US", {
    minimumFractionDigits: digits === undefined ? 1 : digits,
    maximumFractionDigits: digits === undefined ? 1 : digits,
  })) + " %";
};

// An index or ratio: four significant digits (0.2364, 1.87); from a thousand up, grouped.
bilat.num = function (v, digits) {
  if (v === null || v === undefined || Number.isNaN(v)) return "–";
  if (typeof v !== "number") return String(v);
  if (Math.abs(v) >= 1000) return bilat.signed(Math.round(v).toLocaleString("en-US"));
  if (v === 0) return "0";
  return bilat.signed(Number(v.toPrecision(digits || 4)).toString());
};

bilat.ordinal = function (n) {
  const s = ["th", "st", "nd", "rd"], v = n % 100;
  return n + (s[(v - 20) % 10] || s[v] || s[0]);
};

// Fill <table> el with rows (objects) and columns [{key, label, fmt}] (text only: no HTML).
bilat.table = function (el, rows, columns) {
  el.replaceChildren();
  const head = el.createTHead().insertRow();
  for (const c of columns) {
    const th = document.createElement("th");
    th.scope = "col";
    if (c.title) th.title = c.title;
    th.textContent = c.label || c.key;
    head.appendChild(th);
  }
  const body = el.createTBody();
  for (const r of rows) {
    const tr = body.insertRow();
    for (const c of columns) {
      const td = tr.insertCell();
      const v = r[c.key];
      td.textContent = c.fmt ? c.fmt(v, r) : (typeof v === "number" ? bilat.num(v) : (v ?? "–"));
      if (typeof v === "number") { td.className = "n"; td.dataset.value = String(v); }  // raw, for CSV
    }
  }
};

bilat.status = function (text, isError) {
  const el = document.getElementById("status");
  el.textContent = text || "";
  el.classList.toggle("error", !!isError);
};

// Autocomplete on names and aliases: input shows the name, data-code holds the code sent.
bilat.economies = null;
bilat.loadEconomies = async function () {
  if (!bilat.economies) bilat.economies = await bilat.api("/api/economies");
  return bilat.economies;
};

bilat.autocomplete = function (input, list) {
  let shown = [];
  let active = -1;
  const choose = (e) => {
    input.value = e.name;
    input.dataset.code = e.code;
    list.replaceChildren();
    shown = [];
  };
  const render = () => {
    list.replaceChildren();
    shown.forEach((e, i) => {
      const li = document.createElement("li");
      li.setAttribute("role", "option");
      li.dataset.code = e.code;
      li.textContent = e.name + " (" + e.code + ")" + (e.match ? " — " + e.match : "");
      if (i === active) li.className = "active";
      li.addEventListener("mousedown", (ev) => { ev.preventDefault(); choose(e); });
      list.appendChild(li);
    });
  };
  input.addEventListener("input", async () => {
    delete input.dataset.code;
    const q = input.value.trim().toLowerCase();
    if (!q) { shown = []; render(); return; }
    const all = await bilat.loadEconomies();
    const scored = [];
    for (const e of all) {
      let score = null, match = "";
      if (e.code.toLowerCase() === q) score = 0;
      else if (e.name.toLowerCase().startsWith(q)) score = 1;
      else if (e.name.toLowerCase().includes(q)) score = 3;
      for (const a of e.aliases) {
        const al = a.toLowerCase();
        if (al === q || (score === null && al.startsWith(q))) { score = Math.min(score ?? 9, al === q ? 0 : 2); match = a; }
        else if (score === null && al.includes(q)) { score = 4; match = a; }
      }
      if (score !== null) scored.push({ ...e, score, match });
    }
    scored.sort((x, y) => x.score - y.score || x.name.localeCompare(y.name));
    shown = scored.slice(0, 8);
    active = shown.length ? 0 : -1;
    render();
  });
  input.addEventListener("keydown", (ev) => {
    if (!shown.length) return;
    if (ev.key === "ArrowDown") { active = (active + 1) % shown.length; render(); ev.preventDefault(); }
    else if (ev.key === "ArrowUp") { active = (active + shown.length - 1) % shown.length; render(); ev.preventDefault(); }
    else if (ev.key === "Enter" && active >= 0) { choose(shown[active]); ev.preventDefault(); }
    else if (ev.key === "Escape") { shown = []; render(); }
  });
  input.addEventListener("blur", () => { shown = []; render(); });
};

// The code to send for an autocomplete input: the chosen code, else what was typed.
bilat.codeOf = function (input) {
  return input.dataset.code || input.value.trim();
};
