"""Company API keys: a company's own systems authenticate with scoped keys, not a person's
password (SPEC §2). Which routes each scope reaches is named on the route
(``auth_required(api_key=...)``) and listed in the README."""
