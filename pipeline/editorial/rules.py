"""The editorial checks of one converted release: what `press check` adds to what an export reports."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from pipeline.body.document import Document
from pipeline.body.tree import stringify
from pipeline.editorial.language import (FLESCH_BANDS, LIX_BANDS, band, flesch, lix, measure_for, officialese_in,
                                         says_nothing, sentences, shouted, words)
from pipeline.problems import Problem, first_text_line, line_holding, line_starting
from pipeline.source.check_settings import CheckSettings
from pipeline.source.model import Release


def review(doc: Document) -> list[Problem]:
    """Every editorial finding of one release that does not depend on the time of the check, by line."""
    found = _Review(doc)
    for check in (found.title, found.lead, found.body_text, found.links_and_images, found.tables, found.completeness):
        check()
    return sorted(found.problems, key=lambda p: p.line)


@dataclass(frozen=True, slots=True)
class Timing:
    """A release's date and embargo and their lines: what the findings that depend on the time are made of."""

    date: str  # ISO 8601
    embargo: str | None
    date_line: int
    embargo_line: int

    @classmethod
    def of(cls, release: Release) -> Timing:
        lines = release.source_bytes.decode("utf-8", "replace").split("\n")
        return cls(release.date.isoformat(), release.embargo.isoformat() if release.embargo else None,
                   line_starting(lines, "date:") or 1, line_starting(lines, "embargo:") or 1)


def timely(path: Path, timing: Timing, settings: CheckSettings, now: datetime) -> list[Problem]:
    """The findings that depend on the time of the check: an embargo that has passed, a future date without one."""
    if not settings.runs("embargo"):
        return []
    date, embargo = datetime.fromisoformat(timing.date), timing.embargo and datetime.fromisoformat(timing.embargo)
    found = []
    if embargo and embargo <= now:
        found.append(Problem(path, timing.embargo_line, "note", f"the embargo ended {embargo:%Y-%m-%d %H:%M}; the line "
                             "can go"))
    if date > now and not embargo:
        found.append(Problem(path, timing.date_line, "warning", "the date is in the future and there is no embargo: "
                             "the release goes out then, but news agencies get no press copy beforehand; if they "
                             "should, add 'embargo:' with the same time"))
    return found


