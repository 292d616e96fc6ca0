"""Audit pinned requirements against the vulnerability reports PyPI publishes.

    python -m tools.dependency_audit requirements-dev.txt --installed

Where the data comes from: PyPI's JSON API attaches the advisories of the Python
Packaging Advisory Database and OSV to each release (``vulnerabilities``). The
per-release endpoint (``/pypi/NAME/VERSION/json``, what pip-audit asks) covers every
release; the project endpoint (``/pypi/NAME/json``) covers the latest one. On a network
that only lets the project endpoint through (as on our CI machines), a pin at the latest
release is fully audited and a pin behind it cannot be: it is reported as *unaudited*.

The audit fails (exit 1) on

- a known vulnerability in a pinned or installed release, unless ``dependency-audit.toml``
  excepts it (by advisory id or alias) with a reason and an expiry date;
- a pin that could not be audited (behind the latest release for more than
  ``--grace-days``, unknown to PyPI, or not pinned with ``==``), unless excepted the same
  way under ``[[unaudited]]``;
- an exception that has expired (it no longer counts).

It exits 2 when PyPI cannot be reached or the exceptions file is malformed: an audit
that could not run never passes. Packages installed but not pinned (``--installed``)
fail on known vulnerabilities; that they are unaudited is only a warning.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import tomllib
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from importlib import metadata
from pathlib import Path
from typing import Any

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

DEFAULT_INDEX = "https://pypi.org"
DEFAULT_EXCEPTIONS = "dependency-audit.toml"
MAX_EXCEPTION_DAYS = 183  # an exception is a decision to revisit, not a permanent waiver
TIMEOUT_SECONDS = 30
ATTEMPTS = 3
WORKERS = 8


class AuditError(Exception):
    """The audit could not run (exit 2): PyPI unreachable, a malformed input."""


# -- what we audit ---------------------------------------------------------------------


@dataclass(frozen=True)
class Pin:
    name: str  # canonical
    version: str | None  # None: not pinned with ==
    origin: str  # "requirements.txt:12", or "installed"


def read_requirements(path: Path, seen: set[Path] | None = None) -> list[Pin]:
    """The requirements of a pip requirements file, following ``-r`` includes."""
    seen = set() if seen is None else seen
    path = path.resolve()
    if path in seen:
        return []
    seen.add(path)
    try:
        lines = path.read_text().splitlines()
    except OSError as exc:
        raise AuditError(f"cannot read {path}: {exc.strerror}") from exc
    pins: list[Pin] = []
    for number, raw in enumerate(lines, start=1):
        line = raw.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        include = _include(line)
        if include is not None:
            pins += read_requirements(path.parent / include, seen)
            continue
        if line.startswith("-"):
            continue  # index options, hashes on their own line, constraints
        origin = f"{path.name}:{number}"
        try:
            requirement = Requirement(line.split(" --hash", 1)[0].rstrip(" \\"))
        except InvalidRequirement as exc:
            raise AuditError(f"{origin}: not a requirement: {line!r}") from exc
        if requirement.marker is not None and not requirement.marker.evaluate():
            continue
        exact = [spec.version for spec in requirement.specifier if spec.operator in ("==", "===")]
        version = exact[0] if len(exact) == 1 and "*" not in exact[0] else None
        pins.append(Pin(canonicalize_name(requirement.name), version, origin))
    return pins


def _include(line: str) -> str | None:
    """The file a ``-r FILE`` / ``--requirement[=]FILE`` line includes, else None."""
    for option in ("--requirement", "-r"):
        if line.startswith(option):
            rest = line[len(option) :]
            if rest[:1] in (" ", "="):
                return rest[1:].strip()
    return None


def installed_distributions() -> list[Pin]:
    """Every distribution installed in this interpreter's environment."""
    found = {}
    for dist in metadata.distributions():
        name = dist.metadata["Name"]
        if name:
            found.setdefault(canonicalize_name(name), dist.version)
    return [Pin(name, version, "installed") for name, version in sorted(found.items())]


# -- PyPI ------------------------------------------------------------------------------


