"""Companies and their members (owners and recruiters act for the company)."""
