"""Interviews of applications: scheduling, rescheduling, cancelling, and feedback."""
