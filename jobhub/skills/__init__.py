"""Shared skill taxonomy: canonical skills, alias lookup and extraction from free text."""

from .extraction import find_skills, find_skills_with_counts
from .taxonomy import (
    Skill,
    all_skills,
    by_category,
    canonical,
    categories,
    get,
    normalize,
    unknown,
)

__all__ = [
    "Skill",
    "all_skills",
    "by_category",
    "canonical",
    "categories",
    "find_skills",
    "find_skills_with_counts",
    "get",
    "normalize",
    "unknown",
]