class PyPI:
    """The PyPI JSON API (or a server speaking it) at ``base_url``."""

    def __init__(self, base_url: str = DEFAULT_INDEX, timeout: float = TIMEOUT_SECONDS) -> None:
        scheme = urllib.parse.urlsplit(base_url).scheme
        if scheme not in ("https", "http"):
            raise AuditError(f"--index-url must be an http(s) URL, got {base_url!r}")
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout

    def project(self, name: str) -> dict[str, Any] | None:
        return self._get(f"/pypi/{name}/json")

    def release(self, name: str, version: str) -> dict[str, Any] | None:
        return self._get(f"/pypi/{name}/{version}/json")

    def _get(self, path: str) -> dict[str, Any] | None:
        """The JSON document at path; None for 404; AuditError once retries run out."""
        url = self.base_url + urllib.parse.quote(path)
        problem = ""
        for attempt in range(ATTEMPTS):
            if attempt:
                time.sleep(0.25 * 2**attempt)  # back off before retrying PyPI
            try:
                with urllib.request.urlopen(url, timeout=self.timeout) as response:  # noqa: S310 (scheme checked)
                    return json.load(response)
            except urllib.error.HTTPError as exc:
                if exc.code == 404:
                    return None
                problem = f"HTTP {exc.code}"
                if exc.code < 500 and exc.code != 429:
                    break
            except (urllib.error.URLError, TimeoutError, OSError) as exc:
                problem = str(getattr(exc, "reason", exc))
            except ValueError as exc:
                problem = f"not JSON ({exc})"
        raise AuditError(f"could not read {url}: {problem}")


# -- one package -----------------------------------------------------------------------


@dataclass
class Advisory:
    """One vulnerability, however many ids PyPI lists it under."""

    ids: list[str]
    summary: str
    fixed_in: list[str]
    link: str

    @property
    def label(self) -> str:
        primary, *others = self.ids
        return f"{primary} ({', '.join(others)})" if others else primary


@dataclass
class Finding:
    pin: Pin
    advisories: list[Advisory] = field(default_factory=list)
    unaudited: str | None = None  # why the release could not be audited
    overdue: bool = True  # an unaudited pin past its grace period
    yanked: str | None = None


def advisories_of(records: Iterable[dict[str, Any]]) -> list[Advisory]:
    """PyPI's vulnerability records, withdrawn ones dropped, aliases merged."""
    advisories: list[Advisory] = []
    for record in records:
        if record.get("withdrawn"):
            continue
        ids = [record["id"], *(record.get("aliases") or [])]
        same = next((a for a in advisories if set(a.ids) & set(ids)), None)
        if same is not None:
            same.ids += [i for i in ids if i not in same.ids]
            same.fixed_in += [v for v in record.get("fixed_in") or [] if v not in same.fixed_in]
            continue
        text = record.get("summary") or record.get("details") or ""
        advisories.append(
            Advisory(
                ids=ids,
                summary=" ".join(text.split())[:160],
                fixed_in=list(record.get("fixed_in") or []),
                link=record.get("link") or "",
            )
        )
    return advisories


def _same_version(a: str, b: str) -> bool:
    try:
        return Version(a) == Version(b)
    except InvalidVersion:
        return a == b


def _released_at(files: list[dict[str, Any]]) -> datetime | None:
    stamps = [f.get("upload_time_iso_8601") for f in files if f.get("upload_time_iso_8601")]
    return min(datetime.fromisoformat(s.replace("Z", "+00:00")) for s in stamps) if stamps else None


def _behind_since(project: dict[str, Any], pinned: str) -> datetime | None:
    """When the first final release newer than the pin came out (None: unknown)."""
    try:
        pin = Version(pinned)
    except InvalidVersion:
        return None
    dates = []
    for raw, files in project.get("releases", {}).items():
        try:
            version = Version(raw)
        except InvalidVersion:
            continue
        if version > pin and not version.is_prerelease and not all(f.get("yanked") for f in files):
            released = _released_at(files)
            if released is not None:
                dates.append(released)
    return min(dates, default=None)


