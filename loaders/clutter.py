"""Page clutter: the lines a web page puts around a document's own text.

Breadcrumbs (您现在的位置：首页 >> … >> 正文), navigation lines (several links on one line,
separated by / or |), publish lines (来源：… 作者：… 发布时间：… 点击：…), share buttons,
previous/next links, date bars (今天是…), footers (版权所有, ICP备…号) and, above a breadcrumb,
the site's column names. They stay in the canonical text (offsets point into it) and the
structure parser steps over them: none of them becomes a title, an issuer line or the opening
sentence, and none decides whether a text is a plan. The cue words are data, in
``ontology/header.toml``.

>>> clutter_kind("您现在的位置：首页 >> 工作动态 >> 正文"), clutter_kind("来源：团市委　点击：35")
('breadcrumb', 'publish')
>>> clutter_kind("2019年工作要点 / 2020年工作要点 / 2021年工作要点"), clutter_kind("一、加强思想引领")
('navigation', None)
"""
from __future__ import annotations

import functools
import re
import tomllib
from pathlib import Path

HEADER_CUES = Path(__file__).resolve().parent.parent / "ontology" / "header.toml"
_SHORT_LINE = 80
_NAV_PART = 24
_CJK = re.compile("[\u4e00-\u9fff]")


@functools.cache
def header_cues() -> dict:
    """The cue words of ``ontology/header.toml``."""
    with HEADER_CUES.open("rb") as f:
        return tomllib.load(f)


@functools.cache
def _patterns() -> dict[str, re.Pattern]:
    c = header_cues()["clutter"]

    def alternatives(words):
        return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))

    return {
        "breadcrumb": re.compile(rf"^[\s　]*(?:{alternatives(c['breadcrumb_starts'])})"),
        "crumb_step": re.compile(alternatives(c["breadcrumb_separators"])),
        "publish": re.compile(rf"(?:^|[\s　])(?:{alternatives(c['publish_labels'])})\s*[:：]"),
        "date_label": re.compile(rf"(?:{alternatives(c['date_labels'])})\s*[:：]"),
        "chrome": re.compile(rf"^[\s　]*(?:{alternatives(c['chrome_starts'])})"),
        "footer": re.compile(alternatives(c["footer_marks"])),
        "nav_split": re.compile("|".join(re.escape(s) for s in c["navigation_separators"])),
    }


def clutter_kind(line: str) -> str | None:
    """What kind of page clutter a line is: breadcrumb, navigation, publish, chrome, footer, or None."""
    text = line.strip()
    if not text:
        return None
    p = _patterns()
    if p["breadcrumb"].match(text):
        return "breadcrumb"
    short = len(text) <= _SHORT_LINE and "。" not in text
    if short and "首页" in text and p["crumb_step"].search(text):
        return "breadcrumb"
    if short and p["chrome"].match(text):
        return "chrome"
    if short and p["footer"].search(text):
        return "footer"
    if short and (p["publish"].search(text) or p["publish"].match(text)):
        return "publish"
    parts = [part.strip() for part in p["nav_split"].split(text)]
    filled = [part for part in parts if part]
    if len(filled) >= 3 and all(len(part) <= _NAV_PART and len(_CJK.findall(part)) >= 2
                                and not re.search("[。，；]", part) for part in filled):
        return "navigation"
    return None


def is_clutter(line: str) -> bool:
    return clutter_kind(line) is not None


def publish_date_zone(line: str) -> int | None:
    """Where the date of a publish line's date label starts ("发布时间：2021-03-05"), or 0 when
    the line is a publish line that opens with a bare date ("2020/3/13 15:21 来源：…"); None
    when the line dates nothing."""
    if clutter_kind(line) != "publish":
        return None
    m = _patterns()["date_label"].search(line)
    if m:
        return m.end()
    return 0 if re.match(r"\s*(?:19|20)\d{2}\s*[-/.年]", line) else None
