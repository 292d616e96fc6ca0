"""The match score, a library (not a domain): pure functions over skills and text, no database."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics.pairwise import cosine_similarity

REQUIRED_WEIGHT = 60
NICE_TO_HAVE_WEIGHT = 15
TEXT_WEIGHT = 25
# Below this cosine the resume reads unlike the job even where the skills agree.
LOW_SIMILARITY = 0.1
MAX_JOB_RECOMMENDATIONS = 5


@dataclass(frozen=True)
class JobProfile:
    """What the score needs of a job."""

    skills: Sequence[str]
    nice_to_have_skills: Sequence[str] = ()
    text: str = ""


@dataclass(frozen=True)
class MatchResult:
    """A score and its explanation."""

    score: int
    matched_skills: list[str]
    missing_skills: list[str]
    nice_to_have_matched: list[str]
    nice_to_have_missing: list[str]
    similarity: float
    recommendations: list[str] = field(default_factory=list)


def text_similarities(resume_text: str, job_texts: Sequence[str]) -> list[float]:
    """TF-IDF cosine similarity of the resume to each job, fitted on these texts only."""
    if not job_texts:
        return []
    documents = [resume_text or "", *(text or "" for text in job_texts)]
    vectorizer = TfidfVectorizer(stop_words="english", sublinear_tf=True)
    try:
        matrix = vectorizer.fit_transform(documents)
    except ValueError:  # nothing but stop words (or nothing at all)
        return [0.0] * len(job_texts)
    similarities = cosine_similarity(matrix[0], matrix[1:])[0]
    return [round(float(value), 4) for value in similarities]


def score_match(
    *,
    resume_skills: Sequence[str],
    job: JobProfile,
    similarity: float,
) -> MatchResult:
    """Score 0-100: required coverage 60, nice-to-have 15, text similarity 25.

    A job that lists no required (or no nice-to-have) skills has nothing to cover
    there, so the remaining weights are scaled up to 100 rather than counting it
    as full or empty coverage.
    """
    have = set(resume_skills)
    required = list(dict.fromkeys(job.skills))
    nice = [skill for skill in dict.fromkeys(job.nice_to_have_skills) if skill not in required]
    matched = [skill for skill in required if skill in have]
    missing = [skill for skill in required if skill not in have]
    nice_matched = [skill for skill in nice if skill in have]
    nice_missing = [skill for skill in nice if skill not in have]
    similarity = min(max(similarity, 0.0), 1.0)

    parts = [(TEXT_WEIGHT, similarity)]
    if required:
        parts.append((REQUIRED_WEIGHT, len(matched) / len(required)))
    if nice:
        parts.append((NICE_TO_HAVE_WEIGHT, len(nice_matched) / len(nice)))
    total_weight = sum(weight for weight, _ in parts)
    score = round(100 * sum(weight * value for weight, value in parts) / total_weight)
    result = MatchResult(
        score=score,
        matched_skills=matched,
        missing_skills=missing,
        nice_to_have_matched=nice_matched,
        nice_to_have_missing=nice_missing,
        similarity=round(similarity, 4),
    )
    return _with_recommendations(result)


def score_jobs(
    *, resume_skills: Sequence[str], resume_text: str, jobs: Sequence[JobProfile]
) -> list[MatchResult]:
    """Score one resume against several jobs (one TF-IDF fit for all of them)."""
    similarities = text_similarities(resume_text, [job.text for job in jobs])
    return [
        score_match(resume_skills=resume_skills, job=job, similarity=similarity)
        for job, similarity in zip(jobs, similarities, strict=True)
    ]


def _with_recommendations(result: MatchResult) -> MatchResult:
    tips = [f"Add {skill}: a required skill of this job." for skill in result.missing_skills]
    tips += [
        f"Consider {skill}: nice to have for this job." for skill in result.nice_to_have_missing
    ]
    tips = tips[:MAX_JOB_RECOMMENDATIONS]
    if result.similarity < LOW_SIMILARITY:
        tips.append(
            "Describe your experience in the words of the job description: "
            "the resume text reads unlike this job."
        )
    result.recommendations.extend(tips)
    return result


def missing_skill_demand(results: Sequence[MatchResult]) -> list[tuple[str, int]]:
    """Missing required skills over several matches, most often missing first."""
    counts = Counter(skill for result in results for skill in result.missing_skills)
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def demand_recommendations(results: Sequence[MatchResult], *, limit: int = 5) -> list[str]:
    """'Add Docker: required by 40% of the jobs you match best', over these matches."""
    if not results:
        return []
    return [
        f"Add {skill}: required by {round(100 * count / len(results))}% of the jobs you match best."
        for skill, count in missing_skill_demand(results)[:limit]
    ]
