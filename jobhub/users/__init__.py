"""Users: accounts, roles and candidate profiles."""
