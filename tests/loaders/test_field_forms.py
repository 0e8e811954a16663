"""Forms met in plans and reports published by League bodies of every level: short reports whose
statement lists its tasks, meeting reports, untitled notices that state the year's plan, years
that name the plan, bare-year titles, cited 文号, attendance counts and metric phrases (one
fixture a form, each under ``tests/fixtures/forms/field/``)."""
import pathlib
from decimal import Decimal

import pytest

from loaders.extract import load
from loaders.issuers import is_unknown
from loaders.model import ReadError

FORMS = pathlib.Path(__file__).resolve().parent.parent / "fixtures" / "forms" / "field"


def facts(name):
    return load(FORMS / name)


def targets(doc):
    return [(t.metric, t.comparator, t.value) for a in doc.activities for t in a.targets]


def programs(doc):
    return {p.label for p in doc.programs().values()}


def test_short_report_whose_statement_lists_the_tasks():
    # 本报讯 + 明确今年的工作目标主要是办好A、实施B、建设C以及推进D: two sentences, the tasks listed
    doc = facts("report_listed_tasks.txt")
    assert doc.kind == "report"
    assert "青溪青年说" in programs(doc)
    assert doc.year is None                     # 今年, and no date says which year
    assert is_unknown(doc.issuer) and doc.issuer.level == "prefecture"


def test_meeting_report_that_names_its_chair_and_the_floor():
    # …召开工作部署会，会议由…主持。会上，… then "2023年，院团委将…重点做好…"
    doc = facts("report_meeting_floor.txt")
    assert doc.kind == "report"
    assert doc.year == 2023
    assert "挑战杯" in programs(doc)
    assert is_unknown(doc.issuer) and doc.issuer.level == "university"


def test_main_and_important_are_not_a_bodys_will():
    # 今年…团县委…开展重要节日慰问活动，主要为老人…: 要 inside 重要 and 主要 states no plan
    with pytest.raises(ReadError, match="news article that does not report"):
        facts("news_main_and_important.txt")


def test_untitled_notice_whose_opening_states_the_years_plan():
    # 各单位团委： / 2022年，集团公司团委…工作的总体要求是… / …的目标是：全年征集…不少于100项
    doc = facts("untitled_opening_statement.txt")
    assert doc.kind == "plan"
    assert doc.year == 2022
    assert is_unknown(doc.issuer) and doc.issuer.level == "enterprise"
    assert targets(doc) == [("征集青工创新成果数", ">=", 100)]     # the metric starts after the colon


def test_a_doc_number_followed_by_file_is_a_cited_ones():
    # 按照青团发〔2020〕5号文件精神: the 文号 of the document followed, not the plan's own
    doc = facts("doc_number_cited_file.txt")
    assert doc.doc_number is None
    assert doc.year == 2021


def test_title_opening_with_a_bare_year():
    # 2023社区团委工作计划: the year written without 年
    doc = facts("title_bare_year.txt")
    assert doc.title.quote == "2023社区团委工作计划"
    assert doc.year == 2023


@pytest.mark.parametrize("name, year", [
    ("report_year_task_book.txt", 2023),    # 团市委亮出2023年任务书, then 今年… with no date
    ("report_year_meeting.txt", 2019),      # 团县委2019年共青团工作推进会, no year opening a clause
])
def test_report_year_from_the_year_naming_the_plan_or_its_meeting(name, year):
    doc = facts(name)
    assert doc.kind == "report"
    assert doc.year == year


def test_the_year_before_a_kind_of_school_is_no_institution():
    # 2022年度学院团委工作计划: 年度学院 is no college's name; the college is unknown
    doc = facts("title_year_of_college.txt")
    assert is_unknown(doc.issuer)
    assert doc.issuer.level == "university"
    assert "年度" not in doc.issuer.label


def test_metric_starts_after_the_acting_body_and_its_will():
    # 团市委今年还将建设“青年之家”10个以上: the measured thing is what is built
    doc = facts("report_year_task_book.txt")
    assert ("建设“青年之家”数", ">=", 10) in targets(doc)
    assert ("主题团课场次", ">=", 50) in targets(doc)


def test_who_attended_a_meeting_is_no_target():
    # 全县9个乡镇团委、4个县属中学团委负责人参加会议: counts of those present
    doc = facts("report_attendance.txt")
    assert doc.kind == "report"
    assert targets(doc) == [("青年志愿服务活动场次", ">=", 20)]


def test_symbol_comparators_age_bounds_and_quoted_counted_things():
    # 35周岁以下青工: who is meant; ≤0.5, ≥95%: comparators written as symbols; 6个“青安驿站”
    doc = facts("target_forms_notice.txt")
    found = targets(doc)
    assert ("青工千人负伤率", "<=", Decimal("0.5")) in found
    assert ("查出隐患整改率", ">=", 95) in found
    assert any(m.endswith("“青安驿站”数") and v == 6 for m, _, v in found)
    assert not any(v == 35 for _, _, v in found)


def test_a_quoted_amount_is_a_name_only_with_its_head():
    # 两个“5万元”工程: the amount and its head, never the amount alone
    doc = facts("target_forms_notice.txt")
    assert "5万元工程" in programs(doc)
    assert "5万元" not in programs(doc)


def test_article_continued_from_another_page_states_its_plan_at_the_end():
    # （上接第一版）一是…二是…三是… / 2023年，某某集团团委将继续…: a report, of the year stated last
    doc = facts("report_continued.txt")
    assert doc.kind == "report"
    assert doc.year == 2023
    assert {"青工讲堂", "青年突击队", "岗位建功工程"} <= programs(doc)


def test_a_quote_before_a_model_or_a_working_reality_is_no_program():
    # 构建“一企多园”协同管理模型, 适应“跨区域经营”工作实际
    doc = facts("report_continued.txt")
    assert not {"一企多园", "跨区域经营"} & programs(doc)


def test_quoted_core_of_a_known_program_with_its_head():
    # 办好“青马”工程培训班: the known program, its core quoted; “第二课堂”课程体系 keeps its program
    doc = facts("quoted_core_known_program.txt")
    assert {"青年马克思主义者培养工程", "第二课堂"} <= programs(doc)
    assert "一核多翼" not in programs(doc)


def test_untitled_summary_of_work_done_is_refused_however_numbered():
    # 近年来，团市委……取得良好成效。 then 一、（一）… of results: a summary, not a plan
    with pytest.raises(ReadError, match="summary of work done"):
        facts("summary_numbered.txt")


def test_measures_a_report_counts_are_no_targets_and_a_slogan_names_the_place():
    # 实施18条举措, 等12条举措, 等6项措施: the plan's own measures; “美丽浙江·青春行动” and
    # 浙江共青团 together name the province
    doc = facts("report_measures_counted.txt")
    assert doc.kind == "report" and doc.year == 2023
    assert targets(doc) == []
    assert doc.issuer.label == "共青团浙江省委"
    assert "美丽浙江·青春行动" in programs(doc)


def test_a_kind_of_contest_is_no_program():
    # 举办各类校园文化艺术比赛, 开展各种青年交友活动: kinds of things; a named contest stays
    doc = facts("kind_of_contest.txt")
    assert programs(doc) == {"青溪学院青年创新创业大赛"}


def test_report_year_from_a_spaced_year_naming_the_plan_after_a_dated_lead():
    # 4 月 12 日,… 对 2021 年学校共青团工作要点进行解读: the lead's date reads as no year
    doc = facts("report_year_spaced.txt")
    assert doc.kind == "report"
    assert doc.year == 2021
