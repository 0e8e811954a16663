"""Scoring a workspace against gold annotations: how well the tool read a set of annotated plans.

Gold is a folder holding one JSON file per document and ``programs.json``, the programs the
documents' annotations name (``[{"id", "label", "aliases"}]``). A document's file gives:

- ``file``: the plan's file name, which finds its document in the workspace (the name up to
  its first dot, as in the ``source`` column);
- ``issuer`` (``{"label", "aliases"}``), ``plan_year``, and where the plan states them
  ``doc_number`` (文号) and ``issued_date`` (YYYY-MM-DD);
- ``programs``: ``[{"id", "tier", "surface"}]``, the programs the issuer pursues (``tier``
  ``core`` for the well-known ones; ``surface`` the wordings this plan uses); ``neutral``:
  names that count neither way when listed;
- ``targets``: ``[{"metric", "comparator", "value", "unit", "program", "deadline", "evidence"}]``;
- ``task_table``: ``[{"item", "units"}]``, each row's 序号 and responsible units.

What is scored, over the gold documents only (workspace documents without gold are left out;
a gold document missing from the workspace counts as found in nothing):

- documents: issuer, plan year, 文号 and issue date, accuracy over the fields the gold states;
- pursues: (issuer, program) pairs, precision, recall and F1; programs-core: the recall of the
  core programs; identity: the share of programs seen in several documents that carry one
  label;
- targets: (value, unit) pairs, P/R/F1; on the targets found, the comparator, the metric's
  wording (character overlap), the program served and the deadline;
- responsibilities: (task-table item, responsible unit) pairs, P/R/F1.

The figures, their rounding and their names are those of the project's gold scorer, so the
two agree on the same workspace.
"""
from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path, PurePath

QUERIES = ("documents", "pursues", "targets", "responsibilities")
PROGRAMS_FILE = "programs.json"
QUOTES = "“”‘’\"'「」『』《》〈〉"
# Units that mean the same, and scale words folded into the value (10万 人 is 100000 人).
UNIT = {"％": "%", "名": "人", "位": "人", "场次": "场", "人次": "人次"}
SCALE = {"万": 1e4, "亿": 1e8, "千": 1e3, "百": 1e2}
# A task table names its own issuer generically (团县委 for the county committee issuing the
# plan); gold writes the unit as the table does, and the issuer's names count for it.
ISSUER_IN_TABLE = ("县团委", "团县委", "团市委", "团省委")
FIELDS = ("issuer", "year", "doc_number", "issued")
COMPARATORS = (">=", ">", "<=", "<", "=", "~")

Rows = dict[str, list[dict[str, str]]]


class GoldError(ValueError):
    """Gold that cannot be scored: the message names the file and the problem."""


@dataclass(frozen=True)
class Gold:
    """Gold annotations: the programs by id, and each document's gold by document key."""
    programs: dict[str, dict]
    documents: dict[str, dict]
    files: dict[str, Path]


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


# -- reading gold ---------------------------------------------------------------------------------

def document_key(source: str) -> str:
    """The key that ties a gold file to its document: the file name up to its first dot.

    >>> document_key("plans/2021/deqing_2022.txt"), document_key("a.b.docx")
    ('deqing_2022', 'a')
    """
    return PurePath(source.replace("\\", "/")).name.split(".")[0]


def load_gold(path: Path) -> Gold:
    """Gold from a folder (every ``*.json`` beside ``programs.json``) or from one document's
    file (with ``programs.json`` in its folder). GoldError names the file and the problem."""
    path = Path(path)
    if not path.exists():
        raise GoldError(f"{path}: no such file or folder")
    if path.is_dir():
        folder, files = path, sorted(p for p in path.glob("*.json") if p.name != PROGRAMS_FILE)
        if not files:
            raise GoldError(f"{path}: no gold files (*.json beside {PROGRAMS_FILE})")
    else:
        if path.name == PROGRAMS_FILE:
            raise GoldError(f"{path}: this is the programs file; give a document's gold file or the folder")
        folder, files = path.parent, [path]
    programs = _programs(folder / PROGRAMS_FILE)
    documents: dict[str, dict] = {}
    sources: dict[str, Path] = {}
    for file in files:
        doc = _document(file, programs)
        key = document_key(doc["file"])
        if key in documents:
            raise GoldError(f"{file}: gold for {doc['file']!r} again (already in {sources[key]})")
        documents[key], sources[key] = doc, file
    return Gold(programs, documents, sources)


def _read_json(path: Path):
    if not path.is_file():
        raise GoldError(f"{path}: no such file (gold needs {PROGRAMS_FILE} beside the documents' files)")
    try:
        return json.loads(path.read_text("utf-8"))
    except UnicodeDecodeError as err:
        raise GoldError(f"{path}: not UTF-8 text ({err.reason} at byte {err.start})") from err
    except json.JSONDecodeError as err:
        raise GoldError(f"{path}: not valid JSON ({err.msg}, line {err.lineno} column {err.colno})") from err


