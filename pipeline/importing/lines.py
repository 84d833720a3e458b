"""What one line of a press release says, when it is not running text: a dateline, an embargo, a label,
topics, a contact person's name, role, phone number or e-mail address.

Month and weekday names come from Babel for the release's language (and English, which
Word templates often keep); everything else is a short list of the words press offices use.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date as Date, datetime, time as Time, timedelta, timezone
from functools import cache
from zoneinfo import ZoneInfo

from pipeline.labels import LABELS, babel_locale


@dataclass(frozen=True, slots=True)
class Moment:
    """A day, its time when the line gives one, and the offset from UTC when it names a zone ('10:00 CET')."""

    day: Date
    time: Time | None
    offset: timedelta | None = None

    def at(self, zone: ZoneInfo) -> datetime:
        moment = datetime.combine(self.day, self.time or Time(0))
        return moment.replace(tzinfo=timezone(self.offset)) if self.offset is not None else moment.replace(tzinfo=zone)


@cache
def _names(lang: str) -> tuple[dict[str, int], frozenset[str]]:
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
    return months, frozenset(days)


@cache
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


# A time of day: '09.00', 'kl. 9', '9:30 a.m.', '9am', '1000 GMT', with a zone perhaps ('10:00 CET', 'UTC+1').
_CLOCK = (r"(?P<hour>\d{1,2})(?:(?P<sep>[.:])(?P<minute>\d{2})|(?<=\d\d)(?P<joined>\d{2}))?\s*(?P<half>a\.?m\.?|p\.?m\.?)?"
          r"(?:\s*\(?(?P<zone>UTC|GMT|CET|CEST|EET|EEST|WET|WEST|BST|EST|EDT|PST|PDT|Z)"
          r"(?:\s*(?P<offset>[+\-−]\s*\d{1,2}(?::?\d{2})?))?\)?)?(?![\w.:+\-−])")
_AFTER = re.compile(r"\s*(?:T|[,–-])?\s*(?P<said>kl\.?|klo\.?|klockan|at|um|à)?\s*(?:[-–]\s*)?" + _CLOCK, re.I)
_ANYWHERE = re.compile(r"(?:(?P<said>kl\.?|klo\.?|klockan|at)\s*)?" + _CLOCK, re.I)
_ZONES = {"UTC": 0, "GMT": 0, "Z": 0, "WET": 0, "WEST": 1, "BST": 1, "CET": 1, "CEST": 2, "EET": 2, "EEST": 3,
          "EST": -5, "EDT": -4, "PST": -8, "PDT": -7}
# What says a time the patterns above do not read: then an embargo's time is not guessed.
_TIME_LIKE = re.compile(r"\d{1,2}[.:]\d{2}|\b\d{1,2}\s*[ap]\.?m\b|\b(kl|klo|klockan)\.?\s*\d|\b\d{3,4}\s*(h|hrs|hours)\b|"
                        r"\b(ET|CT|MT|PT|Eastern|Central|Mountain|Pacific|AEST|AEDT|IST|JST|HKT|SGT|MSK)\b", re.I)


def _clock(match: re.Match | None) -> tuple[Time, timedelta | None] | None:
    """The time a clock match names; None when it is no time (a bare number without 'kl.', ':', am or pm; four
    digits without 'kl.' or a zone)."""
    if match is None or not (match["minute"] or match["half"] or match["said"] or (match["joined"] and match["zone"])):
        return None
    if match["joined"] and not (match["said"] or match["zone"]):
        return None
    hour, minute = int(match["hour"]), int(match["minute"] or match["joined"] or 0)
    half = (match["half"] or "").lower()
    if half.startswith("p") and hour < 12:
        hour += 12
    if half.startswith("a") and hour == 12:
        hour = 0
    if hour > 23 or minute > 59:
        return None
    offset = None
    if match["zone"]:
        offset = timedelta(hours=_ZONES[match["zone"].upper()])
        if shift := match["offset"]:
            sign = -1 if shift.strip()[0] in "-−" else 1
            digits = re.sub(r"\D", "", shift)
            hours, minutes = (int(digits[:-2] or 0), int(digits[-2:])) if len(digits) > 2 else (int(digits), 0)
            offset += sign * timedelta(hours=hours, minutes=minutes)
    return Time(hour, minute), offset


def find_moment(text: str, lang: str, time_before: bool = False) -> tuple[Moment, int, int] | None:
    """The first date in `text` with the time that follows it (or, with `time_before`, the last time before it:
    '00.01 den 3 december'), and where the date and its time start and end; None without a date."""
    months, _ = _names(lang)
    for match in _date_pattern(lang).finditer(text):
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
        start, end = match.start(), match.end()
        after = _AFTER.match(text, end)
        if (clock := _clock(after)) is not None:
            return Moment(day, *clock), start, after.end()
        if time_before:
            before = [m for m in _ANYWHERE.finditer(text[:start]) if _clock(m) is not None]
            if before:
                return Moment(day, *_clock(before[-1])), before[-1].start(), end
        return Moment(day, None), start, end
    return None


def unread_time(text: str, start: int, end: int) -> bool:
    """Whether the line says a time outside what was read of it (start to end), or names a zone not known here."""
    return bool(_TIME_LIKE.search(text[:start] + " " + text[end:])) or bool(re.search(
        r"\b(ET|CT|MT|PT|Eastern|Central|Mountain|Pacific|AEST|AEDT|IST|JST|HKT|SGT|MSK)\b", text))


def dateline(text: str, lang: str) -> tuple[str | None, Moment] | None:
    """(place, moment) when the whole line is a dateline: 'Halmstad, 26 november 2026', 'Halmstad den 26
    november 2026 kl. 09.00', 'HALMSTAD, Sweden – November 26, 2026', '26.11.2026'; None for any other line."""
    if len(text) > 90 or embargo_line(text):
        return None
    found = find_moment(text, lang)
    if found is None:
        return None
    moment, start, end = found
    if text[end:].strip(" .,–-"):
        return None
    _, days = _names(lang)
    place = text[:start]
    while True:  # 'Halmstad, onsdag den 26 november': the weekday and 'den' are no part of the place
        trimmed = re.sub(r"[\s,–—-]*\b(\w+)\.?[\s,–—-]*$",
                         lambda m: "" if m[1].lower() in days | {"den", "the", "d", "on"} else m[0], place)
        if trimmed == place:
            break
        place = trimmed
    place = place.strip(" ,–—-")
    if not place:
        return None, moment
    if len(place.split()) > 4 or re.search(r"[\d:;!?()]", place) or not place[0].isupper():
        return None
    return " ".join(w.title() if w.isupper() and len(w) > 2 else w for w in place.split(" ")), moment


