"""Interactive graph pages: pyvis networks written as one self-contained, offline HTML file.

Three views of the plans graph (:mod:`kg.network`):

``bodies-programs``  the bodies that issue plans and the programs they pursue (the default);
``full``             every entity: plans, bodies, work items, programs, targets, policies, regions;
``ego``              the neighbourhood of the programs and organizations asked for.

Nodes are coloured and shaped by class and sized by degree; every node and edge carries a
tooltip with the evidence quote and its source, and a click shows all of its evidence in a
side panel. Document text reaches the page only as JSON (with ``<``, ``>`` and ``&`` escaped)
that the page's script puts into the DOM as text, never as markup; the page's Content Security
Policy lets only its own two scripts run and loads nothing from the network.

Large graphs are reduced rather than drawn whole: bodies are grouped by province when there are
too many of them, work items are folded into their plans, and then only the most connected
nodes are kept; the page says what was left out.
"""
from __future__ import annotations

import base64
import difflib
import functools
import hashlib
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

import networkx as nx

from .layout import positions
from .network import issuers

VIEWS = ("bodies-programs", "full", "ego")
MAX_NODES = 2000
EVIDENCE_PER_EDGE = 5       # sentences per node or edge on the page; the graph keeps all
MEMBERS_SHOWN = 30          # bodies or plans listed per grouped node or edge
EDGES_PER_NODE = 5          # a page draws at most this many edges per node it may draw
LABEL_CHARS = 18
TEMPLATE = Path(__file__).resolve().parent / "templates" / "graph.html"
APP_SCRIPT = TEMPLATE.with_name("graph.js")

# Class -> (colour, vis shape, glyph for the legend). Shapes whose size can follow the degree.
STYLE: dict[str, tuple[str, str, str]] = {
    "Organization": ("#c0392b", "diamond", "◆"),
    "Program": ("#1f6fb4", "dot", "●"),
    "WorkPlan": ("#4d4d4d", "square", "■"),
    "Activity": ("#8c8c8c", "triangleDown", "▼"),
    "Target": ("#e68a00", "star", "★"),
    "Policy": ("#2e8b3a", "hexagon", "⬢"),
    "Region": ("#7b52ab", "triangle", "▲"),
    "Section": ("#b8b8b8", "dot", "●"),
    "Province": ("#8e1b10", "diamond", "◆"),
}
FALLBACK = ["#17becf", "#bcbd22", "#8c564b", "#e377c2", "#7f7f7f"]
LEVEL_SHADES = {"central": "#5e0f08", "province": "#8e1b10", "prefecture": "#c0392b", "county": "#e6776b"}
LEVEL_NAMES = {"central": "中央", "province": "省级", "prefecture": "地市级", "county": "县级"}
GROUP_CLASS = "Province"
CLASS_NAMES = {GROUP_CLASS: {"zh": "省份（聚合的团委）", "en": "bodies grouped by province"}}


class SelectionError(LookupError):
    """A --program or --organization that names nothing in the graph."""


@dataclass
class View:
    """The part of the graph a page draws, and what was left out."""

    graph: nx.MultiDiGraph
    title: str
    notes: list[str] = field(default_factory=list)
    total_nodes: int = 0


# -- finding what the user names ----------------------------------------------------------------

def _names(attrs: dict) -> list[str]:
    names = [attrs["label"]]
    for key in ("prefLabel", "altLabel", "hiddenLabel", "rdfs_label", "title", "source"):
        value = attrs.get(key)
        names.extend(value if isinstance(value, list) else [value] if value else [])
    return names


