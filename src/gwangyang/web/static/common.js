// Shared helpers of the dashboard pages: page data, plots that mark themselves drawn, job polling.
"use strict";
window.gwangyang = (function () {
  const pageData = JSON.parse(document.getElementById("page-data").textContent || "{}");
  // The page's language and its catalogue (/static/i18n/<lang>.js; none for English, whose msgids are the text).
  const lang = document.documentElement.lang || "en";
  const messages = window.gwangyangMessages || {};

  // A message in the page's language; {name} placeholders are filled from vars.
  function t(message, vars) {
    const text = messages[message] || message;
    return vars ? text.replace(/\{(\w+)\}/g, (whole, name) => (name in vars ? String(vars[name]) : whole)) : text;
  }

  // A line a service composed ("; "-separated parts) in the page's language, as the server's i18n.phrase does:
  // each part by the catalogue, else by the first of the server's patterns that matches it (its `word`, `word_*` groups
  // translated as terms, its `words` group term by term, its `weekdays`, `weekdays_*` groups word by word), filled
  // into that pattern's translated template.
  const phrases = (window.gwangyangPhrases || []).map(([source, template]) => [new RegExp(source), template]);
  function phrase(text) {
    if (text === null || text === undefined) return "";
    return String(text).split("; ").map(onePart).join("; ");
  }
  const values = (window.gwangyangValues || []).map(([source, template]) => [new RegExp(source, "g"), template]);
  // A name is kept (value_phrases.NAME_GROUPS, NAMED_TERMS, in_name): a name group, a piece inside quotes or one
  // a file's extension follows ("(2 rows).csv").
  const nameGroups = new Set(["cell", "cells", "id", "ids", "policy", "word_cell"]);
  const namedTerms = new Set(["protocol"]);
  function inName(text, start, end) {
    const quotes = (text.slice(0, start).match(/'/g) || []).length;
    return quotes % 2 === 1 || /\.[A-Za-z][A-Za-z0-9]{0,4}\b/.test(text.slice(end));
  }
  function valuesOf(text) {
    let out = String(text);
    for (const [pattern, template] of values) {
      out = out.replace(pattern, (...found) => {
        const groups = found[found.length - 1];
        const whole = found[0], start = found[found.length - 3], string = found[found.length - 2];
        if (inName(string, start, start + whole.length)) return whole;
        return template.replace(/%\((\w+)\)s|%%/g, (all, name) => (name ? String(groups[name]) : "%"));
      });
    }
    return out;
  }
  function onePart(part) {
    if (messages[part]) return messages[part];
    for (const [pattern, template] of phrases) {
      const match = pattern.exec(part);
      if (!match) continue;
      const fields = Object.assign({}, match.groups || {});
      for (const key of Object.keys(fields)) {
        if (nameGroups.has(key) && key.startsWith("word_")) { if (namedTerms.has(fields[key])) fields[key] = t(fields[key]); }
        else if (key === "word" || key.startsWith("word_")) fields[key] = t(fields[key]);
      }
      if ("words" in fields) fields.words = fields.words.split(", ").map((w) => t(w)).join(", ");
      // space-separated weekday names ("Mon Tue", "Saturday or Sunday"), word by word
      for (const key of Object.keys(fields)) if (key === "weekdays" || key.startsWith("weekdays_")) fields[key] = fields[key].split(" ").map((w) => t(w)).join(" ");
      // English inside a value (a file's joined sheets, "1 d 01:00:19"): value_phrases.VALUE_PHRASES
      for (const key of Object.keys(fields)) if (key !== "rest" && !nameGroups.has(key) && fields[key] !== undefined) fields[key] = valuesOf(fields[key]);
      if ("rest" in fields) fields.rest = onePart(fields.rest); // a line after a prefix (phrases.PREFIXES)
      return template.replace(/%\((\w+)\)s|%%/g, (whole, name) => (name ? String(fields[name]) : "%"));
    }
    return part;
  }

  // A number with the locale's grouping; at most `digits` decimals (default 1).
  function num(v, digits) {
    if (v === null || v === undefined || Number.isNaN(Number(v))) return "—";
    return Number(v).toLocaleString(lang, { maximumFractionDigits: digits === undefined ? 1 : digits });
  }

  // A measured value for people, as every table shows one: the locale's grouping and decimal sign, `digits`
  // significant digits (default 4) but every digit of the whole part (71,834, not 7.18e+04), no trailing zeros,
  // never an exponent (values under 1e-3 keep `digits` significant digits after their zeros); "—" for none.
  function sig(v, digits) {
    if (v === null || v === undefined || v === "" || !Number.isFinite(Number(v))) return "—";
    const n = Number(v), a = Math.abs(n), d = digits === undefined ? 4 : digits;
    if (a !== 0 && a < 1e-3) return n.toLocaleString(lang, { maximumSignificantDigits: d });
    const decimals = a === 0 ? 0 : Math.min(20, Math.max(0, d - 1 - Math.floor(Math.log10(a))));
    return n.toLocaleString(lang, { maximumFractionDigits: decimals });
  }

  // Plotly's own texts in the page's language: the mode bar's buttons and the notes it shows (Plotly's msgids, the
  // same in the catalogue), its month and weekday names from the browser's Intl; registered once as a Plotly locale.
  const plotlyTexts = {
    "Autoscale": t("Autoscale"),
    "Box Select": t("Box Select"),
    "Compare data on hover": t("Compare data on hover"),
    "Double-click on legend to isolate one trace": t("Double-click on legend to isolate one trace"),
    "Double-click to zoom back out": t("Double-click to zoom back out"),
    "Download plot": t("Download plot"),
    "Download plot as a PNG": t("Download plot as a PNG"),
    "Download plot as JSON": t("Download plot as JSON"),
    "Image download succeeded": t("Image download succeeded"),
    "JSON download succeeded": t("JSON download succeeded"),
    "Lasso Select": t("Lasso Select"),
    "Pan": t("Pan"),
    "Preparing image - this may take a few seconds": t("Preparing image - this may take a few seconds"),
    "Reset": t("Reset"),
    "Reset axes": t("Reset axes"),
    "Reset view": t("Reset view"),
    "Reset views": t("Reset views"),
    "Show closest data on hover": t("Show closest data on hover"),
    "Sorry, there was a problem downloading your image!": t("Sorry, there was a problem downloading your image!"),
    "Sorry, there was a problem downloading your JSON file!": t("Sorry, there was a problem downloading your JSON file!"),
    "Toggle Spike Lines": t("Toggle Spike Lines"),
    "Toggle show closest data on hover": t("Toggle show closest data on hover"),
    "Zoom": t("Zoom"),
    "Zoom in": t("Zoom in"),
    "Zoom out": t("Zoom out"),
  };
  function plotlyLocale() {
    const month = (style) => [...Array(12).keys()].map((m) => new Intl.DateTimeFormat(lang, { month: style, timeZone: "UTC" }).format(Date.UTC(2024, m, 1)));
    const day = (style) => [...Array(7).keys()].map((d) => new Intl.DateTimeFormat(lang, { weekday: style, timeZone: "UTC" }).format(Date.UTC(2024, 0, 7 + d)));
    const format = { months: month("long"), shortMonths: month("short"), days: day("long"), shortDays: day("short") };
    // Korean dates: English's "%b %-d" would read "1월 14"; the day takes 일 and the year 년 ("2024년 1월 14일"),
    // as Intl writes them; a time's morning and afternoon are 오전 and 오후 (%p)
    if (lang === "ko") {
      Object.assign(format, {
        year: "%Y년", month: "%Y년 %b", dayMonth: "%b %-d일", dayMonthYear: "%Y년 %b %-d일",
        date: "%Y. %-m. %-d.", time: "%p %-I:%M:%S", dateTime: "%Y. %-m. %-d. %p %-I:%M:%S", periods: ["오전", "오후"],
      });
    }
    return { moduleType: "locale", name: lang, dictionary: plotlyTexts, format };
  }
  if (lang !== "en" && window.Plotly) Plotly.register(plotlyLocale());

  function plot(testid, traces, layout) {
    const el = document.querySelector(`[data-testid="${testid}"]`);
    if (!el) return Promise.resolve(null);
    const base = {
      margin: { t: 20, r: 10, l: 55, b: 45 },
      legend: { orientation: "h", y: -0.3 },
      autosize: true,
      font: { size: 12 },
    };
    return Plotly.newPlot(el, traces, Object.assign(base, layout || {}), {
      responsive: true, displaylogo: false, locale: lang,
      showSendToCloud: false, // "Share chart..." uploads to Plotly's cloud: never from a plant's dashboard, and offline here
    })
      .then(() => { el.dataset.plotted = "true"; return el; });
  }

  // FastAPI's 422 detail (a list of {loc, msg}) as one line: "field: message; ...", each message in the page's language.
  function invalid(detail) {
    if (!Array.isArray(detail)) return JSON.stringify(detail);
    return detail.map((d) => {
      const where = (d.loc || []).filter((part) => part !== "body" && part !== "query").join(".");
      return (where ? `${where}: ` : "") + String(d.msg);
    }).join("; ");
  }

  async function api(path, options) {
    let response;
    // no answer at all (the server stopped, the network is down): the browser's own "Failed to fetch" is English
    try { response = await fetch(path, Object.assign({ credentials: "same-origin" }, options || {})); }
    catch (e) { throw new Error(t("The server did not answer. Check that it is running and try again.")); }
    let body = null;
    try { body = await response.json(); } catch (e) { body = null; }
    if (!response.ok) {
      // no JSON detail (a proxy's 502 or 504, a 413 from a reverse proxy, an HTML error page): the browser's
      // statusText is English (and empty over HTTP/2), so the line names the status in the page's language
      if (!(body && body.detail)) throw new Error(t("The server answered HTTP {status} without a message.", { status: response.status }));
      const detail = typeof body.detail === "string" ? body.detail : invalid(body.detail);
      throw new Error(`${response.status}: ${phrase(detail)}`);
    }
    return body;
  }

  // Poll a job until it finishes; onUpdate(record) after each poll. The job id is kept in
  // localStorage under `key`, so a reloaded page picks the job up again.
  async function followJob(key, jobId, onUpdate) {
    localStorage.setItem(key, jobId);
    for (;;) {
      let record;
      try { record = await api(`/api/v1/jobs/${jobId}`); }
      catch (e) { localStorage.removeItem(key); throw e; }
      onUpdate(record);
      if (record.status === "done" || record.status === "failed") { localStorage.removeItem(key); return record; }
      await new Promise((resolve) => setTimeout(resolve, 400));
    }
  }

  return { pageData, plot, api, followJob, t, phrase, num, sig, lang };
})();
