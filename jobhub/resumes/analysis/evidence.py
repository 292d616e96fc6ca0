"""Skills of a resume with their evidence: where each was found, and in how many roles.

The skills section, each role of the experience (a new role starts at a line with a
date range) and every other section are spans of their own, so a skill's weight can
grow with the number of places it is used in.
"""

from __future__ import annotations

import re

from jobhub.resumes.analysis.experience import has_date_range
from jobhub.resumes.analysis.sections import section_spans
from jobhub.skills import FoundSkill, SectionSpan, extract_skills

_BULLET = re.compile(r"\s*[-*\u2022\u00b7\u25aa\u25e6\u2023\u25cf>o]\s")


def _roles(text: str, start: int, end: int) -> list[SectionSpan]:
    """An experience section cut where a line with a date range begins a new role."""
    spans: list[SectionSpan] = []
    role_start, position = start, start
    for line in text[start:end].split("\n"):
        if has_date_range(line) and position > role_start:
            cut = position
            # The role's title often sits on the line before its dates ("Acme Corp" then
            # "2019 - 2021"); a bullet there belongs to the previous role.
            previous = text.rfind("\n", role_start, max(role_start, position - 1))
            if previous > role_start:
                title = text[previous + 1 : position - 1]
                if not _BULLET.match(title) and len(title) < 80 and not has_date_range(title):
                    cut = previous + 1
            if cut > role_start:
                spans.append((role_start, cut, "experience"))
                role_start = cut
        position += len(line) + 1
    spans.append((role_start, end, "experience"))
    return spans


def resume_spans(text: str) -> list[SectionSpan]:
    """The resume's sections, experience split into its roles."""
    spans: list[SectionSpan] = []
    for start, end, kind in section_spans(text):
        if kind == "experience":
            spans.extend(_roles(text, start, end))
        else:
            spans.append((start, end, kind))
    return spans


def resume_skills(text: str) -> list[FoundSkill]:
    """Skills named in the resume, with evidence, then the skills they imply."""
    return extract_skills(text, sections=resume_spans(text))
