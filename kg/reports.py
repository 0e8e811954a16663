"""The analyses as tables for ``kg stats TABLE`` and ``kg compare``, one registry of names.

Each table is a list of rows (dicts) under named columns. A row's values are plain: text,
numbers, lists of text, and lists of :class:`~kg.network.Evidence`. JSON keeps them as they are
(evidence as objects with source, year, offsets, quote and sentence); CSV and the terminal table
flatten them: a list to its items joined by ``|``, evidence to its first sentence.
"""
from __future__ import annotations

import csv
import io
import json
from typing import Callable

import networkx as nx

from . import analysis, compare
from .network import Evidence
from .results import as_table

Rows = tuple[list[str], list[dict]]


def _matrix(G: nx.MultiDiGraph) -> Rows:
    info = {d["issuer"]: d for d in G.graph["documents"].values()}
    years: dict[str, set[str]] = {}
    for d in G.graph["documents"].values():
        years.setdefault(d["issuer"], set()).add(d["year"])
    rows = []
    for body, programs in analysis.bodies_programs(G).items():
        for program, evidence in programs.items():
            sources = sorted({e.source for e in evidence})
            rows.append({"body": body, "level": info.get(body, {}).get("level", ""),
                         "region": info.get(body, {}).get("region", ""), "program": program,
                         "plans": len(sources), "years": sorted({e.year for e in evidence}),
                         "source": sources, "evidence": evidence})
    return ["body", "level", "region", "program", "plans", "years", "source", "evidence"], rows


def _programs(G: nx.MultiDiGraph) -> Rows:
    rows = [{**{k: r[k] for k in ("rank", "program", "type", "bodies", "plans", "organizations")},
             "source": r["sources"]} for r in analysis.program_ranking(G)]
    return ["rank", "program", "type", "bodies", "plans", "organizations", "source"], rows


def _cooccurrence(G: nx.MultiDiGraph) -> Rows:
    rows = [{"program_a": r["programs"][0], "program_b": r["programs"][1], "items": r["items"],
             "plans": r["plans"], "source": r["sources"], "evidence": r["evidence"]}
            for r in analysis.cooccurrence(G)]
    return ["program_a", "program_b", "items", "plans", "source", "evidence"], rows


def _centrality(G: nx.MultiDiGraph) -> Rows:
    return ["node", "class", "degree", "betweenness", "eigenvector"], analysis.centrality(G)


def _adoption(key: str, fn: Callable[[nx.MultiDiGraph], list[dict]]) -> Callable[[nx.MultiDiGraph], Rows]:
    def table(G: nx.MultiDiGraph) -> Rows:
        rows = [{**{k: r[k] for k in ("program", key, "bodies", "of", "share")}, "source": r["sources"]}
                for r in fn(G)]
        return ["program", key, "bodies", "of", "share", "source"], rows
    return table


def _targets(G: nx.MultiDiGraph) -> Rows:
    rows = []
    for n, group in enumerate(compare.target_variation(G), 1):
        for t in group["targets"]:
            rows.append({"group": n, "metric": group["metric"], "differs": group["differs"],
                         "organization": t["issuer"], "level": t["level"], "region": t["region"],
                         "year": t["year"], "wording": t["metric"], "comparator": t["comparator"],
                         "value": t["value"], "unit": t["unit"], "program": t["program"],
                         "source": t["source"], "evidence": t["evidence"]})
    return ["group", "metric", "differs", "organization", "level", "region", "year", "wording", "comparator",
            "value", "unit", "program", "source", "evidence"], rows


TABLES: dict[str, tuple[str, Callable[[nx.MultiDiGraph], Rows]]] = {
    "matrix": ("bodies × programs: one row per body and program it pursues, with the evidence", _matrix),
    "programs": ("programs ranked by the number of bodies that pursue them", _programs),
    "cooccurrence": ("pairs of programs one work item serves together", _cooccurrence),
    "centrality": ("degree, betweenness and eigenvector centrality of organizations and programs", _centrality),
    "levels": ("adoption of each program by region level (province, prefecture, county)",
               _adoption("level", analysis.adoption_by_level)),
    "years": ("adoption of each program by plan year", _adoption("year", analysis.adoption_by_year)),
    "targets": ("targets several plans set on the same metric, and whether their values differ", _targets),
}


