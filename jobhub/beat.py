"""The Celery beat schedule: every periodic task of the project, in one place.

Entries name tasks by their registered name, so this module imports no domain.
"""

from __future__ import annotations

from celery.schedules import crontab

BEAT_SCHEDULE: dict[str, dict] = {
    "purge-expired-revocations": {
        "task": "auth.purge_expired_revocations",
        "schedule": crontab(minute=17, hour=3),
    },
    "purge-stale-sessions": {
        "task": "auth.purge_stale_sessions",
        "schedule": crontab(minute=27, hour=3),
    },
    "purge-read-notifications": {
        "task": "notifications.purge_read",
        "schedule": crontab(minute=37, hour=3),
    },
    "close-expired-jobs": {"task": "jobs.close_expired", "schedule": crontab(minute="*/10")},
    "flush-job-views": {"task": "jobs.flush_views", "schedule": 60.0},
    "send-interview-reminders": {
        "task": "applications.send_interview_reminders",
        "schedule": crontab(minute="*/5"),
    },
    # Redis broker: the tasks a killed worker held run again within a minute.
    "restore-orphaned-tasks": {"task": "broker.restore_orphaned_tasks", "schedule": 60.0},
    "requeue-stuck-resume-analyses": {
        "task": "resumes.requeue_stuck_analyses",
        "schedule": crontab(minute="*/5"),
    },
    "expire-exports": {"task": "exports.expire", "schedule": crontab(minute=47)},
    # ACCOUNT_INACTIVE_DAYS (off by default: the task then does nothing).
    "erase-inactive-accounts": {
        "task": "users.erase_inactive_accounts",
        "schedule": crontab(minute=7, hour=4),
    },
    # Webhook retries come due at their own times; the sweep sends what is due.
    "dispatch-due-webhooks": {"task": "webhooks.dispatch_due", "schedule": 5.0},
    "purge-webhook-deliveries": {
        "task": "webhooks.purge_deliveries",
        "schedule": crontab(minute=23, hour=3),
    },
}
