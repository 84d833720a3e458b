"""What every format says of a release's corrections and contacts, decided in one place.

The page, the feeds, the wire text, NewsML-G2 and ninjs each write these in their own markup;
what they say comes from here: each correction's date as the release's readers write it, and
which contacts are named, with which details, in which order. (The page's contacts are written
by the theme's contact.html, which shows the same details in the same order.)
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.body.document import Document
from pipeline.labels import labels, long_date
from pipeline.source.model import Contact


@dataclass(frozen=True, slots=True)
class CorrectionNote:
    """One correction as a reader is told it: 'Updated' 'October 9, 2026': 'The opening hours …'."""

    label: str  # what the release's language calls it: 'Updated', 'Uppdaterad', …
    iso: str  # when it was made, ISO 8601, for machines (<time datetime>)
    date: str  # the day it was made, in the release's language and the press room's time zone
    text: str  # what changed, as the source says it


def correction_notes(doc: Document) -> list[CorrectionNote]:
    """The release's corrections, oldest first (the order the release holds them in)."""
    r, tz = doc.release, doc.site.timezone
    label = labels(r.lang)["updated"]
    return [CorrectionNote(label, c.date.isoformat(), long_date(c.date, r.lang, tz), c.text) for c in r.corrections]


def contacts_of(doc: Document, newsroom: bool = False) -> tuple[Contact, ...]:
    """Whom a format names: the release's own contacts; with `newsroom`, then the press room's (site.yaml)."""
    return doc.release.contacts + (doc.site.contacts if newsroom else ())


def name_and_role(contact: Contact) -> str:
    """'Anna Svensson, pressansvarig': the name, then the role when it has one."""
    return contact.name + (f", {contact.role}" if contact.role else "")


def ways_to_reach(contact: Contact) -> list[tuple[str, str]]:
    """[('phone', '035-13 73 50'), ('email', 'anna@example.org')]: those given, the phone first.

    The kinds are the label keys of their names (labels(lang)['phone']) and ninjs's contact types.
    """
    return [(kind, value) for kind, value in (("phone", contact.phone), ("email", contact.email)) if value]
