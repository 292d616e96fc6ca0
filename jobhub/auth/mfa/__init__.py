"""Two-factor sign-in: TOTP credentials, recovery codes and the login's second step."""
