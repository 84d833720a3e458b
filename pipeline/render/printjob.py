"""What a PDF is made from, and what comes back: plain data, sent to and from the PDF workers."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

# Alt text of a decorative image in the page the PDF is made from: WeasyPrint demands
# alt text, and pdf_archive.py turns figures carrying this mark into artifacts.
DECORATIVE = "\u2063"
# Fontconfig reads this instead of the machine's configuration: it names no folder of fonts, so a PDF is made
# from the theme's fonts alone, the same on every machine, whatever fonts (and font settings) it has.
NO_SYSTEM_FONTS = Path(__file__).with_name("no-system-fonts.conf")


@dataclass(frozen=True, slots=True)
class Embedded:
    """A file carried inside the PDF as a PDF/A-3 associated file."""

    name: str
    data: bytes
    mime: str
    description: str
    relationship: str  # "Source", "Data", ...
    modified: datetime


def embedded_for(release, press_copy: bool = False) -> list[Embedded]:
    """The canonical source, byte for byte, and a small record to check it against (with, in a `press_copy`, the
    embargo it is under)."""
    changed = release.updated or release.date
    record = {
        "id": release.id,
        "version": release.version,
        "date": release.date.isoformat(),
        "updated": release.updated.isoformat() if release.updated else None,
        "source": release.source,
        "sha256": hashlib.sha256(release.source_bytes).hexdigest(),
    }
    if press_copy:
        record["embargo"] = release.embargo.isoformat()
    return [
        Embedded(release.path.name, release.source_bytes, "text/markdown", "Canonical source of this press release",
                 "Source", changed),
        Embedded("release.json", (json.dumps(record, indent=2) + "\n").encode(), "application/json",
                 "Identity and version of this press release", "Data", changed),
    ]


@dataclass(frozen=True, slots=True)
class PrintJob:
    """Everything WeasyPrint needs for one release's PDF: plain data, sent to a worker."""

    html: str  # the printable page
    base_url: str  # the release's public address: links in the PDF are the published ones
    files: dict[str, Path | bytes]  # public URL -> file or its bytes (on a cluster), the only files the page may load
    path: str  # the PDF's path under dist/
    source: Path  # the release's source, where problems are reported and what the PDF embeds
    embedded: list[Embedded]  # carried in the PDF, listed in /AF
    stylesheets: tuple[str, ...]  # public URLs of the theme's print stylesheets, in order
    theme_files: dict[str, Path | bytes]
    seconds: int = 180  # the most the PDF may take
    font_list: str = ""  # the rule that names the fonts of the page's scripts, after the theme's site.css


def content(file: Path | bytes) -> bytes:
    """What a file of a PrintJob holds: read here, or carried in the job."""
    return file if isinstance(file, bytes) else file.read_bytes()


@dataclass(frozen=True, slots=True)
class Printed:
    """A worker's answer: the PDF and its page count, or the problems that stopped it."""

    data: bytes = b""
    pages: int = 0
    problems: tuple = ()  # Problem; an exception would not survive pickling with them
