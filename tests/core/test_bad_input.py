"""Bad input is a 4xx in the envelope and changes nothing (SPEC §1), on both backends.

Each class of input an outside fuzzer found answering 500 on PostgreSQL, answered by one
mechanism (jobhub/inputs.py, jobhub/schemas.py): ids and integers past the column range,
far datetimes, NUL and other control characters, absurd JSON, non-JSON bodies, bodies of
many unknown keys, over-long query strings.
"""

from __future__ import annotations

import json
import re
import time

import pytest

from jobhub.companies.models import Company
from jobhub.db import db
from jobhub.inputs import MAX_QUERY_STRING, MAX_REPORTED_ERRORS
from jobhub.schemas import MAX_INT
from jobhub.users.models import User
from tests.core.test_errors import assert_envelope

HUGE = 99999999999999999999
PAST_INT = MAX_INT + 1


# -- 1. ids and integers ------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/companies/18236090788702"),
        ("GET", f"/jobs/{PAST_INT}"),
        ("DELETE", f"/saved-searches/{HUGE}"),
        ("POST", "/notifications/3000000000/read"),
        ("GET", f"/applications/{PAST_INT}/history"),
        ("DELETE", f"/companies/1/members/{PAST_INT}"),
        ("GET", "/jobs/" + "9" * 5000),
    ],
)
def test_path_ids_past_the_column_range_are_404(api, admin, method, path):
    assert_envelope(api.open(method, admin, path, json={}), 404, "not_found")


def test_path_ids_are_documented_as_32_bit(client):
    spec = client.get("/api/openapi.json").get_json()
    (param,) = [p for p in spec["paths"]["/api/v1/jobs/{job_id}"]["parameters"]]
    assert param["schema"]["maximum"] == MAX_INT


@pytest.mark.parametrize(
    "path",
    [
        f"/jobs?company_id={PAST_INT}",
        f"/jobs?page={HUGE}",
        f"/companies?page={PAST_INT}",
        f"/jobs?salary_min={HUGE}",
        f"/jobs?page=-{HUGE}",
    ],
)
def test_query_integers_past_the_range_are_422(api, candidate, path):
    body = assert_envelope(api.get(candidate, path), 422, "validation_error")
    assert body["errors"]["query"]


def test_page_is_documented_as_bounded(client):
    spec = client.get("/api/openapi.json").get_json()
    params = spec["paths"]["/api/v1/companies"]["get"]["parameters"]
    (page,) = [p for p in params if p["name"] == "page"]
    assert page["schema"]["maximum"] == MAX_INT


def test_body_ids_past_the_range_are_422(api, candidate, employer, company):
    response = api.post(candidate, "/notifications/bulk-delete", json={"ids": [HUGE]})
    assert_envelope(response, 422, "validation_error")
    response = api.post(employer, "/jobs", json={"company_id": PAST_INT, "title": "Engineer"})
    body = assert_envelope(response, 422, "validation_error")
    assert "company_id" in body["errors"]["json"]


def test_far_datetimes_are_422(api, employer, company, make, candidate):
    job = make("job", company=company)
    application = make("application", job=job, candidate=candidate)
    for starts_at in (
        "9999-12-31T23:59:59Z",
        "9999-12-31T23:59:59-01:00",
        "0001-01-01T00:00:00+01:00",
    ):
        response = api.post(
            employer,
            f"/applications/{application.id}/interviews",
            json={"starts_at": starts_at, "duration_minutes": 45, "kind": "video"},
        )
        body = assert_envelope(response, 422, "validation_error")
        assert "starts_at" in body["errors"]["json"]


# -- 2. text ------------------------------------------------------------------------


def test_nul_in_a_query_string_is_422(api):
    body = assert_envelope(api.get(None, "/jobs?q=a%00b"), 422, "validation_error")
    assert body["errors"]["query"] == {"q": [body["errors"]["query"]["q"][0]]}


@pytest.mark.parametrize("text", ["a\x00b", "bell\x07", "esc\x1b[31m"])
def test_control_characters_in_any_json_string_are_422(api, text):
    from tests.support.api import register_body

    response = api.client.post("/api/v1/auth/register", json=register_body(full_name=text))
    body = assert_envelope(response, 422, "validation_error")
    assert "full_name" in body["errors"]["json"]


