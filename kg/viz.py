"""Interactive graph pages: pyvis networks written as one self-contained, offline HTML file.

Three views of the plans graph (:mod:`kg.network`):

``bodies-programs``  the bodies that issue plans and the programs they pursue (the default); when
                     that is more than a reader can take in, the leading programs (by the number
                     of bodies pursuing them) and the groups of bodies (levels, provinces) pursuing
                     each, the rest a search or an option away;
``full``             every entity: plans, bodies, work items, programs, targets, policies, regions;
``ego``              what lies around the programs and organizations asked for, centred on them,
                     in rings of one step each.

Nodes are coloured and shaped by class and sized by degree. The page draws the labels itself,
most important first (what was asked for, plans, issuing bodies, then by links), each only where
it does not cover another, so zooming in shows more of them. Every node and edge carries a
tooltip with the evidence quote and its source, and a click shows all of its evidence in a
side panel. Document text reaches the page only as JSON (with ``<``, ``>`` and ``&`` escaped)
that the page's script puts into the DOM as text, never as markup; the page's Content Security
Policy lets only its own two scripts run and loads nothing from the network.

Large graphs are reduced rather than drawn whole: a bodies × programs graph becomes its leading
programs, work items are folded into their plans, and then only the most connected nodes are
kept; the page says what was left out, and which options of ``kg viz`` narrow it.
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

from .layout import columns, positions, rings
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
LEVEL_CLASS = "Level"
STYLE[LEVEL_CLASS] = ("#8e1b10", "diamond", "◆")
CLASS_NAMES = {GROUP_CLASS: {"zh": "省份（聚合的团委）", "en": "bodies grouped by province"},
               LEVEL_CLASS: {"zh": "层级（聚合的团委）", "en": "bodies grouped by level"}}

# CJK fonts of Windows, macOS and Linux, in the page's CSS and on its canvas.
FONT_STACK = ('"PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", '
              '"WenQuanYi Micro Hei", sans-serif')

# A page draws a bodies × programs graph whole up to this many nodes and bodies; beyond, the
# leading programs and groups of bodies (a few dozen labelled nodes) answer "who pursues what".
READABLE_NODES = 300
READABLE_BODIES = 30
LEADING = 30

# Fields of the side panel in words; the ontology's own labels (G.graph["fields"]) come first.
FIELD_NAMES: dict[str, tuple[str, str]] = {
    "prefLabel": ("名称", "name"), "altLabel": ("别名", "also called"), "hiddenLabel": ("其他写法", "other spellings"),
    "rdfs_label": ("名称", "name"), "title": ("标题", "title"), "source": ("文件", "file"),
    "identifier": ("编号", "identifier"), "issued": ("印发日期", "issued"), "value": ("数值", "value"),
    "unitText": ("单位", "unit"), "sources": ("出处", "stated in"), "members": ("成员", "members"),
    "bodies": ("团组织数", "bodies pursuing it"), "provinces": ("各省团组织数", "bodies by province"),
    "levels": ("各层级团组织数", "bodies by level"), "plans": ("计划", "plans"), "bodyList": ("团组织", "bodies"),
    "programType": ("品牌项目类型", "program type"), "level": ("层级", "level"), "planYear": ("计划年度", "plan year"),
}


class SelectionError(LookupError):
    """A --program or --organization that names nothing in the graph."""


@dataclass
class View:
    """The part of the graph a page draws, what was left out, and how to narrow it.

    layout: "force" (a starting placement the browser's physics polishes), "columns" (groups of
    bodies left, programs right, ranked; fixed) or "rings" (the centres in the middle, each step
    away a ring; fixed). rest: programs not drawn, with the number of bodies pursuing each, for
    the page's search.
    """

    graph: nx.MultiDiGraph
    title: str
    notes: list[str] = field(default_factory=list)
    total_nodes: int = 0
    layout: str = "force"
    hints: list[tuple[str, str]] = field(default_factory=list)
    rest: list[tuple[str, int]] = field(default_factory=list)


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


BODIES_PROGRAMS_HINTS = [("--program NAME", "the bodies pursuing one program"), ("--organization NAME", "one body's programs"),
                         ("--year YEAR", "plans of one year"), ("--view ego --program NAME", "who pursues a program, and with what")]


def bodies_programs_view(G: nx.MultiDiGraph, programs: list[str], organizations: list[str], radius: int) -> View:
    bodies = set(issuers(G))
    if organizations:
        chosen = {n for o in organizations for n in find(G, o, ["Organization"])}
        if not chosen & bodies:
            raise SelectionError(f"{', '.join(organizations)} issues no plan in the workspace; bodies: "
                                 + ", ".join(G.nodes[b]["label"] for b in issuers(G)))
        bodies &= chosen
    wanted = {n for p in programs for n in find(G, p, ["Program"])} if programs else None
    if "ranking" in G.graph and not organizations and wanted is None:
        # the store ranked the programs and G holds the pursuits of those a leading-programs page
        # draws, which reads no more of G than its bodies, programs and pursuits: G need not be copied
        view = View(G, "团组织 × 工作品牌  Bodies × programs", [])
        view.graph.graph["asked"] = []
        view.hints = list(BODIES_PROGRAMS_HINTS)
        return view
    edges = [(u, v, k) for u, v, k in G.edges(keys=True)
             if k == "pursues" and u in bodies and (wanted is None or v in wanted)]
    nodes = {u for u, _, _ in edges} | {v for _, v, _ in edges} | (bodies if wanted is None else set())
    notes = []
    if organizations:
        notes.append("bodies: " + "、".join(G.nodes[b]["label"] for b in sorted(bodies)))
    if wanted is not None:
        notes.append("programs: " + "、".join(G.nodes[p]["label"] for p in sorted(wanted)))
    view = View(_sub(G, nodes, edges), "团组织 × 工作品牌  Bodies × programs", notes)
    view.graph.graph["asked"] = sorted(wanted or ())
    view.hints = list(BODIES_PROGRAMS_HINTS)
    return view


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
        view = View(_sub(G, nodes, edges), "全图  Full graph", notes)
        view.graph.graph["asked"] = sorted(wanted)
    else:
        view = View(_sub(G, nodes), "全图  Full graph", notes)
    view.hints = [("--organization NAME", "one body's plans"), ("--program NAME", "the work items serving a program"),
                  ("--year YEAR", "plans of one year"), ("--view ego --program NAME", "one program and what surrounds it")]
    return view


def ego_view(G: nx.MultiDiGraph, programs: list[str], organizations: list[str], radius: int) -> View:
    if not programs and not organizations:
        raise SelectionError("the ego view needs a centre: give --program or --organization")
    centres = {n for p in programs for n in find(G, p, ["Program"])}
    centres |= {n for o in organizations for n in find(G, o, ["Organization"])}
    U = G.to_undirected(as_view=True)
    nodes = set()
    for c in sorted(centres):
        nodes |= set(nx.single_source_shortest_path_length(U, c, cutoff=radius))
    view = View(_sub(G, nodes), f"{'、'.join(G.nodes[c]['label'] for c in sorted(centres))} 的邻域  Ego graph",
                layout="rings")
    view.graph.graph["centres"] = sorted(centres)
    step = nx.multi_source_dijkstra_path_length(U, centres, cutoff=radius)
    for n in view.graph:
        view.graph.nodes[n]["ring"] = step[n]
    view.notes.append(f"within {radius} step{'s' if radius != 1 else ''} of the centre")
    view.hints = [(f"--radius {radius + 1}", "one step further")] if radius < 3 else []
    view.hints += [("--year YEAR", "plans of one year"),
                   ("--view bodies-programs --program NAME", "only the bodies pursuing a program")]
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


def _level(H: nx.MultiDiGraph, body: str) -> str:
    level = H.nodes[body].get("level")
    return level if isinstance(level, str) and level in LEVEL_NAMES else ""


def _tally(counts: dict[str, int]) -> str:
    return "、".join(f"{name} {n}" for name, n in sorted(counts.items(), key=lambda x: (-x[1], x[0])))


def leading_programs(H: nx.MultiDiGraph, G: nx.MultiDiGraph, top: int, group_by: str) -> View:
    """The top programs of a bodies × programs graph by the number of bodies pursuing them, each
    linked to the groups of bodies pursuing it: the bodies themselves when they are few, else
    their levels or provinces (group_by). The programs left out are kept, ranked, for the search."""
    bodies = sorted((n for n in H if H.nodes[n]["cls"] == "Organization"), key=lambda n: (H.nodes[n]["label"], n))
    programs = [n for n in H if H.nodes[n]["cls"] == "Program"]
    pursuers = {p: {u for u, _, k in H.in_edges(p, keys=True) if k == "pursues"} for p in programs}
    plans = {p: {s for u, _, k, d in H.in_edges(p, keys=True, data=True) if k == "pursues" for s in d["sources"]}
             for p in programs}
    ranked = sorted(programs, key=lambda p: (-len(pursuers[p]), -len(plans[p]), H.nodes[p]["label"], p))
    shown, rest = ranked[:top], [(H.nodes[p]["label"], len(pursuers[p])) for p in ranked[top:]]
    if "ranking" in H.graph:        # H holds the leading programs only; the store ranked them all
        ranking = H.graph["ranking"]
        programs = ranking
        shown, rest = [r.program for r in ranking[:top]], [(r.label, r.bodies) for r in ranking[top:]]
    province = {b: _province(G, b) for b in bodies}
    if len(bodies) <= READABLE_BODIES:
        group = {b: b for b in bodies}
    elif group_by == "province":
        group = {b: f"group:{province[b]}" for b in bodies}
    else:
        group = {b: f"level:{_level(H, b) or 'unknown'}" for b in bodies}
    A = nx.MultiDiGraph()
    A.graph.update(H.graph)
    order = list(LEVEL_NAMES) + ["unknown"]
    for g in sorted(set(group.values()), key=lambda g: (order.index(g[6:]) if g.startswith("level:") else 0, g)):
        members = [b for b in bodies if group[b] == g]
        if g in H:
            A.add_node(g, **H.nodes[g])
            continue
        name = g.split(":", 1)[1]
        if g.startswith("level:"):
            label = f"{LEVEL_NAMES.get(name, '层级不明')}团委（{len(members)}）"
            A.add_node(g, cls=LEVEL_CLASS, label=label, level=name if name in LEVEL_NAMES else None,
                       provinces=_tally(_count(province[b] for b in members)))
        else:
            A.add_node(g, cls=GROUP_CLASS, label=f"{name}（{len(members)}）",
                       levels=_tally(_count(LEVEL_NAMES.get(_level(H, b), "层级不明") for b in members)))
        A.nodes[g].update(members=[H.nodes[b]["label"] for b in members], weight=len(members), evidence=[],
                          sources=sorted({s for b in members for s in H.nodes[b]["sources"]}))
    for p in shown:
        by_province = group_by != "province" or len(bodies) <= READABLE_BODIES
        extra = ({"provinces": _tally(_count(province[b] for b in pursuers[p]))} if by_province else
                 {"levels": _tally(_count(LEVEL_NAMES.get(_level(H, b), "层级不明") for b in pursuers[p]))})
        A.add_node(p, **H.nodes[p], bodies=len(pursuers[p]), weight=len(pursuers[p]), **extra)
    merged: dict[tuple[str, str], dict] = {}
    for u, v, k, d in H.edges(keys=True, data=True):     # in any order: what is gathered is sorted below
        if k == "pursues" and u in group and v in A:
            entry = merged.setdefault((group[u], v), {"evidence": set(), "sources": set(), "bodies": set()})
            entry["evidence"].update(d["evidence"])
            entry["sources"].update(d["sources"])
            entry["bodies"].add(H.nodes[u]["label"])
    for (g, v), e in sorted(merged.items()):
        if g.startswith(("group:", "level:")):
            A.add_edge(g, v, key="pursues", evidence=sorted(e["evidence"]), sources=sorted(e["sources"]),
                       bodies=sorted(e["bodies"]))
        else:
            A.add_edge(g, v, key="pursues", **H.edges[g, v, "pursues"])
    view = View(A, "主要工作品牌  Leading programs", layout="columns")
    view.rest = rest
    grouped = ("" if len(bodies) <= READABLE_BODIES
               else f", {len(bodies):,} bodies grouped by {'province' if group_by == 'province' else 'level'}")
    view.notes.append(f"the {len(shown)} programs most bodies pursue, of {len(programs):,}{grouped}; "
                      "search the box for any other")
    view.hints = [(f"--top {2 * top}", "more programs")]
    if len(bodies) > READABLE_BODIES:
        other = "level" if group_by == "province" else "province"
        view.hints.append((f"--group-by {other}", f"bodies grouped by {other}"))
    return view


def _count(names: Iterable[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for name in names:
        out[name] = out.get(name, 0) + 1
    return out


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


def reduce(view: View, G: nx.MultiDiGraph, view_name: str, max_nodes: int, top: int | None = None,
           group_by: str = "level") -> View:
    """Make the view one a reader can take in and that fits in max_nodes, saying on the page what
    was grouped, folded or left out. A bodies × programs graph larger than READABLE_NODES nodes
    or READABLE_BODIES bodies, or any when top is given, becomes its leading programs."""
    H = view.graph
    view.total_nodes = H.graph.get("bodies_programs_nodes") or H.number_of_nodes()
    bodies = sum(1 for n in H if H.nodes[n]["cls"] == "Organization")
    if view_name == "bodies-programs" and (top or bodies > READABLE_BODIES or "ranking" in H.graph
                                           or H.number_of_nodes() > min(READABLE_NODES, max_nodes)):
        summary = leading_programs(H, G, max(1, min(top or LEADING, max_nodes - min(bodies, READABLE_BODIES + 10))),
                                   group_by)
        summary.notes[:0] = view.notes
        summary.hints += view.hints
        summary.total_nodes = view.total_nodes
        return summary
    if view_name == "bodies-programs":
        view.hints.insert(0, (f"--top {LEADING}", f"only the {LEADING} programs most bodies pursue"))
    if H.number_of_nodes() <= max_nodes:
        pass
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


def add_evidence(H: nx.MultiDiGraph, read: Callable[[list[tuple[str, str]]], dict[tuple[str, str], list]]) -> None:
    """Fill the sentences of the pursues edges that have none, from the first plans stating each."""
    wanted = {(u, v, k): [(s, v) for s in d["sources"][:EVIDENCE_PER_EDGE]]
              for u, v, k, d in H.edges(keys=True, data=True) if k == "pursues" and not d["evidence"]}
    found = read([pair for pairs in wanted.values() for pair in pairs]) if wanted else {}
    for edge, pairs in wanted.items():
        H.edges[edge]["evidence"] = sorted({e for pair in pairs for e in found.get(pair, ())})


# -- the page ------------------------------------------------------------------------------------

def _clip(text: str, limit: int = LABEL_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _style(cls: str, classes: list[str]) -> tuple[str, str, str]:
    if cls in STYLE:
        return STYLE[cls]
    return FALLBACK[sorted(classes).index(cls) % len(FALLBACK)], "dot", "●"


def field_name(key: str, G: nx.MultiDiGraph) -> str:
    """A field of the panel in words, 中文 · English: the ontology's label, else the project's own
    table, else the attribute's name split into words."""
    names = G.graph.get("fields", {}).get(key) or {}
    zh, en = names.get("zh"), names.get("en")
    if not (zh and en) and key in FIELD_NAMES:
        zh, en = zh or FIELD_NAMES[key][0], en or FIELD_NAMES[key][1]
    if not en:
        en = "".join(" " + c.lower() if c.isupper() else c for c in key.replace("_", " ")).strip()
    return f"{zh} · {en}" if zh else en


