"""The analysis functions on text: experience, education, summary, skills, extraction."""

from __future__ import annotations

import io
from datetime import date

import pytest

from jobhub.resumes.analysis import AnalysisFailed, analyze_text, clean_text, extract_text
from jobhub.resumes.analysis.experience import claimed_years, estimate_years
from jobhub.resumes.analysis.sections import heading_kind, split_sections
from jobhub.resumes.models import FileFormat
from tests.support.documents import RESUME_LINES, docx_bytes, image_only_pdf, pdf_bytes

TODAY = date(2024, 6, 15)


def years(text: str) -> float | None:
    return estimate_years(split_sections(clean_text(text)), today=TODAY)


class TestExperience:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("Experience\nAcme, 2015\u20132020", 5.0),
            ("Experience\nAcme, 2015 - 2020", 5.0),
            ("Experience\nAcme, 2015 to 2020", 5.0),
            ("Experience\nAcme, Jan 2019 - present", 5.5),  # Jan 2019 .. Jun 2024: 66 months
            ("Experience\nAcme, January 2019 \u2013 Current", 5.5),
            ("Experience\nAcme, Sept. 2021 \u2013 Aug 2023", 2.0),
            ("Experience\nAcme, 03/2017 \u2013 02/2019", 2.0),
            ("Experience\nAcme, 2017-03 \u2013 2019-02", 2.0),
            ("Experience\nAcme, Jan '20 \u2013 Dec '21", 2.0),
            ("Experience\nFreelance since 2021", 3.5),  # Jan 2021 .. Jun 2024
            ("Experience\nA, 2010 \u2013 2016\nB, 2014 \u2013 2018", 8.0),  # overlap counted once
            ("Experience\nA, 2010 \u2013 2012\nB, 2016 \u2013 2018", 4.0),  # gap not counted
            ("Experience\nA, 2030 \u2013 2032", None),  # in the future
            ("Experience\nA, 2019 \u2013 2016", None),  # backwards
            ("Experience\nA, 2019 \u2013 2099", 5.5),  # capped at today
        ],
    )
    def test_date_ranges(self, text, expected):
        assert years(text) == expected

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("5+ years of Python", 5.0),
            ("over 10 years' experience in backend work", 10.0),
            ("ten years of experience", 10.0),
            ("7 yrs professional experience", 7.0),
            ("2.5 years of hands-on experience", 2.5),
            ("Twelve years in fintech", 12.0),
            ("I am 34 years old", None),
            ("3 years ago I moved", None),
            ("children of 5 years of age", None),
            ("a 2-year contract", None),
        ],
    )
    def test_claims(self, text, expected):
        assert claimed_years(text) == expected

    def test_the_larger_of_claims_and_dates_wins(self):
        assert years("Summary\n12+ years of experience\nExperience\nAcme, 2020 \u2013 2022") == 12.0
        assert years("Summary\n2 years of experience\nExperience\nAcme, 2010 \u2013 2022") == 12.0

    def test_education_dates_are_not_experience(self):
        text = "Experience\nAcme, 2018 \u2013 2020\nEducation\nBSc in Physics, 2010 \u2013 2018"
        assert years(text) == 2.0

    def test_without_sections_degree_lines_are_skipped(self):
        text = "Acme Corp, developer, 2018 \u2013 2020\nUniversity of Leeds, BSc, 2010 \u2013 2018"
        assert years(text) == 2.0

    def test_no_clue_gives_none(self):
        assert years("Hello, I like computers.") is None

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("Experience\nAcme, 03.2019 \u2013 02.2021", 2.0),
            ("Experience\nAcme, 2019/03 \u2013 2021/02", 2.0),
            ("Experience\nAcme, 2019.03 - 2021.02", 2.0),
            ("Experience\nAcme, Summer 2022 \u2013 Present", 2.1),  # Jun 2022 .. Jun 2024
            ("Experience\nAcme, 2020 \u2192 present", 4.5),
            ("Experience\nAcme, March 2021 -- the present day", 3.3),
            # A PDF wrapped the line; a two-column layout put a sidebar line between.
            ("Experience\nTeacher, Kings Academy, September 2020 \u2013\nPowerPoint\npresent", 3.8),
        ],
    )
    def test_more_date_formats(self, text, expected):
        assert years(text) == expected

    def test_a_role_under_another_heading_counts_and_a_degree_in_experience_does_not(self):
        # Two-column PDFs interleave the columns: the sidebar's "Education" heading can
        # land between two jobs of the main column.
        text = (
            "Experience\nLead Designer, Fundly, 2021 - 2024\nEducation\n"
            "Senior UX Designer, Tessellate Studio, 2016 - 2021\nBA Graphic Design\n2011 - 2014"
        )
        assert years(text) == 8.0
        text = "Experience\nAcme, 2018 - 2020\nBSc Physics, 2010 - 2018\nEducation\nNone"
        assert years(text) == 2.0


