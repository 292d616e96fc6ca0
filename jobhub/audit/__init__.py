"""The audit log (SPEC §8): an append-only, hash-chained record of who did what.

Every domain writes through ``jobhub.audit.services.record`` inside the transaction of
the change; ``flask audit verify`` walks the chain; admins read it through
``GET /api/v1/admin/audit`` (JSON or CSV). Personal values (IP addresses, names and
emails in ``changes``) are kept beside the chain, covered only by a salted digest, so
``redact_user`` can erase them (SPEC §10) without breaking verification.
"""
