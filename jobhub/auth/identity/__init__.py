"""External identity: OpenID Connect ID tokens exchanged for JobHub tokens (RFC 8693), and
the identities linked to an account."""
