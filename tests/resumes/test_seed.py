"""`flask seed` gives every demo candidate one analysed resume, once."""

from __future__ import annotations

from sqlalchemy import select

from jobhub.db import db
from jobhub.resumes.models import AnalysisStatus, Resume
from jobhub.resumes.tasks import analyze_resume
from tests.resumes.conftest import stored_files


def test_demo_candidates_get_a_resume_each(app, runner, upload_dir):
    first = runner.invoke(args=["seed", "--candidates", "5", "--employers", "1"])
    assert first.exit_code == 0, first.output
    assert "5 resumes" in first.output
    again = runner.invoke(args=["seed", "--candidates", "5", "--employers", "1"])
    assert "resumes" not in again.output
    assert len(stored_files(upload_dir)) == 5
    with app.app_context():
        ids = db.session.scalars(select(Resume.id).order_by(Resume.id)).all()
        for resume_id in ids:  # done already where tasks run in-process
            analyze_resume.apply(args=[resume_id])
        resumes = db.session.scalars(select(Resume).order_by(Resume.id)).all()
        assert [r.analysis_status for r in resumes] == [AnalysisStatus.DONE] * 5
        first_skills = resumes[0].skills
        assert {"python", "go", "django", "kubernetes"} <= set(first_skills)
        assert {"react", "typescript"} <= set(resumes[1].skills)
        assert all(r.years_experience for r in resumes)
        assert all(r.education for r in resumes)
