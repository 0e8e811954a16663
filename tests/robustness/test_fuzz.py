"""Properties that hold for any input: no crash, offsets inside the text, quotes equal to the text."""
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loaders.model import RawDocument, ReadError, Paragraph, Text
from loaders.normalize import normalize
from loaders.programs import find_programs
from loaders.readers.text import read_text
from loaders.structure import parse_layout
from loaders.targets import parse_targets
from samples import JILIN, PINGLUO

SAMPLE = JILIN.read_text("utf-8") + PINGLUO.read_text("utf-8")
PIECES = ["一、", "1. ", "——", "一是", "（一）", "“", "”", "《", "》", "不少于", "以上", "%", "万", "亿",
          "年底前", "\t", "\n", "\n\n", "序号", "工作内容", "完成时限", "责任单位", "50", "3.5", "第",
          "青年大学习", "共青团", "县委", "，", "。", " "]
plan_like = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=8),
                               st.integers(0, len(SAMPLE) - 40).map(lambda i: SAMPLE[i:i + 40])),
                     max_size=60).map("".join)
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def assert_span(text: str, span) -> None:
    assert 0 <= span.start <= span.end <= len(text)
    assert text[span.start:span.end] == span.quote


@FUZZ
@given(st.binary(max_size=2000))
def test_the_text_reader_reads_or_refuses(data):
    try:
        doc = read_text(Path("fuzz.txt"), data)
    except ReadError as err:
        assert err.reason
        return
    normalize(doc)


@FUZZ
@given(plan_like)
def test_structure_spans_lie_in_the_text(s):
    text = normalize(RawDocument(Path("x.txt"), "0" * 64, "text/plain", [Paragraph(line) for line in s.split("\n")]))
    layout = parse_layout(text)
    t = text.text
    for span in [layout.header.title, layout.header.doc_number, layout.header.issued, *layout.header.issuer_lines]:
        if span is not None:
            assert_span(t, span)
    for section in layout.sections:
        assert_span(t, section.title)
        assert_span(t, section.span)
    for item in layout.items:
        for span in (item.title, item.span, item.deadline, item.units):
            if span is not None:
                assert_span(t, span)


@FUZZ
@given(plan_like)
def test_targets_spans_lie_in_the_text(s):
    text = Text(s)
    for target in parse_targets(text, 0, len(s)):
        assert_span(s, target.span)
        assert_span(s, target.sentence)
        if target.deadline:
            assert_span(s, target.deadline)
        assert target.comparator in {">=", ">", "<=", "<", "=", "~"}
        assert target.value >= 0


@FUZZ
@given(plan_like)
def test_program_spans_lie_in_the_text(s):
    for mention in find_programs(Text(s)):
        assert_span(s, mention.span)
        assert mention.program.label


@FUZZ
@given(plan_like)
def test_extraction_builds_or_refuses(s):
    from kg.build import document_quads
    from loaders.extract import extract

    raw = RawDocument(Path("x.txt"), "0" * 64, "text/plain", [Paragraph(line) for line in s.split("\n")])
    try:
        facts = extract(raw)
    except ReadError as err:
        assert "not a work plan" in err.reason or "empty" in err.reason
        return
    for activity in facts.activities:
        for _, mention in activity.programs + activity.organizations:
            assert_span(facts.text.text, mention.span)
            assert_span(facts.text.text, mention.sentence)
    assert document_quads(facts, "x.txt")
