"""Comparing plans: two bodies' real plans, and one body's plan against its next year's."""
from __future__ import annotations

import pytest

from kg.compare import compare_plans, resolve_plan, target_variation
from kg.engines import run_sparql
from kg.network import from_workspace
from kg.workspace import Workspace
from samples import PINGLUO
import queries


@pytest.fixture(scope="module")
def G(corpus_db):
    with Workspace(corpus_db, read_only=True) as ws:
        return from_workspace(ws)


def programs_of(db, source):
    columns, rows = run_sparql(db, queries.text("pursues"), {})
    return {r[1]: r[4] for r in rows if r[2] == source}


def test_two_bodies_programs_added_dropped_kept_with_evidence(G, corpus_db):
    nanchang, ningbo = "000_973257c0ce08f055.txt", "004_655600bdde4567aa.txt"
    diff = compare_plans(G, "共青团南昌市委", "宁波市")
    assert (diff["a"]["source"], diff["b"]["source"]) == (nanchang, ningbo)
    a, b = programs_of(corpus_db, nanchang), programs_of(corpus_db, ningbo)
    assert [p["program"] for p in diff["added"]] == sorted(set(b) - set(a))
    assert [p["program"] for p in diff["dropped"]] == sorted(set(a) - set(b))
    assert [p["program"] for p in diff["kept"]] == sorted(set(a) & set(b))
    assert len(diff["kept"]) >= 5
    for p in diff["added"]:
        assert p["a"] == [] and p["b"][0].sentence == b[p["program"]] and p["b"][0].source == ningbo
    for p in diff["dropped"]:
        assert p["b"] == [] and p["a"][0].sentence == a[p["program"]] and p["a"][0].source == nanchang
    for p in diff["kept"]:
        assert p["a"][0].source == nanchang and p["b"][0].source == ningbo


def test_targets_on_the_same_metric_in_two_regions(G):
    diff = compare_plans(G, "南昌市", "平罗县")
    changed = {(t["a"]["metric"], t["b"]["metric"]): (t["a"]["value"], t["b"]["value"])
               for t in diff["targets"] if t["changed"]}
    assert changed == {("学社衔接率", "“学社衔接”率"): ("98", "91")}
    same = [t for t in diff["targets"] if not t["changed"]]
    assert [(t["a"]["metric"], t["b"]["metric"], t["a"]["value"]) for t in same] == [
        ("保障市县两级专职团干部配备率", "全县团干部配备率", "85")]
    for t in diff["targets"]:
        assert t["a"]["evidence"][0].source == "000_973257c0ce08f055.txt"
        assert t["b"]["evidence"][0].source == "003_f18f31987188af28.txt"
        assert t["a"]["value"] in t["a"]["evidence"][0].sentence.replace(" ", "")


def test_the_same_target_across_regions(G):
    groups = {g["metric"]: g for g in target_variation(G)}
    junior = groups["初中毕业班团学比"]
    assert [(t["issuer"], t["value"]) for t in junior["targets"]] == [("共青团南昌市委", "20"), ("共青团吉林省委", "20")]
    assert not junior["differs"]
    transfer = groups["毕业生团员组织关系转接"]
    assert transfer["differs"] and {t["value"] for t in transfer["targets"]} == {"95", "90"}
    # 初中 and 高中 are different metrics: one plan sets both
    assert "高中毕业班团学比" in groups and len(groups["高中毕业班团学比"]["targets"]) == 2


def test_plan_references_that_name_nothing_or_several(G):
    with pytest.raises(LookupError, match="no plan '上海市'"):
        resolve_plan(G, "上海市")
    with pytest.raises(LookupError, match="names 2 plans"):
        resolve_plan(G, "省委")
    assert resolve_plan(G, "共青团吉林省委@2021") == "001_d839e743d134e22a.txt"


@pytest.fixture(scope="module")
def two_years(tmp_path_factory):
    """平罗's real 2020 plan and a 2021 plan made from it: one sentence gone, one added, a target raised."""
    from kg.pipeline import build

    root = tmp_path_factory.mktemp("years")
    text = PINGLUO.read_text("utf-8")
    gone = "开展“青春有约”“缘来是你”等主题青年婚恋交友活动不少于2场。"
    assert gone in text and "团员学社衔接率达到91％以上" in text
    later = (text.replace("2020年平罗县共青团工作要点", "2021年平罗县共青团工作要点")
             .replace("平团发〔2020〕5号", "平团发〔2021〕3号").replace("2020年4月26日", "2021年3月18日")
             .replace(gone, "组织全县大中专学生参加“挑战杯”竞赛。")
             .replace("团员学社衔接率达到91％以上", "团员学社衔接率达到95％以上"))
    (root / "in").mkdir()
    (root / "in" / "pingluo-2020.txt").write_text(text, "utf-8")
    (root / "in" / "pingluo-2021.txt").write_text(later, "utf-8")
    with Workspace(root / "db", create=True) as ws:
        assert not build(ws, [root / "in"], jobs=1).failed
    with Workspace(root / "db", read_only=True) as ws:
        return from_workspace(ws)


def test_what_a_body_took_up_and_dropped_from_one_year_to_the_next(two_years):
    with pytest.raises(LookupError, match="names 2 plans"):
        resolve_plan(two_years, "平罗县")
    diff = compare_plans(two_years, "平罗县@2020", "平罗县@2021")
    assert (diff["a"]["year"], diff["b"]["year"]) == ("2020", "2021")
    assert [p["program"] for p in diff["added"]] == ["挑战杯"]
    assert diff["added"][0]["b"][0].sentence.endswith("组织全县大中专学生参加“挑战杯”竞赛。")
    assert [p["program"] for p in diff["dropped"]] == ["缘来是你", "青春有约"]
    assert diff["dropped"][1]["a"][0].quote == "青春有约"
    [raised] = [t for t in diff["targets"] if t["changed"]]
    assert (raised["a"]["metric"], raised["a"]["value"], raised["b"]["value"]) == ("团员学社衔接率", "91", "95")
    assert "95％" in raised["b"]["evidence"][0].sentence
