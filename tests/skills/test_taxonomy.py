"""Data integrity and lookups of the skill taxonomy."""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from importlib import resources

import pytest

from jobhub.skills import (
    Skill,
    all_skills,
    by_category,
    canonical,
    categories,
    get,
    implied_skills,
    normalize,
    unknown,
    with_implied,
)
from jobhub.skills.taxonomy import _parse, lookup_key

EXPECTED_CATEGORIES = {
    "languages",
    "frameworks",
    "databases",
    "cloud",
    "data",
    "tools",
    "practices",
    "soft_skills",
    "security",
    "embedded",
    "design",
    "mobile",
    "business",
    "professional",
}


def _raw() -> dict:
    text = resources.files("jobhub.skills").joinpath("data/skills.json").read_text("utf-8")
    return json.loads(text)


def test_at_least_1500_skills() -> None:
    assert len(all_skills()) >= 1500
    assert all(isinstance(skill, Skill) for skill in all_skills())


def test_categories_are_the_documented_ones_and_all_used() -> None:
    assert set(categories()) == EXPECTED_CATEGORIES
    used = Counter(skill.category for skill in all_skills())
    assert set(used) == EXPECTED_CATEGORIES
    assert min(used.values()) >= 30


def test_names_are_lower_case_trimmed_and_unique() -> None:
    names = [skill.name for skill in all_skills()]
    assert all(name == name.strip().lower() and name for name in names)
    assert len(set(names)) == len(names)


def test_labels_present_and_unique() -> None:
    labels = [skill.label.strip().lower() for skill in all_skills()]
    assert all(labels)
    assert len(set(labels)) == len(labels)


def test_aliases_are_lower_case_and_never_shared() -> None:
    owner: dict[str, str] = {}
    for skill in all_skills():
        for form in (skill.name, *skill.aliases):
            assert form == form.strip().lower(), form
            key = lookup_key(form)
            assert owner.setdefault(key, skill.name) == skill.name, f"{form!r} is shared"


def test_ambiguous_aliases_are_aliases() -> None:
    for skill in all_skills():
        assert set(skill.ambiguous_aliases) <= set(skill.aliases), skill.name


def test_raw_file_has_every_required_field() -> None:
    for entry in _raw()["skills"]:
        assert {"name", "label", "category", "aliases", "ambiguous"} <= entry.keys(), entry
        assert isinstance(entry["aliases"], list)
        assert isinstance(entry["ambiguous"], bool)


def test_every_name_label_and_alias_canonicalises_to_its_skill() -> None:
    for skill in all_skills():
        for form in (skill.name, skill.label, *skill.aliases):
            assert canonical(form) == skill.name, form


@pytest.mark.parametrize("name", ["go", "swift", "r", "c", "rust", "spring", "ruby", "flask"])
def test_word_like_names_are_ambiguous(name: str) -> None:
    skill = get(name)
    assert skill is not None and skill.ambiguous


@pytest.mark.parametrize("name", ["python", "postgresql", "kubernetes", "communication"])
def test_distinctive_names_are_not_ambiguous(name: str) -> None:
    skill = get(name)
    assert skill is not None and not skill.ambiguous


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("  JS ", "javascript"),
        ("ECMAScript", "javascript"),
        ("Postgres", "postgresql"),
        ("psql", "postgresql"),
        ("K8s", "kubernetes"),
        ("golang", "go"),
        ("py", "python"),
        ("python3", "python"),
        ("TS", "typescript"),
        ("React.js", "react"),
        ("reactjs", "react"),
        ("node", "node.js"),
        ("NodeJS", "node.js"),
        ("Amazon Web Services", "aws"),
        ("gcp", "google cloud"),
        ("Google Cloud", "google cloud"),
        ("tf", "terraform"),
        ("ML", "machine learning"),
        ("machine   learning", "machine learning"),
        ("Scikit Learn", "scikit-learn"),
        ("sklearn", "scikit-learn"),
        ("C++", "c++"),
        ("C#", "c#"),
        (".NET", ".net"),
        ("CI/CD", "ci/cd"),
        ("PostgreSQL", "postgresql"),
    ],
)
def test_canonical_resolves_aliases(given: str, expected: str) -> None:
    assert canonical(given) == expected


