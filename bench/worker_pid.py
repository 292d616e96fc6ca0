"""``wsgi:app`` with an ``X-Worker-Pid`` response header, for bench/spread.py only.

The benchmark serves this module (``gunicorn … bench.worker_pid:app``) to count which
worker answered each request; production serves ``wsgi:app``, which sends no such header.
"""

import os

from wsgi import app


def _with_pid(wsgi_app):
    def wrapped(environ, start_response):
        pid = str(os.getpid())

        def start(status, headers, exc_info=None):
            return start_response(status, [*headers, ("X-Worker-Pid", pid)], exc_info)

        return wsgi_app(environ, start)

    return wrapped


# Still the Flask app (gunicorn.conf.py's post_worker_init needs it), one middleware more.
app.wsgi_app = _with_pid(app.wsgi_app)
