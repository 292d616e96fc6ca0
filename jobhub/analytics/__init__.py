"""Analytics (SPEC §9): candidate, employer, platform dashboards and public responsiveness.

Every figure is aggregated in SQL (``queries``), assembled and cached (``services``),
and each field's formula is written in the API docs (``schemas``).
"""
