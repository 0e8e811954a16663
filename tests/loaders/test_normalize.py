"""normalize: one canonical text per document, the same for every format of the same plan."""
from __future__ import annotations

import doctest
import re
from functools import lru_cache
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import loaders.normalize as normalize_module
from loaders.model import Paragraph, RawDocument, Table, Text
from loaders.normalize import clean_line, is_cut, normalize, starts_item
from loaders.readers import read

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
CORPUS = EXAMPLES / "corpus"
FORMATS = EXAMPLES / "formats"
ORIGINALS = {number: next(CORPUS.glob(f"{number}_*.txt")) for number in ("000", "001", "002", "003", "004")}
VARIANTS = {
    "000_nanchang_2021.pdf": "000",
    "002_sichuan_2021.html": "002",
    "003_pingluo_2020.docx": "003",
    "004_ningbo_2019.gb18030.txt": "004",
}


@lru_cache(maxsize=None)
def canonical(path: Path) -> Text:
    return normalize(read(path))


def text_of(*blocks: Paragraph | Table) -> Text:
    return normalize(RawDocument(Path("test.txt"), "", "text/plain", list(blocks)))


def long_paragraphs(text: str) -> list[str]:
    """Lines of 20 characters or more, whitespace removed: what every format must keep."""
    squeezed = (re.sub(r"\s", "", line) for line in text.split("\n"))
    return [line for line in squeezed if len(line) >= 20]


# --- every format of a plan gives the same text ------------------------------------------------


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_each_format_keeps_the_paragraphs_of_its_original(variant):
    converted = long_paragraphs(canonical(FORMATS / variant).text)
    original = long_paragraphs(canonical(ORIGINALS[VARIANTS[variant]]).text)
    assert len(original) > 20
    assert converted == original


def test_html_lines_equal_the_original_lines_exactly():
    html = [line for line in canonical(FORMATS / "002_sichuan_2021.html").text.split("\n") if line]
    original = [line for line in canonical(ORIGINALS["002"]).text.split("\n") if line]
    assert html == original


def test_gb18030_and_utf8_originals_normalise_identically():
    assert canonical(FORMATS / "004_ningbo_2019.gb18030.txt").text == canonical(ORIGINALS["004"]).text


def test_docx_table_is_laid_out_like_the_plain_text_task_table():
    docx_text = canonical(FORMATS / "003_pingluo_2020.docx").text
    txt_text = canonical(ORIGINALS["003"]).text
    table_in = lambda text: text[text.index("\t序号") :].rstrip("\n")  # noqa: E731
    assert table_in(docx_text) == table_in(txt_text)
    assert table_in(docx_text).count("\n\n") == 31


# --- Text.tables ----------------------------------------------------------------------------


def test_docx_gives_one_table_of_32_rows_and_4_columns():
    [table] = canonical(FORMATS / "003_pingluo_2020.docx").tables
    assert len(table.rows) == 32
    assert {len(row) for row in table.rows} == {4}
    assert table.header == ["序号", "工作内容", "完成时限", "责任单位"]
    assert [row[0].quote for row in table.rows[1:]] == [str(n) for n in range(1, 32)]


def test_docx_cell_spans_slice_the_canonical_text():
    text = canonical(FORMATS / "003_pingluo_2020.docx")
    [raw_table] = [block for block in read(FORMATS / "003_pingluo_2020.docx").blocks if isinstance(block, Table)]
    [table] = text.tables
    for raw_row, row in zip(raw_table.rows, table.rows):
        for raw_cell, span in zip(raw_row, row):
            assert text.text[span.start : span.end] == span.quote == raw_cell.strip()
            assert text.text[span.start - 1] == "\t"
            assert text.text[span.end] == "\n"


def test_plain_text_tables_are_left_to_the_structure_parser():
    assert canonical(ORIGINALS["003"]).tables == []


def test_a_table_between_paragraphs_is_set_off_by_blank_lines():
    text = text_of(Paragraph("任务清单"), Table((("序号", "内容"), ("1", "第一行\n第二行\t续"))), Paragraph("附件"))
    assert text.text == "任务清单\n\n\t序号\n\t内容\n\n\t1\n\t第一行 第二行 续\n\n附件"
    assert [[span.quote for span in row] for row in text.tables[0].rows] == [["序号", "内容"], ["1", "第一行 第二行 续"]]


cell_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)


@given(
    before=st.lists(st.text(max_size=40), max_size=3),
    rows=st.lists(st.lists(cell_text, min_size=1, max_size=4), min_size=1, max_size=5),
    after=st.lists(st.text(max_size=40), max_size=3),
)
def test_every_cell_span_slices_the_text_it_quotes(before, rows, after):
    table = Table(tuple(tuple(row) for row in rows))
    text = text_of(*map(Paragraph, before), table, *map(Paragraph, after))
    [layout] = text.tables
    assert [len(row) for row in layout.rows] == [len(row) for row in rows]
    for row in layout.rows:
        for span in row:
            assert text.text[span.start : span.end] == span.quote
            assert "\n" not in span.quote and "\t" not in span.quote


# --- conversion artefacts -------------------------------------------------------------------