class _Checker:
    """Checks the shape of one gold file; the first problem raises GoldError naming the file
    and where in it (``targets[2].value``)."""

    def __init__(self, file: Path):
        self.file = file

    def fail(self, where: str, problem: str):
        raise GoldError(f"{self.file}: {where}: {problem}")

    def obj(self, value, where: str) -> dict:
        if not isinstance(value, dict):
            self.fail(where, f"an object is needed, not {_kind(value)}")
        return value

    def items(self, value, where: str) -> list:
        if not isinstance(value, list):
            self.fail(where, f"a list is needed, not {_kind(value)}")
        return value

    def key(self, mapping: dict, name: str, where: str, optional: bool = False):
        if name not in mapping:
            if optional:
                return None
            self.fail(where or "the document", f"{name!r} is missing")
        return mapping[name]

    def text(self, mapping: dict, name: str, where: str, optional: bool = False, blank: bool = True) -> str | None:
        value = self.key(mapping, name, where, optional)
        if value is None and optional:
            return None
        if not isinstance(value, str) or (not blank and not value.strip()):
            self.fail(f"{where}.{name}" if where else name,
                      f"a {'non-empty ' if not blank else ''}text is needed, not {_kind(value)}")
        return value

    def texts(self, mapping: dict, name: str, where: str) -> None:
        value = mapping.get(name)
        if value is None:
            return
        at = f"{where}.{name}" if where else name
        for i, v in enumerate(self.items(value, at)):
            if not isinstance(v, str):
                self.fail(f"{at}[{i}]", f"a text is needed, not {_kind(v)}")


def _kind(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, str):
        return repr(value) if len(value) <= 20 else "a text"
    return {bool: "true/false", int: "a number", float: "a number", list: "a list", dict: "an object"}.get(
        type(value), type(value).__name__)


def _programs(path: Path) -> dict[str, dict]:
    check = _Checker(path)
    programs: dict[str, dict] = {}
    for i, prog in enumerate(check.items(_read_json(path), "the file")):
        where = f"[{i}]"
        check.obj(prog, where)
        pid = check.text(prog, "id", where, blank=False)
        check.text(prog, "label", where, blank=False)
        check.texts(prog, "aliases", where)
        if pid in programs:
            check.fail(f"{where}.id", f"{pid!r} is given twice")
        programs[pid] = prog
    return programs


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_YEAR = re.compile(r"\d{4}")


def _document(path: Path, programs: dict[str, dict]) -> dict:
    check = _Checker(path)
    doc = _read_json(path)
    if not isinstance(doc, dict):
        check.fail("the file", f"one JSON object per document is needed, not {_kind(doc)}")
    _check_metadata(check, doc)
    _check_programs(check, doc, programs)
    _check_targets(check, doc, programs)
    _check_task_table(check, doc)
    return doc


def _check_metadata(check: _Checker, doc: dict) -> None:
    check.text(doc, "file", "", blank=False)
    issuer = check.obj(check.key(doc, "issuer", ""), "issuer")
    check.text(issuer, "label", "issuer", blank=False)
    check.texts(issuer, "aliases", "issuer")
    year = check.key(doc, "plan_year", "")
    if isinstance(year, bool) or not _YEAR.fullmatch(str(year)):
        check.fail("plan_year", f"a year such as 2021 is needed, not {_kind(year)}")
    check.text(doc, "doc_number", "", optional=True)
    issued = check.text(doc, "issued_date", "", optional=True)
    if issued:
        try:
            if not _DATE.fullmatch(issued):
                raise ValueError
            dt.date.fromisoformat(issued)
        except ValueError:
            check.fail("issued_date", f"a date as YYYY-MM-DD is needed, not {issued!r}")


def _check_program_id(check: _Checker, programs: dict, mapping: dict, name: str, where: str,
                      optional: bool = False) -> None:
    pid = check.text(mapping, name, where, optional)
    if pid is not None and pid not in programs:
        check.fail(f"{where}.{name}", f"no program {pid!r} in {PROGRAMS_FILE}")


def _check_programs(check: _Checker, doc: dict, programs: dict) -> None:
    for i, entry in enumerate(check.items(check.key(doc, "programs", ""), "programs")):
        where = f"programs[{i}]"
        check.obj(entry, where)
        _check_program_id(check, programs, entry, "id", where)
        check.text(entry, "tier", where, optional=True)
        check.texts(entry, "surface", where)
    check.texts(doc, "neutral", "")


def _check_targets(check: _Checker, doc: dict, programs: dict) -> None:
    for i, target in enumerate(check.items(check.key(doc, "targets", ""), "targets")):
        where = f"targets[{i}]"
        check.obj(target, where)
        value = check.key(target, "value", where)
        if isinstance(value, bool) or _number(value) is None:
            check.fail(f"{where}.value", f"a number is needed, not {_kind(value)}")
        if "unit" not in target:
            check.fail(where, "'unit' is missing (null when the value has none)")
        check.text(target, "unit", where, optional=True)
        for name in ("metric", "comparator", "evidence"):
            check.text(target, name, where)
        if target["comparator"] not in COMPARATORS:
            check.fail(f"{where}.comparator", f"one of {' '.join(COMPARATORS)} is needed, not {target['comparator']!r}")
        _check_program_id(check, programs, target, "program", where, optional=True)
        check.text(target, "deadline", where, optional=True)


