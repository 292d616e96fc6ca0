"""The shared skill taxonomy, a library (not a domain): canonical skills, aliases, extraction.

Pure code over a bundled data file: no database, no Flask app, no domain imports.
"""

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
