"""What one line of a press release says, when it is not running text: a dateline, an embargo, a label,
topics, a contact person's name, role, phone number or e-mail address.

Month and weekday names come from Babel for the release's language (and English, which
Word templates often keep); everything else is a short list of the words press offices use.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date as Date, datetime, time as Time
from functools import cache
from zoneinfo import ZoneInfo

from pipeline.labels import LABELS, babel_locale


@dataclass(frozen=True, slots=True)
class Moment:
    """A day, and its time when the line gives one."""

    day: Date
    time: Time | None

    def at(self, zone: ZoneInfo) -> datetime:
        return datetime.combine(self.day, self.time or Time(0), zone)


@cache
def _names(lang: str) -> tuple[dict[str, int], set[str]]:
    """month name (any width, lower case, without a final '.') -> its number; and the weekday names."""
    from babel import Locale
    from babel.dates import get_day_names, get_month_names

    months: dict[str, int] = {}
    days: set[str] = set()
    for tag in dict.fromkeys((babel_locale(lang), "en")):
        try:
            locale = Locale.parse(tag)
        except (ValueError, LookupError):
            continue
        for context in ("format", "stand-alone"):
            for width in ("wide", "abbreviated"):
                for number, name in get_month_names(width, context, locale).items():
                    months.setdefault(name.lower().rstrip("."), number)
                for name in get_day_names(width, context, locale).values():
                    days.add(name.lower().rstrip("."))
    months |= {"sept": 9, "maj": 5}
    return months, days


_TIME = r"(?:(?:kl\.?|klo\.?|klockan|at|um|à|,|-|–)\s*)?(?P<hour>\d{1,2})(?:[.:](?P<minute>\d{2}))?\s*(?P<half>a\.?m\.?|p\.?m\.?)?"


def _date_pattern(lang: str) -> re.Pattern:
    months, _ = _names(lang)
    month = "|".join(sorted((re.escape(m) for m in months), key=len, reverse=True))
    return re.compile(
        rf"(?P<iso>(?P<iy>\d{{4}})-(?P<im>\d{{1,2}})-(?P<id>\d{{1,2}}))"
        rf"|(?P<dotted>(?P<dd>\d{{1,2}})\.(?P<dm>\d{{1,2}})\.(?P<dy>\d{{4}}))"
        rf"|(?P<named>(?P<nd>\d{{1,2}})(?:\.|:e|:a)?\s+(?P<nm>{month})\.?,?\s+(?P<ny>\d{{4}}))"
        rf"|(?P<english>(?P<em>{month})\.?\s+(?P<ed>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<ey>\d{{4}}))",
        re.I,
    )


_patterns: dict[str, re.Pattern] = {}


def find_moment(text: str, lang: str) -> tuple[Moment, int, int] | None:
    """The first date in `text` with the time that follows it, and where it starts and ends; None without one."""
    pattern = _patterns.get(lang) or _patterns.setdefault(lang, _date_pattern(lang))
    months, _ = _names(lang)
    for match in pattern.finditer(text):
        g = match.groupdict()
        try:
            if g["iso"]:
                day = Date(int(g["iy"]), int(g["im"]), int(g["id"]))
            elif g["dotted"]:
                day = Date(int(g["dy"]), int(g["dm"]), int(g["dd"]))
            elif g["named"]:
                day = Date(int(g["ny"]), months[g["nm"].lower().rstrip(".")], int(g["nd"]))
            else:
                day = Date(int(g["ey"]), months[g["em"].lower().rstrip(".")], int(g["ed"]))
        except (ValueError, KeyError):
            continue
        end = match.end()
        clock = re.match(r"\s*" + _TIME + r"(?![\d.:])", text[end:], re.I)
        time = None
        if clock and (clock["minute"] or clock["half"] or re.match(r"\s*(kl|klo|klockan|at)\b", text[end:], re.I)):
            hour, minute = int(clock["hour"]), int(clock["minute"] or 0)
            if clock["half"] and clock["half"].lower().startswith("p") and hour < 12:
                hour += 12
            if clock["half"] and clock["half"].lower().startswith("a") and hour == 12:
                hour = 0
            if hour < 24 and minute < 60:
                time, end = Time(hour, minute), end + clock.end()
        return Moment(day, time), match.start(), end
    return None


def dateline(text: str, lang: str) -> tuple[str | None, Moment] | None:
    """(place, moment) when the whole line is a dateline: 'Halmstad, 26 november 2026', 'Halmstad den 26
    november 2026 kl. 09.00', 'London, 26 November 2026', '26.11.2026'; None for any other line."""
    if len(text) > 90:
        return None
    found = find_moment(text, lang)
    if found is None:
        return None
    moment, start, end = found
    if text[end:].strip(" .,–-"):
        return None
    _, days = _names(lang)
    words = [w for w in re.split(r"[\s,]+", text[:start]) if w]
    while words and (words[-1].lower().rstrip(".") in days | {"den", "the", "d", "on"}):
        words.pop()
    place = " ".join(words).strip(" ,–-")
    if not place:
        return None, moment
    if len(words) > 4 or re.search(r"[\d:;!?]", place) or not place[0].isupper():
        return None
    return (place.title() if place.isupper() else place), moment


