"""``kg eval``: a workspace scored against gold annotations, as users score their own plans.

The fixture folder ``examples/eval/`` holds two short plans and gold for one of them plus
one plan that is not built. The gold of the Deqing plan disagrees with it on purpose where the
plan cannot give what the gold asks (an issue date, a program, a target and a responsible unit
the text never states), so those misses hold whatever extraction does; it also leaves out a
program, a target and a unit the plan does state, which are the extras.
"""
from __future__ import annotations

import json
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from samples import ROOT

FIXTURES = ROOT / "examples" / "eval"
PLANS, GOLD = FIXTURES / "plans", FIXTURES / "gold"
SHARED_KEYS = ("documents", "pursues_p", "pursues_r", "pursues_f1", "core_recall", "identity", "targets_p",
               "targets_r", "targets_f1", "comparator", "target_metric", "target_program", "target_deadline",
               "responsibilities_f1")


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    """A workspace of the two fixture plans: deqing_2022 (with gold) and anji_2023 (without)."""
    db = tmp_path_factory.mktemp("eval") / "db"
    result = run("build", PLANS, "--db", db, "-j", "1", "-q")
    assert result.exit_code == 0, result.output
    return db


def scores(*args) -> dict:
    result = run("eval", *args, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_figures_on_a_plan_of_our_own(db):
    got = scores(GOLD, "--db", db)
    summary = {k: got[k] for k in SHARED_KEYS}
    assert summary == {
        # issuer 1/2, year 1/2 (yuhang_2023 is not built), 文号 1/1, issue date 0/1
        "documents": 0.5,
        # 3 of 4 programs listed are gold (青年之家 is not); gold holds 5 (希望工程 and yuhang's 青年大学习 missed);
        # anji_2023's 希望工程 and 青年大学习 count nowhere: that plan has no gold
        "pursues_p": 0.75, "pursues_r": 0.6, "pursues_f1": 0.667,
        "core_recall": 0.6, "identity": 1.0,
        # 2 of 3 targets listed are gold; gold holds 4
        "targets_p": 0.667, "targets_r": 0.5, "targets_f1": 0.571,
        "comparator": 1.0,
        # character overlap of 全县团员每期参学率 / 团员每期参学率 (14/16) and 县级培训班期数 / 县级培训班期数
        # (1), averaged
        "target_metric": 0.938,
        "target_program": 1.0,
        # the workspace gives the 2期 target the deadline 年内, the gold none
        "target_deadline": 0.5,
        # (2, 各乡镇团委) and (1, 团县委 = the issuer) found; (2, 县直机关团工委) missed; (2, 教育团工委) extra
        "responsibilities_f1": 0.667,
    }
    assert list(got) == [*SHARED_KEYS, "per_document"]


def test_misses_and_extras_per_document(db):
    deqing, yuhang = scores(GOLD, "--db", db)["per_document"].values()
    assert deqing["in_workspace"] and deqing["gold_file"] == str(GOLD / "deqing_2022.json")
    assert deqing["missed"] == {
        "metadata": [{"field": "issued", "gold": "2022-03-12", "workspace": "2022-03-10"}],
        "programs": ["希望工程"],
        "targets": ["组建暑期社会实践团队不少于10支"],
        "responsibilities": [{"item": "2", "unit": "县直机关团工委"}],
    }
    assert deqing["extra"]["programs"] == ["青年之家"]
    assert [(t["metric"], t["comparator"], t["value"], t["unit"]) for t in deqing["extra"]["targets"]] == [
        ("新建青年之家数", ">=", "5", "个")]
    assert deqing["extra"]["responsibilities"] == [{"item": "2", "organization": "教育团工委"}]
    assert deqing["differs"]["targets"] == [
        {"target": "年内举办县级培训班2期", "field": "deadline", "gold": "", "workspace": "年内"}]
    assert (deqing["pursues"]["tp"], deqing["pursues"]["pred"], deqing["pursues"]["gold"]) == (3, 4, 4)
    assert deqing["responsibilities"]["f1"] == 0.667

    assert not yuhang["in_workspace"]
    assert yuhang["missed"]["metadata"] == [{"field": "issuer", "gold": "共青团余杭区委", "workspace": ""},
                                            {"field": "year", "gold": "2023", "workspace": ""}]
    assert yuhang["missed"]["programs"] == ["青年大学习"]
    assert yuhang["missed"]["targets"] == ["新建青年之家3个以上"]
    assert yuhang["extra"] == {"programs": [], "targets": [], "responsibilities": []}
    assert yuhang["responsibilities"] is None            # its gold has no task table


def test_the_table_names_the_figures_and_each_documents_misses(db):
    result = run("eval", GOLD, "--db", db)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[:3] == [
        "documents scored: 2 (deqing_2022, yuhang_2023)",
        "not in the workspace (counted as missed): yuhang_2023",
        "documents         accuracy 0.500  issuer 1/2  year 1/2  doc_number 1/1  issued 0/1",
    ]
    assert "pursues           P 0.750  R 0.600  F1 0.667  (3 right of 4 listed, 5 in gold)" in lines
    assert "  programs missed: 希望工程" in lines
    assert "  programs not in gold: 青年之家" in lines
    assert "  targets not in gold: 新建青年之家数 >= 5个" in lines
    assert "  responsibilities not in gold: 2 教育团工委" in lines
    assert f"[yuhang_2023] {GOLD / 'yuhang_2023.json'}: not in the workspace, everything below counts as missed" \
        in lines


def test_one_gold_file_scores_its_document_alone(db):
    got = scores(GOLD / "deqing_2022.json", "--db", db)
    assert list(got["per_document"]) == ["deqing_2022"]
    assert (got["documents"], got["pursues_r"], got["core_recall"], got["targets_r"]) == (0.75, 0.75, 0.75, 0.667)


def _gold_copy(tmp_path: Path) -> Path:
    gold = tmp_path / "gold"
    shutil.copytree(GOLD, gold)
    return gold


@pytest.mark.parametrize("change, problem", [
    (lambda g: (g / "programs.json").unlink(),
     "programs.json: no such file (gold needs programs.json beside the documents' files)"),
    (lambda g: (g / "deqing_2022.json").write_text('{"file": "deqing_2022.txt",', "utf-8"),
     "deqing_2022.json: not valid JSON (Expecting property name enclosed in double quotes, line 1 column 28)"),
    (lambda g: _edit(g / "deqing_2022.json", lambda d: d.pop("plan_year")),
     "deqing_2022.json: the document: 'plan_year' is missing"),
    (lambda g: _edit(g / "deqing_2022.json", lambda d: d["programs"].append({"id": "nonesuch"})),
     "deqing_2022.json: programs[4].id: no program 'nonesuch' in programs.json"),
    (lambda g: _edit(g / "deqing_2022.json", lambda d: d["targets"][1].update(value="two")),
     "deqing_2022.json: targets[1].value: a number is needed, not 'two'"),
    (lambda g: _edit(g / "deqing_2022.json", lambda d: d["targets"][0].update(comparator="≥")),
     "deqing_2022.json: targets[0].comparator: one of >= > <= < = ~ is needed, not '≥'"),
    (lambda g: _edit(g / "deqing_2022.json", lambda d: d["task_table"][1].update(units=None)),
     "deqing_2022.json: task_table[1].units: a list is needed, not null"),
    (lambda g: _edit(g / "deqing_2022.json", lambda d: d.update(issued_date="2022/3/12")),
     "deqing_2022.json: issued_date: a date as YYYY-MM-DD is needed, not '2022/3/12'"),
    (lambda g: _edit(g / "yuhang_2023.json", lambda d: d.update(file="deqing_2022.txt")),
     "yuhang_2023.json: gold for 'deqing_2022.txt' again (already in"),
])
def test_gold_that_is_not_valid_is_a_usage_error_naming_the_file(db, tmp_path, change, problem):
    gold = _gold_copy(tmp_path)
    change(gold)
    result = run("eval", gold, "--db", db)
    assert result.exit_code == 2
    assert f"{gold}/{problem}" in result.output


def _edit(path: Path, change) -> None:
    doc = json.loads(path.read_text("utf-8"))
    change(doc)
    path.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")


def test_no_gold_or_no_workspace_is_a_usage_error(db, tmp_path):
    missing = run("eval", tmp_path / "nonesuch", "--db", db)
    assert missing.exit_code == 2 and f"{tmp_path / 'nonesuch'}: no such file or folder" in missing.output
    empty = run("eval", tmp_path, "--db", db)
    assert empty.exit_code == 2 and "no gold files" in empty.output
    no_db = run("eval", GOLD, "--db", tmp_path / "none")
    assert no_db.exit_code == 2 and "no workspace here" in no_db.output


def test_help_says_what_gold_is_and_how_absent_documents_count():
    text = " ".join(run("eval", "--help").output.split())
    assert "programs.json" in text and "kg eval examples/eval/gold --db eval-db" in text
    assert "A gold file whose document is not in" in text and "counts as missed" in text


# -- the same figures as the gold scorer -------------------------------------------------------------

def _shared_eval() -> Path | None:
    """``../shared/eval`` beside the repository (in a linked git worktree, beside its main checkout)."""
    roots = [ROOT]
    git = ROOT / ".git"
    if git.is_file():
        roots.append(Path(git.read_text("utf-8").split(":", 1)[1].strip()).parents[2])
    return next((r.parent / "shared" / "eval" for r in roots if (r.parent / "shared" / "eval" / "score.py").is_file()),
                None)


SHARED = _shared_eval()
needs_shared = pytest.mark.skipif(SHARED is None, reason="../shared/eval (score.py and the dev gold) is not beside "
                                                         "the repository")
KG = shlex.join([sys.executable, "-c", "from kg.cli import main; main()"])


def _score_py(*args: str) -> dict:
    done = subprocess.run([sys.executable, str(SHARED / "score.py"), *args, "--json"],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(done.stdout.splitlines()[-1])


@needs_shared
def test_dev_gold_figures_equal_score_py(tmp_path):
    expected = _score_py("--kg", KG, "--keep", str(tmp_path))      # builds the dev gold's plans in tmp_path/db
    got = scores(SHARED / "gold", "--db", tmp_path / "db")
    assert set(expected) <= set(got)
    assert {k: got[k] for k in expected} == expected


@needs_shared
def test_fixture_figures_equal_score_py(db, tmp_path):
    for name in ("documents", "pursues", "targets", "responsibilities"):
        result = run("query", name, "--db", db, "--format", "csv")
        (tmp_path / f"{name}.csv").write_text(result.output, "utf-8")
    expected = _score_py("--gold", str(GOLD), "--csv-dir", str(tmp_path))
    got = scores(GOLD, "--db", db)
    assert {k: got[k] for k in expected} == expected
