// Product autocomplete: words typed in a product field are sent to /api/products/search and the
// ranked HS codes are offered; choosing one puts its code in place of the words being typed.
// The field takes a comma-separated list ("27, 4403" or "coal, crude oil"); only the last item
// is completed, so earlier choices stay as they are.
"use strict";

bilat.productAutocomplete = function (input, list) {
  let shown = [];
  let active = -1;
  let seq = 0;  // answers can come back out of order: only the latest one is shown
  let timer = null;

  const lastItem = () => {
    const parts = input.value.split(",");
    return parts[parts.length - 1].trim();
  };
  const choose = (m) => {
    const parts = input.value.split(",");
    parts[parts.length - 1] = (parts.length > 1 ? " " : "") + m.code;
    input.value = parts.join(",");
    input.title = m.code + " " + m.description;
    shown = [];
    render();
    input.dispatchEvent(new CustomEvent("product-chosen", { detail: m }));
  };
  const render = () => {
    list.replaceChildren();
    shown.forEach((m, i) => {
      const li = document.createElement("li");
      li.setAttribute("role", "option");
      li.dataset.code = m.code;
      const via = m.via === "name" ? " — " + m.matched : "";
      li.textContent = m.code + " " + m.description.slice(0, 70) + " (" + m.level + ", " + m.revision + ")" + via;
      if (i === active) li.className = "active";
      li.addEventListener("mousedown", (ev) => { ev.preventDefault(); choose(m); });
      list.appendChild(li);
    });
  };
  const lookup = async () => {
    const q = lastItem();
    const mine = ++seq;
    if (q.length < 2) { shown = []; render(); return; }
    try {
      const res = await bilat.api("/api/products/search?" + new URLSearchParams({ q, limit: "8" }));
      if (mine !== seq) return;
      shown = res.matches;
      active = shown.length ? 0 : -1;
      render();
    } catch (e) {
      shown = []; render();
    }
  };
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(lookup, 120);  // one request per pause in typing, not per key
  });
  input.addEventListener("keydown", (ev) => {
    if (!shown.length) return;
    if (ev.key === "ArrowDown") { active = (active + 1) % shown.length; render(); ev.preventDefault(); }
    else if (ev.key === "ArrowUp") { active = (active + shown.length - 1) % shown.length; render(); ev.preventDefault(); }
    else if (ev.key === "Enter" && active >= 0) { choose(shown[active]); ev.preventDefault(); }
    else if (ev.key === "Escape") { shown = []; render(); }
  });
  input.addEventListener("blur", () => { seq++; shown = []; render(); });
  // a late answer must not reopen the list once the form is sent
  if (input.form) input.form.addEventListener("submit", () => { clearTimeout(timer); seq++; shown = []; render(); });
};
