// photonics-kg query page: a small hand-written editor and result viewer (no external assets).
"use strict";
const PREFIXES = {
  phot: "https://w3id.org/photonics-kg/ontology#", dom: "https://w3id.org/photonics-kg/id/domain/",
  naf: "https://w3id.org/photonics-kg/id/naf/", id: "https://w3id.org/photonics-kg/id/",
  org: "http://www.w3.org/ns/org#", schema: "https://schema.org/", skos: "http://www.w3.org/2004/02/skos/core#",
  prov: "http://www.w3.org/ns/prov#", dcterms: "http://purl.org/dc/terms/", oa: "http://www.w3.org/ns/oa#",
  foaf: "http://xmlns.com/foaf/0.1/", owl: "http://www.w3.org/2002/07/owl#",
  rdf: "http://www.w3.org/1999/02/22-rdf-syntax-ns#", rdfs: "http://www.w3.org/2000/01/rdf-schema#",
  xsd: "http://www.w3.org/2001/XMLSchema#",
};
const $ = (id) => document.getElementById(id);
const editor = $("query"), highlight = $("highlight");
let library = [], current = null;   // current: the named query loaded, while its text is unchanged

function escapeHtml(s) {
  return s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]));
}

// -- syntax highlighting: a coloured <pre> under a transparent <textarea> -------------------------
const KEYWORDS = /^(SELECT|CONSTRUCT|DESCRIBE|ASK|WHERE|FROM|NAMED|PREFIX|BASE|OPTIONAL|FILTER|UNION|MINUS|GRAPH|SERVICE|SILENT|BIND|AS|VALUES|GROUP|BY|ORDER|HAVING|LIMIT|OFFSET|DISTINCT|REDUCED|ASC|DESC|NOT|EXISTS|IN|COUNT|SUM|MIN|MAX|AVG|SAMPLE|GROUP_CONCAT|SEPARATOR|STR|LANG|LANGMATCHES|DATATYPE|BOUND|IF|COALESCE|REGEX|CONTAINS|STRSTARTS|STRENDS|LCASE|UCASE|CONCAT|STRLEN|SUBSTR|STRAFTER|STRBEFORE|true|false|a|UNDEF)$/i;
const TOKEN = /(#[^\n]*)|("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')|(<[^\s<>"{}|^`]*>)|([?$][\w]+)|([A-Za-z][\w.-]*:[\w.\-%/]*|:[\w.\-%/]+)|([A-Za-z_]+)/g;
function paint() {
  const text = editor.value;
  let out = "", last = 0;
  text.replace(TOKEN, (m, com, str, iri, v, pn, word, offset) => {
    out += escapeHtml(text.slice(last, offset));
    const cls = com ? "com" : str ? "str" : iri ? "iri" : v ? "var" : pn ? "pn" : KEYWORDS.test(word) ? "kw" : null;
    out += cls ? `<span class="tok-${cls}">${escapeHtml(m)}</span>` : escapeHtml(m);
    last = offset + m.length;
    return m;
  });
  highlight.innerHTML = out + escapeHtml(text.slice(last)) + "\n";
  highlight.scrollTop = editor.scrollTop; highlight.scrollLeft = editor.scrollLeft;
}
editor.addEventListener("input", () => { if (current && editor.value !== current.text) { current = null; $("params").innerHTML = ""; $("query-info").textContent = "Your own query."; } paint(); });
editor.addEventListener("scroll", () => { highlight.scrollTop = editor.scrollTop; highlight.scrollLeft = editor.scrollLeft; });
editor.addEventListener("keydown", (e) => {
  if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); run(); }
  else if (e.key === "Tab") { e.preventDefault(); document.execCommand("insertText", false, "  "); }
});

// -- the library of named queries -------------------------------------------------------------------
function showLibrary() {
  const needle = $("filter").value.toLowerCase();
  const ul = $("library");
  ul.innerHTML = "";
  for (const q of library) {
    if (needle && !(q.name + " " + q.summary).toLowerCase().includes(needle)) continue;
    const li = document.createElement("li");
    li.innerHTML = `<b>${escapeHtml(q.name)}</b><small>${escapeHtml(q.summary)}</small>`;
    li.title = q.form + (q.params.length ? " — parameters: " + q.params.map((p) => p.name).join(", ") : "");
    li.onclick = () => { load(q); for (const x of ul.children) x.classList.remove("active"); li.classList.add("active"); };
    ul.appendChild(li);
  }
}
function load(q) {
  current = q;
  editor.value = q.text; paint();
  $("query-info").innerHTML = `<b>${escapeHtml(q.name)}</b>: ${escapeHtml(q.summary)}`;
  const form = $("params");
  form.innerHTML = "";
  for (const p of q.params) {
    const label = document.createElement("label");
    label.innerHTML = `${escapeHtml(p.name)} (${escapeHtml(p.type)})`;
    const input = document.createElement("input");
    input.name = p.name; input.placeholder = p.default || "(any)"; input.title = p.doc;
    input.addEventListener("keydown", (e) => { if (e.key === "Enter") { e.preventDefault(); run(); } });
    label.appendChild(input); form.appendChild(label);
  }
}
$("filter").addEventListener("input", showLibrary);
// shareable links: /?name=NAME&param=value runs a named query, /?query=TEXT runs a query
function fromLocation() {
  const args = new URLSearchParams(location.search);
  if (args.get("name")) {
    const q = library.find((x) => x.name === args.get("name"));
    if (!q) return;
    load(q);
    for (const input of $("params").querySelectorAll("input")) if (args.get(input.name)) input.value = args.get(input.name);
    run();
  } else if (args.get("query")) {
    editor.value = args.get("query"); paint(); run();
  }
}
fetch("/queries.json").then((r) => r.json()).then((data) => { library = data; showLibrary(); fromLocation(); })
  .catch(() => { $("library").innerHTML = '<li class="muted">could not load the library</li>'; });
