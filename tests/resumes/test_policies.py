"""Resume policies as a table: the caller's role by whose resume by grants from other domains."""

from __future__ import annotations

import pytest

from jobhub import signals
from jobhub.resumes import policies
from jobhub.resumes.models import AnalysisStatus, Resume
from jobhub.users.models import Role, User

# (role, own resume, granted by another domain) -> (view and delete, download the file)
TABLE = {
    (Role.CANDIDATE, True, False): (True, True),
    (Role.CANDIDATE, False, False): (False, False),
    (Role.CANDIDATE, False, True): (False, True),
    (Role.EMPLOYER, False, False): (False, False),
    (Role.EMPLOYER, False, True): (False, True),
    (Role.ADMIN, False, False): (False, True),
}


@pytest.mark.parametrize("status", [AnalysisStatus.PENDING, AnalysisStatus.DONE])
@pytest.mark.parametrize(("role", "own", "granted"), list(TABLE))
def test_view_and_download(app_ctx, role, own, granted, status):
    """The analysis state changes nothing: who may see a resume is who it belongs to."""
    user = User(id=1, role=role)
    resume = Resume(id=5, user_id=1 if own else 2, analysis_status=status)
    asked = []

    def grant(_sender, *, actor, resume):
        asked.append(actor.id)
        return granted

    view, download = TABLE[(role, own, granted)]
    with signals.resume_file_access.connected_to(grant):
        assert policies.can_view(user, resume) is view
        assert policies.is_owner(user, resume) is own
        assert policies.can_download_file(user, resume) is download
    # Other domains are asked only when the owner and admin rules do not decide.
    assert asked == ([] if own or role == Role.ADMIN else [1])
