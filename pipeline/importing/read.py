"""A Word (.docx) or OpenDocument (.odt) file as pandoc reads it, and what pandoc's ODT reader leaves out.

pandoc's ODT reader drops paragraph styles, the alt text of images and comments; they
are read here from the document's content.xml (alone, with a parser that expands no
entity and fetches nothing), so that an .odt is recognised as well as a .docx.
"""

from __future__ import annotations

import base64
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.body.pandoc import PandocFailed, document_to_ast

KINDS = {".docx": "docx", ".odt": "odt"}
# A document is a zip: what it may unpack to before it is refused (a zip bomb), far above any press release.
MOST_UNPACKED = 1_000_000_000
MOST_MEMBERS = 10_000


class Unreadable(Exception):
    """The file cannot be imported: the message says why and what to do."""


@dataclass
class Document:
    """What the document holds: pandoc's AST, its images (media path -> bytes), and for an .odt what pandoc
    leaves out of it."""

    ast: dict
    media: dict[str, bytes]
    kind: str
    paragraph_styles: list[tuple[str, str]] = field(default_factory=list)  # (style, text), odt only
    image_texts: dict[str, str] = field(default_factory=dict)  # media path -> alt text, odt only
    comments: list[tuple[str, str]] = field(default_factory=list)  # (author, text), odt only
    changes: int = 0  # tracked changes, odt only (a .docx has them in its AST)
    text_boxes: int = 0  # Word text boxes, whose text pandoc reads only in part
    header: str = ""  # the text of the page headers and footers, .docx only: pandoc reads none, an embargo may be there


_NESTING = frozenset({"BulletList", "OrderedList", "BlockQuote", "Div", "Table", "Note", "Figure", "DefinitionList"})


