"""The check's parts that need no server: percentiles, envelopes, schemas, CSV cells,
and the command's refusals of bad input."""

from __future__ import annotations

import csv
from io import BytesIO

from werkzeug.formparser import parse_form_data

from jobhub.apicheck.checks import Result
from jobhub.apicheck.client import _multipart
from jobhub.apicheck.document import Operation, operations
from jobhub.apicheck.report import percentile, write_csv
from jobhub.apicheck.runner import CheckRun
from jobhub.apicheck.validation import envelope_problems, schema_problems
from jobhub.apicheck.world import import_upload
from tests.support.servers import free_port

DOCUMENT = {
    "paths": {
        "/things/{thing_id}": {
            "get": {
                "tags": ["things"],
                "security": [{"bearerAuth": []}],
                "responses": {
                    "200": {
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/T"}}
                        }
                    }
                },
            }
        },
        "/open": {"get": {"security": [{}, {"bearerAuth": []}], "responses": {"200": {}}}},
    },
    "components": {
        "schemas": {
            "T": {
                "type": "object",
                "required": ["id"],
                "properties": {
                    "id": {"type": "integer"},
                    "note": {"type": "string", "nullable": True},
                },
            }
        }
    },
}


def test_percentiles_are_nearest_rank():
    assert percentile([], 0.5) is None
    assert percentile([5.0], 0.95) == 5.0
    values = [float(n) for n in range(1, 101)]
    assert (percentile(values, 0.5), percentile(values, 0.95)) == (50.0, 95.0)


def test_operations_know_their_security_and_schema():
    found = {operation.key: operation for operation in operations(DOCUMENT)}
    thing, open_one = found["GET /things/{thing_id}"], found["GET /open"]
    assert (thing.secured, open_one.secured) == (True, False)
    assert thing.tag == "things" and open_one.tag == "untagged"
    assert thing.response_schema(200) == {"$ref": "#/components/schemas/T"}
    assert thing.documents(200) and not thing.documents(500)


def test_bodies_are_validated_with_refs_and_nullable():
    schema = {"$ref": "#/components/schemas/T"}
    assert schema_problems({"id": 1, "note": None}, schema, DOCUMENT) == []
    assert schema_problems({"id": "1"}, schema, DOCUMENT) == ["id: '1' is not of type 'integer'"]
    assert schema_problems({}, schema, DOCUMENT) == ["(body): 'id' is a required property"]


def test_the_error_envelope_is_checked():
    good = {
        "code": 404,
        "status": "Not Found",
        "error": "not_found",
        "message": "No.",
        "request_id": "x",
    }
    assert envelope_problems(good, 404) == []
    assert envelope_problems({**good, "code": 400}, 404) == [
        "envelope code 400 is not the status 404"
    ]
    assert envelope_problems({"detail": "no"}, 401)[0] == "envelope lacks 'code'"
    assert envelope_problems("<html>", 500) == ["the error body is not a JSON object"]


def test_csv_cells_never_start_a_formula(tmp_path):
    operation = operations(DOCUMENT)[0]
    run = CheckRun("http://x", "2026-12-02T00:00:00Z")
    run.results = [Result(operation, outcome="fail", problems=["=HYPERLINK(1)"], note="-1")]
    write_csv(run, tmp_path / "report.csv")
    row = next(csv.DictReader((tmp_path / "report.csv").open()))
    assert row["problems"] == "'=HYPERLINK(1)" and row["note"] == "'-1"


def test_only_http_urls_are_checked(runner, tmp_path):
    result = runner.invoke(
        args=["api-check", "--base-url", "file:///etc", "--report", str(tmp_path / "r")]
    )
    assert result.exit_code == 2
    assert "an http(s) URL" in result.output
    assert not (tmp_path / "r").exists()


def test_an_unreachable_deployment_is_a_clear_error(runner, tmp_path):
    url = f"http://127.0.0.1:{free_port()}"
    result = runner.invoke(args=["api-check", "--base-url", url, "--report", str(tmp_path / "r")])
    assert result.exit_code == 1
    assert f"could not read {url}/api/openapi.json" in result.output
    assert not (tmp_path / "r").exists()


def test_admin_email_needs_its_password(runner, tmp_path):
    result = runner.invoke(
        args=[
            "api-check",
            "--base-url",
            "http://127.0.0.1:1",
            "--report",
            str(tmp_path),
            "--admin-email",
            "a@example.com",
        ]
    )
    assert result.exit_code == 2
    assert "--admin-email and --admin-password go together" in result.output


def test_an_operation_is_named_by_method_and_path():
    operation = Operation("GET", "/x/{id}", "x", "", True, {"200": {}, "404": {}})
    assert operation.key == "GET /x/{id}" and operation.success_statuses == [200]


def test_an_upload_carries_its_form_fields():
    """The import's multipart body: the form fields and the file, as a server parses it."""
    body, content_type = _multipart(import_upload(42))
    environ = {
        "REQUEST_METHOD": "POST",
        "CONTENT_TYPE": content_type,
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": BytesIO(body),
    }
    _stream, form, files = parse_form_data(environ)
    assert form.to_dict() == {
        "resource": "jobs",
        "company_id": "42",
        "dry_run": "true",
        "skip_invalid": "true",
    }
    assert files["file"].filename == "jobs.csv"
    assert files["file"].read().splitlines()[0] == b"title,description,status,skills"
