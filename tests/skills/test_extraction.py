"""Finding skills in free text, including telling word-like skills from plain English."""

from __future__ import annotations

import pytest

from jobhub.skills import canonical, extract_skills, find_skills, find_skills_with_counts


@pytest.mark.parametrize(
    ("text", "skill"),
    [
        ("Skills: Go, Python, Docker", "go"),
        ("SKILLS: GO, PYTHON", "go"),
        ("Built backend services in Golang", "go"),
        ("Wrote a Go developer guide", "go"),
        ("5 years of Swift development", "swift"),
        ("Shipped iOS apps with Swift and Kotlin", "swift"),
        ("Statistics in R and Python", "r"),
        ("Cleaned survey data with R scripts", "r"),
        ("Languages: C, Python", "c"),
        ("C/C++ firmware", "c"),
        ("services written in Rust", "rust"),
        ("Java, Spring, Hibernate", "spring"),
        ("Built APIs using Flask", "flask"),
        ("Node, Express and MongoDB", "node.js"),
        ("Node, Express and MongoDB", "express"),
        ("- Python\n- Ruby\n- Go", "ruby"),
        ("Oracle, MySQL", "oracle database"),
        ("Designed RESTful web services", "rest"),
        ("SAS, SPSS and Stata", "sas"),
    ],
)
def test_word_like_skill_found_in_technical_context(text: str, skill: str) -> None:
    assert skill in find_skills(text)


@pytest.mark.parametrize(
    ("text", "skill"),
    [
        ("I go to work every day", "go"),
        ("She is the go-to person for Python questions", "go"),
        ("Go-to person for Docker questions", "go"),
        ("Go to the store. Python developer.", "go"),
        ("We need a swift response", "swift"),
        ("Swift response times matter to our Python team", "swift"),
        ("Head of R&D, Python tooling", "r"),
        ("References: R.J. Smith, Python Inc.", "r"),
        ("Got a grade C in Chemistry", "c"),
        ("Presented to C-level executives about Python", "c"),
        ("Python, C-level stakeholders", "c"),
        ("Python, Go-to-market plans", "go"),
        ("Python, R&D budget", "r"),
        ("Python, R.J. Smith", "r"),
        ("Python, C+ average", "c"),
        ("Graduated in spring 2021", "spring"),
        ("Graduated in Spring 2021", "spring"),
        ("Java, Spring 2021 cohort", "spring"),
        ("Each node in the cluster", "node.js"),
        ("python, go, docker", "go"),
        ("Ruby, Julia and Crystal came to the party.", "ruby"),
        ("We react quickly to incidents", "react"),
        ("I excel at communication", "excel"),
        ("Marvell(R), Linux drivers", "r"),
        ("Worked at Oracle for three years", "oracle database"),
        ("A restful weekend", "rest"),
        ("NumScale SAS, Paris", "sas"),
    ],
)
def test_word_like_skill_ignored_in_plain_english(text: str, skill: str) -> None:
    assert skill not in find_skills(text)


def test_plain_prose_has_no_skills() -> None:
    assert find_skills("The quick brown fox jumps over the lazy dog.") == []
    assert find_skills("") == []


def test_punctuation_bearing_names() -> None:
    assert find_skills("C++, C#, .NET, Node.js, CI/CD") == ["c++", "c#", ".net", "node.js", "ci/cd"]
    assert find_skills("ASP.NET Core and VB.NET") == ["asp.net", "vb.net"]
    assert find_skills("Models in scikit-learn (sklearn)") == ["scikit-learn"]


def test_longest_form_wins() -> None:
    assert find_skills("C++ developer") == ["c++"]
    assert find_skills("Spring Boot microservices") == ["spring boot", "microservices"]
    assert find_skills("React Native app") == ["react native"]


def test_file_names_and_versions() -> None:
    assert find_skills("edited main.go and index.js") == []
    assert find_skills("Python 3.11 and python3") == ["python"]


def test_urls_emails_and_absolute_paths_are_ignored() -> None:
    assert find_skills("Portfolio: https://github.com/jdoe/python-tools") == []
    assert find_skills("Write to python-dev@lists.example.org") == []
    assert find_skills("linked /usr/local/bin/python and ~/go/bin, then Docker") == ["docker"]


def test_multi_word_names() -> None:
    text = "Machine learning on Google Cloud Platform with natural language processing"
    assert find_skills(text) == ["machine learning", "google cloud", "natural language processing"]
    assert find_skills("machine-learning and machine\nlearning") == ["machine learning"]
    assert find_skills("strong problem-solving skills") == ["problem solving"]


def test_matching_is_case_insensitive_for_distinctive_names() -> None:
    assert find_skills("POSTGRESQL, kubernetes, TypeScript, k8s") == [
        "postgresql",
        "kubernetes",
        "typescript",
    ]


def test_results_are_ordered_by_first_occurrence_and_deduplicated() -> None:
    assert find_skills("Docker, Python, docker, AWS, python, Amazon Web Services") == [
        "docker",
        "python",
        "aws",
    ]


def test_counts_include_every_alias_occurrence() -> None:
    counts = find_skills_with_counts("Python, Docker and python; PYTHON, py, Postgres, psql")
    assert counts == {"python": 4, "docker": 1, "postgresql": 2}
    assert list(counts) == ["python", "docker", "postgresql"]


