"""Matching test fixtures: a hand-made set of jobs and an analysed resume."""

from __future__ import annotations

import pytest

BACKEND_TEXT = b"Backend engineer. Python, Docker, PostgreSQL and Kubernetes in production."


@pytest.fixture
def jobs(make, company):
    """A hand-made set: a full match, a partial one, one sharing nothing, and hidden ones."""
    return {
        "full": make(
            "job",
            company=company,
            title="Backend Engineer",
            description="Python services on Docker and Kubernetes with PostgreSQL.",
            skills=["python", "docker", "postgresql", "kubernetes"],
            nice_to_have_skills=["terraform"],
        ),
        "partial": make(
            "job",
            company=company,
            title="Platform Engineer",
            description="Kubernetes, Terraform and AWS.",
            skills=["kubernetes", "terraform", "aws"],
        ),
        "none": make(
            "job",
            company=company,
            title="Java Developer",
            description="Spring services.",
            skills=["java", "spring"],
        ),
        "draft": make(
            "job", company=company, status="draft", skills=["python", "docker"], title="Draft"
        ),
        "rejected": make(
            "job", company=company, moderation_status="rejected", skills=["python"], title="Bad"
        ),
    }


@pytest.fixture
def resume(make, candidate):
    return make(
        "resume",
        user=candidate,
        data=BACKEND_TEXT,
        skills=["python", "docker", "postgresql", "kubernetes"],
    )
