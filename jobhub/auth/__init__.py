"""Auth: login sessions, JWT issue and revocation, password flows."""
