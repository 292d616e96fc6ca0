"""Gunicorn settings, derived from the environment by jobhub.config.

This file runs in the master before the eventlet worker monkey-patches: it imports only
jobhub.config, which imports no Flask, Werkzeug or Celery (their locks and context
proxies are what eventlet's patcher tripped over at every start).
"""

import warnings

from jobhub.config import server_settings

# Known and documented (STACK-NOTES trap 1); gunicorn's own WARNING line still says it.
warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")

_settings = server_settings()

bind = _settings.bind
workers = _settings.workers
worker_class = _settings.worker_class
# Every open socket.io connection holds one of these (STACK-NOTES trap 13).
worker_connections = _settings.worker_connections
# Each worker binds its own SO_REUSEPORT socket (gunicorn then opens none in the master),
# so the kernel spreads new connections evenly over the workers; with one shared socket
# the eventlet worker that was awake took most keep-alive clients (16/34 of 50 seen).
# GUNICORN_REUSE_PORT=false goes back to the shared socket. README "Scaling".
reuse_port = _settings.reuse_port
timeout = _settings.timeout
graceful_timeout = 20
keepalive = 5
# gunicorn answers these refusals itself, in HTML, before the app sees the request: keep
# them at gunicorn's maximum so that the app's own, lower limits (a 4 KB query string:
# jobhub/inputs.py) answer first, in the JSON envelope. README "Bad input".
limit_request_line = 8190  # the request line (method, path, query string); 8190 is the max
limit_request_fields = 100  # header count
limit_request_field_size = 8190  # one header line
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
