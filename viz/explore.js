// viz.explore: the graph's drawing, live. An anywidget ES module (no build step, no CDN).
// The SVG is Graphviz's, laid out once by the kernel; every part of it (g.node, g.edge)
// is found by its <title> (an edge: title#k, the k-th edge with that title), and a change
// only replaces the words of its <text> elements (state.texts), so nothing moves.
// Hover: state.tips; click: state.explain; steps: state.frames; leaf boxes send
// {type: "set"} to the kernel, which answers with a new state (and seq, for the round trip).

const CSS = `
.cr-explore { font-family: Helvetica, Arial, sans-serif; color: #111827; position: relative; }
.cr-explore .cr-bar { display: flex; flex-wrap: wrap; align-items: center; gap: 6px; margin: 4px 0; }
.cr-explore button { font-size: 14px; padding: 3px 10px; border: 1px solid #9ca3af;
  border-radius: 6px; background: #f9fafb; cursor: pointer; }
.cr-explore button:disabled { opacity: 0.4; cursor: default; }
.cr-explore select { font-size: 14px; }
.cr-explore .cr-slider { width: 180px; }
.cr-explore .cr-count, .cr-explore .cr-zoom { font-size: 13px; color: #374151; min-width: 4em; }
.cr-explore .cr-caption { font-size: 15px; font-weight: bold; margin: 4px 0; min-height: 1.2em; }
.cr-explore .cr-main { display: flex; gap: 12px; align-items: flex-start; }
.cr-explore .cr-view { flex: 1 1 auto; min-width: 0; overflow: auto; max-height: 75vh;
  cursor: grab; border: 1px solid #e5e7eb; border-radius: 6px; }
.cr-explore .cr-view.cr-dragging { cursor: grabbing; user-select: none; }
.cr-explore .cr-side { flex: 0 0 260px; font-size: 13px; }
.cr-explore .cr-side h4 { margin: 2px 0 6px; font-size: 13px; color: #374151; }
.cr-explore .cr-leaf { display: flex; flex-wrap: wrap; align-items: center; gap: 6px; margin: 3px 0; }
.cr-explore .cr-leaf label { min-width: 3em; font-weight: bold; }
.cr-explore .cr-leaf input { width: 6em; font-size: 14px; padding: 2px 4px; }
.cr-explore .cr-leaf input:disabled { background: #f3f4f6; }
.cr-explore .cr-error { color: #b91c1c; font-size: 12px; flex-basis: 100%; }
.cr-explore .cr-note { color: #6b7280; font-size: 12px; margin: 4px 0; }
.cr-explore .cr-explain { margin-top: 10px; padding: 6px; background: #f9fafb;
  border: 1px solid #e5e7eb; border-radius: 6px; min-height: 3em; }
.cr-explore .cr-explain div { font-family: "DejaVu Sans Mono", Menlo, monospace; font-size: 12px;
  white-space: pre-wrap; }
.cr-explore .cr-legend { font-size: 12px; color: #6b7280; margin-top: 4px; }
.cr-explore .cr-tip { position: absolute; z-index: 10; pointer-events: none; background: #111827;
  color: #f9fafb; font-size: 12px; padding: 6px 8px; border-radius: 6px; max-width: 420px;
  line-height: 1.4; }
.cr-explore .cr-tip div:first-child { font-weight: bold; }
.cr-explore g.node, .cr-explore g.edge { cursor: pointer; }
.cr-explore g.cr-hot path, .cr-explore g.cr-hot polygon, .cr-explore g.cr-hot ellipse {
  stroke: #dc2626 !important; stroke-width: 2.6px; }
.cr-explore g.edge.cr-hot text { fill: #dc2626; }
.cr-explore g.cr-picked path, .cr-explore g.cr-picked ellipse { stroke: #7c3aed !important;
  stroke-width: 3px; }
.cr-explore g.cr-over path, .cr-explore g.cr-over ellipse { stroke-width: 2.4px; }
.cr-explore .cr-hit { stroke: transparent; stroke-width: 12px; fill: none; pointer-events: stroke; }
`;

