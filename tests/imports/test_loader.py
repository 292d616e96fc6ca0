"""The import's fast row loader gives exactly the schema's answers: the same loaded
values for every row the schema accepts, the schema's own messages for every refusal."""

from __future__ import annotations

import csv
import io
import random

import marshmallow as ma
import pytest

from bench.imports import make_csv
from jobhub.imports.models import ImportResource
from jobhub.imports.schemas import (
    COLUMNS,
    ApplicationRowSchema,
    JobRowSchema,
    RowLoader,
    _cells,
)

JOB_POOL = {
    "title": ["Backend Engineer", "ab", "x" * 201, "Line\\nbreak", " Padded title ", "T\x01"],
    "description": ["APIs.", "", "On call,\nsometimes."],
    "location": ["Berlin", "Line\nbreak", "x" * 201],
    "country": ["DE", "de", "DEU", "1A"],
    "remote": ["remote", "moon", " hybrid "],
    "employment_type": ["contract", "forever"],
    "seniority": ["lead", "god"],
    "salary_min": ["1000", "-1", "abc", "90000", "100000001", "1.5"],
    "salary_max": ["2000", "10000", ""],
    "salary_currency": ["EUR", "eur", "XXX", "US"],
    "skills": ["python; JS", "k8s", "x" * 101, "; ".join(f"s{n}" for n in range(31))],
    "status": ["draft", "published", "closed", "archived"],
    "expires_at": ["2030-01-01T00:00:00Z", "2030-01-01", "tomorrow", "99999-01-01T00:00:00Z"],
}
APPLICATION_POOL = {
    "job_id": ["1", "0", "-3", "abc", "2147483648", "12"],
    "candidate_email": ["a@example.com", " A@Example.COM ", "not-an-email", "x" * 330],
    "candidate_name": ["Ada  Lovelace", "Line\nbreak", "x" * 201],
    "status": ["applied", "rejected", "moon"],
    "source": ["direct", "import", "moon"],
    "rejection_reason": ["not_qualified", "bored"],
    "cover_letter": ["Hello", "x" * 10_001],
    "created_at": ["2026-01-01T00:00:00Z", "yesterday"],
    "status_changed_at": ["2026-01-02T00:00:00Z", "2026-13-01T00:00:00Z"],
    "history": ["applied 2026-01-01T00:00:00Z; rejected 2026-01-02T00:00:00Z", "moon now"],
}


def _answer(load, data):
    try:
        return ("ok", load(dict(data)))
    except ma.ValidationError as exc:
        return ("refused", exc.messages)


def _rows(resource: ImportResource, pool: dict, base: list[dict], count: int) -> list[dict]:
    spec, rng = COLUMNS[resource], random.Random(15)
    rows = []
    for n in range(count):
        record = dict(base[n % len(base)])
        for column in rng.sample(sorted(pool), rng.randint(0, 3)):
            record[column] = rng.choice(pool[column])
        if rng.random() < 0.1:
            record.pop(rng.choice(sorted(record)))
        columns = [c for c in spec.readable if c in record]
        rows.append(_cells(record, columns, spec.lists))
    return rows


@pytest.mark.parametrize("resource", [ImportResource.JOBS, ImportResource.APPLICATIONS])
def test_the_loader_answers_as_the_schema(resource):
    if resource == ImportResource.JOBS:
        schema, pool = JobRowSchema(exclude=("company_id",)), JOB_POOL
        base = list(csv.DictReader(io.StringIO(make_csv(200))))
    else:
        schema, pool = ApplicationRowSchema(), APPLICATION_POOL
        base = [{column: values[0] for column, values in pool.items()}]
    loader = RowLoader(schema)
    assert loader.fast
    rows = _rows(resource, pool, base, 3_000)
    answers = [(_answer(loader.load, row), _answer(schema.load, row)) for row in rows]
    assert all(fast == slow for fast, slow in answers)
    kinds = {fast[0] for fast, _ in answers}
    assert kinds == {"ok", "refused"}  # both kinds were exercised
    # The remembered cells are copies: changing one loaded row changes no other.
    first, second = loader.load(dict(rows[0])), loader.load(dict(rows[0]))
    for value in first.values():
        if isinstance(value, list):
            value.append("changed")
    assert second == schema.load(dict(rows[0]))