def find(G: nx.MultiDiGraph, name: str, classes: Iterable[str]) -> list[str]:
    """Nodes of the given classes that a name stands for: those with it as a label or alias, else
    those whose labels contain it. SelectionError naming the nearest labels when there are none.

    >>> from kg.network import example_graph
    >>> G = example_graph()
    >>> [G.nodes[n]["label"] for n in find(G, "大学习", ["Program"])]
    ['青年大学习']
    """
    classes = set(classes)
    candidates = [n for n, c in G.nodes(data="cls") if c in classes]
    exact = sorted(n for n in candidates if name in _names(G.nodes[n]))
    if exact:
        return exact
    folded = name.replace(" ", "").lower()
    partial = sorted(n for n in candidates
                     if any(folded in x.replace(" ", "").lower() for x in _names(G.nodes[n])))
    if partial:
        return partial
    labels = sorted({G.nodes[n]["label"] for n in candidates})
    near = difflib.get_close_matches(name, labels, n=5, cutoff=0.3)
    what = " or ".join(sorted(classes)).lower()
    hint = f"; did you mean: {', '.join(near)}" if near else ""
    raise SelectionError(f"no {what} named {name!r} in the workspace{hint}")


# -- views ---------------------------------------------------------------------------------------

def _sub(G: nx.MultiDiGraph, nodes: Iterable[str], edges: Iterable[tuple[str, str, str]] | None = None
         ) -> nx.MultiDiGraph:
    """A copy of part of G: the nodes, and the given edges (default: all edges among the nodes)."""
    keep = set(nodes)
    H = nx.MultiDiGraph()
    H.graph.update(G.graph)
    H.add_nodes_from((n, G.nodes[n]) for n in sorted(keep))
    if edges is None:
        edges = [(u, v, k) for u, v, k in G.edges(keys=True) if u in keep and v in keep]
    H.add_edges_from((u, v, k, G.edges[u, v, k]) for u, v, k in sorted(edges) if u in keep and v in keep)
    return H


def bodies_programs_view(G: nx.MultiDiGraph, programs: list[str], organizations: list[str], radius: int) -> View:
    bodies = set(issuers(G))
    if organizations:
        chosen = {n for o in organizations for n in find(G, o, ["Organization"])}
        if not chosen & bodies:
            raise SelectionError(f"{', '.join(organizations)} issues no plan in the workspace; bodies: "
                                 + ", ".join(G.nodes[b]["label"] for b in issuers(G)))
        bodies &= chosen
    wanted = {n for p in programs for n in find(G, p, ["Program"])} if programs else None
    edges = [(u, v, k) for u, v, k in G.edges(keys=True)
             if k == "pursues" and u in bodies and (wanted is None or v in wanted)]
    nodes = {u for u, _, _ in edges} | {v for _, v, _ in edges} | (bodies if wanted is None else set())
    notes = []
    if organizations:
        notes.append("bodies: " + "、".join(G.nodes[b]["label"] for b in sorted(bodies)))
    if wanted is not None:
        notes.append("programs: " + "、".join(G.nodes[p]["label"] for p in sorted(wanted)))
    return View(_sub(G, nodes, edges), "团组织 × 工作品牌  Bodies × programs", notes)


def _plans_of(G: nx.MultiDiGraph, organizations: list[str]) -> set[str]:
    """Sources of the plans an organization issues, or failing that, names."""
    chosen = {n for o in organizations for n in find(G, o, ["Organization"])}
    sources = {s for s, d in G.graph["documents"].items()
               if any(G.nodes[n]["label"] == d["issuer"] for n in chosen)}
    return sources or {s for n in chosen for s in G.nodes[n]["sources"]}


def full_view(G: nx.MultiDiGraph, programs: list[str], organizations: list[str], radius: int) -> View:
    nodes = set(G)
    notes = []
    if organizations:
        sources = _plans_of(G, organizations)
        nodes = {n for n in nodes if set(G.nodes[n]["sources"]) & sources}
        notes.append("plans of " + ", ".join(organizations))
    if programs:
        wanted = {n for p in programs for n in find(G, p, ["Program"])}
        items = {u for u, v, k in G.edges(keys=True) if k == "servesProgram" and v in wanted
                 and G.nodes[u]["cls"] == "Activity" and u in nodes}
        around = {x for i in items for x in nx.all_neighbors(G, i)}
        plans = {n for n in around if G.nodes[n]["cls"] == "WorkPlan"}
        bodies = {v for p in plans for _, v, k in G.out_edges(p, keys=True) if k == "issuedBy"}
        regions = {v for b in bodies for _, v, k in G.out_edges(b, keys=True) if k == "region"}
        nodes &= wanted | items | around | bodies | regions
        notes.append("work items serving " + ", ".join(G.nodes[n]["label"] for n in sorted(wanted)))
        edges = [(u, v, k) for u, v, k in G.edges(keys=True) if u in nodes and v in nodes
                 and (k != "pursues" or v in wanted)]
        return View(_sub(G, nodes, edges), "全图  Full graph", notes)
    return View(_sub(G, nodes), "全图  Full graph", notes)


