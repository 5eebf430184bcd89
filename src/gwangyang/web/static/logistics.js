// Logistics pages: the routes (a lon/lat map drawn with Plotly, no tiles, and a table) and the forecast
// (history, forecast and interval). Each page shows the latest result kept in the store, or a job's (?job=<id>).
"use strict";
(function () {
  const g = window.gwangyang;
  const $ = (testid) => document.querySelector(`[data-testid="${testid}"]`);
  const page = g.pageData.page;
  const KEY = `gwangyang.logistics.${page}Job`;

  function status(testid, text, isError) { const el = $(testid); el.textContent = text; el.classList.toggle("error", !!isError); }
  const num = g.num;
  function hhmm(minutes) { const t = Math.round(minutes); return `${String(Math.floor(t / 60)).padStart(2, "0")}:${String(t % 60).padStart(2, "0")}`; }
  function cell(tr, text, cls) { const td = document.createElement("td"); td.textContent = text; if (cls) td.className = cls; tr.appendChild(td); }
  function remember(jobId) { const url = new URL(window.location.href); url.searchParams.set("job", jobId); history.replaceState(null, "", url); }

  function showList(testid, itemTestid, texts) {
    const list = $(testid);
    list.textContent = "";
    for (const text of texts) { const li = document.createElement("li"); li.dataset.testid = itemTestid; li.textContent = text; list.appendChild(li); }
    list.hidden = !texts.length;
  }

  // Drop-offs first and larger, so that a pickup at the same site stays visible on top.
  const STOP_KINDS = [
    ["dropoff", g.t("drop-offs (delivered pickups)"), { symbol: "triangle-down", size: 16, color: "#c25e00", line: { width: 1, color: "#fff" } }],
    ["pickup", g.t("pickups"), { symbol: "triangle-up", size: 10, color: "#0b7a3e", line: { width: 1, color: "#fff" } }],
    ["delivery", g.t("deliveries"), { symbol: "circle", size: 9, color: "#0b63b5" }],
    ["reload", g.t("reloads (back at a depot)"), { symbol: "diamond", size: 12, color: "#7a2e8e" }],
  ];

  function drawRoutes(r) {
    $("route-results").hidden = false;
    const feasible = r.feasible ? g.t("feasible") : g.t("NOT feasible");
    $("route-title").textContent = `${r.instance}: ${r.solver}, ${feasible}`;
    $("route-cost").textContent = `${num(r.cost, 0)} ${r.currency || ""}`.trim();
    $("route-distance").textContent = `${num(r.distance)} ${r.distance_unit}`;
    $("route-count").textContent = String(r.routes.length);
    $("route-unserved-count").textContent = String(r.unserved.length);
    $("route-coordinates-note").textContent = r.approximate_coordinates
      ? g.t("Coordinates are approximate (public maps); distances are great-circle × road circuity.") : "";
    // The file solved (an upload, a CLI run, a scenario) and, with a .sol, the gap to its best-known cost.
    const source = [];
    if (r.file) source.push(g.t("Source: {source}.", { source: r.file }));
    if (r.best_known) {
      const gap = r.gap_percent === null || r.gap_percent === undefined ? g.t("n/a (not feasible)") : `${num(r.gap_percent, 2)} %`;
      source.push(g.t("Best known {cost} ({file}; its routes re-checked: {checked}); gap {gap}.", { cost: num(r.best_known.cost, 0), file: r.best_known.file, checked: num(r.best_known.checked_cost, 0), gap }));
    }
    $("route-source").textContent = source.join(" ");
    $("route-source").hidden = !source.length;
    // Nothing silent: what the reading assumed (notes), and every broken constraint (warnings), in the page's language.
    showList("route-notes", "route-note", (r.notes || []).map((n) => g.t("note: {text}", { text: g.phrase(n) })));
    const warnings = r.route_details.flatMap((d, k) => (d.violations || []).map((v) =>
      g.t("route {n} ({vehicle}): {problem}", { n: k + 1, vehicle: d.vehicle_type, problem: g.phrase(v) })));
    for (const w of r.warnings || []) warnings.push(g.phrase(w));
    showList("route-warnings", "route-warning", warnings.map((w) => `⚠ ${w}`));
    const lines = r.geojson.features.filter((f) => f.geometry.type === "LineString");
    const traces = lines.map((f) => ({
      type: "scatter", mode: "lines+markers", name: g.t("route {n} · {vehicle}", { n: f.properties.route, vehicle: f.properties.vehicle_type }),
      x: f.geometry.coordinates.map((c) => c[0]), y: f.geometry.coordinates.map((c) => c[1]),
      hovertext: f.properties.orders.join(" → "), line: { width: 2 },
    }));
    for (const kind of ["site", "depot"]) {
      const sites = r.sites.filter((s) => s.kind === kind);
      traces.push({
        type: "scatter", mode: "markers+text", name: kind === "depot" ? g.t("terminals (depots)") : g.t("sites"),
        x: sites.map((s) => s.x), y: sites.map((s) => s.y), text: sites.map((s) => s.id), hovertext: sites.map((s) => s.name),
        textposition: "top center", textfont: { size: 9 },
        marker: kind === "depot" ? { symbol: "square", size: 12, color: "#b00020" } : { size: 8, color: "#1d2733" },
      });
    }
    // Each route's stops by kind: pickups and drop-offs (the two ends of a shipment), plain deliveries, reloads.
    for (const [kind, name, marker] of STOP_KINDS) {
      const stops = r.route_details.flatMap((d, k) => d.stops.filter((s) => (s.kind || "delivery") === kind && s.coordinates)
        .map((s) => ({ ...s, route: k + 1 })));
      if (!stops.length) continue;
      traces.push({
        type: "scatter", mode: "markers", name, x: stops.map((s) => s.coordinates[0]), y: stops.map((s) => s.coordinates[1]),
        hovertext: stops.map((s) => g.t("route {n}", { n: s.route }) + (s.trip ? " " + g.t("trip {n}", { n: s.trip + 1 }) : "") + ": " + g.t("{order} at {location}", { order: s.order, location: s.location })),
        hoverinfo: "text", marker,
      });
    }
    const lat = r.sites.reduce((a, s) => a + s.y, 0) / Math.max(1, r.sites.length);
    const layout = { height: 480, hovermode: "closest", xaxis: { title: { text: r.geographic ? g.t("longitude") : "x" } },
      yaxis: { title: { text: r.geographic ? g.t("latitude") : "y" } } };
    if (r.geographic) Object.assign(layout.yaxis, { scaleanchor: "x", scaleratio: 1 / Math.cos((lat * Math.PI) / 180) });
    g.plot("plot-route-map", traces, layout);
    const body = document.querySelector('[data-testid="route-table"] tbody');
    body.textContent = "";
    r.route_details.forEach((d, k) => {
      const tr = document.createElement("tr");
      tr.dataset.testid = "route-row";
      tr.dataset.route = String(k + 1);
      cell(tr, String(k + 1)); cell(tr, d.vehicle_type); cell(tr, d.orders.join(" → "));
      cell(tr, d.load.map((v) => num(v)).join(" / "), "num"); cell(tr, num(d.distance), "num");
      cell(tr, hhmm(d.start_time)); cell(tr, hhmm(d.end_time));
      cell(tr, num(d.stops.reduce((a, s) => a + s.lateness, 0) + d.end_lateness), "num"); cell(tr, num(d.cost, 0), "num");
      body.appendChild(tr);
    });
    const list = $("route-unserved");
    list.textContent = "";
    for (const u of r.unserved) { const li = document.createElement("li"); li.textContent = g.t("unserved {order}: {reason}", { order: u.order, reason: g.phrase(u.reason) }); list.appendChild(li); }
  }

  // The words of each frequency a forecast may have (a result kept before frequencies were recorded is monthly):
  // the table's date column, a span of n periods, the frequency's name; and how a period's date is written
  // (a result's own "period" label, e.g. 2026-W14 for ISO weeks, comes first; results kept before it had none).
  const FREQUENCIES = {
    monthly: { head: () => g.t("Month"), span: (n) => g.t("{n} months", { n }), name: () => g.t("monthly"), chars: 7 },
    quarterly: { head: () => g.t("Quarter"), span: (n) => g.t("{n} quarters", { n }), name: () => g.t("quarterly"), chars: 7 },
    "half-yearly": { head: () => g.t("Half-year"), span: (n) => g.t("{n} half-years", { n }), name: () => g.t("half-yearly"), chars: 7 },
    yearly: { head: () => g.t("Year"), span: (n) => g.t("{n} years", { n }), name: () => g.t("yearly"), chars: 4 },
    weekly: { head: () => g.t("Week"), span: (n) => g.t("{n} weeks", { n }), name: () => g.t("weekly"), chars: 10 },
    fortnightly: { head: () => g.t("Fortnight"), span: (n) => g.t("{n} fortnights", { n }), name: () => g.t("fortnightly"), chars: 10 },
    daily: { head: () => g.t("Day"), span: (n) => g.t("{n} days", { n }), name: () => g.t("daily"), chars: 10 },
    "business-daily": { head: () => g.t("Business day"), span: (n) => g.t("{n} business days", { n }), name: () => g.t("business-daily"), chars: 10 },
  };

  function drawForecast(r, jobId) {
    $("forecast-results").hidden = false;
    // The CSV the CLI writes (GET .../forecast/{job}/csv), of the job shown, or of the latest kept in the store.
    $("forecast-csv").href = `/api/v1/logistics/forecast/${jobId ? encodeURIComponent(jobId) : "latest"}/csv`;
    const b = r.backtest;
    const freq = r.frequency || { name: "monthly", season_length: 12 };
    const words = FREQUENCIES[freq.name] || FREQUENCIES.monthly;
    $("forecast-title").textContent = g.t("{series}: {span} ahead", { series: r.series, span: words.span(r.forecast.length) });
    $("forecast-frequency").textContent = g.t("{frequency}, season {season}", { frequency: words.name(), season: freq.season_length });
    $("forecast-period-head").textContent = words.head();
    // A business-day calendar's working weekdays, as the result names them (Mon .. Sun), in the page's language.
    const working = freq.working_days || [];
    $("forecast-working-card").hidden = !working.length;
    $("forecast-working-days").textContent = working.map((d) => g.t(d)).join(" ");
    $("forecast-model").textContent = r.model;
    $("forecast-mase").textContent = num(b.mase, 3);
    $("forecast-naive-mase").textContent = num(b.models.seasonal_naive, 3);
    $("forecast-coverage").textContent = g.t("{coverage} of {points} (target {level})", { coverage: `${Math.round(100 * b.coverage)} %`, points: b.points, level: `${r.level} %` });
    $("forecast-note").textContent = g.t("Model chosen by a rolling-origin backtest ({windows} windows of {span}); coverage judged on each window with the interval widening learnt from the others.", { windows: b.windows, span: words.span(b.horizon) }) +
      " " + g.t("Source: {source}.", { source: r.source });
    const notes = $("forecast-notes");
    notes.textContent = "";
    for (const n of r.notes || []) { const li = document.createElement("li"); li.textContent = g.phrase(n); notes.appendChild(li); }
    const hist = r.history.slice(-72);
    const fc = r.forecast;
    const x = fc.map((p) => p.ds);
    g.plot("plot-forecast", [
      { type: "scatter", mode: "lines", name: g.t("history"), x: hist.map((p) => p.ds), y: hist.map((p) => p.y), line: { color: "#1d2733" } },
      { type: "scatter", mode: "lines", name: g.t("low"), x, y: fc.map((p) => p.lo), line: { width: 0 }, showlegend: false, hoverinfo: "y" },
      { type: "scatter", mode: "lines", name: g.t("{level} interval", { level: `${r.level} %` }), x, y: fc.map((p) => p.hi), fill: "tonexty",
        fillcolor: "rgba(11,99,181,0.2)", line: { width: 0 } },
      { type: "scatter", mode: "lines+markers", name: g.t("forecast ({model})", { model: r.model }), x, y: fc.map((p) => p.mean), line: { color: "#0b63b5" } },
    ], { height: 420, hovermode: "x unified" });
    const body = document.querySelector('[data-testid="forecast-table"] tbody');
    body.textContent = "";
    for (const p of fc) {
      const tr = document.createElement("tr");
      tr.dataset.testid = "forecast-row";
      cell(tr, p.period || p.ds.slice(0, words.chars)); cell(tr, g.sig(p.mean), "num"); cell(tr, g.sig(p.lo), "num"); cell(tr, g.sig(p.hi), "num");
      body.appendChild(tr);
    }
  }

  const testid = page === "routes" ? "route-status" : "forecast-status";
  const draw = page === "routes" ? drawRoutes : drawForecast;

  async function follow(jobId) {
    const verb = page === "routes" ? g.t("Solving") : g.t("Forecasting");
    const record = await g.followJob(KEY, jobId, (r) => {
      const p = r.progress;
      status(testid, r.status === "failed" ? g.t("{verb} failed: {error}", { verb, error: g.phrase(r.error) }) : `${verb}: ${g.t(r.status)}` + (p.total ? ` (${Math.round(100 * p.fraction)} %)` : "") + "…", r.status === "failed");
    });
    if (record.status === "done") { remember(jobId); status(testid, g.t("Done.")); draw(record.result, jobId); }
  }

  async function submit(path, body) {
    status(testid, g.t("Sending…"));
    try {
      // A form (an uploaded file) goes as multipart, as the browser writes it; anything else as JSON.
      const request = body instanceof FormData ? { method: "POST", body } : { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) };
      const answer = await g.api(path, request);
      await follow(answer.job.id);
    } catch (e) { status(testid, g.t("Refused: {error}", { error: e.message }), true); }
  }

  if (page === "routes") {
    $("route-form").addEventListener("submit", async (event) => {
      event.preventDefault();
      const f = new FormData(event.target);
      const file = f.get("files");
      const solution = f.get("solution");
      if (solution && solution.name && !(file && file.name)) {
        // a .sol is the gap's reference for an uploaded problem: alone it was dropped and the scenario solved
        status("route-status", g.t("A best-known solution ({file}) needs its problem file.", { file: solution.name }), true);
        return;
      }
      if (file && file.name) {
        // A problem file (VRPLIB, Solomon or ours) and its .sol: uploaded as they are, read on the server as
        // `gwangyang routes solve` reads them.
        const upload = new FormData();
        upload.append("files", file, file.name);
        const sol = f.get("solution");
        if (sol && sol.name) upload.append("files", sol, sol.name);
        for (const key of ["time_limit", "seed", "solver", "workers", "max_iterations"]) if (String(f.get(key) || "").trim()) upload.append(key, f.get(key));
        submit("/api/v1/logistics/routes/file", upload);
      } else {
        const body = { scenario: f.get("scenario"), time_limit: Number(f.get("time_limit")), solver: f.get("solver") };
        for (const key of ["seed", "workers", "max_iterations"]) if (String(f.get(key) || "").trim()) body[key] = Number(f.get(key));
        submit("/api/v1/logistics/routes", body);
      }
    });
  } else {
    $("forecast-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const f = new FormData(event.target);
      const file = f.get("files");
      if (file && file.size) {
        // The user's own table: uploaded as it is, read on the server as `gwangyang forecast` reads it.
        for (const key of ["date_column", "target", "horizon", "working_days"]) if (!String(f.get(key) || "").trim()) f.delete(key);
        submit("/api/v1/logistics/forecast/file", f);
      } else {
        const body = { level: Number(f.get("level")) };
        if (String(f.get("horizon") || "").trim()) body.horizon = Number(f.get("horizon"));
        if (String(f.get("working_days") || "").trim()) body.working_days = String(f.get("working_days")).trim();
        submit("/api/v1/logistics/forecast", body);
      }
    });
  }

  const jobId = new URL(window.location.href).searchParams.get("job") || localStorage.getItem(KEY);
  if (jobId) follow(jobId).catch(() => { localStorage.removeItem(KEY); if (g.pageData.latest) draw(g.pageData.latest); });
  else if (g.pageData.latest) draw(g.pageData.latest);
})();
