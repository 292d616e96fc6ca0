"""The real app, with one response broken on purpose: ``GET /api/v1/users/me`` answers an
``id`` that is a string, which its documented schema (an integer) refuses."""

from flask import Response, request

from jobhub import create_app

app = create_app()


@app.after_request
def break_the_profile(response: Response) -> Response:
    if request.method == "GET" and request.path == "/api/v1/users/me":
        body = response.get_json()
        body["id"] = "not-an-integer"
        response.set_data(app.json.dumps(body))
    return response