class TestEducation:
    @pytest.mark.parametrize(
        ("line", "expected"),
        [
            (
                "B.Sc. in Computer Science, University of Leeds, 2012 \u2013 2016",
                ("bachelor", "B.Sc.", "Computer Science", "University of Leeds", 2016),
            ),
            (
                "Master of Science in Data Science — Imperial College London, 2018",
                ("master", "Master of Science", "Data Science", "Imperial College London", 2018),
            ),
            (
                "PhD in Physics, Massachusetts Institute of Technology (2012)",
                ("doctorate", "PhD", "Physics", "Massachusetts Institute of Technology", 2012),
            ),
            (
                "MBA, Harvard Business School 2010",
                ("master", "MBA", "Business Administration", "Harvard Business School", 2010),
            ),
            (
                "Bachelor of Engineering, Stanford University",
                ("bachelor", "Bachelor of Engineering", "Engineering", "Stanford University", None),
            ),
            (
                "BS in Mathematics from The Ohio State University, 2008",
                ("bachelor", "BS", "Mathematics", "The Ohio State University", 2008),
            ),
            (
                "High School Diploma, Lincoln High School, 2005",
                ("high_school", "High School Diploma", None, "Lincoln High School", 2005),
            ),
            (
                "Master's degree in Economics",
                ("master", "Master's degree", "Economics", None, None),
            ),
        ],
    )
    def test_degrees(self, line, expected):
        [found] = analyze_text(f"Education\n{line}", today=TODAY).education
        assert (
            found["level"],
            found["degree"],
            found["field"],
            found["institution"],
            found["year"],
        ) == expected

    def test_the_institution_may_sit_on_the_line_before(self):
        [found] = analyze_text(
            "Education\nUniversity of Toronto\nBachelor of Arts in History, 2001", today=TODAY
        ).education
        assert found["institution"] == "University of Toronto"
        assert found["field"] == "History"

    def test_job_titles_are_not_degrees(self):
        text = "Experience\nScrum Master at Acme; merged to the master branch; MS Office."
        assert analyze_text(text, today=TODAY).education == []

    def test_several_degrees_in_order(self):
        text = "Education\nPhD in Biology, 2015\nBSc in Chemistry, 2009"
        levels = [d["level"] for d in analyze_text(text, today=TODAY).education]
        assert levels == ["doctorate", "bachelor"]


class TestSummary:
    def test_the_summary_section_is_used(self):
        text = (
            "Jane\nProfile\nData engineer who loves pipelines. Ships Spark jobs daily.\nSkills\nSQL"
        )
        summary = analyze_text(text, today=TODAY).summary
        assert summary == "Data engineer who loves pipelines. Ships Spark jobs daily."

    def test_without_one_the_most_telling_sentences_are_picked(self):
        text = "\n".join(
            [
                "Jane Doe",
                "jane@example.com | +44 20 7946 0958",
                "Experience",
                "Went to the office and attended many meetings every week.",
                "Built a Kafka and Spark streaming platform on AWS for 40 teams.",
                "Developed Django services with PostgreSQL and Redis caching layers.",
                "Enjoyed lunch with the team on most Fridays of the year.",
            ]
        )
        summary = analyze_text(text, today=TODAY).summary
        assert summary.startswith("Built a Kafka and Spark streaming platform")
        assert "Developed Django services" in summary
        assert "@" not in summary and "lunch" not in summary

    def test_it_is_short(self):
        long = "Profile\n" + " ".join(["Python developer building reliable systems."] * 40)
        assert len(analyze_text(long, today=TODAY).summary) <= 500


