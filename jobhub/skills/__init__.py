"""Shared skill taxonomy: canonical skills, alias lookup, hierarchy and extraction from text."""

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
