"""Query results as text: the table's widths in terminal columns, CSV and JSON as given."""
from __future__ import annotations

import unicodedata

from kg import results


def test_wide_characters_are_exactly_those_unicode_calls_wide_or_fullwidth():
    every = "".join(chr(cp) for cp in range(0x110000) if not 0xD800 <= cp <= 0xDFFF)
    expected = {ch for ch in every if unicodedata.east_asian_width(ch) in "WF"}
    assert set(results._wide().findall(every)) == expected
    assert "青" in expected and "，" in expected and "a" not in expected


def test_the_table_lines_up_chinese_and_latin_text():
    text = results.as_table(["program", "source"], [["青年大学习", "a.txt"], ["挑战杯", "宁波市2021.docx"]])
    assert text.splitlines() == [
        "program     source",
        "----------  ---------------",
        "青年大学习  a.txt",
        "挑战杯      宁波市2021.docx",
        "(2 rows)",
    ]


def test_long_cells_are_cut_to_the_width_with_an_ellipsis():
    text = results.as_table(["evidence"], [["深入实施青年马克思主义者培养工程，" * 3]], max_width=12)
    row = text.splitlines()[2]
    assert row == "深入实施青…" and results.width(row) <= 12


def test_csv_and_json_keep_every_value_whole():
    rows = [["共青团四川省委", "他说：“好”,\n第二行"]]
    assert results.as_csv(["a", "b"], rows) == 'a,b\n共青团四川省委,"他说：“好”,\n第二行"\n'
    assert results.as_json(["a", "b"], rows) == '[\n {\n  "a": "共青团四川省委",\n  "b": "他说：“好”,\\n第二行"\n }\n]\n'