class TestSkills:
    def test_aliases_become_canonical_names(self):
        text = "Skills: k8s, postgres, JS, golang, sklearn, Amazon Web Services"
        skills = analyze_text(text, today=TODAY).skills
        assert list(skills) == [
            "kubernetes",
            "postgresql",
            "javascript",
            "go",
            "scikit-learn",
            "python",  # implied by scikit-learn, right after it
            "aws",
        ]
        assert skills["python"] == 0

    def test_ordinary_words_are_not_skills(self):
        text = "I go to work early, gave a swift response to R&D, and met Ruby at Spring break."
        assert analyze_text(text, today=TODAY).skills == {}

    def test_mentions_are_counted(self):
        skills = analyze_text("Python, Django. Python scripts. More python.", today=TODAY).skills
        assert skills == {"python": 3, "django": 1}


def test_the_skills_of_a_resume_carry_their_evidence_and_roles():
    text = (
        "Summary\nBackend engineer.\nExperience\nAcme, 2020 - 2024\n- Go services, Docker\n"
        "Initech, 2016 - 2020\n- Go tooling\nSkills\nGo, Docker, AWS Lambda"
    )
    found = {skill.name: skill for skill in analyze_text(text, today=TODAY).found}
    go = found["go"]
    assert go.occurrences == 3 and go.weight == 1.0  # listed and used in two roles
    assert [(e.section, e.snippet) for e in go.evidence] == [
        ("experience", "- Go services, Docker"),
        ("experience", "- Go tooling"),
        ("skills", "Go, Docker, AWS Lambda"),
    ]
    assert found["aws"].implied_by == ("aws lambda",)
    assert found["aws lambda"].weight < go.weight


def test_headings_are_recognised():
    assert heading_kind("WORK EXPERIENCE") == "experience"
    assert heading_kind("Education:") == "education"
    assert heading_kind("— Skills —") == "skills"
    assert heading_kind("Experience with Django") is None
    assert heading_kind("Where I've worked") == "experience"
    assert heading_kind("TOOLBOX") == "skills"
    assert heading_kind("Study") == "education"


class TestExtraction:
    def test_pdf_docx_and_text_give_the_same_text(self):
        texts = {
            extract_text(io.BytesIO(pdf_bytes(RESUME_LINES)), FileFormat.PDF),
            extract_text(io.BytesIO(docx_bytes(RESUME_LINES)), FileFormat.DOCX),
            extract_text(io.BytesIO("\n".join(RESUME_LINES).encode()), FileFormat.TEXT),
        }
        assert len(texts) == 1

    def test_docx_tables_and_headers_are_read(self):
        data = docx_bytes(
            ["Experience"], table=[["Go developer", "2019 \u2013 2021"]], header="Jane Doe, Berlin"
        )
        text = extract_text(io.BytesIO(data), FileFormat.DOCX)
        assert text.splitlines()[0] == "Jane Doe, Berlin"
        assert "Go developer" in text and "2019 \u2013 2021" in text

    def test_a_scanned_pdf_fails_with_a_reason(self):
        with pytest.raises(AnalysisFailed, match="scanned images"):
            extract_text(io.BytesIO(image_only_pdf()), FileFormat.PDF)

    def test_cleaning_normalises_ligatures_and_spaces(self):
        assert clean_text("ﬁnance\u00a0 team\r\n\r\n\r\n\u00adNext") == "finance team\n\nNext"