def _node_facts(attrs: dict, G: nx.MultiDiGraph) -> list[list[str]]:
    skip = {"cls", "label", "evidence", "sources", "sha256", "mediaType", "encoding", "rdfs_label", "ordinal",
            "members", "weight", "ring"}
    facts = []
    for key, value in attrs.items():
        if key in skip or value in ("", [], None):
            continue
        if key == "level" and value in LEVEL_NAMES:
            value = f"{LEVEL_NAMES[value]} ({value})"
        facts.append([field_name(key, G), "、".join(value) if isinstance(value, list) else str(value)])
    if attrs.get("sources"):
        shown = attrs["sources"][:MEMBERS_SHOWN]
        more = f"… ({len(attrs['sources'])})" if len(attrs["sources"]) > len(shown) else ""
        facts.append([field_name("sources", G), "、".join(shown) + more])
    return facts


def _names_of(kind: str, G: nx.MultiDiGraph, name: str) -> dict[str, str]:
    return {**CLASS_NAMES.get(name, {}), **G.graph.get(kind, {}).get(name, {})}


# Which labels a page draws first: what was asked for, then by class, then by weight.
LABEL_ORDER = {"WorkPlan": 0, "Organization": 1, LEVEL_CLASS: 1, GROUP_CLASS: 1, "Program": 2, "Policy": 3,
               "Region": 4, "Target": 5, "Activity": 6, "Section": 7}


