// Factory page: fit a monitor, score a table, draw T² and Q with their limits and list the alarms; one column's control charts.
"use strict";
(function () {
  const g = window.gwangyang;
  // a monitor's method as the fit form names it
  const METHODS = { pca: "PCA", dpca: g.t("dynamic PCA"), kpca: g.t("kernel PCA") };
  const FIT_KEY = "gwangyang.factory.fitJob";
  const SCORE_KEY = "gwangyang.factory.scoreJob";
  const $ = (testid) => document.querySelector(`[data-testid="${testid}"]`);

  function status(testid, text, isError) { const el = $(testid); el.textContent = text; el.classList.toggle("error", !!isError); }

  function limitLine(y) { return { type: "line", xref: "paper", x0: 0, x1: 1, y0: y, y1: y, line: { dash: "dash", color: "#b00020" } }; }

  function draw(record) {
    const r = record.result;
    $("score-results").hidden = false;
    const s = r.summary;
    $("score-summary").textContent = g.t("{file} scored with {monitor} ({method}): {rows} rows, {violations} over a limit, {alarms} alarm(s).", { file: r.file, monitor: r.monitor, method: METHODS[r.method] || r.method, rows: g.num(s.rows, 0), violations: g.num(s.violations, 0), alarms: s.alarms });
    const notes = $("score-warnings");
    notes.textContent = "";
    for (const note of r.warnings || []) {  // what reading the table did: lines skipped, numbers converted...
      const li = document.createElement("li");
      li.textContent = g.phrase(note);
      notes.appendChild(li);
    }
    const x = r.rows.map((row) => row.time);
    const alarmX = r.rows.filter((row) => row.alarm).map((row) => row.time);
    const marks = (key) => r.rows.filter((row) => row.alarm).map((row) => row[key]);
    const axis = { xaxis: { title: { text: g.t("time") } } };
    g.plot("plot-t2", [
      { x, y: r.rows.map((row) => row.t2), name: "T²", mode: "lines" },
      { x: alarmX, y: marks("t2"), name: g.t("in alarm"), mode: "markers", marker: { color: "#b00020", size: 4 } },
    ], Object.assign({ shapes: [limitLine(r.limits.t2)], yaxis: { title: { text: "T²" } } }, axis));
    g.plot("plot-q", [
      { x, y: r.rows.map((row) => row.q), name: "Q", mode: "lines" },
      { x: alarmX, y: marks("q"), name: g.t("in alarm"), mode: "markers", marker: { color: "#b00020", size: 4 } },
    ], Object.assign({ shapes: [limitLine(r.limits.q)], yaxis: { title: { text: "Q" } } }, axis));
    const body = document.querySelector('[data-testid="alarms-table"] tbody');
    body.textContent = "";
    for (const alarm of r.alarms) {
      const tr = document.createElement("tr");
      tr.dataset.testid = "alarm-row";
      const names = (alarm.top_variables || []).map((v) => `${v.variable} (${Math.round(100 * v.share)} %)`).join(", ");
      for (const [text, cls] of [[alarm.start, ""], [alarm.end, ""], [alarm.rows, "num"], [names, ""]]) {
        const td = document.createElement("td");
        td.textContent = String(text);
        if (cls) td.className = cls;
        tr.appendChild(td);
      }
      body.appendChild(tr);
    }
  }

  function describe(record, verb) {
    if (record.status === "failed") return g.t("{verb} failed: {error}", { verb, error: g.phrase(record.error) });
    if (record.status === "done") return g.t("{verb} done.", { verb });
    return `${verb} ${g.t(record.status)}…`;
  }

  async function followScore(jobId) {
    const record = await g.followJob(SCORE_KEY, jobId, (r) => status("score-status", describe(r, g.t("Scoring")), r.status === "failed"));
    if (record.status === "done") {
      const url = new URL(window.location.href);
      url.searchParams.set("job", jobId);
      history.replaceState(null, "", url);
      draw(record);
    }
  }

  async function followFit(jobId) {
    const record = await g.followJob(FIT_KEY, jobId, (r) => status("fit-status", describe(r, g.t("Fitting")), r.status === "failed"));
    if (record.status === "done") window.location.reload();
  }

  $("fit-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    status("fit-status", g.t("Uploading…"));
    try {
      const answer = await g.api("/api/v1/factory/monitors", { method: "POST", body: new FormData(event.target) });
      await followFit(answer.job.id);
    } catch (e) { status("fit-status", g.t("Refused: {error}", { error: e.message }), true); }
  });

  $("score-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    const name = form.get("monitor");
    form.delete("monitor");
    status("score-status", g.t("Uploading…"));
    try {
      const answer = await g.api(`/api/v1/factory/monitors/${encodeURIComponent(name)}/score`, { method: "POST", body: form });
      await followScore(answer.job.id);
    } catch (e) { status("score-status", g.t("Refused: {error}", { error: e.message }), true); }
  });

  // One column's control charts (POST /factory/spc answers at once): every chart of the document (I and MR,
  // or X̄ and R, then EWMA and CUSUM; or one attribute chart), each with its per-point limits and the points
  // out of control; the summary says which was drawn and why, then one line per chart (the document's summary).
  function drawChart(testid, chart, x) {
    const bad = chart.out_of_control;
    const step = { shape: "hvh" };
    return g.plot(testid, [
      { x, y: chart.values, name: chart.name, mode: "lines+markers", marker: { size: 4 } },
      { x, y: chart.upper, name: g.t("upper limit"), mode: "lines", line: Object.assign({ dash: "dash", color: "#b00020" }, step) },
      { x, y: chart.lower, name: g.t("lower limit"), mode: "lines", line: Object.assign({ dash: "dash", color: "#b00020" }, step) },
      { x, y: x.map(() => chart.center), name: g.t("centre"), mode: "lines", line: { color: "gray" } },
      { x: bad.map((i) => x[i]), y: bad.map((i) => chart.values[i]), name: g.t("out of control"), mode: "markers", marker: { color: "#b00020", size: 8 } },
    ], { yaxis: { title: { text: chart.name } }, xaxis: { title: { text: chart.subgroups ? g.t("subgroup") : g.t("sample") }, type: "category" } });
  }

  function drawSpc(file, r) {
    $("spc-results").hidden = false;
    const how = r.chart.chosen === "auto" ? g.t("chosen from the column") : g.t("as asked");
    $("spc-summary").textContent = g.t("{file}, {column}: {chart} chart ({how}), {count} chart(s), {rules} run-rule violation(s) on the {first} chart.", { file, column: r.column, chart: r.chart.type, how, count: r.summary.length, rules: r.rule_violations.length, first: r.summary[0].name });
    const lines = $("spc-chart-lines");
    lines.textContent = "";
    for (const line of r.summary) {
      const li = document.createElement("li");
      li.textContent = g.t("{chart}: {points} point(s), centre {center}, {n} out of control.", { chart: line.name, points: g.num(line.points, 0), center: g.num(line.center, 4), n: g.num(line.out_of_control, 0) });
      lines.appendChild(li);
    }
    const notes = $("spc-warnings");
    notes.textContent = "";
    for (const note of r.warnings || []) {
      const li = document.createElement("li");
      li.textContent = g.phrase(note);
      notes.appendChild(li);
    }
    // charts of single rows number their samples; a moving range starts at the second (one value fewer)
    const samples = Math.max(0, ...r.charts.filter((c) => !c.subgroups).map((c) => c.values.length));
    const box = $("spc-plots");
    for (const old of box.querySelectorAll(".plot.more")) old.remove();  // a previous answer's extra charts
    r.charts.forEach((c, i) => {
      const testid = i === 0 ? "plot-spc" : `plot-spc-${i}`;
      if (i > 0) {
        const div = document.createElement("div");
        div.className = "plot more";
        div.dataset.testid = testid;
        box.appendChild(div);
      }
      const offset = c.subgroups ? 0 : samples - c.values.length;
      drawChart(testid, c, c.subgroups || c.values.map((_, k) => k + 1 + offset));
    });
  }

  $("spc-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    for (const key of ["subgroup_column", "size_column"]) if (!String(form.get(key) || "").trim()) form.delete(key);
    status("spc-status", g.t("Uploading…"));
    try {
      const answer = await g.api("/api/v1/factory/spc", { method: "POST", body: form });
      status("spc-status", "");
      drawSpc(form.get("files").name, answer);
    } catch (e) { status("spc-status", g.t("Refused: {error}", { error: e.message }), true); }
  });

  // The scoring job named in the address, else the newest finished one in the store (e.g. the demo's).
  const shown = new URL(window.location.href).searchParams.get("job") || g.pageData.latest_score;
  if (shown) {
    g.api(`/api/v1/jobs/${encodeURIComponent(shown)}`).then((record) => {
      if (record.status === "done" && record.kind === "factory.score") draw(record);
      else status("score-status", describe(record, g.t("Scoring")), record.status === "failed");
    }).catch((e) => status("score-status", e.message, true));
  }
  for (const [key, follow] of [[SCORE_KEY, followScore], [FIT_KEY, followFit]]) {
    const pending = localStorage.getItem(key);
    if (pending && pending !== shown) follow(pending).catch(() => localStorage.removeItem(key));
  }
})();
