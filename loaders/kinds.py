"""What kind of document a text is: a work plan, a news report of a body's plan, or neither.

The rules are about forms, in this order (cue words in ``ontology/header.toml``):

1. A plan title (…工作要点, …工作计划; page clutter never counts as one) makes a plan, unless a
   news lead under it reports the plan (团市委发布2021年工作要点 / 本报讯…今年全市共青团将…).
2. A speech (同志们, 谢谢大家, a first line …上的讲话) is refused.
3. A news lead (本报讯, 记者…获悉, 通讯员) or a meeting report (…召开全体会议…会议要求, …会议由某某
   主持。会上，…) is a ``report`` when its opening states a league body's plan for a year
   ("今年全市共青团将…", "2021年，团市委要…", "明确今年的工作目标主要是…") and tasks follow, in
   sentences of their own or listed in the statement itself (抓好A、实施B、建设C等工作); any other
   news article is refused. An article continued from another page ("（上接第一版）") may state
   the plan anywhere in it.
4. Numbered sections with work items, or a task table, make a plan.
5. An excerpt without a title is a plan when it has three or more numbered items that read as a
   league body's tasks: items of a sentence or more (not the lines of a table of contents), most
   of them holding league words (团员, 青年, 团组织, 少先队, 共青团 …); the items may start
   mid-list and come in any order.
Before 4 and 5: an untitled text whose first sentence looks back (近年来…取得良好成效) and states
no plan for a year is a summary of work done, refused however it numbers its parts.
6. An untitled text whose opening (after a salutation line) states a league body's plan for a
   year ("2004年，集团公司团委某某工作的总体要求是…") and goes on with league tasks is a plan.
"""
from __future__ import annotations

import re

from .clutter import header_cues, is_clutter
from .structure import OPENING_YEAR_RE, Layout, sentence_bounds

PLAN, REPORT = "plan", "report"
_LEAD = 400                 # a news lead or meeting report states its subject this early
_TASK_CLAUSE = re.compile("[，。；,;]")
_CONTINUATION = 20          # "（上接第一版）" opens a continued article


class NotAPlan(Exception):
    """The text is not a work plan nor a report of one; the message says what it is instead."""


def document_kind(layout: Layout) -> str:
    """``"plan"`` or ``"report"``; raises NotAPlan with the reason for any other text."""
    cues = header_cues()["kinds"]
    text = layout.text.text
    lead = _lead(text, layout.body_start)
    if layout.header.title is not None:
        news = any(c in lead for c in cues["news_cues"])
        return REPORT if news and _states_plan(lead, cues) else PLAN
    if _is_speech(text, lead, cues):
        raise NotAPlan("not a work plan: a speech (addressed to its audience), not a plan or a report of one")
    continued = any(c in lead[:_CONTINUATION] for c in cues["continuation_cues"])
    if continued or any(c in lead for c in cues["news_cues"] + cues["meeting_cues"] + cues["meeting_floor_cues"]):
        # An article continued from another page has its lead there: its statement may stand anywhere.
        statements = _plan_statements(text[layout.body_start:] if continued else lead, cues)
        if statements and (_task_sentences(text, layout.body_start, cues) >= 3
                           or any(_listed_tasks(s, cues) >= 3 for s in statements)):
            return REPORT
        raise NotAPlan("not a work plan: a news article that does not report a League body's plan for a year "
                       "(no '今年…将' / '2021年，团市委要…' statement followed by tasks)")
    if _is_summary(lead, cues):
        raise NotAPlan("not a work plan: a summary of work done (its opening looks back: 近年来…取得…成效), "
                       "not a plan or a report of one")
    body_items = [i for i in layout.items if not i.from_table]
    table_rows = len(layout.items) - len(body_items)
    if table_rows >= 3:
        return PLAN
    tasks = [i for i in body_items if _reads_as_task(i.span.quote)]
    if len(layout.sections) >= 2 and len(tasks) >= 3 and len(tasks) * 2 >= len(body_items):
        return PLAN
    numbered = [i for i in tasks if i.number is not None]
    league = [i for i in numbered if any(w in i.span.quote for w in cues["league_words"])]
    if len(numbered) >= 3 and len(league) * 3 >= len(numbered) * 2:
        return PLAN
    if _plan_statements(_opening(lead), cues) and _task_sentences(text, layout.body_start, cues) >= 3:
        return PLAN
    raise NotAPlan("not a work plan: no title such as '…工作要点', no numbered sections with work items, "
                   "and no numbered items that read as a League body's tasks")


