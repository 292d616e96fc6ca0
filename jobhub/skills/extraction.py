"""Find taxonomy skills in free text such as resumes and job descriptions.

Every skill form is compiled into one trie-shaped regex, so a scan is a single pass.
Forms that are also ordinary words ("Go", "Swift", "R", "Spring", alias "node") only
count when written capitalised (single letters/two-letter forms: as in the label or
upper-case) *and* backed by context: a cue word ("Go developer", "written in Rust",
"Skills: Go") or a list neighbour that is itself an accepted skill ("Go, Python").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from .taxonomy import all_skills, lookup_key

__all__ = ["find_skills", "find_skills_with_counts"]

# Between the words of a multi-word form: "machine learning", "machine-learning", "spring_boot".
_WORD_GAP = r"[\s_-]+"
# Not inside a word, file name ("main.go") or handle; not followed by more of a token
# ("C+", "R&D", "R.J.", "node.jsx").
_BEFORE = r"(?<![\w.@])"
_AFTER = r"(?![\w+#]|[.&]\w)"

_CUE_BEFORE = re.compile(
    r"(?:\b(?:experienced?|expertise|proficient|proficiency|fluent|fluency|skilled|knowledge"
    r"|background|familiar|familiarity|competent|competency)\s+(?:in|with|of|using)"
    r"|\b(?:using|use|used|(?:written|wrote|writing|coded|coding|code|programming|programmed"
    r"|developed|developing|implemented)\s+(?:in|with)|built\s+(?:in|with|using)"
    r"|(?:migrated|migrating|ported)\s+to)"
    r"|\b(?:skills|languages|technologies|tech\s+stack|stack|tools|tooling|frameworks"
    r"|libraries|proficiencies|competencies)\s*:)"
    r"\s*\Z",
    re.IGNORECASE,
)
_CUE_AFTER = re.compile(
    r"\A[\s(]*(?:programming|programmers?|developers?|development|devs?|engineers?|engineering"
    r"|languages?|lang|frameworks?|code|coding|codebases?|scripts?|scripting|librar(?:y|ies)"
    r"|sdks?|apps?|modules?|packages?|microservices?|backends?)\b",
    re.IGNORECASE,
)
# "Spring 2021", "Spring '21", "Spring semester": a season, not the framework.
_DATE_AFTER = re.compile(
    r"\A\s*(?:'\d{2}\b|\d{4}\b|(?:semester|term|break|quarter|season|session|intake)\b)",
    re.IGNORECASE,
)
# What may separate two skills of one list: ", ", " / ", " and ", "\n- ", " (".
_LIST_GAP = re.compile(
    r"[\s,;/|&+()\[\]*•·▪◦‣●\u2013\u2014-]*(?:\b(?:and|or|plus)\b[\s,;/|()\[\]*•·▪◦‣●\u2013\u2014-]*)?",
    re.IGNORECASE,
)
# Tokens that are URLs, e-mail addresses or absolute paths ("svn://host/svn", "/usr/lib/go").
_URL_MARK = re.compile(r"://|www\.|@|\.(?:com|org|net|io|dev|edu|gov|co|ai|app)/")
_PATH_START = ("/", "~/", "./", "../")
_WHITESPACE = re.compile(r"\s")
_HYPHEN_AFTER = re.compile(r"-\w")
_HYPHEN_BEFORE = re.compile(r"\w-\Z")
_MAX_LIST_GAP = 12
_CONTEXT = 40
_TOKEN_REACH = 100


@dataclass(frozen=True, slots=True)
class _Form:
    canonical: str
    guarded: bool
    label: str | None  # the label, when this form is the label's own spelling


@dataclass(frozen=True, slots=True)
class _Index:
    pattern: re.Pattern[str]
    forms: dict[str, _Form]


def _trie_regex(keys: list[str]) -> str:
    trie: dict[str, dict] = {}
    for key in keys:
        node = trie
        for char in key:
            node = node.setdefault(char, {})
        node[""] = {}  # end of a form

    def emit(node: dict[str, dict]) -> str:
        branches = [
            (_WORD_GAP if char == " " else re.escape(char)) + emit(child)
            for char, child in sorted(node.items())
            if char
        ]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        # A greedy optional group makes the longest form win ("c++" over "c").
        return f"(?:{body})?" if "" in node else body

    return emit(trie)


@cache
def _index() -> _Index:
    forms: dict[str, _Form] = {}
    for skill in all_skills():
        guarded_keys = {lookup_key(a) for a in skill.ambiguous_aliases}
        if skill.ambiguous:
            guarded_keys.add(lookup_key(skill.name))
        for text in (skill.name, skill.label, *skill.aliases):
            key = lookup_key(text)
            label = skill.label if key == lookup_key(skill.label) else None
            forms[key] = _Form(skill.name, key in guarded_keys, label)
    regex = _BEFORE + "(?:" + _trie_regex(sorted(forms)) + ")" + _AFTER
    return _Index(re.compile(regex, re.IGNORECASE), forms)


def _in_url_or_path(text: str, start: int, end: int) -> bool:
    head = text[max(0, start - _TOKEN_REACH) : start]
    head = head[max(head.rfind(" "), head.rfind("\n"), head.rfind("\t")) + 1 :]
    tail = text[end : end + _TOKEN_REACH]
    if space := _WHITESPACE.search(tail):
        tail = tail[: space.start()]
    return head.startswith(_PATH_START) or bool(_URL_MARK.search(head + tail))


def _looks_technical(surface: str, form: _Form) -> bool:
    """Tell "Go"/"R"/"TS" apart from "go"/"r"/"Ts" by how the word is written."""
    if surface == form.label or surface.isupper():
        return True
    return len(surface) > 2 and surface[0].isupper()


def _plausible(text: str, start: int, end: int, form: _Form) -> bool:
    """Reject guarded words that cannot be the technology whatever the context."""
    if not _looks_technical(text[start:end], form):
        return False
    before, after = text[max(0, start - 2) : start], text[end : end + 2]
    if _HYPHEN_BEFORE.search(before) or _HYPHEN_AFTER.match(after):
        return False  # "go-to", "C-level", "Vitamin-C"
    if end - start == 1 and before.endswith("(") and after.startswith(")"):
        return False  # "Marvell(R)", "(C) 2016", "(c)" list markers
    return not _DATE_AFTER.match(text[end : end + _CONTEXT])


def _has_cue(text: str, start: int, end: int) -> bool:
    return bool(
        _CUE_BEFORE.search(text[max(0, start - _CONTEXT) : start])
        or _CUE_AFTER.match(text[end : end + _CONTEXT])
    )


def _listed_together(text: str, end: int, next_start: int) -> bool:
    return next_start - end <= _MAX_LIST_GAP and bool(_LIST_GAP.fullmatch(text, end, next_start))


def _accepted_matches(text: str) -> list[tuple[str, int]]:
    """Return (canonical name, start) of every accepted occurrence, in text order."""
    index = _index()
    found: list[tuple[int, int, _Form]] = []
    for match in index.pattern.finditer(text):
        form = index.forms.get(lookup_key(match.group()))
        if form is None:
            continue  # only reachable via exotic Unicode case folding (e.g. long s)
        start, end = match.span()
        if _in_url_or_path(text, start, end):
            continue
        if not form.guarded or _plausible(text, start, end, form):
            found.append((start, end, form))

    ok = [not form.guarded or _has_cue(text, start, end) for start, end, form in found]
    together = [_listed_together(text, found[i][1], found[i + 1][0]) for i in range(len(found) - 1)]
    # Spread acceptance along lists both ways: "Go, Rust, Python" accepts all three.
    for i in range(1, len(found)):
        ok[i] = ok[i] or (ok[i - 1] and together[i - 1])
    for i in range(len(found) - 2, -1, -1):
        ok[i] = ok[i] or (ok[i + 1] and together[i])
    accepted = zip(found, ok, strict=True)
    return [(form.canonical, start) for (start, _, form), good in accepted if good]


def find_skills_with_counts(text: str) -> dict[str, int]:
    """Return {canonical skill: occurrences} for skills in text, in first-occurrence order."""
    counts: dict[str, int] = {}
    for name, _ in _accepted_matches(text):
        counts[name] = counts.get(name, 0) + 1
    return counts


def find_skills(text: str) -> list[str]:
    """Return canonical skills mentioned in text, de-duplicated, in first-occurrence order."""
    return list(find_skills_with_counts(text))
