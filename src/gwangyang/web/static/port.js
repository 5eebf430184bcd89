// Port page: scenario comparison (KPIs side by side), an uploaded scenario's KPIs, and the berth plan as a Gantt chart.
"use strict";
(function () {
  const g = window.gwangyang;
  const $ = (testid) => document.querySelector(`[data-testid="${testid}"]`);
  // ownCompare: two uploaded scenarios compared, followed in the upload form and shown as a comparison
  const KEYS = { compare: "gwangyang.port.compareJob", ownCompare: "gwangyang.port.compareJob", plan: "gwangyang.port.planJob", own: "gwangyang.port.ownJob", timelapse: "gwangyang.port.timelapseJob" };
  const STATUS = { compare: "compare-status", ownCompare: "own-status", plan: "berth-status", own: "own-status" };

  function status(testid, text, isError) { const el = $(testid); el.textContent = text; el.classList.toggle("error", !!isError); }
  const fmt = (v) => g.sig(v); // 4 significant digits, the locale's grouping, never an exponent
  function remember(param, jobId) { const url = new URL(window.location.href); url.searchParams.set(param, jobId); history.replaceState(null, "", url); }

  function drawCompare(r) {
    $("compare-results").hidden = false;
    // the columns say which scenario is A and which B (the table's "B − A" and two uploads of one name need it)
    $("kpi-a-name").textContent = `A: ${r.a}`;
    $("kpi-b-name").textContent = `B: ${r.b}`;
    // an uploaded comparison (POST /compare/file): each scenario's files as they were sent
    const sides = [["A", r.a, r.a_file, r.a_call_list], ["B", r.b, r.b_file, r.b_call_list]].filter((s) => s[2]);
    const files = $("compare-files");
    files.textContent = sides.map(([label, scenario, ...names]) =>
      g.t("scenario {label}: {scenario} ({files})", { label, scenario, files: names.filter(Boolean).join(", ") })).join("; ");
    files.hidden = !sides.length;
    const body = document.querySelector('[data-testid="kpi-table"] tbody');
    body.textContent = "";
    const names = Object.keys(r.kpis);
    for (const name of names) {
      const k = r.kpis[name];
      const tr = document.createElement("tr");
      tr.dataset.testid = "kpi-row";
      tr.dataset.kpi = name;
      const cells = [[g.t(name), ""], [g.t(k.unit), ""], [fmt(k.a_mean), "num"], [fmt(k.b_mean), "num"], [fmt(k.diff_mean), "num"],
        [k.diff_ci_low === null || k.diff_ci_high === null ? "—" : `[${fmt(k.diff_ci_low)}, ${fmt(k.diff_ci_high)}]`, "num"]];
      for (const [text, cls] of cells) { const td = document.createElement("td"); td.textContent = text; td.className = cls; tr.appendChild(td); }
      tr.lastChild.dataset.testid = "kpi-interval";
      body.appendChild(tr);
    }
    // why a difference has no interval (one replication, differences the same in every replication), in the page's language
    const warnings = $("compare-warnings");
    warnings.textContent = "";
    for (const w of r.warnings || []) { const li = document.createElement("li"); li.dataset.testid = "compare-warning"; li.textContent = `⚠ ${g.phrase(w)}`; warnings.appendChild(li); }
    warnings.hidden = !(r.warnings || []).length;
    const shown = names.filter((n) => r.kpis[n].rel_change !== null);
    g.plot("plot-kpi-change", [{
      type: "bar", orientation: "h", y: shown.map((n) => g.t(n)), x: shown.map((n) => 100 * r.kpis[n].rel_change), name: g.t("{b} vs {a}", { a: r.a, b: r.b }),
    }], { xaxis: { title: { text: g.t("change of {b} against {a} (%)", { a: r.a, b: r.b }) } }, margin: { t: 20, r: 10, l: 170, b: 45 }, height: 420 });
  }

  // An uploaded scenario's run as the CLI reports it: each KPI of the whole run with its steady state, or with
  // replications their mean and 95 % interval; the warnings in the page's language; the berth plan.
  function drawOwn(r) {
    $("own-results").hidden = false;
    const reps = r.replications || 1;
    const files = r.call_list ? [r.file, r.call_list].join(", ") : r.file;
    const note = [g.t("{scenario} ({file}): {days} days, seed {seed}", { scenario: r.scenario, file: files, days: r.days, seed: r.seed })];
    if (reps > 1) note.push(g.t("means of {n} replications", { n: reps }));
    if (r.load && r.load.offered_load !== undefined) note.push(g.t("offered load of the berths {rho}", { rho: fmt(r.load.offered_load) }));
    $("own-note").textContent = note.join("; ");
    // the column heads, translated in the template: the whole run and its steady state, or the replications' mean and interval
    for (const head of ["own-value-head", "own-interval-head"]) $(head).textContent = $(head).dataset[reps > 1 ? "replications" : "run"];
    const body = document.querySelector('[data-testid="own-kpi-table"] tbody');
    body.textContent = "";
    for (const name of Object.keys(r.kpis)) {
      const s = reps > 1 ? (r.confidence_intervals || {})[name] : (r.steady_state || {})[name];
      let interval = "—";
      if (s) {
        const range = s.no_interval || s.ci_low === null || s.ci_high === null ? g.t("(no interval)") : `[${fmt(s.ci_low)}, ${fmt(s.ci_high)}]`;
        interval = (reps > 1 ? range : `${fmt(s.mean)} ${range}`) + (s.per_day ? ` ${g.t("/ day")}` : "");
      }
      const tr = document.createElement("tr");
      tr.dataset.testid = "own-kpi-row";
      tr.dataset.kpi = name;
      for (const [text, cls] of [[g.t(name), ""], [g.t((r.units || {})[name] || ""), ""], [fmt(r.kpis[name]), "num"], [interval, "num"]]) {
        const td = document.createElement("td"); td.textContent = text; td.className = cls; tr.appendChild(td);
      }
      body.appendChild(tr);
    }
    const warnings = $("own-warnings");
    warnings.textContent = "";
    for (const w of r.warnings || []) { const li = document.createElement("li"); li.dataset.testid = "own-warning"; li.textContent = `⚠ ${g.phrase(w)}`; warnings.appendChild(li); }
    warnings.hidden = !(r.warnings || []).length;
    const plan = r.berth_plan || [];
    const berths = [...new Set(plan.map((v) => v.berth))];
    g.plot("plot-own-gantt", berths.map((b) => {
      const rows = plan.filter((v) => v.berth === b);
      return { type: "bar", orientation: "h", name: b, y: rows.map(() => b), base: rows.map((v) => v.start_h), x: rows.map((v) => v.end_h - v.start_h),
        text: rows.map((v) => v.name), textposition: "inside", hovertemplate: "%{text}<extra>%{y}</extra>" };
    }), { barmode: "overlay", xaxis: { title: { text: g.t("hours") } }, showlegend: false, height: 100 + 40 * Math.max(1, berths.length) });
  }

  function drawPlan(r) {
    const problems = r.problems || [];
    const el = $("plot-gantt");
    el.hidden = false;
    const berths = [...new Set(r.assignments.map((a) => a.berth))].sort((x, y) => x - y);
    const traces = berths.map((k) => {
      const rows = r.assignments.filter((a) => a.berth === k);
      return {
        type: "bar", orientation: "h", name: g.t("berth {n}", { n: k }), y: rows.map(() => g.t("berth {n}", { n: k })),
        base: rows.map((a) => a.start), x: rows.map((a) => a.end - a.start),
        text: rows.map((a) => `v${a.vessel}`), textposition: "inside", customdata: rows.map((a) => a.vessel),
      };
    });
    g.plot("plot-gantt", traces, { barmode: "overlay", xaxis: { title: { text: g.t("hours") } }, showlegend: false, height: 100 + 60 * berths.length });
    status("berth-status", g.t("{method}: objective {objective} (FCFS {fcfs}), status {status}", { method: r.method, objective: fmt(r.objective), fcfs: fmt(r.fcfs_objective), status: g.phrase(r.status) }) +
      (problems.length ? g.t("; problems: {problems}", { problems: problems.join("; ") }) : ""), problems.length > 0);
  }

  function drawFleet(f) {
    const traces = f.policies.map((policy) => [policy, f.fleet_curve[policy]]).map(([policy, points]) => ({
      type: "scatter", mode: "lines+markers", name: g.t(policy), x: points.map((p) => p.agvs), y: points.map((p) => p.mean),
      // no bar where a point has no interval (ci null: one replication, or the same value in each)
      error_y: { type: "data", symmetric: false, array: points.map((p) => (p.ci_high === null ? null : p.ci_high - p.mean)), arrayminus: points.map((p) => (p.ci_low === null ? null : p.mean - p.ci_low)) },
    }));
    g.plot("plot-fleet-curve", traces, { xaxis: { title: { text: g.t("AGVs") } }, yaxis: { title: { text: g.t("moves per hour per crane") }, rangemode: "tozero" },
      margin: { t: 20, r: 10, l: 60, b: 45 }, height: 380, hovermode: "closest" });
  }

  async function follow(kind, jobId) {
    const testid = STATUS[kind];
    const verb = kind === "plan" ? g.t("Planning") : g.t("Simulation");
    const record = await g.followJob(KEYS[kind], jobId, (r) => {
      const p = r.progress;
      status(testid, r.status === "failed" ? g.t("{verb} failed: {error}", { verb, error: g.phrase(r.error) }) : `${verb} ${g.t(r.status)}` + (p.total ? ` (${p.done}/${p.total})` : "") + "…", r.status === "failed");
    });
    if (record.status === "done") {
      remember(kind === "ownCompare" ? "compare" : kind, jobId);
      if (kind === "plan") drawPlan(record.result);
      else { status(testid, g.t("{verb} done.", { verb })); (kind === "own" ? drawOwn : drawCompare)(record.result); }
      if (kind === "ownCompare") $("compare-results").scrollIntoView();
    }
  }

  async function submit(kind, path, body) {
    const testid = STATUS[kind];
    status(testid, g.t("Sending…"));
    try {
      // an uploaded file goes as multipart, as the browser writes it; anything else as JSON
      const request = body instanceof FormData ? { method: "POST", body } : { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) };
      const answer = await g.api(path, request);
      await follow(kind, answer.job.id);
    } catch (e) { status(testid, g.t("Refused: {error}", { error: e.message }), true); }
  }

  $("compare-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const f = new FormData(event.target);
    submit("compare", "/api/v1/port/compare", { a: f.get("a"), b: f.get("b"), days: Number(f.get("days")), replications: Number(f.get("replications")) });
  });
  $("own-form").addEventListener("submit", (event) => {
    event.preventDefault();
    // The scenario and its call list uploaded as they are, read on the server as `gwangyang port simulate --scenario FILE`
    // reads them; with a scenario B, each scenario's files in its own field (a, b) as `gwangyang port compare A.toml B.toml`.
    const f = new FormData(event.target);
    const upload = new FormData();
    const b = f.get("scenario_b");
    const compare = !!(b && b.name);
    const fields = compare ? { scenario: "a", call_list: "a", scenario_b: "b", call_list_b: "b" } : { scenario: "files", call_list: "files" };
    for (const [key, field] of Object.entries(fields)) { const file = f.get(key); if (file && file.name) upload.append(field, file, file.name); }
    for (const key of ["days", "replications", "seed", "warmup_days"]) if (String(f.get(key) || "").trim()) upload.append(key, f.get(key));
    if (compare) submit("ownCompare", "/api/v1/port/compare/file", upload);
    else submit("own", "/api/v1/port/simulate/file", upload);
  });
  // Where JSON.parse stopped, as line and column: the browser's own message is English (and each browser's differs).
  function jsonPlace(text, error) {
    const place = /line (\d+) column (\d+)/.exec(error.message);
    if (place) return { line: place[1], column: place[2] };
    const at = /position (\d+)/.exec(error.message);
    const lines = text.slice(0, at ? Number(at[1]) : text.length).split("\n");
    return { line: lines.length, column: lines[lines.length - 1].length + 1 };
  }
  $("berth-form").addEventListener("submit", (event) => {
    event.preventDefault();
    let body;
    const text = $("berth-json").value;
    try { body = JSON.parse(text); } catch (e) { status("berth-status", g.t("Instance is not valid JSON (line {line}, column {column}).", jsonPlace(text, e)), true); return; }
    submit("plan", "/api/v1/port/berths/plan", body);
  });

  const url = new URL(window.location.href);
  for (const kind of ["compare", "plan", "own"]) {
    const jobId = url.searchParams.get(kind) || localStorage.getItem(KEYS[kind]) || g.pageData.saved[kind];
    if (jobId) follow(kind, jobId).catch(() => localStorage.removeItem(KEYS[kind]));
  }
  if (g.pageData.saved.fleet) drawFleet(g.pageData.saved.fleet);

  function timelapse(lapse) {
    // The yard and vehicles from the AGV model's event log: lanes, cranes, blocks, one dot per AGV.
    const svg = $("timelapse-svg"), ns = "http://www.w3.org/2000/svg";
    const nodes = lapse.layout.nodes, xs = nodes.map((n) => n.x), ys = nodes.map((n) => n.y);
    const pad = 20, x0 = Math.min(...xs) - pad, y0 = Math.min(...ys) - pad;
    const w = Math.max(...xs) - x0 + pad, h = Math.max(...ys) - y0 + pad;
    svg.setAttribute("viewBox", `${x0} ${y0} ${w} ${h}`);
    const add = (tag, attrs) => { const e = document.createElementNS(ns, tag); for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v); svg.appendChild(e); return e; };
    for (const s of lapse.layout.segments) {
      const a = nodes[s.from], b = nodes[s.to];
      add("line", { x1: a.x, y1: a.y, x2: b.x, y2: b.y, stroke: "#bbb", "stroke-width": 4 });
    }
    for (const [x, y] of lapse.blocks) add("rect", { x: x - 12, y: y, width: 24, height: 40, fill: "#8c8" });
    const cranes = lapse.quay.map(([x, y]) => add("rect", { x: x - 8, y: y - 16, width: 16, height: 16, fill: "#468" }));
    const dots = lapse.frames[0].x.map(() => add("circle", { r: 6, stroke: "#d60", "stroke-width": 2 }));
    const slider = $("timelapse-slider"), clock = $("timelapse-clock"), play = $("timelapse-play");
    slider.max = lapse.frames.length - 1;
    const show = (i) => {
      const f = lapse.frames[i];
      dots.forEach((d, k) => { d.setAttribute("cx", f.x[k]); d.setAttribute("cy", f.y[k]); d.setAttribute("fill", f.loaded[k] ? "#d60" : "#fff"); });
      cranes.forEach((c, k) => c.setAttribute("fill", f.waiting.includes(k) ? "#c33" : "#468"));
      clock.textContent = g.t("minute {m}", { m: f.minute.toFixed(2) });
      slider.value = i;
    };
    let timer = null;
    play.addEventListener("click", () => {
      if (timer) { clearInterval(timer); timer = null; play.textContent = g.t("Play"); return; }
      play.textContent = g.t("Pause");
      timer = setInterval(() => show((Number(slider.value) + 1) % lapse.frames.length), 120);
    });
    slider.addEventListener("input", () => show(Number(slider.value)));
    show(0);
    svg.dataset.drawn = "true";
  }

  // A time-lapse from a job (the newest one's, or one computed now): its note, then the drawing.
  function drawLapse(lapse) {
    const note = $("timelapse-note"), empty = $("timelapse-empty"), names = g.pageData.dispatch_names || {};
    note.textContent = g.t("{scenario}: {agvs} AGVs serving {cranes} quay cranes ({dispatch}), one frame every {step} s of the move-level model (seed 0, after a quarter-hour warm-up).",
      { scenario: lapse.scenario, agvs: lapse.agvs, cranes: lapse.cranes, dispatch: names[lapse.dispatch] ? g.t(names[lapse.dispatch]) : lapse.dispatch || "—", step: lapse.step_s });
    note.hidden = false;
    if (empty) empty.hidden = true;
    $("timelapse-view").hidden = false;
    timelapse(lapse);
  }

  async function followLapse(jobId) {
    const verb = g.t("Time-lapse");
    const record = await g.followJob(KEYS.timelapse, jobId, (r) => {
      const p = r.progress;
      status("timelapse-status", r.status === "failed" ? g.t("{verb} failed: {error}", { verb, error: g.phrase(r.error) }) : `${verb} ${g.t(r.status)}` + (p.total ? ` (${p.done}/${p.total})` : "") + "…", r.status === "failed");
    });
    if (record.status === "done") { status("timelapse-status", ""); drawLapse(record.result); }
  }

  // Nothing kept and no job: an operator's page computes it in the background (the page never waits for it).
  async function computeLapse() {
    status("timelapse-status", g.t("Sending…"));
    try {
      const answer = await g.api("/api/v1/port/timelapse", { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" });
      await followLapse(answer.job.id);
    } catch (e) { status("timelapse-status", g.t("Refused: {error}", { error: e.message }), true); }
  }

  const lapseJob = g.pageData.saved.timelapse || localStorage.getItem(KEYS.timelapse);
  const mayCompute = !!$("timelapse-status").dataset.compute;
  if (g.pageData.timelapse) timelapse(g.pageData.timelapse);
  else if (lapseJob) followLapse(lapseJob).catch(() => { localStorage.removeItem(KEYS.timelapse); if (mayCompute && !g.pageData.saved.timelapse) computeLapse(); });
  else if (mayCompute) computeLapse();
  if (g.pageData.saved.demo_plan && !url.searchParams.get("plan") && !localStorage.getItem(KEYS.plan)) drawPlan(g.pageData.saved.demo_plan);
})();
