"""Every model of every domain, imported so the metadata is complete.

Migrations (autogenerate), the schema check in the tests and the admin panel rely on
this list; a new domain adds its models here.
"""

from jobhub.applications.interviews.models import (
    Interview,
    InterviewFeedback,
    InterviewInterviewer,
    InterviewReminder,
)
from jobhub.applications.models import Application, ApplicationEvent, ApplicationNote
from jobhub.audit.models import AuditEntry
from jobhub.auth.identity.models import ExternalIdentity
from jobhub.auth.models import (
    AuthSession,
    OneTimeToken,
    RecoveryCode,
    RevokedToken,
    TotpCredential,
)
from jobhub.companies.api_keys.models import ApiKey
from jobhub.companies.models import Company, CompanyMember
from jobhub.exports.models import Export
from jobhub.imports.models import Import
from jobhub.jobs.models import Job, JobSkill
from jobhub.jobs.moderation.models import JobReport, ModerationDecision
from jobhub.jobs.saved_searches.models import JobAlert, SavedSearch, SavedSearchSkill
from jobhub.jobs.search import models as _search  # noqa: F401  (DDL events: trigger, FTS5 table)
from jobhub.notifications.models import Notification, NotificationPreference
from jobhub.resumes.models import Resume, ResumeSkill
from jobhub.users.models import User
from jobhub.webhooks.models import WebhookDelivery, WebhookEndpoint

__all__ = [
    "AuditEntry",
    "AuthSession",
    "ExternalIdentity",
    "Import",
    "Notification",
    "NotificationPreference",
    "OneTimeToken",
    "RecoveryCode",
    "Resume",
    "ResumeSkill",
    "RevokedToken",
    "TotpCredential",
    "User",
]
__all__ += ["ApiKey", "Company", "CompanyMember"]
__all__ += ["ModerationDecision"]
__all__ += ["Job", "JobAlert", "JobReport", "JobSkill", "SavedSearch", "SavedSearchSkill"]
__all__ += ["Application", "ApplicationEvent", "ApplicationNote", "Interview"]
__all__ += ["InterviewFeedback", "InterviewInterviewer", "InterviewReminder"]
__all__ += ["Export"]
__all__ += ["WebhookDelivery", "WebhookEndpoint"]
