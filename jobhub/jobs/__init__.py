"""Jobs: posting, moderation, visibility, full-text search, reports and view counts."""
