"""Split a resume's text into its sections (experience, education, …) by their headings.

Headings are lines of their own ("WORK EXPERIENCE", "— Skills —", "Education:"); a line
that starts with a skills heading and a colon ("Technical skills: Go, Rust") is a
one-line skills section of its own, inside whatever section holds it.
"""

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
        "experience summary", "professional history", "employment record", "work",
        "career highlights", "experience highlights", "where i have worked", "where i've worked",
        "professional experience highlights", "selected experience", "roles", "positions",
        "employment experience", "work experience and projects", "freelance", "internships",
        "teaching experience", "clinical experience", "research experience",
        "leadership experience",
        "relevant work experience", "professional employment", "military experience",
    ),
    "education": (
        "education", "education and training", "education & training", "academic background",
        "academic history", "academic qualifications", "qualifications", "degrees",
        "education and qualifications", "studies", "academic", "academics", "education history",
        "academic record", "university", "schooling", "formal education", "study",
        "learning", "education & certifications", "education and certifications",
    ),
    "skills": (
        "skills", "technical skills", "core skills", "key skills", "skills summary",
        "competencies", "core competencies", "technologies", "tech stack", "tools",
        "skills and tools", "technical expertise", "expertise", "areas of expertise",
        "skills & tools", "skills and technologies", "skills & technologies", "toolbox", "toolkit",
        "technical proficiencies", "proficiencies", "key qualifications",
        "technical skills summary",
        "skill set", "skillset", "strengths", "key strengths", "capabilities", "stack",
        "technical stack", "tools and technologies", "tools & technologies", "software",
        "technical competencies", "professional skills", "hard skills", "skills & expertise",
        "skills and expertise", "clinical skills", "core strengths", "what i work with",
        "programming languages", "platforms", "computer skills", "it skills",
        "skills & certifications", "skills and certifications",
    ),
    "projects": ("projects", "personal projects", "selected projects", "side projects",
                 "open source", "open source contributions"),
    "certifications": ("certifications", "certificates", "licenses", "licences",
                       "licenses and certifications", "courses", "training",
                       "certifications and training", "certifications & training",
                       "licenses & certifications", "professional development",
                       "credentials"),
    "other": (
        "languages", "spoken languages", "interests", "hobbies", "references", "publications",
        "awards", "honors", "honours", "volunteering", "volunteer experience",
        "achievements", "contact", "contact details", "personal details", "activities",
    ),
}  # fmt: skip
_KIND_BY_HEADING = {heading: kind for kind, names in HEADINGS.items() for heading in names}
_HEADING_LINE = re.compile(r"^[\W_]*(?P<title>[A-Za-z][A-Za-z &/'\u2019-]{1,40}?)[\W_]*$")
_INLINE_HEADING = re.compile(r"^[\W_]*(?P<title>[A-Za-z][A-Za-z &/-]{1,40}?)\s*:\s*\S")


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
    return _kind(match.group("title"))


def _kind(title: str) -> str | None:
    title = " ".join(title.lower().replace("\u2019", "'").replace("&", " & ").split())
    return _KIND_BY_HEADING.get(title)


def inline_skills_line(line: str) -> bool:
    """A line such as "Technical skills: Go, Rust" (a skills heading, a colon, a list)."""
    match = _INLINE_HEADING.match(line.strip())
    return bool(match) and _kind(match.group("title")) == "skills"


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


def section_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, kind) of each section of text, headings included in the section they
    open; an inline skills line ("Skills: Go, Rust") is a span of its own."""
    spans: list[tuple[int, int, str]] = []
    kind, start, position = "header", 0, 0
    for line in text.split("\n"):
        end = position + len(line) + 1
        heading = heading_kind(line)
        if heading is not None:
            if position > start:
                spans.append((start, position, kind))
            kind, start = heading, position
        elif inline_skills_line(line) and kind != "skills":
            if position > start:
                spans.append((start, position, kind))
            spans.append((position, end, "skills"))
            start = end
        position = end
    if position > start:
        spans.append((start, position, kind))
    return spans
