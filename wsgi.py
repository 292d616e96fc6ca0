"""Gunicorn target: ``gunicorn -c gunicorn.conf.py wsgi:app`` (serves HTTP and socket.io)."""

from jobhub import create_app

app = create_app()
