"""Header forms of plans written anywhere: titles, years, dates and 文号, page clutter, untitled
excerpts, news reports of a plan, and the texts that are neither (one fixture a form)."""
import datetime as dt
import pathlib

import pytest

from loaders.clutter import clutter_kind
from loaders.dates import find_dates
from loaders.extract import load
from loaders.model import ReadError

FORMS = pathlib.Path(__file__).resolve().parent.parent / "fixtures" / "forms" / "header"


def facts(name):
    return load(FORMS / name)


def title_of(doc):
    return doc.title.quote if doc.title else None


def test_cover_page_title_split_over_short_lines():
    doc = facts("cover_split_title.txt")
    assert "".join(title_of(doc).split()) == "团市委2023工作要点"
    assert doc.year == 2023
    assert len(doc.activities) == 3


@pytest.mark.parametrize("name, title, year", [
    ("opening_year_district.txt", None, 2024),                              # 2024年，共青团某某区委将…
    ("opening_school_year.txt", "2023-2024学年第一学期工作要点", 2023),     # the opening's year of the two
    ("school_year_later.txt", "2022-2023学年第二学期工作要点", 2023),       # no opening year: the later one
    ("opening_this_year.txt", "全市共青团工作要点", 2021),                  # 今年… with the signature date
    ("title_year_numerals.txt", "共青团青溪县委二〇二一年工作要点", 2021),   # a year in Chinese numerals
])
def test_year_from_the_title_or_the_opening(name, title, year):
    doc = facts(name)
    assert title_of(doc) == title
    assert doc.year == year


@pytest.mark.parametrize("form", ["cn", "padded", "spaced", "numerals", "iso", "slash", "dot", "printed"])
def test_signature_date_in_every_written_form(form):
    doc = facts(f"date_{form}.txt")
    assert doc.issued == dt.date(2021, 3, 5)
    assert doc.year == 2021                 # the title names no year: the document's own date does
    assert doc.text.text[doc.issued_span.start:doc.issued_span.end] == doc.issued_span.quote


@pytest.mark.parametrize("name, year", [
    ("december_next_year.txt", 2022),       # issued in December, the opening names the next year
    ("december_same_year.txt", 2021),       # nothing says so: the year it was issued
])
def test_a_plan_issued_in_december_is_for_the_next_year_only_when_it_says_so(name, year):
    doc = facts(name)
    assert doc.issued == dt.date(2021, 12, 28)
    assert doc.year == year


def test_publish_line_dates_a_page_without_a_date_of_its_own():
    doc = facts("publish_line.txt")
    assert doc.issued == dt.date(2021, 3, 5)
    assert doc.title.quote == "青溪共青团2021年工作要点"


def test_signature_date_wins_over_the_publish_line():
    doc = facts("publish_and_signature.txt")
    assert doc.issued == dt.date(2021, 3, 5)


def test_publish_date_alone_gives_no_plan_year():
    # A plan dated only by its page: a page may be posted long after the plan was issued.
    doc = facts("publish_date_only.txt")
    assert doc.issued == dt.date(2021, 5, 6)
    assert doc.year is None


@pytest.mark.parametrize("written, iso", [
    ("2021年03月05日", "2021-03-05"), ("二〇二一年十二月三十日", "2021-12-30"), ("二○二○年五月四日", "2020-05-04"),
    ("发布时间：2021-03-05 10:21", "2021-03-05"), ("2021/3/5", "2021-03-05"), ("2021.3.5", "2021-03-05"),
])
def test_date_forms(written, iso):
    assert [d.date.isoformat() for d in find_dates(written)] == [iso]


def test_no_date_from_a_version_number_or_an_impossible_day():
    assert find_dates("版本 2021.3.5.1") == []
    assert find_dates("2021年2月30日") == []


@pytest.mark.parametrize("name, number", [
    ("doc_number_cited.txt", "青溪团发〔2021〕3号"),       # its own, above the cited ones
    ("doc_number_cited_only.txt", None),                   # only a cited document's 文号
    ("doc_number_square.txt", "青溪团发[2021]4号"),
    ("doc_number_paren.txt", "青溪团字（2021）5号"),
])
def test_own_doc_number_told_from_cited_ones(name, number):
    doc = facts(name)
    assert (doc.doc_number.quote if doc.doc_number else None) == number