def _lead(text: str, start: int) -> str:
    """The first stretch of the text after the header, page clutter left out."""
    kept = []
    size = 0
    for line in text[start:start + 4 * _LEAD].split("\n"):
        if line.strip() and not is_clutter(line):
            kept.append(line.strip())
            size += len(line)
            if size >= _LEAD:
                break
    return "\n".join(kept)[:_LEAD * 2]


def _is_speech(text: str, lead: str, cues: dict) -> bool:
    first = lead.split("\n", 1)[0] if lead else ""
    if any(first.endswith(end) for end in cues["speech_title_ends"]):
        return True
    return any(c in text for c in cues["speech_cues"])


def continued_statement_year(layout: Layout) -> int | None:
    """The year a continued article ("（上接第一版）…") states the body's plan for, wherever it
    stands ("…2022年，某某团委将继续…"); None for any other text."""
    cues = header_cues()["kinds"]
    text = layout.text.text
    if not any(c in _lead(text, layout.body_start)[:_CONTINUATION] for c in cues["continuation_cues"]):
        return None
    for sentence in _plan_statements(text[layout.body_start:], cues):
        m = OPENING_YEAR_RE.match(sentence)
        if m:
            return int(m.group(1))
    return None


def _states_plan(lead: str, cues: dict) -> bool:
    return bool(_plan_statements(lead, cues))


def _plan_statements(lead: str, cues: dict) -> list[str]:
    """The sentences of the lead that say what a league body will do in a year: a year (or 今年)
    opening a clause, a league body and the body's will (将, 要, not 主要 or 重要) or what it sets
    for the year (工作目标, 工作重点, 总体要求) in the same sentence; from the year on."""
    opening = header_cues()["opening"]
    starts = [m.start(1) for m in OPENING_YEAR_RE.finditer(lead)]
    for word in opening["this_year"]:
        starts.extend(m.start() for m in re.finditer(re.escape(word), lead))
    found = []
    for pos in sorted(set(starts)):
        a, b = sentence_bounds(lead, pos)
        sentence = lead[pos:b]
        if _wills(sentence, cues) and any(body in lead[a:b] for body in cues["league_bodies"]) \
                and not any(c in sentence for c in opening["review_cues"]):
            found.append(sentence)
    return found


def _wills(sentence: str, cues: dict) -> bool:
    if any(w in sentence for w in cues["statement_words"]):
        return True
    for word in cues["not_will"]:
        sentence = sentence.replace(word, "")
    return any(w in sentence for w in cues["will_words"])


def _listed_tasks(sentence: str, cues: dict) -> int:
    """How many tasks a statement lists itself (抓好A、实施B、建设C), each of a few words."""
    parts = re.split("|".join(map(re.escape, cues["task_list_separators"])), sentence)
    return sum(1 for part in parts if len(part.strip()) >= 4)


def _is_summary(lead: str, cues: dict) -> bool:
    """The first sentence looks back (近年来…取得良好成效) and states no plan for a year."""
    opening = _opening(lead)
    first = re.split("[。！？\n]", opening, 1)[0]
    return any(c in first for c in cues["summary_cues"]) and not _plan_statements(opening, cues)


def _opening(lead: str) -> str:
    """The first sentences of a text, after a salutation line (各单位团委：)."""
    lines = [line for line in lead.split("\n") if line.strip()]
    if lines and lines[0].rstrip().endswith(("：", ":")):
        lines = lines[1:]
    return "\n".join(lines[:2])


def _task_sentences(text: str, start: int, cues: dict) -> int:
    """Sentences after the lead that name a league task (league words in them)."""
    sentences = re.split("[。！？\n]", text[start:])
    return sum(1 for sentence in sentences if len(sentence) >= 10 and any(w in sentence for w in cues["league_words"]))


def _reads_as_task(item: str) -> bool:
    """An item of a clause or more, not a line of a table of contents (…………3)."""
    return len(item) >= 12 and bool(_TASK_CLAUSE.search(item)) and not re.search(r"[.…·]{3,}\s*\d+\s*$", item)
