"""Split a resume's text into its sections (experience, education, …) by their headings."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

HEADINGS: dict[str, tuple[str, ...]] = {
    "summary": (
        "summary", "professional summary", "career summary", "executive summary", "profile",
        "professional profile", "personal profile", "about", "about me", "objective",
        "career objective", "overview", "personal statement", "introduction",
    ),
    "experience": (
        "experience", "work experience", "professional experience", "relevant experience",
        "employment", "employment history", "work history", "career history", "career",
        "professional background", "positions held", "industry experience",
        "experience summary",
    ),
    "education": (
        "education", "education and training", "education & training", "academic background",
        "academic history", "academic qualifications", "qualifications", "degrees",
        "education and qualifications", "studies",
    ),
    "skills": (
        "skills", "technical skills", "core skills", "key skills", "skills summary",
        "competencies", "core competencies", "technologies", "tech stack", "tools",
        "skills and tools", "technical expertise", "expertise", "areas of expertise",
    ),
    "projects": ("projects", "personal projects", "selected projects", "side projects",
                 "open source", "open source contributions"),
    "certifications": ("certifications", "certificates", "licenses", "licences",
                       "licenses and certifications", "courses", "training"),
    "other": (
        "languages", "spoken languages", "interests", "hobbies", "references", "publications",
        "awards", "honors", "honours", "volunteering", "volunteer experience",
        "achievements", "contact", "contact details", "personal details", "activities",
    ),
}  # fmt: skip
_KIND_BY_HEADING = {heading: kind for kind, names in HEADINGS.items() for heading in names}
_HEADING_LINE = re.compile(r"^[\W_]*(?P<title>[A-Za-z][A-Za-z &/-]{1,40}?)[\W_]*$")


@dataclass
class Section:
    kind: str  # "header" before the first heading, then a key of HEADINGS
    lines: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def heading_kind(line: str) -> str | None:
    """The section a line opens, if it is a heading such as "WORK EXPERIENCE:"."""
    match = _HEADING_LINE.match(line.strip())
    if not match:
        return None
    title = " ".join(match.group("title").lower().replace("&", " & ").split())
    return _KIND_BY_HEADING.get(title)


def split_sections(text: str) -> list[Section]:
    """The text's sections in order; text before any heading is a "header" section."""
    sections = [Section("header")]
    for line in text.split("\n"):
        kind = heading_kind(line)
        if kind is not None:
            sections.append(Section(kind))
        else:
            sections[-1].lines.append(line)
    return [section for section in sections if section.kind != "header" or section.lines]


def has_section(sections: list[Section], kind: str) -> bool:
    return any(section.kind == kind for section in sections)
