"""Resumes: safe uploads, storage, download policy and the Celery analysis."""
