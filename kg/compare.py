"""Comparisons of plans: the programs one plan adds, drops or keeps against another, and the
targets two plans set on the same metric with different values, each with its evidence.

A plan is named by any of its files' names (the ``source`` column lists them, joined by ``|``),
such a name without its suffix, its
document IRI, or its issuing body's name (共青团南昌市委, or the region, 南昌市) with ``@YEAR``
when the body has plans of several years. The examples run on ``example_graph()``, three small
plans (tests/fixtures/example_graph.nq).

>>> diff = compare_plans(example_graph(), "共青团宁波市委", "共青团南昌市委")
>>> [p["program"] for p in diff["added"]], [p["program"] for p in diff["dropped"]]
(['青年之家'], ['挑战杯'])
"""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

import networkx as nx

from .network import Evidence, nodes_of

CHANGES = ("added", "dropped", "kept", "target-changed", "target-same")
METRIC_NOISE_RE = re.compile(r"[\s“”‘’\"'「」『』《》（）()]|^\d{4}年度?")
YEAR_RE = re.compile(r"^(.*?)(?:[@:\s]+(\d{4}))?$")


def resolve_plan(G: nx.MultiDiGraph, ref: str) -> str:
    """The source (file name) of the plan a reference names; LookupError naming the choices.

    Examples
    --------
    >>> G = example_graph()
    >>> resolve_plan(G, "ningbo"), resolve_plan(G, "共青团南昌市委@2021"), resolve_plan(G, "平罗县")
    ('ningbo.txt', 'nanchang.txt', 'pingluo.txt')
    """
    documents = G.graph["documents"]
    exact = [s for s, d in documents.items() if ref == s or ref == d["document"] or ref in _file_names(s)]
    if len(exact) == 1:
        return exact[0]
    name, year = YEAR_RE.match(ref.strip()).groups()
    name = name.strip()

    def matches(d: dict, strict: bool) -> bool:
        names = (d["issuer"], d["region"])
        hit = name in names if strict else any(name and name in n for n in names + (d["title"],))
        return hit and (year is None or d["year"] == year)

    for strict in (True, False):
        found = sorted(s for s, d in documents.items() if matches(d, strict))
        if len(found) == 1:
            return found[0]
        if found:
            raise LookupError(f"{ref!r} names {len(found)} plans; name one: " + ", ".join(
                f"{s} ({documents[s]['issuer']}@{documents[s]['year']})" for s in found))
    raise LookupError(f"no plan {ref!r} in the workspace{_near_plan(documents, name, year)}. The plans: " + ", ".join(
        f"{s} ({d['issuer']}@{d['year']})" for s, d in documents.items()))


def _file_names(source: str) -> set[str]:
    """Each file name of a plan's ``source`` (several files joined by ``|``) and its stem."""
    files = source.split("|")
    return set(files) | {f.rsplit(".", 1)[0] for f in files}


def _near_plan(documents: dict, name: str, year: str | None) -> str:
    """What a plan reference that names nothing most likely meant: a body or region of that name
    in other years (naming the years present), else the nearest names."""
    from .suggest import hint

    of_name = sorted({d["year"] for d in documents.values() if name in (d["issuer"], d["region"])})
    if of_name:
        return f" ({name} has plans of {', '.join(y or '?' for y in of_name)}, not {year})"
    names = {n for d in documents.values() for n in (d["issuer"], d["region"]) if n}
    return hint(name, names)


def plan_programs(G: nx.MultiDiGraph, source: str) -> dict[str, list[Evidence]]:
    """The programs one plan pursues, by label, each with the sentences of that plan naming it.

    Examples
    --------
    >>> sorted(plan_programs(example_graph(), "ningbo.txt"))
    ['挑战杯', '青年大学习']
    """
    out: dict[str, list[Evidence]] = {}
    for u, v, k, d in G.edges(keys=True, data=True):
        if k == "pursues" and source in d["sources"]:
            out.setdefault(G.nodes[v]["label"], []).extend(e for e in d["evidence"] if e.source == source)
    return {p: sorted(e) for p, e in sorted(out.items())}


