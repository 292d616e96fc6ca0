"""Estimate years of professional experience from date ranges and explicit statements.

Date ranges ("2015-2020", "Jan 2019 - present", "03/2017 - 11/2019", "since 2021") in
the experience part of a resume are merged, so overlapping jobs count once; statements
such as "5+ years of experience" or "ten years of Python" count as claims. The
estimate is the larger of the two, in years with one decimal.

Year-only ranges count whole years (2015-2020 is 5); ranges with months count both
end months (Jan-Dec 2019 is 12 months); "present" runs to the analysis date.
"""

from __future__ import annotations

import re
from datetime import date

from jobhub.resumes.analysis.sections import Section, has_section

_SEASONS = {"spr": 3, "sum": 6, "fal": 9, "aut": 9, "win": 12}
_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_YEAR = r"(?:19[5-9]\d|20\d{2})"
_SEASON = r"(?:spring|summer|fall|autumn|winter)"
_DATE = (
    rf"(?:(?:{_MONTH}\.?|{_SEASON}),?\s*(?:{_YEAR}|['\u2019]\d{{2}})"  # Jan 2019, Sept. '19
    rf"|(?:0?[1-9]|1[0-2])\s*[/.]\s*{_YEAR}"  # 03/2019, 03.2019
    rf"|{_YEAR}[-/.](?:0[1-9]|1[0-2])(?!\d)"  # 2019-03, 2019/03, 2019.03
    rf"|{_YEAR})"  # 2019
)
_PRESENT = (
    r"(?:(?:the\s+)?present(?:\s+day)?|current(?:ly)?|now|today|ongoing|date|till\s+date"
    r"|to\s+date)"
)
_DASH = r"(?:-{1,2}|\u2013|\u2014|\u2012|\u2015|\u2212|~|\u2192|->|to|until|till|through|thru)"
_RANGE = re.compile(
    rf"(?<![\w/.-])(?P<start>{_DATE})\s*{_DASH}\s*(?P<end>{_DATE}|{_PRESENT})(?![\w/]|-\d)"
    rf"|\bsince\s+(?P<since>{_DATE})(?![\w/])",
    re.IGNORECASE,
)
_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "twenty-five": 25, "thirty": 30,
}  # fmt: skip
_NUMBER = r"(?:\d{1,2}(?:\.\d)?|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + ")"
_CLAIM = re.compile(
    rf"\b(?P<n>{_NUMBER})\s*(?:\+|plus)?\s*(?:years?|yrs?)['\u2019]?s?\+?"
    r"(?:\s+(?:of|in)\s+(?!age\b|ago\b)"
    r"|\s+(?:(?:professional|industry|hands[-\s]on|relevant|work(?:ing)?|commercial"
    r"|practical|total|overall|combined)\s+)+(?:experience|exp)\b"
    r"|\s+(?:experience|exp)\b)",
    re.IGNORECASE,
)
_EDUCATION_WORDS = re.compile(
    r"\b(?:universit|college|school|academy|institute|bachelor|master|ph\.?d|b\.?sc|m\.?sc"
    r"|degree|diploma|graduat|studies|studied)",
    re.IGNORECASE,
)
MAX_YEARS = 50.0
_WORK_SECTIONS = ("experience",)
_NON_WORK_SECTIONS = ("education", "certifications", "projects", "other")


def _parse_date(text: str) -> tuple[int, int | None]:
    """(year, month or None) from one of the _DATE forms."""
    text = text.strip().lower()
    month_name = re.match(r"[a-z]+", text)
    if month_name:
        prefix = month_name.group()[:3]
        month = _MONTHS.get(prefix) or _SEASONS[prefix]
        year_text = re.search(r"(\d{4}|\d{2})$", text).group(1)  # type: ignore[union-attr]
        year = int(year_text)
        if len(year_text) == 2:
            year += 2000 if year <= date.today().year % 100 else 1900
        return year, month
    parts = [part.strip() for part in re.split(r"[-/.]", text)]
    if len(parts) == 2:
        first, second = parts
        if len(first) == 4:  # 2019-03
            return int(first), int(second)
        return int(second), int(first)  # 03/2019
    return int(text), None


def _interval(start: str, end: str | None, today: date) -> tuple[int, int] | None:
    """[start, end) in months since year 0, or None when the range is implausible."""
    start_year, start_month = _parse_date(start)
    now = today.year * 12 + today.month  # the current month counts
    begin = start_year * 12 + (start_month or 1) - 1
    if end is None or re.fullmatch(_PRESENT, end.strip(), re.IGNORECASE):
        finish = now
    else:
        end_year, end_month = _parse_date(end)
        finish = end_year * 12 + end_month if end_month else end_year * 12
    finish = min(finish, now)
    if begin >= finish or begin > now or finish - begin > MAX_YEARS * 12:
        return None
    return begin, finish


