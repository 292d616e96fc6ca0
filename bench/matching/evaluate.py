"""Measure resume analysis and matching against the labelled set in bench/matching/.

Every resume goes through the product's own path: text extraction from the rendered
PDF, DOCX or text file, ``analyze_text`` (skills with evidence and implied skills,
years), then ``score_jobs`` against every labelled job, as ``/resumes/{id}/matches``
scores them (one TF-IDF fit over the resume and all the jobs).
"""

from __future__ import annotations

import io
import json
import statistics
import time
from collections import defaultdict
from dataclasses import dataclass, field

from bench.matching.sources import JOBS, TODAY, Source, load_sources
from jobhub.matching.scoring import JobProfile, score_jobs
from jobhub.resumes.analysis import analyze_text, extract_text
from jobhub.resumes.models import FileFormat
from jobhub.skills import get, implied_skills

YEARS_TOLERANCE = 1.5
NON_TECHNICAL_CEILING = 30
_FORMATS = {"txt": FileFormat.TEXT, "docx": FileFormat.DOCX, "pdf": FileFormat.PDF}


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class ResumeOutcome:
    stem: str
    false_positives: list[str]
    false_negatives: list[str]
    trap_hits: list[str]
    years: float | None
    expected_years: float | None
    ranking: list[tuple[str, int]]
    best_job: str
    technical: bool
    extract_ms: float
    analyze_ms: float


@dataclass
class Report:
    resumes: int
    jobs: int
    families: int
    non_technical: int
    formats: dict[str, int]
    by_category: dict[str, Counts]
    overall: Counts
    trap_words: int
    trap_hits: list[tuple[str, str]]
    years_within: int
    years_labelled: int
    top1: int
    top3: int
    non_technical_max: int
    non_technical_over: list[tuple[str, str, int]]
    analyze_ms: list[float]
    extract_ms: list[float]
    warm_up_ms: float = 0.0
    outcomes: list[ResumeOutcome] = field(default_factory=list)
    label_warnings: list[str] = field(default_factory=list)


def _jobs() -> list[dict]:
    return json.loads(JOBS.read_text("utf-8"))


def _profile(job: dict) -> JobProfile:
    text = " ".join([job["title"], job["description"], *job["skills"], *job["nice_to_have_skills"]])
    return JobProfile(
        skills=job["skills"], nice_to_have_skills=job["nice_to_have_skills"], text=text
    )


def _label_warnings(source: Source) -> list[str]:
    warnings = []
    labelled = set(source.skills)
    for name in (*source.skills, *source.traps):
        if get(name) is None or get(name).name != name:  # type: ignore[union-attr]
            warnings.append(f"{source.stem}: {name!r} is not a canonical skill name")
    for name in source.skills:
        for parent in implied_skills(name):
            if parent not in labelled:
                warnings.append(f"{source.stem}: {name!r} implies {parent!r}, not labelled")
    return warnings


