"""Reading gold annotations: one JSON file per document and ``programs.json``, checked as they are
read, so that a file that cannot be scored is named with its problem (:class:`GoldError`)."""
from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path, PurePath

PROGRAMS_FILE = "programs.json"
COMPARATORS = (">=", ">", "<=", "<", "=", "~")


class GoldError(ValueError):
    """Gold that cannot be scored: the message names the file and the problem."""


@dataclass(frozen=True)
class Gold:
    """Gold annotations: the programs by id, and each document's gold by document key."""
    programs: dict[str, dict]
    documents: dict[str, dict]
    files: dict[str, Path]


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
        if isinstance(value, bool) or as_number(value) is None:
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


def as_number(value) -> float | None:
    """A value of the gold or the workspace as a number (``"1,000"`` is 1000.0); None for no number."""
    try:
        return float(str(value).replace(",", ""))
    except ValueError:
        return None
