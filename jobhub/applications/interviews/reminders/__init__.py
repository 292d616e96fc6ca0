"""Interview reminders, 24 hours and 1 hour before, each sent exactly once."""
