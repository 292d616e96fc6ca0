"""Every Celery task module, imported so that web and worker processes register them.

A new domain with tasks adds its module here; the beat schedule is in jobhub/beat.py.
"""

from jobhub import broker as broker_tasks
from jobhub.applications.interviews.reminders import tasks as interview_reminder_tasks
from jobhub.auth import tasks as auth_tasks
from jobhub.exports import tasks as export_tasks
from jobhub.imports import tasks as import_tasks
from jobhub.jobs import tasks as jobs_tasks
from jobhub.jobs.saved_searches import tasks as saved_search_tasks
from jobhub.mail import tasks as mail_tasks
from jobhub.matching import tasks as matching_tasks
from jobhub.notifications import tasks as notification_tasks
from jobhub.resumes import tasks as resumes_tasks
from jobhub.users import tasks as user_tasks
from jobhub.webhooks import tasks as webhook_tasks

__all__ = ["auth_tasks", "jobs_tasks", "mail_tasks", "notification_tasks", "resumes_tasks"]
__all__ += ["broker_tasks", "interview_reminder_tasks", "matching_tasks", "saved_search_tasks"]
__all__ += ["export_tasks", "import_tasks", "user_tasks", "webhook_tasks"]
