"""Readers on the real sample files in examples/, and on broken files made in tmp_path."""
from __future__ import annotations

import codecs
import doctest
import hashlib
from functools import lru_cache
from pathlib import Path

import docx
import pytest

from loaders.readers.legacy import office

import loaders.readers as readers
import loaders.readers.text as text_reader
from loaders.model import Paragraph, RawDocument, ReadError, Table
from loaders.readers import read, reader_for, register

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
CORPUS = EXAMPLES / "corpus"
FORMATS = EXAMPLES / "formats"
PDF_000 = FORMATS / "000_nanchang_2021.pdf"
HTML_002 = FORMATS / "002_sichuan_2021.html"
DOCX_003 = FORMATS / "003_pingluo_2020.docx"
GB18030_004 = FORMATS / "004_ningbo_2019.gb18030.txt"
TXT_003 = CORPUS / "003_f18f31987188af28.txt"
TXT_004 = CORPUS / "004_655600bdde4567aa.txt"


@lru_cache(maxsize=None)
def read_example(path: Path) -> RawDocument:
    return read(path)


def texts(document: RawDocument) -> list[str]:
    return [block.text for block in document.blocks if isinstance(block, Paragraph)]


def tables(document: RawDocument) -> list[Table]:
    return [block for block in document.blocks if isinstance(block, Table)]


