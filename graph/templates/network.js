// The interactive part of a photonics-kg network page: filters, search, details, legend and the
// physics switch. The state lives in window.photonicsKg so tests and users' consoles can read it.
(function () {
  "use strict";
  var startMs = performance.now();

  var data = JSON.parse(document.getElementById("pkg-data").textContent);
  var options = JSON.parse(document.getElementById("pkg-options").textContent);
  var meta = data.meta;
  var docs = data.docs;
  var aggregated = meta.view === "aggregated";
  var MAX_SOURCES = 8;

  function fold(text) {
    return String(text || "").normalize("NFKD").replace(/[\u0300-\u036f]/g, "")
      .toLowerCase().replace(/\s+/g, " ").trim();
  }
  function typeLabel(t) { return (data.types[t] || data.types.Other).label; }
  function relLabel(r) { return (data.relations[r] || data.relations.other).label; }
  function list(values) { return values && values.length ? values.join(", ") : "—"; }
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    if (attrs) { Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); }); }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }
  function periodText(periods) {
    if (!periods || !periods.length) { return ""; }
    return periods.map(function (p) {
      if (p[0] != null && p[1] != null) { return p[0] + "–" + p[1]; }
      if (p[0] != null) { return "since " + p[0]; }
      return "until " + p[1];
    }).join(", ");
  }
  function sourceTitles(src) {
    var titles = (src || []).map(function (i) { return docs[i].title; });
    if (titles.length > MAX_SOURCES) {
      var more = titles.length - MAX_SOURCES;
      titles = titles.slice(0, MAX_SOURCES).concat(["+" + more + " more"]);
    }
    return titles.join("; ");
  }

  // -- tooltips (plain text: vis-network shows strings with innerText, so data cannot inject HTML)
  function nodeTitle(n) {
    if (aggregated) {
      var types = Object.keys(n.types).map(function (t) { return typeLabel(t) + " " + n.types[t]; });
      return [n.id + ": " + n.members + " organisation" + (n.members > 1 ? "s" : ""),
        types.join(", "), n.internal + " ties inside the group",
        "Most central: " + n.top.slice(0, 5).join(", ")].join("\n");
    }
    var lines = [n.label, typeLabel(n.type) + (n.regions.length ? " · " + n.regions.join(", ") : "")];
    if (n.domains.length) { lines.push("Domains: " + n.domains.join(", ")); }
    if (n.clusters.length) { lines.push("Clusters: " + n.clusters.join(", ")); }
    var ids = Object.keys(n.ids).map(function (k) { return k + " " + n.ids[k]; });
    if (ids.length) { lines.push("Identifiers: " + ids.join(", ")); }
    if (n.src.length) { lines.push("Sources: " + sourceTitles(n.src)); }
    return lines.join("\n");
  }
  var labelOf = {};
  data.nodes.forEach(function (n) { labelOf[n.id] = n.label; });
  function edgeTitle(e) {
    if (aggregated) {
      var rels = Object.keys(e.relations).map(function (r) { return relLabel(r) + " " + e.relations[r]; });
      return e.from + " — " + e.to + ": " + e.weight + " tie" + (e.weight > 1 ? "s" : "") + "\n" + rels.join(", ");
    }
    var lines = [labelOf[e.from] + " → " + relLabel(e.rel) + " → " + labelOf[e.to]];
    var when = periodText(e.periods);
    if (when) { lines.push(when); }
    if (e.src.length) { lines.push("Sources: " + sourceTitles(e.src)); }
    return lines.join("\n");
  }

  data.nodes.forEach(function (n) { n.title = nodeTitle(n); });
  data.edges.forEach(function (e) { e.title = edgeTitle(e); });

  // -- the network, seen through views that the filters refresh
  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var state = { type: "", domain: "", region: "", cluster: "", year: "" };
  var visible = new Set(nodes.getIds());
  var focusId = meta.focus;

  function yearOf(value) { return value === "" || value == null ? null : Number(value); }
  function nodeMatches(n) {
    if (n.id === focusId) { return true; }
    if (aggregated) { return true; }
    if (state.type && n.type !== state.type) { return false; }
    if (state.domain && n.domains.indexOf(state.domain) < 0) { return false; }
    if (state.region) {
      if (state.region === meta.noRegion ? n.regions.length > 0 : n.regions.indexOf(state.region) < 0) { return false; }
    }
    if (state.cluster && n.clusters.indexOf(state.cluster) < 0 &&
        !(n.type === "Cluster" && n.label === state.cluster)) { return false; }
    var y = yearOf(state.year);
    if (y !== null && ((n.founded != null && n.founded > y) || (n.dissolved != null && y >= n.dissolved))) { return false; }
    return true;
  }
  function edgeHolds(e) {
    var y = yearOf(state.year);
    if (y === null || aggregated || !e.periods || !e.periods.length) { return true; }
    return e.periods.some(function (p) { return (p[0] == null || p[0] <= y) && (p[1] == null || y <= p[1]); });
  }
  var nodeView = new vis.DataView(nodes, { filter: function (n) { return visible.has(n.id); } });
  var edgeView = new vis.DataView(edges, {
    filter: function (e) { return visible.has(e.from) && visible.has(e.to) && edgeHolds(e); }
  });

  var container = document.getElementById("network");
  var network = new vis.Network(container, { nodes: nodeView, edges: edgeView }, options);

  var pkg = window.photonicsKg = {
    network: network, nodes: nodes, edges: edges, nodeView: nodeView, edgeView: edgeView, meta: meta,
    state: state, settled: false, settleMs: null, startMs: startMs, iterations: 0, deadlineHit: false, precomputed: false,
    counts: counts, setFilter: setFilter, reset: reset, search: search, applyFilters: applyFilters,
    showDetails: showDetails
  };

  // -- physics: lay out, then stop so the picture holds still
  var loading = document.getElementById("loading");
  var layoutStart = performance.now();
  pkg.constructedMs = layoutStart;
  network.on("stabilizationProgress", function (p) {
    pkg.iterations = p.iterations;
    // a time budget, not only an iteration count: a slow or busy machine still gets a still
    // picture in seconds (stopSimulation ends the stabilisation, which fires the event below)
    var now = performance.now();
    if (meta.settleDeadlineMs && now > meta.settleDeadlineMs && now - layoutStart > 1000 && p.iterations < p.total) {
      pkg.deadlineHit = true;
      network.stopSimulation();
    }
    var pct = Math.round(100 * p.iterations / p.total);
    document.getElementById("progress").textContent = pct + "%";
    document.getElementById("bar").style.width = pct + "%";
  });
  function settle() {
    if (pkg.settled) { return; }
    network.setOptions({ physics: { enabled: false } });
    keepPositions();
    pkg.settled = true;
    pkg.settleMs = performance.now();
    loading.classList.add("done");
    if (focusId && visible.has(focusId)) { network.selectNodes([focusId]); showDetails(focusId); }
    document.dispatchEvent(new CustomEvent("photonics-kg:settled", { detail: { ms: pkg.settleMs } }));
  }
  if (options.physics && options.physics.enabled === false) {
    // the layout was computed when the page was written: settled once it is drawn
    pkg.precomputed = true;
    network.once("afterDrawing", function () { network.fit(); settle(); });
  } else {
    network.once("stabilizationIterationsDone", settle);
  }

  // -- counts shown under the title (and read by the tests)
  function counts() {
    return {
      nodes: nodes.length, edges: edges.length,
      visibleNodes: nodeView.length, visibleEdges: edgeView.length,
      drawnNodes: network.body.nodeIndices.length, drawnEdges: network.body.edgeIndices.length
    };
  }
  function updateStats() {
    var c = counts();
    var what = aggregated ? "groups" : "nodes";
    var text = c.visibleNodes === c.nodes
      ? c.nodes + " " + what + ", " + c.edges + " " + (aggregated ? "links between groups" : "ties")
      : "Showing " + c.visibleNodes + " of " + c.nodes + " " + what + ", " + c.visibleEdges + " of " + c.edges + " ties";
    document.getElementById("stats").textContent = text + ".";
  }

  // -- filters
  function fillSelect(select, values, anyLabel, labeller) {
    select.appendChild(el("option", { value: "" }, anyLabel));
    values.forEach(function (v) { select.appendChild(el("option", { value: String(v) }, labeller ? labeller(v) : v)); });
  }
  var typeCounts = {};
  data.nodes.forEach(function (n) { typeCounts[n.type] = (typeCounts[n.type] || 0) + 1; });
  fillSelect(document.getElementById("f-type"), meta.filters.type, "all types",
    function (t) { return typeLabel(t) + " (" + (typeCounts[t] || 0) + ")"; });
  fillSelect(document.getElementById("f-domain"), meta.filters.domain, "all domains");
  var regionValues = meta.filters.region.slice();
  if (data.nodes.some(function (n) { return n.regions && !n.regions.length; })) { regionValues.push(meta.noRegion); }
  fillSelect(document.getElementById("f-region"), regionValues, "all régions");
  fillSelect(document.getElementById("f-cluster"), meta.filters.cluster, "all clusters");
  fillSelect(document.getElementById("f-year"), meta.filters.year.slice().reverse(), "any year");
  if (aggregated) {
    document.getElementById("filters").setAttribute("disabled", "disabled");
    document.getElementById("filters").title = "Filters work on organisations; this view shows groups.";
  }

  // network.storePositions() fails on nodes a filter has hidden: store only the drawn ones, so a
  // node the filters bring back returns where it was
  function keepPositions() {
    var pos = network.getPositions();
    nodes.update(Object.keys(pos).map(function (id) { return { id: id, x: pos[id].x, y: pos[id].y }; }));
  }
  function applyFilters() {
    if (pkg.settled) { keepPositions(); }
    var next = new Set();
    nodes.forEach(function (n) { if (nodeMatches(n)) { next.add(n.id); } });
    visible = next;
    nodeView.refresh();
    edgeView.refresh();
    updateStats();
    if (pkg.settled && nodeView.length) { network.fit({ animation: { duration: 300 } }); }
    return counts();
  }
  function setFilter(name, value) {
    if (!(name in state)) { throw new Error("unknown filter " + name); }
    state[name] = value == null ? "" : String(value);
    var select = document.querySelector('select[data-filter="' + name + '"]');
    if (select) { select.value = state[name]; }
    return applyFilters();
  }
  function reset() {
    Object.keys(state).forEach(function (k) { state[k] = ""; });
    document.querySelectorAll("#filters select").forEach(function (s) { s.value = ""; });
    return applyFilters();
  }
  document.querySelectorAll("#filters select").forEach(function (select) {
    select.addEventListener("change", function () { setFilter(select.dataset.filter, select.value); });
  });
  document.getElementById("reset").addEventListener("click", reset);

  // -- search
  var names = document.getElementById("names");
  var seen = {};
  data.nodes.forEach(function (n) {
    [n.label].concat(aggregated ? [] : n.aliases).forEach(function (name) {
      if (!seen[name]) { seen[name] = true; names.appendChild(el("option", { value: name })); }
    });
  });
  function search(text) {
    var q = fold(text);
    var result = document.getElementById("search-result");
    result.className = "";
    if (!q) { result.textContent = ""; return null; }
    var best = null, bestScore = 0, matches = 0;
    nodes.forEach(function (n) {
      var keys = [n.label].concat(n.aliases || []).map(fold);
      var score = 0;
      keys.forEach(function (k) {
        score = Math.max(score, k === q ? 3 : (k.indexOf(q) === 0 ? 2 : (k.indexOf(q) >= 0 ? 1 : 0)));
      });
      if (score > 0) {
        matches += 1;
        if (score > bestScore || (score === bestScore && (n.value || 0) > (best.value || 0))) { best = n; bestScore = score; }
      }
    });
    if (!best) {
      result.className = "miss";
      result.textContent = "No node matches “" + text + "”.";
      return null;
    }
    if (!visible.has(best.id)) {
      result.className = "miss";
      result.textContent = best.label + " is hidden by the filters: “Show everything” to see it.";
      showDetails(best.id);
      return best.id;
    }
    result.textContent = matches > 1 ? matches + " matches; showing " + best.label + "." : "Found " + best.label + ".";
    network.selectNodes([best.id]);
    network.focus(best.id, { scale: 1.3, animation: { duration: 400 } });
    showDetails(best.id);
    return best.id;
  }
  var searchBox = document.getElementById("search");
  searchBox.addEventListener("keydown", function (ev) { if (ev.key === "Enter") { search(searchBox.value); } });
  searchBox.addEventListener("change", function () { search(searchBox.value); });
  document.getElementById("search-go").addEventListener("click", function () { search(searchBox.value); });

  // -- details panel
  var adjacency = {};
  edges.forEach(function (e) {
    (adjacency[e.from] = adjacency[e.from] || []).push(e.id);
    (adjacency[e.to] = adjacency[e.to] || []).push(e.id);
  });
  function addRow(dl, term, value) {
    if (value === undefined || value === null || value === "" || (value.length === 0)) { return; }
    dl.appendChild(el("dt", null, term));
    var dd = el("dd");
    if (value instanceof Element) { dd.appendChild(value); } else { dd.textContent = String(value); }
    dl.appendChild(dd);
  }
  function sourceList(src) {
    var ul = el("ul");
    (src || []).forEach(function (i) {
      var d = docs[i], li = el("li");
      if (d.url) {
        li.appendChild(el("a", { href: d.url, target: "_blank", rel: "noopener noreferrer" }, d.title));
      } else { li.textContent = d.title; }
      ul.appendChild(li);
    });
    return ul;
  }
  function jumpLink(id) {
    var b = el("button", { type: "button", "class": "link" }, labelOf[id] || id);
    b.addEventListener("click", function () {
      if (visible.has(id)) { network.selectNodes([id]); network.focus(id, { scale: 1.2, animation: { duration: 300 } }); }
      showDetails(id);
    });
    return b;
  }
  function showDetails(id) {
    var n = nodes.get(id);
    var box = document.getElementById("details");
    box.textContent = "";
    box.appendChild(el("h2", null, "Details"));
    if (!n) { return; }
    box.appendChild(el("h3", null, aggregated ? n.id : n.label));
    var dl = el("dl");
    if (aggregated) {
      addRow(dl, "Organisations", n.members);
      addRow(dl, "By type", Object.keys(n.types).map(function (t) { return typeLabel(t) + " " + n.types[t]; }).join(", "));
      addRow(dl, "Ties inside", n.internal);
      addRow(dl, "Most central", n.top.join(", "));
      box.appendChild(dl);
      return;
    }
    addRow(dl, "Type", typeLabel(n.type));
    addRow(dl, "Also known as", list(n.aliases) === "—" ? "" : n.aliases.join(", "));
    addRow(dl, "Région", n.regions.join(", "));
    addRow(dl, "Countries", n.countries.join(", "));
    addRow(dl, "Domains", n.domains.join(", "));
    addRow(dl, "Clusters", n.clusters.join(", "));
    Object.keys(n.ids).forEach(function (k) { addRow(dl, k, n.ids[k]); });
    addRow(dl, "Founded", n.founded);
    addRow(dl, "Until", n.dissolved);
    addRow(dl, "Ties", n.degree);
    addRow(dl, "IRI", n.iri);
    box.appendChild(dl);
    var ties = (adjacency[id] || []).map(function (eid) { return edges.get(eid); });
    if (ties.length) {
      box.appendChild(el("h2", null, "Ties (" + ties.length + ")"));
      var ul = el("ul");
      ties.slice(0, 60).forEach(function (e) {
        var li = el("li");
        var other = e.from === id ? e.to : e.from;
        li.appendChild(document.createTextNode((e.from === id ? relLabel(e.rel) + " " : "← " + relLabel(e.rel) + " ")));
        li.appendChild(jumpLink(other));
        var when = periodText(e.periods);
        if (when) { li.appendChild(document.createTextNode(" (" + when + ")")); }
        ul.appendChild(li);
      });
      if (ties.length > 60) { ul.appendChild(el("li", null, "+" + (ties.length - 60) + " more")); }
      box.appendChild(ul);
    }
    box.appendChild(el("h2", null, "Sources (" + n.src.length + ")"));
    box.appendChild(n.src.length ? sourceList(n.src) : el("p", { "class": "hint" }, "No source document recorded."));
  }
  function showEdgeDetails(id) {
    var e = edges.get(id);
    var box = document.getElementById("details");
    box.textContent = "";
    box.appendChild(el("h2", null, "Details"));
    if (!e) { return; }
    if (aggregated) {
      box.appendChild(el("h3", null, e.from + " — " + e.to));
      box.appendChild(el("p", null, e.title));
      return;
    }
    box.appendChild(el("h3", null, relLabel(e.rel)));
    var dl = el("dl");
    addRow(dl, "From", jumpLink(e.from));
    addRow(dl, "To", jumpLink(e.to));
    addRow(dl, "When", periodText(e.periods));
    box.appendChild(dl);
    box.appendChild(el("h2", null, "Sources (" + e.src.length + ")"));
    box.appendChild(e.src.length ? sourceList(e.src) : el("p", { "class": "hint" }, "No source document recorded."));
  }
  network.on("click", function (params) {
    if (params.nodes.length) { showDetails(params.nodes[0]); }
    else if (params.edges.length) { showEdgeDetails(params.edges[0]); }
  });

  // -- legend: the types and relations actually drawn
  var SHAPES = {
    dot: '<circle cx="8" cy="8" r="6"/>',
    diamond: '<polygon points="8,1 15,8 8,15 1,8"/>',
    square: '<rect x="2" y="2" width="12" height="12"/>',
    triangle: '<polygon points="8,1 15,14 1,14"/>',
    triangleDown: '<polygon points="1,2 15,2 8,15"/>',
    hexagon: '<polygon points="4,1.5 12,1.5 15.5,8 12,14.5 4,14.5 0.5,8"/>',
    star: '<polygon points="8,0.5 10,6 15.5,6 11,9.5 12.8,15 8,11.7 3.2,15 5,9.5 0.5,6 6,6"/>'
  };
  var SVG = "http://www.w3.org/2000/svg";
  function swatch(shape, colour) {
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("width", "16"); svg.setAttribute("height", "16"); svg.setAttribute("viewBox", "0 0 16 16");
    var tmp = new DOMParser().parseFromString('<svg xmlns="' + SVG + '">' + (SHAPES[shape] || SHAPES.dot) + "</svg>", "image/svg+xml");
    var shapeNode = document.importNode(tmp.documentElement.firstChild, true);
    shapeNode.setAttribute("fill", colour);
    shapeNode.setAttribute("stroke", "#333");
    shapeNode.setAttribute("stroke-width", "0.8");
    svg.appendChild(shapeNode);
    return svg;
  }
  function lineSample(style) {
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("width", "40"); svg.setAttribute("height", "12");
    var line = document.createElementNS(SVG, "line");
    line.setAttribute("x1", "2"); line.setAttribute("y1", "6"); line.setAttribute("x2", "32"); line.setAttribute("y2", "6");
    line.setAttribute("stroke", style.color); line.setAttribute("stroke-width", String(style.width || 1.5));
    if (style.dashes) { line.setAttribute("stroke-dasharray", style.dashes.join(" ")); }
    svg.appendChild(line);
    if (style.arrows) {
      var head = document.createElementNS(SVG, "polygon");
      head.setAttribute("points", "32,2 39,6 32,10");
      head.setAttribute("fill", style.color);
      svg.appendChild(head);
    }
    return svg;
  }
  var legendTypes = document.getElementById("legend-types");
  Object.keys(typeCounts).sort(function (a, b) { return typeCounts[b] - typeCounts[a]; }).forEach(function (t) {
    var style = data.types[t] || data.types.Other;
    var item = el("div", { "class": "legend-item" });
    item.appendChild(swatch(style.shape, style.color));
    item.appendChild(el("span", null, aggregated ? "group of organisations" : style.label));
    item.appendChild(el("span", { "class": "count" }, typeCounts[t]));
    legendTypes.appendChild(item);
  });
  var relCounts = {};
  data.edges.forEach(function (e) { if (e.rel) { relCounts[e.rel] = (relCounts[e.rel] || 0) + 1; } });
  var legendRelations = document.getElementById("legend-relations");
  Object.keys(relCounts).sort(function (a, b) { return relCounts[b] - relCounts[a]; }).forEach(function (r) {
    var style = data.relations[r] || data.relations.other;
    var item = el("div", { "class": "legend-item" });
    item.appendChild(lineSample(style));
    item.appendChild(el("span", null, style.label));
    item.appendChild(el("span", { "class": "count" }, relCounts[r]));
    legendRelations.appendChild(item);
  });
  if (aggregated) {
    var item = el("div", { "class": "legend-item" });
    item.appendChild(lineSample({ color: "#8E6C8A", width: 3 }));
    item.appendChild(el("span", null, "ties between two groups (width: how many)"));
    legendRelations.appendChild(item);
  }
  document.getElementById("legend-size").textContent = "Node size: " + meta.sizeBy + "." +
    (aggregated ? "" : " Labels of small nodes appear when you zoom in.");

  updateStats();
})();
