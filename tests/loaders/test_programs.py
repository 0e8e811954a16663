"""Program mentions on real sentences of the sample plans."""
import pytest

from loaders.model import Text
from loaders.programs import find_programs, resolve


def programs(sentence: str) -> list[tuple[str, str, bool]]:
    """(label, quote, in scheme) of each program the sentence names."""
    return [(pm.program.label, pm.span.quote, pm.program.in_scheme)
            for pm in find_programs(Text(sentence))]


def labels(sentence: str) -> list[str]:
    return [label for label, _, _ in programs(sentence)]


def test_aliases_meet_one_program():
    assert resolve("青马工程") == resolve("青年马克思主义者培养工程") == resolve("青少年马克思主义者培养工程")
    assert resolve("西部计划") == resolve("大学生志愿服务西部计划")


def test_region_and_edition_prefixes_resolve_to_the_scheme():
    assert resolve("吉林青年讲师团") == resolve("青年讲师团")
    assert resolve("四川青年志愿者行动") == resolve("中国青年志愿者行动")


def test_quoted_names_and_unquoted_scheme_names():
    found = programs("整合拓展中国青年志愿者行动、保护母亲河行动、青年突击队、青年文明号、青年岗位能手、振兴杯等团内品牌工作的时代内涵。")
    assert [q for _, q, _ in found] == ["中国青年志愿者行动", "保护母亲河行动", "青年突击队", "青年文明号", "青年岗位能手", "振兴杯"]
    assert all(in_scheme for _, _, in_scheme in found)


def test_formulas_are_not_programs():
    assert labels("增强“四个意识”、坚定“四个自信”、做到“两个维护”，始终胸怀“两个大局”，心系“国之大者”。") == []
    assert labels("优化“全团抓学校”工作机制。") == []
    assert labels("以“政治引领+实践养成+价值观培育”为培养模式，选拔培养1万名青年骨干。") == []
    assert labels("推动“发展即录入”常态化。") == []


def test_policies_in_book_title_marks_are_not_programs():
    found = labels("制定实施《2021年团省委青年马克思主义者培养工程实施方案》，举办省级示范班。")
    assert "2021年团省委青年马克思主义者培养工程实施方案" not in found


def test_new_programs_are_found_by_quote_and_by_shape():
    found = programs("实施外出青年返乡创业“燕归巢”项目。举办吉林省青少年新媒体创新创业大赛。")
    assert [(label, in_scheme) for label, _, in_scheme in found] == [
        ("燕归巢", False), ("吉林省青少年新媒体创新创业大赛", False)]


def test_a_quoted_name_with_its_description_is_one_program():
    found = programs("开展“学伴+”网络学业互助计划、“圆梦微心愿”志愿服务等活动。")
    assert [quote for _, quote, _ in found] == ["学伴+", "圆梦微心愿"]


def test_a_known_name_behind_other_words():
    assert labels("落实习近平总书记对希望工程的重要寄语精神。") == [labels("希望工程")[0]]


def test_metaphors_in_headings_are_not_programs():
    assert labels("二、紧盯市委中心工作，牵住服务大局“牛鼻子”，建新功、有新为") == []


@pytest.mark.parametrize("sentence", [
    "破解学生团员“毕业即失联”“口袋团员”等问题。",
    "做大做强“双微”平台。",
])
def test_quoted_phrases_that_name_no_program(sentence):
    assert labels(sentence) == []


def test_everyday_words_name_a_program_only_in_context():
    assert labels("开展面对面交流。") == []
    assert labels("常态化开展“面对面”活动。") == labels("深化“共青团与人大代表、政协委员面对面”活动。")
    assert labels("开展面对面活动。") == labels("常态化开展“面对面”活动。")
