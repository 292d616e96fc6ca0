"""GET /metrics (SPEC §7): who may scrape, what it shows, bounded labels, gunicorn workers."""

from __future__ import annotations

import threading
import time

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from tests.support.api import bearer
from tests.support.servers import gunicorn

OUTSIDE = {"REMOTE_ADDR": "10.1.2.3"}
TOKEN = "scrape-token-0123456789abcdef0123"


def samples(text: str) -> list[tuple[str, dict[str, str], float]]:
    return [
        (sample.name, sample.labels, sample.value)
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    ]


def value(text: str, name: str, **labels: str) -> float:
    return sum(
        v
        for n, sample_labels, v in samples(text)
        if n == name and all(sample_labels.get(k) == want for k, want in labels.items())
    )


def scrape(client, **kwargs) -> str:
    response = client.get("/metrics", **kwargs)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/plain"
    return response.get_data(as_text=True)


def test_loopback_may_scrape_without_a_token(client):
    assert "jobhub_http_request_duration_seconds" in scrape(client)


def test_outside_without_the_token_is_refused(client):
    response = client.get("/metrics", environ_base=OUTSIDE)
    assert response.status_code == 403
    assert response.get_json()["error"] == "forbidden"
    proxied = client.get("/metrics", headers={"X-Forwarded-For": "203.0.113.9"})
    assert proxied.status_code == 403


@pytest.fixture
def app_environ(app_environ):
    return {**app_environ, "METRICS_TOKEN": TOKEN}


def test_outside_with_the_token_may_scrape(client):
    assert scrape(client, environ_base=OUTSIDE, headers=bearer(TOKEN))
    wrong = client.get("/metrics", environ_base=OUTSIDE, headers=bearer("not-it"))
    assert wrong.status_code == 403


def test_latency_is_labelled_by_url_rule_not_path(client):
    rule = "/api/v1/jobs/<int:job_id>"
    first = scrape(client)
    before = value(first, "jobhub_http_request_duration_seconds_count", rule=rule)
    before_4xx = value(first, "jobhub_http_request_duration_seconds_count", rule=rule, status="4xx")
    for job_id in (123, 456, 789):
        assert client.get(f"/api/v1/jobs/{job_id}").status_code == 404
    client.get("/no/such/path/at/all")
    text = scrape(client)
    after = value(text, "jobhub_http_request_duration_seconds_count", rule=rule)
    assert after - before == 3
    rules = {
        labels["rule"]
        for name, labels, _ in samples(text)
        if name == "jobhub_http_request_duration_seconds_count"
    }
    assert not any("123" in r or "456" in r or "/no/such" in r for r in rules), rules
    assert "<unmatched>" in rules
    buckets = [
        labels
        for name, labels, _ in samples(text)
        if name == "jobhub_http_request_duration_seconds_bucket" and labels["rule"] == rule
    ]
    # The registry is the process's: earlier tests' requests may have added a 2xx series.
    assert {labels["status"] for labels in buckets} <= {"2xx", "3xx", "4xx", "5xx"}
    count_4xx = value(text, "jobhub_http_request_duration_seconds_count", rule=rule, status="4xx")
    assert count_4xx - before_4xx == 3
    assert any(labels["le"] == "0.1" for labels in buckets)


def test_auth_denials_are_counted_by_reason(client, candidate, auth_headers):
    text = scrape(client)
    missing = value(text, "jobhub_auth_denials_total", reason="missing")
    invalid = value(text, "jobhub_auth_denials_total", reason="invalid")
    role = value(text, "jobhub_auth_denials_total", reason="role")
    assert client.get("/api/v1/auth/me").status_code == 401
    assert client.get("/api/v1/auth/me", headers=bearer("x.y.z")).status_code == 401
    admin_only = client.get("/api/v1/admin/jobs/queue", headers=auth_headers(candidate))
    assert admin_only.status_code == 403
    text = scrape(client)
    assert value(text, "jobhub_auth_denials_total", reason="missing") == missing + 1
    assert value(text, "jobhub_auth_denials_total", reason="invalid") == invalid + 1
    assert value(text, "jobhub_auth_denials_total", reason="role") == role + 1


def test_domain_counters_keep_their_label_sets_bounded(client):
    from jobhub import metrics

    metrics.webhook_delivery("delivered")
    metrics.webhook_delivery("an attacker's string")
    metrics.import_rows("created", 5)
    metrics.token_exchange("google", "ok")
    metrics.token_exchange("evil.example", "ok")
    text = scrape(client)
    outcomes = {
        labels["outcome"]
        for name, labels, _ in samples(text)
        if name == "jobhub_webhook_deliveries_total"
    }
    assert outcomes <= metrics.WEBHOOK_OUTCOMES | {"other"}
    providers = {
        labels["provider"]
        for name, labels, _ in samples(text)
        if name == "jobhub_token_exchanges_total"
    }
    assert providers <= metrics.TOKEN_EXCHANGE_PROVIDERS | {"other"}
    assert value(text, "jobhub_import_rows_total", result="created") >= 5


def test_celery_task_durations_and_failures(app, client):
    from jobhub.auth.tasks import purge_expired_revocations

    name = "auth.purge_expired_revocations"
    before = value(scrape(client), "jobhub_celery_task_duration_seconds_count", task=name)
    with app.app_context():
        purge_expired_revocations.apply()  # run here, through the same signals as a worker
    text = scrape(client)
    after = value(text, "jobhub_celery_task_duration_seconds_count", task=name, outcome="success")
    assert after >= before + 1
    assert "jobhub_celery_task_failures_total" in text


@pytest.mark.slow
def test_gunicorn_workers_add_up(backend, tmp_path):
    metrics_dir = tmp_path / "prometheus"
    metrics_dir.mkdir()
    env = backend.environ(
        WEB_CONCURRENCY="2", PROMETHEUS_MULTIPROC_DIR=str(metrics_dir), JSON_LOGS="false"
    )
    with gunicorn(env, async_mode="eventlet", tmp_path=tmp_path) as server:
        sent = 0
        errors: list[int] = []

        def hit(count: int) -> None:
            for _ in range(count):  # a connection each: both workers get to accept some
                status = requests.get(server.url + "/health", timeout=10).status_code
                if status != 200:
                    errors.append(status)

        # Which worker accepts a connection is the kernel's choice: send rounds until both
        # have served (each writes its own file), within a deadline.
        deadline = time.monotonic() + 60
        while len(_writers(metrics_dir)) < 2 and time.monotonic() < deadline:
            threads = [threading.Thread(target=hit, args=(10,)) for _ in range(20)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            sent += 200
        assert not errors
        text = requests.get(server.url + "/metrics", timeout=10).text
    count = value(text, "jobhub_http_request_duration_seconds_count", rule="/health")
    # The readiness polls of the server fixture hit /health too: at least what we sent.
    assert count >= sent
    writers = _writers(metrics_dir)
    assert len(writers) == 2, sorted(metrics_dir.iterdir())  # both workers served and count


def _writers(metrics_dir) -> set[str]:
    """The worker pids that wrote request histograms."""
    return {path.name.rsplit("_", 1)[-1] for path in metrics_dir.glob("histogram_*.db")}
