"""Login sessions (refresh-token families), the token pairs they issue, and revocation."""
