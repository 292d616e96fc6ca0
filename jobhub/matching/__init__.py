"""Matching resumes to jobs: explainable scores, ranked matches, stats and skill gaps."""