# An embargo line starts as one: 'EMBARGO: 3 december 2026 kl. 10.00', 'Under embargo till …', 'Spärrad till …',
# 'Embargoed until …', 'Publiceras inte före …'. A sentence that mentions an embargo ('EU:s embargo mot …') is text.
_EMBARGO = re.compile(
    r"^\W*((under\s+)?(embargo(ed)?|spärrad|spärrat|spärrtid|sperrefrist|sperret)\b\W*(till|until|to|före|before|tom|"
    r"t\.o\.m\.?|:|$|\d)|publiceras\s+(inte|ej)\s+före|får\s+(inte|ej)\s+publiceras|"
    r"not\s+(to\s+be\s+published|for\s+(publication|release))\s+(before|until)|julkaisuvapaa|"
    r"ikke\s+til\s+offentliggørelse)", re.I)


def embargo_line(text: str, lang: str = "en") -> bool:
    """Whether a line announces an embargo: it starts as embargo lines start, and is no long sentence."""
    return len(text.split()) <= 40 and bool(_EMBARGO.match(text))


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
        if key.strip().casefold() in words and (entries := list_entries(rest)):
            return field, entries
    return None


def list_entries(text: str) -> list[str] | None:
    """The entries of a list of topics or regions; None for text that is no such list (a sentence, an area)."""
    entries = [e.strip(" .") for e in re.split(r"[,;]|\s+\|\s+", text) if e.strip(" .")]
    if not entries or len(entries) > 12 or any(len(e) > 40 or re.search(r"\d", e) or len(e.split()) > 4 for e in entries):
        return None
    return entries