def test_breadcrumb_navigation_publish_line_and_footer_around_a_plan():
    doc = facts("breadcrumb_nav.txt")
    assert doc.kind == "plan"
    assert doc.title.quote == "2021年工作要点"
    assert doc.year == 2021
    assert doc.issued == dt.date(2021, 3, 5)
    last = doc.activities[-1].item.span.quote
    assert last.startswith("建设一批青年之家") and "分享到" not in last and "版权所有" not in last
    assert {p.label for p in doc.programs().values()} >= {"青溪青年说", "青年之家"}


@pytest.mark.parametrize("line, kind", [
    ("您现在的位置：首页 >> 工作动态 >> 正文", "breadcrumb"),
    ("当前位置：首页 > 通知公告", "breadcrumb"),
    ("2019年工作要点 / 2020年工作要点 / 2021年工作要点", "navigation"),
    ("首页 | 机构设置 | 工作动态 | 联系我们", "navigation"),
    ("来源：团市委　作者：办公室　发布时间：2021-03-05 10:21　浏览次数：128", "publish"),
    ("2020/3/13 9:05:01 来源：本站 点击：87", "publish"),
    ("分享到：", "chrome"),
    ("上一篇：关于做好寒假工作的通知", "chrome"),
    ("今天是：2021年3月8日", "chrome"),
    ("版权所有：共青团某某市委 某ICP备00000000号", "footer"),
    ("2021/3/5", None),
    ("1.组织团员青年开展宣讲活动，全年不少于30场。", None),
    ("青溪共青团2021年工作要点", None),
])
def test_page_clutter_lines(line, kind):
    assert clutter_kind(line) == kind


def test_decorative_symbols_leave_the_text_and_a_leading_bullet_is_an_item():
    doc = facts("decorative_symbols.txt")
    text = doc.text.text
    assert not any(ch in text for ch in "★■◆")
    assert "● 推动少先队辅导员培训常态化。" in text
    assert [a.item.title.quote for a in doc.activities][-1] == "推动少先队辅导员培训常态化。"
    assert "青溪少年说" in {p.label for p in doc.programs().values()}


def test_untitled_excerpt_of_league_tasks_is_a_plan():
    doc = facts("excerpt_items.txt")
    assert doc.kind == "plan"
    assert [a.item.number for a in doc.activities] == ["9", "7", "8", "12", "10", "11"]


@pytest.mark.parametrize("name, year", [
    ("news_report_lead.txt", 2022),          # 记者从团市委获悉，今年全市共青团将… + the report date
    ("news_report_meeting.txt", 2021),       # 召开全体会议……会议要求，2021年，团市委要…
    ("news_report_titled.txt", 2022),        # a headline naming the 工作要点 over a news lead
])
def test_news_report_of_a_plan_is_a_report(name, year):
    doc = facts(name)
    assert doc.kind == "report"
    assert doc.year == year
    assert doc.issued is None                # the page's date is the news's, not the plan's
    assert "青年之家" in {p.label for p in doc.programs().values()}


def test_report_tasks_carry_their_targets():
    doc = facts("news_report_lead.txt")
    values = sorted(int(t.value) for a in doc.activities for t in a.targets)
    assert values == [20, 100]


@pytest.mark.parametrize("name, reason", [
    ("news_unrelated.txt", "a news article that does not report a League body's plan"),
    ("speech.txt", "a speech"),
    ("table_of_contents.txt", "no title such as '…工作要点'"),
])
def test_texts_that_are_not_plans_are_refused_with_the_reason(name, reason):
    with pytest.raises(ReadError) as err:
        facts(name)
    assert err.value.path.name == name
    assert reason in err.value.reason


@pytest.mark.parametrize("line", ["3.加强技术支持", "今天是五四青年节，团员青年齐聚一堂。", "（三）相关要求"])
def test_plan_lines_that_only_resemble_page_chrome_are_not_clutter(line):
    assert clutter_kind(line) is None
