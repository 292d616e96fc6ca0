"""Mail: one service renders a template pair; a Celery task delivers it after commit."""