def is_list_heading(text: str) -> str | None:
    """'topics' or 'regions' for a heading such as 'Ämnen', whose paragraph below lists them."""
    bare = text.strip(" :").casefold()
    return next((field for field, words in _LIST_FIELDS.items() if bare in words), None)


# Contact persons
_MORE_INFORMATION = (r"(?:för\s+(?:mer|ytterligare)\s+information|mer\s+information|ytterligare\s+information|"
                     r"for\s+(?:more|further)\s+information|further\s+information|for\s+mere\s+information|"
                     r"flere\s+opplysninger|mer\s+informasjon|lisätietoja)")
_CONTACT_WORDS = (r"(?:kontakt|kontakter|kontakta(?:\s+oss)?|kontaktperson(?:er)?|kontaktpersonar|kontaktuppgifter|"
                  r"press\s?kontakt(?:er)?|mediekontakt(?:er)?|(?:press|media)\s+contacts?|contacts?|contact\s+persons?|"
                  r"(?:media|press)\s+enquiries|yhteyshenkilö(?:t)?|yhteystiedot)")
_ASK = r"(?:\s*[,:]?\s*(?:please\s+)?(?:kontakta|contact|kontakte|ring|call|ota\s+yhteyttä)(?:\s+gärna)?)"
_CONTACT_HEADING = re.compile(rf"^(?:{_MORE_INFORMATION}{_ASK}?|{_CONTACT_WORDS})\s*:?$", re.I)
_CONTACT_OPENING = re.compile(rf"^(?P<head>{_MORE_INFORMATION}{_ASK}?|{_CONTACT_WORDS}|kontakta|contact)\b\s*:?\s+"
                              r"(?P<rest>\S.*)$", re.I)


def contact_heading(text: str) -> bool:
    """Whether a heading heads a block of contact persons: 'Kontakt', 'För mer information, kontakta:'."""
    return bool(_CONTACT_HEADING.match(" ".join(text.split())))


def contact_opening(text: str) -> tuple[str, str] | None:
    """('För mer information, kontakta', 'Anna Berg, 035-…') for a paragraph that opens with its heading."""
    match = _CONTACT_OPENING.match(" ".join(text.split()))
    return (match["head"], match["rest"]) if match else None


_PHONE_LABEL = re.compile(r"^(tel(efon|ephone|\.)?|phone|mobil(e|telefon|nummer)?|mob\.?|cell|direkt|växel|tfn|tlf|"
                          r"puh(elin)?\.?|telefonnummer|ring)\b\.?\s*:?\s*", re.I)
_EMAIL_LABEL = re.compile(r"^(e-?post(adress)?|e-?mail|mejl|mail|sähköposti|e-?postadresse)\s*:?\s*", re.I)
_NAME_LABEL = re.compile(r"^(namn|name|navn|nimi)\s*:\s*", re.I)
_ROLE_LABEL = re.compile(r"^(titel|title|roll|role|befattning|position|tittel|titteli)\s*:\s*", re.I)
_CONNECTIVE = re.compile(r"^(på|on|at|via|eller|or|och|and|tel|or\s+by)\s+", re.I)
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
    """A line of a contact block as (kind, value) parts: 'name', 'role', 'phone', 'email' or 'text'."""
    line = _CONNECTIVE.sub("", line.strip().strip(",;.").strip())
    if not line:
        return []
    for label, kind in ((_NAME_LABEL, "name"), (_ROLE_LABEL, "role")):
        if label.match(line):
            return [(kind, label.sub("", line, count=1).strip())]
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
    pieces = [p.strip() for p in re.split(r",\s+|;\s*|\s+\|\s+|\s+[–—]\s+|\s+/\s+|\s+(?:eller|or)\s+", line) if p.strip()]
    if len(pieces) > 1:
        return [part for piece in pieces for part in contact_parts(piece)]
    return [("text", line)]