def ego_view(G: nx.MultiDiGraph, programs: list[str], organizations: list[str], radius: int) -> View:
    if not programs and not organizations:
        raise SelectionError("the ego view needs a centre: give --program or --organization")
    centres = {n for p in programs for n in find(G, p, ["Program"])}
    centres |= {n for o in organizations for n in find(G, o, ["Organization"])}
    U = G.to_undirected(as_view=True)
    nodes = set()
    for c in sorted(centres):
        nodes |= set(nx.single_source_shortest_path_length(U, c, cutoff=radius))
    view = View(_sub(G, nodes), f"{'、'.join(G.nodes[c]['label'] for c in sorted(centres))} 的邻域  Ego graph")
    view.graph.graph["centres"] = sorted(centres)
    view.notes.append(f"within {radius} step{'s' if radius != 1 else ''} of the centre")
    return view


VIEW_BUILDERS: dict[str, Callable[[nx.MultiDiGraph, list[str], list[str], int], View]] = {
    "bodies-programs": bodies_programs_view, "full": full_view, "ego": ego_view}


# -- reducing large graphs ----------------------------------------------------------------------

def _province(G: nx.MultiDiGraph, body: str) -> str:
    region = next((v for _, v, k in G.out_edges(body, keys=True) if k == "region"), None)
    if region is None:
        return "未知地区"
    seen = {region}
    while True:
        up = next((v for _, v, k in G.out_edges(region, keys=True) if k == "containedInPlace"), None)
        if up is None or up in seen:
            return G.nodes[region]["label"]
        seen.add(up)
        region = up


