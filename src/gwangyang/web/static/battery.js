// Battery pages: fleet overview (capacity fade, upload) and the cell page (cycles, Q(V), dQ/dV).
"use strict";
(function () {
  const g = window.gwangyang;
  const data = g.pageData;
  const JOB_KEY = "gwangyang.battery.ingestJob";

  function fleet() {
    const traces = data.fade.map((cell) => ({
      x: cell.cycle_index, y: cell.discharge_capacity_ah, name: cell.cell_id, mode: "lines+markers", marker: { size: 4 },
    }));
    g.plot("plot-capacity-fade", traces, { xaxis: { title: { text: g.t("cycle") } }, yaxis: { title: { text: g.t("discharge capacity (Ah)") } } });

    const form = document.getElementById("upload-form");
    const status = document.querySelector('[data-testid="upload-status"]');
    function show(text, isError) { status.textContent = text; status.classList.toggle("error", !!isError); }
    function describe(record) {
      if (record.status === "failed") return g.t("Ingest failed: {error}", { error: g.phrase(record.error) });
      if (record.status === "done") {
        const r = record.result;
        const failed = r.failed.length ? g.t("; failed: {errors}", { errors: r.failed.map((f) => g.phrase(f.error)).join("; ") }) : "";
        // warnings (a column map's among them) are said, each read through the patterns, never dropped
        const warned = (r.warnings || []).length
          ? g.t("; warnings: {warnings}", { warnings: r.warnings.map((w) => g.phrase(w.detail)).join("; ") }) : "";
        return g.t("Ingested {n} file(s) into {cells}", { n: r.ingested.length, cells: r.cells.join(", ") || g.t("no new cell") }) +
          (r.skipped.length ? g.t("; {n} already in the store", { n: r.skipped.length }) : "") + failed + warned;
      }
      const p = record.progress;
      return g.t("Ingest {status}", { status: g.t(record.status) }) + (p.total ? ` (${p.done}/${p.total})` : "") + "…";
    }
    async function follow(jobId) {
      const record = await g.followJob(JOB_KEY, jobId, (r) => show(describe(r), r.status === "failed"));
      if (record.status === "done") {
        sessionStorage.setItem("gwangyang.battery.lastIngest", describe(record));
        window.location.reload();
      }
    }
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const body = new FormData(form);
      // the map goes among the upload's files (the API takes the one .toml there); none chosen, nothing is sent
      const map = form.querySelector('[data-testid="upload-column-map"]').files[0];
      body.delete("column_map");
      if (map) body.append("files", map);
      show(map ? g.t("Uploading with the column map {map}…", { map: map.name }) : g.t("Uploading…"));
      try {
        const answer = await g.api("/api/v1/battery/uploads", { method: "POST", body });
        show(g.t("Uploaded {files}; ingesting…", { files: answer.files.join(", ") }));
        await follow(answer.job.id);
      } catch (e) { show(g.t("Upload refused: {error}", { error: e.message }), true); }
    });
    const last = sessionStorage.getItem("gwangyang.battery.lastIngest");
    if (last) { show(last); sessionStorage.removeItem("gwangyang.battery.lastIngest"); }
    const pending = localStorage.getItem(JOB_KEY);
    if (pending) follow(pending).catch((e) => show(e.message, true));
  }

  // The read-only query box: POST /api/v1/battery/sql, the rows drawn as a table (text only, never HTML).
  function query() {
    const form = document.getElementById("sql-form");
    if (!form) return;
    const status = document.querySelector('[data-testid="sql-status"]');
    const table = document.querySelector('[data-testid="sql-result"]');
    function show(text, isError) { status.textContent = text; status.classList.toggle("error", !!isError); }
    function entry(tag, value) {
      const element = document.createElement(tag);
      element.textContent = value === null ? "—" : String(value);
      if (typeof value === "number") element.className = "num";
      return element;
    }
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const text = new FormData(form).get("query");
      show(g.t("Running…"));
      table.hidden = true;
      try {
        const answer = await g.api("/api/v1/battery/sql", {
          method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ query: text }),
        });
        const head = document.createElement("tr");
        answer.columns.forEach((name) => head.appendChild(entry("th", name)));
        table.tHead.replaceChildren(head);
        table.tBodies[0].replaceChildren(...answer.rows.map((row) => {
          const line = document.createElement("tr");
          line.dataset.testid = "sql-row";
          row.forEach((value) => line.appendChild(entry("td", value)));
          return line;
        }));
        table.hidden = false;
        show(answer.truncated
          ? g.t("{n} row(s), the first {max} shown, in {s} s", { n: answer.row_count, max: answer.max_rows, s: answer.seconds.toFixed(3) })
          : g.t("{n} row(s) in {s} s", { n: answer.row_count, s: answer.seconds.toFixed(3) }));
        // columns read as text (text in some cells, numbers in others): said, never silent
        if ((answer.warnings || []).length) show(status.textContent + " — " + answer.warnings.map((w) => g.phrase(w)).join(" "));
      } catch (e) { show(g.t("Query refused: {reason}", { reason: e.message }), true); }
    });
  }

  // Early cycle-life predictions with their intervals (error bars), observed life beside them.
  function life() {
    const model = data.life;
    if (model) {
      const rows = model.predictions;
      const cells = rows.map((r) => r.cell);
      const traces = [{
        x: cells, y: rows.map((r) => r.predicted_cycle_life), name: g.t("predicted"), mode: "markers", type: "scatter",
        marker: { size: 9 },
        error_y: { type: "data", symmetric: false, array: rows.map((r) => r.upper - r.predicted_cycle_life),
          arrayminus: rows.map((r) => r.predicted_cycle_life - r.lower) },
      }];
      const observed = rows.filter((r) => r.cycle_life !== null);
      if (observed.length) {
        traces.push({ x: observed.map((r) => r.cell), y: observed.map((r) => r.cycle_life), name: g.t("observed"), mode: "markers",
          type: "scatter", marker: { symbol: "x", size: 10 } });
      }
      // Predictions beyond the training range: ringed, the (translated) warning of the table as hover text.
      const notes = {};
      document.querySelectorAll('[data-testid="life-row"]').forEach((row) => {
        const note = row.querySelector('[data-testid="life-warning"]');
        if (note) notes[row.dataset.cell] = note.textContent;
      });
      const warned = rows.filter((r) => r.warning);
      if (warned.length) {
        traces.push({ x: warned.map((r) => r.cell), y: warned.map((r) => r.predicted_cycle_life), name: g.t("outside the training range"),
          mode: "markers", type: "scatter", marker: { symbol: "circle-open", size: 18, color: "#b00020", line: { width: 2 } },
          hovertext: warned.map((r) => notes[r.cell] || r.warning), hoverinfo: "x+y+text" });
      }
      g.plot("plot-life", traces, { xaxis: { title: { text: g.t("cell") } }, yaxis: { title: { text: g.t("cycle life (cycles)") } } });
    }
    const KEY = "gwangyang.battery.lifeJob";
    const form = document.getElementById("life-form");
    const status = document.querySelector('[data-testid="life-status"]');
    function show(record) {
      const p = record.progress;
      status.classList.toggle("error", record.status === "failed");
      if (record.status === "failed") status.textContent = g.t("Fit failed: {error}", { error: g.phrase(record.error) });
      else if (record.status === "done") status.textContent = g.t("Fitted {name}: test RMSE {rmse} cycles", { name: record.result.name, rmse: g.num(Math.round(record.result.test ? record.result.test.rmse_cycles : record.result.train.rmse_cycles), 0) });
      else status.textContent = g.t("Fitting ({status}", { status: g.t(record.status) }) + (p.total ? `, ${p.done}/${p.total}` : "") + ")…";
    }
    async function follow(jobId) {
      const record = await g.followJob(KEY, jobId, show);
      if (record.status === "done") window.location.reload();
    }
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      try {
        const answer = await g.api("/api/v1/battery/life/fit", {
          method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ name: "demo" }),
        });
        show(answer.job);
        await follow(answer.job.id);
      } catch (e) { status.textContent = g.t("Fit refused: {error}", { error: e.message }); status.classList.add("error"); }
    });
    const pending = localStorage.getItem(KEY);
    if (pending) follow(pending).catch((e) => { status.textContent = e.message; });
  }

  function cell() {
    const cycles = data.cycles;
    const x = cycles.map((c) => c.cycle_index);
    g.plot("plot-cycles", [
      { x, y: cycles.map((c) => c.discharge_capacity_ah), name: g.t("discharge capacity (Ah)"), mode: "lines+markers", marker: { size: 4 } },
      { x, y: cycles.map((c) => c.charge_capacity_ah), name: g.t("charge capacity (Ah)"), mode: "lines", line: { dash: "dot" } },
      { x, y: cycles.map((c) => c.coulombic_efficiency), name: g.t("coulombic efficiency"), mode: "lines", yaxis: "y2" },
    ], {
      xaxis: { title: { text: g.t("cycle") } },
      yaxis: { title: { text: g.t("capacity (Ah)") } },
      yaxis2: { title: { text: g.t("CE") }, overlaying: "y", side: "right" },
      margin: { t: 20, r: 55, l: 55, b: 45 },
    });
    const health = data.health;
    if (health) {
      const shapes = [{ type: "line", xref: "paper", x0: 0, x1: 1, y0: health.threshold, y1: health.threshold, line: { dash: "dash", color: "#b00020" } }];
      if (health.knee.knee_cycle !== null) {
        shapes.push({ type: "line", yref: "paper", y0: 0, y1: 1, x0: health.knee.knee_cycle, x1: health.knee.knee_cycle, line: { dash: "dot", color: "#555" } });
      }
      g.plot("plot-soh", [{ x: health.cycles, y: health.soh, name: "SOH", mode: "lines+markers", marker: { size: 4 } }],
        { xaxis: { title: { text: g.t("cycle") } }, yaxis: { title: { text: g.t("SOH") } }, shapes });
    }
    const curves = data.curves.curves;
    g.plot("plot-qv", curves.map((c) => ({ x: c.discharge_capacity_ah, y: c.voltage_v, name: g.t("cycle {n}", { n: c.cycle_index }), mode: "lines" })),
      { xaxis: { title: { text: g.t("discharge capacity (Ah)") } }, yaxis: { title: { text: g.t("voltage (V)") } } });
    g.plot("plot-dqdv", curves.map((c) => ({ x: c.voltage_v, y: c.dqdv_ah_per_v, name: g.t("cycle {n}", { n: c.cycle_index }), mode: "lines" })),
      { xaxis: { title: { text: g.t("voltage (V)") } }, yaxis: { title: { text: g.t("−dQ/dV (Ah/V)") } } });
  }

  if (data.page === "battery-fleet") { fleet(); life(); query(); }
  else if (data.page === "battery-cell") cell();
})();