_EMBARGO = re.compile(
    r"^\W*(embargo|spärr(ad|at|tid)?|sperre(frist|t)?|publiceras\s+(inte|ej)\s+före|får\s+(inte|ej)\s+publiceras|"
    r"not\s+(to\s+be\s+published|for\s+(publication|release))|julkaisuvapaa|ikke\s+til\s+offentliggørelse)",
    re.I,
)


def embargo_line(text: str) -> bool:
    """Whether the line announces an embargo ('EMBARGO: 26 november 2026 kl. 10.00', 'Spärrad till …')."""
    return len(text) <= 160 and bool(_EMBARGO.match(text))


# What a press office writes above the headline; the labels the pipeline prints, in every language, and more.
TYPES = {label["type"].casefold() for label in LABELS.values() if "type" in label} | {
    "pressinbjudan", "pressinformation", "nyhet", "nyheter", "pressrelease", "medieinbjudan", "news release",
    "media release", "media advisory", "news", "press statement", "pressemitteilung", "mediatiedote",
}


def type_label(text: str) -> str | None:
    """The line as a type label ('Pressmeddelande', 'PRESS RELEASE –'), or None."""
    bare = text.strip(" -–—:|•·").strip()
    return (bare.capitalize() if bare.isupper() else bare) if bare.casefold() in TYPES else None


_LIST_FIELDS = {
    "topics": {l["topics"].casefold() for l in LABELS.values() if "topics" in l} | {
        "ämne", "topic", "nyckelord", "keywords", "taggar", "tags", "emneord", "aihe", "avainsanat"},
    "regions": {l["regions"].casefold() for l in LABELS.values() if "regions" in l} | {
        "region", "område", "områden", "alue", "geografi"},
}


def list_field(text: str) -> tuple[str, list[str]] | None:
    """('topics' or 'regions', the entries) for a line such as 'Ämnen: Stadsutveckling, Samverkan'."""
    key, colon, rest = text.partition(":")
    if not colon or not rest.strip():
        return None
    for field, words in _LIST_FIELDS.items():
        if key.strip().casefold() in words:
            return field, [e.strip(" .") for e in re.split(r"[,;]|\s+\|\s+", rest) if e.strip(" .")]
    return None


def is_list_heading(text: str) -> str | None:
    """'topics' or 'regions' for a heading such as 'Ämnen', whose paragraph below lists them."""
    bare = text.strip(" :").casefold()
    return next((field for field, words in _LIST_FIELDS.items() if bare in words), None)


# Contact persons
_CONTACT_HEADINGS = re.compile(
    r"^(kontakt\w*|press\s?kontakt\w*|mediekontakt\w*|för\s+(mer|ytterligare)\s+information|mer\s+information|"
    r"ytterligare\s+information|frågor|media\s+contacts?|press\s+contacts?|contacts?|contact\s+persons?|"
    r"for\s+(more|further)\s+information|further\s+information|media\s+enquiries|press\s+enquiries|"
    r"for\s+mere\s+information|flere\s+opplysninger|mer\s+informasjon|yhteyshenkilö\w*|lisätietoja\w*|"
    r"kontaktperson\w*)\b",
    re.I,
)


def contact_heading(text: str) -> bool:
    return len(text) <= 120 and bool(_CONTACT_HEADINGS.match(text.strip()))


