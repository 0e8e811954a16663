"""Organizations: League committees of regions and their hierarchy, the bodies a plan names, and
the units of its task table.

A committee is resolved to a region of GB/T 2260 with its level; bodies named relative to the
issuer (省委, 青联, 少工委) are resolved to its region through the patterns in
``ontology/organizations.tsv``, whose 团中央 row is the central committee. Which body issues a
plan is found in :mod:`loaders.issuers`.
"""
from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass

from . import lexicon, regions
from .facts import Organization
from .intervals import Intervals
from .memo import last_text
from .model import Span, Text
from .regions import Region

CENTRAL_KEY = "cn/cyl"

COMMITTEE_RE = re.compile(
    r"(?:中国共产主义青年团|共青团|团)(?P<name>[\u4e00-\u9fff]{2,12}?)"
    r"(?P<word>自治区委员会|省委员会|市委员会|县委员会|区委员会|州委员会|旗委员会|省委|市委|县委|区委|州委|旗委|盟委|地委)")
LEVEL_BY_WORD = {"省": "province", "自": "province", "州": "prefecture", "盟": "prefecture", "地": "prefecture",
                 "县": "county", "区": "county", "旗": "county", "市": None}


@dataclass(frozen=True)
class IssuerFinding:
    organization: Organization
    span: Span | None


@functools.lru_cache(maxsize=lexicon.NAME_CACHE)
def committee_of(region: Region) -> Organization:
    """The League committee of a region, tied to the committee above it."""
    word = region.committee_word
    if region.level == "province" and region.name.endswith("自治区"):
        label = f"共青团{region.name}委员会"
    else:
        label = f"共青团{region.short}{word}"
    full = f"共青团{region.name}委员会"
    unit_word = word[0]
    aliases = sorted({full, f"{region.short}团{unit_word}委", f"团{region.short}{word}", f"{region.short}共青团",
                      f"共青团{region.name}委"} - {label})
    parent = region.parent_code
    return Organization(f"{region.code}/cyl", label, "league-committee", region.level, region,
                        tuple(aliases), f"{parent}/cyl" if parent else CENTRAL_KEY)


@functools.lru_cache(maxsize=None)
def central() -> Organization:
    """团中央, as ``ontology/organizations.tsv`` names it: its one League committee at the central level."""
    for pat in lexicon.organization_patterns():
        if pat.kind == "league-committee" and pat.level == "central":
            label = pat.label_template or pat.name
            return Organization(CENTRAL_KEY, label, pat.kind, pat.level,
                                aliases=tuple(sorted({pat.name, *pat.aliases} - {label})))
    raise ValueError("organizations.tsv has no league-committee row at the central level (团中央)")


def committee_chain(org: Organization) -> list[Organization]:
    """The committees above a region's committee, nearest first, ending with 团中央; for a
    working committee (团工委) its region's committee and those above. A university's or an
    enterprise's committee, or an unknown one, has no chain the text states."""
    out: list[Organization] = []
    if org.region is None or org.level not in regions.LEVELS:
        return out
    own = committee_of(org.region)
    chain = regions.chain(org.region.code)
    for r in chain if own.key != org.key else chain[1:]:
        out.append(committee_of(r))
    out.append(central())
    return out


def resolve_committee(name: str, word: str, scope_hint: str | None) -> Region | None:
    level = LEVEL_BY_WORD.get(word[:1])
    base = name
    if word[:1] in "省市县区州旗" and base.endswith(word[:1]):
        base = base[:-1]
    if word.startswith("市") and level is None:
        r = regions.lookup(base, "prefecture") or regions.lookup(base)
        if r and r.level == "province" and not r.name.endswith("市"):
            r = regions.lookup(base, "prefecture") or r
        return r
    return regions.lookup(base, level or scope_hint) or regions.lookup(name, level or scope_hint)


def issuer_of(text: Text, header_lines: list[Span], title: Span | None, **evidence) -> IssuerFinding:
    """The committee that issues the plan; see :func:`loaders.issuers.issuer_of`."""
    from .issuers import issuer_of as find
    return find(text, header_lines, title, **evidence)


NOT_SPACE_RE = re.compile(r"\S+")


def joined_spans(text: Text, spans: list[Span]) -> tuple[str, lexicon.Offsets]:
    """The spans' text with white space removed, and each character's offset in the text."""
    pieces = [(m.start(), m.end() - m.start())
              for sp in spans for m in NOT_SPACE_RE.finditer(text.text, sp.start, sp.end)]
    return "".join(text.text[a:a + n] for a, n in pieces), lexicon.Offsets(pieces)


def span_from(text: Text, index: lexicon.Offsets, a: int, b: int) -> Span:
    return text.span(index[a], index[b - 1] + 1)


@functools.lru_cache(maxsize=lexicon.NAME_CACHE)
def slug(name: str) -> str:
    return "u-" + hashlib.sha1(name.encode("utf-8")).hexdigest()[:10]


