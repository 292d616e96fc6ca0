"""Resume analysis, a library (not a domain): text, skills, experience, education, summary.

Pure functions over a stream or text; the task in ``jobhub.resumes.tasks`` stores the
result. ``AnalysisResult`` is also what matching reads back from the database: the
canonical skills (``jobhub.skills`` names) with their counts, the years, and the text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from jobhub.resumes.analysis.education import find_education
from jobhub.resumes.analysis.experience import estimate_years
from jobhub.resumes.analysis.sections import split_sections
from jobhub.resumes.analysis.summary import summarize
from jobhub.resumes.analysis.text import AnalysisFailed, clean_text, extract_text
from jobhub.skills import find_skills_with_counts

__all__ = ["AnalysisFailed", "AnalysisResult", "analyze_text", "clean_text", "extract_text"]


@dataclass(frozen=True)
class AnalysisResult:
    text: str
    skills: dict[str, int]  # canonical name → mentions, in order of first mention
    years_experience: float | None
    education: list[dict[str, Any]]
    summary: str | None


def analyze_text(text: str, *, today: date) -> AnalysisResult:
    """Analyse a resume's cleaned text; ``today`` is what "present" means."""
    sections = split_sections(text)
    return AnalysisResult(
        text=text,
        skills=find_skills_with_counts(text),
        years_experience=estimate_years(sections, today=today),
        education=find_education(sections, today=today),
        summary=summarize(sections),
    )