def page_data(view: View, view_name: str) -> dict:
    """The JSON the page draws: vis nodes and edges, the evidence behind them, the legend, and the
    order in which the page's script tries to place the labels (``rank``, most important first).

    Tooltips are composed by the page's script from the details, so no sentence is written twice.
    """
    H = view.graph
    classes = sorted({c for _, c in H.nodes(data="cls")})
    index = {n: i for i, n in enumerate(sorted(H, key=lambda n: (H.nodes[n]["cls"], H.nodes[n]["label"], n)))}
    centres = set(H.graph.get("centres", ()))
    asked = centres | set(H.graph.get("asked", ()))
    body_labels = {d["issuer"] for d in H.graph.get("documents", {}).values()}
    bodies = {n for n, a in H.nodes(data=True) if a["cls"] == "Organization" and a["label"] in body_labels}
    weight = {n: H.nodes[n].get("weight") or H.degree(n) for n in H}
    heaviest = max(weight.values(), default=1) or 1
    start = {"columns": columns, "rings": rings}.get(view.layout, positions)(H)
    importance = sorted(H, key=lambda n: (n not in asked, H.nodes[n].get("ring", 0),
                                          LABEL_ORDER.get(H.nodes[n]["cls"], 8) - (n in bodies), -weight[n],
                                          H.nodes[n]["label"], n))
    rank = {n: i for i, n in enumerate(importance)}
    reach = max((math.hypot(x, y) for x, y in start.values()), default=0.0)     # a centre stays visible
    side = {"columns": {LEVEL_CLASS: "l", GROUP_CLASS: "l", "Organization": "l", "Program": "r"}}.get(view.layout, {})
    nodes, node_details = [], []
    for n in sorted(index, key=index.get):
        a = H.nodes[n]
        colour, shape, _ = _style(a["cls"], classes)
        level = a.get("level") if n in bodies or a["cls"] == LEVEL_CLASS else None
        if isinstance(level, str) and level in LEVEL_SHADES:
            colour = LEVEL_SHADES[level]
        text = _clip(a["label"]) + (f"（{a['bodies']}）" if a["cls"] == "Program" and a.get("bodies") else "")
        size = (6 + 10 * math.sqrt(weight[n] / heaviest) if view.layout == "columns"
                else 8 + 5 * math.sqrt(min(H.degree(n), 400)))
        node = {"id": index[n], "text": text, "rank": rank[n], "shape": shape,
                "size": round(max(size + 6, 24, 0.04 * reach) if n in centres else size, 2),
                "color": {"background": colour, "border": "#222222" if n in asked else colour,
                          "highlight": {"background": colour, "border": "#000000"}},
                "borderWidth": 3 if n in asked else 1, "cls": a["cls"], "x": start[n][0], "y": start[n][1]}
        if n in asked:
            node["emph"] = 2
        elif a["cls"] in ("WorkPlan", LEVEL_CLASS, GROUP_CLASS) or n in bodies:
            node["emph"] = 1
        if a["cls"] in side:
            node["side"] = side[a["cls"]]
        if view.layout != "force" or n in centres:
            node["fixed"] = True
        nodes.append(node)
        node_details.append({"iri": n if not n.startswith(("group:", "level:")) else "", "cls": a["cls"],
                             "label": a["label"],
                             "level": LEVEL_NAMES.get(level, level) if level else "",
                             "type": a.get("programType", ""), "members": a.get("members", [])[:MEMBERS_SHOWN],
                             "memberCount": len(a.get("members", [])), "facts": _node_facts(a, H),
                             "evidence": [list(e) for e in a["evidence"][:EVIDENCE_PER_EDGE]]})
    edges, edge_details = [], []
    most = max((len(d.get("bodies") or d["sources"]) for _, _, d in H.edges(data=True)), default=1) or 1
    for i, (u, v, k, d) in enumerate(sorted(H.edges(keys=True, data=True),
                                            key=lambda e: (index[e[0]], index[e[1]], e[2]))):
        rel = _names_of("relations", H, k)
        count = len(d.get("bodies") or d["sources"]) or 1
        width = 0.5 + 5 * count / most if view.layout == "columns" else 1 + math.log2(count)
        edges.append({"id": i, "from": index[u], "to": index[v], "width": round(width, 2)})
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
    return {"view": view_name, "title": view.title, "notes": view.notes, "layout": view.layout,
            "total": view.total_nodes or H.number_of_nodes(), "nodes": nodes, "edges": edges,
            "centres": sorted(index[c] for c in centres), "font": FONT_STACK,
            "fields": {k: field_name(k, H) for k in ("plans", "bodyList", "sources")},
            "rest": [list(r) for r in view.rest],
            "details": {"nodes": node_details, "edges": edge_details}, "legend": legend,
            "levels": [{"level": k, "zh": LEVEL_NAMES[k], "colour": c} for k, c in LEVEL_SHADES.items()
                       if any(H.nodes[b].get("level") == k for b in bodies)]}