def evaluate() -> Report:
    sources = load_sources()
    jobs = _jobs()
    profiles = [_profile(job) for job in jobs]
    technical_jobs = {job["id"] for job in jobs if job["technical"]}
    by_category: dict[str, Counts] = defaultdict(Counts)
    overall = Counts()
    report = Report(
        resumes=len(sources),
        jobs=len(jobs),
        families=len({s.family for s in sources}),
        non_technical=sum(not s.technical for s in sources),
        formats=dict(
            sorted({s.format: sum(x.format == s.format for x in sources) for s in sources}.items())
        ),
        by_category=by_category,
        overall=overall,
        trap_words=sum(len(s.traps) for s in sources),
        trap_hits=[],
        years_within=0,
        years_labelled=0,
        top1=0,
        top3=0,
        non_technical_max=0,
        non_technical_over=[],
        analyze_ms=[],
        extract_ms=[],
    )
    started = time.perf_counter()
    analyze_text("Warm-up: Python, Go.", today=TODAY)  # compiles the skill patterns once
    report.warm_up_ms = 1000 * (time.perf_counter() - started)
    for source in sources:
        report.label_warnings.extend(_label_warnings(source))
        data = source.rendered.read_bytes()
        started = time.perf_counter()
        text = extract_text(io.BytesIO(data), _FORMATS[source.rendered.suffix[1:]])
        extracted = time.perf_counter()
        result = analyze_text(text, today=TODAY)
        analyzed = time.perf_counter()
        found = {skill.name for skill in result.found}
        labelled = set(source.skills)
        for name in found | labelled:
            skill = get(name)
            counts = by_category[skill.category if skill else "unknown"]
            if name in found and name in labelled:
                counts.tp += 1
                overall.tp += 1
            elif name in found:
                counts.fp += 1
                overall.fp += 1
            else:
                counts.fn += 1
                overall.fn += 1
        hits = sorted(found & set(source.traps))
        report.trap_hits.extend((source.stem, name) for name in hits)
        if source.years is not None:
            report.years_labelled += 1
            if result.years_experience is not None and (
                abs(result.years_experience - source.years) <= YEARS_TOLERANCE
            ):
                report.years_within += 1
        weights = {skill.name: skill.weight for skill in result.found}
        scores = score_jobs(resume_skills=weights, resume_text=text, jobs=profiles)
        ranking = sorted(
            ((job["id"], match.score) for job, match in zip(jobs, scores, strict=True)),
            key=lambda item: -item[1],
        )
        ids = [job_id for job_id, _ in ranking]
        report.top1 += ids[0] == source.best_job
        report.top3 += source.best_job in ids[:3]
        if not source.technical:
            for job_id, score in ranking:
                if job_id in technical_jobs:
                    report.non_technical_max = max(report.non_technical_max, score)
                    if score > NON_TECHNICAL_CEILING:
                        report.non_technical_over.append((source.stem, job_id, score))
        report.extract_ms.append(1000 * (extracted - started))
        report.analyze_ms.append(1000 * (analyzed - extracted))
        report.outcomes.append(
            ResumeOutcome(
                stem=source.stem,
                false_positives=sorted(found - labelled),
                false_negatives=sorted(labelled - found),
                trap_hits=hits,
                years=result.years_experience,
                expected_years=source.years,
                ranking=ranking[:3],
                best_job=source.best_job,
                technical=source.technical,
                extract_ms=report.extract_ms[-1],
                analyze_ms=report.analyze_ms[-1],
            )
        )
    return report


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def lines(report: Report, *, verbose: bool = False) -> list[str]:
    formats = ", ".join(f"{n} {f}" for f, n in report.formats.items())
    out = [
        f"set: {report.resumes} resumes ({formats}), {report.families} role families, "
        f"{report.non_technical} non-technical; {report.jobs} jobs; today = {TODAY.isoformat()}",
        "",
        f"{'category':<14} {'precision':>9} {'recall':>7} {'F1':>6} {'labelled':>9} {'found':>6}",
    ]
    for category, counts in sorted(report.by_category.items()):
        out.append(
            f"{category:<14} {counts.precision:>9.3f} {counts.recall:>7.3f} {counts.f1:>6.3f} "
            f"{counts.tp + counts.fn:>9} {counts.tp + counts.fp:>6}"
        )
    o = report.overall
    out += [
        f"{'all skills':<14} {o.precision:>9.3f} {o.recall:>7.3f} {o.f1:>6.3f} "
        f"{o.tp + o.fn:>9} {o.tp + o.fp:>6}",
        "",
        f"trap hits: {len(report.trap_hits)} of {report.trap_words} trap words"
        + (f" ({', '.join(f'{s}: {n}' for s, n in report.trap_hits)})" if report.trap_hits else ""),
        f"years within {YEARS_TOLERANCE}: {report.years_within}/{report.years_labelled} "
        f"({100 * report.years_within / max(1, report.years_labelled):.1f} %)",
        f"top-1 job: {report.top1}/{report.resumes} ({100 * report.top1 / report.resumes:.1f} %); "
        f"top-3: {report.top3}/{report.resumes} ({100 * report.top3 / report.resumes:.1f} %)",
        f"non-technical resumes against technical jobs: best score {report.non_technical_max} "
        f"(ceiling {NON_TECHNICAL_CEILING}); over it: {len(report.non_technical_over)}",
        f"analysis per resume (analyze_text): mean {statistics.mean(report.analyze_ms):.1f} ms, "
        f"p95 {_percentile(report.analyze_ms, 0.95):.1f} ms, max {max(report.analyze_ms):.1f} ms "
        f"(once per process before: {report.warm_up_ms:.0f} ms to compile the skill patterns)",
        "text extraction per resume (pypdf / python-docx): "
        f"mean {statistics.mean(report.extract_ms):.1f} ms, "
        f"p95 {_percentile(report.extract_ms, 0.95):.1f} ms, max {max(report.extract_ms):.1f} ms",
    ]
    if report.label_warnings:
        out += ["", "label warnings:", *(f"  {w}" for w in report.label_warnings)]
    if verbose:
        out.append("")
        for outcome in report.outcomes:
            problems = []
            if outcome.false_positives:
                problems.append(f"extra {outcome.false_positives}")
            if outcome.false_negatives:
                problems.append(f"missed {outcome.false_negatives}")
            if outcome.trap_hits:
                problems.append(f"TRAPS {outcome.trap_hits}")
            if outcome.expected_years is not None and (
                outcome.years is None
                or abs(outcome.years - outcome.expected_years) > YEARS_TOLERANCE
            ):
                problems.append(f"years {outcome.years} (labelled {outcome.expected_years})")
            if outcome.ranking[0][0] != outcome.best_job:
                problems.append(f"ranked {outcome.ranking} (best {outcome.best_job})")
            if problems:
                out.append(f"{outcome.stem}: " + "; ".join(problems))
    return out