def contact_like(line: str) -> bool:
    """Whether a line reads as part of a contact block: a number, an address, a name or a role, a 'Kontakta:'."""
    text = line.strip()
    if not text or text.endswith(":"):
        return True
    if re.search(r"[.!?]$", text) and len(text.split()) > 4:
        return False  # a sentence: 'Ring gärna om du har frågor.'
    parts = contact_parts(text)
    return all(kind != "text" or (len(value) <= 80 and not re.search(r"[.!?]$", value) and len(value.split()) <= 10)
               for kind, value in parts)


def people(paragraphs: list[list[str]]) -> tuple[list[Person], list[str]]:
    """The contact persons in a contact block's paragraphs (each a list of lines), and the lines that name none
    of theirs (a sentence, a second phone number)."""
    found: list[Person] = []
    other: list[str] = []
    current: Person | None = None
    for paragraph in paragraphs:
        for number, line in enumerate(paragraph):
            text = line.strip()
            if not text or (text.endswith(":") and all(k == "text" for k, _ in contact_parts(text[:-1]))):
                continue
            if not contact_like(text):
                other.append(text)
                continue
            parts = contact_parts(text)
            for kind, value in parts:
                if kind == "text":
                    value = re.sub(r"^(kontakta|contact|kontakt)\s*:?\s*", "", value, flags=re.I).strip()
                    if not value:
                        continue
                    in_brackets = re.match(r"^(.+?)\s*\((.+)\)$", value)
                    # A person's name starts the next person once this one has a name; a title or an organisation
                    # ('Press Officer', 'Region Halland') is the role.
                    starts = person_name(in_brackets[1] if in_brackets else value)
                    if current is None or (current.name and starts):
                        current = Person()
                        found.append(current)
                    if current.name is None:
                        current.name, current.role = (in_brackets[1], in_brackets[2]) if in_brackets else (value, current.role)
                    elif current.role is None:
                        current.role = value
                    else:
                        current.role += ", " + value
                elif kind in ("name", "role"):
                    if current is None or (kind == "name" and current.name):
                        current = Person()
                        found.append(current)
                    setattr(current, kind, value)
                else:
                    if current is None:
                        current = Person()
                        found.append(current)
                    if getattr(current, kind):
                        other.append(value)  # a second number: a contact has one
                    else:
                        setattr(current, kind, value)
    return [p for p in found if p.name], other


# A title is a Nordic compound ending in one of these ('bibliotekschef', 'cityledare'), or holds an English one.
_ROLE_WORDS = re.compile(
    r"(chef|ledare|ansvarig|samordnare|kommunikatör|handläggare|direktör|ordförande|sekreterare|strateg|rådgivare|"
    r"assistent|koordinator|talesperson|kommunalråd|leder|sjef|johtaja|päällikkö|sihteeri)\b|"
    r"\b(officer|manager|director|head|chair|chairman|chairwoman|coordinator|spokesperson|spokesman|adviser|advisor|"
    r"councillor|mayor|secretary|president|editor|press|media|communications?)\b", re.I)
_ORGANISATION_WORDS = re.compile(
    r"\b(ab|ltd|inc|gmbh|as|asa|oy|kommun|region|municipality|council|förvaltning(en)?|universitet|university|stad|"
    r"city|museum|bolag(et)?|förening(en)?|förbund(et)?|department|avdelning(en)?|enhet(en)?|kontor(et)?|"
    r"kaupunki|kunta)\b", re.I)


def person_name(text: str) -> bool:
    """A person's name: name-like, and no title or organisation ('Press Officer', 'Region Halland')."""
    return name_like(text) and not _ROLE_WORDS.search(text) and not _ORGANISATION_WORDS.search(text)


def name_like(text: str) -> bool:
    """Two to five words that start with capitals, and no digits: 'Caroline Bengtsson', 'Anna-Karin af Ekström'."""
    words = text.split()
    return 2 <= len(words) <= 5 and not re.search(r"\d", text) and words[0][:1].isupper() and words[-1][:1].isupper()
