"""The labelled evaluation set in bench/matching/ meets the issue's shape and targets.

The same figures as ``python -m bench.matching`` (the command prints them per category);
here they guard against regressions in extraction, years and matching (a few seconds).
"""

from __future__ import annotations

import pytest

from bench.matching.evaluate import evaluate
from bench.matching.sources import load_sources


@pytest.fixture(scope="module")
def report():
    return evaluate()


def test_the_set_is_varied_and_labelled():
    sources = load_sources()
    assert len(sources) >= 60
    assert {source.rendered.suffix for source in sources} == {".pdf", ".docx", ".txt"}
    assert {"pdf-2col", "docx-table"} <= {source.format for source in sources}
    assert len({source.family for source in sources}) >= 25
    assert sum(not source.technical for source in sources) >= 6
    assert {"junior", "senior", "principal"} <= {source.level for source in sources}
    assert all(source.traps and source.skills and source.years for source in sources)
    assert all(source.rendered.exists() for source in sources)


def test_labels_are_canonical_and_closed_under_the_hierarchy(report):
    assert report.jobs >= 30
    assert report.label_warnings == []


def test_the_targets_are_met(report):
    assert report.overall.precision >= 0.95
    assert report.overall.recall >= 0.95
    assert report.trap_hits == []
    assert report.years_within >= 0.9 * report.years_labelled
    assert report.top1 >= 0.95 * report.resumes
    assert report.non_technical_max <= 30