def test_control_characters_in_nested_strings_and_keys_are_422(api, candidate):
    response = api.patch(candidate, "/users/me", json={"skills": ["python", "c\x00"]})
    body = assert_envelope(response, 422, "validation_error")
    assert body["errors"]["json"] == {"skills": {"1": [body["errors"]["json"]["skills"]["1"][0]]}}
    response = api.patch(
        candidate, "/users/me", json={"links": {"git\x00hub": "https://x.example"}}
    )
    assert_envelope(response, 422, "validation_error")


def test_multi_line_text_keeps_its_line_breaks(api, candidate):
    response = api.patch(candidate, "/users/me", json={"bio": "Line one\r\nLine two\tend"})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["bio"] == "Line one\r\nLine two\tend"


@pytest.mark.parametrize("field", ["title", "location"])
def test_single_line_job_fields_refuse_line_breaks(api, employer, company, field):
    body = {"company_id": company.id, "title": "Engineer", field: "Engineer\r\nBcc: x@evil.example"}
    response = api.post(employer, "/jobs", json=body)
    errors = assert_envelope(response, 422, "validation_error")["errors"]["json"]
    assert field in errors


@pytest.mark.parametrize("field", ["name", "location"])
def test_single_line_company_fields_refuse_line_breaks(api, employer, field):
    body = {"name": "Acme", field: "Acme\nBcc: x@evil.example"}
    response = api.post(employer, "/companies", json=body)
    assert field in assert_envelope(response, 422, "validation_error")["errors"]["json"]


def test_full_name_refuses_line_breaks(api):
    response = api.register(full_name="Alice\r\nBcc: x@evil.example")
    assert "full_name" in assert_envelope(response, 422, "validation_error")["errors"]["json"]


def test_unknown_foreign_key_in_a_body_is_422(api, candidate):
    response = api.post(candidate, "/saved-searches", json={"name": "x", "company_id": 424242})
    body = assert_envelope(response, 422, "validation_error")
    assert "company_id" in body["errors"]["json"]


# -- 3. JSON ------------------------------------------------------------------------


def _post_raw(api, user, path, data, content_type="application/json"):
    return api.post(user, path, data=data, headers={"Content-Type": content_type})


@pytest.mark.parametrize(
    "raw",
    [
        "[" * 1000 + "]" * 1000,
        '{"name": ' + '{"a": ' * 40 + "1" + "}" * 40 + "}",
        '{"salary_min": ' + "1" * 5000 + "}",
        '{"salary_min": 1' + "0" * 400 + ".5}",
        '{"salary_min": NaN}',
        '{"title": "\\udfff"}',
        '{"title": "ok", "\\ud800": 1}',
        '{"title": ',
        b'{"title": "\xff"}',
    ],
    ids=[
        "depth-1000",
        "depth-40",
        "digits",
        "float-digits",
        "nan",
        "surrogate",
        "key-surrogate",
        "truncated",
        "not-utf8",
    ],
)
def test_absurd_json_is_400(api, employer, raw):
    response = _post_raw(api, employer, "/jobs", raw)
    assert_envelope(response, 400, "bad_request")


def _stored(app, model, row_id, attribute):
    with app.app_context():
        return getattr(db.session.get(model, row_id), attribute)


@pytest.mark.parametrize("value", [1, 0, "yes", "true", "false", "1", 1.0])
@pytest.mark.parametrize("field", ["is_active", "email_verified"])
def test_json_booleans_must_be_true_or_false(app, api, admin, candidate, field, value):
    """marshmallow took 1, "yes" and "true" as a boolean; the document says boolean."""
    before = _stored(app, User, candidate.id, field)
    response = api.patch(admin, f"/admin/users/{candidate.id}", json={field: value})
    body = assert_envelope(response, 422, "validation_error")
    assert list(body["errors"]["json"]) == [field]
    assert _stored(app, User, candidate.id, field) == before


