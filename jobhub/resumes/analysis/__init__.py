"""Resume analysis: text extraction, skills, years of experience, education, summary.

Pure functions over a stream or text; the task in ``jobhub.resumes.tasks`` stores the
result. ``AnalysisResult`` is also what matching reads back from the database: the
canonical skills (``jobhub.skills`` names) with their counts, evidence and weights, the
years, and the text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from jobhub.resumes.analysis.education import find_education
from jobhub.resumes.analysis.evidence import resume_skills
from jobhub.resumes.analysis.experience import estimate_years
from jobhub.resumes.analysis.sections import split_sections
from jobhub.resumes.analysis.summary import summarize
from jobhub.resumes.analysis.text import AnalysisFailed, clean_text, extract_text
from jobhub.skills import FoundSkill

__all__ = ["AnalysisFailed", "AnalysisResult", "analyze_text", "clean_text", "extract_text"]


@dataclass(frozen=True)
class AnalysisResult:
    text: str
    found: list[FoundSkill]  # named skills by first mention, implied ones after their first child
    years_experience: float | None
    education: list[dict[str, Any]]
    summary: str | None

    @property
    def skills(self) -> dict[str, int]:
        """Canonical name → mentions (0 for a skill only implied by others)."""
        return {skill.name: skill.occurrences for skill in self.found}


def analyze_text(text: str, *, today: date) -> AnalysisResult:
    """Analyse a resume's cleaned text; ``today`` is what "present" means."""
    sections = split_sections(text)
    return AnalysisResult(
        text=text,
        found=resume_skills(text),
        years_experience=estimate_years(sections, today=today),
        education=find_education(sections, today=today),
        summary=summarize(sections),
    )
