"""Saved searches (a candidate's named ``GET /jobs`` parameters) and their job alerts."""
