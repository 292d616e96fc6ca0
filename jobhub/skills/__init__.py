"""The shared skill taxonomy, a library (not a domain): canonical skills, aliases, hierarchy
and extraction from text.

Pure code over a bundled data file: no database, no Flask app, no domain imports.
"""

from .extraction import (
    Evidence,
    FoundSkill,
    Mention,
    SectionSpan,
    extract_skills,
    find_mentions,
    find_skills,
    find_skills_with_counts,
)
from .taxonomy import (
    Skill,
    all_skills,
    by_category,
    canonical,
    categories,
    clean,
    get,
    implied_skills,
    normalize,
    unknown,
    with_implied,
)

__all__ = [
    "Evidence",
    "FoundSkill",
    "Mention",
    "SectionSpan",
    "Skill",
    "all_skills",
    "by_category",
    "canonical",
    "categories",
    "clean",
    "extract_skills",
    "find_mentions",
    "find_skills",
    "find_skills_with_counts",
    "get",
    "implied_skills",
    "normalize",
    "unknown",
    "with_implied",
]
