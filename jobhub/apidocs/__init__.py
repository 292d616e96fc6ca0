"""The API docs pages: Swagger UI at /api/docs, ReDoc at /api/redoc (a library, not a domain).

flask-smorest serves both pages; ``OPENAPI_SWAGGER_UI_URL`` and ``OPENAPI_REDOC_URL``
point at this package's static files, and ``jobhub/templates/swagger_ui.html`` and
``redoc.html`` replace flask-smorest's templates of the same names, so the pages load
nothing from another host and run no inline script (the HTML CSP in ``jobhub/web.py``).
Swagger UI and ReDoc are vendored from the npm registry by ``make vendor-docs``, with
their licences; ``static/VENDORED`` names the versions and the files' SHA-256.
"""

from __future__ import annotations

from flask import Blueprint, Flask

# Under /api/docs, so the docs' rate-limit exemption covers their assets too.
ASSETS_URL_PATH = "/api/docs/assets"


def init_apidocs(app: Flask) -> None:
    """Serve the vendored Swagger UI and ReDoc and the pages' own start-up script."""
    app.register_blueprint(
        Blueprint("apidocs", __name__, static_folder="static", static_url_path=ASSETS_URL_PATH)
    )