def nesting(ast: dict) -> int:
    """How deep lists, quotes, tables and notes sit inside each other in the document."""
    deepest, stack = 0, [(ast.get("blocks", []), 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            depth += node.get("t") in _NESTING
            deepest = max(deepest, depth)
            stack.extend((child, depth) for child in node.values() if isinstance(child, (dict, list)))
        elif isinstance(node, list):
            stack.extend((child, depth) for child in node if isinstance(child, (dict, list)))
    return deepest


def read_document(path: Path, seconds: int = 60, most_nesting: int = 30) -> Document:
    kind = KINDS.get(path.suffix.lower())
    if kind is None:
        raise Unreadable(_unknown_kind(path))
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise Unreadable(f"the file cannot be read ({exc.strerror}); check that it is there and yours to read") from None
    styles: list[tuple[str, str]] = []
    texts: dict[str, str] = {}
    comments: list[tuple[str, str]] = []
    changes = boxes = 0
    header = ""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            if len(members) > MOST_MEMBERS or sum(m.file_size for m in members) > MOST_UNPACKED:
                raise Unreadable("the file unpacks to more than a document can hold; save it again from Word or "
                                 "LibreOffice, or import a copy without its largest pictures")
            if kind == "odt":
                with archive.open("content.xml") as content:
                    styles, texts, comments, changes = _odt_extras(content.read())
            else:
                boxes = _count(archive, "word/document.xml", b"<w:txbxContent")
                header = " ".join(_texts(archive, name) for name in archive.namelist()
                                  if re.fullmatch(r"word/(header|footer)\d*\.xml", name))
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, zlib.error, NotImplementedError, RuntimeError, ValueError):
        raise Unreadable(f"the file is not a {'Word' if kind == 'docx' else 'OpenDocument'} document (it may be damaged, "
                         "or an older format with a new name); open it and save it again as "
                         f"{'Word Document (.docx)' if kind == 'docx' else 'ODF Text Document (.odt)'}") from None
    try:
        ast, uris = document_to_ast(data, kind, seconds)
    except PandocFailed as exc:
        raise Unreadable(f"the document cannot be read: {exc}; open it and save it again") from None
    if nesting(ast) > most_nesting:
        raise Unreadable(f"the document nests lists, tables or quotes more than {most_nesting} deep, the limit; make "
                         "it flatter")
    media = {}
    for name, uri in uris.items():
        try:
            media[name] = base64.b64decode(uri.split(",", 1)[1])
        except (IndexError, ValueError):
            continue
    return Document(ast, media, kind, styles, texts, comments, changes, boxes, " ".join(header.split()))


def _count(archive: zipfile.ZipFile, name: str, needle: bytes) -> int:
    """How often `needle` occurs in a member, read a megabyte at a time."""
    count, tail = 0, b""
    with archive.open(name) as member:
        while chunk := member.read(1 << 20):
            window = tail + chunk
            count += window.count(needle)
            tail = window[-(len(needle) - 1):]
            count -= tail.count(needle)  # counted again with the next chunk
    return count + tail.count(needle)


def _texts(archive: zipfile.ZipFile, name: str) -> str:
    """The text of a small part of a .docx (a page header): its w:t elements, parsed with nothing expanded."""
    from lxml import etree

    info = archive.getinfo(name)
    if info.file_size > 1_000_000:
        return ""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        root = etree.fromstring(archive.read(info), parser)
    except etree.XMLSyntaxError:
        return ""
    paragraphs = root.iter("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}p")
    return " ".join("".join(p.itertext()) for p in paragraphs)


def _unknown_kind(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in (".doc", ".rtf", ".wpd", ".pages"):
        return (f"a '{suffix}' file cannot be imported; open it in Word or LibreOffice and save it as Word Document "
                "(.docx) or ODF Text Document (.odt), then import that")
    if suffix == ".md":
        return "this is a Markdown file already; put it in the sources folder as a release, or start one with press new"
    return (f"a '{suffix or 'file without a suffix'}' cannot be imported; give a Word document (.docx) or an "
            "OpenDocument text (.odt)")


_NS = {
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "draw": "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0",
    "svg": "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0",
    "xlink": "http://www.w3.org/1999/xlink",
    "dc": "http://purl.org/dc/elements/1.1/",
}


def _odt_extras(content: bytes) -> tuple[list[tuple[str, str]], dict[str, str], list[tuple[str, str]], int]:
    """(style, text) of each paragraph and heading, the alt text of each image, the comments and the number of
    tracked changes in an OpenDocument's content.xml."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(content, parser)
    except etree.XMLSyntaxError:
        return [], {}, [], 0

    def q(name: str) -> str:
        prefix, local = name.split(":")
        return f"{{{_NS[prefix]}}}{local}"

    skipped = {q("office:annotation"), q("text:tracked-changes")}  # a comment, or deleted text, is not the paragraph's

    def text_of(element) -> str:
        parts = [element.text or ""]
        for child in element:
            if child.tag in (q("text:s"), q("text:tab"), q("text:line-break")):
                parts.append(" ")
            if child.tag not in skipped:
                parts.append(text_of(child))
            parts.append(child.tail or "")
        return "".join(parts)

    parents = {s.get(q("style:name")): s.get(q("style:parent-style-name"))
               for s in root.iter(q("style:style")) if s.get(q("style:family")) == "paragraph"}

    def named(style: str | None) -> str:
        seen = set()
        while style in parents and parents[style] and style not in seen:  # an automatic style names its parent
            seen.add(style)
            style = parents[style]
        return (style or "").replace("_20_", " ")

    body = root.find(f"{q('office:body')}/{q('office:text')}")
    if body is None:
        return [], {}, [], 0
    styles = [(named(p.get(q("text:style-name"))), " ".join(text_of(p).split())) for p in body.iter(q("text:p"), q("text:h"))
              if not any(a.tag in skipped for a in p.iterancestors())]
    texts = {}
    for frame in body.iter(q("draw:frame")):
        image = frame.find(q("draw:image"))
        described = [" ".join((frame.findtext(q(tag)) or "").split()) for tag in ("svg:desc", "svg:title")]
        if image is not None and image.get(q("xlink:href")) and any(described):
            texts[image.get(q("xlink:href"))] = next(d for d in described if d)
    comments = [(a.findtext(q("dc:creator")) or "", " ".join(" ".join(p.itertext()) for p in a.iter(q("text:p"))).strip())
                for a in body.iter(q("office:annotation"))]
    changes = len(body.findall(f".//{q('text:changed-region')}"))
    return styles, texts, comments, changes