@pytest.mark.parametrize("value", ["true", 1, "no"])
def test_a_company_verified_flag_must_be_a_json_boolean(app, api, admin, company, value):
    before = _stored(app, Company, company.id, "verified")
    response = api.patch(admin, f"/companies/{company.id}", json={"verified": value})
    body = assert_envelope(response, 422, "validation_error")
    assert "verified" in body["errors"]["json"]
    assert _stored(app, Company, company.id, "verified") == before
    response = api.patch(admin, f"/companies/{company.id}", json={"verified": not before})
    assert response.status_code == 200, response.get_json()


@pytest.mark.parametrize("value", ["5", 5.5, 5.0, True])
def test_json_integers_must_be_json_integers(api, employer, company, value):
    body = {"company_id": company.id, "title": "Engineer", "salary_min": value}
    errors = assert_envelope(api.post(employer, "/jobs", json=body), 422, "validation_error")
    assert list(errors["errors"]["json"]) == ["salary_min"]


def test_nested_and_listed_json_types_are_strict_too(api, candidate):
    response = api.post(candidate, "/notifications/bulk-delete", json={"ids": [1, "2"]})
    body = assert_envelope(response, 422, "validation_error")
    assert body["errors"]["json"] == {"ids": {"1": [body["errors"]["json"]["ids"]["1"][0]]}}


def test_query_string_booleans_and_integers_stay_parsed_from_text(api, candidate):
    response = api.get(candidate, "/jobs?salary_min=5&salary_max=90000&page=1")
    assert response.status_code == 200, response.get_json()


@pytest.mark.parametrize(
    ("content_type", "data"),
    [
        ("text/plain", '{"email": "a@example.com"}'),
        ("application/xml", "<email>a@example.com</email>"),
        ("application/x-www-form-urlencoded", "email=a%40example.com"),
    ],
)
def test_non_json_bodies_on_json_endpoints_are_415(api, content_type, data):
    response = _post_raw(api, None, "/auth/password/forgot", data, content_type)
    assert_envelope(response, 415, "unsupported_media_type")


def test_an_empty_body_without_content_type_is_a_validation_error(api):
    response = api.post(None, "/auth/password/forgot")
    assert_envelope(response, 422, "validation_error")


def test_many_unknown_keys_answer_fast_and_small(api, employer):
    raw = json.dumps({f"k{i}": i for i in range(200_000)})
    started = time.perf_counter()
    json.loads(raw)
    parse = time.perf_counter() - started  # this machine's pace right now (CPU is shared)
    started = time.perf_counter()
    response = _post_raw(api, employer, "/jobs", raw)
    elapsed = time.perf_counter() - started
    body = assert_envelope(response, 422, "validation_error")
    assert len(response.get_data()) < 4096
    assert len(body["errors"]["json"]) == MAX_REPORTED_ERRORS + 1
    assert body["errors"]["json"]["_more"]
    # Listing every key took 5-15 times the parse (5.7 MB answered); now about twice it.
    assert elapsed < max(1.0, 6 * parse), (elapsed, parse)


# -- 4. query strings ---------------------------------------------------------------


def test_an_over_long_query_string_is_400_in_the_envelope(api):
    response = api.get(None, "/jobs?q=" + "a" * MAX_QUERY_STRING)
    body = assert_envelope(response, 400, "bad_request")
    assert str(MAX_QUERY_STRING) in body["message"]


def _json_operations() -> list[tuple[str, str]]:
    from jobhub import create_app
    from jobhub.config import TestingConfig

    spec = create_app(TestingConfig({})).test_client().get("/api/openapi.json").get_json()
    return sorted(
        (method, path)
        for path, item in spec["paths"].items()
        for method, operation in item.items()
        if isinstance(operation, dict)
        and "application/json" in operation.get("requestBody", {}).get("content", {})
    )


@pytest.mark.parametrize(("method", "path"), _json_operations())
def test_every_json_endpoint_refuses_a_non_json_body(client, admin, auth_headers, method, path):
    """The guarded parser is the one every view was decorated with (none bypasses it)."""
    from tests.support.api import fresh_ip

    url = re.sub(r"{[^}]+}", "1", path)
    response = client.open(
        url, method=method.upper(), data="x=1", environ_base=fresh_ip(),
        headers={**auth_headers(admin), "Content-Type": "text/plain"},
    )  # fmt: skip
    assert response.status_code in (401, 403, 404, 405, 415), (response.status_code, url)
