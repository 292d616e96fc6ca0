"""The match score: pure functions over skills and text, no database.

Skills are compared through the taxonomy's hierarchy: a job asking for ``aws`` is
satisfied by a resume showing ``aws lambda`` (named in ``matched_via``); a job asking for
``aws lambda`` from a resume that only shows ``aws`` earns part of that skill's share and
still lists it as missing (named in ``related_skills``). Each resume skill carries a
weight (0-1] from its evidence, so a skill listed and used in several roles counts fully
and one passing mention a little less.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics.pairwise import cosine_similarity

from jobhub.skills import implied_skills

REQUIRED_WEIGHT = 60
NICE_TO_HAVE_WEIGHT = 15
TEXT_WEIGHT = 25
# Below this cosine the resume reads unlike the job even where the skills agree.
LOW_SIMILARITY = 0.1
MAX_JOB_RECOMMENDATIONS = 5
# A matched skill earns between MIN_CREDIT (weakest evidence) and 1 (strongest).
MIN_CREDIT = 0.75
# A job's skill the resume shows only in general ("aws" for "aws lambda").
RELATED_CREDIT = 0.35


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
    # Job skill → the more specific resume skill that satisfies it ("aws" → "aws lambda").
    matched_via: dict[str, str] = field(default_factory=dict)
    # Missing job skills the resume shows in general: [{"skill", "resume_skill"}].
    related_skills: list[dict[str, str]] = field(default_factory=list)


ResumeSkills = Sequence[str] | Mapping[str, float]


def _weights(resume_skills: ResumeSkills) -> dict[str, float]:
    if isinstance(resume_skills, Mapping):
        return {name: min(max(float(w), 0.0), 1.0) for name, w in resume_skills.items()}
    return dict.fromkeys(resume_skills, 1.0)


@dataclass(frozen=True)
class _Credit:
    value: float
    via: str | None = None  # the resume skill that earned it, when not the skill itself
    related: bool = False


def _credit(skill: str, have: Mapping[str, float], implied: Mapping[str, str]) -> _Credit:
    if skill in have:
        return _Credit(MIN_CREDIT + (1 - MIN_CREDIT) * have[skill])
    if skill in implied:
        child = implied[skill]
        return _Credit(MIN_CREDIT + (1 - MIN_CREDIT) * have[child], via=child)
    for parent in implied_skills(skill):
        if parent in have:
            return _Credit(RELATED_CREDIT, via=parent, related=True)
    return _Credit(0.0)


def _implied_by_resume(have: Mapping[str, float]) -> dict[str, str]:
    """Skill → the resume's strongest skill implying it, for skills the resume lacks."""
    implied: dict[str, str] = {}
    for name in sorted(have, key=lambda n: -have[n]):
        for parent in implied_skills(name):
            if parent not in have:
                implied.setdefault(parent, name)
    return implied


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
    resume_skills: ResumeSkills,
    job: JobProfile,
    similarity: float,
) -> MatchResult:
    """Score 0-100: required coverage 60, nice-to-have 15, text similarity 25.

    ``resume_skills`` is a list (every skill fully shown) or {skill: weight}. A job that
    lists no required (or no nice-to-have) skills has nothing to cover there, so the
    remaining weights are scaled up to 100 rather than counting it as full or empty
    coverage.
    """
    have = _weights(resume_skills)
    implied = _implied_by_resume(have)
    required = list(dict.fromkeys(job.skills))
    nice = [skill for skill in dict.fromkeys(job.nice_to_have_skills) if skill not in required]
    credits = {skill: _credit(skill, have, implied) for skill in (*required, *nice)}

    def covered(skill: str) -> bool:
        return credits[skill].value > 0 and not credits[skill].related

    similarity = min(max(similarity, 0.0), 1.0)
    parts = [(TEXT_WEIGHT, similarity)]
    if required:
        parts.append((REQUIRED_WEIGHT, sum(credits[s].value for s in required) / len(required)))
    if nice:
        parts.append((NICE_TO_HAVE_WEIGHT, sum(credits[s].value for s in nice) / len(nice)))
    total_weight = sum(weight for weight, _ in parts)
    score = round(100 * sum(weight * value for weight, value in parts) / total_weight)
    result = MatchResult(
        score=score,
        matched_skills=[skill for skill in required if covered(skill)],
        missing_skills=[skill for skill in required if not covered(skill)],
        nice_to_have_matched=[skill for skill in nice if covered(skill)],
        nice_to_have_missing=[skill for skill in nice if not covered(skill)],
        similarity=round(similarity, 4),
        matched_via={
            skill: credit.via
            for skill, credit in credits.items()
            if credit.via and not credit.related
        },
        related_skills=[
            {"skill": skill, "resume_skill": credit.via}
            for skill, credit in credits.items()
            if credit.via and credit.related
        ],
    )
    return _with_recommendations(result)


def score_jobs(
    *, resume_skills: ResumeSkills, resume_text: str, jobs: Sequence[JobProfile]
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
