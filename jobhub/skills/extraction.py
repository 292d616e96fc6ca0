"""Find taxonomy skills in free text such as resumes and job descriptions.

Every skill form is compiled into one trie-shaped regex, so a scan is a single pass.
Distinctive forms ("PostgreSQL", "k8s") count wherever they appear. Forms that are also
ordinary words ("Go", "Swift", "R", "Celery", "Chef") and everyday words the taxonomy
marks ``generic`` ("scheduling") are *weighed*, not refused:

- some spellings can never be the technology: "I go" (an ambiguous form must be written
  as its label, capitalised or upper-case), "go-to", "R&D", "Spring 2021", a URL or a
  path; no skill counts followed by "-free" ("rust-free", "EKS-free"), as what someone
  hired ("hired Go engineers"), or at a company ("at Oracle");
- a strong cue accepts at once ("written in Rust", "Go developer"), and so does a list
  neighbour that is itself an accepted skill of the same kind ("Go, Python");
- otherwise evidence adds up (``_evidence_points``): a skills section or list head,
  skills of the same ecosystem in the sentence or the document (the taxonomy's
  ``context`` and ``implies`` links: gRPC for Go, Redis for Celery), a technical
  sentence ("built", "services"), a preposition ("in Rust"), a capital in mid-sentence,
  capitals ("REST"), a document technical or dense with its trade's skills; being in
  the education section or part of a name ("Black Friday") counts against. A skill
  foreign to the document (a technical one on a chef's resume, a nurse's "EMR" beside
  AWS Glue) also needs its own ecosystem there (``_fits_document``).

Common nouns the taxonomy marks ``word`` ("python", "java") need a document with other
technology (``_drop_stray_words``). ``extract_skills`` also says where each skill was
found (section and snippet) and adds the skills a found one implies ("AWS Lambda" →
"AWS"), for resumes; ``find_skills`` lists the named skills only, for shorter texts.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache

from .taxonomy import Skill, all_skills, implied_skills, lookup_key

__all__ = [
    "TECHNICAL_CATEGORIES",
    "Evidence",
    "FoundSkill",
    "Mention",
    "SectionSpan",
    "extract_skills",
    "find_mentions",
    "find_skills",
    "find_skills_with_counts",
]

# (start, end, kind): a part of the text and the section it belongs to ("skills",
# "experience", ...). Experience may come as one span per role, so the number of spans a
# skill is used in counts the roles.
SectionSpan = tuple[int, int, str]

TECHNICAL_CATEGORIES = frozenset(
    {
        "languages",
        "frameworks",
        "databases",
        "cloud",
        "data",
        "tools",
        "practices",
        "security",
        "embedded",
        "design",
        "mobile",
    }
)

# Between the words of a multi-word form: "machine learning", "machine-learning", "spring_boot".
_WORD_GAP = r"[\s_-]+"
# Not inside a word, file name ("main.go") or handle; not followed by more of a token
# ("C+", "R&D", "R.J.", "node.jsx").
_BEFORE = r"(?<![\w.@])"
_AFTER = r"(?![\w+#]|[.&]\w)"

_CUE_BEFORE = re.compile(
    r"(?:\b(?:experienced?|expertise|proficient|proficiency|fluent|fluency|skilled|knowledge"
    r"|background|familiar|familiarity|competent|competency|certified|certification)"
    r"\s+(?:in|with|of|using|on)"
    r"|\b(?:using|use|used|uses|(?:written|wrote|writing|coded|coding|code|programming"
    r"|programmed|developed|developing|implemented|rewritten|rewrote|rewriting)\s+(?:in|with)"
    r"|(?:built|building|powered|backed)\s+(?:in|with|using|on)"
    r"|(?:migrated|migrating|ported|porting|moved)\s+(?:\w+\s+){0,3}to))"
    r"\s*\Z",
    re.IGNORECASE,
)
# "Skills: Go, ...": a list head counts like a skills section, not as proof by itself.
_LIST_HEAD_BEFORE = re.compile(
    r"\b(?:skills|languages|technologies|tech\s+stack|stack|tools|tooling|frameworks"
    r"|libraries|proficiencies|competencies|platforms|environment|software)\s*:\s*\Z",
    re.IGNORECASE,
)
_CUE_AFTER = re.compile(
    r"\A[\s(]*(?:programming|programmers?|developers?|development|devs?|engineers?|engineering"
    r"|languages?|lang|frameworks?|code|coding|codebases?|scripts?|scripting|librar(?:y|ies)"
    r"|sdks?|apps?|modules?|packages?|microservices?|backends?|services?|workers?|clusters?"
    r"|pipelines?|projects?|certifications?|certified|jobs|plugins|charts|instances|containers"
    r"|images|queries|workflows|stack|runtime|compiler|toolchain|tooling|tools)\b",
    re.IGNORECASE,
)
# "Spring 2021", "Spring '21", "Spring semester": a season, not the framework.
_DATE_AFTER = re.compile(
    r"\A\s*(?:'\d{2}\b|\d{4}\b|(?:semester|term|break|quarter|season|session|intake)\b)",
    re.IGNORECASE,
)
# "at Oracle", "joined Oracle": the company, not the product.
# "Hired Python and Go engineers": the skills of the people hired, not of the resume.
_HIRING_BEFORE = re.compile(
    r"\b(?:hire[ds]?|hiring|recruit(?:s|ed|ing)?|sourc(?:e|es|ed|ing)|plac(?:e|ed|ing)"
    r"|staff(?:ed|ing))\b[^.\n]{0,60}\Z",
    re.IGNORECASE,
)
_HIRED_AFTER = re.compile(
    r"\A[^.\n]{0,40}?\b(?:engineers|developers|programmers|candidates|specialists|profiles"
    r"|hires|talent|consultants|architects|scientists|designers)\b",
    re.IGNORECASE,
)
_COMPANY_BEFORE = re.compile(r"\b(?:at|joined)\s+\Z", re.IGNORECASE)
_COMPANY_AFTER = re.compile(r"\A\s*(?:,\s*)?(?:inc|corp|ltd|llc|gmbh|plc|headquarters)\b", re.I)
# What may separate two skills of one list: ", ", " / ", " and ", "\n- ", " (".
_LIST_GAP = re.compile(
    r"[\s,;/|&+()\[\]*•·▪◦‣●\u2013\u2014-]*(?:\b(?:and|or|plus)\b[\s,;/|()\[\]*•·▪◦‣●\u2013\u2014-]*)?",
    re.IGNORECASE,
)
_TECH_WORDS = re.compile(
    r"\b(?:built|build|builds|building|developed|develop|implemented|implement|deployed|deploy"
    r"|wrote|written|rewrote|rewritten|migrated|migration|refactored|maintained|shipped"
    r"|architected|designed|automated|integrated|optimi[sz]ed|debugged|coded|programmed"
    r"|compiled|scaled|containeri[sz]ed|services|microservices?|apis?|backend|frontend"
    r"|codebase|library|libraries|framework|sdk|app|apps|application|applications"
    r"|pipelines?|clusters?|stack|scripts?|workers?|broker|queues?|database|schema|endpoints?"
    r"|servers?|modules?|components?|repository|repositories|tests?|testing|production"
    r"|firmware|drivers?|toolchain|compiler|runtime|deployment|infrastructure|platform"
    r"|version|upgraded|engineering|engineers?|developers?|programming|software|code|clients"
    r"|migrations|integrations?|releases?|builds?|tooling|automation|sdks|apis)\b",
    re.IGNORECASE,
)
# A capitalised word right after (no punctuation between): the mention is part of a name.
_NAME_AFTER = re.compile(r"[ \t]+[A-Z][a-z]{2,}\b")
_VERB_ENDING = re.compile(r"(?:ed|ing|t)\Z")  # "Used SAS", "Learnt Go": not a name
_NAME_BEFORE = re.compile(r"\b[A-Z][a-zA-Z]{2,}[ \t]+\Z")
_PREPOSITION_BEFORE = re.compile(r"\b(?:in|with|using|via|on|into|to|from|and|or)\s+\Z", re.I)
# Not ";": resume bullets chain clauses with it, and a capital after it is telling.
_SENTENCE_BREAK = re.compile(r"[.!?](?=\s|$)|[\n•·▪◦‣●]|:\s")
# A separator of a real list: "firewalls, DNS", not "Prometheus and dashboards".
_LIST_SEPARATOR = re.compile(r"[,;/|•·▪◦‣●]")
# An education line naming a degree or school: soft skills there name a field of study.
_DEGREE_LINE = re.compile(
    r"\b(?:B\.?A|BFA|MFA|B\.?Sc|M\.?Sc|BSc|MSc|MA|BS|MS|PhD|MBA|Bachelor|Master|Diploma"
    r"|Degree|University|College|School|Institute|Academy|Polytechnic)\b"
)
_BULLET_OR_SPACE = re.compile(r"[\s\-\u2013\u2014*•·▪◦‣●>]*\Z")
# Tokens that are URLs, e-mail addresses or absolute paths ("svn://host/svn", "/usr/lib/go").
_URL_MARK = re.compile(r"://|www\.|@|\.(?:com|org|net|io|dev|edu|gov|co|ai|app)/")
_PATH_START = ("/", "~/", "./", "../")
_WHITESPACE = re.compile(r"\s")
_HYPHEN_AFTER = re.compile(r"-\w")
# "EKS-free", "Firestore-free": without the skill, whatever the skill.
_WITHOUT_AFTER = re.compile(r"-(?:free|less)\b", re.IGNORECASE)
_HYPHEN_BEFORE = re.compile(r"\w-\Z")
_MAX_LIST_GAP = 12
_CONTEXT = 40
_TOKEN_REACH = 100
_BESIDE = 25
_SENTENCE_REACH = 240
# Distinct technical skills named plainly that make a whole document technical.
_TECHNICAL_DOCUMENT = 5
_SKILLED_DOCUMENT = 8
ACCEPT_POINTS = 3
# Office software a non-technical resume lists too: it does not make a document technical.
_EVERYDAY_TOOLS = frozenset(
    {
        "sap",
        "salesforce",
        "quickbooks",
        "hubspot",
        "workday",
        "netsuite",
        "sharepoint",
        "zendesk",
        "servicenow",
        "excel",
        "microsoft word",
        "microsoft powerpoint",
        "microsoft outlook",
        "microsoft teams",
        "microsoft office",
        "microsoft access",
        "google workspace",
        "google docs",
        "google sheets",
        "google slides",
        "zoom",
        "slack",
        "canva",
        "trello",
        "asana",
        "notion",
    }
)
MAX_EVIDENCE = 3
SNIPPET_CHARS = 120


@dataclass(frozen=True, slots=True)
class _Form:
    canonical: str
    guarded: bool
    label: str | None  # the label, when this form is the label's own spelling
    generic: bool  # an everyday word: any case, but evidence still needed
    word: bool = False  # a common noun: needs a technical document, any spelling


@dataclass(frozen=True, slots=True)
class _Index:
    pattern: re.Pattern[str]
    forms: dict[str, _Form]
    ecosystem: dict[str, frozenset[str]]
    technical: frozenset[str]
    soft: frozenset[str]  # soft skills: in an education section they name a degree


@dataclass(frozen=True, slots=True)
class Mention:
    """One accepted occurrence of a skill in the text."""

    skill: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Evidence:
    """Where a skill was found: the section and the words around it."""

    section: str
    snippet: str


@dataclass(frozen=True)
class FoundSkill:
    """A skill of a document, with why we believe it is there.

    ``implied_by`` lists the specific skills it was inferred from when the document
    does not name it ("aws" from "aws lambda"); ``weight`` (0-1] grows with the evidence:
    a skills list and use in several roles weigh more than a single mention.
    """

    name: str
    occurrences: int
    evidence: tuple[Evidence, ...]
    weight: float
    implied_by: tuple[str, ...] = ()
    sections: tuple[str, ...] = field(default=())


def _trie_regex(keys: list[str]) -> str:
    trie: dict[str, dict] = {}
    for key in keys:
        node = trie
        for char in key:
            node = node.setdefault(char, {})
        node[""] = {}  # end of a form

    def emit(node: dict[str, dict]) -> str:
        branches = [
            (_WORD_GAP if char == " " else re.escape(char)) + emit(child)
            for char, child in sorted(node.items())
            if char
        ]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        # A greedy optional group makes the longest form win ("c++" over "c").
        return f"(?:{body})?" if "" in node else body

    return emit(trie)


def _ecosystems(skills: Sequence[Skill]) -> dict[str, frozenset[str]]:
    """For each skill, the skills whose presence nearby vouches for it: its declared
    context, what it implies, what implies it, and its siblings under one parent."""
    children: dict[str, set[str]] = {}
    for skill in skills:
        for parent in skill.implies:
            children.setdefault(parent, set()).add(skill.name)
    result = {}
    for skill in skills:
        related = set(skill.context) | set(skill.implies) | children.get(skill.name, set())
        for parent in skill.implies:
            related |= children.get(parent, set())
        related.discard(skill.name)
        result[skill.name] = frozenset(related)
    return result


@cache
def _index() -> _Index:
    forms: dict[str, _Form] = {}
    skills = all_skills()
    for skill in skills:
        guarded_keys = {lookup_key(a) for a in skill.ambiguous_aliases}
        if skill.ambiguous:  # the name and the label ("echo framework", "Echo")
            guarded_keys.update((lookup_key(skill.name), lookup_key(skill.label)))
        for text in (skill.name, skill.label, *skill.aliases):
            key = lookup_key(text)
            label = skill.label if key == lookup_key(skill.label) else None
            # Only the one-word forms of an everyday skill are everyday words: "scheduling"
            # is, "shift scheduling" is not.
            generic = skill.generic and " " not in key
            word = skill.word and key == lookup_key(skill.name)
            forms[key] = _Form(skill.name, key in guarded_keys or generic, label, generic, word)
    regex = _BEFORE + "(?:" + _trie_regex(sorted(forms)) + ")" + _AFTER
    technical = frozenset(s.name for s in skills if s.category in TECHNICAL_CATEGORIES)
    soft = frozenset(s.name for s in skills if s.category == "soft_skills")
    return _Index(re.compile(regex, re.IGNORECASE), forms, _ecosystems(skills), technical, soft)


def _in_url_or_path(text: str, start: int, end: int) -> bool:
    head = text[max(0, start - _TOKEN_REACH) : start]
    head = head[max(head.rfind(" "), head.rfind("\n"), head.rfind("\t")) + 1 :]
    tail = text[end : end + _TOKEN_REACH]
    if space := _WHITESPACE.search(tail):
        tail = tail[: space.start()]
    return head.startswith(_PATH_START) or bool(_URL_MARK.search(head + tail))


def _looks_technical(surface: str, form: _Form) -> bool:
    """Tell "Go"/"R"/"TS" apart from "go"/"r"/"Ts" by how the word is written."""
    if form.generic or surface == form.label or surface.isupper():
        return True
    return len(surface) > 2 and surface[0].isupper()


def _plausible(text: str, start: int, end: int, form: _Form) -> bool:
    """Reject guarded words that cannot be the technology whatever the context."""
    if not _looks_technical(text[start:end], form):
        return False
    before, after = text[max(0, start - 2) : start], text[end : end + 2]
    if _HYPHEN_BEFORE.search(before) or _HYPHEN_AFTER.match(after):
        return False  # "go-to", "C-level", "Vitamin-C", "rust-free"
    if end - start == 1 and before.endswith("(") and after.startswith(")"):
        return False  # "Marvell(R)", "(C) 2016", "(c)" list markers
    return not _DATE_AFTER.match(text[end : end + _CONTEXT])


def _into_a_heading(surface: str) -> bool:
    """ "Splunk Core User" then the heading "EXPERIENCE" is not "user experience"."""
    head, newline, tail = surface.rpartition("\n")
    return bool(newline) and tail.isupper() and not head.isupper()


def _has_cue(text: str, start: int, end: int) -> bool:
    return bool(
        _CUE_BEFORE.search(text[max(0, start - _CONTEXT) : start])
        or _CUE_AFTER.match(text[end : end + _CONTEXT])
    )


def _listed_together(text: str, end: int, next_start: int) -> bool:
    return next_start - end <= _MAX_LIST_GAP and bool(_LIST_GAP.fullmatch(text, end, next_start))


def _sentence(text: str, start: int, end: int) -> tuple[int, int]:
    """The bounds of the sentence (or line, or bullet) around a match."""
    low = max(0, start - _SENTENCE_REACH)
    head = text[low:start]
    breaks = list(_SENTENCE_BREAK.finditer(head))
    begin = low + breaks[-1].end() if breaks else low
    tail = text[end : end + _SENTENCE_REACH]
    stop = _SENTENCE_BREAK.search(tail)
    return begin, end + (stop.start() if stop else len(tail))


def _section_at(sections: Sequence[SectionSpan], position: int) -> tuple[int, str]:
    """(index of the span, its kind) holding a position; (-1, "text") outside them all."""
    for number, (start, end, kind) in enumerate(sections):
        if start <= position < end:
            return number, kind
    return -1, "text"


@dataclass(slots=True)
class _Candidate:
    start: int
    end: int
    form: _Form
    accepted: bool = False


def _evidence_points(
    text: str,
    candidate: _Candidate,
    *,
    kind: str,
    accepted_positions: dict[str, list[int]],
    technical_document: bool,
    ecosystem: frozenset[str],
    starts: frozenset[int],
) -> int:
    """How much the document around a guarded mention says it is the skill."""
    start, end = candidate.start, candidate.end
    points = -1 if kind == "education" else 0  # schools and degrees are named there
    if (kind == "skills" and _list_like(text, start)) or _LIST_HEAD_BEFORE.search(
        text[max(0, start - _CONTEXT) : start]
    ):
        points += 2
    sentence_start, sentence_end = _sentence(text, start, end)
    positions = [p for name in ecosystem for p in accepted_positions.get(name, ())]
    if positions:
        # Anywhere in the document 1, in its sentence 2, right beside it there ("React
        # with TypeScript") 3.
        in_sentence = [p for p in positions if sentence_start <= p < sentence_end]
        beside = any(abs(p - start) <= _BESIDE for p in in_sentence)
        points += 3 if beside else 2 if in_sentence else 1
    sentence = text[sentence_start:sentence_end]
    if _TECH_WORDS.search(sentence):
        points += 1
    if _PREPOSITION_BEFORE.search(text[max(0, start - 12) : start]):
        points += 1
    before = text[sentence_start:start]
    surface = text[start:end]
    if surface[0].isupper() and not _BULLET_OR_SPACE.fullmatch(before):
        points += 1  # capitalised where an ordinary word would not be
    if len(surface) >= 3 and surface.isupper() and not _shouting(text, start):
        points += 2  # "REST", "SAP": an ordinary word is not written in capitals
    if technical_document:
        points += 1
    return points - _name_penalty(text, start, end, sentence_start=sentence_start, starts=starts)


def _name_penalty(
    text: str, start: int, end: int, *, sentence_start: int, starts: frozenset[int]
) -> int:
    """Points lost for standing inside a person's or a company's name."""
    penalty = 0
    name_before = _NAME_BEFORE.search(text, max(sentence_start, start - 30), start)
    if (
        name_before
        and name_before.start() not in starts
        and not (
            _BULLET_OR_SPACE.fullmatch(text, sentence_start, name_before.start())
            and _VERB_ENDING.search(name_before.group().strip())
        )
    ):
        penalty += 2  # "NumScale SAS", "Prof. Stan Levy": a name, not the tool
    name_after = _NAME_AFTER.match(text, end)
    if name_after and name_after.end() - len(name_after.group().lstrip()) not in starts:
        penalty += 2  # part of a name: "Black Friday", "Falcon Airways", "Ray Thomas"
    return penalty


def _list_like(text: str, start: int) -> bool:
    """A line of a list ("Go, Rust", "Sketch (legacy)"), not a sentence in a skills section."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", start)
    line = text[line_start : line_end if line_end != -1 else None]
    return len(line.split()) <= 6 or len(_LIST_SEPARATOR.findall(line)) >= 2


