"""Calendar invites of interviews (iCalendar REQUEST and CANCEL), mailed after commit."""
