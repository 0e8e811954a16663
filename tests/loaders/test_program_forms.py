"""Programs in the forms plans take, each proved on a short text of its own."""
from pathlib import Path

import pytest

from loaders.extract import load
from loaders.model import Text
from loaders.programs import find_programs

FORMS = Path(__file__).resolve().parents[1] / "fixtures" / "forms" / "programs"


def text_of(name: str) -> Text:
    return Text((FORMS / name).read_text("utf-8").strip())


def labels(name: str) -> list[str]:
    return [pm.program.label for pm in find_programs(text_of(name))]


def test_work_rules_and_a_plans_own_working_method_are_not_programs():
    assert labels("work_rule.txt") == []


def test_titles_in_book_marks_never_become_program_names():
    assert not any("《" in label or "实施办法" in label for label in labels("title_marks.txt"))


def test_festivals_and_competitions_are_programs():
    found = labels("competition.txt")
    assert "河西青年文化节" in found
    assert "全市青年技能比赛" in found
    assert "星火杯" in found


def test_a_theme_names_its_campaign():
    assert labels("theme.txt") == ["青春心向党、奋进新时代"]


def test_a_quoted_name_holding_a_list_mark_is_kept_whole():
    assert labels("name_with_list_mark.txt") == ["党代表、人大代表联系青年工作室", "社区、学校共育"]


def test_parallel_slogans_are_not_programs():
    assert labels("slogan.txt") == []


def test_a_short_quoted_core_gives_the_whole_name():
    assert labels("quoted_core.txt") == ["优秀青年领航工程", "乡村青苗计划"]


def test_a_quoted_campaign_inside_a_phrase_gives_the_quoted_name():
    assert labels("campaign_in_phrase.txt") == ["青信"]


def test_items_opening_with_a_frame_family_give_distinct_programs():
    facts = load(FORMS / "frame_family_plan.txt")
    found = [p.label for a in facts.activities for p, _ in a.programs]
    assert found == ["青春建功河湖治理专项行动", "青春建功产业升级专项行动"]


@pytest.mark.parametrize("sentence, expected", [
    ("组织参加“创青春”全国大学生创业大赛。", "“创青春”全国大学生创业大赛"),
    ("举办“创青春”中国青年创新创业大赛。", "“创青春”中国青年创新创业大赛"),
])
def test_a_name_containing_another_is_its_own_program(sentence, expected):
    [pm] = find_programs(Text(sentence))
    assert pm.program.label == expected


def test_a_competition_label_behind_other_words_is_another_competition():
    [pm] = find_programs(Text("举办河西学院大学生创业大赛。"))
    assert pm.program.label == "河西学院大学生创业大赛" and not pm.program.in_scheme


def test_a_two_character_core_with_a_naming_head_is_the_core_and_its_head():
    assert labels("short_core_naming_head.txt") == ["春雨工程"]


def test_a_quote_standing_for_a_role_is_not_a_program():
    assert labels("role_metaphor.txt") == []


def test_counts_of_a_plans_own_parts_are_not_programs():
    assert labels("numbered_parts.txt") == []


def test_a_named_team_is_a_program():
    assert labels("named_team.txt") == ["青鸿雁"]


def test_a_meetings_theme_is_not_a_program_but_a_campaigns_is():
    text = text_of("meeting_theme.txt")
    [found] = find_programs(text)
    assert found.program.label == "青春建新功"
    assert found.span.start > text.text.index("同期")       # the campaign's quote, not the meeting's
