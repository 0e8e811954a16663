"""The body that issues a plan (or that a news report is about), from what the document says.

A body names itself in full in the header, the title or the signature (共青团南昌市委, 共青团某某大学
委员会, 某某市直机关团工委, 某某集团团委). Where it names itself only generically (团市委, 我校,
共青团 with no place), its place or institution is read from the rest of the document: a full name
in a reporter's lead (共青团某某市委（以下简称团市委）), the 文号's issuer abbreviation (甬团发), the
page's breadcrumb (某某共青团 >>), and the places the body calls its own (美好某某, 某某共青团, 在某某
市委的坚强领导下), each form weighted by how strongly it names the issuer and counted over the
whole text. When nothing says, the issuer is unknown, for this document alone.

The forms are data: ``ontology/issuer_forms.tsv`` and ``ontology/doc_number_issuers.tsv``.
"""
from __future__ import annotations

import csv
import functools
import re
from collections import defaultdict
from dataclasses import dataclass

import ontology

from . import regions
from .facts import Organization
from .model import Span, Text
from .organizations import (COMMITTEE_RE, LEVEL_BY_WORD, IssuerFinding, central, committee_of, joined_spans,
                            resolve_committee, slug, span_from)
from .regions import Region

UNKNOWN_PREFIX = "unknown/"
UNKNOWN_LABEL = "未识别的团委"

CJK = r"[\u4e00-\u9fff]"
# 吉林共青团2021年工作要点, 某某共青团 >> …: a place and 共青团
PLAIN_RE = re.compile(rf"(?P<name>{CJK}{{2,12}}?)共青团")
# The words a plan uses for its whole area, which tell which of a name's regions it means.
# 枣庄团市委, 鄞州区团委, 宁波市团委, 江苏团省委: a place and its committee's generic name
PLACE_COMMITTEE_RE = re.compile(rf"(?P<run>{CJK}{{2,10}}?)(?:团(?P<a>[省市县区州旗])委|(?P<b>[省市县区州旗])团委)")
# 某某市直机关团工委, 某某园区团工委, 教育团工委; 共青团某某工作委员会
WORKING_RE = re.compile(rf"(?:共青团)?(?P<name>{CJK}{{2,24}}?)(?:团工委|团工作委员会)"
                        rf"|共青团(?P<full>{CJK}{{2,24}}?)工作委员会")
DATE_LINE_RE = re.compile(r"^\s*(?:(?:19|20)\d{2}|[〇○零一二]{4})\s*[年./-]")   # a signature's date
ADDRESSEE_RE = re.compile(r"[：:]\s*$")   # a notice's addressees (各县（市、区）团委，市直机关团工委：)
LEAD_CHARS = 300          # a reporter's lead, the opening of a plan
SIGNATURE_LINE = 40       # a signature line is short; a longer one is the body's last paragraph
SIGNATURE_LINES = 4
SENTENCE_END_RE = re.compile(r"[。；;！!？?：:]$|^\s*(?:[0-9０-９]+[.、．]|[一二三四五六七八九十]+、|[（(])")

# Weights of the evidence for a body named generically; a full name in the header wins outright.
WEIGHT_LEAD_NAME = 6      # a full name in the opening: 记者从共青团某某市委获悉
WEIGHT_BODY_NAME = 3      # a full name of the same level elsewhere in the text
WEIGHT_DOC_NUMBER = 4     # the 文号's issuer abbreviation
WEIGHT_INSTITUTION = 3    # 某某大学团委 in a plan that speaks of its own school
MIN_INSTITUTION = 2       # an institution named once in passing is no evidence
MIN_EVIDENCE = 3          # one brand or slogan naming a place (2) may be another place's, seen in passing
                          # (an institution has its own minimum, in a plan that speaks of its school)


@dataclass(frozen=True)
class Form:
    kind: str
    pattern: re.Pattern
    value: str


@functools.lru_cache(maxsize=None)
def forms() -> tuple[Form, ...]:
    with open(ontology.ISSUER_FORMS, encoding="utf-8", newline="") as f:
        return tuple(Form(r["kind"].strip(), re.compile(r["form"].strip()), r["value"].strip())
                     for r in csv.DictReader(f, delimiter="\t"))


