# One image for web, worker and beat; they differ only in their command.
# bookworm: its postgresql-client is PostgreSQL 15, the server of docker-compose.yml
# (pg_dump must not be older than the server; pg_restore reads dumps of its own major).
FROM python:3.11-slim-bookworm AS base

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    JOBHUB_CONFIG=production \
    HOST=0.0.0.0 \
    PORT=5000

# pg_dump and pg_restore for `flask backup`.
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt .
RUN pip install --upgrade pip setuptools && pip install -r requirements.txt

RUN useradd --create-home --uid 10001 jobhub
COPY --chown=jobhub:jobhub . .
# Stored files and backups live here (volumes in docker-compose.yml), owned by the app user.
RUN mkdir -p instance/uploads instance/backups && chown -R jobhub:jobhub instance
USER jobhub

EXPOSE 5000
HEALTHCHECK --interval=30s --timeout=3s CMD python -c "import urllib.request,os; urllib.request.urlopen(f'http://127.0.0.1:{os.environ.get(\"PORT\",\"5000\")}/health')"

# web (default); worker: celery -A celery_worker:celery worker; beat: ... beat
CMD ["gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"]
