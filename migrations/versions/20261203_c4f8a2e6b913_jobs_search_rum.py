"""jobs: the optional RUM index on the search vector

Revision ID: c4f8a2e6b913
Revises: e2b6d8f0a914
Create Date: 2026-12-03 13:30:00.000000

Written by hand. Where the PostgreSQL server has the RUM extension (Debian's
``postgresql-15-rum``; ``make rum``), ``CREATE EXTENSION IF NOT EXISTS rum`` and a RUM
index on ``jobs.search_vector``, from which relevance-sorted keyword searches take their
top matches (``jobhub/jobs/search/queries.py``). Without the extension, or without the
right to create it, nothing is created and searches keep the GIN index; the index can be
added later with ``flask search rum-index``. Nothing on SQLite.
"""
from alembic import op

from jobhub.jobs.search import models as fulltext


# revision identifiers, used by Alembic.
revision = 'c4f8a2e6b913'
down_revision = 'e2b6d8f0a914'
branch_labels = None
depends_on = None


def upgrade():
    fulltext.install_rum(op.get_bind())


def downgrade():
    fulltext.uninstall_rum(op.get_bind())
