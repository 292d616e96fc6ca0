"""Responses are written by orjson, byte for byte what Flask's json.dumps wrote."""

from __future__ import annotations

import dataclasses
import json
import random
import uuid
from datetime import UTC, date, datetime
from enum import StrEnum

import pytest
from flask.json.provider import DefaultJSONProvider


class Colour(StrEnum):
    RED = "red"


@dataclasses.dataclass
class Point:
    x: int
    label: str


VALUES = [
    None,
    True,
    0,
    -(2**63),
    2**64 - 1,
    2**70,  # past orjson's integers: json.dumps writes it
    0.1,
    123456789.125,
    1e16,
    1.5e-7,
    "",
    "plain",
    'quotes " and \\ backslashes / slashes',
    "\x00\x1f\x7f\n\t\r controls",
    "Zürich, 5 000 € — 日本語 😀",
    "1e5 looks like a float",
    [1, (2, 3), [], {}],
    {"b": 1, "a": {"d": 2, "c": [3, {"z": None, "y": "ÿ"}]}},
    {1: "an integer key"},
    datetime(2026, 12, 2, 18, 0, tzinfo=UTC),
    date(2026, 1, 31),
    uuid.UUID("12345678-1234-5678-1234-567812345678"),
    Point(1, "é"),
    Colour.RED,
    [{"id": i, "title": f"Job {i}", "skills": ["python", "ça"]} for i in range(50)],
]


def _random_text(rng: random.Random) -> str:
    alphabet = [chr(c) for c in (*range(0, 0x80), 0xA0, 0xE9, 0x20AC, 0xFFFF, 0x1F600)]
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))


@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_a_response_body_is_what_json_dumps_writes(app, value):
    with app.app_context():
        expected = DefaultJSONProvider(app).response(value).get_data()
        assert app.json.response(value).get_data() == expected


def test_random_strings_are_escaped_like_json_dumps(app):
    rng = random.Random(18)
    values = [{_random_text(rng): [_random_text(rng), rng.random()]} for _ in range(300)]
    with app.app_context():
        for value in values:
            expected = json.dumps(value, ensure_ascii=True, sort_keys=True, separators=(",", ":"))
            assert app.json.dumps(value, separators=(",", ":")) == expected


def test_what_json_dumps_refuses_is_still_refused(app):
    with app.app_context(), pytest.raises(TypeError):
        app.json.response({"a": object()})
