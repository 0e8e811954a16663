/* The page's own script (kg viz). Text from documents goes into the DOM with textContent, into
   vis-network as plain strings (drawn on the canvas, or set as the tooltip's innerText), never as
   markup. window.kgPage reports the drawing's state for tests and benchmarks. */
(function () {
  "use strict";
  var data = window.kgData = JSON.parse(document.getElementById("kg-data").textContent);
  var page = window.kgPage = { state: "loading", nodes: data.nodes.length, edges: data.edges.length,
                               total: data.total, drawn: 0, ms: null };
  // -- tooltips, composed from the details: plain strings, which vis-network shows as text -------
  function around(sentence, quote, limit) {
    sentence = sentence.replace(/\s+/g, " ").trim();
    if (sentence.length <= limit) return sentence;
    var at = Math.max(0, sentence.indexOf(quote.replace(/\s+/g, " ").trim()));
    var start = Math.max(0, Math.min(at - 30, sentence.length - limit));
    return (start ? "…" : "") + sentence.slice(start, start + limit) + (start + limit < sentence.length ? "…" : "");
  }
  function evidenceLine(ev) {
    return "“" + around(ev[5], ev[4], 90) + "”\n— " + ev[0] + (ev[1] ? " (" + ev[1] + ")" : "") +
           ", char " + ev[2] + "–" + ev[3];
  }
  function before(a, b) {   // evidence order: source, year, begin, end
    for (var i = 0; i < 4; i++) { if (a[i] < b[i]) return true; if (a[i] > b[i]) return false; }
    return false;
  }
  var classNames = {};
  data.legend.forEach(function (x) { classNames[x.cls] = x.zh ? x.zh + " · " + x.en : x.en; });
  var degree = data.nodes.map(function () { return 0; });
  var linked = data.nodes.map(function () { return null; });
  data.details.edges.forEach(function (e, i) {
    degree[e.from]++; degree[e.to]++;
    var first = e.evidence[0];
    [e.from, e.to].forEach(function (n) { if (first && (!linked[n] || before(first, linked[n]))) linked[n] = first; });
    var lines = [data.details.nodes[e.from].label + " → " + data.details.nodes[e.to].label,
                 (e.zh ? e.zh + " · " : "") + e.en + " · " + e.plans + (e.plans === 1 ? " plan" : " plans")];
    if (e.bodyCount) lines.push(e.bodyCount + " bodies: " + e.bodies.join("、") + (e.bodyCount > e.bodies.length ? "…" : ""));
    if (first) {
      lines.push(evidenceLine(first));
      var more = e.evidence.length - 1 + e.more;
      if (more > 0) lines.push("(+" + more + " more: click the edge)");
    } else {
      lines.push("From reference data (League hierarchy, GB/T 2260), not from a sentence; stated in " + e.sources.join("、"));
    }
    data.edges[i].title = lines.join("\n");
  });
  data.details.nodes.forEach(function (d, i) {
    var lines = [d.label, (classNames[d.cls] || d.cls) + (d.level ? " · " + d.level : "") + (d.type ? " · " + d.type : ""),
                 degree[i] + (degree[i] === 1 ? " link" : " links")];
    if (d.memberCount) lines.push(d.members.join("、") + (d.memberCount > d.members.length ? "…" : ""));
    var ev = d.evidence[0] || linked[i];
    if (ev) lines.push(evidenceLine(ev));
    lines.push("Click for all the evidence.");
    data.nodes[i].title = lines.join("\n");
  });

  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var container = document.getElementById("network");
  var network = window.kgNetwork = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);
  var hiddenClasses = {};
  var matches = null;

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }

  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

  document.getElementById("counts").textContent = data.nodes.length === data.total
    ? data.nodes.length + " nodes, " + data.edges.length + " edges"
    : data.nodes.length + " of " + data.total + " nodes, " + data.edges.length + " edges";

  // -- legend: a class per line, click to hide or show it -------------------------------------
  var legend = document.getElementById("legend");
  data.legend.forEach(function (item) {
    var row = el("div");
    var glyph = el("span", item.glyph, "glyph");
    glyph.style.color = item.colour;
    row.appendChild(glyph);
    row.appendChild(document.createTextNode(" " + (item.zh ? item.zh + " " : "") + item.en + " (" + item.count + ")"));
    row.title = "click to hide or show " + item.en;
    row.addEventListener("click", function () {
      hiddenClasses[item.cls] = !hiddenClasses[item.cls];
      row.classList.toggle("off", hiddenClasses[item.cls]);
      applyVisibility();
    });
    legend.appendChild(row);
  });
  data.levels.forEach(function (item) {
    var row = el("div");
    var glyph = el("span", "◆", "glyph");
    glyph.style.color = item.colour;
    row.appendChild(glyph);
    row.appendChild(document.createTextNode(" " + item.zh + "团委 (" + item.level + ")"));
    row.style.cursor = "default";
    legend.appendChild(row);
  });

  function applyVisibility() {
    var only = document.getElementById("only").checked && matches !== null;
    nodes.update(data.nodes.map(function (n) {
      return { id: n.id, hidden: !!hiddenClasses[n.cls] || (only && !matches[n.id]) };
    }));
  }

  // -- evidence ------------------------------------------------------------------------------
  function evidenceBlock(ev) {
    // ev: [source, year, begin, end, quote, sentence]
    var box = el("div", null, "evidence");
    var sentence = ev[5], quote = ev[4];
    var at = quote ? sentence.indexOf(quote) : -1;
    var p = el("div");
    if (at >= 0 && quote !== sentence) {
      p.appendChild(document.createTextNode(sentence.slice(0, at)));
      p.appendChild(el("mark", quote));
      p.appendChild(document.createTextNode(sentence.slice(at + quote.length)));
    } else {
      p.textContent = sentence;
    }
    box.appendChild(p);
    box.appendChild(el("div", ev[0] + (ev[1] ? " (" + ev[1] + ")" : "") + ", char " + ev[2] + "–" + ev[3], "cite"));
    return box;
  }

  function facts(rows) {
    var table = el("table");
    rows.forEach(function (r) {
      var tr = el("tr");
      tr.appendChild(el("td", r[0]));
      tr.appendChild(el("td", r[1]));
      table.appendChild(tr);
    });
    return table;
  }

  function showNode(id) {
    var d = data.details.nodes[id];
    var box = document.getElementById("details");
    clear(box);
    box.appendChild(el("h2", d.label));
    box.appendChild(el("div", classNames[d.cls] || d.cls, "cls"));
    var rows = d.facts.slice();
    if (d.iri) rows.push(["IRI", d.iri]);
    box.appendChild(facts(rows));
    d.evidence.forEach(function (ev) { box.appendChild(evidenceBlock(ev)); });
    var linked = network.getConnectedEdges(id);
    if (linked.length) box.appendChild(el("h2", linked.length + " links"));
    linked.slice(0, 200).forEach(function (eid) {
      var e = data.details.edges[eid];
      var other = e.from === id ? e.to : e.from;
      var line = el("div");
      line.appendChild(document.createTextNode((e.from === id ? "→ " : "← ") + (e.zh || e.en) + " "));
      var link = el("span", data.details.nodes[other].label, "link");
      link.addEventListener("click", function () { focus(other); });
      line.appendChild(link);
      var more = el("span", " · evidence", "link");
      more.addEventListener("click", function () { network.selectEdges([eid]); showEdge(eid); });
      line.appendChild(more);
      box.appendChild(line);
      if (e.evidence.length) box.appendChild(evidenceBlock(e.evidence[0]));
    });
  }

  function showEdge(id) {
    var e = data.details.edges[id];
    var box = document.getElementById("details");
    clear(box);
    box.appendChild(el("h2", data.details.nodes[e.from].label + " → " + data.details.nodes[e.to].label));
    box.appendChild(el("div", (e.zh ? e.zh + " · " : "") + e.en, "cls"));
    var rows = [["plans", e.sources.join("、") + (e.plans > e.sources.length ? "… (" + e.plans + ")" : "")]];
    if (e.bodyCount) rows.push(["bodies", e.bodies.join("、") + (e.bodyCount > e.bodies.length ? "… (" + e.bodyCount + ")" : "")]);
    box.appendChild(facts(rows));
    if (!e.evidence.length) {
      box.appendChild(el("p", "From reference data (the League hierarchy, GB/T 2260 regions), not from a sentence."));
    }
    e.evidence.forEach(function (ev) { box.appendChild(evidenceBlock(ev)); });
    if (e.more) box.appendChild(el("p", "+" + e.more + " more sentences: kg query pursues, or kg stats matrix --format json"));
  }

  function focus(id) {
    network.selectNodes([id]);
    network.focus(id, { scale: Math.max(network.getScale(), 1.0), animation: false });
    showNode(id);
  }

  window.kgShow = function (kind, id) { if (kind === "edge") showEdge(id); else showNode(id); };

  network.on("click", function (params) {
    if (params.nodes.length) showNode(params.nodes[0]);
    else if (params.edges.length) showEdge(params.edges[0]);
  });

  // -- search --------------------------------------------------------------------------------
  var search = document.getElementById("search");
  var results = document.getElementById("results");
  function runSearch(text) {
    var q = text.replace(/\s+/g, "").toLowerCase();
    clear(results);
    if (!q) { matches = null; network.unselectAll(); applyVisibility(); return []; }
    matches = {};
    var found = [];
    data.details.nodes.forEach(function (d, i) {
      if (d.label.replace(/\s+/g, "").toLowerCase().indexOf(q) >= 0) { matches[i] = true; found.push(i); }
    });
    found.slice(0, 50).forEach(function (i) {
      var li = el("li", data.details.nodes[i].label);
      li.addEventListener("click", function () { focus(i); });
      results.appendChild(li);
    });
    if (found.length > 50) results.appendChild(el("li", "… " + (found.length - 50) + " more"));
    if (!found.length) results.appendChild(el("li", "no node matches"));
    network.selectNodes(found.filter(function (i) { return !nodes.get(i).hidden; }));
    applyVisibility();
    return found;
  }
  window.kgSearch = function (text) { search.value = text; return runSearch(text); };
  search.addEventListener("input", function () { runSearch(search.value); });
  search.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter" && matches) {
      var first = Object.keys(matches)[0];
      if (first !== undefined) focus(Number(first));
    }
  });
  document.getElementById("only").addEventListener("change", applyVisibility);

  // -- settle, then stop ---------------------------------------------------------------------
  var progress = document.getElementById("progress");
  function ready() {
    network.once("afterDrawing", function () {
      page.drawn = network.body.nodeIndices.length;
      page.ms = Math.round(performance.now());
      page.state = "ready";
    });
    network.redraw();
  }
  network.on("stabilizationProgress", function (p) {
    progress.textContent = "settling the layout… " + Math.round(100 * p.iterations / p.total) + "%";
  });
  network.once("stabilizationIterationsDone", function () {
    network.setOptions({ physics: { enabled: false } });
    progress.style.display = "none";
    ready();
  });
  if (!data.nodes.length) {
    progress.textContent = "nothing to draw";
    ready();
  }
})();
