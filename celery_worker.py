"""Celery target: ``celery -A celery_worker:celery worker`` (and ``beat``)."""

from jobhub import create_app

flask_app = create_app()
celery = flask_app.extensions["celery"]
