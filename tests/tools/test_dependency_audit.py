"""The dependency audit (make audit) against a local server speaking PyPI's JSON API."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import metadata
from pathlib import Path

import pytest

from tests.conftest import BACKEND_NAME
from tests.support.servers import free_port

# No database here: these run once, in the SQLite run.
pytestmark = pytest.mark.skipif(BACKEND_NAME == "postgres", reason="runs in the SQLite run")

PROJECT_ROOT = Path(__file__).resolve().parents[2]
FIXTURE = PROJECT_ROOT / "tests/tools/fixtures/vulnerable-requirements.txt"
TODAY = "2026-12-01"
PYCRYPTO_ADVISORIES = [
    {
        "id": "PYSEC-2017-94",
        "aliases": ["CVE-2013-7459", "GHSA-cq27-v7xp-c356"],
        "details": "Heap-based buffer overflow in the ALGnew function.",
        "fixed_in": [],
        "link": "https://osv.dev/vulnerability/PYSEC-2017-94",
        "source": "osv",
        "summary": None,
        "withdrawn": None,
    },
    {  # the same advisory under its GitHub id: reported once
        "id": "GHSA-cq27-v7xp-c356",
        "aliases": ["CVE-2013-7459", "PYSEC-2017-94"],
        "details": "Heap-based buffer overflow in the ALGnew function.",
        "fixed_in": [],
        "link": "https://github.com/advisories/GHSA-cq27-v7xp-c356",
        "source": "ghsa",
        "summary": None,
        "withdrawn": None,
    },
]
REQUESTS_ADVISORY = {
    "id": "PYSEC-2018-28",
    "aliases": ["CVE-2018-18074"],
    "summary": "Authorization header sent on redirect from HTTPS to HTTP.",
    "fixed_in": ["2.20.0"],
    "link": "https://osv.dev/vulnerability/PYSEC-2018-28",
    "withdrawn": None,
}


@dataclass
class FakePyPI:
    """Projects by name: ``{"latest": v, "releases": {v: {"uploaded", "vulns", "yanked"}}}``."""

    url: str = ""
    projects: dict[str, dict] = field(default_factory=dict)
    per_release_endpoint: bool = False  # False: 404, as on the CI network
    status: int | None = None  # answer every request with this status
    requests: list[str] = field(default_factory=list)

    def add(self, name: str, latest: str, releases: dict[str, dict] | None = None) -> None:
        releases = releases or {latest: {}}
        self.projects[name] = {"latest": latest, "releases": releases}

    def document(self, path: str) -> dict | None:
        parts = path.strip("/").split("/")
        if len(parts) == 3 and parts[0] == "pypi" and parts[2] == "json":
            project = self.projects.get(parts[1])
            return None if project is None else self._json(project, project["latest"], True)
        if len(parts) == 4 and parts[0] == "pypi" and self.per_release_endpoint:
            project = self.projects.get(parts[1])
            if project and parts[2] in project["releases"]:
                return self._json(project, parts[2], False)
        return None

    @staticmethod
    def _json(project: dict, version: str, with_releases: bool) -> dict:
        def files(release: dict) -> list[dict]:
            uploaded = release.get("uploaded", "2026-01-01T00:00:00.000000Z")
            return [
                {
                    "upload_time_iso_8601": uploaded,
                    "yanked": bool(release.get("yanked")),
                    "yanked_reason": release.get("yanked") or None,
                }
            ]

        release = project["releases"][version]
        body = {
            "info": {"version": version},
            "urls": files(release),
            "vulnerabilities": release.get("vulns", []),
        }
        if with_releases:
            body["releases"] = {v: files(r) for v, r in project["releases"].items()}
        return body


@pytest.fixture
def pypi() -> Iterator[FakePyPI]:
    fake = FakePyPI()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            fake.requests.append(self.path)
            document = None if fake.status else fake.document(self.path)
            status = fake.status or (200 if document is not None else 404)
            payload = json.dumps(document).encode() if document is not None else b""
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *_args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
    fake.url = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield fake
    server.shutdown()
    server.server_close()


@pytest.fixture
def run(pypi: FakePyPI, tmp_path: Path):
    """Run the audit as make does; returns (exit code, output)."""

    def audit(*requirements: str, exceptions: str = "", today: str = TODAY, extra=()):
        files = []
        for number, text in enumerate(requirements):
            path = tmp_path / f"requirements-{number}.txt"
            path.write_text(text)
            files.append(str(path))
        exceptions_file = tmp_path / "dependency-audit.toml"
        exceptions_file.write_text(exceptions)
        command = [sys.executable, "-m", "tools.dependency_audit", *files]
        command += ["--index-url", pypi.url, "--exceptions", str(exceptions_file)]
        command += ["--today", today, *extra]  # the last --index-url wins
        done = subprocess.run(
            command, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120, check=False
        )
        return done.returncode, done.stdout + done.stderr

    return audit


def test_a_known_vulnerable_pin_fails_naming_the_advisory_once(pypi, run):
    pypi.add("pycrypto", "2.6.1", {"2.6.1": {"vulns": PYCRYPTO_ADVISORIES}})
    code, output = run(FIXTURE.read_text())
    assert code == 1, output
    assert output.count("VULNERABLE") == 1
    assert "pycrypto 2.6.1" in output and "PYSEC-2017-94 (CVE-2013-7459, GHSA-cq27-v7xp-c356)"
    assert "no fixed release" in output and "1 FAILED" in output


def test_our_kind_of_pins_pass(pypi, run):
    pypi.add("flask", "3.1.3")
    pypi.add("celery", "5.7.0")
    code, output = run("Flask==3.1.3\ncelery[redis]==5.7.0  # the worker\n")
    assert code == 0, output
    assert "2 packages, 2 audited" in output and "no known vulnerabilities" in output


def test_includes_markers_and_hashes_are_followed(pypi, run, tmp_path):
    pypi.add("pycrypto", "2.6.1", {"2.6.1": {"vulns": PYCRYPTO_ADVISORIES}})
    pypi.add("flask", "3.1.3")
    (tmp_path / "base.txt").write_text("pycrypto==2.6.1 \\\n    --hash=sha256:abc\n")
    (tmp_path / "web.txt").write_text("--requirement=base.txt\nFlask==3.1.3  # pinned\n")
    code, output = run("-r web.txt\nnever-installed==1.0 ; python_version < '3'\n")
    assert code == 1 and "pycrypto 2.6.1 [base.txt:1]" in output, output
    assert "2 packages, 2 audited" in output and "never-installed" not in output


def test_a_withdrawn_advisory_does_not_count(pypi, run):
    withdrawn = {**PYCRYPTO_ADVISORIES[0], "withdrawn": "2026-01-02T00:00:00Z"}
    pypi.add("pycrypto", "2.6.1", {"2.6.1": {"vulns": [withdrawn]}})
    code, output = run("pycrypto==2.6.1\n")
    assert code == 0, output


EXCEPTION = """
[[vulnerability]]
package = "PyCrypto"
id = "{id}"
reason = "only its hash functions are imported, never the block ciphers"
expires = {expires}
"""


@pytest.mark.parametrize("advisory_id", ["PYSEC-2017-94", "CVE-2013-7459"])
def test_a_dated_exception_by_id_or_alias_lets_it_pass(pypi, run, advisory_id):
    pypi.add("pycrypto", "2.6.1", {"2.6.1": {"vulns": PYCRYPTO_ADVISORIES}})
    code, output = run(
        "pycrypto==2.6.1\n", exceptions=EXCEPTION.format(id=advisory_id, expires="2027-01-15")
    )
    assert code == 0, output
    assert "EXCEPTED" in output and "until 2027-01-15: only its hash functions" in output


def test_an_expired_exception_fails_again(pypi, run):
    pypi.add("pycrypto", "2.6.1", {"2.6.1": {"vulns": PYCRYPTO_ADVISORIES}})
    exceptions = EXCEPTION.format(id="PYSEC-2017-94", expires="2027-01-15")
    assert run("pycrypto==2.6.1\n", exceptions=exceptions, today="2027-01-15")[0] == 0
    code, output = run("pycrypto==2.6.1\n", exceptions=exceptions, today="2027-01-16")
    assert code == 1 and "exception EXPIRED 2027-01-15" in output, output


def test_an_exception_for_another_advisory_does_not_cover_it(pypi, run):
    pypi.add("pycrypto", "2.6.1", {"2.6.1": {"vulns": PYCRYPTO_ADVISORIES}})
    code, output = run(
        "pycrypto==2.6.1\n", exceptions=EXCEPTION.format(id="PYSEC-2018-97", expires="2027-01-15")
    )
    assert code == 1 and "UNUSED" in output and "PYSEC-2018-97" in output, output


@pytest.mark.parametrize(
    ("exceptions", "message"),
    [
        ('[[vulnerability]]\npackage = "pycrypto"\nid = "X"\nexpires = 2027-01-01\n', "reason"),
        ('[[vulnerability]]\npackage = "pycrypto"\nid = "X"\nreason = "r"\n', "expires"),
        ('[[unaudited]]\npackage = "x"\nreason = "r"\nexpires = "soon"\n', "must be a date"),
        ('[[unaudited]]\npackage = "x"\nreason = "r"\nexpires = 2030-01-01\n', "days away"),
        ('[[waiver]]\npackage = "x"\n', "unknown section"),
        ("[[vulnerability]\n", "dependency-audit.toml"),
    ],
)
def test_a_malformed_exception_stops_the_audit(pypi, run, exceptions, message):
    pypi.add("flask", "3.1.3")
    code, output = run("Flask==3.1.3\n", exceptions=exceptions)
    assert code == 2 and "could not run" in output and message in output, output


def test_an_exceptions_file_named_must_exist(pypi, run, tmp_path):
    pypi.add("flask", "3.1.3")
    code, output = run("Flask==3.1.3\n", extra=["--exceptions", str(tmp_path / "typo.toml")])
    assert code == 2 and "no such exceptions file" in output, output


def test_an_older_pin_is_audited_where_pypi_answers_per_release(pypi, run):
    pypi.add("requests", "2.34.2", {"2.19.0": {"vulns": [REQUESTS_ADVISORY]}, "2.34.2": {}})
    pypi.per_release_endpoint = True
    code, output = run("requests==2.19.0\n")
    assert code == 1, output
    assert "PYSEC-2018-28 (CVE-2018-18074), fixed in 2.20.0" in output
    assert "/pypi/requests/2.19.0/json" in pypi.requests


def test_an_older_pin_that_cannot_be_audited_fails_after_the_grace_period(pypi, run):
    releases = {
        "2.19.0": {"uploaded": "2018-06-14T00:00:00Z"},
        "2.20.0": {"uploaded": "2026-11-10T12:00:00Z"},  # the first release past the pin
        "2.34.2": {"uploaded": "2026-11-15T12:00:00Z"},
    }
    pypi.add("requests", "2.34.2", releases)
    code, output = run("requests==2.19.0\n", today="2026-11-20")
    assert code == 0 and "within the grace period" in output, output
    code, output = run("requests==2.19.0\n", today="2026-11-25")
    assert code == 1, output
    assert "UNAUDITED" in output and "newer releases since 2026-11-10" in output


def test_a_held_pin_passes_with_an_unaudited_exception(pypi, run):
    pypi.add("gunicorn", "27.0.1", {"25.3.0": {}, "27.0.1": {}})
    exceptions = (
        '[[unaudited]]\npackage = "gunicorn"\n'
        'reason = "26 removed the eventlet worker"\nexpires = 2027-03-01\n'
    )
    code, output = run("gunicorn==25.3.0\n", exceptions=exceptions)
    assert code == 0 and "EXCEPTED" in output and "eventlet worker" in output, output


@pytest.mark.parametrize(
    ("requirement", "reason"),
    [
        ("flask>=3\n", "not pinned with =="),
        ("no-such-project==1.0\n", "unknown to PyPI"),
        ("flask==9.9.9\n", "9.9.9 is not a release on PyPI"),
    ],
)
def test_what_cannot_be_audited_is_not_passed(pypi, run, requirement, reason):
    pypi.add("flask", "3.1.3", {"3.0.0": {}, "3.1.3": {}})
    code, output = run(requirement)
    assert code == 1 and reason in output, output


def test_a_yanked_pin_is_reported(pypi, run):
    pypi.add("flask", "3.1.3", {"3.1.3": {"yanked": "broke sessions"}})
    code, output = run("flask==3.1.3\n")
    assert code == 0 and "YANKED" in output and "broke sessions" in output, output


def test_installed_packages_fail_on_vulnerabilities_and_warn_when_unaudited(pypi, run):
    pytest_version = metadata.version("pytest")
    pluggy_version = metadata.version("pluggy")
    for dist in metadata.distributions():
        pypi.add(dist.metadata["Name"].lower().replace("_", "-"), dist.version)
    pypi.add("pluggy", "99.0", {pluggy_version: {}, "99.0": {}})  # behind: unaudited
    assert run("", extra=["--installed"])[0] == 0
    pypi.add("pytest", pytest_version, {pytest_version: {"vulns": [REQUESTS_ADVISORY]}})
    code, output = run("", extra=["--installed"])
    assert code == 1, output
    assert f"VULNERABLE  pytest {pytest_version} [installed]" in output
    assert f"UNAUDITED   pluggy {pluggy_version} [installed]" in output
    assert "installed, not pinned" in output


@pytest.mark.parametrize("status", [500, 429])
def test_pypi_failing_is_an_error_not_a_pass(pypi, run, status):
    pypi.add("flask", "3.1.3")
    pypi.status = status
    code, output = run("Flask==3.1.3\n")
    assert code == 2 and f"HTTP {status}" in output, output
    assert len(pypi.requests) == 3  # retried


def test_pypi_unreachable_is_an_error_not_a_pass(run):
    closed = f"http://127.0.0.1:{free_port()}"
    code, output = run("Flask==3.1.3\n", extra=["--index-url", closed])
    assert code == 2 and "could not read" in output, output