def group_bodies(H: nx.MultiDiGraph, G: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """Bodies × programs with the bodies of each province merged into one node."""
    bodies = [n for n in H if H.nodes[n]["cls"] == "Organization"]
    group = {b: _province(G, b) for b in bodies}
    A = nx.MultiDiGraph()
    A.graph.update(H.graph)
    for name in sorted(set(group.values())):
        members = sorted(H.nodes[b]["label"] for b in bodies if group[b] == name)
        A.add_node(f"group:{name}", cls=GROUP_CLASS, label=f"{name}（{len(members)}）", members=members,
                   evidence=[], sources=sorted({s for b in bodies if group[b] == name for s in H.nodes[b]["sources"]}))
    for n in sorted(H):
        if n not in group:
            A.add_node(n, **H.nodes[n])
    merged: dict[tuple[str, str], dict] = {}
    for u, v, k, d in sorted(H.edges(keys=True, data=True), key=lambda e: e[:3]):
        if u in group:
            entry = merged.setdefault((f"group:{group[u]}", v), {"evidence": [], "sources": set(), "bodies": set()})
            entry["evidence"].extend(d["evidence"])
            entry["sources"].update(d["sources"])
            entry["bodies"].add(H.nodes[u]["label"])
    for (g, v), e in sorted(merged.items()):
        A.add_edge(g, v, key="pursues", evidence=sorted(e["evidence"]), sources=sorted(e["sources"]),
                   bodies=sorted(e["bodies"]))
    return A


def fold_items(H: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """Work items, sections and targets folded away: each plan linked straight to what its items
    name (programs, organizations, policies), with the items' evidence."""
    drop = {n for n in H if H.nodes[n]["cls"] in ("Activity", "Section", "Target")}
    A = _sub(H, [n for n in H if n not in drop])
    plan_of = {v: u for u, v, k in H.edges(keys=True) if k == "hasActivity"}
    for item in sorted(drop & set(plan_of)):
        for _, v, k, d in H.out_edges(item, keys=True, data=True):
            if v in drop or v not in A:
                continue
            if A.has_edge(plan_of[item], v, k):
                data = A.edges[plan_of[item], v, k]
                data["evidence"] = sorted(set(data["evidence"]) | set(d["evidence"]))
            else:
                A.add_edge(plan_of[item], v, key=k, evidence=list(d["evidence"]), sources=list(d["sources"]))
    return A


def cap(H: nx.MultiDiGraph, max_nodes: int, keep: Iterable[str] = ()) -> nx.MultiDiGraph:
    """The max_nodes most connected nodes (and those in keep), the rest left out."""
    keep = set(keep)
    ranked = sorted(H, key=lambda n: (n not in keep, -H.degree(n), H.nodes[n]["label"], n))
    chosen = set(ranked[:max(max_nodes, len(keep))])
    A = _sub(H, chosen)
    A.remove_nodes_from([n for n in list(A) if A.degree(n) == 0 and n not in keep and H.degree(n) > 0])
    return A


def reduce(view: View, G: nx.MultiDiGraph, view_name: str, max_nodes: int) -> View:
    """Make the view fit in max_nodes, saying on the page what was grouped, folded or left out."""
    H = view.graph
    view.total_nodes = H.number_of_nodes()
    if H.number_of_nodes() <= max_nodes:
        pass
    elif view_name == "bodies-programs":
        bodies = [n for n in H if H.nodes[n]["cls"] == "Organization"]
        if len(bodies) > max_nodes // 4:
            H = group_bodies(H, G)
            view.notes.append(f"{len(bodies)} bodies grouped by province")
    elif view_name == "full":
        H = fold_items(H)
        view.notes.append("work items, sections and targets folded into their plans")
    if H.number_of_nodes() > max_nodes:
        before = H.number_of_nodes()
        H = cap(H, max_nodes, keep=H.graph.get("centres", ()))
        view.notes.append(f"the {H.number_of_nodes():,} most connected of {before:,} nodes shown; "
                          "narrow the page with --program, --organization or --year")
    if H.number_of_edges() > EDGES_PER_NODE * max_nodes:
        before = H.number_of_edges()
        H = heaviest_edges(H, EDGES_PER_NODE * max_nodes)
        view.notes.append(f"the {H.number_of_edges():,} links stated by most plans of {before:,} shown, "
                          f"{H.number_of_nodes():,} nodes keep a link")
    view.graph = H
    return view


def heaviest_edges(H: nx.MultiDiGraph, max_edges: int) -> nx.MultiDiGraph:
    """The max_edges edges that most plans (or bodies) state, taken in turns from every node so that
    none loses all of its links; ties go to the edge whose target is the most connected."""
    def weight(d: dict) -> int:
        return len(d.get("bodies") or d["sources"])

    turn: dict[tuple, int] = {}
    for u in H:
        mine = sorted(H.out_edges(u, keys=True, data=True), key=lambda e: (-weight(e[3]), -H.degree(e[1]), str(e[1]), e[2]))
        for i, (_, v, k, _) in enumerate(mine):
            turn[(u, v, k)] = i
    ranked = sorted(H.edges(keys=True, data=True),
                    key=lambda e: (-weight(e[3]), turn[e[:3]], -H.degree(e[1]), str(e[0]), str(e[1]), e[2]))
    A = _sub(H, H.nodes, [(u, v, k) for u, v, k, _ in ranked[:max_edges]])
    A.remove_nodes_from([n for n in list(A) if A.degree(n) == 0 and H.degree(n) > 0])
    return A


# -- the page ------------------------------------------------------------------------------------

def _clip(text: str, limit: int = LABEL_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _style(cls: str, classes: list[str]) -> tuple[str, str, str]:
    if cls in STYLE:
        return STYLE[cls]
    return FALLBACK[sorted(classes).index(cls) % len(FALLBACK)], "dot", "●"


def _node_facts(attrs: dict, G: nx.MultiDiGraph) -> list[list[str]]:
    skip = {"cls", "label", "evidence", "sources", "sha256", "mediaType", "encoding", "rdfs_label", "ordinal"}
    facts = []
    for key, value in attrs.items():
        if key in skip or value in ("", [], None):
            continue
        facts.append([key, "、".join(value) if isinstance(value, list) else str(value)])
    if attrs.get("sources"):
        facts.append(["sources", "、".join(attrs["sources"])])
    return facts


def _names_of(kind: str, G: nx.MultiDiGraph, name: str) -> dict[str, str]:
    return {**CLASS_NAMES.get(name, {}), **G.graph.get(kind, {}).get(name, {})}


def page_data(view: View, view_name: str) -> dict:
    """The JSON the page draws: vis nodes and edges, the evidence behind them, the legend.

    Tooltips are composed by the page's script from the details, so no sentence is written twice.
    """
    H = view.graph
    classes = sorted({c for _, c in H.nodes(data="cls")})
    index = {n: i for i, n in enumerate(sorted(H, key=lambda n: (H.nodes[n]["cls"], H.nodes[n]["label"], n)))}
    centres = set(H.graph.get("centres", ()))
    body_labels = {d["issuer"] for d in H.graph.get("documents", {}).values()}
    bodies = {n for n, a in H.nodes(data=True) if a["cls"] == "Organization" and a["label"] in body_labels}
    nodes, node_details = [], []
    start = positions(H)
    for n in sorted(index, key=index.get):
        a = H.nodes[n]
        colour, shape, _ = _style(a["cls"], classes)
        level = a.get("level") if n in bodies else None
        if isinstance(level, str) and level in LEVEL_SHADES:
            colour = LEVEL_SHADES[level]
        nodes.append({"id": index[n], "label": _clip(a["label"]), "shape": shape,
                      "size": round(8 + 5 * math.sqrt(H.degree(n)), 2),
                      "color": {"background": colour, "border": "#222222" if n in centres else colour,
                                "highlight": {"background": colour, "border": "#000000"}},
                      "borderWidth": 3 if n in centres else 1, "cls": a["cls"], "x": start[n][0], "y": start[n][1]})
        node_details.append({"iri": n if not n.startswith("group:") else "", "cls": a["cls"], "label": a["label"],
                             "level": LEVEL_NAMES.get(level, level) if level else "",
                             "type": a.get("programType", ""), "members": a.get("members", [])[:MEMBERS_SHOWN],
                             "memberCount": len(a.get("members", [])), "facts": _node_facts(a, H),
                             "evidence": [list(e) for e in a["evidence"][:EVIDENCE_PER_EDGE]]})
    edges, edge_details = [], []
    for i, (u, v, k, d) in enumerate(sorted(H.edges(keys=True, data=True),
                                            key=lambda e: (index[e[0]], index[e[1]], e[2]))):
        rel = _names_of("relations", H, k)
        edges.append({"id": i, "from": index[u], "to": index[v], "width": round(1 + math.log2(len(d["sources"]) or 1), 2)})
        edge_details.append({"relation": k, "zh": rel.get("zh", ""), "en": rel.get("en", k),
                             "from": index[u], "to": index[v], "sources": d["sources"][:MEMBERS_SHOWN],
                             "plans": len(d["sources"]), "bodies": d.get("bodies", [])[:MEMBERS_SHOWN],
                             "bodyCount": len(d.get("bodies", [])),
                             "evidence": [list(e) for e in d["evidence"][:EVIDENCE_PER_EDGE]],
                             "more": max(0, len(d["evidence"]) - EVIDENCE_PER_EDGE)})
    counts = {c: sum(1 for _, x in H.nodes(data="cls") if x == c) for c in classes}
    legend = []
    for c in classes:
        colour, shape, glyph = _style(c, classes)
        names = _names_of("classes", H, c)
        legend.append({"cls": c, "zh": names.get("zh", ""), "en": names.get("en", c), "colour": colour,
                       "glyph": glyph, "count": counts[c]})
    return {"view": view_name, "title": view.title, "notes": view.notes,
            "total": view.total_nodes or H.number_of_nodes(), "nodes": nodes, "edges": edges,
            "details": {"nodes": node_details, "edges": edge_details}, "legend": legend,
            "levels": [{"level": k, "zh": LEVEL_NAMES[k], "colour": c} for k, c in LEVEL_SHADES.items()
                       if any(H.nodes[b].get("level") == k for b in bodies)]}


def vis_options(n_nodes: int) -> dict:
    """vis-network options: a force layout that polishes the starting layout (kg.layout), settles
    and then stops; fewer iterations for larger graphs keep a 2,000-node page to seconds."""
    iterations = 200 if n_nodes <= 300 else 100 if n_nodes <= 1000 else 60
    return {
        "autoResize": True,
        "layout": {"randomSeed": 7, "improvedLayout": n_nodes <= 150},
        "nodes": {"font": {"size": 14, "face": "WenQuanYi Micro Hei, Noto Sans CJK SC, Microsoft YaHei, "
                                                "PingFang SC, sans-serif", "strokeWidth": 3,
                           "strokeColor": "#ffffff"}},
        "edges": {"smooth": False, "arrows": {"to": {"enabled": True, "scaleFactor": 0.4}},
                  "color": {"color": "#b5b5b5", "highlight": "#333333", "hover": "#555555"}},
        "physics": {"solver": "forceAtlas2Based",
                    "forceAtlas2Based": {"gravitationalConstant": -60, "centralGravity": 0.01,
                                         "springLength": 90, "springConstant": 0.08, "damping": 0.5,
                                         "avoidOverlap": 0},
                    "maxVelocity": 60, "minVelocity": 1, "timestep": 0.4,
                    "stabilization": {"enabled": True, "iterations": iterations, "updateInterval": 25,
                                      "fit": True}},
        "interaction": {"hover": True, "tooltipDelay": 150, "hideEdgesOnDrag": n_nodes > 500,
                        "hideEdgesOnZoom": n_nodes > 1000, "navigationButtons": False, "keyboard": False},
    }


def _script_safe_json(data) -> str:
    """JSON that cannot close or open markup inside a <script> element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


@functools.lru_cache(maxsize=None)
def _vis_library() -> str:
    import pyvis

    js = (Path(pyvis.__file__).resolve().parent / "templates" / "lib" / "vis-9.1.2" / "vis-network.min.js"
          ).read_text("utf-8")
    if "</script" in js.lower() or "<!--" in js:
        raise RuntimeError("the bundled vis-network script cannot be inlined safely")
    return js


@functools.lru_cache(maxsize=None)
def _app_script() -> str:
    return APP_SCRIPT.read_text("utf-8")


def _csp_hash(script: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii") + "'"


def render(view: View, view_name: str) -> str:
    """The page as HTML text: the same view always gives the same bytes."""
    from jinja2 import Environment, FileSystemLoader
    from pyvis.network import Network

    data = page_data(view, view_name)
    net = Network(height="100%", width="100%", directed=True, cdn_resources="in_line")
    net.nodes, net.edges = data.pop("nodes"), data.pop("edges")     # direct assignment: add_edge is O(n²)
    net.options = vis_options(len(net.nodes))
    nodes, edges, _, _, _, options = net.get_network_data()
    data.update(nodes=nodes, edges=edges, options=json.loads(options))
    env = Environment(loader=FileSystemLoader(str(TEMPLATE.parent)), autoescape=True, keep_trailing_newline=True)
    library, app = _vis_library(), _app_script()
    return env.get_template(TEMPLATE.name).render(
        title=data["title"], notes=data["notes"], data_json=_script_safe_json(data), library=library, app=app,
        csp_scripts=f"{_csp_hash(library)} {_csp_hash(app)}")


def write_page(G: nx.MultiDiGraph, output: Path, *, view: str = "bodies-programs", programs: Iterable[str] = (),
               organizations: Iterable[str] = (), radius: int = 1, max_nodes: int = MAX_NODES,
               notes: Iterable[str] = ()) -> View:
    """Draw a view of G into output (written atomically); the view drawn, with its notes (notes
    given here come first: what G itself was chosen by, such as plan years)."""
    from .workspace import write_atomically

    if view not in VIEW_BUILDERS:
        raise SelectionError(f"unknown view {view!r} (choose from: {', '.join(VIEWS)})")
    chosen = VIEW_BUILDERS[view](G, list(programs), list(organizations), radius)
    chosen.notes[:0] = list(notes)
    chosen = reduce(chosen, G, view, max_nodes)
    html = render(chosen, view)
    output.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(output, html.encode("utf-8"))
    return chosen