class _Review:
    def __init__(self, doc: Document):
        self.doc, self.release, self.settings = doc, doc.release, doc.site.check
        self.source_lines = self.release.source_bytes.decode("utf-8", "replace").split("\n")
        self.body_lines = self.release.body.split("\n")
        self.problems: list[Problem] = []
        self.nodes = list(_nodes(doc.blocks))

    def say(self, check: str, line: int, severity: str, message: str) -> None:
        if self.settings.runs(check):
            self.problems.append(Problem(self.release.path, line, severity, message))  # type: ignore[arg-type]

    def field_line(self, key: str) -> int:
        return line_starting(self.source_lines, key + ":") or 1

    def body_line(self, text: str) -> int:
        """The line of the body where `text` (as pandoc gives it, without marks) is written, as near as it is found."""
        shown = words(text)
        tries = [text[:40], " ".join(shown[:4]), " ".join(shown[:2]), shown[0] if shown else ""]
        return line_holding(self.body_lines, *tries, first=self.release.body_line) or self.release.body_line

    def title(self) -> None:
        title, line = self.release.title, self.field_line("title")
        if len(title) > self.settings.title_characters:
            self.say("title", line, "warning", f"the title is {len(title)} characters long, more than "
                     f"{self.settings.title_characters}; shorten it to what the news is, and put the rest in the lead")
        if title.endswith(".") and not title.endswith(".."):
            self.say("title", line, "warning", "the title ends in a full stop, which headlines leave out; remove it")
        if shouted(title):
            self.say("capitals", line, "warning", "the title is written in capitals, which are hard to read and read "
                     "out letter by letter by some screen readers; write it in ordinary case")

    def lead(self) -> None:
        lead = self.release.lead or ""
        count = len(words(lead))
        if count > self.settings.lead_words:
            self.say("lead-length", self.field_line("lead"), "warning", f"the lead is {count} words long, more than "
                     f"{self.settings.lead_words}; keep it to one or two sentences with the news, and move the rest to "
                     "the body")
        self.plain_language(lead, lambda _: self.field_line("lead"))

    def body_text(self) -> None:
        paragraphs = [(n["t"], stringify(n["c"] if n["t"] != "Header" else n["c"][2])) for n in self.nodes
                      if n["t"] in ("Para", "Plain", "Header")]
        for kind, text in paragraphs:
            if kind == "Header":
                if shouted(text):
                    self.say("capitals", self.body_line(text), "warning", f"the heading '{text[:40]}' is written in "
                             "capitals, which are hard to read; write it in ordinary case")
                continue
            self.plain_language(text, self.body_line)
            if shouted(text):
                self.say("capitals", self.body_line(text), "warning", "this paragraph has words written in capitals, "
                         "which are hard to read; use ordinary case (emphasis with **bold** if it must stand out)")
        prose = [s for kind, text in paragraphs if kind != "Header" for s in sentences(text)]
        self.readability([*sentences(self.release.lead or ""), *prose])

    def plain_language(self, text: str, line_of) -> None:
        for sentence in sentences(text):
            count = len(words(sentence))
            if count > self.settings.sentence_words:
                self.say("sentence-length", line_of(sentence), "warning", f"a sentence of {count} words ('"
                         f"{' '.join(words(sentence)[:6])} …'), more than {self.settings.sentence_words}; split it in two")
        for stiff, plain in officialese_in(text, self.release.lang):
            self.say("officialese", line_of(stiff), "warning",
                     f"'{stiff}' is officialese; write '{plain}'")

    def readability(self, text_sentences: list[str]) -> None:
        measure, line = measure_for(self.release.lang), first_text_line(self.body_lines, self.release.body_line)
        if measure == "lix" and (value := lix(text_sentences)) is not None and value > self.settings.lix:
            self.say("readability", line, "warning", f"the text has a LIX of {value:.0f} ({band(value, LIX_BANDS)} to "
                     f"read; {self.settings.lix} at most is asked); use shorter sentences and shorter words")
        if measure == "flesch" and (value := flesch(text_sentences)) is not None and value < self.settings.flesch:
            self.say("readability", line, "warning", f"the text has a Flesch reading ease of {value:.0f} "
                     f"({band(value, FLESCH_BANDS)}; {self.settings.flesch} at least is asked); use shorter sentences "
                     "and shorter words")

    def links_and_images(self) -> None:
        for node in self.nodes:
            if node["t"] == "Link":
                text, url = stringify(node["c"][1]), node["c"][2][0]
                if says_nothing(text) or text.strip() in (url, url.removeprefix("mailto:"), url.split("://")[-1]):
                    if url.startswith("mailto:") and text.strip() == url.removeprefix("mailto:"):
                        continue  # an e-mail address is its own best text
                    self.say("link-text", line_holding(self.body_lines, url, text, first=self.release.body_line)
                             or self.release.body_line, "warning",
                             f"the link text '{text[:40]}' does not say where the link leads, which is all a screen "
                             "reader's list of links shows; write what the reader will find, e.g. [the budget "
                             "proposal](…)")
            elif node["t"] == "Image":
                alt, src = stringify(node["c"][1]), node["c"][2][0]
                self.alt_text(alt, src, line_holding(self.body_lines, src, first=self.release.body_line)
                              or self.release.body_line)
        image = self.release.image
        if image and not image.decorative:
            self.alt_text(image.alt, image.src.name, line_starting(self.source_lines, "  alt:") or self.field_line("image"))

    def alt_text(self, alt: str, src: str, line: int) -> None:
        name = Path(src).name
        folded = alt.strip().casefold()
        if folded in (name.casefold(), Path(name).stem.casefold()):
            self.say("alt-text", line, "warning", f"the alt text is the file name '{name}'; describe what the image "
                     "shows")
        elif folded.startswith(("bild av", "bild på", "foto av", "foto på", "bilde av", "billede af", "kuva ",
                                "image of", "picture of", "photo of")):
            self.say("alt-text", line, "warning", f"the alt text starts with '{' '.join(alt.split()[:2])}', which a "
                     "screen reader says already; start with what the image shows")
        elif len(alt) > self.settings.alt_characters:
            self.say("alt-text", line, "warning", f"the alt text is {len(alt)} characters long, more than "
                     f"{self.settings.alt_characters}; keep it short, and put the rest in the caption or the text")

    def tables(self) -> None:
        for node in self.nodes:
            if node["t"] == "Table" and not node["c"][3][1]:
                cells = [stringify(b["c"]) for b in _nodes(node["c"][4]) if b["t"] in ("Plain", "Para")]
                self.say("table-header", self.body_line(cells[0]) if cells else self.release.body_line, "warning",
                         "the table has no header row, so a screen reader cannot say what each column holds; write "
                         "the column names in its first row, above a line of dashes (| Dag | Öppet |, then |---|---|)")

    def completeness(self) -> None:
        r = self.release
        if not r.contacts:
            self.say("contact", self.field_line("title"), "warning", "the release names no contact person of its own; "
                     "add 'contacts:' with who answers journalists' questions")
        if not r.topics:
            self.say("topic", self.field_line("title"), "note", "the release has no topic, so it is in no topic's "
                     "listing or feed; add e.g. 'topics: [Kultur]'")
        if r.image and not r.image.decorative and not r.image.credit:
            self.say("image-credit", self.field_line("image"), "warning", "the key image has no credit; add "
                     "'credit:' under 'image:' with the photographer or source (quote it: credit: \"Foto: …\")")
        if r.image and (width := _pixel_width(r.image.src)) is not None and width < self.settings.image_width:
            self.say("image-size", self.field_line("image"), "warning", f"the key image is {width} pixels wide, less "
                     f"than the {self.settings.image_width} a newspaper needs to print it; use a larger original")


def _nodes(value) -> Iterator[dict]:
    """Every pandoc node inside `value`, outermost first (a stack, not recursion: a body has many thousands)."""
    todo = [value]
    while todo:
        value = todo.pop()
        if type(value) is dict:
            if "t" in value:
                yield value
            content = value.get("c")
            if type(content) is list or type(content) is dict:
                todo.append(content)
        else:
            todo.extend(item for item in reversed(value) if type(item) is list or type(item) is dict)


def _pixel_width(path: Path) -> int | None:
    """A raster image's width in pixels; None for a drawing (SVG), which has no fixed size."""
    if path.suffix.lower() == ".svg":
        return None
    from PIL import Image

    try:
        with Image.open(path) as image:
            return image.size[0]
    except OSError:
        return None