def _shouting(text: str, start: int) -> bool:
    """Whether the line around a position is written in capitals (a heading, a name)."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", start)
    letters = [c for c in text[line_start : line_end if line_end != -1 else None] if c.isalpha()]
    return sum(c.isupper() for c in letters) > 0.6 * len(letters)


def _candidates(text: str) -> list[_Candidate]:
    index = _index()
    found: list[_Candidate] = []
    for match in index.pattern.finditer(text):
        form = index.forms.get(lookup_key(match.group()))
        if form is None:
            continue  # only reachable via exotic Unicode case folding (e.g. long s)
        start, end = match.span()
        if _in_url_or_path(text, start, end) or _WITHOUT_AFTER.match(text, end):
            continue
        if _into_a_heading(match.group()):
            continue
        if _HIRING_BEFORE.search(text, max(0, start - 80), start) and _HIRED_AFTER.match(
            text[end : end + 60]
        ):
            continue
        if not form.guarded or _plausible(text, start, end, form):
            found.append(_Candidate(start, end, form, accepted=not form.guarded))
    return found


def _compatible(index: _Index, one: str, other: str) -> bool:
    """Two skills of one list vouch for each other when both are technical or neither is."""
    return (one in index.technical) == (other in index.technical)


def _spread_along_lists(
    text: str, found: list[_Candidate], sections: Sequence[SectionSpan]
) -> None:
    """A list neighbour vouches: "Go, Rust, Python" accepts all three, and "Espresso,
    Customer Service" neither. An everyday word ("dashboards") is carried along only in a
    skills list, not by prose such as "metrics in Prometheus and dashboards in Grafana"."""
    index = _index()
    together = [
        _listed_together(text, found[i].end, found[i + 1].start) for i in range(len(found) - 1)
    ]
    for order in (range(1, len(found)), range(len(found) - 2, -1, -1)):
        for i in order:
            j = i - 1 if order.step == 1 else i + 1
            if found[i].accepted or not found[j].accepted:
                continue
            link = together[min(i, j)]
            if not link or not (
                found[i].form.generic
                or _compatible(index, found[i].form.canonical, found[j].form.canonical)
            ):
                continue
            if found[i].form.generic:
                low, high = sorted((found[i].start, found[j].start))
                gap = text[min(found[i].end, found[j].end) : max(low, high)]
                in_list = _section_at(sections, found[i].start)[1] == "skills" and _list_like(
                    text, found[i].start
                )
                if not _LIST_SEPARATOR.search(gap) and not in_list:
                    continue
            found[i].accepted = True


def _company_name(text: str, start: int, end: int) -> bool:
    return bool(
        _COMPANY_BEFORE.search(text[max(0, start - 10) : start])
        and not _TECH_WORDS.search(text[end : end + 30])
    ) or bool(_COMPANY_AFTER.match(text[end : end + 20]))


def _weigh_guarded(
    text: str,
    found: list[_Candidate],
    pending: list[_Candidate],
    sections: Sequence[SectionSpan],
    index: _Index,
) -> None:
    """Accept the pending guarded mentions the document around them vouches for."""
    accepted_positions: dict[str, list[int]] = {}
    for candidate in found:
        if candidate.accepted:
            accepted_positions.setdefault(candidate.form.canonical, []).append(candidate.start)
    plain_technical = {
        c.form.canonical
        for c in found
        if c.accepted and not c.form.guarded and c.form.canonical in index.technical
    }
    plain = {c.form.canonical for c in found if c.accepted and not c.form.guarded}
    # Technical, or dense with the skills of its own trade (a nurse's, a recruiter's).
    technical_document = (
        len(plain_technical) >= _TECHNICAL_DOCUMENT or len(plain) >= _SKILLED_DOCUMENT
    )
    starts = frozenset(c.start for c in found)
    for candidate in pending:
        if _company_name(text, candidate.start, candidate.end):
            continue
        _, kind = _section_at(sections, candidate.start)
        points = _evidence_points(
            text,
            candidate,
            kind=kind,
            accepted_positions=accepted_positions,
            technical_document=technical_document,
            ecosystem=index.ecosystem.get(candidate.form.canonical, frozenset()),
            starts=starts,
        )
        candidate.accepted = points >= ACCEPT_POINTS and (
            _fits_document(candidate, index, plain_technical, accepted_positions)
        )


def find_mentions(text: str, *, sections: Sequence[SectionSpan] = ()) -> list[Mention]:
    """Every accepted occurrence of a skill, in text order."""
    index = _index()
    found = _candidates(text)
    for candidate in found:
        if candidate.form.guarded and not candidate.accepted:
            start, end = candidate.start, candidate.end
            if _has_cue(text, start, end) and not _company_name(text, start, end):
                candidate.accepted = True
    _spread_along_lists(text, found, sections)

    pending = [c for c in found if not c.accepted]
    if pending:
        _weigh_guarded(text, found, pending, sections, index)
        _spread_along_lists(text, found, sections)
    _drop_stray_words(text, found, sections)
    return [
        Mention(c.form.canonical, c.start, c.end)
        for c in found
        if c.accepted
        and not (c.form.canonical in index.soft and _names_a_degree(text, c.start, sections))
    ]


def _fits_document(
    candidate: _Candidate,
    index: _Index,
    plain_technical: set[str],
    accepted_positions: dict[str, list[int]],
) -> bool:
    """A technical skill in a document without technology ("Chef" on a chef's resume), or
    a trade's skill in a technical one ("EMR" beside AWS Glue), needs its own ecosystem."""
    name = candidate.form.canonical
    technical_skill = name in index.technical and name not in _EVERYDAY_TOOLS
    if technical_skill and len(plain_technical) >= 2:
        return True
    if not technical_skill and len(plain_technical) < _TECHNICAL_DOCUMENT:
        return True
    return any(other in accepted_positions for other in index.ecosystem.get(name, ()))


def _drop_stray_words(text: str, found: list[_Candidate], sections: Sequence[SectionSpan]) -> None:
    """ "a ball python", "Java beans": a common noun that names a language counts only
    in a document with other technical skills (office tools aside), or where it is
    listed or claimed as a skill."""
    index = _index()
    technical = {
        c.form.canonical
        for c in found
        if c.accepted and c.form.canonical in index.technical and not c.form.word
    } - _EVERYDAY_TOOLS
    if technical:
        return
    for c in found:
        if c.accepted and c.form.word:
            listed = _section_at(sections, c.start)[1] == "skills" or _LIST_HEAD_BEFORE.search(
                text[max(0, c.start - _CONTEXT) : c.start]
            )
            sentence_start, sentence_end = _sentence(text, c.start, c.end)
            technical_sentence = _TECH_WORDS.search(text, sentence_start, sentence_end)
            if not listed and not technical_sentence and not _has_cue(text, c.start, c.end):
                c.accepted = False


def _names_a_degree(text: str, start: int, sections: Sequence[SectionSpan]) -> bool:
    """ "BFA Visual Communication Design": the field of a degree, not the soft skill."""
    if _section_at(sections, start)[1] != "education":
        return False
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", start)
    return bool(_DEGREE_LINE.search(text[line_start : line_end if line_end != -1 else None]))


def find_skills_with_counts(text: str) -> dict[str, int]:
    """Return {canonical skill: occurrences} for skills in text, in first-occurrence order."""
    counts: dict[str, int] = {}
    for mention in find_mentions(text):
        counts[mention.skill] = counts.get(mention.skill, 0) + 1
    return counts


def find_skills(text: str) -> list[str]:
    """Return canonical skills mentioned in text, de-duplicated, in first-occurrence order."""
    return list(find_skills_with_counts(text))


def _snippet(text: str, start: int, end: int) -> str:
    """The line around a mention, cut to SNIPPET_CHARS around it."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end == -1 else line_end
    room = max(0, SNIPPET_CHARS - (end - start)) // 2
    left, right = max(line_start, start - room), min(line_end, end + room)
    if left > line_start:
        left = text.find(" ", left, start) + 1 or left
    if right < line_end:
        right = text.rfind(" ", end, right) if text.rfind(" ", end, right) > end else right
    snippet = " ".join(text[left:right].split())
    return (
        ("\u2026" if left > line_start else "") + snippet + ("\u2026" if right < line_end else "")
    )


def _weight(kinds: set[str], places: int) -> float:
    """0.5 for being there at all, more for a skills list and for each place it is used."""
    listed = "skills" in kinds
    used = places - (1 if listed else 0)
    return round(min(1.0, 0.5 + (0.2 if listed else 0.0) + 0.15 * min(used, 3)), 2)


def extract_skills(text: str, *, sections: Sequence[SectionSpan] = ()) -> list[FoundSkill]:
    """The document's skills with their evidence, then the skills they imply.

    Named skills come in order of first mention; implied ones follow the first skill
    that implies them. Each carries up to three pieces of evidence, from different
    sections first.
    """
    grouped: dict[str, list[Mention]] = {}
    for mention in find_mentions(text, sections=sections):
        grouped.setdefault(mention.skill, []).append(mention)
    named = {
        name: _named_skill(text, name, mentions, sections) for name, mentions in grouped.items()
    }
    return _with_implied(named)


def _named_skill(
    text: str, name: str, mentions: list[Mention], sections: Sequence[SectionSpan]
) -> FoundSkill:
    """A named skill with up to three pieces of evidence, one per section first."""
    located = [(_section_at(sections, m.start), m) for m in mentions]
    kinds = {kind for (_, kind), _ in located}
    places = len({number if number >= 0 else ("line", m.start) for (number, _), m in located})
    chosen: list[tuple[str, Mention]] = []
    seen_kinds: set[str] = set()
    for (_, kind), mention in located:  # one per section first...
        if kind not in seen_kinds:
            seen_kinds.add(kind)
            chosen.append((kind, mention))
    for (_, kind), mention in located:  # ...then more from anywhere
        if len(chosen) >= MAX_EVIDENCE:
            break
        if all(mention is not other for _, other in chosen):
            chosen.append((kind, mention))
    chosen = sorted(chosen[:MAX_EVIDENCE], key=lambda item: item[1].start)
    return FoundSkill(
        name=name,
        occurrences=len(mentions),
        evidence=tuple(
            dict.fromkeys(Evidence(kind, _snippet(text, m.start, m.end)) for kind, m in chosen)
        ),
        weight=_weight(kinds, places),
        sections=tuple(dict.fromkeys(kind for (_, kind), _ in located)),
    )


def _with_implied(named: dict[str, FoundSkill]) -> list[FoundSkill]:
    """``named`` in order, each followed by the skills it implies that were not named."""
    result: dict[str, FoundSkill] = {}
    for name, found in named.items():
        result[name] = found
        for parent in implied_skills(name):
            if parent in named or parent in result:
                existing = result.get(parent)
                if existing is not None and existing.implied_by:
                    result[parent] = _also_implied(existing, found)
                continue
            result[parent] = FoundSkill(
                name=parent,
                occurrences=0,
                evidence=found.evidence[:1],
                weight=round(found.weight * 0.9, 2),
                implied_by=(name,),
                sections=found.sections,
            )
    return list(result.values())


def _also_implied(existing: FoundSkill, child: FoundSkill) -> FoundSkill:
    evidence = existing.evidence
    if len(evidence) < MAX_EVIDENCE and child.evidence and child.evidence[0] not in evidence:
        evidence = (*evidence, child.evidence[0])
    return FoundSkill(
        name=existing.name,
        occurrences=0,
        evidence=evidence,
        weight=max(existing.weight, round(child.weight * 0.9, 2)),
        implied_by=(*existing.implied_by, child.name),
        sections=tuple(dict.fromkeys((*existing.sections, *child.sections))),
    )
