"""Demo resumes for ``flask seed``: one plain-text resume per demo candidate.

They go through the upload service like any upload, so their analysis is queued after
the seed commits (run in process by ``make run``, by a worker in production) and the
match scores of the applications sent with them follow it.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from werkzeug.datastructures import FileStorage

from jobhub.resumes import queries, services
from jobhub.resumes.models import Resume
from jobhub.users.models import User

# (headline, experience, skills line): distinct profiles, so matches and scores differ.
DEMO_PROFILES = [
    (
        "Backend engineer",
        "Senior Backend Engineer, Northwind Labs, 2019 - 2025. Built Python and Django "
        "services on PostgreSQL and Redis, deployed with Docker and Kubernetes on AWS.",
        "Python, Django, FastAPI, PostgreSQL, Redis, Docker, Kubernetes, AWS, Git",
    ),
    (
        "Frontend developer",
        "Frontend Developer, Contoso, 2020 - 2025. Shipped React and TypeScript single-page "
        "apps with Next.js, tested with Jest and Cypress, styled with CSS and Figma designs.",
        "JavaScript, TypeScript, React, Next.js, HTML, CSS, Jest, Cypress, Figma",
    ),
    (
        "Data engineer",
        "Data Engineer, Fabrikam, 2018 - 2025. Ran Airflow pipelines in Python and SQL, "
        "streamed events through Kafka into Snowflake and Spark, reported in Tableau.",
        "Python, SQL, Airflow, Kafka, Spark, Snowflake, dbt, Tableau",
    ),
    (
        "DevOps engineer",
        "Site Reliability Engineer, Tailspin, 2017 - 2025. Ran Kubernetes clusters provisioned "
        "with Terraform and Ansible, CI in GitHub Actions, monitoring with Prometheus and Grafana.",
        "Kubernetes, Terraform, Ansible, Docker, Linux, Prometheus, Grafana, AWS, Go",
    ),
    (
        "Product designer",
        "Product Designer, Woodgrove, 2019 - 2025. Led user research and prototyping in Figma, "
        "built the design system with the front-end team.",
        "Figma, Sketch, Adobe XD, user research, prototyping, wireframing, usability testing, CSS",
    ),
]


def resume_text(full_name: str, profile: tuple[str, str, str]) -> str:
    headline, experience, skills = profile
    return "\n".join(
        [
            full_name,
            "Summary",
            f"{headline} who enjoys shipping reliable products with small teams.",
            "Experience",
            experience,
            "Education",
            "B.Sc. in Computer Science, 2014 - 2017",
            "Skills",
            skills,
        ]
    )


def upload_text(*, owner: User, text: str, filename: str) -> Resume:
    """Upload a plain-text resume through the upload service (its analysis is queued)."""
    upload = FileStorage(io.BytesIO(text.encode()), filename=filename, content_type="text/plain")
    return services.upload_resume(owner=owner, upload=upload)


def seed_demo_resumes(*, candidates: Sequence[User], report: Any) -> None:
    """A resume for each demo candidate who has none yet."""
    for index, user in enumerate(candidates):
        if queries.has_resumes(user=user):
            continue
        text = resume_text(user.full_name, DEMO_PROFILES[index % len(DEMO_PROFILES)])
        slug = "-".join(user.full_name.lower().split())
        upload_text(owner=user, text=text, filename=f"{slug}-resume.txt")
        report.add("resumes", 1)