@pytest.mark.parametrize("given", ["", "   ", "quantum basketweaving", "javascripts", "c+"])
def test_canonical_unknown_is_none(given: str) -> None:
    assert canonical(given) is None


def test_normalize_keeps_order_dedups_and_keeps_unknowns() -> None:
    given = [
        "JS",
        "Python",
        "javascript",
        "  Quantum  Basketweaving ",
        "py",
        "quantum basketweaving",
        "K8s",
    ]
    expected = ["javascript", "python", "quantum basketweaving", "kubernetes"]
    assert normalize(given) == expected


def test_normalize_drops_blank_names() -> None:
    assert normalize(["", "  ", "Go"]) == ["go"]


def test_normalize_accepts_any_iterable() -> None:
    assert normalize(name for name in ("Postgres", "postgresql")) == ["postgresql"]


def test_unknown_lists_only_names_outside_the_taxonomy() -> None:
    assert unknown(["Python", "Foo Bar", "foo bar", "k8s", "  Baz"]) == ["foo bar", "baz"]
    assert unknown(["Python", "Docker"]) == []


def test_get_returns_a_frozen_skill_for_any_alias() -> None:
    skill = get("postgres")
    assert skill is not None
    assert (skill.name, skill.label, skill.category) == ("postgresql", "PostgreSQL", "databases")
    assert "postgres" in skill.aliases and isinstance(skill.aliases, tuple)
    with pytest.raises(dataclasses.FrozenInstanceError):
        skill.name = "other"  # type: ignore[misc]
    assert get("no such skill") is None


def test_by_category_partitions_all_skills() -> None:
    total = 0
    for category in categories():
        skills = by_category(category)
        assert skills and all(skill.category == category for skill in skills)
        total += len(skills)
    assert total == len(all_skills())
    assert get("kubernetes") in by_category("cloud")


def test_by_category_rejects_unknown_category() -> None:
    with pytest.raises(ValueError, match="unknown skill category"):
        by_category("hobbies")


def test_loader_rejects_colliding_aliases() -> None:
    raw = {
        "categories": {"languages": ""},
        "skills": [
            {"name": "go", "label": "Go", "category": "languages", "aliases": ["golang"]},
            {"name": "gold", "label": "Gold", "category": "languages", "aliases": ["golang"]},
        ],
    }
    with pytest.raises(ValueError, match="collides"):
        _parse(raw)


def test_loader_rejects_unknown_category() -> None:
    raw = {
        "categories": {"languages": ""},
        "skills": [{"name": "x", "label": "X", "category": "hobbies", "aliases": []}],
    }
    with pytest.raises(ValueError, match="unknown category"):
        _parse(raw)


def test_hierarchy_links_name_known_skills_and_chain() -> None:
    names = {skill.name for skill in all_skills()}
    for skill in all_skills():
        assert set(skill.implies) <= names and set(skill.context) <= names, skill.name
        assert skill.name not in skill.implies
    assert implied_skills("aws lambda") == ("aws",)
    assert implied_skills("amazon eks") == ("aws", "kubernetes")
    assert implied_skills("redux toolkit") == ("redux",)
    assert implied_skills("spring boot") == ("spring", "java")  # through spring
    assert with_implied(["swiftui", "uikit", "django"]) == [
        "swiftui",
        "uikit",
        "django",
        "swift",
        "ios",
        "python",
    ]


def test_every_area_of_the_issue_is_covered() -> None:
    areas = ["siem", "incident response", "rtos", "arm", "natural language processing",
             "design systems", "core data", "oracle database", "maven", "protocol buffers",
             "sidekiq", "hangfire", "patient care", "general ledger"]  # fmt: skip
    for name in areas:
        assert get(name) is not None, name
    assert canonical("protobuf") == "protocol buffers"


def test_loader_rejects_unknown_implied_skills() -> None:
    raw = {
        "categories": {"languages": ""},
        "skills": [{"name": "x", "label": "X", "category": "languages", "implies": ["nope"]}],
    }
    with pytest.raises(ValueError, match="unknown skill 'nope'"):
        _parse(raw)
