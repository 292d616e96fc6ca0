"""Degrees in a resume: level, the degree as written, field, institution and year."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from jobhub.resumes.analysis.sections import Section, has_section

# Levels from highest to lowest; each pattern names one way the degree is written.
# Abbreviations are case-sensitive ("MS in", never "ms"); spelled-out forms are not.
_LEVEL_PATTERNS: tuple[tuple[str, str], ...] = (
    (
        "doctorate",
        r"\bPh\.?\s?D\b\.?|\bD\.?Phil\b\.?|\bEd\.?D\b\.?|(?i:\bdoctor\s+of\s+\w+"
        r"|\bdoctorate\b)",
    ),
    (
        "master",
        r"(?i:\bmaster['\u2019]?s?\s+(?:degree\s+)?(?:of|in)\b|\bmaster['\u2019]s(?:\s+degree)?\b"
        r"|\bmasters\s+degree\b)"
        r"|\bM\.\s?Sc\b\.?|\bMSc\b|\bM\.\s?S\.|\bM\.\s?A\.|\bMBA\b|\bM\.\s?Eng\b\.?|\bMEng\b"
        r"|\bMPhil\b|\bLL\.?M\b\.?|\bM\.?\s?Tech\b\.?|\bMS(?=\s+in\b)|\bMA(?=\s+in\b)",
    ),
    (
        "bachelor",
        r"(?i:\bbachelor['\u2019]?s?\s+(?:degree\s+)?(?:of|in)\b|\bbachelor['\u2019]s(?:\s+degree)?\b"
        r"|\bbachelors\s+degree\b)"
        r"|\bB\.\s?Sc\b\.?|\bBSc\b|\bB\.\s?S\.|\bB\.\s?A\.|\bB\.\s?Eng\b\.?|\bBEng\b"
        r"|\bB\.?\s?Tech\b\.?|\bBBA\b|\bLL\.?B\b\.?|\bBS(?=\s+in\b)|\bBA(?=\s+in\b)"
        r"|\bB\.?\s?Com\b\.?",
    ),
    (
        "associate",
        r"(?i:\bassociate['\u2019]?s?\s+(?:degree\s+)?(?:of|in)\b|\bassociate['\u2019]s\s+degree\b)"
        r"|\bA\.\s?A\.\s?S?\.?(?=\s)|\bA\.\s?S\.(?=\s)",
    ),
    (
        "high_school",
        r"(?i:\bhigh\s+school\s+diploma\b|\bsecondary\s+school\s+(?:diploma|certificate)\b"
        r"|\bA[-\s]levels?\b|\bGED\b|\babitur\b|\bbaccalaur[\u00e9e]at\b|\bhigh\s+school\b)",
    ),
)
_LEVELS = tuple(level for level, _ in _LEVEL_PATTERNS)
_DEGREE = re.compile("|".join(f"(?P<{level}>{pattern})" for level, pattern in _LEVEL_PATTERNS))
# "Master of Science in X": the words after "of" name the degree, not the field.
_QUALIFIER = re.compile(
    r"\s*(?:of\s+)?(?P<qualifier>(?:applied\s+)?science|arts|engineering|technology"
    r"|business\s+administration|laws?|fine\s+arts|philosophy|education|commerce"
    r"|computer\s+applications)\b(?!\s+(?:and|&)\s+\w)",
    re.IGNORECASE,
)
_GENERIC_QUALIFIERS = {"", "Science", "Arts", "Applied Science", "Fine Arts", "Philosophy"}
_IMPLIED_FIELD = {"MBA": "Business Administration", "BBA": "Business Administration"}
_FIELD_LEAD = re.compile(
    r"^[\s,:(]*(?:\((?:hons?|honours|honors)\.?\)\s*)?(?:,\s*)?"
    r"(?:(?:degree\s+)?in\s+|:\s*|[-\u2013\u2014]\s*)?",
    re.IGNORECASE,
)
_FIELD = re.compile(r"[A-Za-z][A-Za-z&'\u2019 .+/-]{1,80}")
_FIELD_STOP = re.compile(
    r"\s+(?:at|from|with|-|\u2013|\u2014|\||\()\s|[,;|()\u2013\u2014]|\s(?:19|20)\d{2}\b|\s{2}",
    re.IGNORECASE,
)
_INSTITUTION_WORD = (
    r"(?:University|Universit[\u00e9\u00e0\u00e4]t?|Universidad|Universit\u00e0|College|Institute|Institut"
    r"|School|Academy|Polytechnic|Politecnico|Hochschule|[\u00c9E]cole|Conservatory|Seminary)"
)
_CAP_WORD = r"[A-Z][\w&'\u2019.-]*"
_INSTITUTION = re.compile(
    rf"(?:{_CAP_WORD}\s+(?:(?:of|for|and|&)\s+)?){{0,5}}?{_INSTITUTION_WORD}"
    rf"(?:\s+(?:of|for|at|de|der|du|di)\s+(?:(?:the|and|&)\s+)?{_CAP_WORD}"
    rf"(?:\s+(?:(?:and|&|of)\s+)?{_CAP_WORD}){{0,4}}"
    # or one place name right after it, before the line's next item: "Imperial College London"
    rf"|\s+{_CAP_WORD}(?=\s*(?:$|[,;|()\u2013\u2014]|\s-\s)))?"
)
_YEAR = re.compile(r"\b(19[5-9]\d|20\d{2})\b")


def _field(rest: str, *, after_of: bool) -> tuple[str, str | None]:
    """(qualifier, field) from what follows the degree on its line.

    In "Master of Science in Physics" the qualifier is "Science" and the field "Physics".
    """
    qualifier = ""
    if (after_of or re.match(r"\s*of\s", rest)) and (match := _QUALIFIER.match(rest)):
        qualifier = " ".join(match.group("qualifier").split()).title()
        rest = rest[match.end() :]
    rest = _FIELD_LEAD.sub("", rest, count=1)
    if re.match(_INSTITUTION_WORD, rest) or re.match(r"(?:the\s+)?" + _INSTITUTION_WORD, rest):
        return qualifier, None
    stop = _FIELD_STOP.search(rest)
    candidate = rest[: stop.start()] if stop else rest
    match = _FIELD.match(candidate.strip())
    if not match:
        return qualifier, None
    field = match.group().strip(" .-/")
    if not field or re.search(_INSTITUTION_WORD, field) or len(field.split()) > 8:
        return qualifier, None
    return qualifier, field


def _institution(*lines: str) -> str | None:
    for line in lines:
        if match := _INSTITUTION.search(line):
            return match.group().strip(" ,.")
    return None


def _year(*lines: str, today: date) -> int | None:
    """The latest plausible year on the lines: when the degree was (or will be) earned."""
    years = [int(y) for line in lines for y in _YEAR.findall(line) if int(y) <= today.year + 6]
    return max(years, default=None)


def find_education(sections: list[Section], *, today: date) -> list[dict[str, Any]]:
    """Degrees found, in order of mention: [{level, degree, field, institution, year}]."""
    if has_section(sections, "education"):
        lines = [line for s in sections if s.kind == "education" for line in s.lines]
    else:
        lines = [line for s in sections for line in s.lines]
    found: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    for index, line in enumerate(lines):
        for match in _DEGREE.finditer(line):
            level = next(name for name in _LEVELS if match.group(name))
            written = " ".join(match.group().split())
            after_of = bool(re.search(r"\sof$", written, re.IGNORECASE))
            qualifier, field = _field(line[match.end() :], after_of=after_of)
            degree = re.sub(r"\s+(?:of|in)$", "", written, flags=re.IGNORECASE)
            if qualifier:
                degree = f"{degree} of {qualifier}"
            if field is None:
                field = _IMPLIED_FIELD.get(written) or (
                    qualifier if qualifier not in _GENERIC_QUALIFIERS else None
                )
            neighbours = (
                line[match.end() :],
                line[: match.start()],
                *lines[index + 1 : index + 3],
                *lines[max(0, index - 1) : index],
            )
            key = (level, (field or "").lower())
            if key in seen:
                continue
            seen.add(key)
            found.append(
                {
                    "level": level,
                    "degree": degree,
                    "field": field,
                    "institution": _institution(*neighbours),
                    "year": _year(line, today=today)
                    or _year(*lines[index + 1 : index + 2], today=today),
                }
            )
    return found