@pytest.mark.parametrize(
    "line, cleaned",
    [
        ("一一开展乡村振兴建功行动。", "——开展乡村振兴建功行动。"),
        ("  一一开展行动。", "  ——开展行动。"),
        ("做到统一一致，逐一一落实。", "做到统一一致，逐一一落实。"),
        ("——**积极推进青年大学习**。", "——积极推进青年大学习。"),
        ("__深化__改革，a * b", "深化改革，a * b"),
        ("[bookmark: _GoBack]——不断深化青联改革。", "——不断深化青联改革。"),
        ("\ufeff共青团\u200b工作\u200d要点\u2060", "共青团工作要点"),
        ("行尾空格。  \u3000", "行尾空格。"),
        ("\t单元格", "\t单元格"),
        ("cafe\u0301", "caf\u00e9"),
        ("全角，标点：１００％", "全角，标点：１００％"),
    ],
)
def test_clean_line_removes_only_conversion_artefacts(line, cleaned):
    assert clean_line(line) == cleaned


def test_newlines_are_unified_and_blank_runs_collapsed():
    text = text_of(Paragraph("甲。\r\n乙。\r丙。"), Paragraph(""), Paragraph(""), Paragraph("丁。"))
    assert text.text == "甲。\n乙。\n丙。\n\n\n丁。"
    text = text_of(Paragraph("甲。"), *[Paragraph("")] * 5, Paragraph("乙。"))
    assert text.text == "甲。\n\n乙。"


def test_the_pdf_artefacts_are_gone():
    text = canonical(FORMATS / "000_nanchang_2021.pdf").text
    assert "**" not in text
    assert not re.search(r"^\s*一一", text, re.MULTILINE)
    assert "——严格落实意识形态工作责任制。" in text


# --- page-break cuts ------------------------------------------------------------------------


def test_a_paragraph_cut_by_a_page_break_is_joined():
    text = canonical(ORIGINALS["001"]).text
    assert "组织动员青少年开展一系列形式新颖、互动性强的线上线下活动" in text
    assert "\n一系列形式新颖" not in text


def test_titles_and_headings_are_not_joined():
    lines = canonical(ORIGINALS["001"]).text.split("\n")
    assert "吉林共青团 2021 年工作要点" in lines
    assert "一、抓住庆祝中国共产党成立 100 周年重大契机，不断深化青少年思想政治引领" in lines
    notice = "关于印发《2020年平罗县共青团工作要点》及重点工作任务清单的通知"
    assert notice in canonical(ORIGINALS["003"]).text.split("\n")


def test_a_cut_joins_across_blank_lines_and_without_any():
    cut = "组织少先队员开展“争做新时代好队员”等主题队日活动，组织动员青少年开展"
    assert text_of(Paragraph(cut), Paragraph(""), Paragraph(""), Paragraph("一系列活动。")).text == cut + "一系列活动。"
    assert text_of(Paragraph(cut), Paragraph("一系列活动。")).text == cut + "一系列活动。"


@pytest.mark.parametrize("following", ["——深化青年大学习。", "二、加强引领", "2. 开展活动。", "一是加强引领。", "    缩进的新段落。"])
def test_a_cut_is_not_joined_to_a_new_item(following):
    cut = "组织少先队员开展“争做新时代好队员”等主题队日活动，组织动员青少年开展"
    assert text_of(Paragraph(cut), Paragraph(""), Paragraph(following)).text == f"{cut}\n\n{following}"


def test_table_cells_are_never_joined():
    long_cell = "选树本地、本领域新冠肺炎疫情防控青年典型，做好相关推报工作和评选活动"
    text = text_of(Table((("1", long_cell), ("2", "全年"))), Paragraph("后续段落，继续写"))
    assert f"\t{long_cell}\n\n\t2\n\t全年\n\n后续段落，继续写" in text.text
    plain = text_of(Paragraph("\t" + long_cell), Paragraph("\t全年"), Paragraph(""), Paragraph("\t3"))
    assert plain.text == f"\t{long_cell}\n\t全年\n\n\t3"


@pytest.mark.parametrize(
    "line, cut",
    [
        ("组织少先队员开展“争做新时代好队员”等主题队日活动，组织动员青少年开展", True),
        ("组织少先队员开展“争做新时代好队员”等主题队日活动，组织动员青少年。", False),
        ("组织少先队员开展“争做新时代好队员”等主题队日活动，组织动员“青少年。”", False),
        ("组织动员青少年开展，活动", False),
        ("一、抓住庆祝中国共产党成立100周年重大契机，不断深化青少年思想政治引领", False),
        ("1. 广泛开展主题宣传教育实践活动。按照省委和团中央统一部署，组织动员青少年开展", True),
        ("关于印发《2020年平罗县共青团工作要点》及重点工作任务清单的通知", False),
    ],
)
def test_is_cut(line, cut):
    assert is_cut(line) is cut


@pytest.mark.parametrize(
    "line, item",
    [("一、", True), ("（三）加强", True), ("(2)加强", True), ("12、加强", True), ("1．加强", True),
     ("第一，", True), ("十是", True), ("——加强", True), ("　加强", True), ("一系列活动", False), ("规划（2018）", False)],
)
def test_starts_item(line, item):
    assert starts_item(line) is item


def test_normalize_docstring_examples_run():
    result = doctest.testmod(normalize_module)
    assert result.attempted > 0 and result.failed == 0
