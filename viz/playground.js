// viz.playground: train an MLP and watch it. An anywidget ES module (no build step, no CDN).
// While training, the front end asks the kernel for one more slice of training
// ({type: "train"}) each time a new view arrives, so pause is immediate and the kernel is
// never busy for long. Settings are checked here first: an impossible one (0 hidden
// units, lr <= 0) is refused in its control and never sent.

const CSS = `
.cr-play { font-family: Helvetica, Arial, sans-serif; color: #111827; font-size: 13px; }
.cr-play .cr-controls { display: flex; flex-wrap: wrap; gap: 8px 14px; align-items: flex-start;
  margin-bottom: 8px; }
.cr-play .cr-control { display: flex; flex-direction: column; gap: 2px; }
.cr-play .cr-control span.cr-name { color: #374151; font-size: 12px; }
.cr-play input, .cr-play select { font-size: 13px; padding: 2px 4px; width: 7em; }
.cr-play select { width: auto; min-width: 7em; }  /* "multiclass_svm", "по числу классов" whole */
.cr-play input.cr-bad { border: 2px solid #dc2626; background: #fef2f2; }
.cr-play .cr-why { color: #b91c1c; font-size: 11px; max-width: 12em; }
.cr-play button { font-size: 14px; padding: 4px 12px; border: 1px solid #9ca3af;
  border-radius: 6px; background: #f9fafb; cursor: pointer; }
.cr-play .cr-buttons { display: flex; gap: 8px; align-items: center; margin: 6px 0; flex-wrap: wrap; }
.cr-play .cr-plots { display: flex; gap: 16px; flex-wrap: wrap; align-items: flex-start; }
.cr-play canvas.cr-map { cursor: crosshair; border: 1px solid #e5e7eb; }
.cr-play .cr-stats div { margin: 2px 0; }
.cr-play .cr-error { color: #b91c1c; }
.cr-play .cr-units { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 8px; }
.cr-play .cr-units figure { margin: 0; text-align: center; font-size: 11px; color: #374151; }
`;

function onWhite(colour, alpha) {  // #rrggbb at opacity alpha over white, opaque
  const c = [1, 3, 5].map((k) => parseInt(colour.slice(k, k + 2), 16));
  return `rgb(${c.map((x) => Math.round(255 - alpha * (255 - x))).join(",")})`;
}

