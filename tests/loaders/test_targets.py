"""Targets on real sentences of the sample plans."""
from decimal import Decimal

import pytest

from loaders.model import Text
from loaders.targets import deadline_date, parse_targets


def targets(sentence: str):
    return [(t.comparator, t.value, t.unit) for t in parse_targets(Text(sentence), 0, len(sentence))]


@pytest.mark.parametrize("sentence, expected", [
    ("每期参与学习人数不少于50万。", [(">=", Decimal(500000), "")]),
    ("力争2021年度毕业学生团员组织关系转接率达到95%以上。", [(">=", Decimal(95), "%")]),
    ("高中毕业班团学比控制在50%以内。", [("<=", Decimal(50), "%")]),
    ("建设总面积150亩左右的青年林。", [("~", Decimal(150), "亩")]),
    ("力争“青春英雄城”抖音号年度播放量破亿，点赞量破500万，粉丝数突破35万。",
     [(">", Decimal(100000000), ""), (">", Decimal(5000000), ""), (">", Decimal(350000), "")]),
    ("筹款争取突破 2000 万元。", [(">", Decimal(20000000), "元")]),
    ("选拔培养1万名青年骨干。", [("=", Decimal(10000), "名")]),
    ("县级团组织全年至少举办1期团干部培训班。", [(">=", Decimal(1), "期")]),
    ("推动毕业生团员组织关系转接达到90%以上。", [(">=", Decimal(90), "%")]),
])
def test_targets_in_real_sentences(sentence, expected):
    assert targets(sentence) == expected


@pytest.mark.parametrize("sentence", [
    "以扎实业绩迎接建党 100 周年。",
    "围绕6大工作领域，持续抓好8个重点项目。",
    "推进37个省级试点县按照要求扎实开展试点。",
    "做好第31届世界大学生运动会的志愿服务。",
    "加大省 12355 青少年服务台建设力度。",
    "形成“1+N”的中学生团校建设体系。",
    "推动《吉林省中长期青年发展规划（2018-2025年）》纵深实施。",
])
def test_numbers_that_are_not_targets(sentence):
    assert targets(sentence) == []


def test_metric_is_the_measured_phrase():
    s = "保证实体化阵地每月开展日常活动不少于2场次。"
    [t] = parse_targets(Text(s), 0, len(s))
    assert t.metric == "实体化阵地每月开展日常活动场次"     # the count named by its unit
    assert t.span.quote == "不少于2场次"


def test_counted_noun_makes_the_metric():
    s = "选拔培养1万名青年骨干。"
    [t] = parse_targets(Text(s), 0, len(s))
    assert t.metric == "选拔培养青年骨干人数"


def test_deadline_in_the_sentence():
    s = "年底前初中毕业班团学比控制在20%以内，高中毕业班团学比控制在50%以内。"
    found = parse_targets(Text(s), 0, len(s))
    assert [t.deadline.quote for t in found] == ["年底前", "年底前"]


def test_deadline_dates():
    assert str(deadline_date("年底前", 2021)) == "2021-12-31"
    assert str(deadline_date("8月底前", 2020)) == "2020-08-31"
    assert str(deadline_date("到2022年底", 2021)) == "2022-12-31"
    assert deadline_date("县两会前", 2020) is None