def has_date_range(text: str) -> bool:
    """Whether text holds a date range such as "Jan 2019 - present"."""
    return bool(_RANGE.search(text))


# "September 2020 -" at the end of a line, its end on the next line or the one after (a
# PDF wrapped the line, and a two-column layout may have put a line between).
_WRAPPED_RANGE = re.compile(
    rf"(?P<start>{_DATE})\s*(?P<dash>{_DASH})[ \t]*\n(?:[^\n]*\n)?[ \t]*"
    rf"(?P<end>{_PRESENT}|{_DATE})(?![\w/])",
    re.IGNORECASE,
)


def _unwrap(text: str) -> str:
    return _WRAPPED_RANGE.sub(lambda m: f"{m.group('start')} - {m.group('end')}\n", text)


def date_ranges(text: str, today: date) -> list[tuple[int, int]]:
    """Every plausible date range in text, as month intervals."""
    found = []
    for match in _RANGE.finditer(_unwrap(text)):
        if match.group("since"):
            interval = _interval(match.group("since"), None, today)
        else:
            interval = _interval(match.group("start"), match.group("end"), today)
        if interval:
            found.append(interval)
    return found


def merged_months(intervals: list[tuple[int, int]]) -> int:
    """Total months covered by intervals, overlaps counted once."""
    total = 0
    current_start = current_end = None
    for start, end in sorted(intervals):
        if current_end is None or start > current_end:
            if current_end is not None:
                total += current_end - current_start  # type: ignore[operator]
            current_start, current_end = start, end
        else:
            current_end = max(current_end, end)
    if current_end is not None:
        total += current_end - current_start  # type: ignore[operator]
    return total


def claimed_years(text: str) -> float | None:
    """The largest "N years of …" claim in text."""
    claims = []
    for match in _CLAIM.finditer(text):
        raw = match.group("n").lower()
        value = float(_NUMBER_WORDS[raw]) if raw in _NUMBER_WORDS else float(raw)
        if 0 < value <= MAX_YEARS:
            claims.append(value)
    return max(claims, default=None)


# Words that make a dated line a job, wherever it sits: in two-column PDFs a role's line
# can land under the other column's "Education" heading.
_ROLE_WORDS = re.compile(
    r"\b(?:engineer|developer|designer|manager|analyst|consultant|intern|internship|architect"
    r"|administrator|lead|head|director|specialist|officer|technician|nurse|teacher|chef|cook"
    r"|accountant|assistant|associate|coordinator|supervisor|scientist|tester|programmer"
    r"|representative|executive|recruiter|electrician|apprentice|owner|founder|freelance"
    r"|freelancer|contractor|placement|trainee|cto|ceo|vp|president|partner|clerk|agent"
    r"|operator|driver|worker|advisor|strategist|writer|editor|producer|researcher)s?\b",
    re.IGNORECASE,
)
_DEGREE_WORDS = re.compile(
    r"\b(?:bachelor|master|ph\.?d|b\.?sc|m\.?sc|b\.?a|m\.?a|b\.?eng|m\.?eng|mba|degree"
    r"|diploma|graduated|graduate\s+of|coursework|gpa|thesis|licenciatura|laurea|grado)\b",
    re.IGNORECASE,
)


def _work_lines(sections: list[Section]) -> list[str]:
    """The lines whose dates are jobs.

    Experience sections count, less lines that name a degree and no role; elsewhere a
    dated line counts when it names a role and no school. Without any experience heading,
    every line not about education counts.
    """
    if not has_section(sections, "experience"):
        return [
            line
            for section in sections
            if section.kind not in _NON_WORK_SECTIONS
            for line in section.lines
            if not _EDUCATION_WORDS.search(line)
        ]
    lines = []
    for section in sections:
        for line in section.lines:
            role = bool(_ROLE_WORDS.search(line))
            if section.kind in _WORK_SECTIONS:
                if role or not _DEGREE_WORDS.search(line):
                    lines.append(line)
            elif role and not _DEGREE_WORDS.search(line) and section.kind != "other":
                lines.append(line)
    return lines


def estimate_years(sections: list[Section], *, today: date) -> float | None:
    """Years of experience (one decimal), or None when the resume gives no clue."""
    months = merged_months(date_ranges("\n".join(_work_lines(sections)), today))
    claim_text = "\n".join(s.text for s in sections if s.kind != "education")
    claim = claimed_years(claim_text)
    candidates = [value for value in (months / 12 if months else None, claim) if value]
    if not candidates:
        return None
    return round(min(max(candidates), MAX_YEARS), 1)
