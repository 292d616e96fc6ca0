"""The email channel of notifications."""
