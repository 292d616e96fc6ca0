"""Job moderation: reports from users, automatic flagging, and admins' decisions."""
