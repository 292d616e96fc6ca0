"""Skill taxonomy: canonical skills loaded once from ``data/skills.json``.

Categories (in display order, described in the JSON file):
``languages``, ``frameworks``, ``databases``, ``cloud``, ``data``, ``tools``,
``practices``, ``soft_skills``. ``data`` holds data/ML disciplines and platforms.

Lookups ignore case, surrounding/repeated whitespace, and treat ``-``/``_`` as spaces,
so "Scikit Learn", "scikit-learn" and "SCIKIT_LEARN" are the same key.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

__all__ = [
    "Skill",
    "all_skills",
    "by_category",
    "canonical",
    "categories",
    "get",
    "implied_skills",
    "lookup_key",
    "normalize",
    "unknown",
    "with_implied",
]


@dataclass(frozen=True, slots=True)
class Skill:
    """One canonical skill.

    ``ambiguous`` means the name itself is also an ordinary word or letter ("go", "r");
    ``ambiguous_aliases`` lists aliases that are (e.g. "node" for node.js). Both still
    canonicalise normally; only free-text extraction asks for extra evidence.
    """

    name: str
    label: str
    category: str
    aliases: tuple[str, ...] = ()
    ambiguous: bool = False
    ambiguous_aliases: tuple[str, ...] = ()
    # More general skills this one is a part or kind of ("aws lambda" → "aws").
    implies: tuple[str, ...] = ()
    # Skills whose presence nearby makes an ambiguous mention technical ("grpc" for "go").
    context: tuple[str, ...] = ()
    # An everyday word ("scheduling", "branding") that counts as a skill only where the
    # resume lists or claims it, not in passing prose.
    generic: bool = False
    # A name that is also a common noun ("python", "java"): it counts as written in a
    # document that is technical anyway, not in "a ball python" on a teacher's resume.
    word: bool = False


@dataclass(frozen=True, slots=True)
class _Taxonomy:
    skills: tuple[Skill, ...]
    categories: tuple[str, ...]
    by_name: Mapping[str, Skill]
    by_key: Mapping[str, str]
    by_category: Mapping[str, tuple[Skill, ...]]


def lookup_key(text: str) -> str:
    """Return the comparison key for a skill name or alias."""
    return " ".join(text.lower().replace("-", " ").replace("_", " ").split())


def _parse(raw: Mapping[str, Any]) -> _Taxonomy:
    cats = tuple(raw["categories"])
    skills: list[Skill] = []
    by_key: dict[str, str] = {}
    for entry in raw["skills"]:
        skill = Skill(
            name=entry["name"],
            label=entry["label"],
            category=entry["category"],
            aliases=tuple(entry.get("aliases", ())),
            ambiguous=bool(entry.get("ambiguous", False)),
            ambiguous_aliases=tuple(entry.get("ambiguous_aliases", ())),
            implies=tuple(entry.get("implies", ())),
            context=tuple(entry.get("context", ())),
            generic=bool(entry.get("generic", False)),
            word=bool(entry.get("word", False)),
        )
        if skill.category not in cats:
            raise ValueError(f"skill {skill.name!r}: unknown category {skill.category!r}")
        if not set(skill.ambiguous_aliases) <= set(skill.aliases):
            raise ValueError(f"skill {skill.name!r}: ambiguous_aliases must be aliases")
        # Fail loudly on a bad data edit rather than silently shadowing a skill.
        for form in (skill.name, skill.label, *skill.aliases):
            key = lookup_key(form)
            owner = by_key.setdefault(key, skill.name)
            if owner != skill.name:
                raise ValueError(f"{form!r} of {skill.name!r} collides with {owner!r}")
        skills.append(skill)
    names = {skill.name for skill in skills}
    for skill in skills:
        for other in (*skill.implies, *skill.context):
            if other not in names:
                raise ValueError(f"skill {skill.name!r}: unknown skill {other!r}")
    return _Taxonomy(
        skills=tuple(skills),
        categories=cats,
        by_name={s.name: s for s in skills},
        by_key=by_key,
        by_category={c: tuple(s for s in skills if s.category == c) for c in cats},
    )


@cache
def _taxonomy() -> _Taxonomy:
    text = resources.files(__package__).joinpath("data/skills.json").read_text("utf-8")
    return _parse(json.loads(text))


def canonical(name: str) -> str | None:
    """Return the canonical skill name for a name, label or alias, or None if unknown."""
    return _taxonomy().by_key.get(lookup_key(name))


def get(name: str) -> Skill | None:
    """Return the Skill for a name, label or alias, or None if unknown."""
    found = canonical(name)
    return None if found is None else _taxonomy().by_name[found]


def clean(name: str) -> str:
    """A name as kept when the taxonomy lacks it: whitespace collapsed, lower case.

    Lower case can be longer than the name ("İ" is two characters in lower case).
    """
    return " ".join(name.split()).lower()


def normalize(names: Iterable[str]) -> list[str]:
    """Canonicalise names, de-duplicated in first-seen order.

    Unknown names are kept (lower-cased, whitespace trimmed and collapsed) because
    employers legitimately post niche skills the taxonomy lacks; blank names are dropped.
    Use :func:`unknown` to find which ones those were.
    """
    result: dict[str, None] = {}
    for name in names:
        cleaned = clean(name)
        if cleaned:
            result.setdefault(canonical(cleaned) or cleaned, None)
    return list(result)


def unknown(names: Iterable[str]) -> list[str]:
    """Return the names not in the taxonomy, cleaned like :func:`normalize` does."""
    return [name for name in normalize(names) if canonical(name) is None]


def all_skills() -> tuple[Skill, ...]:
    """Return every skill, in data-file order."""
    return _taxonomy().skills


def categories() -> tuple[str, ...]:
    """Return the category names, in display order."""
    return _taxonomy().categories


def by_category(category: str) -> tuple[Skill, ...]:
    """Return the skills in a category; raise ValueError for an unknown category."""
    try:
        return _taxonomy().by_category[category]
    except KeyError:
        raise ValueError(f"unknown skill category: {category!r}") from None


@cache
def implied_skills(name: str) -> tuple[str, ...]:
    """Every skill ``name`` implies, directly or through others, nearest first."""
    order: dict[str, None] = {}
    frontier = [name]
    while frontier:
        following = []
        for current in frontier:
            skill = get(current)
            for parent in skill.implies if skill else ():
                if parent != name and parent not in order:
                    order[parent] = None
                    following.append(parent)
        frontier = following
    return tuple(order)


def with_implied(names: Iterable[str]) -> list[str]:
    """The names followed by every skill they imply that is not among them, in order."""
    result = dict.fromkeys(names)
    for name in list(result):
        for parent in implied_skills(name):
            result.setdefault(parent, None)
    return list(result)
