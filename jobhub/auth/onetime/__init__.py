"""Single-use tokens mailed for password reset and email verification."""
