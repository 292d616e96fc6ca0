"""The house rules that import-linter cannot see, read from the source."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
JOBHUB = ROOT / "jobhub"


def _modules(name: str) -> list[Path]:
    return sorted(JOBHUB.rglob(f"{name}.py"))


def _names(path: Path) -> set[str]:
    return {node.id for node in ast.walk(ast.parse(path.read_text())) if isinstance(node, ast.Name)}


@pytest.mark.parametrize("path", _modules("views"), ids=lambda p: str(p.relative_to(ROOT)))
def test_views_refuse_only_through_authorize(path):
    """One authorization path: the decorator authenticates, a policy decides, and
    ``security.authorize`` raises the 403 (or the 404 that hides)."""
    assert "Forbidden" not in _names(path)


def _policy_functions() -> list[tuple[Path, str]]:
    found = []
    for path in _modules("policies"):
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
                found.append((path, node.name))
    return found


def test_every_policy_function_has_a_table_test():
    tables = "\n".join(path.read_text() for path in (ROOT / "tests").rglob("test_policies.py"))
    missing = [
        f"{path.relative_to(ROOT)}:{name}"
        for path, name in _policy_functions()
        if f".{name}(" not in tables
    ]
    assert not missing, missing


def _calls(path: Path) -> set[str]:
    """The names called in a module: ``f(...)`` and ``x.f(...)`` alike."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call):
            func = node.func
            names.add(func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", ""))
    return names


LAYERS_THAT_NEVER_COMMIT = ("services", "queries", "policies", "schemas", "models", "receivers")


@pytest.mark.parametrize(
    "path",
    [path for layer in LAYERS_THAT_NEVER_COMMIT for path in _modules(layer)],
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_services_never_commit(path):
    """The request (or the task, or the CLI command) commits once. What must outlast a
    rollback says so with ``db.independent_transaction``."""
    assert not _calls(path) & {"commit", "transaction"}


MAX_FUNCTION_LINES = 50
# Landed with the skill-extraction work (issue 17) just before this check; left to it to
# split, so that this check does not rewrite its internals. Nothing may join the list.
KNOWN_LONG = {
    "jobhub/skills/extraction.py:_evidence_points",
    "jobhub/skills/extraction.py:find_mentions",
    "jobhub/skills/extraction.py:extract_skills",
}


def test_no_function_outside_seed_passes_fifty_lines():
    """Demo data generators in ``jobhub/seed/`` may run long; nothing else does."""
    long_ones = []
    for path in sorted(JOBHUB.rglob("*.py")):
        if path.is_relative_to(JOBHUB / "seed"):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                name = f"{path.relative_to(ROOT)}:{node.name}"
                if length > MAX_FUNCTION_LINES and name not in KNOWN_LONG:
                    long_ones.append(f"{name} ({length} lines)")
    assert not long_ones, long_ones
