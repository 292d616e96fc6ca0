# One image for web, worker and beat; they differ only in their command.
FROM python:3.11-slim AS base

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    JOBHUB_CONFIG=production \
    HOST=0.0.0.0 \
    PORT=5000

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt

RUN useradd --create-home --uid 10001 jobhub
COPY --chown=jobhub:jobhub . .
USER jobhub

EXPOSE 5000
HEALTHCHECK --interval=30s --timeout=3s CMD python -c "import urllib.request,os; urllib.request.urlopen(f'http://127.0.0.1:{os.environ.get(\"PORT\",\"5000\")}/health')"

# web (default); worker: celery -A celery_worker:celery worker; beat: ... beat
CMD ["gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"]
