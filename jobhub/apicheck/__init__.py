"""`flask api-check`: the contract checks, run against a deployment (a client, not a domain).

It reads the deployment's ``/api/openapi.json``, creates what the operations need
through the API itself (throwaway accounts, a company, a job, a resume, an
application), calls every documented operation with a valid example, and checks the
status code, the body against the documented schema, the refusal of a call without a
token (401 in the error envelope) and the envelope of every 4xx. It speaks HTTP only:
nothing here imports the application's domains, so it checks any deployment, of any
version, from anywhere. The report goes to ``report.json``, ``report.csv`` and a
self-contained ``report.html``.
"""

from jobhub.apicheck.runner import CheckRun, run_checks

__all__ = ["CheckRun", "run_checks"]
