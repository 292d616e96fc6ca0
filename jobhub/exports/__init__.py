"""Exports (SPEC §10): files of jobs, applications or a whole account, built by a task."""
