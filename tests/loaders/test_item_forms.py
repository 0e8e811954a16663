"""Sections, work items and task tables in the forms plans take, each proved on a short plan of
its own (tests/fixtures/forms/items/)."""
import importlib.util
from pathlib import Path

import pytest

from loaders.extract import load
from loaders.normalize import clean_line, normalize
from loaders.readers import read
from loaders.structure import parse_layout

FORMS = Path(__file__).resolve().parents[1] / "fixtures" / "forms" / "items"


def layout(name: str):
    return parse_layout(normalize(read(FORMS / name)))


def sections(lay) -> list[str]:
    return [s.title.quote for s in lay.sections]


def items(lay) -> list[tuple[int | None, str | None, str]]:
    """(section, number, title) of each item."""
    return [(i.section, i.number, i.title.quote) for i in lay.items]


def test_sections_marked_with_a_pause_mark_a_full_stop_or_a_comma_and_numbering_restarting():
    lay = layout("section_marks.txt")
    assert sections(lay) == ["强化青年思想引领", "服务青年成长发展", "夯实基层组织"]
    assert [(s, n) for s, n, _ in items(lay)] == [(1, "1"), (1, "2"), (2, "1"), (2, "2"), (3, "1"), (3, "2")]
    assert items(lay)[2][2] == "举办青年创业训练营。"          # 1、 after 二.
    assert items(lay)[5][2] == "开展团干部轮训。"              # 1． (full-width) after 三，


def test_parenthesised_headings_are_the_sections_when_no_top_level_heading_exists():
    lay = layout("paren_sections.txt")
    assert sections(lay) == ["做好青少年思想教育", "加强团的自身建设"]
    assert items(lay) == [(1, "1", "组织中学生参观红色场馆。"), (1, "2", "开展团课进校园。"),
                          (2, "1", "整顿软弱涣散团支部。"), (2, "2", "规范团费收缴管理。")]


def test_part_and_chapter_headings_with_parenthesised_and_circled_items():
    lay = layout("part_chapter.txt")
    assert sections(lay) == ["思想引领", "实践育人"]
    assert items(lay) == [(1, "1", "开展新生入学教育。"), (1, "2", "组织学生骨干读书会。"),
                          (2, "1", "组织暑期社会实践团队。"), (2, "2", "开展志愿服务周活动。")]


def test_double_dash_its_conversion_artefact_and_a_single_dash_open_items():
    text = normalize(read(FORMS / "dashes.txt"))
    assert "\n——建立青年农场主联系名单。" in text.text           # 一一 became the dash
    lay = parse_layout(text)
    assert [t for _, _, t in items(lay)] == ["组织返乡大学生开展助农直播。", "建立青年农场主联系名单。",
                                             "开展农村青年技能培训。"]
    assert {s for s, _, _ in items(lay)} == {1}


def test_an_enumeration_inside_a_paragraph_gives_one_item_per_ordinal():
    lay = layout("inline_shi.txt")
    assert sections(lay) == ["加强青少年权益保护", "推进志愿服务"]
    assert items(lay) == [
        (1, "一", "开展普法宣传进校园活动；"), (1, "二", "建立青少年心理援助热线；"),
        (1, "三", "联合法院开设少年模拟法庭。"),
        (2, "一", "完善志愿者注册登记办法。"), (2, "二", "组织社区志愿服务队定期开展服务。")]
    # The clause before 一是 belongs to the section, not to an item.
    assert not any("围绕" in i.span.quote for i in lay.items)


def test_ordinals_opening_lines_are_items():
    lay = layout("ordinal_lines.txt")
    assert items(lay) == [(1, "一", "严格团员发展程序，按季度公示发展名单。"),
                          (1, "二", "加强入团积极分子培养，开设团校培训班。")]


def test_a_bullet_opening_a_line_survives_normalisation_and_opens_an_item():
    text = normalize(read(FORMS / "bullets.txt"))
    assert "\n★ 组建园区青年联谊会。" in text.text and "\n● 举办园区青年交友活动。" in text.text
    lay = parse_layout(text)
    assert [t for _, _, t in items(lay)] == ["组建园区青年联谊会。", "举办园区青年交友活动。", "开展青年职工技能比武。"]


def test_nested_numbering_keeps_each_item_under_its_section():
    lay = layout("nested.txt")
    assert sections(lay) == ["强化政治引领", "服务青年发展"]
    assert items(lay) == [
        (1, "一", "深化理论学习"), (1, "1", "组织团干部集中学习。"), (1, "2", "开展青年学习小组活动。"),
        (1, "二", "加强网络引领"), (1, "1", "建设团属新媒体矩阵。"),
        (2, "一", "促进青年就业"), (2, "1", "举办青年招聘会。"), (2, "2", "开展就业见习活动。")]