def _check_task_table(check: _Checker, doc: dict) -> None:
    for i, row in enumerate(check.items(doc.get("task_table") or [], "task_table")):
        where = f"task_table[{i}]"
        check.obj(row, where)
        item = check.key(row, "item", where)
        if isinstance(item, bool) or not isinstance(item, (str, int)):
            check.fail(f"{where}.item", f"the row's 序号 is needed, not {_kind(item)}")
        check.items(check.key(row, "units", where), f"{where}.units")
        check.texts(row, "units", where)


def _number(value) -> float | None:
    try:
        return float(str(value).replace(",", ""))
    except ValueError:
        return None


# -- reading the workspace --------------------------------------------------------------------------

def read_workspace(db: Path, engine: str = "sparql") -> Rows:
    """The rows of the canned queries the scoring reads, each row a dict of plain strings, as
    ``kg query NAME --format csv`` prints them. LookupError when there is no workspace."""
    from .engines import run_canned

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
    v = _number(value)
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


# -- rendering ------------------------------------------------------------------------------------

def as_json(scores: Scores) -> str:
    """The summary under the gold scorer's names, and the details under ``per_document``."""
    return json.dumps({**scores.summary(), "per_document": scores.per_document},
                      ensure_ascii=False, indent=1) + "\n"


def as_table(scores: Scores) -> str:
    """The figures in the gold scorer's lines, then each document's misses and extras."""
    m, p, c, i = scores.documents, scores.pursues, scores.core, scores.identity
    t, r = scores.targets, scores.responsibilities
    keys = list(scores.per_document)
    absent = [k for k in keys if not scores.per_document[k]["in_workspace"]]
    lines = [f"documents scored: {len(keys)} ({', '.join(keys)})"]
    if absent:
        lines.append(f"not in the workspace (counted as missed): {', '.join(absent)}")
    lines += [
        f"documents         accuracy {m['accuracy']:.3f}  "
        + "  ".join(f"{k} {v}" for k, v in m["fields"].items()),
        f"pursues           P {p['p']:.3f}  R {p['r']:.3f}  F1 {p['f1']:.3f}  "
        f"({p['tp']} right of {p['pred']} listed, {p['gold']} in gold)",
        f"programs-core     recall {c['recall']:.3f}  ({c['hit']}/{c['of']})",
        f"identity          {i['share']:.3f}  ({i['consistent']}/{i['of']} programs seen in several documents "
        "carry one label)",
        f"targets           P {t['p']:.3f}  R {t['r']:.3f}  F1 {t['f1']:.3f}  "
        f"({t['tp']} right of {t['pred']} listed, {t['gold']} in gold)  "
        f"comparator accuracy {t['comparator_accuracy']:.3f}",
        f"target attributes metric overlap {t['metric_overlap']:.3f}  program link {t['program_link']:.3f}  "
        f"deadline {t['deadline']:.3f}  (on the targets found)",
        f"responsibilities  P {r['p']:.3f}  R {r['r']:.3f}  F1 {r['f1']:.3f}  "
        f"({r['tp']} right of {r['pred']} listed, {r['gold']} in gold)",
    ]
    for key in keys:
        lines += ["", *_document_lines(key, scores.per_document[key])]
    return "\n".join(lines) + "\n"


def _document_lines(key: str, detail: dict) -> list[str]:
    head = f"[{key}] {detail['gold_file']}"
    if not detail["in_workspace"]:
        head += ": not in the workspace, everything below counts as missed"
    out = [head]
    missed, extra = detail["missed"], detail["extra"]
    for wrong in missed.get("metadata", []):
        out.append(f"  {wrong['field']}: gold {wrong['gold']}, workspace {wrong['workspace'] or '-'}")
    out.append(f"  programs missed: {'、'.join(missed.get('programs', [])) or '-'}")
    out.append(f"  programs not in gold: {'、'.join(extra.get('programs', [])) or '-'}")
    out.append(f"  targets missed: {' | '.join(missed.get('targets', [])) or '-'}")
    out.append("  targets not in gold: " + (" | ".join(
        f"{x['metric']} {x['comparator']} {x['value']}{x['unit']}" for x in extra.get("targets", [])) or "-"))
    for d in detail["differs"].get("targets", []):
        out.append(f"  target {d['field']} differs: {d['target']}: gold {d['gold'] or '-'}, "
                   f"workspace {d['workspace'] or '-'}")
    if detail.get("responsibilities") is not None:
        out.append("  responsibilities missed: " + ("、".join(
            f"{x['item']} {x['unit']}" for x in missed.get("responsibilities", [])) or "-"))
        out.append("  responsibilities not in gold: " + ("、".join(
            f"{x['item']} {x['organization']}" for x in extra.get("responsibilities", [])) or "-"))
    return out
