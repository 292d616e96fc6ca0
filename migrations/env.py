"""Alembic environment, driven by Flask-Migrate inside the app context."""

import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app

config = context.config
if config.config_file_name and not logging.getLogger().handlers:
    fileConfig(config.config_file_name)
logger = logging.getLogger("alembic.env")

# Flask-SQLAlchemy deprecated get_engine(); db.engine is the app's default engine.
engine = current_app.extensions["migrate"].db.engine
target_metadata = current_app.extensions["migrate"].db.metadata
config.set_main_option(
    "sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%")
)


def render_item(type_, obj, autogen_context):
    """Render our UtcDateTime as the plain column type it stores."""
    from jobhub.db import UtcDateTime

    if type_ == "type" and isinstance(obj, UtcDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def include_object(obj, name, type_, reflected, compare_to):
    """Leave out objects the models do not own (SQLite's full-text shadow tables, the
    optional RUM index of the job search)."""
    from jobhub.jobs.search.models import OPTIONAL_INDEXES

    if type_ == "index" and reflected and compare_to is None and name in OPTIONAL_INDEXES:
        return False
    return not (type_ == "table" and reflected and compare_to is None and "_fts" in name)


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    def skip_empty_revisions(context, revision, directives):
        if getattr(config.cmd_opts, "autogenerate", False):
            script = directives[0]
            if script.upgrade_ops.is_empty():
                directives[:] = []
                logger.info("No changes in schema detected.")

    conf_args = current_app.extensions["migrate"].configure_args
    conf_args.setdefault("process_revision_directives", skip_empty_revisions)
    conf_args.setdefault("include_object", include_object)
    conf_args.setdefault("render_item", render_item)

    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata, **conf_args)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