@dataclass(frozen=True)
class NamePatterns:
    """The shapes of names built from the word lists of ``issuer_forms.tsv``."""

    university_full: re.Pattern     # 共青团某某大学委员会, 中国共产主义青年团某某学院委
    university_short: re.Pattern    # 某某学院团委
    institution: re.Pattern         # 某某大学, by itself
    title_institution: re.Pattern   # 某某学院2023年共青团工作要点
    enterprise: re.Pattern          # 某某集团团委, 共青团某某集团委员会
    not_own: re.Pattern             # 各学院, 二级学院, 高校
    doc_number_head: re.Pattern     # 甬 in 甬团发〔2021〕3号


def _words(kind: str) -> str:
    return "|".join(w for form in forms() if form.kind == kind for w in form.pattern.pattern.split("|"))


@functools.lru_cache(maxsize=None)
def name_patterns() -> NamePatterns:
    school = f"(?:{_words('institution')})"
    inst = rf"(?P<inst>{CJK}{{2,20}}?{school})"
    return NamePatterns(
        university_full=re.compile(rf"(?:中国共产主义青年团|共青团){inst}(?:委员会|委)"),
        university_short=re.compile(rf"{inst}团委"),
        institution=re.compile(rf"(?P<inst>{CJK}{{2,20}}?(?:大学|学院))"),
        title_institution=re.compile(rf"^{inst}(?=[\d〇一二三四五六七八九十年度学期第—\-至\s]*(?:共青团|团委|团学|团))"),
        enterprise=re.compile(rf"(?:共青团)?(?P<name>{CJK}{{2,24}}?(?:{_words('enterprise')}))(?:团委|委员会|团工委)"),
        not_own=re.compile(_words("not-own")),
        doc_number_head=re.compile(rf"^(?P<head>{CJK}{{1,6}}?)(?:{_words('doc-number-body')})"
                                   rf"(?:{_words('doc-number-kind')})?\s*[〔\[［【(（]"))


@functools.lru_cache(maxsize=None)
def generic_names() -> tuple[re.Pattern, dict[str, str]]:
    """One pattern for every generic name (longest first, so 自治区团委 is not read as 区团委)."""
    level_of = {}
    for form in forms():
        if form.kind == "generic":
            for name in form.pattern.pattern.split("|"):
                level_of[name] = form.value
    names = sorted(level_of, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, names))), level_of