@functools.lru_cache(maxsize=lexicon.NAME_CACHE)
def organization_for(pattern_index: int, surface: str, issuer: Organization) -> Organization | None:
    """The body a name stands for in a plan of this issuer.

    National bodies are one node each; a local body (省委, 青联, 团县委) is the one of the
    issuer's region, or of the region at the level the pattern names (团省委 in a city's plan
    is the province's committee); below the issuer's level it stands for the issuer's
    subordinate bodies of that kind as a group.
    """
    pat = lexicon.organization_patterns()[pattern_index]
    if pat.scope == "national" or issuer.region is None:
        if pat.kind == "league-committee" and pat.level == "central":
            return central()
        if pat.scope == "national":
            key = f"cn/{slug(pat.name)}"
            return Organization(key, pat.label_template or pat.name, pat.kind, "central",
                                aliases=tuple(sorted({pat.name, *pat.aliases} - {pat.label_template or pat.name})))
        # A local body (团市委, 少工委) of a plan whose place is not known is that plan's issuer's
        # own: the 少工委 of two such plans are two bodies, and the name stays as written.
        return Organization(f"{issuer.key}/{slug(pat.name)}", pat.name, pat.kind, pat.level,
                            aliases=tuple(sorted(set(pat.aliases) - {pat.name})))
    region, below = _region_for(pat, issuer.region)
    if pat.kind == "league-committee" and not below and (pat.level or pat.level_offset is not None
                                                          and pat.level_offset >= 0):
        return committee_of(region)
    if below:
        label = f"{region.name}各{pat.name}"
        return Organization(f"{region.code}/{slug(pat.name)}-all", label, pat.kind, None, region,
                            tuple(sorted({pat.name, *pat.aliases} - {label})), parent=issuer.key)
    label = pat.label_template.format(region=region.name) if pat.label_template else f"{region.name}{pat.name}"
    # A body the issuer runs (团校, 青少年宫 of its own region) is a sub-organization of it.
    parent = issuer.key if pat.relation == "subordinate" and region == issuer.region else None
    return Organization(f"{region.code}/{slug(pat.name)}", label, pat.kind, region.level, region,
                        tuple(sorted({pat.name, *pat.aliases} - {label})), parent=parent)


@functools.lru_cache(maxsize=lexicon.NAME_CACHE)
def _region_for(pat, region: Region) -> tuple[Region, bool]:
    """The region a local pattern points at from the issuer's region, and whether it means the
    bodies below it (a county body named in a province's plan)."""
    if pat.level:
        for r in regions.chain(region.code):
            if r.level == pat.level:
                return r, False
        return region, LEVELS_ORDER.index(pat.level) > LEVELS_ORDER.index(region.level)
    offset = pat.level_offset or 0
    if offset < 0:
        return region, True
    for _ in range(offset):
        parent = region.parent_code and regions.region(region.parent_code)
        region = parent or region
    return region, False


LEVELS_ORDER = ("central", "province", "prefecture", "county")


@last_text
def _committee_spans(s: str) -> Intervals:
    """Where the text names a League committee: any match of COMMITTEE_RE in a stretch of the
    text overlaps one of these."""
    return Intervals((m.start(), m.end()) for m in COMMITTEE_RE.finditer(s))


def find_organizations(text: Text, lo: int, hi: int, issuer: Organization) -> list[tuple[Organization, Span]]:
    """The bodies named between lo and hi: League committees by name, then the patterns."""
    s = text.text
    out: list[tuple[Organization, Span]] = []
    taken: list[tuple[int, int]] = []
    hint = issuer.level if issuer.level in ("province", "prefecture", "county") else None
    if _committee_spans(s).overlaps(lo, hi):
        for m in COMMITTEE_RE.finditer(s, lo, hi):
            region = resolve_committee(m.group("name"), m.group("word"), hint)
            if region:
                out.append((committee_of(region), text.span(m.start(), m.end())))
                taken.append((m.start(), m.end()))
    squeezed, index = lexicon.squeezed_text(s, " \t\u3000")
    k = index.kept_before(lo)
    for a, b, (name, pi) in lexicon.leftmost_longest(lexicon.organization_automaton(),
                                                     squeezed[k:index.kept_before(hi)]):
        start, end = index[k + a], index[k + b - 1] + 1
        if taken and any(x < end and start < y for x, y in taken):
            continue
        org = organization_for(pi, name, issuer)
        if org:
            out.append((org, text.span(start, end)))
    out.sort(key=lambda pair: (pair[1].start, pair[1].end))
    return out


UNIT_SPLIT_RE = re.compile(r"[，,、；;/]|\s{2,}")
ISSUER_UNIT_RE = re.compile(r"^(?:团?[省市县区州旗]团委|团[省市县区州旗]委|本级团委)$")


def responsible_units(text: Text, cell: Span, issuer: Organization) -> list[tuple[Organization, Span]]:
    """The units of a task-table cell, each as written; the committee itself as the issuer."""
    out = []
    pos = cell.start
    for part in UNIT_SPLIT_RE.split(cell.quote):
        start = text.text.find(part, pos, cell.end) if part else -1
        name = part.strip()
        if not name or start < 0:
            continue
        start += len(part) - len(part.lstrip())
        pos = start + len(name)
        span = text.span(start, start + len(name))
        if ISSUER_UNIT_RE.match(name):
            out.append((issuer, span))
            continue
        region = issuer.region
        key = f"{region.code}/{slug(name)}" if region else f"{issuer.key}/{slug(name)}"
        out.append((Organization(key, name, _unit_kind(name), None, region, parent=issuer.key), span))
    return out


def _unit_kind(name: str) -> str:
    """The kind of a unit a task table names, by the first word of ``unit_kinds`` it holds."""
    return next((kind for kind, words in lexicon.cues()["organizations"]["unit_kinds"]
                 if any(w in name for w in words)), "other")