_LABEL = r"[A-Za-zÅÄÖåäöÆØæøéü.\- ]{1,20}"
_PHONE_LABEL = re.compile(r"^(tel(efon|ephone|\.)?|phone|mobil(e|telefon|nummer)?|mob\.?|cell|direkt|växel|tfn|tlf|"
                          r"puh(elin)?\.?|telefonnummer|ring)\b\.?\s*:?\s*", re.I)
_EMAIL_LABEL = re.compile(r"^(e-?post(adress)?|e-?mail|mejl|mail|sähköposti|e-?postadresse)\s*:?\s*", re.I)
_ENDS_IN_PHONE = re.compile(r"^(.*?\D)[\s,]+(\+?[\d(][\d\s\-()/]{5,22}\d)$")
PHONE = re.compile(r"^\+?[\d(][\d\s\-()/.]{4,22}\d$")
EMAIL = re.compile(r"^[^@\s,;:<>()\[\]]+@[^@\s,;:<>()\[\]]+\.[A-Za-z]{2,}$")


@dataclass
class Person:
    name: str | None = None
    role: str | None = None
    phone: str | None = None
    email: str | None = None

    def as_fields(self) -> dict[str, str]:
        return {k: v for k, v in (("name", self.name), ("role", self.role), ("phone", self.phone), ("email", self.email)) if v}


def contact_parts(line: str) -> list[tuple[str, str]]:
    """A line of a contact block as (kind, value) parts: 'phone', 'email' or 'text'."""
    line = line.strip().strip(",;")
    if not line:
        return []
    stripped = _PHONE_LABEL.sub("", line, count=1)
    if stripped != line and PHONE.match(stripped.strip()):
        return [("phone", " ".join(stripped.split()))]
    stripped = _EMAIL_LABEL.sub("", line, count=1)
    if EMAIL.match(stripped.strip().strip("<>")):
        return [("email", stripped.strip().strip("<>"))]
    if PHONE.match(line):
        return [("phone", " ".join(line.split()))]
    if (ending := _ENDS_IN_PHONE.match(line)) and not re.search(r"\d", ending[1]):  # 'kommunikatör 0729-83 74 88'
        return [*contact_parts(ending[1]), ("phone", " ".join(ending[2].split()))]
    pieces = [p.strip() for p in re.split(r",\s+|;\s*|\s+\|\s+|\s+[–—]\s+|\s+/\s+", line) if p.strip()]
    if len(pieces) > 1:
        parts: list[tuple[str, str]] = []
        for piece in pieces:
            parts += contact_parts(piece) if any(contact_parts(piece)[0][0] == k for k in ("phone", "email")) \
                else [("text", piece)]
        return parts
    return [("text", line)]


def people(lines: list[str]) -> tuple[list[Person], list[str]]:
    """The contact persons a contact block's lines name, and the lines that say something else."""
    found: list[Person] = []
    other: list[str] = []
    current: Person | None = None
    for line in lines:
        text = line.strip()
        if not text or (text.endswith(":") and not any(k != "text" for k, _ in contact_parts(text[:-1]))):
            continue
        parts = contact_parts(text)
        texts = [v for k, v in parts if k == "text"]
        if texts and not _name_like(texts[0]) and len(texts[0].split()) > 8:
            other.append(text)  # a sentence: 'Ring gärna om du har frågor.'
            continue
        for kind, value in parts:
            if kind == "text":
                value = re.sub(r"^(kontakta|contact|kontakt)\s*:?\s*", "", value, flags=re.I).strip()
                if not value:
                    continue
                role_in_brackets = re.match(r"^(.+?)\s*\((.+)\)$", value)
                if current is None or (current.name and (current.phone or current.email or current.role)
                                       and _name_like(value)):
                    current = Person()
                    found.append(current)
                if current.name is None:
                    if role_in_brackets:
                        current.name, current.role = role_in_brackets[1], role_in_brackets[2]
                    else:
                        current.name = value
                elif current.role is None:
                    current.role = value
                else:
                    current.role += ", " + value
            else:
                if current is None or getattr(current, kind):
                    current = Person()
                    found.append(current)
                setattr(current, kind, value)
    return [p for p in found if p.name or p.phone or p.email], other


def _name_like(text: str) -> bool:
    """Two to five words that start with capitals, and no digits: 'Caroline Bengtsson', 'Anna-Karin af Ekström'."""
    words = text.split()
    return 2 <= len(words) <= 5 and not re.search(r"\d", text) and words[0][:1].isupper() and words[-1][:1].isupper()
