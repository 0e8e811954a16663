"""Scoring: the rows of the workspace's canned queries against the gold, with the gold scorer's
figures, rounding and names."""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from .gold import Gold, as_number, document_key

QUERIES = ("documents", "pursues", "targets", "responsibilities")
QUOTES = "“”‘’\"'「」『』《》〈〉"
# Units that mean the same, and scale words folded into the value (10万 人 is 100000 人).
UNIT = {"％": "%", "名": "人", "位": "人", "场次": "场", "人次": "人次"}
SCALE = {"万": 1e4, "亿": 1e8, "千": 1e3, "百": 1e2}
# A task table names its own issuer generically (团县委 for the county committee issuing the
# plan); gold writes the unit as the table does, and the issuer's names count for it.
ISSUER_IN_TABLE = ("县团委", "团县委", "团市委", "团省委")
FIELDS = ("issuer", "year", "doc_number", "issued")

Rows = dict[str, list[dict[str, str]]]


@dataclass
class Scores:
    """The figures of one scoring, each section as the gold scorer gives it, and per document
    what the gold has that the workspace lacks (``missed``), the reverse (``extra``) and the
    targets found whose attributes differ (``differs``)."""
    documents: dict
    pursues: dict
    core: dict
    identity: dict
    targets: dict
    responsibilities: dict
    per_document: dict[str, dict] = field(default_factory=dict)

    def summary(self) -> dict[str, float]:
        """The headline figures under the gold scorer's JSON names."""
        t = self.targets
        return {"documents": self.documents["accuracy"], "pursues_p": self.pursues["p"],
                "pursues_r": self.pursues["r"], "pursues_f1": self.pursues["f1"],
                "core_recall": self.core["recall"], "identity": self.identity["share"],
                "targets_p": t["p"], "targets_r": t["r"], "targets_f1": t["f1"],
                "comparator": t["comparator_accuracy"], "target_metric": t["metric_overlap"],
                "target_program": t["program_link"], "target_deadline": t["deadline"],
                "responsibilities_f1": self.responsibilities["f1"]}


# -- reading the workspace --------------------------------------------------------------------------

def read_workspace(db: Path, engine: str = "sparql") -> Rows:
    """The rows of the canned queries the scoring reads, each row a dict of plain strings, as
    ``kg query NAME --format csv`` prints them. LookupError when there is no workspace."""
    from ..engines import run_canned

    rows: Rows = {}
    for name in QUERIES:
        columns, found = run_canned(name, engine, db)
        rows[name] = [dict(zip(columns, ("" if v is None else v for v in row))) for row in found]
    return rows


# -- scoring ------------------------------------------------------------------------------------------

def norm(s: str | None) -> str:
    """A name compared: NFKC, without spaces and quotes, case folded.

    >>> norm("“青年大学习” 行动") == norm("青年大学习行动")
    True
    """
    s = unicodedata.normalize("NFKC", s or "")
    return "".join(ch for ch in s if not ch.isspace() and ch not in QUOTES).casefold()


def prf(tp: int, n_pred: int, n_gold: int) -> dict:
    """Precision, recall and F1 rounded to three places, with the counts behind them.

    >>> prf(3, 4, 5)
    {'p': 0.75, 'r': 0.6, 'f1': 0.667, 'tp': 3, 'pred': 4, 'gold': 5}
    """
    p = tp / n_pred if n_pred else (1.0 if not n_gold else 0.0)
    r = tp / n_gold if n_gold else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"p": round(p, 3), "r": round(r, 3), "f1": round(f, 3), "tp": tp, "pred": n_pred, "gold": n_gold}


def value_unit(value, unit) -> tuple[float | None, str]:
    """A target's value with 万/亿/千/百 folded in, and its unit in one spelling.

    >>> value_unit("1.2", "万名"), value_unit("90", "％")
    ((12000.0, '人'), (90.0, '%'))
    """
    v = as_number(value)
    if v is None:
        return None, ""
    u = unicodedata.normalize("NFKC", (unit or "").strip())
    while u[:1] in SCALE and len(u) > 1:
        v *= SCALE[u[0]]
        u = u[1:]
    return v, UNIT.get(u, u)


def dice(a: str, b: str) -> float:
    """The overlap of two wordings' characters (Dice coefficient), quotes and spaces aside."""
    x, y = set(norm(a)), set(norm(b))
    return 2 * len(x & y) / (len(x) + len(y)) if x or y else 1.0


def _issuer_names(doc: dict) -> set[str]:
    issuer = doc["issuer"]
    return {norm(issuer["label"])} | {norm(a) for a in issuer.get("aliases") or []}