def test_an_excerpt_starting_mid_list_keeps_its_numbers():
    facts = load(FORMS / "mid_list.txt")
    assert [a.item.number for a in facts.activities] == ["7", "8", "9", "10", "11", "12"]
    assert facts.activities[0].item.title.quote == "开展青少年禁毒宣传教育活动。"


# The plan of make_fixtures.py: number, content, deadline, lead units, supporting units of each row.
TABLE_PLAN = [
    ("1", "开展青年理论宣讲，深入社区和企业开展宣讲。", "12月底前", ["宣传部"], ["各区县团委"]),
    ("1", "组建青年宣讲员队伍。", "6月底前", ["宣传部"], ["学校部"]),          # 序号 and 牵头单位 merged
    ("2", "推进青年之家建设。", "年底前新建青年之家不少于20个", ["基层组织建设部"], ["各街道团工委", "社区团支部"]),
    ("3", "举办青年人才招聘会。", "9月底前", ["青年发展部"], ["市人社局"]),     # after the repeated header
]


def table_rows(facts):
    rows = []
    for a in facts.activities:
        item = a.item
        names = [org.label for org, _ in a.responsible]
        lead = len(_units(item.units.quote)) if item.units else 0
        rows.append((item.number, item.span.quote, item.deadline.quote if item.deadline else None,
                     names[:lead], names[lead:]))
    return rows


def _units(cell: str) -> list[str]:
    return [u for u in cell.replace("、", "，").split("，") if u.strip()]


@pytest.mark.parametrize("name", ["table_plan.txt", "table_plan.docx", "table_plan.html", "table_plan.pdf"])
def test_a_task_table_in_each_format(name):
    facts = load(FORMS / name)
    assert facts.year == 2024
    assert facts.title.quote == "共青团青禾市委2024年工作要点"      # in the PDF, 2024 is set in another font
    assert all(a.item.from_table for a in facts.activities)
    assert table_rows(facts) == TABLE_PLAN
    # The lead units come first, the supporting ones after; the item keeps which is which.
    item = facts.activities[2].item
    assert item.units.quote == "基层组织建设部" and item.support.quote == "各街道团工委、社区团支部"
    # Every unit is quoted from the text.
    for a in facts.activities:
        for _, mention in a.responsible:
            assert facts.text.text[mention.span.start:mention.span.end] == mention.span.quote


def test_the_txt_docx_html_and_pdf_copies_of_one_plan_give_the_same_items_and_units():
    found = [table_rows(load(FORMS / f"table_plan.{suffix}")) for suffix in ("txt", "docx", "html", "pdf")]
    assert found[0] == found[1] == found[2] == found[3]


def test_a_ruled_pdf_table_is_read_as_a_table_with_its_merged_cells():
    raw = read(FORMS / "table_plan.pdf")
    tables = [b for b in raw.blocks if hasattr(b, "rows")]
    assert len(tables) == 1
    rows = [tuple(clean_line(c) for c in row) for row in tables[0].rows]       # ⼯ as 工
    assert rows[0] == ("2024年重点工作任务清单",)                       # a caption merged across: read once
    assert rows[1] == ("序号", "工作内容", "完成时限", "牵头单位", "配合单位")   # 序\n号 joined
    assert rows[3] == ("", "组建青年宣讲员队伍。", "6月底前", "", "学校部")
    assert {(3, 0), (3, 3)} <= tables[0].merged
    # No cell's text is left behind among the paragraphs.
    assert not any("宣讲员" in b.text for b in raw.blocks if hasattr(b, "text"))


def test_a_target_stated_in_the_deadline_column_belongs_to_its_row():
    facts = load(FORMS / "table_plan.txt")
    targets = [(a.item.number, t.metric, int(t.value), t.unit, t.deadline.quote) for a in facts.activities for t in a.targets]
    assert targets == [("2", "新建青年之家数", 20, "个", "年底前")]


def test_a_table_a_row_a_line_with_measures_goals_and_departments():
    facts = load(FORMS / "table_lines.txt")
    rows = [(a.item.number, a.item.span.quote, [o.label for o, _ in a.responsible]) for a in facts.activities]
    assert rows == [("1", "开展学生干部素质培训", ["组织部"]), ("2", "组织青年志愿者服务活动", ["青年志愿者协会"]),
                    ("3", "推进学生社团规范管理", ["社团管理中心"])]
    targets = [(a.item.number, int(t.value), t.unit) for a in facts.activities for t in a.targets]
    assert targets == [("1", 200, "人次"), ("2", 60, "%")]


