"""The evaluation set's sources: one text file per resume, labels in its front matter.

A source looks like::

    format: pdf-2col            # txt | docx | docx-table | pdf | pdf-2col
    family: backend-python      # role family
    level: senior               # junior | mid | senior | lead | principal
    technical: yes              # no for the non-technical professions
    best_job: backend-python    # id of the right job in jobs.json
    years: 8.5                  # years of professional experience (as of TODAY)
    skills: python, django, …   # every skill a recruiter would read in it, canonical
                                # names, with the skills they imply (aws lambda → aws)
    traps: go, swift            # skills whose words appear only as ordinary words
    ---
    # Heading                   (a line starting "# " is a heading)
    - bullet, • bullet          (kept as written in text; list items in DOCX/PDF)
    || line                     (the left column of a pdf-2col; elsewhere a plain line)
    Cell | Cell                 (a table row in docx-table; elsewhere a plain line)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent
SOURCES = ROOT / "sources"
RESUMES = ROOT / "resumes"
JOBS = ROOT / "jobs.json"
# What "present" means for the labels' years.
TODAY = date(2026, 6, 1)
EXTENSIONS = {"txt": "txt", "docx": "docx", "docx-table": "docx", "pdf": "pdf", "pdf-2col": "pdf"}


@dataclass(frozen=True)
class Source:
    stem: str
    format: str
    family: str
    level: str
    technical: bool
    best_job: str
    years: float | None
    skills: tuple[str, ...]
    traps: tuple[str, ...]
    body: str

    @property
    def rendered(self) -> Path:
        return RESUMES / f"{self.stem}.{EXTENSIONS[self.format]}"


def _names(value: str) -> tuple[str, ...]:
    return tuple(name.strip() for name in value.split(",") if name.strip())


def parse(path: Path) -> Source:
    head, _, body = path.read_text("utf-8").partition("\n---\n")
    fields = {}
    for line in head.splitlines():
        key, _, value = line.partition(":")
        fields[key.strip()] = value.strip()
    if fields.get("format") not in EXTENSIONS:
        raise ValueError(f"{path.name}: format must be one of {', '.join(EXTENSIONS)}")
    return Source(
        stem=path.stem,
        format=fields["format"],
        family=fields["family"],
        level=fields["level"],
        technical=fields.get("technical", "yes") != "no",
        best_job=fields["best_job"],
        years=float(fields["years"]) if fields.get("years") not in (None, "", "none") else None,
        skills=_names(fields.get("skills", "")),
        traps=_names(fields.get("traps", "")),
        body=body.strip("\n"),
    )


def load_sources() -> list[Source]:
    return [parse(path) for path in sorted(SOURCES.glob("*.txt"))]