@functools.lru_cache(maxsize=None)
def doc_number_issuers() -> dict[str, tuple[Region, ...]]:
    """文号 abbreviation -> the regions it may stand for, in the table's order."""
    out: dict[str, list[Region]] = defaultdict(list)
    with open(ontology.DOC_NUMBER_ISSUERS, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            region = regions.region(row["adcode"].strip())
            if region is None:
                raise ValueError(f"{ontology.DOC_NUMBER_ISSUERS.name}: unknown adcode {row['adcode']!r}")
            out[row["abbreviation"].strip()].append(region)
    return {k: tuple(v) for k, v in out.items()}


def unknown_issuer(document: str, level: str | None = None) -> Organization:
    """The issuer of a document that does not say who it is: its own node, never shared."""
    return Organization(f"{UNKNOWN_PREFIX}{document}", f"{UNKNOWN_LABEL}（{document}）", "league-committee", level)


def is_unknown(org: Organization) -> bool:
    return org.key.startswith(UNKNOWN_PREFIX)


# -- bodies named in full ------------------------------------------------------------------------

def leading_region(name: str, levels: tuple[str, ...] = ("province", "prefecture")) -> Region | None:
    """The region a name starts with (河南 in 河南牧业经济学院, 宁波市 in 宁波市直机关)."""
    index = regions.names_index()
    for n in range(min(len(name), 8), 1, -1):
        found = [r for r in index.get(name[:n], ()) if r.level in levels]
        if found:
            return found[0]
    return None


def trailing_region(name: str, levels: tuple[str, ...] = ("province", "prefecture", "county")) -> tuple[Region, ...]:
    """The regions a name ends with (淮安 in 成立淮安)."""
    index = regions.names_index()
    for n in range(min(len(name), 8), 1, -1):
        found = tuple(r for r in index.get(name[-n:], ()) if r.level in levels)
        if found:
            return found
    return ()


def university(inst: str) -> Organization:
    """The League committee of a university, college or school, with the region its name starts with."""
    region = leading_region(inst)
    label = f"共青团{inst}委员会"
    aliases = tuple(sorted({f"{inst}团委", f"共青团{inst}委", f"{inst}共青团"}))
    return Organization(f"{region.code if region else 'cn'}/{slug(label)}", label, "league-committee",
                        "university", region, aliases)


def working_committee(name: str, region: Region | None = None) -> Organization:
    """A 团工委 of organs, parks, an industry or schools, at the level of the committee above it."""
    region = leading_region(name, ("province", "prefecture", "county")) or region
    label = f"{name}团工委" if region is None or name.startswith((region.name, region.short)) \
        else f"{region.name}{name}团工委"
    parent = committee_of(region) if region else None
    return Organization(f"{region.code if region else 'cn'}/{slug(label)}", label, "league-committee",
                        region.level if region else None, region, (f"{label[:-3]}团工作委员会",),
                        parent.key if parent else None)


def enterprise(name: str) -> Organization:
    """The League committee of an enterprise (某某集团团委)."""
    region = leading_region(name)
    label = f"{name}团委"
    return Organization(f"{region.code if region else 'cn'}/{slug(label)}", label, "league-committee",
                        "enterprise", region, (f"共青团{name}委员会",))


def _own_name(name: str, bounded: bool) -> str | None:
    """A body's own name as found in running text, which may carry the words before it
    (深化某某大学, 关于某某市直机关): cut where a place name starts; without a place name it is
    taken only where the text has a boundary before it (a line's start, punctuation, 共青团)."""
    if not leading_region(name, ("province", "prefecture", "county")):
        cut = next((i for i in range(1, len(name) - 1) if leading_region(name[i:])), None)
        if cut is not None:
            return name[cut:]
        if not bounded:
            return None
    return name


def _institution(name: str, bounded: bool) -> str | None:
    """The institution's own name, or None for a generic one (各学院, 二级学院, 高校)."""
    name = _own_name(name, bounded) or ""
    if len(name) < 4 or name_patterns().not_own.search(name):
        return None
    return name


def _listed(s: str, m: re.Match, name: str) -> bool:
    """Whether a body is one of a list of bodies addressed or named together (各…团委、…团工委)."""
    start = m.end() - len(m.group(0)) if name == m.group(0) else m.start()
    return name.startswith("各") or name_patterns().not_own.search(name) is not None \
        or s[start - 1:start] in ("、", "，", ",", "各") or s[m.end():m.end() + 1] in ("、", "，", ",", "：", ":")


def _bounded(s: str, at: int) -> bool:
    return at == 0 or not re.match(CJK, s[at - 1]) or s.endswith("共青团", 0, at)


def institutions(s: str, patterns: tuple[re.Pattern, ...] = ()) -> list[tuple[int, int, str]]:
    """Institutions named with their League committee (某某大学团委, 共青团某某学院委员会): where the
    match starts and ends, and the institution's own name."""
    out = []
    for pattern in patterns or (name_patterns().university_full, name_patterns().university_short):
        for m in pattern.finditer(s):
            inst = _institution(m.group("inst"), _bounded(s, m.start("inst")))
            if inst:
                start = m.start() if inst == m.group("inst") and pattern is name_patterns().university_full \
                    else m.start("inst") + m.group("inst").index(inst)
                out.append((start, m.end(), inst))
    return out


def named_bodies(s: str, hint: str | None = None, *, regions_only: bool = False) -> list[tuple[int, int, Organization]]:
    """Bodies named in full in a stretch of text: League committees of regions, universities,
    working committees and enterprises (or the first only), by where they start."""
    out: list[tuple[int, int, Organization]] = []
    for m in COMMITTEE_RE.finditer(s):
        region = resolve_committee(m.group("name"), m.group("word"), hint)
        if region:
            out.append((m.start(), m.end(), committee_of(region)))
    for m in PLACE_COMMITTEE_RE.finditer(s):
        word = m.group("a") or m.group("b")
        run = m.group("run")
        for n in range(len(run), 1, -1):
            place = run[-n:]
            index = regions.names_index()
            if place in index or place + word in index:
                region = resolve_committee(place, word + "委", hint)
                if region:
                    out.append((m.end("run") - n, m.end(), committee_of(region)))
                break
    if regions_only:
        return _leftmost_longest(out)
    out.extend((a, b, university(inst)) for a, b, inst in institutions(s))
    for m in name_patterns().enterprise.finditer(s):
        name = _own_name(m.group("name"), _bounded(s, m.start("name")))
        if name and not re.search(_words("institution"), name) and not _listed(s, m, name):
            out.append((m.end("name") - len(name), m.end(), enterprise(name)))
    for m in WORKING_RE.finditer(s):
        group = "name" if m.group("name") else "full"
        name = _own_name(m.group(group), group == "full" or _bounded(s, m.start(group)))
        if name and not _listed(s, m, name):
            start = m.start() if group == "full" and name == m.group(group) else m.end(group) - len(name)
            out.append((start, m.end(), working_committee(name)))
    return _leftmost_longest(out)


def _leftmost_longest(out: list[tuple[int, int, Organization]]) -> list[tuple[int, int, Organization]]:
    """Where two names overlap (共青团某某市委 inside a longer name), the one starting first and
    longest wins."""
    out.sort(key=lambda t: (t[0], -(t[1] - t[0])))
    kept: list[tuple[int, int, Organization]] = []
    for a, b, org in out:
        if not kept or a >= kept[-1][1]:
            kept.append((a, b, org))
    return kept


# -- the level a generic name or scope phrase tells ----------------------------------------------

def generic_level(s: str) -> tuple[str | None, int, int]:
    """The level of the first generic name in a stretch (团市委 -> prefecture), and where it is."""
    pattern, level_of = generic_names()
    m = pattern.search(s)
    return (level_of[m.group()], m.start(), m.end()) if m else (None, -1, -1)


def generic_names_in(s: str) -> list[tuple[str, int, int]]:
    """Every generic name in a stretch, with its level and where it is."""
    pattern, level_of = generic_names()
    return [(level_of[m.group()], m.start(), m.end()) for m in pattern.finditer(s)]


def scope_level(s: str) -> str | None:
    """The level the plan speaks of as its own (全市, 我校), by the most phrases."""
    counts: dict[str, int] = defaultdict(int)
    for form in forms():
        if form.kind == "scope":
            counts[form.value] += len(form.pattern.findall(s))
    best = max(counts, key=lambda k: counts[k], default=None)
    return best if best and counts[best] else None


# -- votes for a body named generically ----------------------------------------------------------

class Votes:
    """Weighted evidence for the issuer's place or institution, with the first span of each."""

    def __init__(self) -> None:
        self.weight: dict[str, int] = defaultdict(int)
        self.first: dict[str, tuple[int, Organization, tuple[int, int] | None]] = {}

    def add(self, org: Organization, weight: int, where: tuple[int, int] | None, order: int) -> None:
        self.weight[org.key] += weight
        if org.key not in self.first or order < self.first[org.key][0]:
            self.first[org.key] = (order, org, where)

    def best(self) -> tuple[Organization, tuple[int, int] | None] | None:
        if not self.weight:
            return None
        key = max(self.weight, key=lambda k: (self.weight[k], -self.first[k][0]))
        _, org, where = self.first[key]
        return org, where


def fits(region: Region, level: str) -> bool:
    """Whether a region's committee goes by a generic name of the level: 团市委 is a prefecture
    city's, a municipality's (province level) and a county-level city's too."""
    return region.level == level or (level == "prefecture" and region.name.endswith("市"))


def _at_level(candidates: tuple[Region, ...], level: str | None) -> Region | None:
    """The one region of the level among a name's candidates; a municipality or county-level city
    where no region of the level is named so."""
    if level is None:
        level_ones = [r for r in candidates if r.level in ("province", "prefecture")]
        return level_ones[0] if len(level_ones) == 1 else None
    exact = [r for r in candidates if r.level == level]
    fit = exact or [r for r in candidates if fits(r, level)]
    return fit[0] if len(fit) == 1 else None


def _subject_weight(s: str, end: int) -> int:
    """The weight of a body's name whose next words make it the one acting in the plan
    (共青团某某区委将…), or 0."""
    return max((int(form.value) for form in forms() if form.kind == "subject" and form.pattern.match(s, end)),
               default=0)


def placed_county(org: Organization, s: str) -> Organization:
    """A county's or district's committee whose name several counties share (鼓楼区) placed in the
    one whose city or province the text names most."""
    if org.level != "county" or org.region is None:
        return org
    same = [r for r in regions.names_index().get(org.region.name, ()) if r.level == "county"]
    if len(same) < 2:
        return org

    def named(r: Region) -> int:
        return sum(s.count(above.short) for above in regions.chain(r.code)[1:])
    best = max(same, key=lambda r: (named(r), r.code == org.region.code))
    return committee_of(best) if named(best) else org


def _place_votes(s: str, level: str | None, votes: Votes) -> None:
    index = regions.names_index()
    for form in forms():
        if form.kind not in ("place", "breadcrumb"):
            continue
        weight = int(form.value)
        stretch = s if form.kind == "place" else "\n".join(s.split("\n")[:12])
        for m in form.pattern.finditer(stretch):
            if "after" in m.groupdict() and m.group("after"):
                words = m.group("after")
                candidates: tuple[Region, ...] = ()
                for n in range(len(words), 1, -1):
                    if words[:n] in index:
                        candidates, start = index[words[:n]], m.start("after")
                        end = start + n
                        break
            else:
                words = m.group("before")
                candidates = trailing_region(words)
                end = m.end("before")
                start = end - (len(candidates[0].name) if candidates and words.endswith(candidates[0].name)
                               else len(candidates[0].short) if candidates else 0)
            region = _at_level(candidates, level) if candidates else None
            if region:
                votes.add(committee_of(region), weight, (start, end), start)


def _doc_number_votes(doc_number: Span | None, level: str | None, votes: Votes, place_weights: dict) -> None:
    if doc_number is None:
        return
    m = name_patterns().doc_number_head.match(doc_number.quote.replace(" ", ""))
    if not m:
        return
    head = m.group("head")
    candidates = doc_number_issuers().get(head, ())
    if not candidates:
        region = _at_level(regions.names_index().get(head, ()), level)
        candidates = (region,) if region else ()
    if level:
        candidates = tuple(r for r in candidates if fits(r, level))
    if not candidates:
        return
    # A shared abbreviation (宁: Ningxia and Nanjing) goes to the one the text names most.
    region = max(candidates, key=lambda r: (place_weights.get(committee_of(r).key, 0), -candidates.index(r)))
    votes.add(committee_of(region), WEIGHT_DOC_NUMBER, (doc_number.start, doc_number.start + len(head)),
              doc_number.start)


def _institution_votes(s: str, votes: Votes) -> None:
    """In a plan that speaks of its own school: the institutions it names with their committee
    (3 each) or by themselves (1 each); one named once by itself is no evidence."""
    with_committee: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for a, b, inst in institutions(s):
        with_committee[inst].append((a, b))
    alone: dict[str, tuple[int, int]] = {}
    for a, b, inst in institutions(s, (name_patterns().institution,)):
        alone.setdefault(inst, (a, b))
    for inst in sorted(set(with_committee) | set(alone)):
        where = with_committee.get(inst, [])
        weight = WEIGHT_INSTITUTION * len(where) + s.count(inst) - len(where)
        if weight >= MIN_INSTITUTION:
            org = university(inst)
            first = where[0] if where else alone[inst]
            votes.weight[org.key] += weight
            votes.first[org.key] = (first[0], org, first)


@functools.lru_cache(maxsize=None)
def central_re() -> re.Pattern:
    """A line that starts with the central committee's name (共青团中央文件, 团中央2023年工作要点)."""
    names = sorted({central().label, *central().aliases}, key=len, reverse=True)
    return re.compile(r"^\s*(?:" + "|".join(map(re.escape, names)) + r")(?![、，,和与及])")


def _full_form(s: str, found: tuple[int, int, Organization]) -> bool:
    """Whether a body is named in full: a region's committee, or 共青团…委员会."""
    a, _, org = found
    return (org.region is not None and org.key == committee_of(org.region).key) \
        or s.startswith(("共青团", "中国共产主义青年团"), a)


def _central_line(lines: list[Span]) -> Span | None:
    for line in lines:
        m = central_re().match(line.quote)
        if m:
            start = line.start + len(m.group()) - len(m.group().lstrip())
            return Span(start, line.start + m.end(), m.group().strip())
    return None


def signature_lines(text: Text) -> list[Span]:
    """The short lines that close the text (the body's name, the date), last first stopped by a
    sentence or a numbered item."""
    out: list[Span] = []
    s = text.text
    end = len(s)
    while end > 0 and len(out) < SIGNATURE_LINES:
        start = s.rfind("\n", 0, end) + 1
        line = s[start:end].strip()
        if line:
            if len(line) > SIGNATURE_LINE or SENTENCE_END_RE.search(line):
                break
            lead = len(s[start:end]) - len(s[start:end].lstrip())
            out.append(text.span(start + lead, start + lead + len(line)))
        end = start - 1
    return out[::-1]


def issuer_of(text: Text, header_lines: list[Span], title: Span | None, *,
              doc_number: Span | None = None, document: str | None = None) -> IssuerFinding:
    """The body that issues the plan, with the span that names it; an unknown body of the
    document's own when nothing says.

    In order: a body named in full in the header, the title or the signature; else a body named
    generically (团市委), placed by the votes of the text; else the document's own unknown body.
    """
    hint = _scope_hint(text.text)
    tail = signature_lines(text)
    title_group = [title] if title else []
    found, partial = _named_in_full(text, header_lines, title_group, tail, hint)
    if found is not None:
        return found
    level = _named_level(text, title_group, header_lines, tail)
    if level is None:
        acting = _acting_in_opening(text, hint)
        if acting is not None:
            return acting
        level = _opening_level(text.text)
    return _voted_issuer(text, hint, level, doc_number, partial) \
        or IssuerFinding(unknown_issuer(document or "?", level), None)


def _named_in_full(text: Text, header_lines: list[Span], title_group: list[Span], tail: list[Span],
                   hint: str | None) -> tuple[IssuerFinding | None, tuple[str, Span] | None]:
    """A body named in full in the header, the title or the signature (the header and title may
    break a name over two lines: 中国共产主义青年团 / 平罗县委员会文件); or, for a working
    committee named without its place (教育团工委), its name and span to place later."""
    s = text.text
    addressed = [line for line in header_lines if not ADDRESSEE_RE.search(line.quote)]
    for group in (addressed, title_group, tail):
        joined, index = joined_spans(text, group)
        found = named_bodies(joined, hint)
        if group is tail:
            # A task table may end the text: a unit named there (县直机关团工委, 某某学院团委) is no
            # signature; a body named short is one only on the line of its own above the date.
            found = [f for f in found if _full_form(joined, f)]
            if not found and len(tail) >= 2 and DATE_LINE_RE.search(tail[-1].quote):
                joined, index = joined_spans(text, tail[-2:-1])
                found = [f for f in named_bodies(joined, hint) if f[0] == 0 and f[1] == len(joined)]
        top = _central_line(group)
        if top is not None and (not found or top.start <= index[found[0][0]]):
            return IssuerFinding(central(), top), None
        if found:
            a, b, org = found[0]
            if org.label.endswith("团工委") and org.region is None:
                # 教育团工委: the place is the one of the committee above it, said elsewhere.
                return None, (org.label[:-3], span_from(text, index, a, b))
            return IssuerFinding(placed_county(org, s), span_from(text, index, a, b)), None
        if group is tail:
            continue
        m = name_patterns().title_institution.match(joined) if group is title_group else None
        inst = m and _institution(m.group("inst"), True)
        if inst:                                   # 某某学院2023年共青团工作要点
            return IssuerFinding(university(inst), span_from(text, index, m.start(), m.end())), None
        for m in PLAIN_RE.finditer(joined):           # 吉林共青团2021年工作要点, 某某共青团 >> …
            name = re.sub(r"^(?:19|20)\d{2}年", "", m.group("name"))
            region = _plain_region(name, hint)
            if region:
                start = m.start("name") + (len(m.group("name")) - len(name))
                return IssuerFinding(committee_of(region), span_from(text, index, start, m.end())), None
    return None, None


def _named_level(text: Text, title_group: list[Span], header_lines: list[Span], tail: list[Span]) -> str | None:
    """The level of a body named generically in the title, the header or the signature (团市委)."""
    signed = tail[-2:-1] if len(tail) >= 2 and DATE_LINE_RE.search(tail[-1].quote) else []
    for group in (title_group, header_lines, signed):
        joined, _ = joined_spans(text, group)
        level = generic_level(joined)[0]
        if level:
            return level
    return None


def _acting_in_opening(text: Text, hint: str | None) -> IssuerFinding | None:
    """A body named in full as the one acting in the opening (共青团某某区委将…)."""
    s = text.text
    for a, b, org in named_bodies(s[:LEAD_CHARS], hint):
        if org.region is not None and org.key == committee_of(org.region).key and _subject_weight(s, b):
            return IssuerFinding(placed_county(org, s), text.span(a, b))
    return None


def _opening_level(s: str) -> str | None:
    """The level of a generic name in the opening where it acts (记者从团市委获悉), not where it is
    the body above (在团省委的领导下); else the level of the plan's scope phrases (全市)."""
    return next((level_of for level_of, _, end in generic_names_in(s[:LEAD_CHARS])
                 if _subject_weight(s, end)), None) or scope_level(s)


def _voted_issuer(text: Text, hint: str | None, level: str | None, doc_number: Span | None,
                  partial: tuple[str, Span] | None) -> IssuerFinding | None:
    """The body the text's evidence votes for, at the level found: full names in the lead
    (共青团某某市委（以下简称团市委）) or of the same level in the body, places, the 文号, and the
    institution for a university; a working committee named without its place placed by it."""
    s = text.text
    votes = Votes()
    for a, b, org in named_bodies(s, hint, regions_only=True):
        if org.region is None or org.key != committee_of(org.region).key:
            continue                # a school's, an enterprise's, a working committee: partners here
        if level is not None and not fits(org.region, level):
            continue                                   # a body above or below the issuer
        weight = _subject_weight(s, b) or (WEIGHT_LEAD_NAME if a < LEAD_CHARS else WEIGHT_BODY_NAME)
        votes.add(org, weight, (a, b), a)
    _place_votes(s, level, votes)
    _doc_number_votes(doc_number, level, votes, dict(votes.weight))
    if level == "university":
        _institution_votes(s, votes)
    best = votes.best()
    if best is not None and (best[0].level == "university" or votes.weight[best[0].key] >= MIN_EVIDENCE):
        org, where = best
        if partial is not None and org.region is not None and org.level in regions.LEVELS:
            return IssuerFinding(working_committee(partial[0], org.region), partial[1])
        if partial is None and (level is None or org.level == level
                                or (org.region is not None and fits(org.region, level))):
            return IssuerFinding(org, text.span(*where) if where else None)
    if partial is not None:
        return IssuerFinding(working_committee(partial[0]), partial[1])
    return None


def _plain_region(name: str, hint: str | None) -> Region | None:
    region = regions.lookup(name, hint) if name not in _whole_place_words() else None
    if region is None and name[-1:] in "省市县区":
        region = regions.lookup(name[:-1], LEVEL_BY_WORD[name[-1]] or hint)
    return region


@functools.lru_cache(maxsize=None)
def _whole_place_words() -> dict[str, str]:
    """Words for a plan's whole place (全市) -> the level they speak of, in the table's order."""
    return {pattern: form.value for form in forms() if form.kind == "whole-place"
            for pattern in form.pattern.pattern.split("|")}


def _scope_hint(s: str) -> str | None:
    counts = {lvl: 0 for lvl in _whole_place_words().values()}
    for word, lvl in _whole_place_words().items():
        counts[lvl] += s.count(word)
    best = max(counts, key=lambda k: counts[k])
    return best if counts[best] else None
