"""Benchmarks: ``python -m bench [--quick] [--only NAME]`` (``make bench``).

Results and how they were measured: bench/README.md.
"""