def test_results_are_canonical_names() -> None:
    text = "JS, ReactJS, golang, k8s, GCP, TF, Terraform, ML and NodeJS"
    found = find_skills(text)
    assert found == [
        "javascript",
        "react",
        "go",
        "kubernetes",
        "google cloud",
        "terraform",
        "machine learning",
        "node.js",
    ]
    assert all(canonical(name) == name for name in found)


# Evidence instead of refusal: an ambiguous word counts in a technical sentence.
@pytest.mark.parametrize(
    ("text", "skills"),
    [
        ("Built order services in Python (Django, later Flask)", {"flask"}),
        ("Introduced Celery workers with Redis as broker", {"celery", "redis"}),
        ("React with TypeScript", {"react", "typescript"}),
        ("Wrote payment services in Go with gRPC", {"go", "grpc"}),
        ("Configured Jenkins jobs and SonarQube quality gates", {"jenkins"}),
        ("Shipped features with React and Redux; tests with Jest", {"react", "jest"}),
        ("Kotlin, Firebase and Docker apps; REST clients for the booking API", {"rest"}),
    ],
)
def test_ambiguous_words_count_in_technical_sentences(text: str, skills: set[str]) -> None:
    assert skills <= set(find_skills(text))


def test_a_technical_document_vouches_for_a_bare_mention() -> None:
    text = (
        "Skills: Python, Docker, Kubernetes, PostgreSQL, Terraform\n"
        "Led five backend teams, 3 of them in Rust."
    )
    assert "rust" in find_skills(text)
    assert "rust" not in find_skills("Led five teams, 3 of them in Rust.")


@pytest.mark.parametrize(
    ("text", "skill"),
    [
        ("Shipped a rust-free coating for the lab", "rust"),
        ("Self-managed nodes, EKS-free, on EC2", "amazon eks"),
        ("Python, Go and Terraform; capacity planning for Black Friday", "black"),
        ("Senior Data Analyst | Falcon Airways | Python, SQL, Tableau", "falcon"),
        ("Hire Python, Java and Go engineers with hiring managers", "go"),
        ("Hire Python, Java and Go engineers with hiring managers", "python"),
        ("Sous Chef at Le Bistro; menu development and food safety", "chef"),
        ("Lesson planning; we kept a ball python in the lab", "python"),
        ("Brunch service: mocha, espresso, Java beans", "java"),
        ("Skills: Espresso, Latte Art, Customer Service, Cash Handling", "espresso"),
        ("Python, Docker, AWS; Glue, EMR and S3; Terraform, Spark", "electronic health records"),
        ("Metrics in Prometheus and troubleshooting in Grafana", "troubleshooting"),
    ],
)
def test_traps_stay_out(text: str, skill: str) -> None:
    assert skill not in find_skills(text)


def test_everyday_words_count_when_listed() -> None:
    assert "troubleshooting" in find_skills("Skills: PLC programming, troubleshooting, NEC")
    assert "firewalls" in find_skills("Cisco networking, firewalls, DNS and VPN")


def test_extract_skills_adds_what_a_skill_implies_with_its_evidence() -> None:
    text = (
        "Experience\nDeployed AWS Lambda functions.\nBuilt the app in SwiftUI with Redux Toolkit."
    )
    found = {skill.name: skill for skill in extract_skills(text)}
    assert found["aws"].implied_by == ("aws lambda",)
    assert found["aws"].occurrences == 0
    assert found["aws"].evidence[0].snippet == "Deployed AWS Lambda functions."
    assert found["swift"].implied_by == ("swiftui",)
    assert found["redux"].implied_by == ("redux toolkit",)
    names = [skill.name for skill in extract_skills(text)]
    assert names.index("aws") == names.index("aws lambda") + 1  # right after its child


def test_evidence_names_the_section_and_cuts_a_snippet() -> None:
    text = "Skills\nPython, Go\nExperience\n" + "Wrote " + "very " * 40 + "long Go services.\n"
    sections = [(0, 18, "skills"), (18, len(text), "experience")]
    go = next(s for s in extract_skills(text, sections=sections) if s.name == "go")
    assert [e.section for e in go.evidence] == ["skills", "experience"]
    assert go.evidence[0].snippet == "Python, Go"
    assert go.evidence[1].snippet.startswith("\u2026") and "Go services." in go.evidence[1].snippet
    assert all(len(e.snippet) <= 125 for e in go.evidence)


def test_weight_grows_with_a_skills_list_and_roles() -> None:
    lines = ["Skills: Docker", "Role A: Docker images", "Role B: Docker volumes", "Role C: Docker"]
    text = "\n".join(lines)
    spans, start = [], 0
    for number, line in enumerate(lines):
        spans.append((start, start + len(line) + 1, "skills" if number == 0 else "experience"))
        start += len(line) + 1
    strong = next(s for s in extract_skills(text, sections=spans) if s.name == "docker")
    once = next(s for s in extract_skills("Role A: Docker images") if s.name == "docker")
    assert strong.weight == 1.0 and strong.sections == ("skills", "experience")
    assert strong.occurrences == 4 and len(strong.evidence) == 3
    assert 0.5 < once.weight < strong.weight
