"""The structure parser on the five sample plans."""
import datetime as dt

import pytest

from loaders.model import Text
from loaders.structure import parse_layout

from samples import JILIN, NANCHANG, NINGBO, PINGLUO, SICHUAN


def layout(path):
    return parse_layout(Text(path.read_text("utf-8")))


@pytest.mark.parametrize("path, title, year, number, issued", [
    (NANCHANG, "南昌共青团 2021 年工作要点", 2021, "洪青发〔2021〕8号", None),
    (JILIN, "吉林共青团 2021 年工作要点", 2021, None, None),
    (SICHUAN, "共青团四川省委2021年工作要点", 2021, None, None),
    (PINGLUO, "2020年平罗县共青团工作要点", 2020, "平团发〔2020〕5号", dt.date(2020, 4, 26)),
    (NINGBO, "2019年全市共青团工作要点", 2019, "甬团〔2019〕1号", dt.date(2019, 5, 22)),
])
def test_header(path, title, year, number, issued):
    h = layout(path).header
    assert h.title.quote == title
    assert h.year == year
    assert (h.doc_number.quote if h.doc_number else None) == number
    assert h.issued_date == issued


@pytest.mark.parametrize("path, sections, body_items", [
    (JILIN, 6, 39),      # numbered items 1. … 39.
    (SICHUAN, 5, 38),    # —— items
    (NINGBO, 4, 16),
    (PINGLUO, 4, 19),    # 一是 … items; three of its four sections carry no number
])
def test_sections_and_items(path, sections, body_items):
    lay = layout(path)
    assert len(lay.sections) == sections
    assert len([i for i in lay.items if not i.from_table]) == body_items


def test_items_belong_to_their_section():
    lay = layout(JILIN)
    by_number = {i.number: i for i in lay.items}
    assert by_number["1"].section == 1
    assert by_number["9"].section == 2
    assert by_number["39"].section == 6
    assert by_number["2"].title.quote == "持续深化“青年大学习”行动。"


def test_flattened_task_table():
    lay = layout(PINGLUO)
    rows = [i for i in lay.items if i.from_table]
    assert [r.number for r in rows] == [str(n) for n in range(1, 32)]
    assert rows[0].deadline.quote == "4-5月"
    assert rows[0].units.quote == "各乡（镇）团委，教育团工委，县直机关团委"
    assert rows[1].units is None            # the plan leaves this cell empty
    assert rows[17].deadline.quote == "8月底前"
    text = lay.text.text
    for r in rows:
        assert text[r.span.start:r.span.end] == r.span.quote