def audit_pin(pypi: PyPI, pin: Pin, *, now: datetime, grace: timedelta) -> Finding:
    """What PyPI knows about one pinned release."""
    finding = Finding(pin)
    if pin.version is None:
        finding.unaudited = "not pinned with ==, so there is no release to audit"
        return finding
    project = pypi.project(pin.name)
    if project is None:
        finding.unaudited = "unknown to PyPI"
        return finding
    releases = project.get("releases")  # deprecated by PyPI: may disappear one day
    files = None
    if releases is not None:
        files = releases.get(pin.version) or next(
            (f for v, f in releases.items() if _same_version(v, pin.version)), None
        )
    if files and all(f.get("yanked") for f in files):
        finding.yanked = next((f["yanked_reason"] for f in files if f.get("yanked_reason")), "")
    latest = project["info"]["version"]
    if _same_version(latest, pin.version):
        finding.advisories = advisories_of(project.get("vulnerabilities") or [])
        return finding
    release = pypi.release(pin.name, pin.version)
    if release is not None:
        finding.advisories = advisories_of(release.get("vulnerabilities") or [])
        return finding
    if files is None and releases is not None:
        finding.unaudited = f"{pin.version} is not a release on PyPI"
        return finding
    behind = _behind_since(project, pin.version)
    since = f" (newer releases since {behind:%Y-%m-%d})" if behind else ""
    finding.unaudited = (
        f"the latest release is {latest}{since}; PyPI's per-release data for {pin.version} "
        "is not reachable from here"
    )
    finding.overdue = behind is None or now - behind > grace
    return finding


# -- exceptions ------------------------------------------------------------------------


@dataclass
class DatedException:
    """One entry of the exceptions file."""

    kind: str  # "vulnerability" or "unaudited"
    package: str
    reason: str
    expires: date
    id: str | None = None
    used: bool = False

    def describe(self) -> str:
        what = self.id if self.kind == "vulnerability" else "unaudited"
        return f"{self.package} {what} (until {self.expires}: {self.reason})"


def load_exceptions(
    path: Path | None, *, today: date, required: bool = False
) -> list[DatedException]:
    """The dated exceptions; AuditError for a malformed file or entry (or a missing one
    that was asked for by name)."""
    if path is None:
        return []
    try:
        data = tomllib.loads(path.read_text())
    except FileNotFoundError as exc:
        if required:
            raise AuditError(f"{path}: no such exceptions file") from exc
        return []
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise AuditError(f"{path}: {exc}") from exc
    unknown = set(data) - {"vulnerability", "unaudited"}
    if unknown:
        raise AuditError(f"{path}: unknown section(s) {', '.join(sorted(unknown))}")
    entries = []
    for kind in ("vulnerability", "unaudited"):
        for number, entry in enumerate(data.get(kind, []), start=1):
            entries.append(_exception(path, kind, number, entry, today))
    return entries


def _exception(path: Path, kind: str, number: int, entry: Any, today: date) -> DatedException:
    where = f"{path.name}: [[{kind}]] #{number}"
    if not isinstance(entry, dict):
        raise AuditError(f"{where} must be a table")
    required = ("package", "reason", "expires") + (("id",) if kind == "vulnerability" else ())
    missing = [key for key in required if not entry.get(key)]
    if missing:
        raise AuditError(f"{where} needs {', '.join(missing)}")
    expires = entry["expires"]
    if not isinstance(expires, date) or isinstance(expires, datetime):
        raise AuditError(f"{where}: expires must be a date (2027-03-01), got {expires!r}")
    if expires > today + timedelta(days=MAX_EXCEPTION_DAYS):
        raise AuditError(f"{where}: expires {expires} is more than {MAX_EXCEPTION_DAYS} days away")
    return DatedException(
        kind=kind,
        package=canonicalize_name(str(entry["package"])),
        reason=" ".join(str(entry["reason"]).split()),
        expires=expires,
        id=str(entry["id"]) if kind == "vulnerability" else None,
    )


def _exception_for(
    exceptions: list[DatedException], kind: str, package: str, ids: Sequence[str] = ()
) -> DatedException | None:
    for exception in exceptions:
        same = exception.kind == kind and exception.package == package
        if same and (kind == "unaudited" or exception.id in ids):
            exception.used = True
            return exception
    return None


# -- the report ------------------------------------------------------------------------


