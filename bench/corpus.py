"""The synthetic corpus: plans made of the real sample plans' sections and items, each under an
issuer drawn from the GB/T 2260 table and a year of its own.

A corpus of 1,000 such plans, from the project's root::

    .venv/bin/python -c "from bench.corpus import synthesize; from pathlib import Path; synthesize(1000, Path('/tmp/n1000'))"
"""
from __future__ import annotations

import random
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

SAMPLES = Path(__file__).resolve().parent.parent / "examples" / "corpus"
YEARS = tuple(range(2017, 2024))
CN_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1..99 as plans number their sections: 一, 十, 十二, 二十三.

    >>> [chinese_number(n) for n in (1, 10, 12, 20, 23)]
    ['一', '十', '十二', '二十', '二十三']
    """
    tens, ones = divmod(n, 10)
    if tens == 0:
        return CN_DIGITS[ones]
    return ("" if tens == 1 else CN_DIGITS[tens]) + "十" + (CN_DIGITS[ones] if ones else "")


@dataclass
class SourceSection:
    """A section of a real plan: its heading, the text before its first item, its items."""

    heading: str
    preface: str
    style: str                  # how its items are numbered: arabic (1.), dash (——), shi (一是), paren (（一）)
    items: list[str]            # item texts without their markers


@dataclass
class SourcePlan:
    """The reusable parts of one real plan and the place and year its wording names."""

    name: str
    place_names: tuple[str, ...]
    year: int
    intro: str
    sections: list[SourceSection]
    table: list[list[str]] = field(default_factory=list)    # header row first


def source_plans(folder: Path = SAMPLES) -> list[SourcePlan]:
    """Parse the real sample plans into parts a synthetic plan can be made of."""
    from loaders.normalize import normalize
    from loaders.organizations import issuer_of
    from loaders.readers import read
    from loaders.structure import ITEM_RE, find_tables, parse_layout

    plans = []
    for path in sorted(folder.glob("*.txt")):
        text = normalize(read(path))
        layout = parse_layout(text)
        s = text.text
        issuer = issuer_of(text, layout.header.issuer_lines, layout.header.title).organization
        if issuer.region is None or not layout.sections or layout.header.year is None:
            continue
        region = issuer.region
        line_start = lambda pos: s.rfind("\n", 0, pos) + 1          # noqa: E731
        intro_end = line_start(layout.sections[0].title.start)
        intro = s[layout.header.title.end if layout.header.title else layout.body_start:intro_end].strip()
        sections = []
        for section in layout.sections:
            items = [i for i in layout.items if i.section == section.ordinal and not i.from_table]
            heading_end = s.find("\n", section.title.start)
            preface_end = line_start(items[0].span.start) if items else section.span.end
            preface = s[heading_end:preface_end].strip() if 0 <= heading_end < preface_end else ""
            styles, bodies = [], []
            for item in items:
                m = ITEM_RE.match(s, line_start(item.span.start))
                style = next((k for k in ("arabic", "dash", "shi", "paren") if m and m.group(k)), "dash")
                styles.append(style)
                bodies.append(item.span.quote)
            if bodies:
                style = max(set(styles), key=styles.count)
                sections.append(SourceSection(section.title.quote, preface, style, bodies))
        table = []
        for t in find_tables(text):
            table = [[cell.quote for cell in row] for row in t.rows]
        names = tuple(sorted({region.name, region.short}, key=len, reverse=True))
        plans.append(SourcePlan(path.name, names, layout.header.year, intro, sections, table))
    return plans


def issuer_regions() -> list:
    """Regions whose committee a plan's header names unambiguously, provinces to counties.

    A region is kept when the header this benchmark writes (共青团平罗县委 / 平罗共青团 2020 年工作
    要点) resolves back to it, so every synthetic plan has the issuer it was written for.
    """
    from loaders.model import Text
    from loaders.organizations import committee_of, issuer_of
    from loaders.regions import all_regions

    kept = []
    for region in all_regions().values():
        committee = committee_of(region)
        header = f"{committee.label}\n\n{region.short}共青团 2020 年工作要点\n"
        text = Text(header)
        title_start = header.index(region.short + "共青团")
        found = issuer_of(text, [text.span(0, len(committee.label))], text.span(title_start, len(header) - 1))
        if found.organization.key == committee.key:
            kept.append(region)
    return kept


def _scope_word(region) -> str:
    """How a plan of this region calls its whole area: 全省, 全市, 全县, 全区, 全旗."""
    if region.level == "province":
        return "全区" if region.name.endswith("自治区") else "全省" if region.name.endswith("省") else "全市"
    if region.level == "prefecture":
        return "全州" if region.name.endswith("州") else "全盟" if region.name.endswith("盟") else "全市"
    return {"县": "全县", "区": "全区", "旗": "全旗"}.get(region.name[-1], "全市")


class Synthesizer:
    """Plans made of real sections and items, each under an issuer and year of its own."""

    def __init__(self, seed: int = 2021, sources: list[SourcePlan] | None = None):
        self.seed = seed
        self.sources = sources if sources is not None else source_plans()
        regions = issuer_regions()
        random.Random(seed).shuffle(regions)
        self.regions = regions
        self.pool = [(plan, section) for plan in self.sources for section in plan.sections]
        self.table_source = next((p for p in self.sources if len(p.table) > 2), None)

    def plan(self, i: int) -> tuple[str, str]:
        """The i-th plan: (file name, text). Each (issuer, year) appears once."""
        region = self.regions[i % len(self.regions)]
        round_ = i // len(self.regions)
        year = YEARS[(round_ + int(region.code)) % len(YEARS)]
        rng = random.Random(f"{self.seed}-{i}")
        return f"{i:05d}_{region.code}_{year}.txt", self._text(region, year, rng)

    def _text(self, region, year: int, rng: random.Random) -> str:
        from loaders.organizations import committee_of

        committee = committee_of(region).label
        title = f"{region.short}共青团 {year} 年工作要点"
        scope = _scope_word(region)
        shape = rng.choice(self.sources)
        lines = ["", committee, "", f"{region.short[0]}团发〔{year}〕{rng.randint(1, 30)}号", "",
                 f"关于印发《{region.short}共青团{year}年工作要点》的通知", "",
                 "各级团组织：", "",
                 f"现将《{region.short}共青团{year}年工作要点》印发给你们，请结合实际，认真贯彻落实。", "",
                 committee, "", f"{year}年{rng.randint(1, 5)}月{rng.randint(1, 28)}日", "", title, "",
                 self._adapt(shape.intro, shape, region, year, scope), ""]
        number = 0
        for s_no in range(1, len(shape.sections) + 1):
            source, section = rng.choice(self.pool)
            items = [t for t in section.items if rng.random() > 0.15] or section.items[:1]
            rng.shuffle(items)
            siblings = [s for s in source.sections if s is not section and s.style == section.style]
            if siblings and rng.random() < 0.3:
                items.append(rng.choice(rng.choice(siblings).items))
            lines.append(f"{chinese_number(s_no)}、{self._adapt(section.heading, source, region, year, scope)}")
            if section.preface:
                lines.append(self._adapt(section.preface, source, region, year, scope))
            for k, body in enumerate(items, 1):
                number += section.style == "arabic"         # 1. 2. … run on through the plan
                marker = {"arabic": f"{number}. ", "dash": "——", "shi": f"{chinese_number(k)}是",
                          "paren": f"（{chinese_number(k)}）"}[section.style]
                lines.append(marker + self._adapt(body, source, region, year, scope))
            lines.append("")
        if self.table_source and region.level == "county" and rng.random() < 0.25:
            lines.extend(self._table(region, year, scope, rng))
        return "\n".join(lines) + "\n"

    def _table(self, region, year: int, scope: str, rng: random.Random) -> list[str]:
        """A task table (序号 / 工作内容 / 完成时限 / 责任单位) of real rows, as plain text lays it out."""
        source = self.table_source
        header, rows = source.table[0], source.table[1:]
        rows = rng.sample(rows, k=max(3, len(rows) * 2 // 3))
        out = ["重点工作任务清单", ""]
        for n, row in enumerate([header] + rows):
            cells = list(row)
            if n:
                cells[0] = str(n)
            out.extend("\t" + self._adapt(c, source, region, year, scope) for c in cells)
            out.append("")
        return out

    @staticmethod
    def _adapt(text: str, source: SourcePlan, region, year: int, scope: str) -> str:
        """A source's wording moved to another place and year: 吉林 -> 平罗, 2021年 -> 2019年, 全省 -> 全县."""
        places = "|".join(map(re.escape, source.place_names))
        text = re.sub(places, lambda m: region.name if len(m.group(0)) > len(source.place_names[-1])
                      else region.short, text)
        text = re.sub(rf"{source.year}(\s*年)", rf"{year}\1", text)
        return re.sub(r"全(?:省|市|县|区)(?=[\u4e00-\u9fff])", scope, text)


def synthesize(n: int, folder: Path, seed: int = 2021, synthesizer: Synthesizer | None = None) -> list[Path]:
    """Write n synthetic plans into folder (made afresh); their paths, in order."""
    synthesizer = synthesizer or Synthesizer(seed)
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    paths = []
    for i in range(n):
        name, text = synthesizer.plan(i)
        path = folder / name
        path.write_text(text, "utf-8")
        paths.append(path)
    return paths
