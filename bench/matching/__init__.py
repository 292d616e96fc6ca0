"""Matching quality: the labelled evaluation set and its report (``python -m bench.matching``).

As a ``python -m bench`` benchmark (``--only matching``) it runs the same evaluation and
prints the headline figures, analysis time per resume among them; it needs no database.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

NAME = "matching"


@dataclass
class Result:
    resumes: int
    precision: float
    recall: float
    trap_hits: int
    years_within_pct: float
    top1_pct: float
    top3_pct: float
    non_technical_max: int
    analyze_ms_mean: float
    analyze_ms_max: float

    def lines(self) -> list[str]:
        return [
            f"{self.resumes} resumes: skill precision {self.precision:.3f}, "
            f"recall {self.recall:.3f}, trap hits {self.trap_hits}",
            f"years within 1.5: {self.years_within_pct:.1f} %; "
            f"top-1 job {self.top1_pct:.1f} %, top-3 {self.top3_pct:.1f} %; "
            f"non-technical best vs technical jobs {self.non_technical_max}",
            f"analysis per resume: mean {self.analyze_ms_mean:.1f} ms, "
            f"max {self.analyze_ms_max:.1f} ms",
        ]


def run(*, quick: bool) -> Result:
    from bench.matching.evaluate import evaluate

    report = evaluate()
    return Result(
        resumes=report.resumes,
        precision=round(report.overall.precision, 3),
        recall=round(report.overall.recall, 3),
        trap_hits=len(report.trap_hits),
        years_within_pct=round(100 * report.years_within / max(1, report.years_labelled), 1),
        top1_pct=round(100 * report.top1 / report.resumes, 1),
        top3_pct=round(100 * report.top3 / report.resumes, 1),
        non_technical_max=report.non_technical_max,
        analyze_ms_mean=round(statistics.mean(report.analyze_ms), 1),
        analyze_ms_max=round(max(report.analyze_ms), 1),
    )
