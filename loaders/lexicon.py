"""The domain's words, loaded once from the data files in ``ontology/``.

The program scheme (SKOS), organization patterns, non-program formulas and cue words live in
data files a researcher can extend; this module reads them and builds the matchers.
"""
from __future__ import annotations

import bisect
import csv
import functools
import re
import tomllib
from dataclasses import dataclass
from typing import Any, Iterable

import ahocorasick

import ontology

from .intervals import Intervals
from .memo import last_text

NAME_CACHE = 1 << 16      # names remembered by the caches of functions of a name

SQUEEZE_RE = re.compile(r"[ \t\u3000\u00a0]+")


def squeeze(s: str) -> str:
    """A name without the spaces plans put inside it (``12355 青少年服务台``)."""
    return SQUEEZE_RE.sub("", s)


class Offsets:
    """Where each character of a squeezed text stands in the text it was taken from."""

    def __init__(self, pieces: list[tuple[int, int]]):
        self._at: list[int] = []          # where each piece starts in the squeezed text
        self._origin: list[int] = []      # and in the text
        n = 0
        for origin, length in pieces:
            self._at.append(n)
            self._origin.append(origin)
            n += length
        self._length = n

    def __getitem__(self, k: int) -> int:
        i = bisect.bisect_right(self._at, k) - 1
        return self._origin[i] + k - self._at[i]

    def kept_before(self, pos: int) -> int:
        """How many characters of the squeezed text stand before ``pos`` in the text."""
        i = bisect.bisect_right(self._origin, pos) - 1
        if i < 0:
            return 0
        end = self._at[i + 1] if i + 1 < len(self._at) else self._length
        return min(self._at[i] + pos - self._origin[i], end)


@functools.lru_cache(maxsize=None)
def _kept_re(spaces: str) -> re.Pattern:
    return re.compile(f"[^{re.escape(spaces)}]+")


def squeezed(s: str, lo: int, hi: int, spaces: str) -> tuple[str, Offsets]:
    """``s[lo:hi]`` without the characters in ``spaces``, and for each kept character its offset
    in ``s``: one regex pass instead of a Python loop over every character.

    >>> text, offsets = squeezed("ab 12355 青少年", 1, 12, " ")
    >>> text, [offsets[k] for k in range(len(text))]
    ('b12355青少年', [1, 3, 4, 5, 6, 7, 9, 10, 11])
    """
    pieces = [(m.start(), m.end() - m.start()) for m in _kept_re(spaces).finditer(s, lo, hi)]
    return "".join(s[a:a + n] for a, n in pieces), Offsets(pieces)


@last_text
def squeezed_text(s: str, spaces: str) -> tuple[str, Offsets]:
    """The whole of ``s`` squeezed, remembered for the document at hand: ``squeezed(s, lo, hi)``
    is the slice ``[offsets.kept_before(lo):offsets.kept_before(hi)]`` of it.

    >>> text, offsets = squeezed_text("ab 12355 青少年", " ")
    >>> text[offsets.kept_before(1):offsets.kept_before(12)] == squeezed("ab 12355 青少年", 1, 12, " ")[0]
    True
    """
    return squeezed(s, 0, len(s), spaces)


@functools.lru_cache(maxsize=None)
def cues() -> dict:
    with open(ontology.CUES, "rb") as f:
        return tomllib.load(f)


@dataclass(frozen=True)
class SchemeProgram:
    key: str
    label: str
    type: str | None
    labels: tuple[str, ...]


@functools.lru_cache(maxsize=None)
def program_scheme() -> dict[str, SchemeProgram]:
    """The programs of the SKOS scheme by key, with every label they go by."""
    import pyoxigraph
    from rdflib.namespace import RDF, SKOS

    rdf_type, pref_label = str(RDF.type), str(SKOS.prefLabel)
    label_kinds = {pref_label, str(SKOS.altLabel), str(SKOS.hiddenLabel)}
    program, program_type = str(ontology.CYL.Program), str(ontology.CYL.programType)
    concepts: set[str] = set()
    pref: dict[str, list[str]] = {}
    labels: dict[str, set[str]] = {}
    types: dict[str, list[str]] = {}
    # Oxigraph's parser: a twentieth of the time rdflib takes, paid by every `kg build`.
    for t in pyoxigraph.parse(path=str(ontology.PROGRAMS), format=pyoxigraph.RdfFormat.TURTLE):
        s, p, o = t.subject.value, t.predicate.value, t.object.value
        if p == rdf_type and o == program:
            concepts.add(s)
        elif p in label_kinds:
            labels.setdefault(s, set()).add(squeeze(o))
            if p == pref_label:
                pref.setdefault(s, []).append(o)
        elif p == program_type:
            types.setdefault(s, []).append(o)
    out = {}
    for concept in sorted(concepts):
        if not pref.get(concept):
            continue
        key = concept.rsplit("/", 1)[-1]
        ptype = min(types[concept]) if types.get(concept) else None
        out[key] = SchemeProgram(key, sorted(pref[concept])[0], ptype, tuple(sorted(labels[concept])))
    return out


@functools.lru_cache(maxsize=None)
def program_labels() -> dict[str, str]:
    """Every scheme label (squeezed) to its program key."""
    return {label: p.key for p in program_scheme().values() for label in p.labels}


@functools.lru_cache(maxsize=None)
def program_automaton() -> ahocorasick.Automaton:
    auto = ahocorasick.Automaton()
    for label, key in program_labels().items():
        if len(label) >= 2:
            auto.add_word(label, (label, key))
    auto.make_automaton()
    return auto


