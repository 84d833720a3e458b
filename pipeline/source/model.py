"""The model at the centre: a press room (`Site`) and its releases, frozen once loaded."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from pipeline.labels import language_candidates
from pipeline.limits import Limits
from pipeline.source.check_settings import CheckSettings


@dataclass(frozen=True, slots=True)
class Contact:
    name: str
    role: str | None = None
    phone: str | None = None
    email: str | None = None


@dataclass(frozen=True, slots=True)
class Image:
    src: Path  # resolved file inside sources/
    alt: str
    caption: str | None = None
    credit: str | None = None
    decorative: bool = False
    license: str | None = None  # on what terms others may use it; None: the press room's default


@dataclass(frozen=True, slots=True)
class Attachment:
    src: Path  # resolved file inside sources/
    title: str


@dataclass(frozen=True, slots=True)
class Correction:
    date: datetime
    text: str


@dataclass(frozen=True, slots=True)
class Boilerplate:
    title: str | None
    text: str


@dataclass(frozen=True, slots=True)
class MailSettings:
    """How `press mail` signs its messages: site.yaml's `mail:` section."""

    sender: str  # 'Halmstads kommun <press@halmstad.se>' or an address alone
    reply_to: str | None = None
    unsubscribe: str | None = None  # 'mailto:…' or 'https://…', for the List-Unsubscribe header


@dataclass(frozen=True, slots=True)
class Accessibility:
    """site.yaml's `accessibility:` section: what the press room's accessibility statement says (DIGG's model)."""

    status: str  # how far the press room meets the law: "full", "partial" or "none"
    assessed: datetime  # the last assessment
    method: str  # who assessed it: "self" or "external"
    email: str | None = None  # where to report a problem or ask for content in another format
    phone: str | None = None
    form: str | None = None  # or a web form for it
    gaps: tuple[str, ...] = ()  # known gaps, in the press room's language
    updated: datetime | None = None  # when the statement was last reviewed; None: when assessed
    enforcement: tuple[str, str] = ("", "")  # (name, address) of the body that enforces the law

    @property
    def reviewed(self) -> datetime:
        return self.updated or self.assessed


@dataclass(frozen=True, slots=True)
class Site:
    path: Path  # sources/site.yaml
    root: Path  # the sources folder
    name: str
    url: str  # always ends with "/"
    lang: str
    title: str
    description: str | None
    timezone: str
    logo: Image | None
    theme: str
    boilerplate: dict[str, Boilerplate]  # keyed by language; "" for one text in every language
    contacts: tuple[Contact, ...]
    feed_size: int = 50  # newest entries in each feed
    wire_width: int | None = None  # hard-wrap wire text at this width; None: one paragraph per line
    wire_ascii: bool = False  # fold wire text to ASCII for legacy systems
    limits: Limits = Limits()  # what one release may ask of the machine
    check: CheckSettings = CheckSettings()  # which editorial checks `press check` runs
    mail: MailSettings | None = None  # for press mail; None: not set up
    image_license: str | None = None  # site.yaml's images: {license: …}, for images that name none
    accessibility: Accessibility | None = None  # its accessibility statement; None: the press room has none
    accessibility_faulty: bool = False  # site.yaml's accessibility: has mistakes (its warnings say which)

    def boilerplate_for(self, lang: str) -> tuple[str | None, Boilerplate | None]:
        """(its language, the text): the exact tag, then its primary language, then the site's language."""
        for key in (*language_candidates(lang), self.lang, ""):
            if key in self.boilerplate:
                return key or self.lang, self.boilerplate[key]
        return None, None


@dataclass(frozen=True, slots=True)
class Release:
    path: Path  # the Markdown file
    source: str  # path relative to the folder holding sources/, as the manifest gives it
    id: str
    slug: str
    title: str
    date: datetime
    lang: str
    type: str | None = None
    place: str | None = None
    lead: str | None = None
    topics: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    contacts: tuple[Contact, ...] = ()
    image: Image | None = None
    attachments: tuple[Attachment, ...] = ()
    embargo: datetime | None = None
    updated: datetime | None = None
    corrections: tuple[Correction, ...] = ()  # oldest first (load sorts them)
    draft: bool = False
    boilerplate: bool = True
    body: str = ""
    body_line: int = 1  # line of the file where the body starts
    source_bytes: bytes = field(default=b"", repr=False)

    @property
    def public_time(self) -> datetime:
        """When the release may first be seen: its date, or its embargo if later."""
        if self.embargo and self.embargo > self.date:
            return self.embargo
        return self.date

    @property
    def version(self) -> int:
        """1 when first published, then one more for every correction."""
        return 1 + len(self.corrections)

    @property
    def named_files(self) -> tuple[Path, ...]:
        """The files its front matter names: the attachments, then the key image."""
        return tuple(a.src for a in self.attachments) + ((self.image.src,) if self.image else ())

    def is_public(self, now: datetime) -> bool:
        return not self.draft and self.public_time <= now

    @property
    def folder(self) -> str:
        """Where its outputs live under dist/, e.g. '2026/halmstad-quality-mark'."""
        return f"{self.date.year}/{self.slug}"
