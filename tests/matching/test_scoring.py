"""The match score as a pure function: weights, explanations, recommendations."""

from __future__ import annotations

from jobhub.matching.scoring import (
    JobProfile,
    demand_recommendations,
    missing_skill_demand,
    score_jobs,
    score_match,
    text_similarities,
)

JOB = JobProfile(
    skills=["python", "docker", "postgresql", "kubernetes"],
    nice_to_have_skills=["terraform", "go"],
    text="Backend engineer: Python services on Docker and Kubernetes, PostgreSQL.",
)


def test_all_required_and_nice_skills_with_identical_text_score_100():
    result = score_match(
        resume_skills=["python", "docker", "postgresql", "kubernetes", "terraform", "go"],
        job=JOB,
        similarity=1.0,
    )
    assert result.score == 100
    assert result.matched_skills == ["python", "docker", "postgresql", "kubernetes"]
    assert result.missing_skills == []
    assert result.nice_to_have_matched == ["terraform", "go"]
    assert result.recommendations == []


def test_weights_are_60_required_15_nice_25_text():
    half_required = score_match(resume_skills=["python", "docker"], job=JOB, similarity=0.0)
    assert half_required.score == 30
    half_nice = score_match(resume_skills=["terraform"], job=JOB, similarity=0.0)
    assert half_nice.score == 8  # 15 * 0.5 = 7.5, rounded half to even
    text_only = score_match(resume_skills=[], job=JOB, similarity=0.4)
    assert text_only.score == 10


def test_nothing_matching_scores_0_and_explains_every_gap():
    result = score_match(resume_skills=["cobol"], job=JOB, similarity=0.0)
    assert result.score == 0
    assert result.matched_skills == []
    assert result.missing_skills == ["python", "docker", "postgresql", "kubernetes"]
    assert result.nice_to_have_missing == ["terraform", "go"]
    assert result.recommendations[0] == "Add python: a required skill of this job."
    assert "Consider terraform: nice to have for this job." in result.recommendations
    assert "reads unlike this job" in result.recommendations[-1]


def test_a_job_without_required_skills_scores_on_what_it_has():
    job = JobProfile(skills=[], nice_to_have_skills=["go"], text="anything")
    result = score_match(resume_skills=["go"], job=job, similarity=1.0)
    assert result.score == 100
    assert score_match(resume_skills=[], job=job, similarity=0.0).score == 0


def test_tfidf_similarity_prefers_the_job_that_reads_like_the_resume():
    resume = "Python developer building Django web applications and REST APIs."
    close, far = text_similarities(
        resume,
        ["Django developer for web applications and REST APIs in Python.", "Nurse, night shifts."],
    )
    assert close > 0.3
    assert far == 0.0
    assert text_similarities("the and of", ["a the"]) == [0.0]
    assert text_similarities(resume, []) == []


def test_all_required_skills_outrank_none_and_every_score_is_explained():
    jobs = [JOB, JobProfile(skills=["java"], text="Java engineer")]
    results = score_jobs(
        resume_skills=["python", "docker", "postgresql", "kubernetes"],
        resume_text="Python engineer, Docker, Kubernetes and PostgreSQL in production.",
        jobs=jobs,
    )
    assert results[0].score > results[1].score
    for result in results:
        assert 0 <= result.score <= 100
        assert set(result.matched_skills) | set(result.missing_skills) == set(
            jobs[results.index(result)].skills
        )


def test_demand_recommendations_name_the_share_of_best_matches():
    results = [
        score_match(resume_skills=["python"], job=JobProfile(skills=s), similarity=0.5)
        for s in (["python", "docker"], ["python", "docker", "aws"], ["python"], ["python"], ["go"])
    ]
    assert missing_skill_demand(results) == [("docker", 2), ("aws", 1), ("go", 1)]
    assert demand_recommendations(results, limit=2) == [
        "Add docker: required by 40% of the jobs you match best.",
        "Add aws: required by 20% of the jobs you match best.",
    ]
    assert demand_recommendations([]) == []


def test_a_specific_skill_satisfies_the_general_one_and_says_so():
    job = JobProfile(skills=["aws", "swift"], text="")
    result = score_match(resume_skills=["aws lambda", "swiftui"], job=job, similarity=0.0)
    assert result.matched_skills == ["aws", "swift"] and result.missing_skills == []
    assert result.matched_via == {"aws": "aws lambda", "swift": "swiftui"}
    assert result.score == round(100 * 60 / 85)  # full required coverage, no text


def test_a_general_skill_earns_part_of_a_specific_one_but_stays_missing():
    job = JobProfile(skills=["aws lambda", "docker"], text="")
    result = score_match(resume_skills=["aws", "docker"], job=job, similarity=0.0)
    assert result.missing_skills == ["aws lambda"]
    assert result.related_skills == [{"skill": "aws lambda", "resume_skill": "aws"}]
    none = score_match(resume_skills=["docker"], job=job, similarity=0.0)
    full = score_match(resume_skills=["aws lambda", "docker"], job=job, similarity=0.0)
    assert none.score < result.score < full.score
    assert "Add aws lambda: a required skill of this job." in result.recommendations


def test_stronger_evidence_scores_higher():
    job = JobProfile(skills=["python", "docker"], text="")
    strong = score_match(resume_skills={"python": 1.0, "docker": 1.0}, job=job, similarity=0.0)
    weak = score_match(resume_skills={"python": 0.5, "docker": 0.5}, job=job, similarity=0.0)
    assert strong.score == round(100 * 60 / 85) and 50 < weak.score < strong.score
    assert weak.matched_skills == strong.matched_skills == ["python", "docker"]