$("endpoint-url").textContent = location.origin + "/sparql";

// -- running and showing results --------------------------------------------------------------------
function requestFor(format) {
  // a named query with parameters runs server-side (parameters bound safely); anything else via /sparql
  if (current) {
    const params = new URLSearchParams();
    for (const input of $("params").querySelectorAll("input")) if (input.value.trim()) params.set(input.name, input.value.trim());
    if (format) params.set("format", format);
    return { url: `/queries/${encodeURIComponent(current.name)}?${params}`, init: {} };
  }
  const body = new URLSearchParams({ query: editor.value });
  if (format) body.set("format", format);
  return { url: "/sparql", init: { method: "POST", body } };
}
function compact(iri) {
  let best = null;
  for (const [p, ns] of Object.entries(PREFIXES)) if (iri.startsWith(ns) && (!best || ns.length > PREFIXES[best].length)) best = p;
  return best ? `${best}:${iri.slice(PREFIXES[best].length)}` : iri;
}
function cell(term) {
  if (!term) return "";
  if (term.type === "uri") return `<a href="#" data-iri="${escapeHtml(term.value)}" title="${escapeHtml(term.value)}">${escapeHtml(compact(term.value))}</a>`;
  if (term.type === "bnode") return `_:${escapeHtml(term.value)}`;
  let extra = "";
  if (term["xml:lang"]) extra = ` <span class="lang">@${escapeHtml(term["xml:lang"])}</span>`;
  else if (term.datatype && !/#(integer|decimal|boolean|date|gYear)$/.test(term.datatype)) extra = ` <span class="dt">${escapeHtml(compact(term.datatype))}</span>`;
  return escapeHtml(term.value) + extra;
}
async function run() {
  const button = $("run"), status = $("status"), results = $("results");
  button.disabled = true; status.textContent = "running…";
  const started = performance.now();
  try {
    const { url, init } = requestFor(null);
    init.headers = { Accept: "application/sparql-results+json, text/turtle;q=0.9" };
    const response = await fetch(url, init);
    const text = await response.text();
    const seconds = ((performance.now() - started) / 1000).toFixed(2);
    if (!response.ok) { results.innerHTML = `<p class="error">${response.status}: ${escapeHtml(text)}</p>`; status.textContent = ""; return; }
    const type = response.headers.get("Content-Type") || "";
    if (!type.includes("json")) { results.innerHTML = `<pre class="graph">${escapeHtml(text)}</pre>`; status.textContent = `graph in ${seconds} s`; return; }
    const data = JSON.parse(text);
    if ("boolean" in data) { results.innerHTML = `<p><b>${data.boolean}</b></p>`; status.textContent = `${seconds} s`; return; }
    const vars = data.head.vars, rows = data.results.bindings;
    let out = "<table><thead><tr>" + vars.map((v) => `<th>${escapeHtml(v)}</th>`).join("") + "</tr></thead><tbody>";
    for (const row of rows) out += "<tr>" + vars.map((v) => `<td>${cell(row[v])}</td>`).join("") + "</tr>";
    results.innerHTML = out + "</tbody></table>";
    status.textContent = `${rows.length} row${rows.length === 1 ? "" : "s"} in ${seconds} s`;
  } catch (e) {
    results.innerHTML = `<p class="error">${escapeHtml(String(e))}</p>`; status.textContent = "";
  } finally { button.disabled = false; }
}
$("run").addEventListener("click", run);
$("results").addEventListener("click", (e) => {
  const iri = e.target.dataset && e.target.dataset.iri;
  if (!iri) return;
  e.preventDefault();
  current = null; $("params").innerHTML = "";
  editor.value = `# everything the graph says about ${compact(iri)}\nSELECT ?p ?o WHERE {\n  <${iri}> ?p ?o .\n}\nORDER BY ?p ?o`;
  $("query-info").textContent = "Your own query."; paint(); run();
});
$("download").addEventListener("click", (e) => {
  e.preventDefault();
  const { url, init } = requestFor($("download-format").value);
  if (init.method === "POST") {
    const form = document.createElement("form");
    form.method = "POST"; form.action = url; form.target = "_blank";
    for (const [k, v] of init.body) { const i = document.createElement("input"); i.type = "hidden"; i.name = k; i.value = v; form.appendChild(i); }
    document.body.appendChild(form); form.submit(); form.remove();
  } else { window.open(url, "_blank"); }
});
paint();
