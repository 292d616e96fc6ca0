"""Imports (SPEC §10): CSV files of jobs validated, then inserted set-based in one go."""
