"""the search trigger keeps a vector an INSERT brings (imports compute it in their merge)

Revision ID: c4e8a1f5b270
Revises: c4a8e1f07b92
Create Date: 2026-12-03 13:30:00.000000

Written by hand. Replaces the body of ``jobs_search_vector_refresh()`` (PostgreSQL only;
SQLite's FTS5 triggers are unchanged): an INSERT whose ``search_vector`` is set keeps it.
"""

from alembic import op

from jobhub.jobs.search import models as fulltext

# revision identifiers, used by Alembic.
revision = "c4e8a1f5b270"
down_revision = "c4a8e1f07b92"
branch_labels = None
depends_on = None

_JSON_WORDS = (
    "coalesce((SELECT string_agg(value, ' ') FROM json_array_elements_text({column})), '')"
)
# The function as revision a010248074c5 created it.
PREVIOUS = f"""
CREATE OR REPLACE FUNCTION jobs_search_vector_refresh() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_vector :=
        setweight(to_tsvector('english', coalesce(NEW.title, '')), 'A')
        || setweight(to_tsvector('english',
               {_JSON_WORDS.format(column="NEW.skills")}
               || ' ' || coalesce(NEW.company_name, '')), 'B')
        || setweight(to_tsvector('english', coalesce(NEW.description, '')), 'C')
        || setweight(to_tsvector('english',
               {_JSON_WORDS.format(column="NEW.nice_to_have_skills")}), 'D');
    RETURN NEW;
END
$$
"""


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(fulltext.SEARCH_FUNCTION)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PREVIOUS)