@dataclass
class Report:
    audited: int = 0
    failures: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def judge(findings: list[Finding], exceptions: list[DatedException], *, today: date) -> Report:
    """Sort findings into failures and notes, consuming exceptions."""
    report = Report()
    for finding in findings:
        pin = finding.pin
        subject = f"{pin.name} {pin.version or '(unpinned)'} [{pin.origin}]"
        if finding.unaudited is None:
            report.audited += 1
        if finding.yanked is not None:
            report.notes.append(f"YANKED      {subject}: {finding.yanked or 'no reason given'}")
        for advisory in finding.advisories:
            fixed = ", ".join(advisory.fixed_in) or "no fixed release"
            line = f"{subject}: {advisory.label}, fixed in {fixed}. {advisory.summary}".strip()
            exception = _exception_for(exceptions, "vulnerability", pin.name, advisory.ids)
            _sort(report, line, exception, today, "VULNERABLE ")
        if finding.unaudited is not None:
            line = f"{subject}: {finding.unaudited}"
            exception = _exception_for(exceptions, "unaudited", pin.name)
            if pin.origin == "installed" and exception is None:
                report.notes.append(f"UNAUDITED   {line} (installed, not pinned)")
            elif not finding.overdue and exception is None:
                report.notes.append(f"UNAUDITED   {line} (within the grace period)")
            else:
                _sort(report, line, exception, today, "UNAUDITED  ")
    for exception in exceptions:
        if not exception.used:
            report.notes.append(f"UNUSED      exception {exception.describe()}: remove it")
    return report


def _sort(
    report: Report, line: str, exception: DatedException | None, today: date, tag: str
) -> None:
    if exception is None:
        report.failures.append(f"{tag} {line}")
    elif exception.expires < today:
        report.failures.append(f"{tag} {line} (exception EXPIRED {exception.expires})")
    else:
        report.notes.append(f"EXCEPTED    {line} (until {exception.expires}: {exception.reason})")


def audit(
    pins: list[Pin], pypi: PyPI, exceptions: list[DatedException], *, today: date, grace: timedelta
) -> Report:
    now = datetime.combine(today, datetime.max.time(), tzinfo=UTC)
    with ThreadPoolExecutor(WORKERS) as pool:
        findings = list(pool.map(lambda pin: audit_pin(pypi, pin, now=now, grace=grace), pins))
    return judge(findings, exceptions, today=today)


def collect(files: list[Path], *, include_installed: bool) -> list[Pin]:
    """The pins of the files (the first pin of a name wins), then installed extras."""
    pins: dict[str, Pin] = {}
    for path in files:
        for pin in read_requirements(path):
            pins.setdefault(pin.name, pin)
    if include_installed:
        for pin in installed_distributions():
            pins.setdefault(pin.name, pin)
    return list(pins.values())


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.dependency_audit", description=__doc__)
    parser.add_argument("requirements", nargs="+", type=Path, help="pip requirements files")
    parser.add_argument(
        "--installed", action="store_true", help="also audit what this environment has installed"
    )
    parser.add_argument(
        "--exceptions",
        type=Path,
        default=None,
        help=f"dated exceptions (default: {DEFAULT_EXCEPTIONS})",
    )
    parser.add_argument("--no-exceptions", action="store_true", help="ignore the exceptions file")
    parser.add_argument("--index-url", default=DEFAULT_INDEX, help="PyPI (its JSON API)")
    parser.add_argument(
        "--grace-days",
        type=int,
        default=14,
        help="how long a pin may lag a new release before it must be bumped or excepted",
    )
    parser.add_argument("--today", type=date.fromisoformat, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    today = args.today or datetime.now(UTC).date()
    started = time.monotonic()
    try:
        pypi = PyPI(args.index_url)
        exceptions_file = args.exceptions or Path(DEFAULT_EXCEPTIONS)
        exceptions = load_exceptions(
            None if args.no_exceptions else exceptions_file,
            today=today,
            required=args.exceptions is not None,
        )
        pins = collect(args.requirements, include_installed=args.installed)
        report = audit(pins, pypi, exceptions, today=today, grace=timedelta(days=args.grace_days))
    except AuditError as exc:
        print(f"dependency audit could not run: {exc}", file=sys.stderr)
        return 2
    for line in report.notes + report.failures:
        print(line)
    summary = (
        f"dependency audit: {len(pins)} packages, {report.audited} audited against "
        f"{pypi.base_url} in {time.monotonic() - started:.1f} s"
    )
    if report.failures:
        print(
            f"{summary}: {len(report.failures)} FAILED (fix, or add a dated exception to "
            f"{exceptions_file})"
        )
        return 1
    print(f"{summary}: no known vulnerabilities without an exception")
    return 0


if __name__ == "__main__":
    sys.exit(main())
