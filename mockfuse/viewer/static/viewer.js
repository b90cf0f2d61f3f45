// The mockfuse trace viewer. Captured data is untrusted: every value reaches the page as a
// text node or an attribute set through the DOM, never as HTML.
"use strict";

const state = {
  tenants: [],
  tenant: undefined, // a tenant id (a public key or a test's window of one), or null for no key
  filter: "", // what the tenant list is narrowed to: part of a test's node id or a key
  tab: "traces",
  data: null,
  closed: new Set(), // traces and observations the user folded
  loading: false,
  reloadWanted: false,
};

// -- small helpers ---------------------------------------------------------------------------

function el(tag, props, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === undefined || value === null) continue;
    if (key === "className") node.className = value;
    else if (key === "title") node.title = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "style") Object.assign(node.style, value);
    else node.setAttribute(key, value);
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function tenantParam(key) {
  return "tenant=" + encodeURIComponent(key === null ? "" : key);
}

function plural(count, noun) {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

// A test's window shows its node id; a key that has windows shows, as its own tenant, what
// its clients sent while no test ran.
function tenantLabel(tenant, windowed) {
  if (tenant.tenant === null) return "(no key)";
  if (tenant.test) return tenant.test;
  return windowed ? "(outside any test)" : tenant.tenant;
}

function time(value) {
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}

function formatDuration(ms) {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return "";
  if (ms < 1000) return Math.round(ms) + " ms";
  if (ms < 60000) return (ms / 1000).toFixed(2) + " s";
  return (ms / 60000).toFixed(1) + " min";
}

function formatCost(value) {
  if (value === null || value === undefined) return null;
  return "$" + Number(value).toPrecision(3);
}

function formatClock(value) {
  const ms = time(value);
  return ms === null ? "" : new Date(ms).toISOString().replace("T", " ").slice(0, 23);
}

function costOf(observation) {
  const details = observation.costDetails || {};
  if (typeof details.total === "number") return details.total;
  if (typeof observation.calculatedTotalCost === "number") return observation.calculatedTotalCost;
  const usage = observation.usage || {};
  return typeof usage.totalCost === "number" ? usage.totalCost : null;
}

function usageOf(observation) {
  const details = observation.usageDetails || {};
  const usage = observation.usage || {};
  const input = details.input ?? usage.input;
  const output = details.output ?? usage.output;
  const total = details.total ?? usage.total;
  if (input === undefined && output === undefined && total === undefined) return null;
  const parts = [];
  if (input !== undefined && input !== null) parts.push("in " + input);
  if (output !== undefined && output !== null) parts.push("out " + output);
  if (total !== undefined && total !== null) parts.push("total " + total);
  return parts.join(" · ");
}

function showDetail(title, item) {
  document.getElementById("detail-title").textContent = title;
  document.getElementById("detail-hint").hidden = true;
  document.getElementById("detail-json").textContent = JSON.stringify(item, null, 2);
}

async function fetchJson(url) {
  const response = await fetch(url, { credentials: "same-origin" });
  if (!response.ok) throw new Error(url + " answered " + response.status);
  return response.json();
}

// -- tenants ---------------------------------------------------------------------------------

function tenantItem(tenant, windowed) {
  return el(
    "li",
    {
      className: tenant.tenant === state.tenant ? "selected" : "",
      "data-tenant": tenant.tenant === null ? "" : tenant.tenant,
      "data-test": tenant.test ?? undefined,
      onclick: () => selectTenant(tenant.tenant),
    },
    el("div", { className: "tenant-key" }, tenantLabel(tenant, windowed)),
    el(
      "div",
      { className: "tenant-counts" },
      [plural(tenant.traces, "trace"), plural(tenant.events, "event"), plural(tenant.requests, "request")].join(" · "),
    ),
  );
}

function matchesFilter(tenant) {
  const filter = state.filter.toLowerCase();
  if (!filter) return true;
  return [tenant.test, tenant.public_key].some((text) => text && text.toLowerCase().includes(filter));
}

// Grouped by public key: a pytest session's tests share one key, each test a tenant of it.
function renderTenants() {
  const groups = new Map();
  for (const tenant of state.tenants) {
    const key = tenant.public_key;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(tenant);
  }
  const items = [];
  for (const [key, tenants] of groups) {
    const windowed = tenants.some((t) => t.test);
    const shown = tenants.filter(matchesFilter);
    if (shown.length === 0) continue;
    if (windowed) {
      const tests = tenants.filter((t) => t.test).length;
      items.push(el("li", { className: "tenant-group" }, `${key} · ${plural(tests, "test")}`));
    }
    items.push(...shown.map((tenant) => tenantItem(tenant, windowed)));
  }
  document.getElementById("tenant-list").replaceChildren(...items);
  document.getElementById("no-tenants").hidden = state.tenants.length > 0;
  document.getElementById("tenant-filter").hidden = state.tenants.length < 10;
}

function setTenants(tenants) {
  state.tenants = tenants;
  if (state.tenant === undefined && tenants.length > 0) {
    state.tenant = tenants[tenants.length - 1].tenant; // the newest
  }
  // A tenant chosen by link stays chosen before its first capture and after a clear.
  if (state.tenant !== undefined && !tenants.some((t) => t.tenant === state.tenant)) {
    const placeholder = { tenant: state.tenant, public_key: state.tenant, test: null };
    state.tenants = [...tenants, { ...placeholder, traces: 0, events: 0, requests: 0 }];
  }
  renderTenants();
}

function selectTenant(key) {
  state.tenant = key;
  state.data = null;
  state.closed.clear();
  writeLocation();
  renderTenants();
  reloadTenant();
}

// -- loading ---------------------------------------------------------------------------------

async function reloadTenant() {
  if (state.loading) {
    state.reloadWanted = true; // one more read after this one, never several at once
    return;
  }
  state.loading = true;
  try {
    do {
      state.reloadWanted = false;
      if (state.tenant === undefined) {
        state.data = null;
      } else {
        state.data = await fetchJson("/_mockfuse/viewer/data?" + tenantParam(state.tenant));
      }
      renderTenant();
      if (state.tab === "snapshot") await loadSnapshot();
    } while (state.reloadWanted);
  } catch (error) {
    document.getElementById("tenant-header").textContent = String(error);
  } finally {
    state.loading = false;
  }
}

// -- one tenant --------------------------------------------------------------------------------

function renderTenant() {
  const header = document.getElementById("tenant-header");
  const data = state.data;
  if (!data) {
    header.replaceChildren();
    for (const id of ["tab-traces", "tab-scores", "tab-requests"]) {
      document.getElementById(id).replaceChildren();
    }
    return;
  }
  const counts = data.counts;
  const evicted = counts.evicted_requests
    ? ` (bounded retention dropped ${counts.evicted_requests} older requests)`
    : "";
  header.replaceChildren(
    el("span", { className: "tenant-key" }, tenantLabel(data, false)),
    data.test ? el("span", { className: "muted" }, `  ${data.public_key}`) : null,
    el(
      "span",
      { className: "muted" },
      `  ${plural(counts.traces, "trace")}, ${plural(counts.events, "event")}, ` +
        `${plural(counts.requests, "request")}${evicted}`,
    ),
  );
  renderTraces(data);
  renderScores(data);
  renderRequests(data);
}

function traceWindow(trace) {
  let start = time(trace.timestamp);
  let end = start;
  for (const observation of trace.observations) {
    const begins = time(observation.startTime);
    const ends = time(observation.endTime) ?? begins;
    if (begins !== null && (start === null || begins < start)) start = begins;
    if (ends !== null && (end === null || ends > end)) end = ends;
  }
  return { start, end };
}

function childrenByParent(observations) {
  const ids = new Set(observations.map((o) => o.id));
  const children = new Map();
  for (const observation of observations) {
    // An observation whose parent never arrived is shown at the top, not lost.
    const parent = ids.has(observation.parentObservationId) ? observation.parentObservationId : null;
    if (!children.has(parent)) children.set(parent, []);
    children.get(parent).push(observation);
  }
  for (const list of children.values()) {
    list.sort((a, b) => (time(a.startTime) ?? 0) - (time(b.startTime) ?? 0));
  }
  return children;
}

function scoreChip(score) {
  const value = score.stringValue ?? score.value;
  return el(
    "span",
    {
      className: "score",
      title: score.comment ?? undefined,
      onclick: (event) => {
        event.stopPropagation();
        showDetail("Score " + (score.name ?? ""), score);
      },
    },
    `${score.name}: ${value}`,
  );
}

function observationRows(observation, depth, children, window, scores) {
  const begins = time(observation.startTime);
  const ends = time(observation.endTime);
  const span = Math.max(window.end - window.start, 1);
  const left = begins === null ? 0 : ((begins - window.start) / span) * 100;
  const width = begins === null || ends === null ? 0 : ((ends - begins) / span) * 100;
  const level = observation.level || "DEFAULT";
  const kids = children.get(observation.id) || [];
  const folded = state.closed.has(observation.id);
  const facts = [
    observation.model,
    usageOf(observation),
    formatCost(costOf(observation)),
    level !== "DEFAULT" ? level : null,
  ].filter(Boolean);
  const toggle = el(
    "span",
    {
      className: "obs-toggle",
      onclick: (event) => {
        event.stopPropagation();
        if (folded) state.closed.delete(observation.id);
        else state.closed.add(observation.id);
        renderTraces(state.data);
      },
    },
    kids.length ? (folded ? "▸" : "▾") : "",
  );
  const row = el(
    "div",
    {
      className: "obs-row level-" + level + (level === "ERROR" ? " error" : "") +
        (level === "WARNING" ? " warning" : ""),
      "data-observation-id": observation.id,
      onclick: () => showDetail(observation.type + " " + (observation.name ?? ""), observation),
    },
    el(
      "div",
      { className: "obs-label", style: { paddingLeft: depth * 16 + "px" } },
      toggle,
      el("span", { className: "badge type-" + observation.type }, observation.type),
      el("span", { className: "obs-name" }, observation.name ?? "(unnamed)"),
    ),
    el(
      "div",
      { className: "timeline" },
      el("div", {
        className: "bar",
        style: { left: left.toFixed(2) + "%", width: width.toFixed(2) + "%" },
      }),
    ),
    el("span", { className: "duration" }, ends !== null && begins !== null ? formatDuration(ends - begins) : ""),
    el("span", { className: "obs-facts", title: facts.join(" · ") }, facts.join(" · ")),
  );
  const rows = [row];
  if (observation.statusMessage && level !== "DEFAULT") {
    rows.push(
      el(
        "div",
        { className: "status-message", style: { paddingLeft: depth * 16 + 20 + "px" } },
        observation.statusMessage,
      ),
    );
  }
  const own = scores.filter((s) => s.observationId === observation.id);
  if (own.length) {
    rows.push(el("div", { className: "scores", style: { paddingLeft: depth * 16 + 20 + "px" } }, own.map(scoreChip)));
  }
  if (!folded) {
    for (const kid of kids) rows.push(...observationRows(kid, depth + 1, children, window, scores));
  }
  return rows;
}

function renderTrace(trace) {
  const window = traceWindow(trace);
  const children = childrenByParent(trace.observations);
  const errors = trace.observations.filter((o) => o.level === "ERROR").length;
  const cost = trace.observations.map(costOf).filter((c) => c !== null);
  const totalCost = cost.length ? cost.reduce((a, b) => a + b, 0) : null;
  const details = el(
    "details",
    { className: "trace" + (errors ? " has-error" : ""), "data-trace-id": trace.id },
    el(
      "summary",
      {},
      el("span", { className: "trace-name" }, trace.name ?? "(unnamed trace)"),
      el("span", { className: "id" }, trace.id),
      el("span", { className: "muted" }, formatClock(trace.timestamp)),
      el("span", { className: "duration" }, formatDuration(window.end - window.start)),
      el("span", { className: "badge" }, plural(trace.observations.length, "observation")),
      totalCost !== null ? el("span", { className: "badge" }, formatCost(totalCost)) : null,
      errors ? el("span", { className: "badge error" }, errors + (errors === 1 ? " error" : " errors")) : null,
      trace.userId ? el("span", { className: "badge" }, "user " + trace.userId) : null,
      trace.sessionId ? el("span", { className: "badge" }, "session " + trace.sessionId) : null,
      (trace.tags || []).map((tag) => el("span", { className: "badge" }, "#" + tag)),
      el(
        "button",
        {
          type: "button",
          onclick: (event) => {
            event.preventDefault();
            const { observations, scores, ...fields } = trace;
            showDetail("Trace " + (trace.name ?? trace.id), fields);
          },
        },
        "JSON",
      ),
    ),
  );
  details.open = !state.closed.has(trace.id);
  details.addEventListener("toggle", () => {
    if (details.open) state.closed.delete(trace.id);
    else state.closed.add(trace.id);
  });
  const body = el("div", { className: "trace-body" });
  for (const root of children.get(null) || []) {
    body.append(...observationRows(root, 0, children, window, trace.scores));
  }
  const traceScores = trace.scores.filter((s) => !s.observationId);
  if (traceScores.length) body.append(el("div", { className: "scores" }, traceScores.map(scoreChip)));
  if (!trace.observations.length && !traceScores.length) {
    body.append(el("p", { className: "muted" }, "No observations."));
  }
  details.append(body);
  return details;
}

function renderTraces(data) {
  const section = document.getElementById("tab-traces");
  const items = data.traces.map(renderTrace);
  if (!items.length) items.push(el("p", { className: "empty" }, "No traces yet."));
  if (data.counts.traces > data.traces.length) {
    items.push(el("p", { className: "more" }, `Showing the newest ${data.traces.length} of ${data.counts.traces} traces.`));
  }
  section.replaceChildren(...items);
}

function renderScores(data) {
  const scores = data.traces.flatMap((trace) => trace.scores.map((score) => ({ trace, score })));
  const section = document.getElementById("tab-scores");
  if (!scores.length) {
    section.replaceChildren(el("p", { className: "empty" }, "No scores yet."));
    return;
  }
  section.replaceChildren(
    el(
      "table",
      {},
      el("thead", {}, el("tr", {}, ["Name", "Value", "Type", "Trace", "Observation", "Comment"].map((h) => el("th", {}, h)))),
      el(
        "tbody",
        {},
        scores.map(({ trace, score }) =>
          el(
            "tr",
            { className: "clickable", onclick: () => showDetail("Score " + (score.name ?? ""), score) },
            el("td", {}, score.name),
            el("td", { className: "mono" }, String(score.stringValue ?? score.value)),
            el("td", {}, score.dataType ?? ""),
            el("td", {}, trace.name ?? trace.id),
            el("td", { className: "mono" }, score.observationId ?? ""),
            el("td", {}, score.comment ?? ""),
          ),
        ),
      ),
    ),
  );
}

function statusClass(request) {
  if (request.status >= 400) return "status-bad";
  if (request.status === 207) return "status-partial";
  return "status-ok";
}

function renderRequests(data) {
  const section = document.getElementById("tab-requests");
  if (!data.requests.length) {
    section.replaceChildren(el("p", { className: "empty" }, "No requests yet."));
    return;
  }
  section.replaceChildren(
    el(
      "table",
      {},
      el("thead", {}, el("tr", {}, ["#", "Received", "Method", "Route", "Status", "Size", "Fault / note"].map((h) => el("th", {}, h)))),
      el(
        "tbody",
        {},
        data.requests.map((request) =>
          el(
            "tr",
            {
              className: "clickable",
              "data-seq": request.seq,
              onclick: async () => {
                showDetail(`Request #${request.seq}`, await fetchJson("/_mockfuse/requests/" + request.seq));
              },
            },
            el("td", { className: "mono" }, request.seq),
            el("td", { className: "mono" }, formatClock(new Date(request.received_at * 1000).toISOString())),
            el("td", {}, request.method),
            el("td", { className: "mono" }, request.path),
            el("td", { className: statusClass(request) }, request.status),
            el("td", { className: "mono" }, request.size + " B"),
            el("td", {}, request.note ?? ""),
          ),
        ),
      ),
    ),
  );
}

// -- snapshot ----------------------------------------------------------------------------------

function snapshotUrl() {
  const view = document.getElementById("snapshot-view").value;
  return "/_mockfuse/snapshot?" + tenantParam(state.tenant) + "&view=" + encodeURIComponent(view);
}

async function loadSnapshot() {
  const text = document.getElementById("snapshot-text");
  const note = document.getElementById("snapshot-note");
  const download = document.getElementById("snapshot-download");
  if (state.tenant === undefined || state.tenant === null) {
    text.textContent = "";
    note.textContent = "Snapshots are per public key.";
    download.removeAttribute("href");
    return;
  }
  download.href = snapshotUrl() + "&download=1";
  const response = await fetch(snapshotUrl(), { credentials: "same-origin" });
  text.textContent = await response.text();
  note.textContent = "What a snapshot file of this tenant's captures holds now.";
}

// -- tabs and location -------------------------------------------------------------------------

function showTab(tab) {
  state.tab = tab;
  for (const button of document.querySelectorAll(".tabs button")) {
    button.setAttribute("aria-selected", String(button.dataset.tab === tab));
  }
  for (const section of document.querySelectorAll("section.tab")) {
    section.classList.toggle("active", section.dataset.tab === tab);
  }
  writeLocation();
  if (tab === "snapshot") loadSnapshot();
}

function writeLocation() {
  const params = new URLSearchParams();
  if (state.tenant !== undefined) params.set("tenant", state.tenant === null ? "" : state.tenant);
  params.set("tab", state.tab);
  history.replaceState(null, "", "#" + params.toString());
}

function readLocation() {
  const params = new URLSearchParams(location.hash.slice(1));
  if (params.has("tenant")) state.tenant = params.get("tenant") || null;
  if (params.has("tab")) state.tab = params.get("tab");
}

// -- live updates ------------------------------------------------------------------------------

function setLive(stateName, text) {
  const live = document.getElementById("live");
  live.dataset.state = stateName;
  live.textContent = text;
}

function countsOf(tenants, key) {
  const tenant = tenants.find((t) => t.tenant === key);
  return tenant ? `${tenant.requests}/${tenant.events}/${tenant.traces}` : "";
}

function onChange(change) {
  const before = state.tenant;
  const seen = countsOf(state.tenants, state.tenant);
  setTenants(change.tenants);
  if (state.tenant !== before) writeLocation();
  // Another tenant's captures change nothing on this page but the list.
  if (state.tenant !== before || state.data === null || countsOf(state.tenants, state.tenant) !== seen) {
    reloadTenant();
  }
}

function listen() {
  if (typeof EventSource === "undefined") {
    poll();
    return;
  }
  const source = new EventSource("/_mockfuse/live");
  source.addEventListener("open", () => setLive("live", "live"));
  source.addEventListener("change", (event) => {
    setLive("live", "live");
    onChange(JSON.parse(event.data));
  });
  source.addEventListener("error", () => setLive("connecting", "reconnecting"));
}

async function poll() {
  setLive("polling", "polling");
  for (;;) {
    try {
      const tenants = await fetchJson("/_mockfuse/tenants");
      onChange({ tenants: tenants.data });
    } catch (error) {
      setLive("connecting", "server unreachable");
    }
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}

function start() {
  readLocation();
  for (const button of document.querySelectorAll(".tabs button")) {
    button.addEventListener("click", () => showTab(button.dataset.tab));
  }
  document.getElementById("snapshot-view").addEventListener("change", loadSnapshot);
  document.getElementById("snapshot-copy").addEventListener("click", async () => {
    const text = document.getElementById("snapshot-text").textContent;
    const note = document.getElementById("snapshot-note");
    try {
      await navigator.clipboard.writeText(text);
      note.textContent = "Copied.";
    } catch (error) {
      note.textContent = "The browser refused the clipboard; use Download.";
    }
  });
  document.getElementById("detail-close").addEventListener("click", () => {
    document.getElementById("detail-title").textContent = "Details";
    document.getElementById("detail-json").textContent = "";
    document.getElementById("detail-hint").hidden = false;
  });
  document.getElementById("tenant-filter").addEventListener("input", (event) => {
    state.filter = event.target.value;
    renderTenants();
  });
  showTab(state.tab);
  listen();
}

document.addEventListener("DOMContentLoaded", start);