def vis_options(n_nodes: int, physics: bool = True) -> dict:
    """vis-network options: a force layout that polishes the starting layout (kg.layout), settles
    and then stops; fewer iterations for larger graphs keep a 2,000-node page to seconds. Fixed
    layouts (columns, rings) are drawn as placed. Labels are drawn by the page's own script."""
    iterations = 200 if n_nodes <= 300 else 100 if n_nodes <= 1000 else 60
    return {
        "autoResize": True,
        "layout": {"randomSeed": 7, "improvedLayout": False},
        "nodes": {"font": {"size": 14, "face": FONT_STACK}},
        "edges": {"smooth": False, "arrows": {"to": {"enabled": True, "scaleFactor": 0.4}},
                  "color": {"color": "#b5b5b5", "highlight": "#333333", "hover": "#555555"}},
        "physics": {"enabled": physics, "solver": "forceAtlas2Based",
                    "forceAtlas2Based": {"gravitationalConstant": -60, "centralGravity": 0.01,
                                         "springLength": 90, "springConstant": 0.08, "damping": 0.5,
                                         "avoidOverlap": 0},
                    "maxVelocity": 60, "minVelocity": 1, "timestep": 0.4,
                    "stabilization": {"enabled": physics, "iterations": iterations, "updateInterval": 25,
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
    net.options = vis_options(len(net.nodes), physics=view.layout == "force")
    nodes, edges, _, _, _, options = net.get_network_data()
    data.update(nodes=nodes, edges=edges, options=json.loads(options))
    env = Environment(loader=FileSystemLoader(str(TEMPLATE.parent)), autoescape=True, keep_trailing_newline=True)
    library, app = _vis_library(), _app_script()
    return env.get_template(TEMPLATE.name).render(
        title=data["title"], notes=data["notes"], hints=view.hints, font=FONT_STACK,
        data_json=_script_safe_json(data), library=library, app=app,
        csp_scripts=f"{_csp_hash(library)} {_csp_hash(app)}")


def leading_pursuits(ws, years: Iterable[str | int] | None, top: int | None, max_nodes: int = MAX_NODES
                     ) -> nx.MultiDiGraph | None:
    """The pursuits a leading-programs page draws, ranked in the store (:mod:`kg.views`); None
    when the bodies × programs page would be drawn whole."""
    from .views import leading_pursuits as read

    return read(ws, years, top, max_nodes, READABLE_NODES, READABLE_BODIES, LEADING)


def write_page(G: nx.MultiDiGraph, output: Path, *, view: str = "bodies-programs", programs: Iterable[str] = (),
               organizations: Iterable[str] = (), radius: int = 1, max_nodes: int = MAX_NODES,
               notes: Iterable[str] = (), top: int | None = None, group_by: str | None = None,
               evidence: Callable[[list[tuple[str, str]]], dict[tuple[str, str], list]] | None = None) -> View:
    """Draw a view of G into output (written atomically); the view drawn, with its notes (notes
    given here come first: what G itself was chosen by, such as plan years).

    top: draw the bodies × programs view as its top programs (see :func:`leading_programs`),
    which it becomes anyway when too large to read; group_by: "level" or "province", how many
    bodies are grouped there (default: province when programs are asked for, else level); evidence:
    for a graph whose ``pursues`` edges come without their sentences (kg.network.pursuit_graph),
    what reads them, given (plan source, program) pairs, for the edges the page draws."""
    from .workspace import write_atomically

    programs, organizations = list(programs), list(organizations)
    if view not in VIEW_BUILDERS:
        raise SelectionError(f"unknown view {view!r} (choose from: {', '.join(VIEWS)})")
    chosen = VIEW_BUILDERS[view](G, list(programs), list(organizations), radius)
    chosen.notes[:0] = list(notes)
    group_by = group_by or ("province" if programs else "level")
    chosen = reduce(chosen, G, view, max_nodes, top=top, group_by=group_by)
    if evidence is not None:
        add_evidence(chosen.graph, evidence)
    html = render(chosen, view)
    output.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(output, html.encode("utf-8"))
    return chosen
