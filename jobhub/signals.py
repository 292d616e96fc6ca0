"""Domain events that other domains react to, without importing each other.

Senders pass the Flask app as sender and keyword data; receivers run inside the
sender's transaction, so whatever they change commits or rolls back with it, and
anything they send out of the process goes through ``db.on_commit``.
"""

from blinker import Namespace

_events = Namespace()

# kwargs: user (the new User)
user_registered = _events.signal("user-registered")
# kwargs: user (the User, before anonymisation) — each domain handles the data it owns
account_deleted = _events.signal("account-deleted")
# kwargs: user (the User, just deactivated by an admin, flushed) — every session of that
# user ends at once: tokens revoked for every worker, live sockets closed after commit
user_deactivated = _events.signal("user-deactivated")
# kwargs: user_id (int), all_sessions (bool) — live connections of that user should close
user_logged_out = _events.signal("user-logged-out")
# kwargs: actor (User), user (User) — a receiver returns True to let the actor read the
# user's profile (GET /users/{id}); e.g. an employer the candidate applied to.
user_profile_access = _events.signal("user-profile-access")
# kwargs: actor (User), resume (Resume) — a receiver returns True to let the actor download
# the resume's file; e.g. a member of a company the resume was sent to with an application.
resume_file_access = _events.signal("resume-file-access")
# kwargs: company (the Company, flushed), changed (set of field names) — after an edit
company_updated = _events.signal("company-updated")
# kwargs: company (the Company, soft-deleted and flushed)
company_deleted = _events.signal("company-deleted")
# kwargs: application (the new Application, flushed) — sent when a candidate applies
application_submitted = _events.signal("application-submitted")
# kwargs: application, event (the ApplicationEvent of the move, flushed)
application_status_changed = _events.signal("application-status-changed")
# kwargs: resume (the Resume, analysis done and stored)
resume_analyzed = _events.signal("resume-analyzed")
# kwargs: job (the Job) — its title, description or skills changed
job_content_changed = _events.signal("job-content-changed")
# kwargs: job (the Job, flushed), before (JobStatus or None for a new job) — it was
# published or closed: by its company, by the expiry sweep (jobs.close_expired) or with its
# company's deletion; every status move is sent (jobs.services.status_changed)
job_status_changed = _events.signal("job-status-changed")
# kwargs: job (the Job, flushed), decision ("approve" or "reject") — an admin's decision
job_moderated = _events.signal("job-moderated")
# kwargs: interview, application, change ("scheduled", "updated" or "cancelled")
interview_changed = _events.signal("interview-changed")