def blank_pdf() -> bytes:
    """A valid one-page PDF with nothing on the page, as a scan without OCR looks to a text reader."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ]
    pdf = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    pdf += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(pdf)


# --- the registry ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, reader",
    [
        ("a.txt", "read_text"), ("a.md", "read_text"), ("a.TEXT", "read_text"),
        ("a.docx", "read_docx"), ("a.pdf", "read_pdf"),
        ("a.html", "read_html"), ("a.htm", "read_html"), ("a.xhtml", "read_html"),
    ],
)
def test_reader_for_picks_the_reader_by_suffix(name, reader):
    assert reader_for(Path(name)).__name__ == reader


@pytest.mark.parametrize("suffix", [".doc", ".wps"])
def test_legacy_word_files_are_refused_with_the_fix(tmp_path, suffix):
    path = tmp_path / f"plan{suffix}"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64)
    if office() is not None:
        pytest.skip("LibreOffice is installed here: legacy files are converted (tests/robustness)")
    with pytest.raises(ReadError) as caught:
        read(path)
    assert f"legacy '{suffix}' file: install LibreOffice" in str(caught.value)
    assert "or save it as .docx, .pdf or .txt" in str(caught.value)
    assert caught.value.path == path


def test_an_unknown_suffix_lists_what_can_be_read():
    with pytest.raises(ReadError, match=r"unsupported file type '\.xyz' \(readable: .*\.docx.*\.pdf"):
        reader_for(Path("plan.xyz"))


def test_register_adds_a_reader_for_a_new_suffix(tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "_READERS", dict(readers._READERS))

    def read_plan(path: Path, data: bytes) -> RawDocument:
        return RawDocument(path, hashlib.sha256(data).hexdigest(), "text/x-plan", [Paragraph(data.decode())])

    register("PLAN", read_plan)
    path = tmp_path / "a.plan"
    path.write_text("要点", encoding="utf-8")
    assert read(path).blocks == [Paragraph("要点")]
    assert ".plan" in readers.suffixes()


def test_register_accepts_a_module_function_name(tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "_READERS", dict(readers._READERS))
    register(".plan", "loaders.readers.text:read_text")
    assert reader_for(tmp_path / "a.plan").__name__ == "read_text"


def test_a_missing_file_is_a_read_error(tmp_path):
    with pytest.raises(ReadError, match="no such file"):
        read(tmp_path / "missing.txt")


@pytest.mark.parametrize("content", [b"", b" \r\n\t\n\xe3\x80\x80\n"])
def test_empty_files_are_refused(tmp_path, content):
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    with pytest.raises(ReadError, match="empty file"):
        read(path)


def test_an_html_page_without_text_is_empty(tmp_path):
    path = tmp_path / "empty.html"
    path.write_text("<html><body><script>var a = 1;</script></body></html>", encoding="utf-8")
    with pytest.raises(ReadError, match="empty file"):
        read(path)


@pytest.mark.parametrize("path", [PDF_000, HTML_002, DOCX_003, GB18030_004, TXT_003])
def test_sha256_is_of_the_file_bytes(path):
    document = read_example(path)
    assert document.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert document.source == path


# --- plain text -----------------------------------------------------------------------------


def test_gb18030_decodes_to_the_same_text_as_the_utf8_original():
    gb = read(GB18030_004)
    original = read(TXT_004)
    assert (gb.encoding, original.encoding) == ("gb18030", "utf-8")
    assert gb.blocks == original.blocks
    assert "\n".join(texts(gb)) == TXT_004.read_text(encoding="utf-8").rstrip("\n")


@pytest.mark.parametrize(
    "encoding, reported",
    [("utf-16", "utf-16"), ("utf-16-le", "utf-16"), ("utf-16-be", "utf-16"), ("utf-8-sig", "utf-8-sig")],
)
def test_byte_order_marks_are_honoured_and_dropped(tmp_path, encoding, reported):
    text = "共青团工作要点\n\t序号\n\n一、加强引领"
    data = text.encode(encoding)
    if encoding in ("utf-16-le", "utf-16-be"):
        data = (codecs.BOM_UTF16_LE if encoding.endswith("le") else codecs.BOM_UTF16_BE) + data
    path = tmp_path / "plan.txt"
    path.write_bytes(data)
    document = read(path)
    assert document.encoding == reported
    assert texts(document) == ["共青团工作要点", "\t序号", "", "一、加强引领"]


def test_lines_keep_their_tabs_and_blank_lines():
    lines = texts(read(TXT_003))
    assert len(lines) == len(TXT_003.read_text(encoding="utf-8").splitlines())
    start = lines.index("\t序号")
    assert lines[start : start + 6] == ["\t序号", "\t工作内容", "\t完成时限", "\t责任单位", "", "\t1"]
    assert lines[0] == ""


def test_every_newline_convention_splits_lines(tmp_path):
    path = tmp_path / "plan.txt"
    path.write_bytes("甲\r\n乙\r丙\n\n丁\n".encode("utf-8"))
    assert texts(read(path)) == ["甲", "乙", "丙", "", "丁"]


@pytest.mark.parametrize(
    "junk",
    [
        bytes(range(256)) * 8,
        bytes((i * 37 + 11) % 127 + 129 for i in range(3000)),
        b"\x89PNG\r\n\x1a\n" + bytes(range(1, 200)),
        "要点".encode("utf-8") + bytes(range(1, 9)) * 4,
    ],
    ids=["with-nul-bytes", "high-bytes", "png-header", "control-characters"],
)
def test_binary_junk_named_txt_is_not_a_text_file(tmp_path, junk):
    path = tmp_path / "junk.txt"
    path.write_bytes(junk)
    with pytest.raises(ReadError, match="not a text file"):
        read(path)


# --- docx -----------------------------------------------------------------------------------


def test_docx_gives_paragraphs_and_the_task_table_in_document_order():
    document = read(DOCX_003)
    assert document.media_type.endswith("wordprocessingml.document")
    assert texts(document)[:3] == ["中国共产主义青年团", "平罗县委员会文件", "平团发〔2020〕5号"]
    table_index = next(i for i, block in enumerate(document.blocks) if isinstance(block, Table))
    assert document.blocks[table_index - 1] == Paragraph("共青团平罗县委2020年重点工作任务清单")


def test_docx_task_table_has_a_header_and_31_rows_of_4_cells():
    [table] = tables(read(DOCX_003))
    assert len(table.rows) == 32
    assert {len(row) for row in table.rows} == {4}
    assert table.rows[0] == ("序号", "工作内容", "完成时限", "责任单位")
    assert [row[0] for row in table.rows[1:]] == [str(n) for n in range(1, 32)]
    assert table.rows[1][2:] == ("4-5月", "各乡（镇）团委，教育团工委，县直机关团委")


def test_docx_merged_cells_appear_once(tmp_path):
    word = docx.Document()
    word.add_paragraph("任务清单")
    grid = word.add_table(rows=3, cols=3)
    grid.cell(0, 0).merge(grid.cell(0, 1)).text = "序号与内容"
    grid.cell(0, 2).text = "责任单位"
    grid.cell(1, 2).merge(grid.cell(2, 2)).text = "县团委"
    for row in (1, 2):
        grid.cell(row, 0).text, grid.cell(row, 1).text = str(row), f"任务{row}"
    path = tmp_path / "merged.docx"
    word.save(path)
    [table] = tables(read(path))
    assert table.rows == (("序号与内容", "责任单位"), ("1", "任务1", "县团委"), ("2", "任务2", ""))


def test_docx_cells_of_a_nested_table_are_not_cells_of_the_outer_row(tmp_path):
    word = docx.Document()
    outer = word.add_table(rows=1, cols=2)
    outer.cell(0, 0).text = "1"
    outer.cell(0, 1).text = "工作内容"
    outer.cell(0, 1).add_table(rows=1, cols=2).cell(0, 0).text = "嵌套"
    path = tmp_path / "nested.docx"
    word.save(path)
    [table] = tables(read(path))
    assert table.rows == (("1", "工作内容\n"),)


def test_a_truncated_docx_is_corrupt(tmp_path):
    data = DOCX_003.read_bytes()
    path = tmp_path / "cut.docx"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ReadError, match=r"corrupt \.docx"):
        read(path)


def test_a_legacy_doc_renamed_docx_says_so(tmp_path):
    path = tmp_path / "old.docx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    with pytest.raises(ReadError, match=r"legacy Word \.doc"):
        read(path)


# --- pdf ------------------------------------------------------------------------------------


def test_pdf_lines_broken_by_the_margin_are_one_paragraph():
    paragraphs = texts(read_example(PDF_000))
    assert "现将《南昌共青团2021年工作要点》印发给你们,请结合实际,认真组织学习宣传贯彻落实。" in paragraphs
    assert "南昌共青团 2021 年工作要点" in paragraphs
    assert paragraphs[:2] == ["共青团南昌市委", "洪青发〔2021〕8号"]


def test_pdf_paragraph_continues_across_a_page_break():
    paragraphs = texts(read_example(PDF_000))
    [joined] = [p for p in paragraphs if p.startswith("——主动作为改善人居环境。")]
    assert "“垃圾分类齐步走”等主题活动" in joined
    assert joined.endswith("助力南昌“山水之城”建设以及“河长制”实施。")


def test_pdf_short_lines_end_paragraphs():
    paragraphs = texts(read_example(PDF_000))
    heading = "一、突出建党百年主题，唱响青春向党“主旋律”，听党话、跟党走"
    assert paragraphs[paragraphs.index(heading) + 1].startswith("——广泛开展庆祝建党 100 周年主题教育实践活动。")
    items = [p for p in paragraphs if p.startswith(("——", "一一"))]
    assert len(items) == 32
    assert all(p.count("——") + p.count("一一") == 1 for p in items)


def test_pdf_without_a_text_layer_asks_for_ocr(tmp_path):
    path = tmp_path / "scan.pdf"
    path.write_bytes(blank_pdf())
    with pytest.raises(ReadError, match=r"no text layer \(a scanned PDF\?\): run OCR first"):
        read(path)


@pytest.mark.parametrize("content", [b"%PDF-1.4\nnot really a pdf\n", b"hello", PDF_000.read_bytes()[:5000]])
def test_a_fake_or_truncated_pdf_is_a_read_error(tmp_path, content):
    path = tmp_path / "fake.pdf"
    path.write_bytes(content)
    with pytest.raises(ReadError, match=r"corrupt or unreadable \.pdf|no text layer"):
        read(path)


# --- html -----------------------------------------------------------------------------------


def test_html_keeps_the_article_and_drops_the_page_around_it():
    document = read(HTML_002)
    body = "\n".join(texts(document))
    for chrome in ("首页", "当前位置", "版权所有", "_hmt", "技术支持"):
        assert chrome not in body
    assert texts(document)[0] == "共青团四川省委2021年工作要点"
    assert texts(document).count("共青团四川省委2021年工作要点") == 1
    assert not any(text.startswith("发布时间") for text in texts(document))
    assert texts(document)[-1].startswith("——持续强化党风廉政建设。")
    assert len(document.blocks) == 46


def test_html_title_and_publication_date_go_to_metadata():
    document = read(HTML_002)
    assert document.metadata == {"title": "共青团四川省委2021年工作要点", "published": "2021-03-05"}
    assert (document.encoding, document.media_type) == ("utf-8", "text/html")


def test_html_charset_breaks_and_tables(tmp_path):
    page = (
        "<html><head><meta http-equiv='Content-Type' content='text/html; charset=gb2312'>"
        "<title>标题</title></head><body><div class='nav'><a href='/'>首页</a></div>"
        "<div id='zoom'><h1>宁波共青团工作要点</h1><p>发布日期：2019/5/22</p>"
        "<p>第一段，\n  换行不算\t分段。</p><p>第二段<br/>第三段</p>"
        "<table><tr><td>序号</td><td>工作内容</td></tr><tr><td>1</td><td><p>做好</p><p>青年工作</p></td></tr></table>"
        "<p>　　全角空格开头的一段。</p></div></body></html>"
    )
    path = tmp_path / "page.htm"
    path.write_bytes(page.encode("gb18030"))
    document = read(path)
    assert document.encoding == "gb18030"
    assert document.metadata == {"title": "标题", "published": "2019-05-22"}
    assert document.blocks == [
        Paragraph("宁波共青团工作要点"),
        Paragraph("第一段， 换行不算 分段。"),
        Paragraph("第二段"),
        Paragraph("第三段"),
        Table((("序号", "工作内容"), ("1", "做好\n青年工作"))),
        Paragraph("　　全角空格开头的一段。"),
    ]


def test_html_article_of_br_separated_lines_is_found(tmp_path):
    page = (
        "<html><body><div class='nav'>首页 | 通知公告</div>"
        "<div class='TRS_Editor'>一、加强引领<br>——开展学习。组织团员青年学习。<br/>——开展活动。</div>"
        "<div class='footer'>版权所有</div></body></html>"
    )
    path = tmp_path / "page.html"
    path.write_text(page, encoding="utf-8")
    assert texts(read(path)) == ["一、加强引领", "——开展学习。组织团员青年学习。", "——开展活动。"]


@pytest.mark.parametrize("module", [readers, text_reader], ids=lambda module: module.__name__)
def test_reader_docstring_examples_run(module):
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0
