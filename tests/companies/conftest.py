"""The companies tests share the jobs tests' helpers."""

from tests.jobs.conftest import count_queries, make

__all__ = ["count_queries", "make"]
