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

  // -- a CJK font: without one every Chinese name is a box, so the page says what to install ---
  // Two different characters drawn alike (both the missing-glyph box, or nothing) mean no font
  // has them.
  function glyphs(text) {
    var c = document.createElement("canvas");
    c.width = c.height = 48;
    var g = c.getContext("2d");
    g.font = "40px " + data.font;
    g.fillStyle = "#000";
    g.textBaseline = "top";
    g.fillText(text, 2, 2);
    return g.getImageData(0, 0, 48, 48).data;
  }
  function sameInk(a, b) {
    for (var i = 3; i < a.length; i += 4) if (a[i] !== b[i]) return false;
    return true;
  }
  page.cjk = !sameInk(glyphs("国"), glyphs("水"));
  if (!page.cjk) document.getElementById("fontnote").style.display = "block";

  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var container = document.getElementById("network");
  var network = window.kgNetwork = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);
  var hiddenClasses = {};
  var matches = null;

  // -- labels: most important first, each only where it covers no other; zoom in for more -------
  var SIZES = [12, 14, 16];
  var order = data.nodes.map(function (n) { return n.id; }).sort(function (a, b) {
    return data.nodes[a].rank - data.nodes[b].rank;
  });
  var widths = {};
  function textWidth(ctx, id, px) {
    var key = id + ":" + px;
    if (widths[key] === undefined) widths[key] = ctx.measureText(data.nodes[id].text).width;
    return widths[key];
  }
  function drawLabels(ctx) {
    var ratio = network.canvas.pixelRatio || 1;
    var scale = network.getScale();
    var w = container.clientWidth, h = container.clientHeight;
    var cell = 48, grid = {}, shown = [];
    var selected = {};
    network.getSelectedNodes().forEach(function (id) { selected[id] = true; });
    var ids = Object.keys(selected).map(Number).concat(order);
    ctx.save();
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.textBaseline = "top";
    ctx.lineJoin = "round";
    function free(box) {
      for (var gx = Math.floor(box[0] / cell); gx <= Math.floor(box[2] / cell); gx++) {
        for (var gy = Math.floor(box[1] / cell); gy <= Math.floor(box[3] / cell); gy++) {
          var list = grid[gx + "," + gy] || [];
          for (var i = 0; i < list.length; i++) {
            var o = list[i];
            if (box[0] < o[2] && o[0] < box[2] && box[1] < o[3] && o[1] < box[3]) return false;
          }
        }
      }
      return true;
    }
    function take(box) {
      for (var gx = Math.floor(box[0] / cell); gx <= Math.floor(box[2] / cell); gx++) {
        for (var gy = Math.floor(box[1] / cell); gy <= Math.floor(box[3] / cell); gy++) {
          (grid[gx + "," + gy] = grid[gx + "," + gy] || []).push(box);
        }
      }
    }
    var seen = {};
    for (var k = 0; k < ids.length; k++) {
      var id = ids[k];
      if (seen[id]) continue;
      seen[id] = true;
      var body = network.body.nodes[id], n = data.nodes[id];
      if (!body || body.options.hidden || !n.text) continue;
      var at = network.canvasToDOM({ x: body.x, y: body.y });
      if (at.x < -200 || at.y < -50 || at.x > w + 200 || at.y > h + 50) continue;
      var px = SIZES[n.emph || 0];
      ctx.font = (n.emph === 2 ? "bold " : "") + px + "px " + data.font;
      var tw = textWidth(ctx, id, px), th = px + 2;
      var r = body.options.size * scale;
      var x, y;
      if (n.side === "r") { x = at.x + r + 5; y = at.y - th / 2; }
      else if (n.side === "l") { x = at.x - r - 5 - tw; y = at.y - th / 2; }
      else { x = at.x - tw / 2; y = at.y + r + 3; }
      var box = [x - 1, y, x + tw + 1, y + th];
      if (!selected[id] && !free(box)) continue;
      take(box);
      ctx.lineWidth = 3;
      ctx.strokeStyle = "rgba(255,255,255,0.9)";
      ctx.strokeText(n.text, x, y);
      ctx.fillStyle = n.emph === 2 ? "#000" : "#222";
      ctx.fillText(n.text, x, y);
      shown.push({ id: id, text: n.text, left: x, top: y, width: tw, height: th,
                   inside: x >= 0 && y >= 0 && x + tw <= w && y + th <= h });
    }
    ctx.restore();
    page.labels = shown;
  }
  network.on("afterDrawing", drawLabels);

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
    if (d.memberCount) rows.push([data.fields.bodyList, d.members.join("、") + (d.memberCount > d.members.length ? "… (" + d.memberCount + ")" : "")]);
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
    var rows = [[data.fields.plans, e.sources.join("、") + (e.plans > e.sources.length ? "… (" + e.plans + ")" : "")]];
    if (e.bodyCount) rows.push([data.fields.bodyList, e.bodies.join("、") + (e.bodyCount > e.bodies.length ? "… (" + e.bodyCount + ")" : "")]);
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
    var rest = data.rest.filter(function (r) { return r[0].replace(/\s+/g, "").toLowerCase().indexOf(q) >= 0; });
    rest.slice(0, 20).forEach(function (r) {
      results.appendChild(el("li", r[0] + "（" + r[1] + (r[1] === 1 ? " body" : " bodies") +
                             "）not drawn: kg viz --program " + r[0], "rest"));
    });
    if (rest.length > 20) results.appendChild(el("li", "… " + (rest.length - 20) + " more not drawn", "rest"));
    if (!found.length && !rest.length) results.appendChild(el("li", "no node matches"));
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
    network.fit({ animation: false });
    if (data.layout === "columns") {       // room for the labels either side of the two columns
      var box = network.getPositions(), xs = Object.keys(box).map(function (k) { return box[k].x; });
      var mid = (Math.min.apply(null, xs) + Math.max.apply(null, xs)) / 2;
      network.moveTo({ position: { x: mid, y: network.getViewPosition().y }, scale: network.getScale() * 0.92,
                       animation: false });
    }
    if (data.centres.length) {
      var at = network.getPositions(data.centres), x = 0, y = 0;
      data.centres.forEach(function (c) { x += at[c].x; y += at[c].y; });
      network.moveTo({ position: { x: x / data.centres.length, y: y / data.centres.length },
                       scale: network.getScale(), animation: false });
    }
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
  } else if (!data.options.physics.enabled) {
    progress.style.display = "none";
    ready();
  }
})();