def compare_rows(diff: dict) -> Rows:
    """:func:`kg.compare.compare_plans` as one row per difference."""
    rows = []
    for change in ("added", "dropped", "kept"):
        for p in diff[change]:
            rows.append({"change": change, "program": p["program"], "metric": "", "a_value": "", "b_value": "",
                         "similarity": "", "a_source": diff["a"]["source"] if p["a"] else "", "a_evidence": p["a"],
                         "b_source": diff["b"]["source"] if p["b"] else "", "b_evidence": p["b"]})
    for t in diff["targets"]:
        rows.append({"change": "target-changed" if t["changed"] else "target-same", "program": t["program"],
                     "metric": t["metric"] if t["a"]["metric"] == t["b"]["metric"]
                     else f"{t['a']['metric']} | {t['b']['metric']}",
                     "a_value": target_value(t["a"]), "b_value": target_value(t["b"]),
                     "similarity": t["similarity"], "a_source": diff["a"]["source"], "a_evidence": t["a"]["evidence"],
                     "b_source": diff["b"]["source"], "b_evidence": t["b"]["evidence"]})
    return ["change", "program", "metric", "a_value", "b_value", "similarity", "a_source", "a_evidence",
            "b_source", "b_evidence"], rows


def target_value(t: dict) -> str:
    """A target's goal as people write it: ``>=98%``, ``~150亩``.

    >>> target_value({"comparator": ">=", "value": "98", "unit": "%"})
    '>=98%'
    """
    return f"{'' if t['comparator'] == '=' else t['comparator']}{t['value']}{t['unit']}"


# -- output --------------------------------------------------------------------------------------

def _flat(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        if value and isinstance(value[0], Evidence):
            return value[0].sentence
        return "|".join(map(str, value))
    return str(value)


def _plain(value):
    if isinstance(value, Evidence):
        return value._asdict()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def as_csv(columns: list[str], rows: list[dict]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(columns)
    w.writerows([_flat(r.get(c, "")) for c in columns] for r in rows)
    return buf.getvalue()


def as_json(columns: list[str], rows: list[dict]) -> str:
    return json.dumps([{c: _plain(r.get(c, "")) for c in columns} for r in rows], ensure_ascii=False,
                      indent=1) + "\n"


def as_text(columns: list[str], rows: list[dict]) -> str:
    return as_table(columns, [[_flat(r.get(c, "")) for c in columns] for r in rows])


FORMATS: dict[str, Callable[[list[str], list[dict]], str]] = {"table": as_text, "csv": as_csv, "json": as_json}


def stats_output(ws, table: str | None, fmt: str) -> str:
    """``kg stats [TABLE] --format FMT``: one table in full, or with no TABLE (JSON only) the counts
    by class and the program ranking. LookupError naming the choices for anything else."""
    from .network import from_workspace
    from .summary import class_counts

    names = ["classes", *TABLES]
    if table is not None and table not in names:
        from .suggest import hint
        raise LookupError(f"no table {table!r} (choose from: {', '.join(names)})" + hint(table, names))
    if table is None and fmt != "json":
        raise LookupError(f"{fmt.upper()} holds one table: name one of {', '.join(names)}")
    classes = (["class", "count"], [{"class": c, "count": n} for c, n in class_counts(ws)])
    if table == "classes":
        return FORMATS[fmt](*classes)
    G = from_workspace(ws)
    if table is None:
        return json.dumps({"classes": dict((r["class"], r["count"]) for r in classes[1]),
                           "programs": json.loads(as_json(*_programs(G)))}, ensure_ascii=False, indent=1) + "\n"
    return FORMATS[fmt](*TABLES[table][1](G))
