"""Targets in the forms plans take, each proved on a short text of its own."""
import datetime as dt
from decimal import Decimal
from pathlib import Path

from loaders.extract import load
from loaders.model import Text
from loaders.targets import deadline_date, parse_targets

FORMS = Path(__file__).resolve().parents[1] / "fixtures" / "forms" / "programs"


def parsed(name: str):
    s = (FORMS / name).read_text("utf-8").strip()
    return parse_targets(Text(s), 0, len(s))


def test_values_after_respectively_are_one_target_each_with_its_own_metric():
    found = parsed("respectively.txt")
    assert [(t.comparator, t.value, t.unit) for t in found] == [
        (">=", Decimal(70), "%"), (">=", Decimal(40), "%"), (">=", Decimal(20), "%")]
    assert [t.metric for t in found] == [
        "新建团支部在国企中的比例", "新建团支部在高校中的比例", "新建团支部在社区中的比例"]
    assert not any(t.metric.endswith("分别") for t in found)


def test_common_target_forms():
    found = parsed("target_forms.txt")
    assert [(t.comparator, t.value, t.unit) for t in found] == [
        (">=", Decimal(50), "场"), (">=", Decimal(90), "%"), ("=", Decimal(12000), "名"),
        (">", Decimal(100000), "人"), (">=", Decimal(60), "%")]
    assert [t.metric for t in found][:3] == ["宣讲场次", "基层团组织覆盖率", "全市新发展团员人数"]
    assert found[-1].metric == "各级团委用于培训的支出"


def test_a_target_takes_program_and_deadline_from_its_section_heading():
    facts = load(FORMS / "target_heading.txt")
    targets = [t for a in facts.activities for t in a.targets]
    assert [(t.value, t.unit) for t in targets] == [(Decimal(30), "支"), (Decimal(2), "次")]
    assert [t.program.label if t.program else None for t in targets] == ["河湖绿芽", "河湖绿芽"]
    assert [t.deadline.quote for t in targets] == ["6月底前", "6月底前"]
    assert targets[0].deadline_date == dt.date(2021, 6, 30)


def test_deadlines_that_name_a_month_or_quarter_take_the_plan_year():
    assert deadline_date("6月底前", 2021) == dt.date(2021, 6, 30)
    assert deadline_date("十月中旬前", 2020) == dt.date(2020, 10, 20)
    assert deadline_date("三季度末", 2022) == dt.date(2022, 9, 30)


def test_a_target_takes_its_program_from_the_sub_heading_it_stands_under():
    facts = load(FORMS / "target_subheading.txt")
    targets = [t for a in facts.activities for t in a.targets]
    assert [(t.value, t.unit) for t in targets] == [(Decimal(500), "名"), (Decimal(10), "场")]
    assert [t.program.label if t.program else None for t in targets] == ["春晖护苗", None]
    assert targets[1].deadline.quote == "三季度末前"
    assert targets[1].deadline_date == dt.date(2021, 9, 30)


def test_numbers_stated_as_facts_are_not_targets_and_bare_counts_of_work_are():
    found = parsed("fact_not_goal.txt")
    assert [(t.comparator, t.value, t.unit) for t in found] == [
        (">=", Decimal(9000), "名"), ("=", Decimal(200), "场")]


def test_the_counted_noun_after_a_number_follows_the_cue_words():
    """noun_breaks and their exceptions, noun_links and scope_units of ontology/cues.toml."""
    found = parsed("target_cue_words.txt")
    assert [(t.metric, t.value, t.unit) for t in found] == [
        ("全市建设和谐社区示范点数", Decimal(10), "个"),       # 和谐 is a word, not a break
        ("发展团员人数", Decimal(200), "名"),                  # 、 ends the counted noun
        ("发展团员200名、团干部人数", Decimal(50), "名"),
        ("确保团员参加学习", Decimal(90), "%")]                # 的 links the number to 团员
    # 6大工作领域, 3大重点任务: the plan's own parts, no target
