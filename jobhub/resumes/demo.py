"""Demo resumes for `flask seed`: one plain-text resume per demo candidate, analysed as usual."""

from __future__ import annotations

import io

from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from jobhub.db import db
from jobhub.resumes.models import Resume
from jobhub.resumes.services import upload_resume
from jobhub.users.models import User

_PROFILES = [
    (
        "Backend developer with 7+ years of experience building APIs in Python and Go.",
        "Senior Backend Engineer, Northwind Labs, Jan 2020 - Present\n"
        "- Built microservices with Django and FastAPI on AWS, PostgreSQL and Redis.\n"
        "- Deployed with Docker, Kubernetes and Terraform; CI/CD on GitHub Actions.\n"
        "Software Engineer, Contoso, 2017 - 2019\n"
        "- Data pipelines in Python with Pandas and Apache Kafka.",
        "B.Sc. in Computer Science, University of Leeds, 2017",
        "Python, Go, Django, FastAPI, PostgreSQL, Redis, Docker, Kubernetes, Terraform, Git",
    ),
    (
        "Frontend engineer who cares about accessible, fast interfaces.",
        "Frontend Engineer, Fabrikam, Mar 2021 - Present\n"
        "- Rebuilt the customer app in React and TypeScript with Next.js.\n"
        "- Design system in Storybook; end-to-end tests with Cypress.\n"
        "Web Developer, Tailspin, 2018 - 2021\n"
        "- JavaScript, HTML and CSS for marketing sites; Node.js tooling.",
        "BA in Graphic Design, Central Saint Martins, 2018",
        "React, TypeScript, JavaScript, Next.js, Node.js, CSS, Cypress, Figma",
    ),
    (
        "Data scientist with 5 years of experience in forecasting and experimentation.",
        "Data Scientist, Adventure Works, Jun 2019 - Present\n"
        "- Demand forecasting with scikit-learn and PyTorch; A/B testing at scale.\n"
        "- SQL and Apache Spark on Databricks; dashboards in Tableau.",
        "M.Sc. in Statistics, University of Warsaw, 2019",
        "Python, R programming, SQL, scikit-learn, PyTorch, Apache Spark, Tableau",
    ),
    (
        "Site reliability engineer keeping payment systems up around the clock.",
        "SRE, Woodgrove Bank, 2016 - Present\n"
        "- Kubernetes clusters on Google Cloud; Prometheus and Grafana monitoring.\n"
        "- Incident response, on-call rotations and post-mortems; Ansible automation.",
        "Bachelor of Engineering in Electrical Engineering, University of Lagos, 2015",
        "Linux, Kubernetes, Google Cloud, Prometheus, Grafana, Ansible, Bash, Go",
    ),
    (
        "Mobile developer shipping iOS and Android apps used by millions.",
        "Mobile Engineer, Litware, Feb 2018 - Present\n"
        "- Apps written in Swift and Kotlin; shared logic with Kotlin Multiplatform.\n"
        "- Firebase analytics, push notifications and crash reporting.",
        "BS in Software Engineering, University of Waterloo, 2017",
        "Swift, Kotlin, iOS, Android, Firebase, Git, Agile",
    ),
]


def demo_resume_text(user: User, index: int) -> str:
    summary, experience, education, skills = _PROFILES[index % len(_PROFILES)]
    return (
        f"{user.full_name}\n{user.email}\n\nSummary\n{summary}\n\nExperience\n{experience}\n\n"
        f"Education\n{education}\n\nSkills\n{skills}\n"
    )


def seed_resumes(*, candidates: list[User]) -> int:
    """One demo resume for each candidate who has none; returns how many were added."""
    added = 0
    for index, user in enumerate(candidates):
        count = db.session.scalar(
            select(func.count()).select_from(Resume).where(Resume.user_id == user.id)
        )
        if count:
            continue
        text = demo_resume_text(user, index).encode()
        name = f"{user.full_name.replace(' ', '_')}_resume.txt"
        upload_resume(owner=user, upload=FileStorage(stream=io.BytesIO(text), filename=name))
        added += 1
    return added