def plan_targets(G: nx.MultiDiGraph, source: str) -> list[dict]:
    """The quantitative targets of one plan: metric, comparator, value, unit, program, evidence.

    Examples
    --------
    >>> [(t["metric"], t["comparator"], t["value"], t["unit"]) for t in plan_targets(example_graph(), "pingluo.txt")]
    [('参学率', '>=', '50', '%')]
    """
    rows = []
    for t in nodes_of(G, "Target"):
        a = G.nodes[t]
        if source not in a["sources"] or not a.get("metric"):
            continue
        programs = sorted(G.nodes[p]["label"] for _, p, k in G.out_edges(t, keys=True) if k == "servesProgram")
        rows.append({"target": t, "metric": _first(a["metric"]), "comparator": a.get("comparator", ""),
                     "value": _number(a), "valueText": a.get("valueText", ""),
                     "unit": a.get("unitText", ""), "deadline": _first(a.get("deadline", "")),
                     "program": "|".join(programs), "source": source,
                     "evidence": [e for e in a["evidence"] if e.source == source]})
    rows.sort(key=lambda r: (int(_first(G.nodes[r["target"]].get("ordinal", "0")) or 0), r["target"]))
    return rows


def _number(attrs: dict) -> str:
    """A target's number: its schema:value (= or ~), or the bound it sets (minValue for >= and >,
    maxValue for <= and <)."""
    for name in ("value", "minValue", "maxValue"):
        if attrs.get(name, "") != "":
            return _first(attrs[name])
    return ""


def _first(value) -> str:
    return value[0] if isinstance(value, list) else value


def metric_key(metric: str) -> str:
    """A metric without quotes, brackets, spaces and a leading year, for matching.

    >>> metric_key("“学社衔接”率"), metric_key("2021年度毕业学生团员组织关系转接率")
    ('学社衔接率', '毕业学生团员组织关系转接率')
    """
    return METRIC_NOISE_RE.sub("", metric)


def _longest_common(a: str, b: str) -> int:
    best = 0
    prev = [0] * (len(b) + 1)
    for ca in a:
        cur = [0] * (len(b) + 1)
        for j, cb in enumerate(b, 1):
            if ca == cb:
                cur[j] = prev[j - 1] + 1
                best = max(best, cur[j])
        prev = cur
    return best


def metric_similarity(a: dict, b: dict) -> float:
    """How surely two targets measure the same thing, from 0 to 1.

    1.0 for the same metric and unit; 0.9 when one metric ends with the other; the share of the
    shorter metric that a common run of at least 4 characters covers when that is 60% or more;
    else 0 (also for different units).

    >>> metric_similarity({"metric": "“学社衔接”率", "unit": "%"}, {"metric": "学社衔接率", "unit": "%"})
    1.0
    >>> metric_similarity({"metric": "学社衔接率", "unit": "%"}, {"metric": "团员学社衔接率", "unit": "%"})
    0.9
    >>> metric_similarity({"metric": "参学率", "unit": "%"}, {"metric": "参学率", "unit": "人"})
    0.0
    """
    if a["unit"] != b["unit"]:
        return 0.0
    ka, kb = metric_key(a["metric"]), metric_key(b["metric"])
    if not ka or not kb:
        return 0.0
    if ka == kb:
        return 1.0
    if len(min(ka, kb, key=len)) >= 3 and (ka.endswith(kb) or kb.endswith(ka)):
        return 0.9      # the shorter is the head of the longer: 学社衔接率, 团员学社衔接率
    common = _longest_common(ka, kb)
    share = common / min(len(ka), len(kb))
    return round(share, 4) if common >= 4 and share >= 0.6 else 0.0


def _same_value(a: dict, b: dict) -> bool:
    try:
        return a["comparator"] == b["comparator"] and Decimal(a["value"]) == Decimal(b["value"])
    except InvalidOperation:
        return a["comparator"] == b["comparator"] and a["value"] == b["value"]


def match_targets(first: list[dict], second: list[dict]) -> list[tuple[dict, dict, float]]:
    """Pairs of targets on the same metric, each target in one pair at most, surest first.

    >>> a = [{"metric": "参学率", "unit": "%"}]
    >>> b = [{"metric": "青年大学习参学率", "unit": "%"}, {"metric": "参学人数", "unit": ""}]
    >>> [(x["metric"], y["metric"], s) for x, y, s in match_targets(a, b)]
    [('参学率', '青年大学习参学率', 0.9)]
    """
    candidates = sorted(((metric_similarity(a, b), i, j) for i, a in enumerate(first) for j, b in enumerate(second)),
                        key=lambda c: (-c[0], c[1], c[2]))
    used_a, used_b, pairs = set(), set(), []
    for score, i, j in candidates:
        if score <= 0:
            break
        if i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        pairs.append((first[i], second[j], score))
    return sorted(pairs, key=lambda p: (-p[2], metric_key(p[0]["metric"])))


