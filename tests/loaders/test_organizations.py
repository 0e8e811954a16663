"""The issuer and the committee hierarchy, resolved from the sample plans."""
import pytest

from loaders.model import Text
from loaders.organizations import committee_chain, issuer_of, responsible_units
from loaders.structure import parse_layout

from samples import JILIN, NANCHANG, NINGBO, PINGLUO, SICHUAN


def issuer(path):
    text = Text(path.read_text("utf-8"))
    lay = parse_layout(text)
    return issuer_of(text, lay.header.issuer_lines, lay.header.title)


@pytest.mark.parametrize("path, label, level, code, quote", [
    (NANCHANG, "共青团南昌市委", "prefecture", "360100", "共青团南昌市委"),
    (JILIN, "共青团吉林省委", "province", "220000", "吉林共青团"),       # no header: from the title
    (SICHUAN, "共青团四川省委", "province", "510000", "共青团四川省委"),
    (PINGLUO, "共青团平罗县委", "county", "640221", "中国共产主义青年团\n\n平罗县委员会"),
    (NINGBO, "共青团宁波市委", "prefecture", "330200", "共青团宁波市委"),  # from the signature
])
def test_issuer(path, label, level, code, quote):
    found = issuer(path)
    assert found.organization.label == label
    assert found.organization.level == level
    assert found.organization.region.code == code
    assert found.span.quote == quote


def test_hierarchy_up_to_the_central_committee():
    chain = committee_chain(issuer(PINGLUO).organization)
    assert [o.label for o in chain] == ["共青团石嘴山市委", "共青团宁夏回族自治区委员会", "共青团中央"]
    assert issuer(PINGLUO).organization.parent == "640200/cyl"


def test_table_units_as_written_and_the_committee_itself():
    found = issuer(PINGLUO).organization
    cell = "各乡（镇）团委，教育团工委，县直机关团委"
    text = Text("x" + cell)
    units = responsible_units(text, text.span(1, 1 + len(cell)), found)
    assert [o.label for o, _ in units] == ["各乡（镇）团委", "教育团工委", "县直机关团委"]
    assert all(text.text[s.start:s.end] == s.quote for _, s in units)
    own = Text("县团委")
    [(org, _)] = responsible_units(own, own.span(0, 3), found)
    assert org is found


def test_bodies_named_relative_to_the_issuer():
    from loaders.organizations import find_organizations

    def named(path, sentence):
        found = issuer(path).organization
        text = Text(sentence)
        return [o.label for o, _ in find_organizations(text, 0, len(sentence), found)]

    # 团省委 in a city's plan is the province's committee; 省委 in a province's plan its party committee.
    assert named(NANCHANG, "严格按照团省委下发的号段做好年度团员发展工作。") == ["共青团江西省委"]
    assert named(JILIN, "按照省委和团中央统一部署。") == ["中共吉林省委员会", "共青团中央"]
    assert named(JILIN, "发挥青联、青科协组织在青年创新引领方面作用。") == ["吉林省青年联合会", "吉林省青年科技工作者协会"]
    # A committee's own name is not read as a party committee (县委 inside 共青团平罗县委).
    assert named(PINGLUO, "共青团平罗县委组织开展。") == ["共青团平罗县委"]