function make(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function say(template, values) {
  return template.replace(/\{(\w+)\}/g, (m, k) => (k in values ? String(values[k]) : m));
}

function render({ model, el }) {
  const W = model.get("words");
  const offline = !!model.get("offline");
  el.classList.add("cr-explore");
  el.dataset.lmSuppressShortcuts = "true";  // JupyterLab: keys typed here are ours
  el.replaceChildren();
  const style = make("style");
  style.textContent = CSS;
  el.append(style);

  const bar = make("div", "cr-bar");
  const prev = make("button", "cr-prev", "◀");
  const next = make("button", "cr-next", "▶");
  const slider = make("input", "cr-slider");
  slider.type = "range";
  slider.min = "0";
  slider.step = "1";
  const count = make("span", "cr-count");
  const by = make("select", "cr-by");
  for (const [value, word] of [["node", W.explore_by_node], ["edge", W.explore_by_edge]]) {
    const o = make("option", "", word);
    o.value = value;
    by.append(o);
  }
  const done = make("button", "cr-done", W.explore_done);
  const zoomOut = make("button", "cr-out", "−");
  const fitButton = make("button", "cr-fit", "↔");
  const zoomIn = make("button", "cr-in", "+");
  const zoomText = make("span", "cr-zoom", "100%");
  prev.title = W.player_prev;
  next.title = W.player_next;
  zoomOut.title = W.player_zoom_out;
  zoomIn.title = W.player_zoom_in;
  fitButton.title = W.player_fit;
  bar.append(make("span", "cr-note", W.explore_steps), prev, next, slider, count, by, done,
    zoomOut, fitButton, zoomIn, zoomText);
  const caption = make("div", "cr-caption");
  const main = make("div", "cr-main");
  const view = make("div", "cr-view");
  const side = make("div", "cr-side");
  const leavesBox = make("div", "cr-leaves");
  const explainBox = make("div", "cr-explain");
  const timing = make("div", "cr-note cr-timing");
  side.append(leavesBox, timing, explainBox);
  main.append(view, side);
  const legend = make("div", "cr-legend");
  const tip = make("div", "cr-tip");
  tip.hidden = true;
  el.append(bar, caption, main, legend, tip);

  let parts = {};  // key -> {g, texts}
  let step = null;  // null: the finished backward; else the frame shown
  let picked = null;
  let zoom = 1;
  const pending = {};  // seq -> time sent
  let seq = 0;

  function state() { return model.get("state") || {}; }
  function frames() { const f = state().frames; return f ? f[by.value] : null; }

  // ------------------------------------------------------------ the drawing
  function drawSvg() {
    view.innerHTML = model.get("svg");
    parts = {};
    const seen = {};
    for (const g of view.querySelectorAll("g.node, g.edge")) {
      const t = g.querySelector("title");
      const title = t ? t.textContent : "";
      let key = title;
      if (g.classList.contains("edge")) {
        const k = seen[title] || 0;
        seen[title] = k + 1;
        key = title + "#" + k;
        const path = g.querySelector("path");
        if (path) {  // a wide, invisible twin: a thin edge is easy to hover
          const hit = path.cloneNode(false);
          hit.setAttribute("class", "cr-hit");
          g.append(hit);
        }
      }
      if (t) t.remove();  // no native tooltip over ours
      g.dataset.key = key;
      parts[key] = { g, texts: Array.from(g.querySelectorAll("text")) };
    }
    layout();
  }

  function natural(svg) {
    const w = svg.getAttribute("width") || "";
    const n = parseFloat(w);
    return /pt$/.test(w) ? n * 4 / 3 : n;
  }
  function layout() {
    const svg = view.querySelector("svg");
    if (!svg) return;
    const own = natural(svg);
    const room = view.clientWidth - 4;
    const fit = own > 0 && room > 0 ? Math.min(1, room / own) : 1;
    if (own > 0) {
      svg.style.maxWidth = "none";
      svg.style.width = own * fit * zoom + "px";
      svg.style.height = "auto";
    }
    zoomText.textContent = Math.round(fit * zoom * 100) + "%";
  }
  function setZoom(z) { zoom = Math.max(0.25, Math.min(8, z)); layout(); }

  function showTexts() {
    const full = state().texts || {};
    const list = frames();
    const frame = step === null || !list ? null : list[step];
    const changed = frame ? frame.texts : {};
    for (const key in parts) {
      const words = changed[key] || full[key];
      if (!words) continue;
      parts[key].texts.forEach((t, i) => {
        const w = i < words.length ? words[i] : "";
        if (t.textContent !== w) {
          t.textContent = w;
          t.style.fill = w === "?" ? "#6b7280" : "";  // a gradient not known yet
        }
      });
    }
    for (const key in parts) parts[key].g.classList.remove("cr-hot");
    for (const key of frame ? frame.hot : []) {
      if (parts[key]) parts[key].g.classList.add("cr-hot");
    }
    const root = state().root || {};
    caption.textContent = frame ? frame.title : say(W.explore_title, { root: root.name || "" });
    const n = list ? list.length : 0;
    slider.max = String(Math.max(0, n - 1));
    slider.value = String(step === null ? n - 1 : step);
    count.textContent = step === null ? "" : W.player_step + " " + step + " / " + (n - 1);
    for (const b of [prev, next, slider, by]) b.disabled = !list;
    prev.disabled = !list || step === 0;
    next.disabled = !list || step === null;
    done.disabled = !list || step === null;
    legend.replaceChildren(...(state().legend || []).map((line) => make("div", "", line)));
    if (!list) legend.append(make("div", "", W.explore_no_steps));
  }

  function go(k) {
    const list = frames();
    if (!list) return;
    step = k >= list.length ? null : Math.max(0, k);
    showTexts();
  }
  prev.onclick = () => go(step === null ? frames().length - 1 : step - 1);
  next.onclick = () => go(step === null ? 0 : step + 1);
  slider.oninput = () => go(parseInt(slider.value, 10));
  by.onchange = () => go(0);
  done.onclick = () => { step = null; showTexts(); };
  zoomIn.onclick = () => setZoom(zoom * 1.25);
  zoomOut.onclick = () => setZoom(zoom / 1.25);
  fitButton.onclick = () => setZoom(1);
  el.tabIndex = 0;
  el.addEventListener("keydown", (e) => {
    if (e.target.tagName === "INPUT") return;
    if (e.key === "ArrowLeft") { prev.onclick(); e.preventDefault(); }
    else if (e.key === "ArrowRight") { next.onclick(); e.preventDefault(); }
    else if (e.key === "+" || e.key === "=") setZoom(zoom * 1.25);
    else if (e.key === "-") setZoom(zoom / 1.25);
    else if (e.key === "0") setZoom(1);
  });

  // ------------------------------------------------------------ hover, click, pan
  function partOf(target) {
    const g = target && target.closest ? target.closest("g.node, g.edge") : null;
    return g && view.contains(g) ? g : null;
  }
  let over = null;
  view.addEventListener("mousemove", (e) => {
    const g = drag && drag.moved ? null : partOf(e.target);
    if (g !== over) {
      if (over) over.classList.remove("cr-over");
      over = g;
      if (g) g.classList.add("cr-over");
    }
    if (!fillTip(g)) return;
    const box = el.getBoundingClientRect();
    let x = e.clientX - box.left + 14;
    const y = e.clientY - box.top + 14;
    if (x + tip.offsetWidth > box.width) x = Math.max(0, e.clientX - box.left - tip.offsetWidth - 8);
    tip.style.left = x + "px";
    tip.style.top = y + "px";
  });
  // the tip of part g, with the numbers of the state now; false (and hidden) if none
  function fillTip(g) {
    const lines = g ? (state().tips || {})[g.dataset.key] : null;
    if (!lines || !lines.length) { tip.hidden = true; return false; }
    tip.replaceChildren(...lines.map((line) => make("div", "", line)));
    tip.hidden = false;
    return true;
  }
  view.addEventListener("mouseleave", () => {
    tip.hidden = true;
    if (over) over.classList.remove("cr-over");
    over = null;
  });

  function showExplanation() {
    explainBox.replaceChildren(make("h4", "", W.explore_derivation));
    const text = picked ? (state().explain || {})[picked] : null;
    if (!text) { explainBox.append(make("div", "cr-note", W.explore_click)); return; }
    // one step of the derivation per line: ∂f/∂x = ∂f/∂q · ∂q/∂x = z · 1 = ...
    const pieces = text.split(" = ");
    explainBox.append(make("div", "", pieces.map((p, i) => (i ? "= " : "") + p).join("\n")));
  }

  let drag = null;
  view.addEventListener("mousedown", (e) => {
    drag = { x: e.clientX, y: e.clientY, left: view.scrollLeft, top: view.scrollTop, moved: false };
  });
  window.addEventListener("mousemove", (e) => {
    if (!drag) return;
    const dx = e.clientX - drag.x, dy = e.clientY - drag.y;
    if (Math.abs(dx) + Math.abs(dy) > 4) { drag.moved = true; view.classList.add("cr-dragging"); }
    view.scrollLeft = drag.left - dx;
    view.scrollTop = drag.top - dy;
  });
  window.addEventListener("mouseup", (e) => {
    const was = drag;
    drag = null;
    view.classList.remove("cr-dragging");
    if (!was || was.moved) return;
    const g = partOf(e.target);
    if (!g || !g.classList.contains("node")) return;
    const key = g.dataset.key;
    for (const k in parts) parts[k].g.classList.remove("cr-picked");
    g.classList.add("cr-picked");
    picked = key;
    showExplanation();
    if ((state().folded || []).includes(key)) {
      if (offline) timing.textContent = W.explore_unfold_needs_kernel;
      else model.send({ type: "unfold", key });
    }
  });
  window.addEventListener("resize", layout);

  // ------------------------------------------------------------ leaf boxes
  function showLeaves() {
    leavesBox.replaceChildren(make("h4", "", W.explore_leaves));
    const errors = model.get("errors") || {};
    for (const leaf of state().leaves || []) {
      const row = make("div", "cr-leaf");
      const label = make("label", "", leaf.name);
      const box = make("input");
      box.type = "text";
      box.inputMode = "decimal";
      box.value = leaf.key in errors ? (box.value || leaf.value) : leaf.value;
      box.dataset.key = leaf.key;
      box.id = "cr-" + leaf.key + "-" + Math.random().toString(36).slice(2, 8);
      label.htmlFor = box.id;
      box.disabled = offline;
      let sent = box.value;
      const submit = () => {
        if (box.value === sent) return;
        sent = box.value;
        seq += 1;
        pending[seq] = performance.now();
        model.send({ type: "set", key: leaf.key, text: box.value, seq });
      };
      // Enter is the notebook's own shortcut too: keep it (and every key typed) here
      box.addEventListener("keydown", (e) => {
        e.stopPropagation();
        if (e.key === "Enter") { e.preventDefault(); submit(); }
      });
      box.addEventListener("change", submit);
      row.append(label, box);
      if (errors[leaf.key]) row.append(make("span", "cr-error", errors[leaf.key]));
      leavesBox.append(row);
    }
    if (offline) leavesBox.append(make("div", "cr-note", W.explore_needs_kernel));
    else if ((state().leaves || []).length) leavesBox.append(make("div", "cr-note", W.explore_enter));
  }
  function showErrors() {
    const errors = model.get("errors") || {};
    for (const row of leavesBox.querySelectorAll(".cr-leaf")) {
      const key = row.querySelector("input").dataset.key;
      const old = row.querySelector(".cr-error");
      if (old) old.remove();
      if (errors[key]) row.append(make("span", "cr-error", errors[key]));
    }
  }

  function answered() {
    const s = model.get("seq");
    if (pending[s] === undefined) return;
    const ms = performance.now() - pending[s];
    delete pending[s];
    el.dataset.roundtrip = ms.toFixed(1);
    timing.textContent = say(W.explore_roundtrip, { ms: Math.round(ms) });
  }

  model.on("change:svg", () => { drawSvg(); showTexts(); });
  model.on("change:state", () => {
    const fresh = (model.get("state").leaves || []).map((l) => l.key + "=" + l.value).join();
    const shown = Array.from(leavesBox.querySelectorAll("input")).map((b) => b.dataset.key + "=" + b.value).join();
    if (fresh !== shown && !leavesBox.contains(document.activeElement)) showLeaves();
    else {
      for (const leaf of model.get("state").leaves || []) {
        const box = leavesBox.querySelector(`input[data-key="${leaf.key}"]`);
        if (box && document.activeElement !== box) box.value = leaf.value;
      }
    }
    showTexts();
    showExplanation();
    if (!tip.hidden) fillTip(over);  // a tip open over a part: its new numbers, now
    answered();
  });
  model.on("change:errors", () => { showErrors(); answered(); });
  model.on("change:seq", answered);

  drawSvg();
  showLeaves();
  showTexts();
  showExplanation();
  requestAnimationFrame(layout);
  el.dataset.ready = "1";
}

export default { render };
