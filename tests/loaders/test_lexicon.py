"""The domain's words as the loaders read them from ontology/: cue words, formulas, the scheme."""
import re

import ontology
from loaders import lexicon
from loaders.numerals import chinese_to_int

KEY_RE = re.compile(r"^([a-z_]+)\s*=")


def test_every_cue_list_the_loaders_read_is_there_and_holds_words():
    cues = lexicon.cues()
    for section, keys in {
        "programs": ["program_heads", "formula_heads", "rule_endings", "formula_verbs", "theme_frames",
                     "name_suffixes", "opening_suffixes", "verb_bound_suffixes", "edition_bound_suffixes",
                     "name_starters", "leading_quantifiers", "scope_prefixes", "list_joins", "list_ends",
                     "everyday_labels", "everyday_label_tails", "ordinal_marks", "generic_names",
                     "naming_heads", "role_markers", "meeting_heads", "edition_prefix"],
        "targets": ["at_least", "at_least_with_verb", "more_than", "at_most", "about", "after_words",
                    "not_quantity_after", "not_quantity_before", "fact_words", "not_target_units", "scope_nouns", "units",
                    "count_units", "people_units", "unit_aliases", "count_suffix_people", "count_suffix",
                    "count_suffix_by_unit", "count_endings", "metric_fillers", "metric_trailing_fillers",
                    "list_joins", "respectively", "respectively_links", "shared_tail_markers", "measure_words"],
        "deadlines": ["patterns", "month_parts", "first_half", "year_end"],
        "numerals": ["digits", "small_units", "scales", "scale_words", "not_scale_after"],
    }.items():
        for key in keys:
            value = cues[section][key]
            assert value, (section, key)
            if isinstance(value, list):
                assert all(w for w in value), (section, key)


def test_every_cue_entry_says_which_form_it_covers():
    """Each key of cues.toml has a comment above it (a run of one-line keys may share one)."""
    lines = ontology.CUES.read_text("utf-8").splitlines()
    last = ""                                   # the last comment or key line seen
    for line in lines:
        stripped = line.strip()
        if stripped.startswith("#"):
            last = "comment"
        elif stripped.startswith("["):
            last = ""
        elif KEY_RE.match(line):
            one_line_group = last == "key" and (stripped.endswith(("]", "}", '"', "'")) and
                                                not stripped.endswith("= ["))
            assert last == "comment" or one_line_group, f"no comment above: {line}"
            last = "key" if last == "comment" or one_line_group else ""
            if stripped.endswith("= ["):
                last = "open"
        elif stripped == "]" and last == "open":
            last = ""


def test_non_programs_read_literals_and_shapes():
    literal, shapes = lexicon.non_programs()
    assert "国之大者" in literal
    assert lexicon.is_formula("四个意识") and lexicon.is_formula("两学一做") and lexicon.is_formula("十四五")
    assert lexicon.is_formula("发展即录入") and lexicon.is_formula("三项活动")
    assert not lexicon.is_formula("三下乡") and not lexicon.is_formula("青年大学习")


def test_the_scheme_keeps_distinct_competitions_apart():
    labels = lexicon.program_labels()
    assert labels["创青春全国大学生创业大赛"] != labels["中国青年创新创业大赛"]
    assert labels["创青春"] == labels["中国青年创新创业大赛"]


def test_numerals_come_from_the_cue_file():
    assert chinese_to_int("一千二百") == 1200 and chinese_to_int("两万") == 20000