function make(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function say(template, values) {
  return template.replace(/\{(\w+)\}/g, (m, k) => (k in values ? String(values[k]) : m));
}

// Each setting: how it is read from its control, and why it is refused (or null).
function checkers(W) {
  const number = (text) => (/^\s*[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?\s*$/i.test(text) ? parseFloat(text) : NaN);
  return {
    hidden: (text) => {
      if (!/^\s*\d+(\s*,\s*\d+)*\s*$/.test(text)) return [null, W.pg_bad_hidden];
      const sizes = text.split(",").map((s) => parseInt(s, 10));
      if (sizes.length > 4 || sizes.some((h) => h < 1 || h > 64)) return [null, W.pg_bad_hidden];
      return [sizes.join(","), null];
    },
    lr: (text) => { const x = number(text); return x > 0 && isFinite(x) ? [x, null] : [null, W.pg_bad_lr]; },
    l2: (text) => { const x = number(text); return x >= 0 && isFinite(x) ? [x, null] : [null, W.pg_bad_l2]; },
    noise: (text) => { const x = number(text); return x >= 0 && isFinite(x) ? [x, null] : [null, W.pg_bad_noise]; },
    n: (text) => {
      const x = number(text);
      return Number.isInteger(x) && x >= 10 && x <= 1000 ? [x, null] : [null, W.pg_bad_n];
    },
  };
}

function render({ model, el }) {
  const W = model.get("words");
  const choices = model.get("choices");
  const offline = !!model.get("offline");
  el.classList.add("cr-play");
  el.dataset.lmSuppressShortcuts = "true";  // JupyterLab: keys typed here are ours
  el.replaceChildren();
  const style = make("style");
  style.textContent = CSS;
  el.append(style);
  const check = checkers(W);

  const controls = make("div", "cr-controls");
  const inputs = {};
  function control(key, word, field) {
    const box = make("label", "cr-control");
    const why = make("span", "cr-why");
    box.append(make("span", "cr-name", word), field, why);
    field.dataset.setting = key;
    inputs[key] = { field, why };
    controls.append(box);
  }
  function select(values, words) {
    const s = make("select");
    values.forEach((v, i) => { const o = make("option", "", words ? words[i] : v); o.value = v; s.append(o); });
    return s;
  }
  control("data", W.pg_data, select(choices.data));
  control("noise", W.pg_noise, make("input"));
  control("n", W.pg_n, make("input"));
  control("hidden", W.pg_hidden, make("input"));
  control("activation", W.pg_activation, select(choices.activation));
  control("loss", W.pg_loss, select(["", ...choices.loss], [W.pg_loss_auto, ...choices.loss]));
  control("l2", W.pg_l2, make("input"));
  control("lr", W.pg_lr, make("input"));

  const buttons = make("div", "cr-buttons");
  const trainButton = make("button", "cr-train", W.pg_train);
  const stepButton = make("button", "cr-step", W.pg_step);
  const resetButton = make("button", "cr-reset", W.pg_reset);
  const classPick = select(["0"]);
  classPick.className = "cr-class";
  const unitsBox = make("input", "cr-units-on");
  unitsBox.type = "checkbox";
  const unitsLabel = make("label", "", " " + W.pg_units);
  unitsLabel.prepend(unitsBox);
  buttons.append(trainButton, stepButton, resetButton, make("span", "", W.pg_click), classPick, unitsLabel);

  const plots = make("div", "cr-plots");
  const map = make("canvas", "cr-map");
  map.width = 360;
  map.height = 360;
  const right = make("div");
  const curve = make("canvas", "cr-curve");
  curve.width = 280;
  curve.height = 150;
  const stats = make("div", "cr-stats");
  right.append(stats, curve);
  plots.append(map, right);
  const units = make("div", "cr-units");
  const note = make("div", "cr-error");
  el.append(controls, buttons, plots, units, note);

  let running = false;
  let updates = 0;
  let since = performance.now();

  function showSettings() {
    const s = model.get("settings");
    for (const key in inputs) {
      const { field, why } = inputs[key];
      if (document.activeElement === field) continue;
      field.value = String(s[key]);
      field.classList.remove("cr-bad");
      why.textContent = "";
    }
  }
  for (const key in inputs) {
    const { field, why } = inputs[key];
    field.addEventListener("keydown", (e) => {
      e.stopPropagation();  // Enter is the notebook's shortcut too
      if (e.key === "Enter") { e.preventDefault(); field.dispatchEvent(new Event("change")); }
    });
    field.addEventListener("change", () => {
      let value = field.value;
      if (check[key]) {
        const [ok, bad] = check[key](field.value);
        if (bad) { field.classList.add("cr-bad"); why.textContent = bad; return; }
        value = ok;
      }
      field.classList.remove("cr-bad");
      why.textContent = "";
      if (!offline) model.send({ type: "settings", settings: { [key]: value } });
    });
  }

  function draw() {
    const v = model.get("view");
    if (!v || !v.cls) return;
    const ctx = map.getContext("2d");
    const n = v.size, cell = map.width / n;
    ctx.clearRect(0, 0, map.width, map.height);
    for (let k = 0; k < v.cls.length; k++) {
      const i = Math.floor(k / n), j = k % n;
      // opaque (the colour over white): the half pixel of overlap leaves no darker seams
      ctx.fillStyle = onWhite(v.colours[v.cls[k]], 0.1 + 0.35 * v.conf[k]);
      ctx.fillRect(j * cell, i * cell, cell + 0.5, cell + 0.5);
    }
    const [x0, y0, x1, y1] = v.box;
    const at = (x, y) => [(x - x0) / (x1 - x0) * map.width, (y1 - y) / (y1 - y0) * map.height];
    for (const [x, y, c] of v.train) {
      const [sx, sy] = at(x, y);
      ctx.beginPath(); ctx.arc(sx, sy, 4, 0, 2 * Math.PI);
      ctx.fillStyle = v.colours[c]; ctx.fill(); ctx.strokeStyle = "white"; ctx.stroke();
    }
    for (const [x, y, c] of v.test) {
      const [sx, sy] = at(x, y);
      ctx.beginPath(); ctx.arc(sx, sy, 3.5, 0, 2 * Math.PI);
      ctx.fillStyle = "white"; ctx.fill(); ctx.lineWidth = 1.5; ctx.strokeStyle = v.colours[c]; ctx.stroke();
      ctx.lineWidth = 1;
    }
    // the loss curve
    const g = curve.getContext("2d");
    g.clearRect(0, 0, curve.width, curve.height);
    g.fillStyle = "#6b7280"; g.font = "11px Helvetica, Arial, sans-serif";
    g.fillText(W.pg_loss_curve, 4, 12);
    const losses = v.loss;
    if (losses.length > 1) {
      const hi = Math.max(...losses) || 1, w = curve.width - 8, h = curve.height - 24;
      g.strokeStyle = "#b91c1c"; g.lineWidth = 1.5; g.beginPath();
      losses.forEach((loss, k) => {
        const x = 4 + (k / (losses.length - 1)) * w, y = 18 + h - (loss / hi) * h;
        if (k) g.lineTo(x, y); else g.moveTo(x, y);
      });
      g.stroke();
    }
    const last = losses.length ? losses[losses.length - 1] : null;
    stats.replaceChildren(
      make("div", "cr-epoch", say(W.pg_epoch, { epoch: v.epoch })),
      make("div", "cr-loss", say(W.pg_loss_now, {
        loss: last === null ? "–" : last.toPrecision(4), test: v.test_loss.toPrecision(4),
      })),
      make("div", "cr-acc", say(W.pg_accuracy, { train: v.accuracy[0].toFixed(2), test: v.accuracy[1].toFixed(2) })),
      make("div", "cr-rate", ""),
    );
    if (classPick.options.length !== v.classes) {
      classPick.replaceChildren(...Array.from({ length: v.classes }, (_, c) => {
        const o = make("option", "", String(c)); o.value = String(c); o.style.color = v.colours[c]; return o;
      }));
    }
    units.replaceChildren();
    for (const [k, values] of (v.units || []).entries()) {
      const fig = make("figure");
      const c = make("canvas");
      c.width = c.height = 80;
      const u = c.getContext("2d"), s = 80 / n;
      values.forEach((a, idx) => {
        const i = Math.floor(idx / n), j = idx % n;
        u.fillStyle = a >= 0 ? onWhite("#2563eb", a) : onWhite("#dc2626", -a);
        u.fillRect(j * s, i * s, s + 0.5, s + 0.5);
      });
      fig.append(c, make("figcaption", "", say(W.pg_unit, { k })));
      units.append(fig);
    }
  }

  function rate() {
    const seconds = (performance.now() - since) / 1000;
    const per = seconds > 0 ? updates / seconds : 0;
    el.dataset.updatesPerSecond = per.toFixed(2);
    const shown = stats.querySelector(".cr-rate");
    if (shown && running) shown.textContent = say(W.pg_rate, { rate: per.toFixed(1) });
  }

  model.on("change:view", () => {
    draw();
    if (running) {
      updates += 1;
      rate();
      model.send({ type: "train" });
    }
  });
  model.on("change:settings", showSettings);
  model.on("change:error", () => { note.textContent = model.get("error"); });

  trainButton.onclick = () => {
    if (offline) { note.textContent = W.pg_needs_kernel; return; }
    running = !running;
    trainButton.textContent = running ? W.pg_pause : W.pg_train;
    if (running) { updates = 0; since = performance.now(); model.send({ type: "train" }); }
  };
  stepButton.onclick = () => { if (!offline) model.send({ type: "step" }); };
  resetButton.onclick = () => { if (!offline) model.send({ type: "reset" }); };
  unitsBox.onchange = () => { if (!offline) model.send({ type: "units", on: unitsBox.checked }); };
  map.addEventListener("click", (e) => {
    const v = model.get("view");
    if (!v || offline) return;
    const r = map.getBoundingClientRect();
    const [x0, y0, x1, y1] = v.box;
    const x = x0 + ((e.clientX - r.left) / r.width) * (x1 - x0);
    const y = y1 - ((e.clientY - r.top) / r.height) * (y1 - y0);
    model.send({ type: "add", x, y, cls: parseInt(classPick.value, 10) });
  });

  showSettings();
  draw();
  note.textContent = model.get("error") || "";
  el.dataset.ready = "1";
}

export default { render };
