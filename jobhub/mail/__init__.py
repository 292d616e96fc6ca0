"""Mail, a library (not a domain): one service renders a template pair, a task delivers it.

Mail leaves only after the transaction commits (``db.on_commit``). ``calendar`` renders
the iCalendar invites that mails may carry. No domain is imported here.
"""
