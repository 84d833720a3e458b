"""The recognised release as a source file and its images, as `press new` would write it, and the notes on its lines."""

from __future__ import annotations

import io
import re
import textwrap
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from pipeline.body.pandoc import ast_to_markdown
from pipeline.body.tree import Node, Rewrite
from pipeline.importing.read import Document
from pipeline.importing.recognise import END, TOP, Note, Recognised
from pipeline.problems import line_holding, line_starting
from pipeline.source.template import yaml_value

# What a file's first bytes say it is: the images a page shows as they are, and those saved again as PNG.
_SHOWN = {b"\x89PNG": "png", b"\xff\xd8\xff": "jpg", b"GIF8": "gif"}
_SAVED_AS_PNG = {b"II*\x00": "TIFF", b"MM\x00*": "TIFF", b"BM": "BMP"}
_METAFILES = {b"\xd7\xcd\xc6\x9a": "WMF", b"\x01\x00\x09\x00": "WMF", b"\x01\x00\x00\x00": "EMF"}


@dataclass
class Written:
    """What an import writes: the source's path and text, its images (path -> bytes), and the notes on its lines."""

    path: Path
    text: str
    files: dict[Path, bytes] = field(default_factory=dict)
    notes: list[tuple[int, str, str, bool]] = field(default_factory=list)  # (line, severity, message, press check says it)


def compose(found: Recognised, document: Document, site, path: Path, release_id: str, date: datetime | None) -> Written:
    """The source text and files of the release at `path`."""
    slug = re.sub(r"^\d{4}-\d{2}-\d{2}-", "", path.stem)
    names: dict[str, str] = {}  # media path -> file name beside the source
    files: dict[Path, bytes] = {}
    for number, picture in enumerate(found.pictures, 1):
        if picture.media in names:
            continue
        data, kind, problem = _image(document.media.get(picture.media, b""), site.limits.image_megapixels)
        name = f"{slug}-{number}.{kind or 'png'}"
        names[picture.media] = name
        if data is not None:
            files[path.parent / name] = data
            if problem:  # saved again as PNG
                found.note(f"image {number} {problem}", text=name if not picture.key else None,
                           field="image" if picture.key else None)
        else:
            found.note(f"image {number} ({picture.media.rsplit('/', 1)[-1]}) {problem}; save it from the document "
                       f"as PNG or JPEG (right-click it in Word, Save as Picture) as {path.parent.name}/{name}",
                       text=name if not picture.key else None, field="image" if picture.key else None, severity="error")
        if not picture.alt:
            found.notes.append(Note("error", f"image {number} has no alt text in the document; describe what it shows, "
                                    "for people who cannot see it" + (" ('alt' of the key image)" if picture.key else
                                                                      " (between the brackets)"),
                                    field="image.alt" if picture.key else None, text=None if picture.key else name,
                                    checked=True))

    body = _Written(names).blocks(found.body)
    version = document.ast.get("pandoc-api-version", [1, 23, 1])
    markdown = ast_to_markdown({"pandoc-api-version": version, "meta": {}, "blocks": body}).strip("\n")
    markdown = re.sub(r"^(\s*)-(\s+)" + _ONE_ITEM, r"\1*\2", markdown, flags=re.M)
    # Where pandoc's writer escaped the character itself ('\*'), the mark goes; elsewhere it becomes the backslash.
    markdown = re.sub(_ESCAPED + r"(?=\\)", "", markdown.replace(_ONE_ITEM, "")).replace(_ESCAPED, "\\")
    zone = ZoneInfo(site.timezone)
    front = _front_matter(found, site, release_id, date, zone, names)
    text = "---\n" + "\n".join(front) + "\n---\n\n" + (markdown + "\n" if markdown else "")
    return Written(path, text, files, _placed(found.notes, text))


_ESCAPED = "\ue000"  # before a character the written Markdown must escape: a backslash in its place
_ONE_ITEM = "\ue001"  # the text of a list of one item, written with '*': in a Nordic release '- ' alone is a quote
_RISKY_START = re.compile(r"^([:~`|+=%*_#>!<\[-])")  # what opens a block in Markdown when it opens a line


class _Written(Rewrite):
    """The body as its Markdown is written: images under their new names, link targets and image captions
    that hold nothing to read as Markdown, and text that would open a block (':::', '---', ': ') escaped."""

    def __init__(self, names: dict[str, str]):
        self.names = names

    def Para(self, n: Node) -> Node:
        n["c"] = self._line_starts(self.inlines(n["c"]))
        return n

    Plain = Para

    def BulletList(self, n: Node) -> Node:
        n = super().BulletList(n)
        if len(n["c"]) == 1 and n["c"][0] and n["c"][0][0]["t"] in ("Plain", "Para"):
            n["c"][0][0]["c"].insert(0, {"t": "Str", "c": _ONE_ITEM})
        return n

    def Str(self, n: Node) -> Node:
        # '&lt;' typed in the document is text, not the entity the Markdown reader would make of it
        return {"t": "Str", "c": re.sub(r"&(?=#?\w+;)", "&amp;", n["c"])}

    def Image(self, n: Node) -> Node:
        n = super().Image(n)
        target, caption = n["c"][2]
        n["c"][2] = [quote(self.names.get(target, target)), caption.replace('"', "”").replace("\\", "/")]
        return n

    def Link(self, n: Node) -> Node:
        n = super().Link(n)
        n["c"][2] = [quote(n["c"][2][0]), ""]
        return n

    @staticmethod
    def _line_starts(inlines: list) -> list:
        for i, inline in enumerate(inlines):
            if inline["t"] == "Str" and (i == 0 or inlines[i - 1]["t"] == "LineBreak") and _RISKY_START.match(inline["c"]):
                inline["c"] = _ESCAPED + inline["c"]
        return inlines