@dataclass(frozen=True)
class OrgPattern:
    name: str
    aliases: tuple[str, ...]
    kind: str
    scope: str
    level: str | None
    level_offset: int | None
    relation: str
    label_template: str


@functools.lru_cache(maxsize=None)
def organization_patterns() -> tuple[OrgPattern, ...]:
    rows = []
    with open(ontology.ORGANIZATIONS, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            offset = (row.get("level_offset") or "").strip()
            rows.append(OrgPattern(
                name=row["name"].strip(),
                aliases=tuple(a.strip() for a in (row.get("aliases") or "").split("|") if a.strip()),
                kind=row["kind"].strip(), scope=row["scope"].strip(),
                level=(row.get("level") or "").strip() or None,
                level_offset=int(offset) if offset else None,
                relation=(row.get("relation") or "mentioned").strip(),
                label_template=(row.get("label_template") or "").strip()))
    return tuple(rows)


@functools.lru_cache(maxsize=None)
def organization_automaton() -> ahocorasick.Automaton:
    auto = ahocorasick.Automaton()
    for i, pat in enumerate(organization_patterns()):
        for name in (pat.name, *pat.aliases):
            name = squeeze(name)
            if len(name) >= 2 and name not in auto:
                auto.add_word(name, (name, i))
    auto.make_automaton()
    return auto


@functools.lru_cache(maxsize=None)
def non_programs() -> tuple[frozenset[str], tuple[re.Pattern, ...]]:
    """Formulas and slogans that are not programs: literal names and name shapes."""
    literal, shapes = set(), []
    with open(ontology.NON_PROGRAMS, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            pattern = row["pattern"].strip()
            if (row.get("is_regex") or "0").strip() == "1":
                shapes.append(re.compile(pattern))
            else:
                literal.add(squeeze(pattern))
    return frozenset(literal), tuple(shapes)


@functools.lru_cache(maxsize=NAME_CACHE)
def is_literal_formula(name: str) -> bool:
    return squeeze(name) in non_programs()[0]


@functools.lru_cache(maxsize=NAME_CACHE)
def is_formula(name: str) -> bool:
    literal, shapes = non_programs()
    name = squeeze(name)
    return name in literal or any(p.search(name) for p in shapes)


def leftmost_longest(auto: ahocorasick.Automaton, text: str) -> list[tuple[int, int, tuple]]:
    """Non-overlapping matches, leftmost first and longest at each start: (start, end, value)."""
    if len(auto) == 0:
        return []
    return [(end - len(value[0]) + 1, end + 1, value) for end, value in auto.iter_long(text)]


def leftmost_longest_in(auto: ahocorasick.Automaton, words: Iterable[str], text: str, lo: int = 0,
                        skip: Intervals | None = None) -> list[tuple[int, int, Any]]:
    """``leftmost_longest(auto, text[lo:])`` for an automaton of a few ``words``, with offsets
    into ``text``, less the matches inside a run of the words' characters that lies inside one
    of the ``skip`` intervals.

    The automaton starts afresh after every character that is in none of the words, so only the
    runs of the words' characters that hold a word are scanned, each on its own with the
    character that ends it (the automaton ends a run at the end of the text otherwise than
    before such a character).

    >>> auto = ahocorasick.Automaton()
    >>> for w in ("青年林", "林"):
    ...     _ = auto.add_word(w, (w,))
    >>> auto.make_automaton()
    >>> leftmost_longest_in(auto, ["青年林", "林"], "种青年林，护林", 1)
    [(1, 4, ('青年林',)), (6, 7, ('林',))]
    """
    words = [w for w in words if w]
    chars = set("".join(words))
    runs = set()
    for word in words:
        p = text.find(word, lo)
        while p >= 0:
            a, b = p, p + len(word)
            while a > lo and text[a - 1] in chars:
                a -= 1
            while b < len(text) and text[b] in chars:
                b += 1
            if skip is None or not skip.covers(a, b):
                runs.add((a, min(b + 1, len(text))))
            p = text.find(word, b)
    out = []
    for a, b in sorted(runs):
        out.extend((a + start, a + end, value) for start, end, value in leftmost_longest(auto, text[a:b]))
    return out


def required_chars(pattern: re.Pattern) -> frozenset[str]:
    """Characters that every match of ``pattern`` holds: a text lacking one of them has no match.

    An under-estimate read off the parsed pattern (mandatory literals; what all branches of an
    alternation share); empty when the pattern ignores case or cannot be read.

    >>> sorted(required_chars(re.compile(r"(?:到|至)?\\d{1,2}\\s*月(?:底|末)?(?:前|以前)")))
    ['前', '月']
    """
    try:
        from re import _constants as sre, _parser as sre_parse
    except ImportError:                                      # before Python 3.11
        import sre_constants as sre
        import sre_parse
    try:
        parsed = sre_parse.parse(pattern.pattern, pattern.flags)
    except Exception:
        return frozenset()
    if (pattern.flags | parsed.state.flags) & re.IGNORECASE:
        return frozenset()
    repeats = {sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", sre.MAX_REPEAT)}

    def sequence(items) -> set[str]:
        out: set[str] = set()
        for op, av in items:
            out |= element(op, av)
        return out

    def element(op, av) -> set[str]:
        if op is sre.LITERAL:
            return {chr(av)}
        if op is sre.SUBPATTERN:
            return set() if av[1] & re.IGNORECASE else sequence(av[3])
        if op is sre.BRANCH:
            branches = [sequence(b) for b in av[1]]
            return set.intersection(*branches) if branches else set()
        if op in repeats:
            return sequence(av[2]) if av[0] >= 1 else set()
        if op is getattr(sre, "ATOMIC_GROUP", None):
            return sequence(av)
        return set()

    return frozenset(sequence(parsed))
