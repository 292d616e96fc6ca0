"""Chaos runs: faults injected on a schedule into real processes, the outcome checked.

``python -m bench.chaos.worker_kills`` (or ``python -m bench --only chaos-worker-kills``).
"""
