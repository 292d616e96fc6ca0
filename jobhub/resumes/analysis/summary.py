"""A short extractive summary: the resume's own most telling sentences.

The resume's summary section speaks for itself when it has one; otherwise sentences are
scored by the distinct skills they name, signs of experience and how early they come.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from itertools import accumulate

from jobhub.resumes.analysis.sections import Section
from jobhub.skills import find_mentions

MAX_SENTENCES = 3
MAX_CHARS = 500
MIN_WORDS = 6
MAX_WORDS = 60
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'\u201c(])")
_BULLET = re.compile(r"^[\s\u2022\u00b7\u25aa\u25e6\u2023\u25cf*>\u2013\u2014-]+")
_CONTACT = re.compile(
    r"@|https?://|www\.|\+?\d[\d ()./-]{7,}\d|linkedin|github\.com", re.IGNORECASE
)
_CUES = re.compile(
    r"\b\d+\+?\s*(?:years?|yrs)\b"
    r"|\b(?:experience[d]?|led|lead|built|build|developed|designed|architected"
    r"|delivered|managed|launched|improved|reduced|increased|specialis|specializ|expert"
    r"|engineer|developer|scientist|analyst|manager)\w*",
    re.IGNORECASE,
)


def _sentences(section: Section) -> list[str]:
    """Sentences of a section: bullets and lines are units, long lines are split."""
    found = []
    for line in section.lines:
        line = _BULLET.sub("", line).strip()
        found.extend(part.strip() for part in _SENTENCE_END.split(line) if part.strip())
    return found


def _usable(sentence: str) -> bool:
    words = sentence.split()
    if not MIN_WORDS <= len(words) <= MAX_WORDS or _CONTACT.search(sentence):
        return False
    letters = sum(char.isalpha() for char in sentence)
    return letters >= 0.6 * len(sentence.replace(" ", ""))


def _finish(sentence: str) -> str:
    return sentence if sentence[-1] in ".!?" else sentence + "."


def _join(sentences: list[str]) -> str:
    text = ""
    for sentence in sentences:
        candidate = f"{text} {_finish(sentence)}".strip()
        if len(candidate) > MAX_CHARS:
            if not text:
                return sentence[: MAX_CHARS - 1].rsplit(" ", 1)[0] + "\u2026"
            break
        text = candidate
    return text


def summarize(sections: list[Section]) -> str | None:
    """Up to three sentences from the resume, at most 500 characters; None if it has none."""
    own = [s for section in sections if section.kind == "summary" for s in _sentences(section)]
    own = [s for s in own if len(s.split()) >= 3 and not _CONTACT.search(s)]
    if own:
        return _join(own[:MAX_SENTENCES])
    candidates = [
        s
        for section in sections
        if section.kind in ("header", "experience", "projects")
        for s in _sentences(section)
        if _usable(s)
    ]
    if not candidates:
        return None
    # One scan of all the sentences together (the skill patterns are large), then the
    # distinct skills of each sentence by the mention's offset.
    joined = "\n".join(candidates)
    ends = list(accumulate(len(sentence) + 1 for sentence in candidates))
    named: list[set[str]] = [set() for _ in candidates]
    for mention in find_mentions(joined):
        named[bisect_right(ends, mention.start)].add(mention.skill)
    scored = []
    for position, sentence in enumerate(candidates):
        content = 2.0 * len(named[position]) + len(_CUES.findall(sentence))
        scored.append((content, content + 1.5 * (1 - position / len(candidates)), position))
    # Sentences naming skills or work come first; position alone decides only without any.
    telling = [item for item in scored if item[0] > 0] or scored
    best = sorted(telling, key=lambda item: (-item[1], item[2]))[:MAX_SENTENCES]
    return _join([candidates[position] for *_, position in sorted(best, key=lambda x: x[2])])
