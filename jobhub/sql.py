"""SQL constructs that differ by backend: local periods, durations, percentiles.

PostgreSQL does it natively (``date_trunc`` on the local time of an IANA zone,
``EXTRACT(EPOCH …)``, ``percentile_cont … WITHIN GROUP``). SQLite gets the same
definitions as functions registered on each connection: ``jobhub_local_period`` (the
local period with ``zoneinfo``, so daylight-saving changes are exact) and the aggregate
``jobhub_percentile_cont`` (linear interpolation, as PostgreSQL's). Both backends give
the same numbers.
"""

from __future__ import annotations

import math
import re
import sqlite3
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Float, String, event
from sqlalchemy.engine import Engine
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.sql.visitors import InternalTraversal

from jobhub.db import UtcDateTime

UNITS = ("day", "week", "month")
_ZONE_NAME = re.compile(r"^[A-Za-z0-9_+\-/]{1,64}$")


def _quoted(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def safe_zone(name: str) -> str:
    """The name, if it is one we may write into SQL (validated IANA names only)."""
    if not _ZONE_NAME.match(name):
        raise ValueError(f"not a time zone name: {name!r}")
    return name


# -- the local period a timestamp falls in -----------------------------------------------


class local_period(FunctionElement):
    """``local_period(ts, unit, zone)``: the first local day ('YYYY-MM-DD') of the day,
    ISO week (Monday) or month that the UTC timestamp falls in, in the zone.

    Unit and zone are written into the SQL as literals (both validated), so the same
    expression in SELECT and GROUP BY is one expression to PostgreSQL.
    """

    type = String()
    name = "local_period"
    inherit_cache = True
    # The literals are part of the statement cache key (else one unit's SQL is reused).
    _traverse_internals = [
        *FunctionElement._traverse_internals,
        ("unit", InternalTraversal.dp_string),
        ("zone", InternalTraversal.dp_string),
    ]

    def __init__(self, timestamp: Any, unit: str, zone: str) -> None:
        if unit not in UNITS:
            raise ValueError(f"unknown unit {unit!r}")
        self.unit = unit
        self.zone = safe_zone(zone)
        super().__init__(timestamp)


@compiles(local_period, "postgresql")
def _local_period_pg(element: local_period, compiler: Any, **kw: Any) -> str:
    timestamp = compiler.process(element.clauses.clauses[0], **kw)
    return (
        f"to_char(date_trunc({_quoted(element.unit)}, "
        f"({timestamp}) AT TIME ZONE {_quoted(element.zone)}), 'YYYY-MM-DD')"
    )


@compiles(local_period, "sqlite")
def _local_period_sqlite(element: local_period, compiler: Any, **kw: Any) -> str:
    timestamp = compiler.process(element.clauses.clauses[0], **kw)
    return f"jobhub_local_period({timestamp}, {_quoted(element.unit)}, {_quoted(element.zone)})"


def period_start(day: date, unit: str) -> date:
    """The first day of the day, ISO week or month containing ``day`` (as the SQL does)."""
    if unit == "week":
        return day - timedelta(days=day.weekday())
    if unit == "month":
        return day.replace(day=1)
    return day


def next_period(start: date, unit: str) -> date:
    if unit == "week":
        return start + timedelta(days=7)
    if unit == "month":
        return (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    return start + timedelta(days=1)


@lru_cache(maxsize=64)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def _sqlite_local_period(value: str | None, unit: str, zone: str) -> str | None:
    if value is None:
        return None
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:  # SQLite keeps UTC without the zone (jobhub.db.UtcDateTime)
        moment = moment.replace(tzinfo=UTC)
    local_day = moment.astimezone(_zone(zone)).date()
    return period_start(local_day, unit).isoformat()


# -- the quarter hour a timestamp falls in ---------------------------------------------------


class quarter_hour(FunctionElement):
    """``quarter_hour(ts)``: the UTC timestamp floored to 15 minutes.

    Counting rows per quarter hour first and per local period second gives the same
    counts as converting every row (every zone's offset has been a whole number of
    quarter hours since 1980, and clocks change on the quarter hour), for a fraction
    of the time: the time zone conversion runs on at most 96 rows a day.
    """

    type = UtcDateTime()
    name = "quarter_hour"
    inherit_cache = True


@compiles(quarter_hour, "postgresql")
def _quarter_hour_pg(element: quarter_hour, compiler: Any, **kw: Any) -> str:
    timestamp = compiler.process(element.clauses.clauses[0], **kw)
    return f"date_bin('15 minutes', {timestamp}, TIMESTAMPTZ '2000-01-01 00:00:00+00')"


@compiles(quarter_hour, "sqlite")
def _quarter_hour_sqlite(element: quarter_hour, compiler: Any, **kw: Any) -> str:
    timestamp = compiler.process(element.clauses.clauses[0], **kw)
    return f"datetime((CAST(strftime('%s', {timestamp}) AS INTEGER) / 900) * 900, 'unixepoch')"


# -- seconds between two timestamps -------------------------------------------------------


class seconds_between(FunctionElement):
    """``seconds_between(start, end)``: end - start in seconds (a float)."""

    type = Float()
    name = "seconds_between"
    inherit_cache = True


@compiles(seconds_between, "postgresql")
def _seconds_pg(element: seconds_between, compiler: Any, **kw: Any) -> str:
    start, end = (compiler.process(c, **kw) for c in element.clauses.clauses)
    return f"EXTRACT(EPOCH FROM ({end} - {start}))"


@compiles(seconds_between, "sqlite")
def _seconds_sqlite(element: seconds_between, compiler: Any, **kw: Any) -> str:
    start, end = (compiler.process(c, **kw) for c in element.clauses.clauses)
    return f"((julianday({end}) - julianday({start})) * 86400.0)"


# -- continuous percentile (an ordered-set aggregate) ----------------------------------------


class percentile(FunctionElement):
    """``percentile(value, fraction)``: PostgreSQL's ``percentile_cont(fraction) WITHIN
    GROUP (ORDER BY value)`` — linear interpolation between the closest ranks; NULLs
    are ignored and no value gives NULL."""

    type = Float()
    name = "percentile"
    inherit_cache = True
    _traverse_internals = [
        *FunctionElement._traverse_internals,
        ("fraction", InternalTraversal.dp_plain_obj),
    ]

    def __init__(self, value: Any, fraction: float) -> None:
        if not 0 <= fraction <= 1:
            raise ValueError("fraction must be within 0-1")
        self.fraction = float(fraction)
        super().__init__(value)


@compiles(percentile, "postgresql")
def _percentile_pg(element: percentile, compiler: Any, **kw: Any) -> str:
    value = compiler.process(element.clauses.clauses[0], **kw)
    return f"percentile_cont({element.fraction!r}) WITHIN GROUP (ORDER BY {value})"


@compiles(percentile, "sqlite")
def _percentile_sqlite(element: percentile, compiler: Any, **kw: Any) -> str:
    value = compiler.process(element.clauses.clauses[0], **kw)
    return f"jobhub_percentile_cont({value}, {element.fraction!r})"


def percentile_cont(values: list[float], fraction: float) -> float | None:
    """The definition both backends use: rank position 1 + fraction * (n - 1), linearly
    interpolated between its neighbours."""
    if not values:
        return None
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


class _PercentileAggregate:
    def __init__(self) -> None:
        self.values: list[float] = []
        self.fraction = 0.5

    def step(self, value: float | None, fraction: float) -> None:
        self.fraction = fraction
        if value is not None:
            self.values.append(float(value))

    def finalize(self) -> float | None:
        return percentile_cont(self.values, self.fraction)


@event.listens_for(Engine, "connect")
def _register_sqlite_functions(dbapi_connection: Any, _record: Any) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.create_function(
            "jobhub_local_period", 3, _sqlite_local_period, deterministic=True
        )
        dbapi_connection.create_aggregate("jobhub_percentile_cont", 2, _PercentileAggregate)