def compare_plans(G: nx.MultiDiGraph, a: str, b: str) -> dict:
    """What plan b changes against plan a: programs added, dropped and kept, and targets on the
    same metric (with the same or different values), each with the sentences behind it.

    Parameters
    ----------
    G : the plans graph
    a, b : the two plans, as :func:`resolve_plan` reads them (a the earlier or the reference)

    Returns
    -------
    dict
        ``a`` and ``b`` (source, issuer, year, title, level, region of each plan); ``added``,
        ``dropped`` and ``kept``: lists of ``{"program", "a", "b"}`` with the evidence lists of
        each side (empty on the side that lacks it); ``targets``: lists of ``{"metric", "program",
        "a", "b", "similarity", "changed"}`` where ``a`` and ``b`` are the two targets.

    Examples
    --------
    >>> diff = compare_plans(example_graph(), "pingluo.txt", "nanchang.txt")
    >>> [p["program"] for p in diff["kept"]]
    ['青年大学习']
    >>> [(t["a"]["value"], t["b"]["value"], t["changed"]) for t in diff["targets"]]
    [('50', '60', True)]
    >>> diff["targets"][0]["b"]["evidence"][0].sentence
    '依托“青年之家”深化“青年大学习”，稳定60%以上的参学率。'
    """
    sa, sb = resolve_plan(G, a), resolve_plan(G, b)
    pa, pb = plan_programs(G, sa), plan_programs(G, sb)
    info = G.graph["documents"]
    out: dict = {"a": {"source": sa, **info[sa]}, "b": {"source": sb, **info[sb]}}
    out["added"] = [{"program": p, "a": [], "b": pb[p]} for p in sorted(set(pb) - set(pa))]
    out["dropped"] = [{"program": p, "a": pa[p], "b": []} for p in sorted(set(pa) - set(pb))]
    out["kept"] = [{"program": p, "a": pa[p], "b": pb[p]} for p in sorted(set(pa) & set(pb))]
    out["targets"] = [{"metric": ta["metric"], "program": ta["program"] or tb["program"], "a": ta, "b": tb,
                       "similarity": score, "changed": not _same_value(ta, tb)}
                      for ta, tb, score in match_targets(plan_targets(G, sa), plan_targets(G, sb))]
    return out


def target_variation(G: nx.MultiDiGraph) -> list[dict]:
    """Targets that several plans set on the same metric, grouped, to see how they differ.

    Returns
    -------
    list of dict
        One dict per group with ``metric`` (the shortest wording in the group), ``unit``,
        ``plans`` (how many), ``differs`` (whether the values differ) and ``targets`` (as
        :func:`plan_targets` gives them, plus ``issuer``, ``level``, ``region``, ``year``);
        groups whose values differ first.

    Examples
    --------
    >>> [group] = target_variation(example_graph())
    >>> group["metric"], [t["value"] for t in group["targets"]], group["differs"]
    ('参学率', ['60', '50'], True)
    """
    documents = G.graph["documents"]
    targets = [dict(t, **{k: documents[s][k] for k in ("issuer", "level", "region", "year")})
               for s in documents for t in plan_targets(G, s)]
    # Merge the surest pairs first; never put two different metrics of one plan in one group
    # (初中毕业班团学比 and 高中毕业班团学比 are alike as strings, and a plan that sets both says
    # they differ).
    members: dict[int, list[int]] = {i: [i] for i in range(len(targets))}
    group_of = list(range(len(targets)))
    pairs = sorted(((metric_similarity(a, b), i, j) for i, a in enumerate(targets)
                    for j, b in enumerate(targets) if i < j and a["source"] != b["source"]),
                   key=lambda c: (-c[0], c[1], c[2]))
    for score, i, j in pairs:
        if score <= 0:
            break
        gi, gj = group_of[i], group_of[j]
        if gi == gj or any(targets[x]["source"] == targets[y]["source"] and metric_similarity(targets[x], targets[y]) < 0.9
                           for x in members[gi] for y in members[gj]):
            continue
        for x in members[gj]:
            group_of[x] = gi
        members[gi].extend(members.pop(gj))
    out = []
    for indices in members.values():
        group = [targets[i] for i in sorted(indices)]
        sources = {t["source"] for t in group}
        if len(sources) < 2:
            continue
        differs = any(not _same_value(group[0], t) for t in group[1:])
        name = min((metric_key(t["metric"]) for t in group), key=lambda m: (len(m), m))
        out.append({"metric": name, "unit": group[0]["unit"], "plans": len(sources), "differs": differs,
                    "targets": group})
    out.sort(key=lambda g: (not g["differs"], -g["plans"], g["metric"]))
    return out