def quote(target: str) -> str:
    """An address with nothing in it that Markdown reads (spaces, brackets, quotes) but as percent escapes."""
    from urllib.parse import quote as percent

    return re.sub(r'[\s()<>"\[\]{}|\\^`]', lambda m: percent(m[0], safe=""), target)


def _front_matter(found: Recognised, site, release_id: str, date: datetime | None, zone: ZoneInfo,
                  names: dict[str, str]) -> list[str]:
    out = [f"title: {yaml_value(found.title or '')}" if found.title else "title:",
           f"date: {date.astimezone(zone).isoformat()}" if date else "date:", f"id: {release_id}"]
    if found.lang != site.lang:
        out.append(f"lang: {found.lang}")
    if found.type:
        out.append(f"type: {yaml_value(found.type)}")
    if found.place:
        out.append(f"place: {yaml_value(found.place)}")
    if found.lead:
        out += ["lead: >-", *("  " + line for line in textwrap.wrap(found.lead, 78, break_long_words=False,
                                                                      break_on_hyphens=False))]
    for key in ("topics", "regions"):
        if entries := getattr(found, key):
            out.append(f"{key}: [" + ", ".join(yaml_value(e, flow=True) for e in entries) + "]")
    if found.contacts:
        out.append("contacts:")
        for person in found.contacts:
            fields = person.as_fields()
            out += [("  - " if n == 0 else "    ") + f"{k}: {yaml_value(v)}" for n, (k, v) in enumerate(fields.items())]
    key = next((p for p in found.pictures if p.key), None)
    if key:
        out += ["image:", f"  src: {yaml_value(names[key.media])}", f"  alt: {yaml_value(key.alt) if key.alt else chr(34) * 2}"]
        out += [f"  {k}: {yaml_value(v)}" for k, v in (("caption", key.caption), ("credit", key.credit)) if v]
    if found.embargo:
        out.append(f"embargo: {found.embargo.at(zone).isoformat()}")
    elif found.embargo_text:
        out.append(f"embargo: {yaml_value(found.embargo_text)}")
    return out


def _placed(notes: list[Note], text: str) -> list[tuple[int, str, str, bool]]:
    """Each note on the line of the field or text it concerns."""
    lines = text.split("\n")
    body_start = next((i for i in range(1, len(lines)) if lines[i] == "---"), 0) + 2
    last = max((i + 1 for i, line in enumerate(lines) if line.strip()), default=1)
    placed = []
    for note in notes:
        line = None
        if note.text:
            words = note.text.split()
            # The text as written may carry Markdown (**bold**, [a link](…)): the fewer words, the likelier found.
            needles = [" ".join(words[:n]) for n in (8, 4, 2, 1) if len(words) >= n]
            line = line_holding(lines[body_start - 1 :], *needles, first=body_start) or line_holding(lines, *needles)
        if line is None and note.field == END:
            line = last
        if line is None and note.field == TOP:
            line = 1
        if line is None and note.field:
            parent, _, child = note.field.partition(".")  # 'image.alt': the alt line under image
            line = line_starting(lines, f"{parent}:")
            if line and child:
                line = line_starting(lines[line:], f"  {child}:", first=line + 1) or line
        placed.append((line or 1, note.severity, note.message, note.checked))
    return sorted(placed, key=lambda n: n[0])


def _image(data: bytes, megapixels: int) -> tuple[bytes | None, str | None, str | None]:
    """(the bytes to write, their suffix, None) for an image a page can show; (bytes, suffix, what was done) for one
    saved again as PNG; (None, suffix, what is wrong) for one that cannot be written."""
    if not data:
        return None, None, "is not in the document (a linked picture, not an embedded one)"
    for magic, kind in _SHOWN.items():
        if data.startswith(magic):
            return data, kind, None
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return data, "webp", None
    if data.lstrip()[:5] in (b"<?xml", b"<svg ") and b"<svg" in data[:4096]:
        return data, "svg", None
    for magic, kind in _METAFILES.items():
        if data.startswith(magic) and (kind == "WMF" or data[40:44] == b" EMF"):
            return None, "png", f"is a Windows metafile ({kind}), which no web page or PDF shows"
    for magic, kind in _SAVED_AS_PNG.items():
        if data.startswith(magic):
            png, suffix, problem = _as_png(data, megapixels)
            return png, suffix, problem or f"is a {kind} image, which pages do not show: it is saved as PNG"
    return None, "png", "is in a format a web page cannot show"


def _as_png(data: bytes, megapixels: int) -> tuple[bytes | None, str | None, str | None]:
    """A TIFF or BMP image saved again as PNG, which a page shows."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > megapixels * 1_000_000:
                return None, "png", f"has more than {megapixels} megapixels, the most an image may have"
            out = io.BytesIO()
            image.save(out, "PNG", optimize=False)
            return out.getvalue(), "png", None
    except (OSError, ValueError, Image.DecompressionBombError):
        return None, "png", "cannot be read"