def test_a_flattened_table_with_work_measures_and_a_department_column():
    facts = load(FORMS / "table_measures.txt")
    rows = [(a.item.number, a.item.title.quote, a.item.deadline.quote, [o.label for o, _ in a.responsible])
            for a in facts.activities]
    assert rows == [("1", "开展青少年网络素养教育。", "10月底前", ["宣传部"]),
                    ("2", "组织少先队辅导员技能竞赛。", "11月底前", ["少先队工作部"])]


def test_the_fixture_script_writes_the_same_plan(tmp_path):
    spec = importlib.util.spec_from_file_location("make_fixtures", FORMS / "make_fixtures.py")
    make = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make)
    assert make.write_txt(tmp_path).read_text("utf-8") == (FORMS / "table_plan.txt").read_text("utf-8")
    assert make.write_html(tmp_path).read_text("utf-8") == (FORMS / "table_plan.html").read_text("utf-8")
    assert table_rows(load(make.write_docx(tmp_path))) == TABLE_PLAN


MERGED_UNITS = [("1", "举办青年读书分享会。", "团委宣传部"), ("2", "开展青年诗歌朗诵比赛。", "团委宣传部"),
                ("3", "组织青年志愿者培训。", "")]


def _merged_units_docx(path: Path) -> Path:
    import docx

    document = docx.Document()
    document.add_paragraph("青禾学院团委2024年工作要点")
    table = document.add_table(rows=4, cols=3)
    for c, name in enumerate(("序号", "工作内容", "责任部门")):
        table.cell(0, c).text = name
    for r, (number, content, unit) in enumerate(MERGED_UNITS, start=1):
        table.cell(r, 0).text, table.cell(r, 1).text = number, content
    table.cell(1, 2).merge(table.cell(2, 2)).text = "团委宣传部"
    document.save(path / "merged.docx")
    return path / "merged.docx"


def _merged_units_html(path: Path) -> Path:
    rows = "".join(
        f"<tr><td>{n}</td><td>{c}</td>{'<td rowspan=2>团委宣传部</td>' if n == '1' else '<td></td>' if n == '3' else ''}</tr>"
        for n, c, _ in MERGED_UNITS)
    (path / "merged.html").write_text(
        "<html><body><div><h1>青禾学院团委2024年工作要点</h1><p>2024年，学院团委将抓好以下工作。</p><table><tr><th>序号</th><th>工作内容</th><th>责任部门</th></tr>"
        f"{rows}</table></div></body></html>", "utf-8")
    return path / "merged.html"


@pytest.mark.parametrize("make", [_merged_units_docx, _merged_units_html])
def test_a_unit_cell_merged_down_over_numbered_rows_serves_each_of_them(tmp_path, make):
    facts = load(make(tmp_path))
    rows = [(a.item.number, a.item.span.quote, "、".join(o.label for o, _ in a.responsible)) for a in facts.activities]
    assert rows == MERGED_UNITS


def test_radical_code_points_of_a_pdf_text_layer_become_the_characters():
    assert clean_line("共⻘团⼯作要点，⻓效机制") == "共青团工作要点，长效机制"


def test_inner_numbering_hangs_under_the_item_above_and_takes_its_program():
    facts = load(FORMS / "sub_items.txt")
    by_title = {a.item.title.quote: a.item for a in facts.activities}
    parent = {a.item.number + a.item.title.quote[:4]: by_title_parent(facts, a.item) for a in facts.activities}
    assert parent == {"一促进青年": None, "1实施“青": "一", "1年内开发": "1", "2组织见习": "1",
                      "1开设线上": "2", "2举办青年": "一"}
    target = [t for a in facts.activities for t in a.targets]
    assert [(t.metric, t.program.label) for t in target] == [("开发见习岗位数", "青禾启航")]
    assert by_title["举办青年创业大赛。"].section == 1


def by_title_parent(facts, item):
    """The number of the item ``item`` stands under."""
    items = {a.item.ordinal: a.item for a in facts.activities}
    return items[item.parent].number if item.parent else None


def test_a_flattened_table_continued_past_a_page_break_without_its_header():
    facts = load(FORMS / "table_split.txt")
    rows = [(a.item.number, [o.label for o, _ in a.responsible]) for a in facts.activities]
    assert rows == [("1", ["青工部"]), ("2", ["青工部"]), ("3", ["县直机关团工委"]), ("4", ["宣传部"])]
    assert all(a.item.from_table for a in facts.activities)


def test_a_section_of_prose_gives_one_item_a_paragraph_but_not_its_frame():
    lay = layout("prose_sections.txt")
    assert sections(lay) == ["指导思想", "重点工作"]
    assert items(lay) == [(2, None, "深入开展“青禾读书会”活动，组织团员青年每月共读一本书。"),
                          (2, None, "推进青年志愿服务常态化，在每个社区建立志愿服务站。")]
    facts = load(FORMS / "prose_sections.txt")
    assert [p.label for a in facts.activities for p, _ in a.programs] == ["青禾读书会"]
