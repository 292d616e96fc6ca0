"""Gunicorn settings, derived from the environment by jobhub.config."""

from jobhub.config import server_settings

_settings = server_settings()

bind = _settings.bind
workers = _settings.workers
worker_class = _settings.worker_class
# Every open socket.io connection holds one of these (STACK-NOTES trap 13).
worker_connections = _settings.worker_connections
timeout = _settings.timeout
graceful_timeout = 20
keepalive = 5
# Our app writes one JSON line per request; gunicorn's own access log would double it.
accesslog = None
errorlog = "-"


def post_worker_init(worker):
    """Drop any pooled connection inherited from the master (only possible with preload),
    then freeze the objects the start-up created."""
    import gc

    from jobhub.db import dispose_connections

    dispose_connections(worker.wsgi)
    # The ~300,000 long-lived objects of the loaded app (Flask, SQLAlchemy, scikit-learn)
    # would otherwise be traversed by every full collection: 140-150 ms pauses about
    # every 40 requests in bench/matches.py; frozen, those collections take about 1 ms.
    gc.collect()
    gc.freeze()


def child_exit(server, worker):
    """A worker is gone: drop its live gauges from the multiprocess metrics directory."""
    from jobhub.metrics import mark_process_dead

    mark_process_dead(worker.pid, _settings.metrics_dir)