def _program_names(program: dict, entry: dict | None = None) -> set[str]:
    names = {norm(program["label"])} | {norm(a) for a in program.get("aliases") or []}
    if entry:
        names |= {norm(s) for s in entry.get("surface") or []}
    return names


def _by_document(rows: list[dict]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for row in rows:
        out.setdefault(document_key(row.get("source", "")), []).append(row)
    return out


def score(workspace: Rows, gold: Gold) -> Scores:
    """Score the workspace's rows (:func:`read_workspace`) against the gold documents."""
    listed = {document_key(r.get("source", "")) for r in workspace.get("documents", [])}
    per_document = {key: {"gold_file": str(gold.files.get(key, "")), "in_workspace": key in listed,
                          "pursues": None, "targets": None, "responsibilities": None,
                          "missed": {}, "extra": {}, "differs": {}}
                    for key in gold.documents}
    documents = _score_documents(workspace.get("documents", []), gold, per_document)
    pursues, core, identity = _score_pursues(workspace.get("pursues", []), gold, per_document)
    targets = _score_targets(workspace.get("targets", []), gold, per_document)
    responsibilities = _score_responsibilities(workspace.get("responsibilities", []), gold, per_document)
    return Scores(documents, pursues, core, identity, targets, responsibilities, per_document)


def _score_documents(rows: list[dict], gold: Gold, per_document: dict) -> dict:
    right = dict.fromkeys(FIELDS, 0)
    total = dict.fromkeys(FIELDS, 0)
    by_source = {document_key(r.get("source", "")): r for r in rows}
    for key, doc in gold.documents.items():
        row = by_source.get(key, {})
        said = {"issuer": row.get("issuer") or "", "year": str(row.get("year", "")).strip()[:4],
                "doc_number": row.get("doc_number") or "", "issued": str(row.get("issued", "")).strip()[:10]}
        checks = {"issuer": (doc["issuer"]["label"], norm(said["issuer"]) in _issuer_names(doc)),
                  "year": (str(doc["plan_year"]), said["year"] == str(doc["plan_year"]))}
        if doc.get("doc_number"):
            checks["doc_number"] = (doc["doc_number"], norm(said["doc_number"]) == norm(doc["doc_number"]))
        if doc.get("issued_date"):
            checks["issued"] = (doc["issued_date"], said["issued"] == doc["issued_date"])
        wrong = []
        for name, (want, ok) in checks.items():
            total[name] += 1
            right[name] += ok
            if not ok:
                wrong.append({"field": name, "gold": want, "workspace": said[name]})
        per_document[key]["missed"]["metadata"] = wrong
    n = sum(total.values())
    return {"accuracy": round(sum(right.values()) / n, 3) if n else 1.0, "right": sum(right.values()), "of": n,
            "fields": {k: f"{right[k]}/{total[k]}" for k in FIELDS}}


def _score_pursues(rows: list[dict], gold: Gold, per_document: dict) -> tuple[dict, dict, dict]:
    programs = gold.programs
    tp = pred = n_gold = core_hit = core_total = 0
    matched_labels: dict[str, set[str]] = {}
    by_document = _by_document(rows)
    for key, doc in gold.documents.items():
        issuers = _issuer_names(doc)
        predicted = {r["program"] for r in by_document.get(key, []) if norm(r.get("organization")) in issuers}
        entries = {e["id"]: e for e in doc["programs"]}
        neutral = {norm(x) for x in doc.get("neutral") or []}
        found, extra = set(), []
        for label in sorted(predicted):
            n = norm(label)
            hit = next((pid for pid, e in entries.items() if n in _program_names(programs[pid], e)), None)
            if hit:
                found.add(hit)
                matched_labels.setdefault(hit, set()).add(label)
            elif n not in neutral:
                extra.append(label)
        tp += len(found)
        pred += len(found) + len(extra)
        n_gold += len(entries)
        core = [pid for pid, e in entries.items() if e.get("tier") == "core"]
        core_total += len(core)
        core_hit += sum(pid in found for pid in core)
        detail = per_document[key]
        detail["pursues"] = prf(len(found), len(found) + len(extra), len(entries))
        detail["missed"]["programs"] = sorted(programs[pid]["label"] for pid in entries if pid not in found)
        detail["extra"]["programs"] = extra
    several = {pid for pid in matched_labels
               if sum(pid in {e["id"] for e in d["programs"]} for d in gold.documents.values()) > 1}
    consistent = sum(len(matched_labels[pid]) == 1 for pid in several)
    return (prf(tp, pred, n_gold),
            {"recall": round(core_hit / core_total, 3) if core_total else 1.0, "hit": core_hit, "of": core_total},
            {"share": round(consistent / len(several), 3) if several else 1.0, "consistent": consistent,
             "of": len(several)})


def _score_targets(rows: list[dict], gold: Gold, per_document: dict) -> dict:
    programs = gold.programs
    tp = pred = n_gold = comparator_ok = link_ok = deadline_ok = 0
    metric_sum = 0.0
    by_document = _by_document(rows)
    for key, doc in gold.documents.items():
        got = [(value_unit(r.get("value"), r.get("unit")), (r.get("comparator") or "").strip(), r)
               for r in by_document.get(key, [])]
        got = [g for g in got if g[0][0] is not None]
        want = [(value_unit(t["value"], t["unit"]), t["comparator"], t) for t in doc["targets"]]
        used: set[int] = set()
        found, missed, differs = 0, [], []
        for (wv, wu), wc, t in want:
            idx = next((i for i, ((gv, gu), _, _) in enumerate(got)
                        if i not in used and abs(gv - wv) <= 1e-9 * max(1.0, abs(wv))
                        and (gu == wu or not gu or not wu)), None)
            if idx is None:
                missed.append(t["evidence"])
                continue
            used.add(idx)
            found += 1
            row = got[idx][2]
            comparator_ok += _differs(differs, t, "comparator", wc, got[idx][1], got[idx][1] == wc)
            metric_sum += dice(row.get("metric", ""), t["metric"])
            said = norm(row.get("program"))
            linked = (not said) if not t.get("program") else said in _program_names(programs[t["program"]])
            link_ok += _differs(differs, t, "program", programs[t["program"]]["label"] if t.get("program") else "",
                                row.get("program") or "", linked)
            due, want_due = norm(row.get("deadline")), norm(t.get("deadline"))
            on_time = (not due) if not want_due else bool(due) and (want_due in due or due in want_due)
            deadline_ok += _differs(differs, t, "deadline", t.get("deadline") or "", row.get("deadline") or "",
                                    on_time)
        tp += found
        pred += len(got)
        n_gold += len(want)
        detail = per_document[key]
        detail["targets"] = prf(found, len(got), len(want))
        detail["missed"]["targets"] = missed
        detail["extra"]["targets"] = [_target(g[2]) for i, g in enumerate(got) if i not in used]
        detail["differs"]["targets"] = differs
    out = prf(tp, pred, n_gold)
    out["comparator_accuracy"] = round(comparator_ok / tp, 3) if tp else 0.0
    out["metric_overlap"] = round(metric_sum / tp, 3) if tp else 0.0
    out["program_link"] = round(link_ok / tp, 3) if tp else 0.0
    out["deadline"] = round(deadline_ok / tp, 3) if tp else 0.0
    return out


def _differs(differs: list, target: dict, name: str, want: str, said: str, ok: bool) -> bool:
    if not ok:
        differs.append({"target": target["evidence"], "field": name, "gold": want, "workspace": said})
    return ok


def _target(row: dict) -> dict:
    return {k: row.get(k) or "" for k in ("metric", "comparator", "value", "unit", "evidence")}


def _score_responsibilities(rows: list[dict], gold: Gold, per_document: dict) -> dict:
    tp = pred = n_gold = 0
    by_document = _by_document(rows)
    for key, doc in gold.documents.items():
        table = doc.get("task_table") or []
        detail = per_document[key]
        detail["missed"]["responsibilities"], detail["extra"]["responsibilities"] = [], []
        if not table:
            continue
        issuers = _issuer_names(doc)
        got: dict[tuple[str, str], str] = {}
        for r in by_document.get(key, []):
            item, unit = str(r.get("item", "")).strip(), r.get("organization") or ""
            if item and norm(unit):
                got.setdefault((item, norm(unit)), unit)
        want = []
        for row in table:
            for unit in row["units"]:
                names = {norm(unit)} | (issuers if unit in ISSUER_IN_TABLE else set())
                want.append((str(row["item"]), unit, names))
        hit = [any(g[0] == item and g[1] in names for g in got) for item, _, names in want]
        tp += sum(hit)
        pred += len(got)
        n_gold += len(want)
        detail["responsibilities"] = prf(sum(hit), len(got), len(want))
        detail["missed"]["responsibilities"] = [{"item": item, "unit": unit}
                                                for (item, unit, _), ok in zip(want, hit) if not ok]
        detail["extra"]["responsibilities"] = [
            {"item": item, "organization": label} for (item, n), label in got.items()
            if not any(w_item == item and n in names for w_item, _, names in want)]
    return prf(tp, pred, n_gold)
